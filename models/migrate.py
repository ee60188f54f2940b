"""Schema migrations (Alembic) run from code: the service at start, tests, `gongkai db upgrade`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from models.base import Base

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def newest_revision() -> str:
    """The newest migration's revision, read from the files: they are numbered 0001_…, 0002_… in one line,
    each `revision = 'NNNN'` (tests/service/test_migrations.py checks this against Alembic's own head)."""
    newest = max((MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    found = re.search(r"^revision = '([^']+)'", newest.read_text(encoding="utf-8"), re.MULTILINE)
    if found is None:
        raise RuntimeError(f"{newest} names no revision")
    return found.group(1)


def _at_head(engine: Engine) -> bool:
    """Whether the database is at the newest revision already: one query, without importing Alembic (with
    Mako and the rest, a quarter of a second of every start)."""
    try:
        with engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:  # no alembic_version table: a new database
        return False
    return current == [newest_revision()]


def _config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # configparser interpolates %: escape it (a URL may hold %3D, e.g. options=-csearch_path%3D…)
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (idempotent)."""
    if revision == "head" and _at_head(engine):
        return
    from alembic import command

    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def drift(engine: Engine) -> list[object]:
    """Differences between the migrated schema and the tables in models/tables.py (empty when in sync)."""
    import models.tables  # noqa: F401
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))
