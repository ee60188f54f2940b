"""逾期督办's open events (api/reports/open_events.py) are exactly the supervision report's open ones, on
histories of every shape the report knows: pushed and never reviewed, waiting at either stage past its
limit or not, routed on time and late, reopened back to each stage, sent back by a new version; on the
day after each step and long after, by division."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from api.items.views import today_in_china
from api.reports import registry
from api.reports.open_events import open_events
from models.tables import ItemRow
from tests.service.conftest import Api, push_item, sample_documents

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PLAIN = (0, 1, 3, 4, 5)  # sample documents without a marking (2 is marked 内部)
PROACTIVE = {"category": "proactive", "exemption": None, "column": "normative_documents", "reason": "主动公开"}


def _at(days: int) -> Any:
    return time_machine.travel(START + dt.timedelta(days=days), tick=False)


def _history(api: Api) -> None:
    """Twelve items, each with a history of another shape, written on the days they happened."""
    secrecy, disclosure, office = api.as_("secrecy_reviewer"), api.as_("disclosure_reviewer"), api.as_("office")
    ids = {}
    with _at(0):
        for n, (division, closed) in enumerate([("法规处", "2026-02-02"), ("办公室", "2026-03-01"),
                                                ("法规处", "2026-01-05"), ("办公室", "2026-02-20"),
                                                ("法规处", "2026-03-02"), ("办公室", "2025-12-01"),
                                                ("法规处", "2026-02-27"), ("办公室", "2026-03-02")]):
            ids[n] = push_item(api, PLAIN[n % len(PLAIN)], division, closed, id=f"open-{n}")
    with _at(2):  # secrecy reviews of 1..7, in time
        for n in range(1, 8):
            assert secrecy.post(f"/v1/items/{ids[n]}/secrecy_review", json={"secrecy": "none"}).status_code == 200
    with _at(4):  # 2 and 3 routed (2 late: closed in January), 6 routed
        for n in (2, 3, 6):
            answer = disclosure.post(f"/v1/items/{ids[n]}/disclosure_review", json=PROACTIVE)
            assert answer.status_code == 200, answer.text
    with _at(9):  # 3 reopened to secrecy review, 6 to disclosure review
        for n, stage in ((3, "secrecy_review"), (6, "disclosure_review")):
            answer = office.post(f"/v1/items/{ids[n]}/reopen", json={"stage": stage, "reason": "复核"})
            assert answer.status_code == 200, answer.text
    with _at(12):  # a new version of 4 (at disclosure review) sends it back to secrecy review
        doc = {**sample_documents()[PLAIN[4]], "id": "open-4", "division": "法规处", "closed_on": "2026-03-02",
               "body": sample_documents()[PLAIN[4]]["body"] + "\n（修订）"}
        assert api.push(doc).status_code in (200, 201)
        ids[8] = push_item(api, 1, "法规处", "2026-03-10", id="open-8")  # pushed late in the story
    with _at(15):  # 7 routed, long after its secrecy review
        assert disclosure.post(f"/v1/items/{ids[7]}/disclosure_review", json=PROACTIVE).status_code == 200


def _report_open(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The report's events still open (overdue and never routed, a stay at a stage not ended, never
    reviewed), with the stage each waits at now and the limit it passed."""
    out = []
    for r in rows:
        detail = r["detail"]
        if r["kind"] == "overdue" and detail["routed_on"] is None:
            out.append(("overdue", r["on"], r["item_id"], detail["status"], detail["due_on"], None))
        elif r["kind"] == "waiting" and detail["ended_on"] is None:
            out.append(("waiting", r["on"], r["item_id"], r["stage"], None, detail["threshold"]))
        elif r["kind"] == "never_reviewed":
            out.append(("never_reviewed", r["on"], r["item_id"], r["stage"], None, None))
    return sorted(out, key=lambda t: (t[2], t[0]))


def _found(events: list[Any]) -> list[tuple[Any, ...]]:
    return sorted(((e.kind, e.on.isoformat(), e.item_id, e.stage, e.due_on.isoformat() if e.due_on else None,
                    e.threshold) for e in events), key=lambda t: (t[2], t[0]))


def test_the_open_events_are_the_reports_open_ones_on_every_day(api: Api, app: Any) -> None:
    _history(api)
    settings = app.state.context.settings
    with app.state.readers() as session:
        assert session.query(ItemRow).count() == 9
        seen_kinds = set()
        for day in (1, 3, 5, 8, 10, 13, 16, 30, 90, (today_in_china() - START.date()).days):
            today = START.date() + dt.timedelta(days=day)
            for division in (None, "法规处"):
                report = registry.build("supervision", session, settings, today=today, division=division)
                expected = _report_open(report["rows"])
                found = _found(open_events(session, today=today, wait_days=settings.review_wait_days,
                                           division=division))
                assert found == expected, (today, division)
                seen_kinds |= {e[0] for e in found}
    assert seen_kinds == {"overdue", "waiting", "never_reviewed"}  # the comparison covered every open kind
