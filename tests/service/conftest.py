"""Fixtures for the service: the real app on a real database (SQLite, and PostgreSQL when
configured), with the real rulebook and a really trained model, and a token for every role."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from api.access import tokens
from api.access.roles import Role
from api.app import create_app
from api.context import Actor
from api.settings import Settings
from engine.facts.document import DOCUMENT_FIELDS
from engine.paths import PROJECT_ROOT
from engine.suggest import Suggester
from tests.databases import KINDS, fresh_database

SAMPLES = PROJECT_ROOT / "data" / "samples" / "closures.jsonl"
TRAINING = PROJECT_ROOT / "data" / "training" / "records.jsonl"  # the starter sets A and B


class Api:
    """A TestClient with one token per role: api.as_("secrecy_reviewer").post(...)."""

    def __init__(self, client: TestClient, role_tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = role_tokens

    def as_(self, role: str) -> "_As":
        return _As(self.client, self.tokens[role])

    def push(self, doc: dict[str, Any], role: str = "document_system") -> Any:
        return self.as_(role).post("/v1/closures", json=doc)


def push_item(api: Api, n: int, division: str, closed_on: str, **extra: Any) -> int:
    """Sample document n pushed for `division`, closed on `closed_on`; its item id."""
    r = api.push({**sample_documents()[n], "division": division, "closed_on": closed_on, **extra})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def review_item(api: Api, item: int, secrecy: dict[str, Any], disclosure: dict[str, Any] | None) -> None:
    """The secrecy review, then (unless None) the disclosure review, each expected to succeed."""
    assert api.as_("secrecy_reviewer").post(f"/v1/items/{item}/secrecy_review", json=secrecy).status_code == 200
    if disclosure is not None:
        r = api.as_("disclosure_reviewer").post(f"/v1/items/{item}/disclosure_review", json=disclosure)
        assert r.status_code == 200, r.text


class _As:
    def __init__(self, client: TestClient, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method: str) -> Any:
        def call(url: str, **kwargs: Any) -> Any:
            return getattr(self.client, method)(url, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

        return call


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with the least work in the service tests: the production parameters cost ~0.1 s per hash and
    per check, and the page tests make and sign in hundreds of people. The algorithm, the hash format, the
    checks and the dummy hash for unknown names are the same; the command's own hashes (gongkai user create,
    in a process of its own) use the production parameters, and test_signin.py checks them."""
    from argon2 import PasswordHasher

    from api.access import users

    quick = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "HASHER", quick)
    monkeypatch.setattr(users, "_DUMMY_HASH", quick.hash("gongkai: no such user"))


@pytest.fixture(params=KINDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def settings(database_url: str, model_dir: Path, audit_key_file: Path) -> Settings:
    return Settings(database_url=database_url, model=model_dir, agency_code="11010000", audit_key_file=audit_key_file)


@pytest.fixture
def app(settings: Settings, combined: Suggester) -> Iterator[Any]:
    application = create_app(settings, suggester=combined)
    yield application
    application.state.engine.dispose()
    application.state.reader_engine.dispose()


@pytest.fixture
def api(app: Any) -> Iterator[Api]:
    role_tokens = {}
    with app.state.sessions() as session:
        for role in Role:
            _, token = tokens.issue(session, name=f"{role.value}-1", role=role.value, division=None,
                                    by=Actor("test-setup", "admin"))
            role_tokens[role.value] = token
        session.commit()
    with TestClient(app) as client:
        yield Api(client, role_tokens)


def sample_documents() -> list[dict[str, Any]]:
    """The sample closures without their `source`. The push accepts it and keeps it as declared_source,
    but tests/service/test_invariants.py pushes a stored version's document again, and a
    declared_source in it is a field the push refuses (422)."""
    docs = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    for d in docs:
        d.pop("source", None)
    return docs


def starter_documents() -> list[dict[str, Any]]:
    """The starter corpus' documents with their labels (the reviewers' decisions)."""
    out = []
    for line in TRAINING.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            record.pop("provenance", None)
            out.append(record)
    return out


def document(record: dict[str, Any]) -> dict[str, Any]:
    """A labelled record as a push: SCHEMA's record fields (not its labels, basis or provenance), and,
    as in sample_documents, not its `source`."""
    fields = [f.name for f in DOCUMENT_FIELDS if f.part == "record" and f.name != "source"]
    return {name: record[name] for name in fields if name in record}
