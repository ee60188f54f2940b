"""Engines and sessions for SQLite (the embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def _json(value: Any) -> str:
    # Chinese text as itself, not as \u escapes: half the size of every stored document and suggestion.
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str, *, reader: bool = False, **kwargs: Any) -> Engine:
    """An engine for `url`; on SQLite, the pragmas that make it a safe service database.

    - WAL with synchronous=FULL: an acknowledged commit survives the process being killed (and a
      power cut); readers do not block the writer.
    - foreign_keys=ON: SQLite ignores foreign keys unless asked, per connection.
    - busy_timeout and BEGIN IMMEDIATE: a writer waits for the lock instead of failing, and a
      transaction takes the write lock at its start, so two requests never deadlock upgrading a
      read lock (pysqlite's own deferred BEGIN would). A `reader` engine is the exception: its
      transactions only read (query_only), so they take no write lock and WAL lets them run beside
      the writer (token checks and GET requests do not queue behind pushes).
    """
    kwargs.setdefault("json_serializer", _json)
    if url.startswith("sqlite:///") and ":memory:" not in url:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)  # first start: data/runtime/
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
            cursor = dbapi_connection.cursor()
            if ":memory:" not in url and url not in ("sqlite://", "sqlite+pysqlite://"):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if reader:
                cursor.execute("PRAGMA query_only=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN" if reader else "BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


# Session.info key of the audit key (api/audit_key.py): the sessions that may write the audit log carry
# it, so models/audit.record needs no global and no extra argument at each of its callers.
AUDIT_KEY = "audit_key"
# Session.info key of a callable: after a commit that appended audit events, nudge the service's appender thread
# instead of linking them in the committing thread (models/audit/appender.py, api/audit_appender.py).
AUDIT_ON_APPEND = "audit_on_append"


def make_sessions(engine: Engine, *, audit_key: bytes | None = None,
                  on_append: Callable[[], None] | None = None) -> sessionmaker[Session]:
    """Sessions on `engine`; with `audit_key`, sessions that can append to the audit log."""
    info: dict[str, Any] = {AUDIT_KEY: audit_key} if audit_key is not None else {}
    if on_append is not None:
        info[AUDIT_ON_APPEND] = on_append
    return sessionmaker(engine, expire_on_commit=False, info=info)
