"""Which catalog items are 规章 or 行政规范性文件, when each was issued and whether it is in force: the figures of
Table 二's block 第二十条第（一）项 (本年制发, 本年废止, 现行有效; applications.md §3.1) are counted from these records
(engine/annual/table_two.py).

Rules and normative documents are proactive information (条例第二十条第（一）项), so a record is set only on an
item of the proactive store; an item that later leaves the store keeps its record but is no longer counted
(`counted` in the views). An item the caller may not see is not found, exactly like a missing one
(api/items/queries.item). Every set and clear is in the audit chain (instrument.set, instrument.clear); the
caller commits (`one_writer`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from api.access.visibility import Viewer, may_read
from api.annual.instrument_schemas import InstrumentIn
from api.context import Actor
from api.errors import Conflict, Invalid, NotFound
from api.items import queries
from api.settings import Settings
from engine.annual.table_two import INSTRUMENT_LABELS, VALIDITY_LABELS
from engine.vocabulary import Column, Store
from engine.workflow.working_days import today_in_china
from models import audit
from models.annual_records import InstrumentRow
from models.tables import ItemRow, ItemVersionRow

INSTRUMENT_ZH, VALIDITY_ZH = INSTRUMENT_LABELS, VALIDITY_LABELS
ARTICLE = "条例第二十条第（一）项"
# Each refusal of a record's values: (the API's sentence, the page's sentence). {value}, {issued}: the dates.
PROBLEMS = {
    "future": ("{value} is in the future", "日期不能晚于今天（{value}）。"),
    "missing": ("required when validity is expired or repealed: the first day it was no longer in force",
                "失效或废止的，须填写失效（废止）日期。"),
    "in_force": ("must be empty while the instrument is in force (validity in_force)", "有效的文件不填写失效（废止）日期。"),
    "before_issued": ("{value} is before it was issued ({issued})", "失效（废止）日期不能早于公布日期（{issued}）。"),
}


def problem(field: str, code: str, **values: Any) -> dict[str, str]:
    english, chinese = PROBLEMS[code]
    return {"field": field, "code": code, "message": english.format(**values), "zh": chinese.format(**values)}


def visible_item(session: Session, actor: Actor, settings: Settings, item_id: int) -> ItemRow:
    """The item, or 404 when it does not exist or the caller may not see it (the same answer)."""
    return queries.item(session, Viewer(actor, settings), item_id)


def proactive_item(session: Session, actor: Actor, settings: Settings, item_id: int) -> ItemRow:
    """The item, if it is in the proactive store: 409 otherwise, saying nothing the caller could not read."""
    item = visible_item(session, actor, settings, item_id)
    if item.store != Store.PROACTIVE:
        raise Conflict(f"item {item_id} is not in the proactive store: only proactive information is a 规章 or "
                       f"行政规范性文件 of the catalog ({ARTICLE})", field="item_id")
    return item


def default_issued_on(item: ItemRow) -> dt.date:
    """The current version's 成文日期 (`date`), else the day the item was closed."""
    version = next((v for v in item.versions if v.number == item.current_version), None)
    return issued_default(version.document if version is not None else None, item.closed_on)


def issued_default(document: dict[str, Any] | None, closed_on: dt.date) -> dt.date:
    written = (document or {}).get("date")
    try:
        return dt.date.fromisoformat(str(written)) if written else closed_on
    except ValueError:
        return closed_on


def problems(issued_on: dt.date, validity: str, ended_on: dt.date | None, today: dt.date) -> list[dict[str, str]]:
    """Every refusal of these values, each naming its field (the CHECK constraints of catalog_instrument, and
    no date after today)."""
    found = []
    if issued_on > today:
        found.append(problem("issued_on", "future", value=issued_on))
    if validity != "in_force" and ended_on is None:
        found.append(problem("ended_on", "missing"))
    elif validity == "in_force" and ended_on is not None:
        found.append(problem("ended_on", "in_force"))
    elif ended_on is not None and ended_on > today:
        found.append(problem("ended_on", "future", value=ended_on))
    elif ended_on is not None and ended_on < issued_on:
        found.append(problem("ended_on", "before_issued", value=ended_on, issued=issued_on))
    return found


def state(row: InstrumentRow) -> dict[str, Any]:
    return {"item_id": row.item_id, "instrument": row.instrument, "issued_on": row.issued_on.isoformat(),
            "validity": row.validity, "ended_on": row.ended_on.isoformat() if row.ended_on else None,
            "note": row.note, "lock_version": row.lock_version}


def view(row: InstrumentRow, item: ItemRow) -> dict[str, Any]:
    """The record as the API answers it (InstrumentOut)."""
    return {"item_id": row.item_id, "instrument": row.instrument, "instrument_zh": INSTRUMENT_ZH[row.instrument],
            "issued_on": row.issued_on.isoformat(), "validity": row.validity,
            "validity_zh": VALIDITY_ZH[row.validity], "ended_on": row.ended_on.isoformat() if row.ended_on else None,
            "note": row.note, "updated_by": row.updated_by, "updated_at": row.updated_at.isoformat(),
            "lock_version": row.lock_version, "counted": item.store == Store.PROACTIVE}


def record_of(session: Session, actor: Actor, settings: Settings, item_id: int) -> tuple[InstrumentRow, ItemRow]:
    """The item's record: 404 when the item is not visible or has none, and, in the same words, when the caller
    may not read the item (a published item later decided secret keeps its record: what it was and when it was
    issued is its content)."""
    item = visible_item(session, actor, settings, item_id)
    row = session.get(InstrumentRow, item_id)
    if row is None or not may_read(actor, item, settings):
        raise NotFound(f"item {item_id} has no record as a 规章 or 行政规范性文件")
    return row, item


