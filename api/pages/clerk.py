"""The clerk's pages (处室信息员, issue 16): hand entry (手工录入) and the list of items (文件).

One code path with the JSON API: the entry is validated by api/schemas.DocumentIn and stored by the use
case POST /v1/entries calls (api/items/intake.receive, origin manual), so a clerk's division, ownership and
duplicates are decided there; the list is GET /v1/items' query (api/items/queries.items through a Viewer:
a clerk sees their own division's items, out-of-scope ones are not there at all) and its view
(api/items/views.summary: a secret item's title is left out for a role not cleared, as the API leaves it).

The list also shows each item's 发文字号 and suggestion, which the summary view does not carry: they are read
for the whole page in one query over the current versions (never one per row), and only for the rows the
summary left readable.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access.sessions import Signed
from api.access.visibility import Viewer
from api.context import Actor, Context
from api.deps import ContextDep, SessionDep
from api.errors import Conflict, Forbidden, NotFound
from api.items import intake, queries, views
from api.pages import entry_form
from api.pages.layout import PageRefusal, form, page, render
from api.schemas import MAX_ID, DocumentIn, IsoDate, without_nul
from engine.vocabulary import FIELD_LABELS_ZH, LABELS_ZH, Category, FieldStatus, ItemStatus, Origin, Role
from models.tables import ItemRow, ItemVersionRow

router = APIRouter()
ENTER, LIST = Depends(page("enter")), Depends(page("list_items"))  # the API's allow(), as pages
PAGE_SIZE = 50
HIDDEN = "（无权查看）"  # a secret item's content, to a role not cleared for it (as the API leaves it out)
NONE = "—"
SUGGESTED = ("category", "secrecy", "column")  # what the list and the result page show of a suggestion
OUTCOMES = {"created": "",  # the heading says it
            "unchanged": "该文件此前已录入，内容相同，未重复录入。",
            "new_version": "该文件此前已录入，内容有改动：已作为新版本录入，需重新审核。"}


# ---- 手工录入 -------------------------------------------------------------------------------------------

@router.get("/entry")
async def entry_page(signed: Signed = ENTER) -> Response:
    return _entry_form(signed, entry_form.initial(signed.actor.division, views.today_in_china()), {})


@router.post("/entry")
async def enter(request: Request, ctx: ContextDep, signed: Signed = ENTER) -> Response:
    """Store the entry as POST /v1/entries does and show its result; or the form again, as typed, with
    each field's error in Chinese (nothing stored)."""
    fields = await form(request)
    values = entry_form.typed(fields)
    entry, errors = entry_form.document(fields)
    if entry is None:
        return _entry_form(signed, values, errors, 422)
    try:
        item_id, outcome = await run_in_threadpool(_receive, request.app, ctx, signed.actor, entry)
    except Forbidden:  # another division than the clerk's own: the use case refuses it
        division = signed.actor.division or ""
        return _entry_form(signed, values, {"division": f"您只能录入本处室（{division}）的文件。"}, 403)
    except Conflict:
        return _entry_form(signed, values, {"id": "该自编号已被其他账户或处室的文件使用，不能在此修改那份文件。"
                                                  "请换一个自编号，或留空由系统编号。"}, 409)
    return RedirectResponse(f"/entry/{item_id}/done?outcome={outcome}", 303)


def _receive(app: Any, ctx: Context, actor: Actor, entry: DocumentIn) -> tuple[int, str]:
    # The sessions POST /v1/entries uses: a reader for the first look, a writer for the store (one thread).
    with app.state.readers() as reader, app.state.sessions() as session:
        item, outcome = intake.receive(session, ctx, actor, entry, Origin.MANUAL, reader=reader)
        return item.id, outcome


