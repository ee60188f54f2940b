"""监察考核 of public applications (issue 17): an answer due within the warning window, and an answer late,
as dated events in the supervision report's import layout, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.reports import registry
from tests.service.conftest import Api
from tests.service.test_applications import event, registered


def _report(app: Any, today: dt.date, division: str | None = None) -> list[dict[str, Any]]:
    with app.state.sessions() as session:
        report = registry.build("supervision", session, app.state.context.settings, today=today, division=division)
    return [r for r in report["rows"] if r["stage"] == "application"]


def test_a_late_answer_is_an_event_the_day_after_its_deadline(api: Api, app: Any) -> None:
    late = registered(api, "2025-09-26")  # deadline 2025-10-30
    assert late["effective_deadline"] == "2025-10-30"
    assert _report(app, dt.date(2025, 10, 30)) != [] and all(
        r["kind"] == "application_due_soon" for r in _report(app, dt.date(2025, 10, 30)))
    rows = _report(app, dt.date(2025, 11, 3))
    assert [(r["kind"], r["on"], r["item_id"]) for r in rows] == [("application_overdue", "2025-10-31", None)]
    detail = rows[0]["detail"]
    assert detail["reg_no"] == late["reg_no"] and detail["days_late"] == 4 and detail["concluded_on"] is None
    assert rows[0]["event_id"] == f"application_overdue:{late['id']}:2025-10-30"  # stable: the importer upserts
    assert _report(app, dt.date(2025, 11, 3), division="财务科") == []
    assert len(_report(app, dt.date(2025, 11, 3), division="城建科")) == 1
    event(api, late["id"], "withdraw", "2025-11-05", why="申请人撤回")
    after = _report(app, dt.date(2025, 11, 10))
    assert [(r["kind"], r["detail"]["concluded_on"]) for r in after] == [("application_overdue", "2025-11-05")]


def test_the_warning_window_opens_with_five_working_days_left(api: Api, app: Any) -> None:
    case = registered(api, "2025-10-20")
    deadline = dt.date.fromisoformat(case["effective_deadline"])
    calendar = app.state.context.calendar
    day = deadline
    while calendar.working_days_between(day, deadline) <= 5:
        day -= dt.timedelta(days=1)
    opens = day + dt.timedelta(days=1)
    while not calendar.working_days_between(opens, deadline) <= 5:
        opens += dt.timedelta(days=1)
    assert _report(app, opens - dt.timedelta(days=1)) == []
    rows = _report(app, opens)
    assert [(r["kind"], r["on"]) for r in rows] == [("application_due_soon", opens.isoformat())]
    assert rows[0]["detail"]["working_days_left"] == 5
    assert _report(app, deadline)[0]["detail"]["working_days_left"] == 0
    assert _report(app, deadline + dt.timedelta(days=1))[0]["kind"] == "application_overdue"
