"""监察考核's events of the annual report (政府信息公开工作年度报告): due soon and overdue, in the supervision report's
own import layout (api/reports/supervision.py), `item_id` empty and the year in `detail`.

条例第四十九条: a department (县级以上人民政府部门) submits and publishes its report for year Y by 31 January of Y+1
(first paragraph); a local government's report is published by 31 March (second paragraph), which the setting
`annual_report_deadline` ("03-31") says.

- annual_report_due_soon: from 1 January of Y+1 to the deadline, while the report for Y is not published;
  on = 1 January. It describes a state: it goes once the report is published.
- annual_report_overdue: the deadline passed and the report was not published by then; on = the day after the
  deadline. It stays a fact after a late publication (detail.published_on).

Published: the report (models/annual_records.AnnualReportRow) went out as an item and that item is in the
proactive store; it was published on the China date of its routing. The years: from the first year with an
item closed or an application received, never before 2021 (FMT21, the format's first year), to last year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.annual.fmt21 import DEFAULT_DEADLINE, FIRST_YEAR
from engine.annual.fmt21 import deadline as deadline_of
from engine.vocabulary import Store
from engine.workflow.working_days import china_date
from models.annual_records import AnnualReportRow
from models.tables import ApplicationRow, ItemRow

ARTICLE = "条例第四十九条"
ONE_DAY = dt.timedelta(days=1)



def first_year(session: Session) -> int | None:
    """The first year the system has work of (an item closed, an application received), not before 2021."""
    firsts = [session.scalar(select(func.min(ItemRow.closed_on))),
              session.scalar(select(func.min(ApplicationRow.received_on)))]
    found = [day.year for day in firsts if day is not None]
    return max(min(found), FIRST_YEAR) if found else None


def published(session: Session, agency: str) -> dict[int, tuple[int, dt.date | None]]:
    """Each year's report of the agency: its id and the day it was published (None: not published)."""
    rows = session.execute(select(AnnualReportRow.year, AnnualReportRow.id, ItemRow.store, ItemRow.routed_at)
                           .outerjoin(ItemRow, ItemRow.id == AnnualReportRow.item_id)
                           .where(AnnualReportRow.agency == agency))
    return {year: (report_id, china_date(routed_at) if store == Store.PROACTIVE and routed_at else None)
            for year, report_id, store, routed_at in rows}


def _row(kind: str, on: dt.date, year: int, deadline: dt.date, report_id: int | None, **detail: Any) -> dict[str, Any]:
    return {"event_id": f"{kind}:{year}", "kind": kind, "on": on.isoformat(), "item_id": None,
            "index_number": None, "division": None, "stage": "annual_report", "who": None, "at": None,
            "detail": {"year": year, "deadline": deadline.isoformat(), "article": ARTICLE, "report_id": report_id,
                       **detail}}


def annual_events(session: Session, *, today: dt.date, agency: str,
                  deadline: str = DEFAULT_DEADLINE) -> list[dict[str, Any]]:
    """The due-soon and overdue events of every report year up to last year (as of `today`)."""
    start = first_year(session)
    if start is None:
        return []
    reports = published(session, agency)
    rows = []
    for year in range(start, today.year):
        due = deadline_of(year, deadline)
        report_id, on = reports.get(year, (None, None))
        out_on = on if on is not None and on <= today else None  # as it stood on `today`
        if due < today and (out_on is None or out_on > due):
            rows.append(_row("annual_report_overdue", due + ONE_DAY, year, due, report_id,
                             published_on=out_on.isoformat() if out_on else None,
                             days_late=((out_on or today) - due).days))
        elif out_on is None and dt.date(year + 1, 1, 1) <= today <= due:
            rows.append(_row("annual_report_due_soon", dt.date(year + 1, 1, 1), year, due, report_id,
                             days_left=(due - today).days))
    return rows
