"""The supervision events still open today, for 逾期督办 (api/pages/office.py): what the supervision report
(api/reports/supervision.py) says of the items waiting now, read without building the whole report.

The report replays each item's whole history to date every event, past and present; an open event needs
only the item's present stay: since when it waits at its current stage (the latest of its push, its last
review and its last stage change by a reopening or a new version), whether it was ever routed (a disclosure
review routes it) and whether anyone reviewed it. Those come from two grouped reads, so the page costs a
few milliseconds per thousand items waiting instead of a replay (190 ms for 5,000 waiting at 100k items,
bench/pages_bench.py). Each event is a small tuple; the page builds what it shows for its 50 only. The law is the report's, Art. 26's 20 working days and the review stages' limits
(GONGKAI_REVIEW_WAIT_DAYS); tests/service/test_open_events.py checks on varied histories that these rows
are exactly the report's open ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from api.reports.supervision import DEFAULT_WAIT_DAYS
from engine.vocabulary import ReviewStage
from engine.workflow.working_days import CHINA_TIME
from models.tables import AuditEventRow, ItemRow, ReviewRow

ONE_DAY = dt.timedelta(days=1)
WAITING = tuple(stage.value for stage in ReviewStage)  # every status but routed


class OpenEvent(NamedTuple):
    """An open supervision event: its kind, `on` (the first day past the limit, as the report dates it), the
    item, the stage it waits at, and the limit passed (the due date of an overdue item, the days a stage may
    take)."""

    kind: str  # overdue, waiting or never_reviewed
    on: dt.date
    item_id: int
    index_number: str | None
    division: str | None
    stage: str
    due_on: dt.date | None = None
    threshold: int | None = None


def open_events(session: Session, *, today: dt.date, wait_days: Mapping[str, int],
                division: str | None = None) -> list[OpenEvent]:
    """The events open today: overdue and never routed, waiting too long at the current stage, never reviewed."""
    # Each waiting item with its last review and how many disclosure reviews routed it, looked up by the
    # review table's item index (correlated): PostgreSQL hash-joined the whole review table for a grouped
    # subquery (45 ms at 200k reviews; this whole read takes 20).
    last = select(func.max(ReviewRow.at)).where(ReviewRow.item_id == ItemRow.id).correlate(ItemRow)
    routings = select(func.count()).where(ReviewRow.item_id == ItemRow.id,
                                          ReviewRow.stage == ReviewStage.DISCLOSURE_REVIEW).correlate(ItemRow)
    items_q = select(ItemRow.id, ItemRow.index_number, ItemRow.division, ItemRow.status, ItemRow.due_on,
                     ItemRow.created_at, last.scalar_subquery().label("last"),
                     routings.scalar_subquery().label("routings"),
                     ).where(ItemRow.status.in_(WAITING))  # not `!= routed`: the index serves IN
    if division:
        items_q = items_q.where(ItemRow.division == division)
    connection = session.connection()
    moved: dict[int, dt.datetime] = {}
    for e in connection.execute(select(AuditEventRow.item_id, AuditEventRow.action, AuditEventRow.at,
                                       AuditEventRow.before, AuditEventRow.after)
                                .where(AuditEventRow.item_id.in_(items_q.with_only_columns(ItemRow.id)),
                                       or_(AuditEventRow.action == "reopen", AuditEventRow.action.like("%:new_version")))):
        before, after = e.before or {}, e.after or {}
        # a stage change, as the report's timeline counts one
        if e.action == "reopen" or (after.get("status") and after.get("status") != before.get("status")):
            moved[e.item_id] = max(e.at, moved.get(e.item_id, e.at))
    limits = {stage.value: wait_days.get(stage, DEFAULT_WAIT_DAYS) for stage in ReviewStage}
    out: list[OpenEvent] = []
    for item in connection.execute(items_q).all():
        _open(out, item, moved.get(item.id), today, limits)
    return out


def _open(out: list[OpenEvent], item: Any, moved: dt.datetime | None, today: dt.date,
          limits: Mapping[str, int]) -> None:
    # Per item waiting (thousands on a bad day): the row unpacked once, plain comparisons, each date converted
    # once, events made positionally (7 µs an item was mostly keyword arguments and attribute reads).
    item_id, index_number, division, status, due_on, created_at, last, routings = item
    if not routings and due_on < today:  # never routed, and Art. 26's date passed
        out.append(OpenEvent("overdue", due_on + ONE_DAY, item_id, index_number, division, status, due_on, None))
    since = created_at
    if last is not None and last > since:
        since = last
    if moved is not None and moved > since:
        since = moved
    threshold = limits.get(status, DEFAULT_WAIT_DAYS)
    began = since.astimezone(CHINA_TIME).date()
    if (today - began).days > threshold:
        out.append(OpenEvent("waiting", began + dt.timedelta(days=threshold + 1), item_id, index_number, division,
                             status, None, threshold))
    if last is None:  # never reviewed
        threshold = limits[ReviewStage.SECRECY_REVIEW]
        # what it waits since is its push, unless a stage change came after (none can without a review)
        pushed = began if moved is None else created_at.astimezone(CHINA_TIME).date()
        if (today - pushed).days > threshold:
            out.append(OpenEvent("never_reviewed", pushed + dt.timedelta(days=threshold + 1), item_id, index_number,
                                 division, ReviewStage.SECRECY_REVIEW.value, None, None))
