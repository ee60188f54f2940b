"""The reviewers' pages (issue 16): the two review queues and the item page with its review forms.

- GET /queues/secrecy_review, /queues/disclosure_review: the queue exactly as the API orders and pages
  it (api/items/queries.queue: overdue first, 条例第二十六条; then the riskiest and least certain), each
  row with why it is there and ranks high.
- GET /items/{id}: the document with its evidence marked in the text, each suggested value with its
  confidence, source, rules (the articles' own text) and the model's probabilities, where rules and model
  disagree, the review history, and the forms a person may use at the item's stage.
- POST /items/{id}/secrecy_review, /disclosure_review, /reopen: the same use cases with the same inputs
  as POST /v1/items/{id}/... (api/items/review.py). A refusal is shown on the form in Chinese, nothing
  changed; a success goes on to the next item of the same queue (or back to the queue) with a notice.

Authorisation is page(action): the API's allow() with the same PERMISSIONS; what a role not cleared may
not read of a secret item is left out by views.full, as the API leaves it out.
"""

from __future__ import annotations

from typing import Annotated, Any, Mapping
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access.roles import PERMISSIONS
from api.access.sessions import Signed
from api.access.visibility import Viewer, is_secret, may_read
from api.context import Context
from api.deps import ContextDep, SessionDep
from api.errors import NotFound, ServiceError
from api.items import queries, review, views
from api.pages import instrument_page, item_page, release_page, review_forms
from api.pages.layout import PageRefusal, form, page, render
from api.schemas import MAX_ID
from engine.vocabulary import ReviewStage
from models.tables import AuditEventRow, ItemRow, ItemVersionRow

router = APIRouter()
ItemId = Annotated[int, Path(ge=0, le=MAX_ID, description="an item's id")]
PAGE_SIZE = 50
QUEUE_ACTION = {ReviewStage.SECRECY_REVIEW: "secrecy_queue", ReviewStage.DISCLOSURE_REVIEW: "disclosure_queue"}
REVIEW_ACTION = {ReviewStage.SECRECY_REVIEW: "secrecy_review", ReviewStage.DISCLOSURE_REVIEW: "disclosure_review"}
QUEUE_TITLE = {ReviewStage.SECRECY_REVIEW: "保密审核队列", ReviewStage.DISCLOSURE_REVIEW: "公开方式审核队列"}
SHORT = {ReviewStage.SECRECY_REVIEW: "secrecy", ReviewStage.DISCLOSURE_REVIEW: "disclosure"}
# Each page's person, by the action it needs (layout.page: the API's own allow()).
SecrecyQueuePage = Annotated[Signed, Depends(page("secrecy_queue"))]
DisclosureQueuePage = Annotated[Signed, Depends(page("disclosure_queue"))]
ReadItemPage = Annotated[Signed, Depends(page("read_item"))]
SecrecyReviewPage = Annotated[Signed, Depends(page("secrecy_review"))]
DisclosureReviewPage = Annotated[Signed, Depends(page("disclosure_review"))]
ReopenPage = Annotated[Signed, Depends(page("reopen"))]


def _notice(request: Request) -> str | None:
    """The notice of what the last form did, from codes in the address (no text of the address is shown)."""
    code, item = request.query_params.get("done", ""), request.query_params.get("item", "")
    if code not in review_forms.NOTICES or not item.isdigit():
        return None
    store = item_page.STORE_ZH.get(request.query_params.get("store", ""), "相应信息库")  # type: ignore[call-overload]
    return review_forms.NOTICES[code].format(item=int(item), store=store)


def _offset(request: Request) -> int:
    value = request.query_params.get("offset", "0")
    return min(int(value), 10_000_000) if value.isdigit() else 0


# -- the queues ---------------------------------------------------------------------------------------------

