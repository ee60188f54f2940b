"""The audit log: every action recorded, protected against update and delete by the database, and
a hash chain whose verification names the first broken link."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from models import guards
from tests.service.conftest import Api, sample_documents


def _flow(api: Api) -> int:
    item = api.push(sample_documents()[0]).json()
    api.as_("secrecy_reviewer").post(f"/v1/items/{item['id']}/secrecy_review", json={"secrecy": "none"})
    api.as_("disclosure_reviewer").post(f"/v1/items/{item['id']}/disclosure_review", json={})
    return int(item["id"])


def test_every_action_is_recorded_with_who_what_before_and_after(api: Api) -> None:
    item_id = _flow(api)
    events = api.as_("supervisor").get("/v1/audit", params={"item_id": item_id}).json()["events"]
    assert [e["action"] for e in events] == ["closure:created", "secrecy_review", "disclosure_review", "routed"]
    assert [e["actor"] for e in events] == ["document_system-1", "secrecy_reviewer-1", "disclosure_reviewer-1",
                                            "disclosure_reviewer-1"]
    review = events[1]
    assert review["before"] == {"suggested": {"secrecy": "none"}}
    assert review["after"]["decided"] == {"secrecy": "none"} and review["after"]["changed"] == []
    assert events[3]["after"]["store"] == "proactive"
    assert api.as_("supervisor").get("/v1/audit/verify").json()["intact"] is True


@pytest.mark.parametrize("table", guards.APPEND_ONLY)
def test_the_database_refuses_update_and_delete(api: Api, table: str) -> None:
    _flow(api)
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    column = {"audit_event": "actor", "review": "actor", "item_version": "received_by", "rule_hit": "mode",
              "rule_set": "created_by", "rule_activation": "actor"}[table]
    for statement in (f"UPDATE {table} SET {column} = 'someone else'", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() > 0


def _tamper(api: Api, statement: str) -> None:
    """What someone with database access would do: drop the guards, change history."""
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        for drop in guards.drop_statements(engine.dialect.name):
            connection.execute(text(drop))
        connection.execute(text(statement))


def test_a_changed_event_is_named_by_the_verification(api: Api, database_url: str) -> None:
    _flow(api)
    _flow(api)
    _tamper(api, "UPDATE audit_event SET actor = 'nobody' WHERE seq = 3")
    report = api.as_("admin").get("/v1/audit/verify").json()
    assert report == {"events": 3, "intact": False, "broken_at": 3,
                      "problem": "event 3 was changed after it was written"}
    cli = subprocess.run([sys.executable, "-m", "api.cli", "audit", "verify"], capture_output=True, text=True,
                         env={**os.environ, "GONGKAI_DATABASE_URL": database_url}, timeout=120)
    assert cli.returncode == 1 and "BROKEN at event 3" in cli.stdout


def test_a_removed_event_is_named(api: Api) -> None:
    _flow(api)
    _tamper(api, "DELETE FROM audit_event WHERE seq = 2")
    report = api.as_("admin").get("/v1/audit/verify").json()
    assert report["broken_at"] == 2 and "missing" in report["problem"]


def test_an_intact_chain_verifies_from_the_command_line(api: Api, database_url: str) -> None:
    _flow(api)
    cli = subprocess.run([sys.executable, "-m", "api.cli", "audit", "verify"], capture_output=True, text=True,
                         env={**os.environ, "GONGKAI_DATABASE_URL": database_url}, timeout=120)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "intact" in cli.stdout
