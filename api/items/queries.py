"""Read side: review queues, stores, item lists and the website's feed."""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, selectinload

from api.access.visibility import Viewer, in_scope
from api.errors import NotFound
from models.tables import FeedEntryRow, ItemRow, ItemVersionRow, ReviewRow


def filtered(query: Select[Any], viewer: Viewer | None = None, *, division: str | None = None, closed_from: dt.date | None = None,
             closed_to: dt.date | None = None, q: str | None = None) -> Select[Any]:
    """The filters of every list, inside what the caller may see: items out of its scope are not there
    at all, and the title search matches only items it may read (api/access/visibility.py). Without a viewer
    (the agency-wide reports of roles that see every item) there is no title search."""
    if viewer is not None:
        query = query.where(viewer.scope)
    if division:
        query = query.where(ItemRow.division == division)
    if closed_from:
        query = query.where(ItemRow.closed_on >= closed_from)
    if closed_to:
        query = query.where(ItemRow.closed_on <= closed_to)
    if q:
        if viewer is None:
            raise ValueError("a title search needs the caller: what it may read decides what matches")
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(viewer.text_match(ItemRow.title.like(f"%{escaped}%", escape="\\")))
    return query


def page(session: Session, query: Select[Any], order: Sequence[Any], limit: int, offset: int
         ) -> tuple[int, list[ItemRow]]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(session.scalars(query.order_by(*order).limit(limit).offset(offset)))
    return int(total), rows


def item(session: Session, viewer: Viewer, item_id: int) -> ItemRow:
    """One item with its versions and reviews, as the API and the web pages read it: an item out of the
    caller's scope is not found, like one that does not exist (not even its existence)."""
    row = session.get(ItemRow, item_id, options=[selectinload(ItemRow.versions), selectinload(ItemRow.reviews)])
    if row is None or not in_scope(viewer.actor, row, viewer.settings):
        raise NotFound(f"no item {item_id}")
    return row


def queue(session: Session, viewer: Viewer, stage: str, today: dt.date, limit: int, offset: int, **filters: Any
          ) -> tuple[int, list[ItemRow]]:
    """Items waiting at `stage`: overdue first, then the riskiest and least certain, then the oldest."""
    query = filtered(select(ItemRow).where(ItemRow.status == stage), viewer, **filters)
    overdue = case((ItemRow.due_on < today, 0), else_=1)
    return page(session, query, [overdue, ItemRow.risk.desc(), ItemRow.closed_on, ItemRow.id], limit, offset)


def store(session: Session, viewer: Viewer, name: str, limit: int, offset: int, **filters: Any
          ) -> tuple[int, list[ItemRow]]:
    query = filtered(select(ItemRow).where(ItemRow.store == name), viewer, **filters)
    return page(session, query, [ItemRow.routed_at.desc(), ItemRow.id.desc()], limit, offset)


def items(session: Session, viewer: Viewer, status: str | None, limit: int, offset: int, *, category: str | None = None,
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
    return page(session, filtered(query, viewer, **filters), [ItemRow.id.desc()], limit, offset)


def reviews(session: Session, viewer: Viewer, limit: int, offset: int, *, stage: str | None = None, actor: str | None = None,
            changed: bool | None = None, **filters: Any) -> tuple[int, list[tuple[ReviewRow, ItemRow]]]:
    """The review history across items, newest first, by stage, reviewer and whether it changed the
    suggestion, and by the items' own filters (division, closing date, title)."""
    query = filtered(select(ReviewRow, ItemRow).join(ItemRow, ItemRow.id == ReviewRow.item_id), viewer, **filters)
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


def feed(session: Session, after: int, limit: int) -> list[tuple[FeedEntryRow, ItemRow, dict[str, Any]]]:
    """Feed entries after the cursor, in commit order (their seq comes from a locked counter), each with
    its item and the document of the version the entry published (one query, not one per entry); never
    a later version's, which nobody has reviewed."""
    published = (ItemVersionRow.item_id == FeedEntryRow.item_id) & (ItemVersionRow.number == FeedEntryRow.version)
    rows = session.execute(select(FeedEntryRow, ItemRow, ItemVersionRow.document)
                           .join(ItemRow, ItemRow.id == FeedEntryRow.item_id).outerjoin(ItemVersionRow, published)
                           .where(FeedEntryRow.seq > after).order_by(FeedEntryRow.seq).limit(limit))
    return [(entry, item, document) for entry, item, document in rows]
