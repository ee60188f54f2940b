"""四库 (issue 16): the four stores (主动公开、依申请公开、不予公开、非《条例》所指政府信息) for the 信息公开工作机构,
each with how many items it holds, then one store browsed, searched, filtered, paged and exported.

One code path with the API: the same permission (allow("read_store")), the same query (queries.store, whose
`filtered` keeps out what the caller may not see and matches a title search on readable items only), the same
view (views.summary: a secret item's title is left out for a role not cleared). The counts are counted through
the same scope in one grouped query: a count is a leak path too. The export links are the API's own
(/v1/stores/{store}?format=csv|xlsx with the same filters): the session cookie reaches the API as the same
Actor, so the file holds what the page shows, whole.

A query value the API would refuse (a date not written YYYY-MM-DD, a NUL, one too long) is refused here as a
page in Chinese, not as the API's JSON.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.access.sessions import Signed
from api.access.visibility import Viewer
from api.deps import ContextDep, SessionDep
from api.items import queries, views
from api.pages.layout import PageRefusal, page, render
from api.reports.exports import EXPORT_LIMIT
from engine.vocabulary import LABELS_ZH, ReviewStage, Store
from engine.workflow.working_days import china_date
from models.tables import ItemRow, ItemVersionRow, ReviewRow

router = APIRouter()
READ_STORE = page("read_store")  # the API's own check (one instance: a dependency called in a default is flagged)
PER_PAGE = 50
MAX_PAGE = 200_000  # 10 million rows at 50 a page: the API's own offset bound
MAX_SEARCH, MAX_DIVISION = 200, 100  # the API's bounds (api/routes/items.py: Search, Division)
HIDDEN = "（无权查看）"  # a secret item's title, to a role not cleared for it (the API sends null)
STORE_HINTS = {
    Store.PROACTIVE: "经审核应当主动公开，由门户网站发布（《条例》第十九条至第二十六条）",
    Store.ON_REQUEST: "依申请公开：不主动发布，申请人依申请获取（《条例》第二十七条起）",
    Store.WITHHELD: "不予公开：涉密、法律禁止或三安全一稳定等（《条例》第十四条至第十六条）",
    Store.NOT_GOVERNMENT_INFO: "非《条例》第二条所指政府信息",
}
PUBLISHED_ZH = {Store.ON_REQUEST: "依申请提供", Store.WITHHELD: "不予公开", Store.NOT_GOVERNMENT_INFO: "不适用"}


def text_param(request: Request, name: str, label: str, limit: int) -> str | None:
    """A text query value as the API takes it (at most `limit` characters, no NUL), blank as none."""
    value = request.query_params.get(name, "").strip()
    if len(value) > limit or "\x00" in value:
        raise PageRefusal(422, f"“{label}”不能超过{limit}个字符，也不能含有控制字符。")
    return value or None


def date_param(request: Request, name: str, label: str) -> dt.date | None:
    """A date written YYYY-MM-DD (as the API's IsoDate), blank as none."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PageRefusal(422, f"“{label}”须为有效日期，格式为 年-月-日（如 2026-01-31）。") from None


def page_number(request: Request) -> int:
    value = request.query_params.get("page", "1").strip() or "1"
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise PageRefusal(422, f"页码须为 1 至 {MAX_PAGE} 之间的整数。")
    return int(value)


def query(values: dict[str, Any]) -> str:
    """A query string for a link, Chinese kept as typed (the browser encodes it when it follows the link, so a
    page differs from another only where what was asked differs); ASCII is percent-encoded but letters and digits."""
    def part(text: str) -> str:
        return "".join(c if ord(c) > 127 else quote(c, safe="") for c in text)

    return "&".join(f"{part(str(k))}={part(str(v))}" for k, v in values.items())


def pager(path: str, kept: dict[str, Any], number: int, total: int) -> dict[str, Any]:
    """Where the page is in the list, and the links to the previous and next pages (keeping the filters)."""
    pages = max(1, math.ceil(total / PER_PAGE))

    def link(n: int) -> str:
        return f"{path}?{query({**kept, 'page': n})}"

    return {"number": number, "pages": pages, "total": total, "first": link(1),
            "previous": link(number - 1) if number > 1 else None,
            "next": link(number + 1) if number < pages else None}


def store_counts(session: Session, viewer: Viewer) -> dict[str, int]:
    """Items per store that the caller may know of: one grouped query through the lists' own scope."""
    query = queries.filtered(select(ItemRow.store, func.count()).where(ItemRow.store.is_not(None))
                             .group_by(ItemRow.store), viewer)
    return {store: int(n) for store, n in session.execute(query)}


@router.get("/stores", response_class=HTMLResponse)
def stores(session: SessionDep, ctx: ContextDep, signed: Signed = Depends(READ_STORE)) -> HTMLResponse:
    """The four stores, each with its count and a link."""
    counts = store_counts(session, Viewer(signed.actor, ctx.settings))
    shown = [{"id": s.value, "name": LABELS_ZH[s.value], "hint": STORE_HINTS[s], "count": counts.get(s.value, 0)}
             for s in Store]
    return render("stores.html.j2", signed, here="/stores", stores=shown)


def _filters(request: Request) -> dict[str, Any]:
    """The store's filters, as queries.store takes them (the API's Filters and q)."""
    return {"q": text_param(request, "q", "关键词", MAX_SEARCH),
            "division": text_param(request, "division", "处室", MAX_DIVISION),
            "closed_from": date_param(request, "closed_from", "办结日期起"),
            "closed_to": date_param(request, "closed_to", "办结日期止")}


def _extras(session: Session, ids: list[int]) -> tuple[dict[int, Any], dict[int, Any]]:
    """For the rows on the page, two queries in all: each current version's 发文字号, and each item's latest
    disclosure review (who decided, when)."""
    if not ids:
        return {}, {}
    numbers = dict(session.execute(
        select(ItemVersionRow.item_id, ItemVersionRow.document["doc_number"].as_string())
        .join(ItemRow, queries.CURRENT_VERSION).where(ItemRow.id.in_(ids))).all())
    decided: dict[int, Any] = {}
    for review in session.execute(select(ReviewRow.item_id, ReviewRow.actor, ReviewRow.at)
                                  .where(ReviewRow.item_id.in_(ids), ReviewRow.stage == ReviewStage.DISCLOSURE_REVIEW)
                                  .order_by(ReviewRow.id)):
        decided[review.item_id] = review  # the latest wins
    return numbers, decided


def _row(summary: dict[str, Any], doc_number: str | None, review: Any) -> dict[str, Any]:
    readable = not summary["restricted"]
    column = summary["decision"]["column"]
    store = summary["store"]
    if store == Store.PROACTIVE:
        published = f"已发布 {summary['routed_at'][:10]}" if summary["routed_at"] else "已发布"
    else:
        published = PUBLISHED_ZH.get(store, "—")
    return {"id": summary["id"], "title": (summary["title"] or "（无标题）") if readable else HIDDEN,
            "restricted": not readable, "doc_number": (doc_number or "—") if readable else HIDDEN,
            "division": summary["division"] or "—", "closed_on": summary["closed_on"],
            "column": LABELS_ZH.get(column, column) if column else "—",
            "reviewer": review.actor if review else "—",
            "decided_on": china_date(review.at).isoformat() if review else "",
            "published": published, "late": summary["published_late"], "marked": summary["marked"]}


@router.get("/stores/{store}", response_class=HTMLResponse)
def store(store: str, request: Request, session: SessionDep, ctx: ContextDep,
          signed: Signed = Depends(READ_STORE)) -> HTMLResponse:
    """One store: search, filters, a page of 50, and the whole filtered list as CSV or XLSX."""
    if store not in set(Store):
        raise PageRefusal(404, "没有这个信息库。四库为：主动公开、依申请公开、不予公开、非《条例》所指政府信息。")
    filters, number = _filters(request), page_number(request)
    actor = signed.actor
    total, rows = queries.store(session, Viewer(actor, ctx.settings), store, PER_PAGE, (number - 1) * PER_PAGE,
                                **filters)
    today = views.today_in_china()
    summaries = [views.summary(r, actor, ctx.settings, today) for r in rows]
    numbers, decided = _extras(session, [s["id"] for s in summaries])
    kept = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in filters.items() if v}
    return render("store.html.j2", signed, here="/stores", store=store, name=LABELS_ZH[store], hint=STORE_HINTS[Store(store)],
                  rows=[_row(s, numbers.get(s["id"]), decided.get(s["id"])) for s in summaries],
                  values={k: kept.get(k, "") for k in filters}, filtered=bool(kept), export_limit=EXPORT_LIMIT,
                  exports={fmt: f"/v1/stores/{store}?{query({**kept, 'format': fmt})}" for fmt in ("csv", "xlsx")},
                  pager=pager(f"/stores/{store}", kept, number, total))
