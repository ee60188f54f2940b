"""查询统计 against a scenario whose figures are counted by hand."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from api.items.views import today_in_china
from tests.service.conftest import Api, push_item, review_item, sample_documents

_item, _review = push_item, review_item


def test_statistics_of_a_hand_counted_scenario(api: Api) -> None:
    today = today_in_china().isoformat()
    a = _item(api, 0, "法规处", "2026-09-01")  # proactive, routed long after its due date: published late
    _review(api, a, {"secrecy": "none"}, {})
    b = _item(api, 1, "法规处", "2026-11-20")
    _review(api, b, {"secrecy": "none", "reason": "核定"},
            {"category": "on_request", "exemption": None, "column": "other", "reason": "依申请"})
    c = _item(api, 2, "财务处", "2026-10-09")
    _review(api, c, {"secrecy": "internal", "reason": "工作秘密"},
            {"category": "withheld", "exemption": "internal_affairs", "column": "other", "reason": "内部事务"})
    _item(api, 3, "财务处", "2025-01-02")  # never reviewed: overdue
    e = _item(api, 4, "办公室", today)  # secrecy reviewed, waiting for disclosure review, not yet due
    _review(api, e, {"secrecy": "none", "reason": "核定"}, None)

    stats = api.as_("office").get("/v1/reports/statistics").json()
    assert {k: stats[k] for k in ("items", "routed", "pending", "published", "published_late", "overdue",
                                  "proactive_rate")} == {
        "items": 5, "routed": 3, "pending": 2, "published": 1, "published_late": 1, "overdue": 1,
        "proactive_rate": 0.3333}
    assert stats["by"]["division"] == {"办公室": 1, "法规处": 2, "财务处": 2}
    assert stats["by"]["category"] == {"on_request": 1, "proactive": 1, "withheld": 1}
    assert stats["by"]["column"] == {"normative_documents": 1, "other": 2}
    assert stats["by"]["status"] == {"disclosure_review": 1, "routed": 3, "secrecy_review": 1}
    months = Counter({"2025-01": 1, "2026-09": 1, "2026-10": 1, "2026-11": 1})
    months[today[:7]] += 1  # item e closes today
    assert stats["by"]["month"] == dict(sorted(months.items()))

    autumn = api.as_("supervisor").get("/v1/reports/statistics",
                                       params={"closed_from": "2026-09-01", "closed_to": "2026-11-30"}).json()
    assert (autumn["items"], autumn["routed"], autumn["proactive_rate"]) == (3, 3, 0.3333)
    finance = api.as_("admin").get("/v1/reports/statistics", params={"division": "财务处"}).json()
    assert (finance["items"], finance["routed"], finance["overdue"], finance["by"]["category"]) == (
        2, 1, 1, {"withheld": 1})


def test_statistics_of_nothing(api: Api) -> None:
    stats = api.as_("office").get("/v1/reports/statistics").json()
    assert stats["items"] == 0 and stats["proactive_rate"] is None and stats["by"]["division"] == {}


def test_accuracy_of_suggestions_against_final_decisions(api: Api) -> None:
    """Three routed items, counted by hand: a confirmed one, one whose category the disclosure reviewer
    changed, and one whose secrecy and category both were changed; one item still waiting is left out."""
    confirmed = _item(api, 0, "法规处", "2026-11-02")
    _review(api, confirmed, {"secrecy": "none"}, {})
    suggested = api.as_("office").get(f"/v1/items/{confirmed}").json()["suggestion"]["suggestion"]
    assert (suggested["category"]["value"], suggested["column"]["value"]) == ("proactive", "normative_documents")
    doc = {**sample_documents()[0], "id": "second", "closed_on": "2026-11-03"}
    moved = int(api.push(doc).json()["id"])
    _review(api, moved, {"secrecy": "none"},
            {"category": "on_request", "exemption": None, "reason": "涉及在办事项"})
    doc = {**sample_documents()[0], "id": "third", "closed_on": "2026-11-04"}
    secret = int(api.push(doc).json()["id"])
    _review(api, secret, {"secrecy": "internal", "reason": "内部"},
            {"category": "withheld", "exemption": "internal_affairs", "reason": "工作秘密"})
    _item(api, 1, "法规处", "2026-11-05")  # not reviewed: not counted

    report = api.as_("office").get("/v1/reports/accuracy").json()
    assert report["items"] == 3
    category = report["category"]
    assert category["accuracy"] == round(1 / 3, 4)
    assert category["confusion"] == {"proactive": {"proactive": 1}, "on_request": {"proactive": 1},
                                     "withheld": {"proactive": 1}}
    assert category["per_class"]["proactive"]["precision"] == round(1 / 3, 4)
    assert category["per_class"]["proactive"]["recall"] == 1.0
    assert report["secrecy"]["accuracy"] == round(2 / 3, 4)
    assert report["secrecy_flag"]["recall"] == 0.0  # the one secret item was suggested none
    assert report["override_rate"]["secrecy_review"] == {"reviews": 3, "changed": 1, "rate": round(1 / 3, 4),
                                                         "item_ids": [secret]}
    assert report["override_rate"]["disclosure_review"]["changed"] == 2
    assert sorted(w["id"] for w in report["wrong"]) == sorted([str(moved), str(secret)])
    notice = report["rules"]["proactive.normative.issuing_notice"]
    assert {k: notice[k] for k in ("mode", "fired", "confirmed", "overridden", "precision", "overridden_items")} == {
        "mode": "enforce", "fired": 3, "confirmed": 1, "overridden": 2, "precision": round(1 / 3, 4),
        "overridden_items": [moved, secret]}
    unmarked = report["rules"]["secrecy.markings.unmarked"]
    assert (unmarked["mode"], unmarked["confirmed"], unmarked["overridden"]) == ("baseline", 2, 1)
    assert notice["last_fired"] is not None
    # By hand: category 1 of 3 right; exemption 2 (none suggested, withheld one has internal_affairs);
    # secrecy 2 (the internal one was suggested none); column 3 (no reviewer changed it).
    per_group = {"items": 3, "category_correct": 1, "category_accuracy": 0.3333, "exemption_accuracy": 0.6667,
                 "secrecy_accuracy": 0.6667, "column_accuracy": 1.0}
    assert report["by"]["division"] == {"法规处": per_group}
    assert list(report["by"]["ruleset_revision"]) == [api.client.get("/v1/version").json()["ruleset"]["revision"]]
    assert list(report["by"]["model_id"]) == [api.client.get("/v1/version").json()["model"]]
    assert report["by"]["month"] == {"2026-11": per_group}
    assert list(report["by"]["week"]) == ["2026-W45"]  # 2–4 November 2026


@pytest.mark.slow  # CLI processes
def test_report_command_prints_json_and_supervision_csv(api: Api, database_url: str) -> None:
    import csv
    import io
    import json
    import os
    import subprocess
    import sys

    forgotten = _item(api, 3, "财务处", "2025-01-02")
    env = {**os.environ, "GONGKAI_DATABASE_URL": database_url}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "api.cli", "report", *args], capture_output=True, text=True,
                              env=env, timeout=120)

    stats = run("statistics", "--from", "2025-01-01", "--to", "2025-12-31")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["items"] == 1
    out = run("supervision", "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "event_id,kind,on,item_id,index_number,division,stage,who,at,detail"
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    # Pushed just now: long overdue, but not yet waiting or "never reviewed" (that takes 5 days); and the agency,
    # with work in 2025, has not published 2025's annual report by 31 January 2026 (条例第四十九条).
    assert {(r["event_id"], r["kind"], r["item_id"], r["division"]) for r in rows} == {
        (f"overdue:{forgotten}", "overdue", str(forgotten), "财务处"),
        ("annual_report_overdue:2025", "annual_report_overdue", "", "")}
    assert json.loads(next(r for r in rows if r["kind"] == "overdue")["detail"])["status"] == "secrecy_review"
    assert "supervision report built in" in out.stderr
    bad = run("accuracy", "--from", "2025-13-01")
    assert bad.returncode == 2 and "is not a YYYY-MM-DD date" in bad.stderr


def test_the_model_agencys_half_year(api: Api, app: Any) -> None:
    """domain.md: the model agency published 428 of 1,317 items proactively in half a year, 32.5%,
    about 71 a month. The same half year, stored, gives the same figures."""
    import datetime as dt

    from sqlalchemy import insert

    from models.tables import ItemRow

    stores = ["proactive"] * 428 + ["on_request"] * 500 + ["withheld"] * 300 + ["not_government_info"] * 89
    rows = []
    for n, store in enumerate(stores):
        closed = dt.date(2026, n % 6 + 1, n % 28 + 1)
        rows.append({"origin": "closure", "source_id": f"half-{n}", "division": "办公室", "title": f"第{n}件",
                     "closed_on": closed, "due_on": closed + dt.timedelta(days=28), "due_warnings": [],
                     "status": "routed", "store": store, "secrecy": "internal" if store == "withheld" else "none",
                     "category": store, "exemption": "internal_affairs" if store == "withheld" else None,
                     "column": None if store == "not_government_info" else "other", "marking": "none",
                     "marked": False, "routed_at": dt.datetime(closed.year, closed.month, closed.day, 8,
                                                                tzinfo=dt.timezone.utc)})
    with app.state.engine.begin() as connection:
        connection.execute(insert(ItemRow.__table__), rows)
    stats = api.as_("office").get("/v1/reports/statistics",
                                  params={"closed_from": "2026-01-01", "closed_to": "2026-06-30"}).json()
    assert (stats["items"], stats["published"], stats["proactive_rate"]) == (1317, 428, 0.325)
    assert (stats["months"], stats["published_per_month"], stats["items_per_month"]) == (6, 71.3, 219.5)
    assert sum(m["published"] for m in stats["trend"].values()) == 428 and len(stats["trend"]) == 6
