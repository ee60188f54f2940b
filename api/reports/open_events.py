"""The supervision events still open today, for 逾期督办 (api/pages/office.py): what the supervision report
(api/reports/supervision.py) says of the items waiting now, read without building the whole report.

The report replays each item's whole history to date every event, past and present; an open event needs
only the item's present stay: since when it waits at its current stage (the latest of its push, its last
review and its last stage change by a reopening or a new version), whether it was ever routed (a disclosure
review routes it) and whether anyone reviewed it. Those come from two grouped reads, so the page costs a
few milliseconds per thousand items waiting instead of a replay (190 ms for 5,000 waiting at 100k items,
bench/pages_bench.py). The law is the report's, Art. 26's 20 working days and the review stages' limits
(GONGKAI_REVIEW_WAIT_DAYS); tests/service/test_open_events.py checks on varied histories that these rows
are exactly the report's open ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from api.reports.supervision import DEFAULT_WAIT_DAYS
from engine.vocabulary import ItemStatus, ReviewStage
from engine.workflow.working_days import china_date
from models.tables import AuditEventRow, ItemRow, ReviewRow

ONE_DAY = dt.timedelta(days=1)


def open_events(session: Session, *, today: dt.date, wait_days: Mapping[str, int],
                division: str | None = None) -> list[dict[str, Any]]:
    """Rows shaped as the report's (kind, on, item_id, index_number, division, stage, detail) for the events
    open today: overdue and never routed, waiting too long at the current stage, never reviewed."""
    items_q = select(ItemRow.id, ItemRow.index_number, ItemRow.division, ItemRow.status, ItemRow.due_on,
                     ItemRow.created_at).where(ItemRow.status != ItemStatus.ROUTED)
    if division:
        items_q = items_q.where(ItemRow.division == division)
    waiting = items_q.with_only_columns(ItemRow.id)
    connection = session.connection()
    reviewed = {r.item_id: r for r in connection.execute(
        select(ReviewRow.item_id, func.max(ReviewRow.at).label("last"),
               func.sum(case((ReviewRow.stage == ReviewStage.DISCLOSURE_REVIEW, 1), else_=0)).label("routings"))
        .where(ReviewRow.item_id.in_(waiting)).group_by(ReviewRow.item_id))}
    moved: dict[int, dt.datetime] = {}
    for e in connection.execute(select(AuditEventRow.item_id, AuditEventRow.action, AuditEventRow.at,
                                       AuditEventRow.before, AuditEventRow.after)
                                .where(AuditEventRow.item_id.in_(waiting),
                                       or_(AuditEventRow.action == "reopen", AuditEventRow.action.like("%:new_version")))):
        before, after = e.before or {}, e.after or {}
        # a stage change, as the report's timeline counts one
        if e.action == "reopen" or (after.get("status") and after.get("status") != before.get("status")):
            moved[e.item_id] = max(e.at, moved.get(e.item_id, e.at))
    rows: list[dict[str, Any]] = []
    for item in connection.execute(items_q.order_by(ItemRow.id)):
        rows.extend(_open(item, reviewed.get(item.id), moved.get(item.id), today, wait_days))
    return rows


def _open(item: Any, reviewed: Any, moved: dt.datetime | None, today: dt.date,
          wait_days: Mapping[str, int]) -> list[dict[str, Any]]:
    out = []
    if not (reviewed and reviewed.routings) and item.due_on < today:  # never routed, and Art. 26's date passed
        out.append(_row("overdue", item.due_on + ONE_DAY, item, None, due_on=item.due_on.isoformat(),
                        routed_on=None, status=item.status))
    since = max(t for t in (item.created_at, reviewed.last if reviewed else None, moved) if t is not None)
    threshold = wait_days.get(item.status, DEFAULT_WAIT_DAYS)
    began = china_date(since)
    if (today - began).days > threshold:
        out.append(_row("waiting", began + dt.timedelta(days=threshold + 1), item, item.status,
                        since=began.isoformat(), ended_on=None, days=(today - began).days, threshold=threshold))
    if reviewed is None:
        threshold = wait_days.get(ReviewStage.SECRECY_REVIEW, DEFAULT_WAIT_DAYS)
        pushed = china_date(item.created_at)
        if (today - pushed).days > threshold:
            out.append(_row("never_reviewed", pushed + dt.timedelta(days=threshold + 1), item,
                            ReviewStage.SECRECY_REVIEW.value, pushed_on=pushed.isoformat(), status=item.status))
    return out


def _row(kind: str, on: dt.date, item: Any, stage: str | None, **detail: Any) -> dict[str, Any]:
    return {"kind": kind, "on": on.isoformat(), "item_id": item.id, "index_number": item.index_number,
            "division": item.division, "stage": stage, "detail": detail}
