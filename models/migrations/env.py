"""Alembic environment: run with a connection handed in by models.migrate (tests, `gongkai db upgrade`)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import models.tables  # noqa: F401  (registers the tables on Base.metadata)
from models.base import Base

config = context.config


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "alembic.ini or the caller sets sqlalchemy.url"
    with create_engine(url).connect() as conn:
        _run(conn)