def _entry_form(signed: Signed, values: dict[str, str], errors: dict[str, str], status: int = 200) -> Response:
    # The errors in the form's order, for the summary at the top (each links to its field).
    listed = [(spec.name, errors[spec.name]) for spec in entry_form.ENTRY_FIELDS if spec.name in errors]
    return render("entry.html.j2", signed, status, here="/entry", fields=entry_form.ENTRY_FIELDS,
                  labels=FIELD_LABELS_ZH, values=values, errors=errors, listed=listed,
                  own_division=signed.actor.division)


@router.get("/entry/{item_id}/done")
def entry_done(item_id: str, session: SessionDep, ctx: ContextDep, outcome: str = "created",
               signed: Signed = ENTER) -> Response:
    """What was entered and what the system suggests for it, read back as GET /v1/items/{id} reads it."""
    actor = signed.actor
    view = views.full(_item(session, Viewer(actor, ctx.settings), item_id), actor, ctx.settings)
    suggestion = view["suggestion"]
    return render("entry_done.html.j2", signed, here="/entry", item=view, outcome=OUTCOMES.get(outcome, ""),
                  stage=LABELS_ZH.get(view["status"], view["status"]),
                  suggested=_suggested(suggestion["suggestion"]) if suggestion else None,
                  exemption=_exemption(suggestion), labels=FIELD_LABELS_ZH)


def _item(session: Session, viewer: Viewer, item_id: str) -> ItemRow:
    """The item if the caller may know it exists; else the same 404 page whether it exists or not."""
    if item_id.isascii() and item_id.isdigit() and int(item_id) <= MAX_ID:
        try:
            return queries.item(session, viewer, int(item_id))
        except NotFound:
            pass
    raise PageRefusal(404, "没有这个文件，或它不在您可以查看的范围内。")


