"""The items of the four stores an application asks for: linked by the handler (or by a suggestion), shown as
the reader may see them, and counted by 条例第四十四条 (api/items/art44.py).

An item is linked only when the linking person may know it exists (api/access/visibility.py: out of scope is
"no item N", the same answer as a missing one) and only once it is in a store: an item still under review has no
answer to give yet. A secret item may be linked (an answer of 不予公开 names what it withholds) but is shown to a
reader who may not read it by its 索引号 and store only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access.visibility import in_scope, may_read
from api.context import Actor, Context
from api.errors import Conflict, NotFound
from models import audit
from models.tables import ApplicationItemRow, ApplicationRow, ItemRow


def link(session: Session, ctx: Context, actor: Actor, row: ApplicationRow, item_id: int,
         source: str = "handler") -> tuple[ItemRow, bool]:
    """Link item `item_id` to the application; (the item, whether the link is new). Audited when new."""
    item = session.get(ItemRow, item_id)
    if item is None or not in_scope(actor, item, ctx.settings):
        raise NotFound(f"no item {item_id}")
    if item.store is None:
        raise Conflict(f"item {item_id} is still under review ({item.status}): only an item in one of the four "
                       "stores can answer an application", current={"status": item.status})
    existing = session.scalar(select(ApplicationItemRow).where(ApplicationItemRow.application_id == row.id,
                                                               ApplicationItemRow.item_id == item_id))
    if existing is not None:
        return item, False
    session.add(ApplicationItemRow(application_id=row.id, item_id=item_id, source=source, linked_by=actor.name))
    audit.record(session, actor=actor.name, role=actor.role, action="application:link", item_id=item_id,
                 after={"application_id": row.id, "reg_no": row.reg_no, "item_id": item_id, "store": item.store,
                        "source": source})
    return item, True


def linked(session: Session, ctx: Context, actor: Actor, row: ApplicationRow) -> list[dict[str, Any]]:
    """The linked items in link order, each as `actor` may see it: an item out of its scope is left out, an
    unreadable one shown without its title."""
    rows = session.execute(select(ApplicationItemRow, ItemRow).join(ItemRow, ItemRow.id == ApplicationItemRow.item_id)
                           .where(ApplicationItemRow.application_id == row.id).order_by(ApplicationItemRow.id))
    shown = []
    for link_row, item in rows:
        if not in_scope(actor, item, ctx.settings):
            continue
        readable = may_read(actor, item, ctx.settings)
        shown.append({"item_id": item.id, "index_number": item.index_number, "store": item.store,
                      "title": item.title if readable else None, "restricted": not readable,
                      "source": link_row.source, "linked_by": link_row.linked_by,
                      "linked_at": link_row.linked_at.isoformat()})
    return shown
