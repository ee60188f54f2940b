"""The served start (api/app.create_served_app, what `gongkai serve` runs): the rules and the model load in
a thread beside the rest of the start and the checked rulebook is kept between starts, yet every check
still stops the start with the very message create_app gives, and the app is not returned (so nothing
answers /healthz) before its suggester is loaded."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import api.app as app_module
from api.access import tokens
from api.app import StartupError, create_app, create_served_app
from api.context import Actor
from api.letters.render import templates_at
from api.settings import Settings
from engine.rules import loader
from engine.rules.loader import check_rulebook
from tests.service.conftest import sample_documents


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The rulebook cache in the test's directory (not the project's data/runtime); the objects a served
    start freezes are unfrozen afterwards, so that the test process can free them."""
    path = tmp_path / "runtime" / "rulebook.cache"
    monkeypatch.setattr(app_module, "rulebook_cache", lambda: path)
    yield path
    gc.unfreeze()
    assert gc.isenabled()


def refusal(start: Callable[[Settings], FastAPI], settings: Settings) -> str:
    with pytest.raises(StartupError) as caught:
        start(settings)
    assert gc.isenabled()
    return str(caught.value)


def closed(app: FastAPI) -> None:
    app.state.engine.dispose()
    app.state.reader_engine.dispose()


def test_a_broken_rulebook_stops_the_served_start_as_it_stops_create_app(settings: Settings, tmp_path: Path,
                                                                         cache: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(settings.rules, rules)
    broken = sorted((rules / "withheld").glob("*.yaml"))[0]
    broken.write_text(broken.read_text(encoding="utf-8") + "\n  - id: [\n", encoding="utf-8")
    settings = settings.model_copy(update={"rules": rules})
    message = refusal(create_served_app, settings)
    assert message == refusal(create_app, settings)
    assert f"the rules in {rules} have errors" in message and broken.name in message
    assert not cache.exists()


def test_a_rulebook_broken_after_a_good_start_stops_the_next_one(settings: Settings, tmp_path: Path,
                                                                 cache: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(settings.rules, rules)
    settings = settings.model_copy(update={"rules": rules})
    closed(create_served_app(settings))
    assert cache.is_file()
    broken = sorted((rules / "withheld").glob("*.yaml"))[0]
    broken.write_text(broken.read_text(encoding="utf-8").replace("id: ", "id: [", 1), encoding="utf-8")
    message = refusal(create_served_app, settings)
    assert message == refusal(create_app, settings) and broken.name in message


def test_a_corrupt_model_stops_the_served_start_as_it_stops_create_app(settings: Settings, tmp_path: Path) -> None:
    assert settings.model is not None
    model = tmp_path / "model"
    shutil.copytree(settings.model, model)
    (model / "model.npz").write_bytes(b"not a model")
    settings = settings.model_copy(update={"model": model})
    message = refusal(create_served_app, settings)
    assert message == refusal(create_app, settings) and "GONGKAI_MODEL=" in message


def test_a_missing_audit_key_stops_the_served_start_as_it_stops_create_app(settings: Settings) -> None:
    settings = settings.model_copy(update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                                           "audit_key_file": None, "audit_key": None})
    message = refusal(create_served_app, settings)
    assert message == refusal(create_app, settings) and "no audit key" in message


def test_a_broken_letter_template_stops_the_served_start_as_it_stops_create_app(settings: Settings,
                                                                                tmp_path: Path) -> None:
    letters = tmp_path / "letters"
    shutil.copytree(settings.letters, letters)
    broken = sorted(letters.glob("*.yaml"))[-1]
    broken.write_text(broken.read_text(encoding="utf-8") + "\n  {无此占位符}: [\n", encoding="utf-8")
    templates_at.cache_clear()
    settings = settings.model_copy(update={"letters": letters})
    message = refusal(create_served_app, settings)
    assert message == refusal(create_app, settings) and broken.name in message


def test_a_served_app_is_the_app_with_its_suggester_loaded(settings: Settings, cache: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    expected = check_rulebook(settings.rules)[0]
    assert expected is not None
    reference = create_app(settings)
    for start in ("checked", "from the cache"):
        app = create_served_app(settings)
        suggester = app.state.context.suggester
        assert suggester.book.revision == expected.revision and suggester.model is not None, start
        assert [r.id for r in suggester.book.rules] == [r.id for r in expected.rules]
        assert app.openapi() == reference.openapi(), start
        assert sorted(_paths(app)) == sorted(_paths(reference)), start
        with app.state.sessions() as session:
            _, token = tokens.issue(session, name=f"ds-{start}", role="document_system", division=None,
                                    by=Actor("test-setup", "admin"))
            session.commit()
        with TestClient(app) as client:
            assert client.get("/healthz").status_code == 200
            assert client.get("/v1/version").json()["ruleset"]["revision"] == expected.revision
            document = {**sample_documents()[0], "id": f"startup-{start}"}
            pushed = client.post("/v1/closures", json=document, headers={"Authorization": f"Bearer {token}"})
            assert pushed.status_code == 201, pushed.text
        closed(app)
        assert cache.is_file()

        def no_second_check(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("an unchanged rulebook was checked again")

        monkeypatch.setattr(loader, "check_files", no_second_check)
    closed(reference)


def _paths(app: FastAPI) -> list[tuple[str, str]]:
    """Every route, the pages' too (they are not in the OpenAPI document)."""
    return [(getattr(r, "path", ""), ",".join(sorted(getattr(r, "methods", None) or ()))) for r in app.routes]
