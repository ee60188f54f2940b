"""The redacted copy page (条例第三十七条, 第十五条): the handler sees each proposed span in its line, decides it
(遮盖 or 保留) and, once every span is decided, the office (an answer's copy) or the disclosure reviewer (a public
copy) confirms the whole; only then can the copy be printed. Each step is api/applications/releases.py, the use
cases of /v1/releases: the same refusals (an undecided span named, a stale original, someone else's change).

- GET /releases/{id}: the spans with the proposed masks, the decisions so far, the copy as it would read;
- POST /releases/{id}/decisions: the radios of the spans (`d_<index>` = accept | reject), one note;
- POST /releases/{id}/confirm; POST /applications/{id}/releases (an item linked to the case) and
  POST /items/{id}/releases (a proactive item's public copy): propose, then the page of the new copy.
"""

from __future__ import annotations

from typing import Annotated, Any, Mapping

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access.roles import PERMISSIONS
from api.access.sessions import Signed
from api.access.visibility import is_secret
from api.applications import releases
from api.applications.release_schemas import ConfirmReleaseIn, DecisionIn, DecisionsIn, ReleaseIn
from api.applications.release_views import release_view
from api.context import Context
from api.deps import ContextDep, SessionDep
from api.errors import NotFound, ServiceError
from api.pages.layout import PageRefusal, form, page, render, when
from api.schemas import MAX_ID
from engine.vocabulary import Category, Store
from models.tables import ItemRow, ReleaseRow

router = APIRouter()
ReleaseId = Annotated[int, Path(ge=0, le=MAX_ID)]
RedactPage = Annotated[Signed, Depends(page("redact"))]
ConfirmPage = Annotated[Signed, Depends(page("confirm_release"))]
NOT_FOUND = "没有这份副本，或者您无权查看它的原件。"
VERDICT_ZH = {"accept": "遮盖", "reject": "保留原文", "change": "改为遮盖其他范围"}
STORED_VERDICT = {"accepted": "accept", "rejected": "reject", "changed": "change"}
PURPOSE_ZH = {"application": "答复申请（部分公开）", "publication": "主动公开（网站发布）"}
DONE = {"decided": "已保存决定。", "confirmed": "已确认，副本可以提供。", "proposed": "已生成建议的遮盖范围，请逐处决定。"}


