"""`gongkai demo` on a real database: every sample reaches its stage through the service's use cases,
the queues, stores and feed a newcomer opens are filled, and a second run adds nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from api import demo
from api.cli import main
from api.settings import Settings
from engine.suggest import Suggester
from models.tables import AuditEventRow, FeedEntryRow, ItemRow, ItemVersionRow, ReviewRow, TokenRow
from tests.service.conftest import Api

EXPECTED_STORES = {"demo-s-001": "proactive", "demo-s-006": "proactive", "demo-s-004": "proactive",
                   "demo-s-002": "withheld", "demo-s-005": "not_government_info"}


def _counts(app: Any) -> dict[str, int]:
    with app.state.sessions() as session:
        return {table.__tablename__: session.scalar(select(func.count()).select_from(table))
                for table in (ItemRow, ItemVersionRow, ReviewRow, FeedEntryRow, AuditEventRow, TokenRow)}


def test_demo_fills_queues_stores_and_feed_and_twice_adds_nothing(settings: Settings, combined: Suggester,
                                                                   app: Any, api: Api) -> None:
    said: list[str] = []
    first = demo.run(settings, said.append, suggester=combined)
    assert [o.problem for o in first] == [None] * len(demo.SAMPLES)
    for outcome in first:
        assert outcome.status == outcome.sample.stop_at, outcome
        assert outcome.steps[0] == "pushed: created"
    assert {f"demo-{o.sample.id}": o.store for o in first if o.store} == EXPECTED_STORES
    assert said[-1] == ("the database now holds: queues secrecy_review 2, disclosure_review 2; stores proactive 3, "
                        "on_request 0, withheld 1, not_government_info 1; 3 feed entries")
    # A terminal is not shown a marked document's title.
    assert not any("关于调整机关食堂" in line or "生产总值" in line for line in said)
    before = _counts(app)

    second = demo.run(settings, said.append, suggester=combined)
    assert [o.steps for o in second] == [["pushed: unchanged"]] * len(demo.SAMPLES)
    assert [(o.status, o.store) for o in second] == [(o.status, o.store) for o in first]
    assert _counts(app) == before

    # What a newcomer then sees through the API.
    stores = api.as_("office").get("/v1/stores/proactive").json()
    assert stores["total"] == 3
    feed = api.as_("office").get("/v1/feed/proactive").json()["entries"]
    assert [e["action"] for e in feed] == ["publish"] * 3 and all(e["body"] for e in feed)
    queue = api.as_("secrecy_reviewer").get("/v1/queues/secrecy_review").json()
    assert {i["source_id"] for i in queue["items"]} == {"demo-s-003", "demo-a-0018"}
    assert api.as_("disclosure_reviewer").get("/v1/queues/disclosure_review").json()["total"] == 2
    # The 秘密 sample is a secret item like any other: the office sees it exists, not its title.
    listed = api.as_("office").get("/v1/items", params={"status": "secrecy_review"}).json()["items"]
    secret = next(i for i in listed if i["source_id"] == "demo-a-0018")
    assert secret["restricted"] is True and secret["title"] is None


def test_gongkai_demo_on_sqlite(tmp_path: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GONGKAI_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "loading 9 sample documents into sqlite:///" in out
    assert "→ store proactive" in out and "→ waiting at secrecy_review" in out
    assert "the database now holds: queues secrecy_review 2" in out
    assert main(["demo"]) == 0
    assert capsys.readouterr().out.count("pushed: unchanged") == 9


def test_gongkai_demo_refuses_another_database_without_force(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    # Never connected to: the refusal comes before the app is built.
    monkeypatch.setenv("GONGKAI_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/agency")
    assert main(["demo"]) == 2
    assert "is not SQLite" in capsys.readouterr().err
