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
