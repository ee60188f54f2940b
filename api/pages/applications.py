"""The application pages (依申请公开, issue 17): the list by deadline, the registration form and the case page.

- GET /applications: the applications the person may see (a clerk: their division's), the nearest effective
  deadline first, as GET /v1/applications lists them (api/applications/queries.applications), with its filters
  (status, overdue, due before, division) and pages of 50; each row with its working days left and badges.
- GET, POST /applications/new (the office): the 登记 form, ApplicationIn's fields; the use case
  (api/applications/register.py) fixes the receipt day by 条例第三十一条. Errors next to their fields, nothing typed lost.
- GET /applications/{id}: the case (api/applications/views.full): the record, the answer clock, the timeline, the
  outcome and its Table 三 row, the receipt's links, and the forms the person may use now: the office's confirm and
  assign, and the transitions the lifecycle allows from the current status (only those).
- POST /applications/{id}/confirm, /assign, /events: the same use cases with the same inputs as the JSON routes
  (api/routes/applications.py); a refusal of the law (409) is shown on the form in Chinese with its rule and article.

Authorisation is page(action), the API's allow() and PERMISSIONS; scope is queries.application's (another
division's application is 404 to a clerk, as a missing one is).
"""

from __future__ import annotations

from typing import Annotated, Any, Mapping

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.access.roles import PERMISSIONS
from api.access.sessions import Signed
from api import letters
from api.applications import handle, queries, register, suggestions, views
from api.applications.queries import OPEN_STATUSES
from api.context import Context
from api.deps import ContextDep, SessionDep
from api.errors import NotFound, ServiceError
from api.pages import application_case as case_view
from api.letters import issued
from api.pages import application_extras, application_letters
from api.pages.application_forms import (ASSIGN_FIELDS, CHOICES, CONFIRM_FIELDS, FIELD_ZH, REGISTER_GROUPS,
                                         REGISTER_NAMES, TRANSITIONS, FormError, application_input, assign_input,
                                         confirm_input, event_input, offered)
from api.pages.application_refusals import refusal
from api.pages.layout import PageRefusal, form, page, render
from api.pages.stores_page import MAX_DIVISION, PER_PAGE, date_param, page_number, pager, text_param
from api.schemas import MAX_ID
from engine.vocabulary import APPLICATION_LABELS_ZH, ApplicationStatus
from engine.workflow.working_days import today_in_china

router = APIRouter()
AppId = Annotated[int, Path(ge=0, le=MAX_ID, description="an application's id")]
ReadPage = Annotated[Signed, Depends(page("read_applications"))]
RegisterPage = Annotated[Signed, Depends(page("register_application"))]
AssignPage = Annotated[Signed, Depends(page("assign_application"))]
HandlePage = Annotated[Signed, Depends(page("handle_application"))]
IssuePage = Annotated[Signed, Depends(page("issue_letter"))]
STATUSES = [(s.value, APPLICATION_LABELS_ZH[s]) for s in ApplicationStatus]
OVERDUE = {"": None, "yes": True, "no": False}
DONE = {"registered": "已登记。", "confirm": "已记录与申请人的确认：收到申请之日已确定，答复期限开始计算。",
        "assign": "已交办承办处室。", "letter": "已出具文书，见“文书”。",
        "suggestion": "已检索四库并生成建议，见“建议的答复结果”。", "linked": "已关联信息。",
        "art44": "已关联信息。多名申请人申请同一依申请公开信息：已按《条例》第四十四条送公开方式审核，建议纳入主动公开范围。", **{kind: f"已记录：{t.label}。" for kind, t in TRANSITIONS.items()}}
NOT_FOUND = "未找到此申请，或您无权查看。"
AWAITING = "已登记。尚待与申请人确认收到申请：确认后收到申请之日才确定，答复期限才开始计算（《条例》第三十一条）。"


def _filters(request: Request) -> dict[str, Any]:
    status, overdue = request.query_params.get("status", ""), request.query_params.get("overdue", "")
    if status and status not in set(ApplicationStatus):
        raise PageRefusal(422, "“状态”不是可选的值，请从列表中选择。")
    if overdue not in OVERDUE:
        raise PageRefusal(422, "“是否逾期”不是可选的值，请从列表中选择。")
    return {"status": ApplicationStatus(status) if status else None, "overdue": OVERDUE[overdue],
            "due_before": date_param(request, "due_before", "期限早于"),
            "division": text_param(request, "division", "承办处室", MAX_DIVISION)}


