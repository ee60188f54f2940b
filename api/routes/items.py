"""Items (read one with versions, suggestion, evidence and review history; list and search) and the
two review queues."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.orm import selectinload

from api import queries, views
from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.errors import NotFound
from api.schemas import MAX_ID, IsoDate
from models.tables import ItemRow

router = APIRouter(prefix="/v1", tags=["items"])
Limit = Query(50, ge=1, le=500)
Offset = Query(0, ge=0, le=10_000_000)
# PostgreSQL text cannot hold NUL characters: a NUL in a filter is refused (422), not a 500.
NO_NUL = r"^[^\x00]*$"
Division = Query(None, max_length=100, pattern=NO_NUL)
Search = Query(None, max_length=200, pattern=NO_NUL)
ItemId = Annotated[int, Path(ge=0, le=MAX_ID, description="an item's id")]  # larger ones do not fit the column


def _filters(division: str | None = Division, closed_from: IsoDate | None = None,
             closed_to: IsoDate | None = None) -> dict[str, Any]:
    """The filters every list and report takes (queries.filtered's keywords)."""
    return {"division": division, "closed_from": closed_from, "closed_to": closed_to}


def _page(limit: int = Limit, offset: int = Offset) -> dict[str, int]:
    return {"limit": limit, "offset": offset}


Filters = Annotated[dict[str, Any], Depends(_filters)]
Page = Annotated[dict[str, int], Depends(_page)]


def _listing(session, ctx, actor: Actor, total: int, rows: list[ItemRow], page: dict[str, int]) -> dict:  # type: ignore[no-untyped-def]
    secrecy = queries.current_suggested_secrecy(session, rows)
    today = views.today_in_china()
    return {"total": total, **page,
            "items": [views.summary(r, actor, ctx.settings, secrecy.get(r.id), today) for r in rows]}


@router.get("/items/{item_id}", summary="One item: versions, suggestion, evidence, review history")
def read_item(item_id: ItemId, session: SessionDep, ctx: ContextDep, actor: Actor = Depends(allow("read_item"))) -> dict:
    item = session.get(ItemRow, item_id, options=[selectinload(ItemRow.versions), selectinload(ItemRow.reviews)])
    if item is None:
        raise NotFound(f"no item {item_id}")
    return views.full(item, actor, ctx.settings)


@router.get("/items", summary="List and search items")
def list_items(session: SessionDep, ctx: ContextDep, filters: Filters, page: Page,
               actor: Actor = Depends(allow("list_items")),
               status: Literal["secrecy_review", "disclosure_review", "routed"] | None = None,
               q: str | None = Search) -> dict:
    total, rows = queries.items(session, status, **page, q=q, **filters)
    return _listing(session, ctx, actor, total, rows, page)


def _queue(stage: str, session, ctx, actor, filters, page) -> dict:  # type: ignore[no-untyped-def]
    total, rows = queries.queue(session, stage, views.today_in_china(), **page, **filters)
    return _listing(session, ctx, actor, total, rows, page)


@router.get("/queues/secrecy_review", summary="Items waiting for secrecy review (保密审核), riskiest first")
def secrecy_queue(session: SessionDep, ctx: ContextDep, filters: Filters, page: Page,
                  actor: Actor = Depends(allow("secrecy_queue"))) -> dict:
    return _queue("secrecy_review", session, ctx, actor, filters, page)


@router.get("/queues/disclosure_review", summary="Items waiting for disclosure review (公开方式审核), riskiest first")
def disclosure_queue(session: SessionDep, ctx: ContextDep, filters: Filters, page: Page,
                     actor: Actor = Depends(allow("disclosure_queue"))) -> dict:
    return _queue("disclosure_review", session, ctx, actor, filters, page)
