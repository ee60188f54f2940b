"""Read side: review queues, stores, item lists and the website's feed."""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from models.tables import FeedEntryRow, ItemRow, ItemVersionRow


def filtered(query: Select[Any], *, division: str | None = None, closed_from: dt.date | None = None,
             closed_to: dt.date | None = None, q: str | None = None) -> Select[Any]:
    if division:
        query = query.where(ItemRow.division == division)
    if closed_from:
        query = query.where(ItemRow.closed_on >= closed_from)
    if closed_to:
        query = query.where(ItemRow.closed_on <= closed_to)
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(ItemRow.title.like(f"%{escaped}%", escape="\\"))
    return query


def page(session: Session, query: Select[Any], order: Sequence[Any], limit: int, offset: int
         ) -> tuple[int, list[ItemRow]]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(session.scalars(query.order_by(*order).limit(limit).offset(offset)))
    return int(total), rows


def queue(session: Session, stage: str, today: dt.date, limit: int, offset: int, **filters: Any
          ) -> tuple[int, list[ItemRow]]:
    """Items waiting at `stage`: overdue first, then the riskiest and least certain, then the oldest."""
    query = filtered(select(ItemRow).where(ItemRow.status == stage), **filters)
    overdue = case((ItemRow.due_on < today, 0), else_=1)
    return page(session, query, [overdue, ItemRow.risk.desc(), ItemRow.closed_on, ItemRow.id], limit, offset)


def store(session: Session, name: str, limit: int, offset: int, **filters: Any) -> tuple[int, list[ItemRow]]:
    query = filtered(select(ItemRow).where(ItemRow.store == name), **filters)
    return page(session, query, [ItemRow.routed_at.desc(), ItemRow.id.desc()], limit, offset)


def items(session: Session, status: str | None, limit: int, offset: int, **filters: Any) -> tuple[int, list[ItemRow]]:
    query = select(ItemRow)
    if status:
        query = query.where(ItemRow.status == status)
    return page(session, filtered(query, **filters), [ItemRow.id.desc()], limit, offset)


def current_suggested_secrecy(session: Session, rows: Sequence[ItemRow]) -> dict[int, str | None]:
    if not rows:
        return {}
    versions = session.execute(select(ItemVersionRow.item_id, ItemVersionRow.number, ItemVersionRow.suggestion).where(
        ItemVersionRow.item_id.in_([r.id for r in rows])))
    current = {r.id: r.current_version for r in rows}
    return {item_id: suggestion["suggestion"]["secrecy"]["value"]
            for item_id, number, suggestion in versions if current[item_id] == number}


def feed(session: Session, after: int, limit: int) -> list[tuple[FeedEntryRow, ItemRow]]:
    """Feed entries after the cursor, in commit order (their seq comes from a locked counter)."""
    rows = session.execute(select(FeedEntryRow, ItemRow).join(ItemRow, ItemRow.id == FeedEntryRow.item_id)
                           .where(FeedEntryRow.seq > after).order_by(FeedEntryRow.seq).limit(limit))
    return [(entry, item) for entry, item in rows]
