"""监察考核's events of public applications (issue 17): answers due soon and answers late, in the supervision
report's own import layout (api/reports/supervision.py), `item_id` empty and the application in `detail`.

- application_due_soon: an unanswered application entered the warning window before its effective deadline
  (ClockSettings.warn_working_days_before, the widest threshold, in working days); on = the first day of the
  window. It describes a state: it goes once the application is answered or concluded.
- application_overdue: the effective deadline (条例第三十三条, with its extension and pauses) passed without an
  answer; on = the day after the deadline. It stays a fact after a late answer (detail.concluded_on).

A provisional deadline (a year without official holiday data) is flagged in `detail.provisional`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.applications.clock_events import ClockSettings
from engine.workflow.working_days import WorkingCalendar
from models.tables import ApplicationRow

ONE_DAY = dt.timedelta(days=1)


def _window_opens(deadline: dt.date, working_days: int, calendar: WorkingCalendar) -> dt.date:
    """The first day on which `working_days` or fewer working days are left (the clock's count: the working
    days after the day, up to and including the deadline): the (working_days + 1)-th working day counted back
    from the deadline."""
    day, counted = deadline, 0
    while True:
        counted += calendar.is_working_day(day)
        if counted == working_days + 1:
            return day
        day -= ONE_DAY


def _row(kind: str, on: dt.date, app: Any, **detail: Any) -> dict[str, Any]:
    return {"event_id": f"{kind}:{app.id}:{app.effective_deadline.isoformat()}", "kind": kind, "on": on.isoformat(),
            "item_id": None, "index_number": None, "division": app.handler_division, "stage": "application",
            "who": None, "at": None,
            "detail": {"application_id": app.id, "reg_no": app.reg_no, "status": app.status,
                       "effective_deadline": app.effective_deadline.isoformat(),
                       "provisional": bool(app.deadline_provisional), **detail}}


def application_events(session: Session, *, today: dt.date, calendar: WorkingCalendar,
                       division: str | None = None, settings: ClockSettings | None = None) -> list[dict[str, Any]]:
    """Every due-soon and overdue event of the applications with a deadline (of `division` when given)."""
    widest = max((settings or ClockSettings()).warn_working_days_before, default=0)
    query = select(ApplicationRow.id, ApplicationRow.reg_no, ApplicationRow.handler_division, ApplicationRow.status,
                   ApplicationRow.effective_deadline, ApplicationRow.concluded_on,
                   ApplicationRow.deadline_provisional).where(ApplicationRow.effective_deadline.is_not(None))
    if division:
        query = query.where(ApplicationRow.handler_division == division)
    rows = []
    for app in session.execute(query.order_by(ApplicationRow.id)):
        deadline, concluded = app.effective_deadline, app.concluded_on
        if (concluded is None and deadline < today) or (concluded is not None and concluded > deadline):
            rows.append(_row("application_overdue", deadline + ONE_DAY, app,
                             concluded_on=concluded.isoformat() if concluded else None,
                             days_late=((concluded or today) - deadline).days))
        elif concluded is None and widest:
            opens = _window_opens(deadline, widest, calendar)
            if opens <= today:
                rows.append(_row("application_due_soon", opens, app,
                                 working_days_left=calendar.working_days_between(today, deadline)))
    return rows
