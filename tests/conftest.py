"""Shared fixtures: the project's real rulebook, compiled once, with both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.document import Document, document_from_record
from engine.facts import Facts, derive_facts
from engine.paths import PROJECT_ROOT
from engine.rules.loader import load_rulebook
from engine.rules.rulebook import Rulebook
from engine.suggest import Suggester

RULES = PROJECT_ROOT / "rules"
STARTER = PROJECT_ROOT.parent / "shared" / "corpus" / "starter"


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook(RULES)


@pytest.fixture(scope="session")
def suggester(rulebook: Rulebook) -> Suggester:
    return Suggester(rulebook, "durable")


@pytest.fixture(scope="session")
def reference(rulebook: Rulebook) -> Suggester:
    return Suggester(rulebook, "reference")


def make_doc(**fields: Any) -> Document:
    return document_from_record(fields)


def facts_of(**fields: Any) -> Facts:
    return derive_facts(make_doc(**fields))


@pytest.fixture
def tmp_rules(tmp_path: Path) -> Path:
    """An empty rules directory with the project's manifest."""
    directory = tmp_path / "rules"
    directory.mkdir()
    (directory / "_ruleset.yaml").write_text((RULES / "_ruleset.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return directory
