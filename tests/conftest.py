"""Shared fixtures: the project's real rulebook, compiled once, with both backends, and a model
really trained on data/training (fit only, no cross-validation).

The model is trained only for runs with a test that asks for it (`model`, `combined`, or `model_dir`
for the apps and CLIs that find it through GONGKAI_MODEL), and then once: it is kept in
.cache/test-model/ under a digest of everything it depends on (tests/model_cache.py). Other tests
see GONGKAI_MODEL name a directory that does not exist, so a test that needs the model without
asking for it fails instead of passing only after another test has asked."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from engine.classifier.model import Model, load_model
from engine.facts.derive import Facts, derive_facts
from engine.facts.document import Document, document_from_record
from engine.paths import PROJECT_ROOT
from engine.rules.loader import load_rulebook
from engine.rules.rulebook import Rulebook
from engine.suggest import Suggester
from tests.model_cache import cached_model

RULES = PROJECT_ROOT / "rules"
TRAINING = PROJECT_ROOT / "data" / "training" / "records.jsonl"


_MODEL_NOTES: list[str] = []  # what this run did about the model, for the summary


@pytest.fixture(scope="session")
def trained_model_dir() -> Path:
    """The model trained on the real training corpus, from .cache/test-model/ or trained now."""

    def train(directory: Path) -> None:
        from engine.classifier.build import train_model

        model, problems = train_model([TRAINING], suggester=Suggester(load_rulebook(RULES), "reference"), folds=0)
        assert not problems
        model.save(directory)

    return cached_model([TRAINING], RULES, train, say=_MODEL_NOTES.append)


@pytest.fixture
def model_dir(trained_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The trained model's directory; GONGKAI_MODEL points at it for the test's apps, CLI calls and processes."""
    monkeypatch.setenv("GONGKAI_MODEL", str(trained_model_dir))
    return trained_model_dir


@pytest.fixture(scope="session", autouse=True)
def no_model_unless_requested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """GONGKAI_MODEL names a missing directory unless the test asks for `model_dir` (a developer's own
    model in data/artifacts/ is never used by accident)."""
    previous = os.environ.get("GONGKAI_MODEL")
    os.environ["GONGKAI_MODEL"] = str(tmp_path_factory.getbasetemp() / "no-model--ask-for-the-model_dir-fixture")
    yield
    if previous is None:
        os.environ.pop("GONGKAI_MODEL", None)
    else:
        os.environ["GONGKAI_MODEL"] = previous


@pytest.fixture(scope="session", autouse=True)
def audit_key_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One audit key for the session (api/audit_key.py), in GONGKAI_AUDIT_KEY_FILE for every app and
    CLI the tests start, so none of them makes one in the project's data/runtime."""
    path = tmp_path_factory.mktemp("audit-key") / "audit.key"
    path.write_text("test-audit-key-" + "0123456789abcdef" * 3 + "\n", encoding="ascii")
    path.chmod(0o600)
    previous = {name: os.environ.pop(name, None) for name in ("GONGKAI_AUDIT_KEY", "GONGKAI_AUDIT_KEY_FILE")}
    os.environ["GONGKAI_AUDIT_KEY_FILE"] = str(path)
    yield path
    os.environ.pop("GONGKAI_AUDIT_KEY_FILE", None)
    os.environ.update({name: value for name, value in previous.items() if value is not None})


@pytest.fixture(scope="session")
def model(trained_model_dir: Path) -> Model:
    return load_model(trained_model_dir)


@pytest.fixture(scope="session")
def combined(rulebook: Rulebook, model: Model) -> Suggester:
    """Rules and model together, as `gongkai suggest` and the service use them."""
    return Suggester(rulebook, "durable", model)


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


def pytest_report_header(config: pytest.Config) -> str:
    from tests.databases import KINDS

    return f"service tests run on: {', '.join(KINDS)}" + ("" if len(KINDS) > 1 else " (set TEST_DATABASE_URL for PostgreSQL)")


def pytest_sessionfinish(session: Any) -> None:
    """In a pytest-xdist worker (scripts/test --fast): hand the model notes to the controller."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["model_notes"] = list(_MODEL_NOTES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist's controller: gather each worker's model notes for the summary line."""
    for note in getattr(node, "workeroutput", {}).get("model_notes", []):
        if note not in _MODEL_NOTES:
            _MODEL_NOTES.append(note)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line("test model: " + ("; ".join(_MODEL_NOTES) or "not needed by the tests that ran"))
