"""Which catalog items are 规章 or 行政规范性文件, when they were issued and whether they are in force (Table 二 of
the annual report, block 第二十条第（一）项): set, read and list (api/annual/instruments.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.orm import Session

from api.annual import instruments
from api.annual.instrument_schemas import (CandidatePage, ClearedOut, Instrument, InstrumentIn, InstrumentOut,
                                           InstrumentPage, Validity)
from api.context import Actor, Context
from api.deps import ContextDep, SessionDep, allow
from api.schemas import MAX_ID, IsoDate

router = APIRouter(prefix="/v1", tags=["annual report"])
ItemId = Annotated[int, Path(ge=0, le=MAX_ID, description="an item's id")]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


def _answer(session: Session, ctx: Context, actor: Actor, item_id: int) -> dict[str, Any]:
    session.expire_all()  # the answer shows what was committed
    return instruments.view(*instruments.record_of(session, actor, ctx.settings, item_id))


@router.put("/items/{item_id}/instrument", response_model=InstrumentOut,
            summary="Record an item of the proactive store as a 规章 or 行政规范性文件, with its validity")
def set_instrument(item_id: ItemId, body: InstrumentIn, session: SessionDep, ctx: ContextDep,
                   actor: Actor = Depends(allow("set_instrument"))) -> dict[str, Any]:
    """A date in the future, an ended_on missing when not in force, present when in force or before issued_on:
    422 naming each field; the item not in the proactive store (条例第二十条第（一）项): 409; an item the caller
    may not see: 404, as a missing one. Audited instrument.set."""
    with instruments.one_writer(session, item_id, body.model_dump(mode="json")):
        instruments.set_record(session, actor, ctx.settings, item_id, body)
    return _answer(session, ctx, actor, item_id)


@router.delete("/items/{item_id}/instrument", response_model=ClearedOut,
               summary="Remove an item's record as a 规章 or 行政规范性文件, with the reason (audited instrument.clear)")
def clear_instrument(item_id: ItemId, session: SessionDep, ctx: ContextDep,
                     reason: str = Query(min_length=1, max_length=2000, pattern=r"\S", description="why it goes"),
                     actor: Actor = Depends(allow("set_instrument"))) -> dict[str, Any]:
    with instruments.one_writer(session, item_id, {"reason": reason}):
        cleared = instruments.clear_record(session, actor, ctx.settings, item_id, reason.strip())
    return cleared


@router.get("/items/{item_id}/instrument", response_model=InstrumentOut,
            summary="An item's record as a 规章 or 行政规范性文件 (404: none)")
def read_instrument(item_id: ItemId, session: SessionDep, ctx: ContextDep,
                    actor: Actor = Depends(allow("read_store"))) -> dict[str, Any]:
    return instruments.view(*instruments.record_of(session, actor, ctx.settings, item_id))


@router.get("/instruments", response_model=InstrumentPage,
            summary="The 规章 and 行政规范性文件 of the proactive store (by instrument, validity, in force on a day)")
def list_instruments(session: SessionDep, ctx: ContextDep, actor: Actor = Depends(allow("read_store")),
                     instrument: Instrument | None = None, validity: Validity | None = None,
                     in_force_on: IsoDate | None = Query(None, description="in force on this day (YYYY-MM-DD)"),
                     limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    day: dt.date | None = in_force_on
    return instruments.records(session, actor, ctx.settings, instrument=instrument, validity=validity,
                               in_force_on=day, limit=limit, offset=offset)


@router.get("/instruments/candidates", response_model=CandidatePage,
            summary="Items of the proactive store in the 行政规范性文件 column with no record yet")
def instrument_candidates(session: SessionDep, ctx: ContextDep, actor: Actor = Depends(allow("read_store")),
                          limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    return instruments.candidates(session, actor, ctx.settings, limit=limit, offset=offset)