def _suggestions(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The current suggestion of each item on the page, in one query (never one per row)."""
    if not ids:
        return {}
    rows = session.execute(select(ItemVersionRow.item_id, ItemVersionRow.suggestion)
                           .join(ItemRow, queries.CURRENT_VERSION).where(ItemRow.id.in_(ids)))
    return {int(item_id): suggestion for item_id, suggestion in rows}


def _queue(stage: ReviewStage, request: Request, session: Session, ctx: Context, signed: Signed) -> HTMLResponse:
    actor, offset, today = signed.actor, _offset(request), views.today_in_china()
    total, rows = queries.queue(session, Viewer(actor, ctx.settings), stage, today, limit=PAGE_SIZE, offset=offset)
    suggestions = _suggestions(session, [r.id for r in rows if may_read(actor, r, ctx.settings)])
    entries = []
    for row in rows:
        summary, suggestion = views.summary(row, actor, ctx.settings, today), suggestions.get(row.id)
        entries.append({**summary, "secret": is_secret(row),
                        "suggested": item_page.suggested_zh(suggestion, stage) if suggestion else "（无权查看）",
                        "reasons": item_page.queue_reasons(suggestion) if suggestion else []})
    pager = {"previous": max(offset - PAGE_SIZE, 0) if offset > 0 else None,
             "next": offset + PAGE_SIZE if offset + PAGE_SIZE < total else None,
             "first": offset + 1 if rows else 0, "last": offset + len(rows)}
    return render("queue.html.j2", signed, here=f"/queues/{stage}", title=QUEUE_TITLE[stage], stage=stage,
                  total=total, entries=entries, pager=pager, notice=_notice(request), today=today.isoformat())


@router.get("/queues/secrecy_review", response_class=HTMLResponse)
def secrecy_queue(request: Request, session: SessionDep, ctx: ContextDep,
                  signed: SecrecyQueuePage) -> HTMLResponse:
    return _queue(ReviewStage.SECRECY_REVIEW, request, session, ctx, signed)


@router.get("/queues/disclosure_review", response_class=HTMLResponse)
def disclosure_queue(request: Request, session: SessionDep, ctx: ContextDep,
                     signed: DisclosureQueuePage) -> HTMLResponse:
    return _queue(ReviewStage.DISCLOSURE_REVIEW, request, session, ctx, signed)


def _next(stage: ReviewStage, request: Request, session: Session, ctx: Context, signed: Signed) -> HTMLResponse:
    """下一件: the page of the item after `after` in the queue, found when asked (the item page itself does
    not sort the queue: with 100,000 items waiting that is most of a page's time); the queue's page when
    no other item waits. A page, not a redirect: the same address shows the same item until it is reviewed."""
    after_id = request.query_params.get("after", "")
    after = session.get(ItemRow, int(after_id)) if after_id.isdigit() and int(after_id) <= MAX_ID else None
    found = review_forms.next_in_queue(session, Viewer(signed.actor, ctx.settings), stage, after, views.today_in_china())
    if found is None:
        return _queue(stage, request, session, ctx, signed)
    return _item_page(session, ctx, signed, found)


@router.get("/queues/secrecy_review/next", response_class=HTMLResponse)
def secrecy_next(request: Request, session: SessionDep, ctx: ContextDep, signed: SecrecyQueuePage) -> HTMLResponse:
    return _next(ReviewStage.SECRECY_REVIEW, request, session, ctx, signed)


@router.get("/queues/disclosure_review/next", response_class=HTMLResponse)
def disclosure_next(request: Request, session: SessionDep, ctx: ContextDep, signed: DisclosureQueuePage) -> HTMLResponse:
    return _next(ReviewStage.DISCLOSURE_REVIEW, request, session, ctx, signed)


# -- the item page -------------------------------------------------------------------------------------------

def _load(session: Session, ctx: Context, signed: Signed, item_id: int) -> ItemRow:
    try:
        return queries.item(session, Viewer(signed.actor, ctx.settings), item_id)
    except NotFound:
        raise PageRefusal(404, "未找到此事项，或您无权查看。") from None


def _defaults(view: Mapping[str, Any]) -> dict[str, str]:
    """The forms' initial values: the suggestion's (empty for a caller who may not read it)."""
    suggestion = view["suggestion"]
    if suggestion is None:
        return {}
    return {name: field["value"] or "" for name, field in suggestion["suggestion"].items()}


def _forms(item: ItemRow, role: str) -> dict[str, Any]:
    """Which forms this person may use at the item's stage (the use cases check again)."""
    stage = item.status if item.status in QUEUE_ACTION else None
    return {"secrecy": stage == ReviewStage.SECRECY_REVIEW and role in PERMISSIONS["secrecy_review"],
            "disclosure": stage == ReviewStage.DISCLOSURE_REVIEW and role in PERMISSIONS["disclosure_review"],
            "reopen": review_forms.reopen_stages(item.status) if role in PERMISSIONS["reopen"] else [],
            "queue": stage if stage and role in PERMISSIONS[QUEUE_ACTION[stage]] else None}


def _reopenings(session: Session, item: ItemRow, view: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The item's reopenings (audit events, not reviews: the API's item view has none), with the reason left
    out for a role that may not read the item, as the audit log's own view leaves it out."""
    events = session.scalars(select(AuditEventRow).where(AuditEventRow.item_id == item.id,
                                                         AuditEventRow.action.in_(("reopen", "art44")))
                            .order_by(AuditEventRow.seq))
    return [views.audit_view(e, readable=not view["restricted"]) for e in events]


def _item_page(session: Session, ctx: Context, signed: Signed, item_id: int, *, status: int = 200,
               errors: dict[str, str] | None = None, posted: Mapping[str, str] | None = None,
               form_name: str = "", notice: str | None = None) -> HTMLResponse:
    item = _load(session, ctx, signed, item_id)
    view = views.full(item, signed.actor, ctx.settings)
    forms = _forms(item, signed.actor.role)
    suggestion = view["suggestion"]
    no_proactive = is_secret(item)
    return render(
        "item.html.j2", signed, status, here=f"/queues/{forms['queue']}" if forms["queue"] else "",
        item=view, summary=item_page.summary_view(view), text=item_page.text_view(view),
        fields=item_page.fields_view(suggestion) if suggestion else [],
        hits=item_page.hits_view(suggestion) if suggestion else [],
        signals=item_page.signals_view(suggestion) if suggestion else [],
        history=item_page.history_view(view, _reopenings(session, item, view)), forms=forms,
        options=review_forms.options(no_proactive), no_proactive=no_proactive,
        suggested=_defaults(view), values={**_defaults(view), **(posted or {})}, errors=errors or {},
        form_name=form_name, notice=notice, label=item_page.label,
        copies=release_page.item_copies(session, ctx, signed, item) if not view["restricted"] else None,
        instrument=instrument_page.item_instrument(session, ctx.settings, signed, item))


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item(item_id: ItemId, request: Request, session: SessionDep, ctx: ContextDep,
         signed: ReadItemPage) -> HTMLResponse:
    return _item_page(session, ctx, signed, item_id, notice=_notice(request))


# -- the forms -----------------------------------------------------------------------------------------------

def _refused(session: Session, ctx: Context, signed: Signed, item_id: int, fields: Mapping[str, str],
             form_name: str, exc: Exception) -> HTMLResponse:
    """The item page again with the refusal on the form and what the person entered kept."""
    session.rollback()
    if isinstance(exc, review_forms.FormError):
        status, errors = 422, exc.errors
    else:
        assert isinstance(exc, ServiceError)
        status = review_forms.refusal_status(exc)
        errors = {review_forms.error_field(exc): "".join(review_forms.chinese(exc))}
    posted = {k: v for k, v in fields.items() if k != "csrf"}
    return _item_page(session, ctx, signed, item_id, status=status, errors=errors, posted=posted, form_name=form_name)


def _review(session: Session, ctx: Context, signed: Signed, item_id: int, fields: Mapping[str, str],
            stage: ReviewStage) -> Response:
    actor = signed.actor
    try:
        if stage == ReviewStage.SECRECY_REVIEW:
            done = review.review_secrecy(session, ctx, actor, item_id, review_forms.secrecy_input(fields))
        else:
            done = review.review_disclosure(session, ctx, actor, item_id, review_forms.disclosure_input(fields))
    except (review_forms.FormError, ServiceError) as exc:
        return _refused(session, ctx, signed, item_id, fields, stage, exc)
    code = f"{SHORT[stage]}_{'change' if fields.get('mode') == 'change' else 'confirm'}"
    query = urlencode({"done": code, "item": done.id, **({"store": done.store} if done.store else {})})
    next_id = review_forms.next_in_queue(session, Viewer(actor, ctx.settings), stage, done, views.today_in_china())
    return RedirectResponse(f"/items/{next_id}?{query}" if next_id is not None else f"/queues/{stage}?{query}", 303)


@router.post("/items/{item_id}/secrecy_review")
async def secrecy_review(item_id: ItemId, request: Request, session: SessionDep, ctx: ContextDep,
                         signed: SecrecyReviewPage) -> Response:
    fields = await form(request)
    return await run_in_threadpool(_review, session, ctx, signed, item_id, fields, ReviewStage.SECRECY_REVIEW)


@router.post("/items/{item_id}/disclosure_review")
async def disclosure_review(item_id: ItemId, request: Request, session: SessionDep, ctx: ContextDep,
                            signed: DisclosureReviewPage) -> Response:
    fields = await form(request)
    return await run_in_threadpool(_review, session, ctx, signed, item_id, fields, ReviewStage.DISCLOSURE_REVIEW)


def _reopen(session: Session, ctx: Context, signed: Signed, item_id: int, fields: Mapping[str, str]) -> Response:
    try:
        done = review.reopen(session, ctx, signed.actor, item_id, review_forms.reopen_input(fields))
    except (review_forms.FormError, ServiceError) as exc:
        return _refused(session, ctx, signed, item_id, fields, "reopen", exc)
    return RedirectResponse(f"/items/{done.id}?{urlencode({'done': 'reopen', 'item': done.id})}", 303)


@router.post("/items/{item_id}/reopen")
async def reopen(item_id: ItemId, request: Request, session: SessionDep, ctx: ContextDep,
                 signed: ReopenPage) -> Response:
    fields = await form(request)
    return await run_in_threadpool(_reopen, session, ctx, signed, item_id, fields)
