"""Migrations: upgrade head on an empty database gives exactly the tables of models/tables.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.migrate import drift, upgrade
from models.session import make_engine
from tests.databases import KINDS, fresh_database


@pytest.mark.parametrize("kind", KINDS)
def test_upgrade_head_matches_the_tables_and_is_idempotent(kind: str, tmp_path: Path) -> None:
    with fresh_database(kind, tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine)
        upgrade(engine)
        assert drift(engine) == []
        engine.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_0002_indexes_the_rule_hits_of_versions_already_stored(kind: str, tmp_path: Path) -> None:
    """A database made before rule_hit existed: upgrading fills it from each version's suggestion."""
    import datetime as dt

    from sqlalchemy import insert, select

    from models.tables import ItemRow, ItemVersionRow, RuleHitRow

    with fresh_database(kind, tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine, "0001")
        hits = [{"id": "proactive.normative.issuing_notice", "mode": "enforce", "outcome": {"category": "proactive"},
                 "evidence": [{"field": "title"}]},
                {"id": "columns.other.fallback", "mode": "baseline", "outcome": {"column": "other"}}]
        with engine.begin() as connection:
            connection.execute(insert(ItemRow.__table__), [{
                "id": 7, "origin": "closure", "source_id": "old", "title": "旧", "closed_on": dt.date(2026, 1, 5),
                "due_on": dt.date(2026, 2, 2), "due_warnings": [], "status": "secrecy_review", "marking": "none",
                "marked": False, "risk": 0.0, "current_version": 2, "changed_after_review": False,
                "created_at": dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc),
                "updated_at": dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc), "lock_version": 1}])
            connection.execute(insert(ItemVersionRow.__table__), [
                {"item_id": 7, "number": n, "content_hash": f"h{n}", "document": {}, "suggestion": {"hits": hits[:n]},
                 "ruleset_revision": "r", "model_id": None, "received_by": "x",
                 "received_at": dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)} for n in (1, 2)])
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(select(RuleHitRow.item_id, RuleHitRow.version_number, RuleHitRow.rule_id,
                                             RuleHitRow.mode, RuleHitRow.outcome).order_by(RuleHitRow.id)).all()
        assert [tuple(r) for r in rows] == [
            (7, 1, "proactive.normative.issuing_notice", "enforce", {"category": "proactive"}),
            (7, 2, "proactive.normative.issuing_notice", "enforce", {"category": "proactive"}),
            (7, 2, "columns.other.fallback", "baseline", {"column": "other"})]
        assert drift(engine) == []
        engine.dispose()


def test_the_newest_revision_read_from_the_files_is_alembics_head() -> None:
    """upgrade() skips Alembic when the database is at newest_revision(): it must be the head Alembic knows."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from models.migrate import MIGRATIONS, newest_revision

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_heads() == [newest_revision()]
