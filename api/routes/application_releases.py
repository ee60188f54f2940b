"""Redacted copies (条例第三十七条): propose from the detected personal data, decide span by span, confirm, release."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from api.applications import release_views, releases
from api.applications.release_schemas import (
    AddSpanIn,
    ConfirmReleaseIn,
    CopyOut,
    DecisionsIn,
    ReleaseIn,
    ReleaseOut,
)
from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.reports.registry import MEDIA_TYPES
from api.routes.items import DOCX, printable
from api.schemas import MAX_ID

router = APIRouter(prefix="/v1", tags=["applications"])
AppId = Annotated[int, Path(ge=0, le=MAX_ID, description="an application's id")]
ItemId = Annotated[int, Path(ge=0, le=MAX_ID, description="an item's id")]
ReleaseId = Annotated[int, Path(ge=0, le=MAX_ID, description="a release's id")]


def _answer(session, row, response: Response | None = None) -> dict:  # type: ignore[no-untyped-def]
    session.expire_all()  # the answer shows what was committed
    if response is not None:
        response.headers["Location"] = f"/v1/releases/{row.id}"
    return release_views.release_view(session, session.get(type(row), row.id))


@router.post("/applications/{application_id}/releases", status_code=201, response_model=ReleaseOut,
             summary="Propose a redacted copy of an item's current text for the application's answer (条例第三十七条)")
def propose_for_application(application_id: AppId, body: ReleaseIn, session: SessionDep, ctx: ContextDep,
                            response: Response, actor: Actor = Depends(allow("redact"))) -> dict:
    """An item the caller may not read is 404, exactly as reading it; a secret or marked one 409 (条例第十四条)."""
    row = releases.propose_for_application(session, ctx, actor, application_id, body)
    return _answer(session, row, response)


@router.post("/items/{item_id}/releases", status_code=201, response_model=ReleaseOut,
             summary="Propose the public copy of a proactive item, its private persons' data masked (条例第十五条)")
def propose_for_item(item_id: ItemId, session: SessionDep, ctx: ContextDep, response: Response,
                     actor: Actor = Depends(allow("redact"))) -> dict:
    row = releases.propose_for_item(session, ctx, actor, item_id)
    return _answer(session, row, response)


@router.get("/releases/{release_id}", response_model=ReleaseOut,
            summary="A redacted copy under review: spans, proposed masks, decisions, history, preview")
def read_release(release_id: ReleaseId, session: SessionDep, ctx: ContextDep,
                 actor: Actor = Depends(allow("redact"))) -> dict:
    return release_views.release_view(session, releases.visible(session, ctx, actor, release_id))


@router.post("/releases/{release_id}/decisions", response_model=ReleaseOut,
             summary="Accept, reject or change proposed spans (revisable until the confirmation)")
def decide(release_id: ReleaseId, body: DecisionsIn, session: SessionDep, ctx: ContextDep,
           actor: Actor = Depends(allow("redact"))) -> dict:
    return _answer(session, releases.decide(session, ctx, actor, release_id, body))


@router.post("/releases/{release_id}/spans", response_model=ReleaseOut,
             summary="Mask a span the detector missed (accepted by whoever adds it)")
def add_span(release_id: ReleaseId, body: AddSpanIn, session: SessionDep, ctx: ContextDep,
             actor: Actor = Depends(allow("redact"))) -> dict:
    return _answer(session, releases.add_span(session, ctx, actor, release_id, body))


@router.post("/releases/{release_id}/confirm", response_model=ReleaseOut,
             summary="Confirm the whole and make the copy: refused while a span is undecided (each named)")
def confirm(release_id: ReleaseId, body: ConfirmReleaseIn, session: SessionDep, ctx: ContextDep,
            actor: Actor = Depends(allow("confirm_release"))) -> dict:
    return _answer(session, releases.confirm(session, ctx, actor, release_id, body))


@router.get("/releases/{release_id}/copy", response_model=CopyOut,
            responses={200: {"content": {DOCX: {}, MEDIA_TYPES["html"]: {}},
                             "description": "the released copy; DOCX or printable HTML with output=docx|html"}},
            summary="The released copy (409 before the confirmation): its text, or DOCX or HTML")
def read_copy(release_id: ReleaseId, session: SessionDep, ctx: ContextDep,
              actor: Actor = Depends(allow("read_item")),
              output: Literal["json", "html", "docx"] = Query("json", description="json, html or docx")) -> Any:
    row = releases.released_copy(session, ctx, actor, release_id)
    name = f"release-{row.id}"
    if output != "json":
        return printable(release_views.copy_docx(row) if output == "docx" else release_views.copy_html(row), output,
                         name)
    return release_views.copy_view(row)