def _suggested(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, value) in Chinese for the fields a clerk checks: undecided ones say who decides."""
    out = []
    for name in SUGGESTED:
        field = fields.get(name) or {}
        out.append((FIELD_LABELS_ZH[name], _value_zh(field.get("value"), field.get("status"))))
    return out


def _value_zh(value: str | None, status: str | None = None) -> str:
    if value:
        return LABELS_ZH.get(value, value)
    return "不适用" if status == FieldStatus.NOT_APPLICABLE else "待审核确定"


def _exemption(suggestion: dict[str, Any] | None) -> str | None:
    field = (suggestion or {}).get("suggestion", {}).get("exemption") or {}
    return LABELS_ZH.get(field["value"], field["value"]) if field.get("value") else None


# ---- 文件 ---------------------------------------------------------------------------------------------

class ItemFilters(BaseModel):
    """The list's filters, with GET /v1/items' bounds (a NUL or an over-long value is refused, not a 500)."""

    model_config = ConfigDict(extra="ignore")

    q: str | None = Field(None, max_length=200)
    status: ItemStatus | None = None
    category: Category | None = None
    division: str | None = Field(None, max_length=100)
    closed_from: IsoDate | None = None
    closed_to: IsoDate | None = None
    page: int = Field(1, ge=1, le=10_000_000 // PAGE_SIZE)  # GET /v1/items takes offsets up to 10,000,000

    _no_nul = field_validator("q", "division")(without_nul)


FILTER_LABELS = {"q": "标题检索", "status": "状态", "category": "公开属性（审核决定）", "division": "处室",
                 "closed_from": "办结日期（起）", "closed_to": "办结日期（止）", "page": "页码"}


@router.get("/items")
def items_page(request: Request, session: SessionDep, ctx: ContextDep,
               signed: Signed = LIST) -> Response:
    """The items the person may see, newest first, 50 a page, with the filters of GET /v1/items."""
    actor = signed.actor
    by_division = actor.role != Role.CLERK  # a clerk's list is their division's already (the Viewer's scope)
    asked = {name: request.query_params.get(name, "").strip() for name in FILTER_LABELS
             if by_division or name != "division"}
    typed = entry_form.typed(asked, asked)
    try:
        filters = ItemFilters.model_validate({k: v for k, v in asked.items() if v})
    except ValidationError as exc:
        errors = entry_form.chinese_errors(exc, ItemFilters, lambda name: FILTER_LABELS.get(name, name))
        return _list(signed, typed, by_division, errors=errors, status=400)
    total, rows = queries.items(
        session, Viewer(actor, ctx.settings), filters.status, PAGE_SIZE, (filters.page - 1) * PAGE_SIZE,
        q=filters.q, category=filters.category, division=filters.division if by_division else None,
        closed_from=filters.closed_from, closed_to=filters.closed_to)
    today = views.today_in_china()
    summaries = [views.summary(row, actor, ctx.settings, today) for row in rows]
    details = _details(session, [s["id"] for s in summaries if not s["restricted"]])
    return _list(signed, typed, by_division, rows=[_row(s, details.get(s["id"])) for s in summaries],
                 total=total, number=filters.page)


def _details(session: Session, ids: list[int]) -> dict[int, dict[str, str | None]]:
    """The 发文字号 and each suggested field's value and status, of the items' current versions: one query
    for the page (the database reads the JSON; no suggestion is sent here whole)."""
    if not ids:
        return {}
    document, suggestion = ItemVersionRow.document, ItemVersionRow.suggestion
    names = ("doc_number", *SUGGESTED, *(f"{name}_status" for name in SUGGESTED))
    query = (select(ItemVersionRow.item_id, document["doc_number"].as_string(),
                    *(suggestion[("suggestion", name, "value")].as_string() for name in SUGGESTED),
                    *(suggestion[("suggestion", name, "status")].as_string() for name in SUGGESTED))
             .join(ItemRow, queries.CURRENT_VERSION).where(ItemRow.id.in_(ids)))
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in session.execute(query)}


def _row(summary: dict[str, Any], detail: dict[str, str | None] | None) -> dict[str, Any]:
    """One line of the list, in Chinese; a restricted item's content stays hidden (it has no detail)."""
    status = LABELS_ZH.get(summary["status"], summary["status"])
    if summary["store"]:
        status += f"（{LABELS_ZH.get(summary['store'], summary['store'])}）"
    hidden = summary["restricted"]
    detail = detail or {}
    return {
        "id": summary["id"], "title": HIDDEN if hidden else summary["title"] or "（无标题）",
        "restricted": hidden, "division": summary["division"] or NONE,
        "doc_number": HIDDEN if hidden else detail.get("doc_number") or NONE,
        "closed_on": summary["closed_on"], "due_on": summary["due_on"], "status": status,
        "overdue": summary["overdue"], "published_late": summary["published_late"],
        "uncertain": bool(summary["warnings"]),  # the clock ran into a year without its holidays
        "suggested": None if hidden or not detail else
        [(FIELD_LABELS_ZH[name], _value_zh(detail[name], detail[f"{name}_status"])) for name in SUGGESTED],
    }


def _list(signed: Signed, typed: dict[str, str], by_division: bool, *, rows: list[dict[str, Any]] | None = None,
          total: int = 0, number: int = 1, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    pages = max(1, math.ceil(total / PAGE_SIZE))
    kept = {k: v for k, v in typed.items() if v and k != "page"}  # the filters, carried to the other pages

    def link(to: int) -> str:
        return "/items?" + urlencode({**kept, "page": to})

    return render("items.html.j2", signed, status, here="/items", rows=rows or [], total=total, number=number,
                  pages=pages, previous=link(min(number - 1, pages)) if number > 1 else None,
                  next=link(number + 1) if number < pages else None, values=typed, errors=errors or {},
                  labels=FILTER_LABELS, by_division=by_division, statuses=_choices(ItemStatus),
                  categories=_choices(Category), searched=bool(kept))


def _choices(vocabulary: Any) -> list[tuple[str, str]]:
    return [(member.value, LABELS_ZH[member]) for member in vocabulary]
