"""Submitting the year's report: refused while any check finds an error (applications.md §3.4) or before the
year has ended; otherwise the report is frozen as it stands and sent, as an item of its own, through the
review every item goes through before the website (条例第十七条: 保密审查 before publication). It is published
when that item reaches the proactive store, and the feed serves it like any proactive item (the hold on private
numbers and every other guard included). The report is proactive information (条例第四十九条、第五十条).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from api.annual import text
from api.annual.views import report, row_of
from api.context import Actor, Context
from api.errors import Conflict
from api.items import intake
from api.schemas import DocumentIn
from engine.vocabulary import Origin
from engine.workflow.working_days import today_in_china
from models import audit
from models.base import utc_now


def submit(session: Session, ctx: Context, actor: Actor, year: int) -> dict[str, Any]:
    today = today_in_china()
    built = report(session, ctx.settings, year, today)
    if built["status"] != "draft":
        raise Conflict(f"the {year} report is already {built['status']}")
    if year >= today.year:
        raise Conflict(f"{year} has not ended: the report covers the whole year and is submitted after 31 December")
    errors = [f for f in built["findings"] if f["level"] == "error"]
    if errors:
        raise Conflict(f"the {year} report has {len(errors)} errors that block publication: "
                       + "; ".join(f["message"] for f in errors[:5]), findings=errors)
    row = row_of(session, ctx.settings.agency_code, year)
    if row is None:  # no narrative was written: check 12 refused it above
        raise Conflict(f"the {year} report has no draft")
    # One item per submission (a report reopened after its review did not publish it is a new document), under
    # an id nobody can take first: hand entry takes any id, and a clerk's item under a guessable one would block
    # the office's submission (intake refuses another account's item).
    document = DocumentIn(id=f"annual-report-{year}-{uuid.uuid4().hex}",
                          title=built["title"], doc_type="报告", agency=ctx.settings.agency_name or None, date=today,
                          body=text.body(built), division=actor.division)
    item, _ = intake.receive(session, ctx, actor, document, Origin.MANUAL)
    row = row_of(session, ctx.settings.agency_code, year)
    assert row is not None
    frozen = {k: v for k, v in built.items() if k not in ("status", "version", "item_id", "item_status",
                                                           "submitted_by", "submitted_at", "published_at", "deadline")}
    row.status, row.frozen, row.item_id = "submitted", frozen, item.id
    row.submitted_by, row.submitted_at = actor.name, utc_now()
    audit.record(session, actor=actor.name, role=actor.role, action="annual_report:submit", item_id=item.id,
                 before=None, after={"year": year, "item_id": item.id, "warnings": built["warnings"]})
    return frozen
