"""监察考核 of the annual report's deadline (条例第四十九条): due soon from 1 January while the report is not
published, overdue from the day after the deadline (a fact that stays after a late publication), published =
the report's item in the proactive store, on the China date it was routed; the local government's 31 March by
the setting; no year before 2021. Dated scenarios through the report's `today`, on the real database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from api.reports import registry
from api.settings import Settings
from models.annual_records import AnnualReportRow
from models.tables import ItemRow
from tests.service.conftest import Api, push_item, review_item

UTC = dt.timezone.utc


def _events(app: Any, today: dt.date, division: str | None = None, **settings: Any) -> list[tuple[str, str, int]]:
    rows = _rows(app, today, division, **settings)
    return [(r["kind"], r["on"], r["detail"]["year"]) for r in rows]


def _rows(app: Any, today: dt.date, division: str | None = None, **settings: Any) -> list[dict[str, Any]]:
    configured = app.state.context.settings.model_copy(update=settings)
    with app.state.sessions() as session:
        report = registry.build("supervision", session, configured, today=today, division=division)
    return [r for r in report["rows"] if r["stage"] == "annual_report"]


def _report(app: Any, year: int, item: int | None, routed_at: dt.datetime | None = None,
            agency: str | None = None) -> None:
    """The year's report, sent out as `item`, whose routing is dated `routed_at` (the review ran today)."""
    with app.state.sessions() as session:
        session.add(AnnualReportRow(agency=agency or app.state.context.settings.agency_code, year=year,
                                    format="FMT21", created_by="信息公开办", item_id=item))
        if item is not None and routed_at is not None:
            session.get(ItemRow, item).routed_at = routed_at
        session.commit()


def _published_item(api: Api) -> int:
    """The 2024 report's item, routed to the proactive store (and an item of the year's own work)."""
    push_item(api, 1, "办公室", "2024-03-01")
    item = push_item(api, 0, "办公室", "2025-01-08", id="annual-2024", title="某局2024年政府信息公开工作年度报告")
    review_item(api, item, {"secrecy": "none"}, {})
    return item


def test_due_soon_in_january_then_overdue_from_the_first_of_february(api: Api, app: Any) -> None:
    push_item(api, 1, "办公室", "2024-03-01")
    assert _events(app, dt.date(2024, 12, 31)) == []
    assert _events(app, dt.date(2025, 1, 10)) == [("annual_report_due_soon", "2025-01-01", 2024)]
    assert _rows(app, dt.date(2025, 1, 10))[0]["detail"]["days_left"] == 21
    assert _events(app, dt.date(2025, 1, 31)) == [("annual_report_due_soon", "2025-01-01", 2024)]
    late = _rows(app, dt.date(2025, 2, 3))
    assert [(r["kind"], r["on"], r["event_id"], r["item_id"]) for r in late] == \
        [("annual_report_overdue", "2025-02-01", "annual_report_overdue:2024", None)]
    assert late[0]["detail"] | {"report_id": None} == {"year": 2024, "deadline": "2025-01-31", "article": "条例第四十九条",
                                                       "report_id": None, "published_on": None, "days_late": 3}
    assert _events(app, dt.date(2025, 2, 3), division="办公室") == []  # agency-wide: not a division's event
    assert _events(app, dt.date(2026, 1, 5)) == [("annual_report_overdue", "2025-02-01", 2024),
                                                 ("annual_report_due_soon", "2026-01-01", 2025)]


def test_a_report_published_in_time_ends_the_warning(api: Api, app: Any) -> None:
    item = _published_item(api)
    _report(app, 2024, item, dt.datetime(2025, 1, 19, 17, 0, tzinfo=UTC))  # 2025-01-20 01:00 in China
    assert _events(app, dt.date(2025, 1, 19)) == [("annual_report_due_soon", "2025-01-01", 2024)]
    assert _events(app, dt.date(2025, 1, 20)) == []
    assert _events(app, dt.date(2025, 6, 1)) == []


def test_a_late_report_stays_overdue_with_the_day_it_was_published(api: Api, app: Any) -> None:
    item = _published_item(api)
    _report(app, 2024, item, dt.datetime(2025, 2, 10, 2, 0, tzinfo=UTC))
    rows = _rows(app, dt.date(2025, 3, 1))
    assert [(r["kind"], r["on"]) for r in rows] == [("annual_report_overdue", "2025-02-01")]
    assert (rows[0]["detail"]["published_on"], rows[0]["detail"]["days_late"]) == ("2025-02-10", 10)
    assert _rows(app, dt.date(2025, 2, 5))[0]["detail"]["published_on"] is None  # not yet, on that day


def test_a_report_not_in_the_proactive_store_or_of_another_agency_is_not_published(api: Api, app: Any) -> None:
    held = push_item(api, 2, "办公室", "2024-05-01")  # marked 内部: withheld
    review_item(api, held, {"secrecy": "internal", "reason": "标有内部"}, {})
    _report(app, 2024, held, dt.datetime(2025, 1, 10, 2, 0, tzinfo=UTC))
    other = _published_item(api)
    _report(app, 2024, other, dt.datetime(2025, 1, 10, 2, 0, tzinfo=UTC), agency="999999999")
    assert _events(app, dt.date(2025, 2, 1)) == [("annual_report_overdue", "2025-02-01", 2024)]


def test_a_local_governments_deadline_is_the_31st_of_march(api: Api, app: Any) -> None:
    push_item(api, 1, "办公室", "2024-03-01")
    assert _events(app, dt.date(2025, 2, 15), annual_report_deadline="03-31") == \
        [("annual_report_due_soon", "2025-01-01", 2024)]
    assert _events(app, dt.date(2025, 4, 1), annual_report_deadline="03-31") == \
        [("annual_report_overdue", "2025-04-01", 2024)]
    with pytest.raises(ValidationError, match="not a day of the year"):
        Settings(annual_report_deadline="02-30")
    with pytest.raises(ValidationError):
        Settings(annual_report_deadline="3-31")


def test_no_year_before_the_2021_format_and_none_without_work(api: Api, app: Any) -> None:
    assert _events(app, dt.date(2022, 1, 10)) == []  # nothing closed or received: no year
    push_item(api, 1, "办公室", "2019-06-01")
    assert _events(app, dt.date(2022, 1, 10)) == [("annual_report_due_soon", "2022-01-01", 2021)]