@router.get("/applications", response_class=HTMLResponse)
def applications(request: Request, session: SessionDep, ctx: ContextDep, signed: ReadPage) -> HTMLResponse:
    """The applications in scope by effective deadline, filtered, 50 a page."""
    filters, number, today = _filters(request), page_number(request), today_in_china()
    total, rows = queries.applications(session, signed.actor, today=today, limit=PER_PAGE,
                                       offset=(number - 1) * PER_PAGE, **filters)
    entries = [case_view.row_view(views.summary(r, today), ctx.calendar, today) for r in rows]
    values = {"status": request.query_params.get("status", ""), "overdue": request.query_params.get("overdue", ""),
              "due_before": filters["due_before"].isoformat() if filters["due_before"] else "",
              "division": filters["division"] or ""}
    kept = {k: v for k, v in values.items() if v}
    return render("applications.html.j2", signed, here="/applications", entries=entries, values=values,
                  filtered=bool(kept), statuses=STATUSES, pager=pager("/applications", kept, number, total),
                  today=today.isoformat(), may_register=signed.actor.role in PERMISSIONS["register_application"])


# -- registration ------------------------------------------------------------------------------------------

def _register_page(signed: Signed, values: Mapping[str, str], errors: dict[str, str], status: int = 200) -> HTMLResponse:
    listed = [(name, message) for name, message in errors.items()]
    return render("application_new.html.j2", signed, status, here="/applications", groups=REGISTER_GROUPS,
                  values={name: values.get(name, "") for name in REGISTER_NAMES}, errors=errors, listed=listed,
                  choices=CHOICES, labels=FIELD_ZH)


@router.get("/applications/new", response_class=HTMLResponse)
def new_application(signed: RegisterPage) -> HTMLResponse:
    return _register_page(signed, {"items": "1", "applicant_kind": "natural_person"}, {})


def _register(session: Session, ctx: Context, signed: Signed, fields: Mapping[str, str]) -> Response:
    try:
        row = register.register(session, ctx, signed.actor, application_input(fields))
        session.commit()
    except FormError as exc:
        return _register_page(signed, fields, exc.errors, 422)
    except ServiceError as exc:
        session.rollback()
        return _register_page(signed, fields, refusal(exc, REGISTER_NAMES), exc.status)
    return RedirectResponse(f"/applications/{row.id}?done=registered", 303)


@router.post("/applications/new")
async def register_application(request: Request, session: SessionDep, ctx: ContextDep, signed: RegisterPage) -> Response:
    fields = await form(request)
    return await run_in_threadpool(_register, session, ctx, signed, fields)


# -- the case ------------------------------------------------------------------------------------------------

def _forms(case: Mapping[str, Any], role: str) -> dict[str, Any]:
    """The forms this person may use now (the use cases check again)."""
    status = case["status"]
    return {"confirm": role in PERMISSIONS["register_application"] and status == "awaiting_confirmation",
            "assign": role in PERMISSIONS["assign_application"] and status in OPEN_STATUSES,
            "transitions": [(kind, TRANSITIONS[kind]) for kind in offered(status)]
            if role in PERMISSIONS["handle_application"] else []}


def _case_page(session: Session, ctx: Context, signed: Signed, app_id: int, *, status: int = 200,
               errors: dict[str, str] | None = None, posted: Mapping[str, str] | None = None,
               form_name: str = "", notice: str | None = None) -> HTMLResponse:
    try:
        row = queries.application(session, signed.actor, app_id)
    except NotFound:
        raise PageRefusal(404, NOT_FOUND) from None
    case = views.full(session, ctx, row)
    forms = _forms(case, signed.actor.role)
    if notice == DONE["registered"] and row.status == "awaiting_confirmation":
        notice = AWAITING
    extras = application_extras.sections(session, ctx, signed, row)
    drawn = {*(["confirm"] if forms["confirm"] else []), *(["assign"] if forms["assign"] else []),
             *(kind for kind, _ in forms["transitions"]),
             *(f"letter:{t['kind']}" for t in extras.get("letters", {}).get("issuable", []))}
    loose = list((errors or {}).values()) if form_name not in drawn else []  # a form not on the page (crafted)
    today = today_in_china().isoformat()
    receipt_missing = None
    if row.received_on is not None:  # the receipt's links only when the letter can be made (the agency's settings)
        try:
            letters.render("receipt", views.receipt_values(row), ctx.settings)
        except letters.MissingElements as missing:
            receipt_missing = str(missing)
    return render("application.html.j2", signed, status, here="/applications", case=case,
                  record=case_view.record_view(case), clock=case_view.clock_view(case["clock"]),
                  timeline=case_view.timeline_view(case["timeline"]), forms=forms, loose=loose,
                  confirm_fields=CONFIRM_FIELDS, assign_fields=ASSIGN_FIELDS, choices=CHOICES, labels=FIELD_ZH,
                  errors=errors or {}, posted=posted or {}, form_name=form_name, notice=notice, today=today,
                  receipt_missing=receipt_missing, extras=extras)


