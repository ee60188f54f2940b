"""Read side: review queues, stores, item lists and the website's feed."""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from models.tables import FeedEntryRow, ItemRow, ItemVersionRow, ReviewRow


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


def items(session: Session, status: str | None, limit: int, offset: int, *, category: str | None = None,
          column: str | None = None, reviewer: str | None = None, changed: bool | None = None, **filters: Any
          ) -> tuple[int, list[ItemRow]]:
    """Items by status, decided category and column, and by their review history: reviewed by
    `reviewer` (at any stage), and with (changed=true) or without any decision changed from the
    suggestion."""
    query = select(ItemRow)
    if status:
        query = query.where(ItemRow.status == status)
    if category:
        query = query.where(ItemRow.category == category)
    if column:
        query = query.where(ItemRow.column == column)
    if reviewer:
        query = query.where(ItemRow.id.in_(select(ReviewRow.item_id).where(ReviewRow.actor == reviewer)))
    if changed is not None:
        overridden = ItemRow.id.in_(select(ReviewRow.item_id).where(ReviewRow.changed.is_(True)))
        query = query.where(overridden if changed else ~overridden)
    return page(session, filtered(query, **filters), [ItemRow.id.desc()], limit, offset)


def reviews(session: Session, limit: int, offset: int, *, stage: str | None = None, actor: str | None = None,
            changed: bool | None = None, **filters: Any) -> tuple[int, list[tuple[ReviewRow, ItemRow]]]:
    """The review history across items, newest first, by stage, reviewer and whether it changed the
    suggestion, and by the items' own filters (division, closing date, title)."""
    query = filtered(select(ReviewRow, ItemRow).join(ItemRow, ItemRow.id == ReviewRow.item_id), **filters)
    if stage:
        query = query.where(ReviewRow.stage == stage)
    if actor:
        query = query.where(ReviewRow.actor == actor)
    if changed is not None:
        query = query.where(ReviewRow.changed.is_(changed))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.execute(query.order_by(ReviewRow.id.desc()).limit(limit).offset(offset)).all()
    return int(total), [(review, item) for review, item in rows]


CURRENT_VERSION = (ItemVersionRow.item_id == ItemRow.id) & (ItemVersionRow.number == ItemRow.current_version)


def current_suggested_secrecy(session: Session, rows: Sequence[ItemRow]) -> dict[int, str | None]:
    """The secrecy suggested for each item's current version: the one value read out of the stored
    suggestion (a JSON path on both databases), not whole suggestions of every version."""
    if not rows:
        return {}
    level = ItemVersionRow.suggestion[("suggestion", "secrecy", "value")].as_string()
    ids = [r.id for r in rows]
    out: dict[int, str | None] = {}
    for start in range(0, len(ids), 10_000):  # an export lists up to 100k items: under SQLite's bind limit
        found = session.execute(select(ItemVersionRow.item_id, level).join(ItemRow, CURRENT_VERSION)
                                .where(ItemRow.id.in_(ids[start:start + 10_000])))
        out.update({item_id: value for item_id, value in found})
    return out


def feed(session: Session, after: int, limit: int) -> list[tuple[FeedEntryRow, ItemRow, dict[str, Any]]]:
    """Feed entries after the cursor, in commit order (their seq comes from a locked counter), each with
    its item and the item's current document (one query, not one per entry)."""
    rows = session.execute(select(FeedEntryRow, ItemRow, ItemVersionRow.document)
                           .join(ItemRow, ItemRow.id == FeedEntryRow.item_id).join(ItemVersionRow, CURRENT_VERSION)
                           .where(FeedEntryRow.seq > after).order_by(FeedEntryRow.seq).limit(limit))
    return [(entry, item, document) for entry, item, document in rows]
