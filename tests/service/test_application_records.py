"""The records around an application (migration 0008): its events, suggestions and letters are
append-only in the database itself, on SQLite and PostgreSQL, whatever the application code does."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from models import guards
from tests.service.conftest import Api
from tests.service.test_applications import registered


@pytest.mark.parametrize("table", guards.APPLICATION_RECORDS)
def test_the_database_refuses_to_change_an_application_record(api: Api, table: str) -> None:
    case = registered(api)
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        if table == "application_suggestion":
            connection.execute(text("INSERT INTO application_suggestion (application_id, outcome, details, "
                                    "engine_version, made_by, made_at) VALUES (:a, 'disclosed', '{}', 'x', 'o', "
                                    "CURRENT_TIMESTAMP)"), {"a": case["id"]})
        elif table == "application_letter":
            connection.execute(text("INSERT INTO application_letter (application_id, kind, elements, letter, "
                                    "issued_on, issued_by, role, created_at) VALUES (:a, 'receipt', '{}', '{}', "
                                    "'2025-09-26', 'o', 'office', CURRENT_TIMESTAMP)"), {"a": case["id"]})
    for statement in (f"UPDATE {table} SET application_id = application_id", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 1