@router.get("/applications/{app_id}", response_class=HTMLResponse)
def application(app_id: AppId, request: Request, session: SessionDep, ctx: ContextDep, signed: ReadPage) -> HTMLResponse:
    return _case_page(session, ctx, signed, app_id, notice=DONE.get(request.query_params.get("done", "")))


def _act(session: Session, ctx: Context, signed: Signed, app_id: int, fields: Mapping[str, str], what: str) -> Response:
    """One form of the case page through its use case, as the JSON route runs it; refused: the page again."""
    actor, name = signed.actor, fields.get("kind", "") if what == "events" else what
    try:
        row = queries.application(session, actor, app_id)
        body = {"confirm": confirm_input, "assign": assign_input, "events": event_input}[what](fields)
        submitted = body.model_dump(mode="json", exclude_none=True)
        row = handle.load(session, row.id, body.lock_version, submitted)
        if what == "events" and body.kind == "dispatch_answer":  # 条例第三十六条: in writing, as the route guards it
            issued.require_answer(session, row)
        with handle.one_writer(session, app_id, submitted):
            if what == "confirm":
                handle.confirm(session, ctx, actor, row, body)
            elif what == "assign":
                handle.assign(session, actor, row, body)
            else:
                handle.transition(session, ctx, actor, row, body)
    except NotFound:
        raise PageRefusal(404, NOT_FOUND) from None
    except FormError as exc:
        return _case_page(session, ctx, signed, app_id, status=422, errors=exc.errors, posted=fields, form_name=name)
    except ServiceError as exc:
        session.rollback()
        present = {spec.name for spec in TRANSITIONS[name].fields} if name in TRANSITIONS else set(FIELD_ZH)
        return _case_page(session, ctx, signed, app_id, status=exc.status, errors=refusal(exc, present),
                          posted=fields, form_name=name)
    return RedirectResponse(f"/applications/{app_id}?done={name}", 303)


@router.post("/applications/{app_id}/confirm")
async def confirm(app_id: AppId, request: Request, session: SessionDep, ctx: ContextDep, signed: RegisterPage) -> Response:
    fields = await form(request)
    return await run_in_threadpool(_act, session, ctx, signed, app_id, fields, "confirm")


@router.post("/applications/{app_id}/assign")
async def assign(app_id: AppId, request: Request, session: SessionDep, ctx: ContextDep, signed: AssignPage) -> Response:
    fields = await form(request)
    return await run_in_threadpool(_act, session, ctx, signed, app_id, fields, "assign")


@router.post("/applications/{app_id}/events")
async def transition(app_id: AppId, request: Request, session: SessionDep, ctx: ContextDep,
                     signed: HandlePage) -> Response:
    fields = await form(request)
    return await run_in_threadpool(_act, session, ctx, signed, app_id, fields, "events")


def _issue(session: Session, ctx: Context, signed: Signed, app_id: int, fields: Mapping[str, str]) -> Response:
    """A letter through api/letters/issued.issue, as POST /v1/applications/{id}/letters issues it."""
    name = f"letter:{fields.get('letter_kind', '')}"
    try:
        queries.application(session, signed.actor, app_id)
        issued.issue(session, ctx, signed.actor, app_id,
                     application_letters.letter_input(fields, application_letters.templates_of(ctx)))
        session.commit()
    except NotFound:
        raise PageRefusal(404, NOT_FOUND) from None
    except FormError as exc:
        return _case_page(session, ctx, signed, app_id, status=422, errors=exc.errors, posted=fields, form_name=name)
    except ServiceError as exc:
        session.rollback()
        return _case_page(session, ctx, signed, app_id, status=exc.status, errors=refusal(exc), posted=fields,
                          form_name=name)
    return RedirectResponse(f"/applications/{app_id}?done=letter", 303)


@router.post("/applications/{app_id}/letters")
async def issue_letter(app_id: AppId, request: Request, session: SessionDep, ctx: ContextDep,
                       signed: IssuePage) -> Response:
    fields = await form(request)
    return await run_in_threadpool(_issue, session, ctx, signed, app_id, fields)


def _suggest(session: Session, ctx: Context, signed: Signed, app_id: int) -> Response:
    """The suggested outcome, made by api/applications/suggestions.suggest as POST …/suggestion makes it."""
    try:
        suggestions.suggest(session, ctx, signed.actor, app_id)
        session.commit()
    except NotFound:
        raise PageRefusal(404, NOT_FOUND) from None
    except ServiceError as exc:
        session.rollback()
        return _case_page(session, ctx, signed, app_id, status=exc.status, errors=refusal(exc), form_name="suggestion")
    return RedirectResponse(f"/applications/{app_id}?done=suggestion", 303)


@router.post("/applications/{app_id}/suggestion")
async def suggest(app_id: AppId, session: SessionDep, ctx: ContextDep, signed: HandlePage) -> Response:
    return await run_in_threadpool(_suggest, session, ctx, signed, app_id)