def _spans(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    text, out = view["original_text"], []
    for span in view["spans"]:
        start, end = span["start"], span["end"]
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        decision = span.get("decision") or {}
        verdict = STORED_VERDICT.get(decision.get("verdict") or "")  # stored as accepted / rejected / changed
        out.append({**span, "before": text[max(line_start, start - 30):start], "after": text[end:min(line_end, end + 30)],
                    "verdict": verdict, "verdict_zh": VERDICT_ZH.get(verdict or "", "待决定"),
                    "by": decision.get("by"), "confidence_pct": round(100 * float(span.get("confidence") or 0))})
    return out


def _page(session: Session, ctx: Context, signed: Signed, release_id: int, *, status: int = 200,
          error: str | None = None, notice: str | None = None) -> HTMLResponse:
    try:
        row = releases.visible(session, ctx, signed.actor, release_id)
    except NotFound:
        raise PageRefusal(404, NOT_FOUND) from None
    view = release_view(session, row)
    role = signed.actor.role
    back = (f"/applications/{view['application_id']}" if view["application_id"] is not None
            else f"/items/{view['item_id']}")
    return render("release.html.j2", signed, status, here="/applications" if view["application_id"] else "/feed",
                  release=view, spans=_spans(view), purpose=PURPOSE_ZH[view["purpose"]], back=back,
                  confirmed=view["status"] == "confirmed", created_at=when(view["created_at"]),
                  confirmed_at=when(view["confirmed_at"]) if view["confirmed_at"] else "",
                  may_confirm=role in releases.CONFIRMERS[view["purpose"]] and not view["undecided"] and not view["stale"],
                  may_read_copy=role in PERMISSIONS["read_item"], error=error, notice=notice)


def item_copies(session: Session, ctx: Context, signed: Signed, item: ItemRow) -> dict[str, Any] | None:
    """The item page's copies: its public copies (and the answers' copies the reader may see), and whether the
    reader may make a public copy (a proactive item, a role that redacts public copies); None for other roles."""
    actor = signed.actor
    if actor.role not in PERMISSIONS["redact"]:
        return None
    shown = []
    for release_id in session.scalars(select(ReleaseRow.id).where(ReleaseRow.item_id == item.id)
                                      .order_by(ReleaseRow.id).limit(50)):
        try:
            row = releases.visible(session, ctx, actor, release_id)
        except NotFound:
            continue
        shown.append({"id": row.id, "purpose": PURPOSE_ZH[row.purpose], "version": row.item_version,
                      "status": "已确认" if row.status == "confirmed" else "待确认", "by": row.created_by})
    proactive = item.store == Store.PROACTIVE or (item.store is None and item.category in (None, Category.PROACTIVE))
    return {"copies": shown, "may_make": actor.role in releases.REDACTORS["publication"] and proactive
            and not is_secret(item)}


@router.get("/releases/{release_id}", response_class=HTMLResponse)
def release(release_id: ReleaseId, request: Request, session: SessionDep, ctx: ContextDep,
            signed: RedactPage) -> HTMLResponse:
    return _page(session, ctx, signed, release_id, notice=DONE.get(request.query_params.get("done", "")))


def _said(exc: ServiceError) -> str:
    """The use case's refusal, in Chinese for the page (the API's English text names the same thing)."""
    undecided = exc.extra.get("undecided")
    if undecided:
        which = "、".join(str(int(i) + 1) for i in undecided)
        return f"还有 {len(undecided)} 处没有决定（第 {which} 处）：逐处决定后才能确认（《条例》第三十七条）。"
    if exc.status == 403:
        return "您的角色不能进行这项操作：答复申请的副本由信息公开工作机构确认，主动公开的副本由公开方式审核人员确认。"
    for marker, said in (("changed since you read it", "这份副本在您打开之后已被他人修改：请看当前的决定后再提交。"),
                         ("at the same time", "这份副本正被他人同时修改：请刷新后再提交。"),
                         ("is stale", "原件已有新版本，这份副本不能再确认：请重新制作。"),
                         ("was confirmed by", "这份副本已经确认，不能再修改；如需修改请重新制作。"),
                         ("条例第十四条", "这件信息已定为涉密或带有密级标志，不提供任何副本（《条例》第十四条）。")):
        if marker in exc.detail:
            return said
    return exc.detail


def _lock(fields: Mapping[str, str]) -> int:
    try:
        return max(1, int(fields.get("lock_version", "")))
    except ValueError:
        return 1


def _decisions(fields: Mapping[str, str]) -> DecisionsIn:
    note = fields.get("note", "").strip()[:200]
    chosen = [DecisionIn(index=int(name[2:]), verdict=value, note=note)  # type: ignore[arg-type]
              for name, value in fields.items()
              if name.startswith("d_") and name[2:].isdigit() and value in ("accept", "reject")]
    return DecisionsIn(decisions=chosen, lock_version=_lock(fields))


def _step(session: Session, ctx: Context, signed: Signed, release_id: int, fields: Mapping[str, str],
          what: str) -> Response:
    try:
        if what == "decided":
            body = _decisions(fields)
            releases.decide(session, ctx, signed.actor, release_id, body)
        else:
            releases.confirm(session, ctx, signed.actor, release_id, ConfirmReleaseIn(lock_version=_lock(fields)))
        session.commit()
    except ValidationError:
        return _page(session, ctx, signed, release_id, status=422, error="请至少对一处作出决定（遮盖或保留原文）。")
    except NotFound:
        raise PageRefusal(404, NOT_FOUND) from None
    except ServiceError as exc:
        session.rollback()
        return _page(session, ctx, signed, release_id, status=exc.status, error=_said(exc))
    return RedirectResponse(f"/releases/{release_id}?done={what}", 303)


@router.post("/releases/{release_id}/decisions")
async def decide(release_id: ReleaseId, request: Request, session: SessionDep, ctx: ContextDep,
                 signed: RedactPage) -> Response:
    fields = await form(request)
    return await run_in_threadpool(_step, session, ctx, signed, release_id, fields, "decided")


@router.post("/releases/{release_id}/confirm")
async def confirm(release_id: ReleaseId, request: Request, session: SessionDep, ctx: ContextDep,
                  signed: ConfirmPage) -> Response:
    fields = await form(request)
    return await run_in_threadpool(_step, session, ctx, signed, release_id, fields, "confirmed")


def _propose(session: Session, ctx: Context, signed: Signed, app_id: int | None, item_id: int) -> Response:
    try:
        if app_id is not None:
            row = releases.propose_for_application(session, ctx, signed.actor, app_id, ReleaseIn(item_id=item_id))
        else:
            row = releases.propose_for_item(session, ctx, signed.actor, item_id)
    except NotFound:
        raise PageRefusal(404, "没有这件信息或这件申请，或者您无权查看。") from None
    except ValidationError:
        raise PageRefusal(400, "请选择要制作副本的信息。") from None
    except ServiceError as exc:
        session.rollback()
        raise PageRefusal(exc.status, _said(exc)) from None
    return RedirectResponse(f"/releases/{row.id}?done=proposed", 303)


@router.post("/applications/{app_id}/releases")
async def propose_for_application(app_id: ReleaseId, request: Request, session: SessionDep, ctx: ContextDep,
                                  signed: RedactPage) -> Response:
    fields = await form(request)
    item = fields.get("item_id", "")
    if not item.isdigit() or int(item) > MAX_ID:
        raise PageRefusal(400, "请选择要制作副本的信息。")
    return await run_in_threadpool(_propose, session, ctx, signed, app_id, int(item))


@router.post("/items/{item_id}/releases")
async def propose_for_item(item_id: ReleaseId, session: SessionDep, ctx: ContextDep, signed: RedactPage) -> Response:
    return await run_in_threadpool(_propose, session, ctx, signed, None, item_id)
