"""监察考核 (issue 5's supervision, first part): who is late and what was missed, with who and when.

- overdue: not yet routed past the Art. 26 due date (条例第二十六条);
- waiting: at a review stage longer than the configured days (since the item or its secrecy review);
- never reviewed: pushed or entered and no review of any kind yet;
- irregular events: secrecy lowered below the suggestion or the document's marking, published after
  the due date, and a published item withdrawn because a later version carried a marking.
Rows are flat and stable (`kind`, `item_id`, `division`, `who`, `when`, `detail`), for import by a
supervision or HR-assessment system.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.vocabulary import secrecy_rank
from engine.working_days import china_date, published_late
from api.queries import filtered
from models.tables import AuditEventRow, ItemRow

def supervision(session: Session, *, today: dt.date, wait_days: Mapping[str, int],
                closed_from: dt.date | None = None, closed_to: dt.date | None = None) -> dict[str, Any]:
    query = select(ItemRow).options(selectinload(ItemRow.reviews), selectinload(ItemRow.versions))
    query = filtered(query, closed_from=closed_from, closed_to=closed_to)
    rows: list[dict[str, Any]] = []

    def add(kind: str, item: ItemRow, who: str | None, when: dt.date | dt.datetime, **detail: Any) -> None:
        rows.append({"kind": kind, "item_id": item.id, "index_number": item.index_number, "division": item.division,
                     "who": who, "when": when.isoformat(), "detail": detail})

    for item in session.scalars(query.order_by(ItemRow.id)).unique():
        reviews = {r.stage: r for r in item.reviews}
        if item.status != "routed" and today > item.due_on:
            add("overdue", item, None, item.due_on, status=item.status, days_overdue=(today - item.due_on).days)
        since = china_date(reviews["secrecy_review"].at) if item.status == "disclosure_review" else china_date(item.created_at)
        if item.status != "routed" and (today - since).days > wait_days.get(item.status, 5):
            add("waiting", item, None, since, stage=item.status, days=(today - since).days,
                threshold=wait_days.get(item.status, 5))
        if not item.reviews:
            add("never_reviewed", item, None, china_date(item.created_at), status=item.status)
        for review in item.reviews:
            if review.stage != "secrecy_review":
                continue
            decided, suggested = review.decided.get("secrecy"), review.suggested.get("secrecy")
            # The marking of the version the reviewer saw, not of a later one.
            seen = next((v for v in item.versions if v.number == review.version_number), None)
            marking = (seen.suggestion.get("marking") if seen is not None else None) or "none"
            if secrecy_rank(decided) < max(secrecy_rank(suggested), secrecy_rank(marking)):
                add("secrecy_lowered", item, review.actor, review.at, suggested=suggested, marking=marking,
                    decided=decided, reason=review.reason)
        if item.store == "proactive" and published_late(item.routed_at, item.due_on):
            who = reviews["disclosure_review"].actor if "disclosure_review" in reviews else None
            add("published_late", item, who, item.routed_at, due_on=item.due_on.isoformat(),
                days_late=(china_date(item.routed_at) - item.due_on).days)
    withdrawn = select(AuditEventRow).where(AuditEventRow.action == "closure:new_version")
    items = {i.id: i for i in session.scalars(select(ItemRow).where(ItemRow.id.in_(
        select(AuditEventRow.item_id).where(AuditEventRow.action == "closure:new_version"))))}
    for event in session.scalars(withdrawn.order_by(AuditEventRow.seq)):
        before, after = event.before or {}, event.after or {}
        if before.get("store") == "proactive" and after.get("store") is None and event.item_id in items:
            add("withdrawn", items[event.item_id], event.actor, event.at, marking=after.get("marking"))
    rows.sort(key=lambda r: (r["when"], r["item_id"], r["kind"]))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    return {"today": today.isoformat(), "counts": counts, "rows": rows}