@contextmanager
def one_writer(session: Session, item_id: int, submitted: dict[str, Any]) -> Iterator[None]:
    """The block's changes committed; 409 when someone else set or cleared the record meanwhile."""
    try:
        yield
        session.commit()
    except (StaleDataError, IntegrityError):
        session.rollback()
        raise Conflict(f"the record of item {item_id} was changed by someone else at the same time: read it again",
                       submitted=submitted) from None


def set_record(session: Session, actor: Actor, settings: Settings, item_id: int, body: InstrumentIn) -> InstrumentRow:
    """Create or replace the item's record, audited instrument.set (the caller commits)."""
    submitted = body.model_dump(mode="json")
    item = proactive_item(session, actor, settings, item_id)
    row = session.get(InstrumentRow, item_id)
    if body.expected_version is not None and (row is None or row.lock_version != body.expected_version):
        now = None if row is None else row.lock_version
        raise Conflict(f"the record of item {item_id} is at version {now}, not {body.expected_version}: read it again",
                       current={"lock_version": now}, submitted=submitted)
    issued_on = body.issued_on or default_issued_on(item)
    found = problems(issued_on, body.validity, body.ended_on, today_in_china())
    if found:
        raise Invalid("; ".join(f"{p['field']}: {p['message']}" for p in found), errors=found, submitted=submitted)
    before = state(row) if row is not None else None
    if row is None:
        row = InstrumentRow(item_id=item_id, updated_by=actor.name)
        session.add(row)
    row.instrument, row.issued_on, row.validity = body.instrument, issued_on, body.validity
    row.ended_on, row.note, row.updated_by = body.ended_on, body.note, actor.name
    session.flush()
    audit.record(session, actor=actor.name, role=actor.role, action="instrument.set", item_id=item_id,
                 before=before, after=state(row))
    return row


def clear_record(session: Session, actor: Actor, settings: Settings, item_id: int, reason: str) -> dict[str, Any]:
    """Remove the item's record, audited instrument.clear with the reason; the record as it was (ClearedOut)."""
    row, item = record_of(session, actor, settings, item_id)
    cleared = view(row, item)
    audit.record(session, actor=actor.name, role=actor.role, action="instrument.clear", item_id=item_id,
                 before=state(row), after={"reason": reason})
    session.delete(row)
    session.flush()
    return {"item_id": item_id, "reason": reason, "cleared": cleared}


# -- the lists ------------------------------------------------------------------------------------------------

def _listed(item: ItemRow, document: dict[str, Any] | None, readable: bool) -> dict[str, Any]:
    doc_number = str((document or {}).get("doc_number") or "") or None
    return {"title": item.title if readable else None, "doc_number": doc_number if readable else None,
            "index_number": item.index_number}


def _page(session: Session, query: Select[Any], order: list[Any], limit: int, offset: int) -> tuple[int, list[Any]]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return int(total), list(session.execute(query.order_by(*order).limit(limit).offset(offset)).all())


def records(session: Session, actor: Actor, settings: Settings, *, instrument: str | None = None,
            validity: str | None = None, in_force_on: dt.date | None = None, limit: int = 50,
            offset: int = 0) -> dict[str, Any]:
    """The records of items in the proactive store (the ones Table 二 counts), newest issued first. In force on
    a day: issued by then, and not ended by then (ended_on is the first day it was no longer in force)."""
    viewer = Viewer(actor, settings)
    query = (select(InstrumentRow, ItemRow, ItemVersionRow.document).join(ItemRow, ItemRow.id == InstrumentRow.item_id)
             .outerjoin(ItemVersionRow, queries.CURRENT_VERSION)
             .where(ItemRow.store == Store.PROACTIVE.value, viewer.scope))
    if instrument:
        query = query.where(InstrumentRow.instrument == instrument)
    if validity:
        query = query.where(InstrumentRow.validity == validity)
    if in_force_on:
        query = query.where(InstrumentRow.issued_on <= in_force_on,
                            or_(InstrumentRow.ended_on.is_(None), InstrumentRow.ended_on > in_force_on))
    total, rows = _page(session, query, [InstrumentRow.issued_on.desc(), InstrumentRow.item_id.desc()], limit, offset)
    return {"total": total, "limit": limit, "offset": offset,
            "instruments": [{**view(row, item), **_listed(item, document, may_read(actor, item, settings))}
                            for row, item, document in rows]}


def candidates(session: Session, actor: Actor, settings: Settings, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Items of the proactive store in the 行政规范性文件 column without a record yet, newest routed first: the
    office goes through them (a 规章 has no column of its own: it is set from the item)."""
    viewer = Viewer(actor, settings)
    query = (select(ItemRow, ItemVersionRow.document).outerjoin(ItemVersionRow, queries.CURRENT_VERSION)
             .outerjoin(InstrumentRow, InstrumentRow.item_id == ItemRow.id)
             .where(ItemRow.store == Store.PROACTIVE.value, ItemRow.column == Column.NORMATIVE_DOCUMENTS.value,
                    InstrumentRow.item_id.is_(None), viewer.scope))
    total, rows = _page(session, query, [ItemRow.routed_at.desc(), ItemRow.id.desc()], limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "candidates": [
        {"item_id": item.id, **_listed(item, document, may_read(actor, item, settings)),
         "closed_on": item.closed_on.isoformat(), "issued_on": issued_default(document, item.closed_on).isoformat()}
        for item, document in rows]}
