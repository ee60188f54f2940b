"""The four stores (信息库) and the proactive store's feed for the website publishing system."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from api.access.visibility import Viewer
from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.items import publication, queries
from api.items.schemas import FeedOut, StorePage
from api.reports import exports
from api.routes.items import Filters, Format, Page, Search, _listing, paging
from api.schemas import MAX_ID
from engine.vocabulary import Secrecy, Store

router = APIRouter(prefix="/v1", tags=["stores"])


@router.get("/stores/{store}", summary="List, search and export one store", response_model=StorePage,
            responses=exports.RESPONSES)
def read_store(store: Store, session: SessionDep, ctx: ContextDep, filters: Filters, page: Page,
               actor: Actor = Depends(allow("read_store")), q: str | None = Search, fmt: Format = "json") -> Any:
    """The proactive store's items say what the website shows of each (`publication`): the released text of a
    confirmed public copy, never the original then, or why the item is held back (条例第十五条)."""
    total, rows = queries.store(session, Viewer(actor, ctx.settings), store, **paging(page, fmt), q=q, **filters)
    out = _listing(session, ctx, actor, total, rows, page, fmt, f"store-{store}")
    if fmt == "json":
        shown = publication.in_store(session, rows)
        for entry in out["items"]:
            entry["publication"] = None if entry["restricted"] else shown.get(entry["id"])
    return out


def still_published(entry, item, document) -> bool:  # type: ignore[no-untyped-def]
    """What a publish entry put on the website is still there: the item is in the proactive store with
    the very version the entry published (a new version withdraws it until both reviews of that version),
    unmarked and decided non-secret. Checked again here, at the last boundary before the website."""
    return (document is not None and item.store == Store.PROACTIVE and entry.version == item.current_version
            and item.secrecy == Secrecy.NONE and not item.marked and item.marking == Secrecy.NONE)


@router.get("/feed/proactive", response_model=FeedOut, summary="Incremental feed of the proactive store (cursor based)")
def feed(session: SessionDep, actor: Actor = Depends(allow("feed")),
         after: int = Query(0, ge=0, le=MAX_ID, description="the `cursor` of the previous page (0 from the start)"),
         limit: int = Query(100, ge=1, le=1000)) -> dict:
    """Entries in publication order. `publish` carries what the website shows (the released text of a confirmed
    public copy, never the original then); `withdraw` tells it to take an item down (a later version carried a
    secrecy marking); `held`: not shown, its text holds a private person's data and no public copy is confirmed
    yet (条例第十五条; a publish entry follows the confirmation). Only proactive items ever appear."""
    rows = queries.feed(session, after, limit)
    copies = publication.confirmed_copies(session, [(e.item_id, e.version) for e, _, _ in rows if e.action == "publish"])
    entries = []
    for entry, item, document in rows:
        out = {"seq": entry.seq, "action": entry.action, "at": entry.at.isoformat(), "item_id": item.id,
               "index_number": item.index_number}
        if entry.action == "publish":
            if not still_published(entry, item, document):  # withdrawn since: never show its content
                out["action"] = "withdrawn"
            else:
                out.update(_published(item, document, copies.get((item.id, entry.version))))
        entries.append(out)
    cursor = entries[-1]["seq"] if entries else after
    return {"entries": entries, "cursor": cursor, "more": len(entries) == limit}


def _published(item, document, release) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    shown = publication.shown(item.id, document, release)
    if shown["state"] == "held":
        return {"action": "held", "reason": shown["reason"]}
    return {"title": item.title, "column": item.column, "division": item.division, "agency": item.agency,
            "doc_number": document.get("doc_number"), "date": document.get("date"), "body": shown["text"],
            "published_at": item.routed_at.isoformat() if item.routed_at else None,
            "redacted": shown["state"] == "redacted", "release_id": shown["release_id"]}
