"""Items (read one with versions, suggestion, evidence and review history; list and search) and the
two review queues."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from api.access.visibility import Viewer, may_read
from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.errors import Invalid
from api.items import queries, views
from api.items.schemas import Item, ItemPage, ReviewPage
from api.reports import exports
from api.reports.registry import MEDIA_TYPES
from api.schemas import MAX_ID, IsoDate
from engine.vocabulary import Category, Column, ItemStatus, ReviewStage
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
Format = Annotated[Literal["json", "csv", "xlsx"], Query(
    alias="format", description="json: one page; csv or xlsx: the whole filtered list (up to 100,000 rows)")]


def paging(page: dict[str, int], fmt: str) -> dict[str, int]:
    """An export is the whole list, not the page on screen."""
    return page if fmt == "json" else {"limit": exports.EXPORT_LIMIT, "offset": 0}


def download(data: bytes, fmt: str, filename: str, *, inline: bool = False) -> Response:
    """A file answer: its media type, and a name the browser saves it under (or shows, if inline)."""
    disposition = "inline" if inline else "attachment"
    return Response(data, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'{disposition}; filename="{filename}.{fmt}"'})


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def printable(data: bytes | str, output: str, filename: str) -> Response:
    """A letter or a released copy as a file: DOCX to save, or HTML to print (shown in the browser)."""
    if output == "docx":
        return Response(data, media_type=DOCX,
                        headers={"Content-Disposition": f'attachment; filename="{filename}.docx"'})
    return download(data.encode() if isinstance(data, str) else data, "html", filename, inline=True)


def exported(table, fmt: str, filename: str) -> Response:  # type: ignore[no-untyped-def]
    return download(exports.render(table, fmt), fmt, filename)


def too_long(total: int, fmt: str) -> None:
    """An export is refused whole rather than cut, before its rows are turned into a table."""
    if fmt != "json" and total > exports.EXPORT_LIMIT:
        raise Invalid(f"the list has {total:,} rows, more than {exports.EXPORT_LIMIT:,}: narrow it (division, "
                      "dates) to export it", errors=[{"field": "format", "message": "too many rows for one export"}])


def _listing(session, ctx, actor: Actor, total: int, rows: list[ItemRow], page: dict[str, int],  # type: ignore[no-untyped-def]
             fmt: str = "json", name: str = "items") -> Any:
    too_long(total, fmt)
    today = views.today_in_china()
    items = [views.summary(r, actor, ctx.settings, today) for r in rows]
    if fmt != "json":
        return exported(exports.items_table(items), fmt, name)
    return {"total": total, **page, "items": items}


@router.get("/items/{item_id}", response_model=Item, summary="One item: versions, suggestion, evidence, review history")
def read_item(item_id: ItemId, session: SessionDep, ctx: ContextDep, actor: Actor = Depends(allow("read_item"))) -> dict:
    item = queries.item(session, Viewer(actor, ctx.settings), item_id)  # out of scope: not even its existence
    return views.full(item, actor, ctx.settings)


@router.get("/items", summary="List, search and export items (by division, dates, status, category, column, reviewer)",
            response_model=ItemPage, responses=exports.RESPONSES)
def list_items(session: SessionDep, ctx: ContextDep, filters: Filters, page: Page,
               actor: Actor = Depends(allow("list_items")),
               status: ItemStatus | None = None,
               category: Category | None = None, column: Column | None = None,
               reviewer: str | None = Query(None, max_length=100, pattern=NO_NUL, description="reviewed by (any stage)"),
               changed: bool | None = Query(None, description="true: some decision differs from the suggestion"),
               q: str | None = Search, fmt: Format = "json") -> Any:
    total, rows = queries.items(session, Viewer(actor, ctx.settings), status, **paging(page, fmt), q=q, category=category, column=column,
                                reviewer=reviewer, changed=changed, **filters)
    return _listing(session, ctx, actor, total, rows, page, fmt, "items")


@router.get("/reviews", summary="Search and export the review history (by stage, reviewer, changed, item filters)",
            response_model=ReviewPage, responses=exports.RESPONSES)
def list_reviews(session: SessionDep, ctx: ContextDep, filters: Filters, page: Page, actor: Actor = Depends(allow("read_reviews")),
                 stage: ReviewStage | None = None,
                 reviewer: str | None = Query(None, max_length=100, pattern=NO_NUL),
                 changed: bool | None = None, q: str | None = Search, fmt: Format = "json") -> Any:
    total, rows = queries.reviews(session, Viewer(actor, ctx.settings), **paging(page, fmt), stage=stage, actor=reviewer, changed=changed, q=q,
                                  **filters)
    too_long(total, fmt)
    reviews = [{"review_id": r.id, "item_id": item.id, "index_number": item.index_number, "division": item.division,
                **views.review_view(r, may_read(actor, item, ctx.settings))} for r, item in rows]
    if fmt != "json":
        return exported(exports.reviews_table(reviews), fmt, "reviews")
    return {"total": total, **page, "reviews": reviews}


def _queue(stage: ReviewStage, session, ctx, actor, filters, page, fmt) -> Any:  # type: ignore[no-untyped-def]
    total, rows = queries.queue(session, Viewer(actor, ctx.settings), stage, views.today_in_china(), **paging(page, fmt), **filters)
    return _listing(session, ctx, actor, total, rows, page, fmt, stage)


@router.get("/queues/secrecy_review", summary="Items waiting for secrecy review (保密审核), riskiest first",
            response_model=ItemPage, responses=exports.RESPONSES)
def secrecy_queue(session: SessionDep, ctx: ContextDep, filters: Filters, page: Page,
                  actor: Actor = Depends(allow("secrecy_queue")), fmt: Format = "json") -> Any:
    return _queue(ReviewStage.SECRECY_REVIEW, session, ctx, actor, filters, page, fmt)


@router.get("/queues/disclosure_review", summary="Items waiting for disclosure review (公开方式审核), riskiest first",
            response_model=ItemPage, responses=exports.RESPONSES)
def disclosure_queue(session: SessionDep, ctx: ContextDep, filters: Filters, page: Page,
                     actor: Actor = Depends(allow("disclosure_queue")), fmt: Format = "json") -> Any:
    return _queue(ReviewStage.DISCLOSURE_REVIEW, session, ctx, actor, filters, page, fmt)
