"""Public applications (依申请公开): register, confirm the receipt day, one transition at a time, the list by
deadline, the case, and the 申请登记回执 (api/letters)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query

from api.applications import handle, queries, register, views
from api.applications.schemas import ApplicationIn, AssignIn, ApplicationOut, ApplicationPage, ConfirmIn, EventIn
from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.errors import Conflict
from api.letters import MissingElements, issued, render, to_docx, to_html
from api.letters.schemas import LetterOut
from api.reports.registry import MEDIA_TYPES
from api.routes.items import DOCX, printable
from api.schemas import MAX_ID, IsoDate
from engine.vocabulary import ApplicationStatus
from engine.workflow.working_days import today_in_china

router = APIRouter(prefix="/v1", tags=["applications"])
AppId = Annotated[int, Path(ge=0, le=MAX_ID, description="an application's id")]


def _case(session, ctx, actor: Actor, application_id: int) -> dict:  # type: ignore[no-untyped-def]
    session.expire_all()  # the answer shows what was committed
    return views.full(session, ctx, queries.application(session, actor, application_id))


@router.post("/applications", status_code=201, response_model=ApplicationOut,
             summary="Register an application from any channel (the receipt day by 条例第三十一条)")
def register_application(body: ApplicationIn, session: SessionDep, ctx: ContextDep,
                         actor: Actor = Depends(allow("register_application"))) -> dict:
    """Handed in, signed for or confirmed: REGISTERED with its deadline; online, e-mail, fax or an ordinary
    letter without the confirmation: AWAITING_CONFIRMATION, no clock (POST …/confirm later)."""
    row = register.register(session, ctx, actor, body)
    session.commit()
    return _case(session, ctx, actor, row.id)


@router.post("/applications/{application_id}/confirm", response_model=ApplicationOut,
             summary="Record the confirmation with the applicant: the receipt day is fixed, the clock starts")
def confirm_application(application_id: AppId, body: ConfirmIn, session: SessionDep, ctx: ContextDep,
                        actor: Actor = Depends(allow("register_application"))) -> dict:
    row = queries.application(session, actor, application_id)
    submitted = body.model_dump(mode="json")
    row = handle.load(session, row.id, body.lock_version, submitted)
    with handle.one_writer(session, application_id, submitted):
        handle.confirm(session, ctx, actor, row, body)
    return _case(session, ctx, actor, application_id)


@router.post("/applications/{application_id}/assign", response_model=ApplicationOut,
             summary="Assign the application to the division that handles it (its clerks then see it)")
def assign_application(application_id: AppId, body: AssignIn, session: SessionDep, ctx: ContextDep,
                       actor: Actor = Depends(allow("assign_application"))) -> dict:
    row = queries.application(session, actor, application_id)
    submitted = body.model_dump(mode="json")
    row = handle.load(session, row.id, body.lock_version, submitted)
    with handle.one_writer(session, application_id, submitted):
        handle.assign(session, actor, row, body)
    return _case(session, ctx, actor, application_id)


@router.post("/applications/{application_id}/events", response_model=ApplicationOut,
             summary="One transition of the lifecycle (correction, consultation, fee, extension, answer, …)")
def application_event(application_id: AppId, body: EventIn, session: SessionDep, ctx: ContextDep,
                      actor: Actor = Depends(allow("handle_application"))) -> dict:
    """Refused by the law: 409 naming the rule and its article; a missing fact: 422; changed since read
    (lock_version): 409."""
    row = queries.application(session, actor, application_id)
    submitted = body.model_dump(mode="json", exclude_none=True)
    row = handle.load(session, row.id, body.lock_version, submitted)
    if body.kind == "dispatch_answer":  # 条例第三十六条: the answer goes out as a letter issued on file
        issued.require_answer(session, row)
    with handle.one_writer(session, application_id, submitted):
        handle.transition(session, ctx, actor, row, body)
    return _case(session, ctx, actor, application_id)


@router.get("/applications", response_model=ApplicationPage,
            summary="Applications by effective deadline (status, due before, overdue, handling division)")
def list_applications(session: SessionDep, actor: Actor = Depends(allow("read_applications")),
                      status: ApplicationStatus | None = None, due_before: IsoDate | None = None,
                      overdue: bool | None = None,
                      division: str | None = Query(None, max_length=100, pattern=r"^[^\x00]*$"),
                      limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=10_000_000)) -> dict:
    today = today_in_china()
    total, rows = queries.applications(session, actor, today=today, limit=limit, offset=offset, status=status,
                                       due_before=due_before, overdue=overdue, division=division)
    return {"total": total, "limit": limit, "offset": offset,
            "applications": [views.summary(r, today) for r in rows]}


@router.get("/applications/{application_id}", response_model=ApplicationOut,
            summary="One application: record, timeline, clock (deadlines, pauses, extension), outcome, report row")
def read_application(application_id: AppId, session: SessionDep, ctx: ContextDep,
                     actor: Actor = Depends(allow("read_applications"))) -> dict:
    return views.full(session, ctx, queries.application(session, actor, application_id))


@router.get("/applications/{application_id}/receipt", response_model=LetterOut,
            responses={200: {"content": {DOCX: {}, MEDIA_TYPES["html"]: {}},
                             "description": "the receipt; DOCX or printable HTML with output=docx|html"}},
            summary="The 申请登记回执 (条例第三十一条): its text, or DOCX or HTML")
def receipt(application_id: AppId, session: SessionDep, ctx: ContextDep,
            actor: Actor = Depends(allow("read_applications")),
            output: Literal["json", "docx", "html"] = Query("json", description="json, docx or html")) -> Any:
    row = queries.application(session, actor, application_id)
    if row.received_on is None:
        raise Conflict(f"application {row.reg_no} awaits the confirmation of its receipt day: no receipt yet "
                       "(条例第三十一条)")
    try:
        letter = render("receipt", views.receipt_values(row), ctx.settings)
    except MissingElements as missing:
        raise Conflict(str(missing), missing=[{"key": m.key, "name": m.name, "setting": m.setting}
                                              for m in missing.missing]) from None
    name = f"receipt-{row.id}"
    if output != "json":
        return printable(to_docx(letter) if output == "docx" else to_html(letter), output, name)
    return {"kind": letter.kind, "name": letter.name, "title": letter.title, "number": letter.number,
            "addressee": letter.addressee, "paragraphs": list(letter.paragraphs), "agency": letter.agency,
            "date": letter.date, "contact": letter.contact}
