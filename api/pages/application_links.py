"""The case page's linked items (api/applications/links.py): the items of the four stores the application asks
for, as the reader may see them, a form to link one by its number, and for each a button to make its redacted
copy (条例第三十七条, api/pages/release_page.py). Linking runs 条例第四十四条's check (api/items/art44.py), as
POST /v1/applications/{id}/items does: the page says when the item went to disclosure review."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.access.roles import PERMISSIONS
from api.access.sessions import Signed
from api.applications import handle, links, queries
from api.applications.queries import OPEN_STATUSES
from api.context import Actor, Context
from api.deps import ContextDep, SessionDep
from api.errors import NotFound, ServiceError
from api.items import art44
from api.pages.layout import PageRefusal, form, page
from api.schemas import MAX_ID
from engine.applications.proposal import STORES_ZH
from engine.workflow.working_days import today_in_china
from models.tables import ApplicationRow

router = APIRouter()
AppId = Annotated[int, Path(ge=0, le=MAX_ID)]
HandlePage = Annotated[Signed, Depends(page("handle_application"))]


def section(session: Session, ctx: Context, actor: Actor, row: ApplicationRow) -> dict[str, Any]:
    shown = [{**item, "store_zh": STORES_ZH.get(item["store"], "—")}
             for item in links.linked(session, ctx, actor, row)]
    return {"template": "pages/application_links.html.j2", "items": shown,
            "may_link": actor.role in PERMISSIONS["handle_application"] and row.status in OPEN_STATUSES,
            "may_redact": actor.role in PERMISSIONS["redact"] and row.status in OPEN_STATUSES}


def _link(session: Session, ctx: Context, signed: Signed, app_id: int, item: str) -> Response:
    if not item.strip().isdigit() or int(item) > MAX_ID:
        raise PageRefusal(400, "请填写信息编号（数字）。")
    try:
        row = queries.application(session, signed.actor, app_id)
        with handle.one_writer(session, app_id, {"item_id": item}):
            found, new = links.link(session, ctx, signed.actor, row, int(item))
            raised = art44.consider(session, ctx, signed.actor, found, today_in_china()) if new else None
    except NotFound as exc:
        raise PageRefusal(404, "没有这件信息或这件申请，或者您无权查看。" if "item" in exc.detail else
                          "没有这件申请，或者它不由您的处室办理。") from None
    except ServiceError as exc:
        session.rollback()
        said = ("这件信息还在审核中：只有已进入四库的信息才能用于答复。" if "under review" in exc.detail else
                "这件申请正被他人同时办理：请刷新后再试。" if exc.status == 409 else exc.detail)
        raise PageRefusal(exc.status, said) from None
    return RedirectResponse(f"/applications/{app_id}?done={'art44' if raised else 'linked'}#h-links", 303)


@router.post("/applications/{app_id}/items")
async def link_item(app_id: AppId, request: Request, session: SessionDep, ctx: ContextDep,
                    signed: HandlePage) -> Response:
    fields = await form(request)
    return await run_in_threadpool(_link, session, ctx, signed, app_id, fields.get("item_id", ""))
