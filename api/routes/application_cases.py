"""行政复议 and 行政诉讼 cases about the agency's disclosure work (Table 四): record, conclude, correct, list, and
the year's Table 四 with the case ids of each cell and its checks (api/applications/cases.py, case_queries.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from sqlalchemy.orm import Session

from api.applications import case_queries, cases, queries
from api.applications.case_schemas import ApplicationCases, CaseIn, CaseOut, CasePage, ConcludeIn, CorrectIn, TableFourOut
from api.context import Actor, Context
from api.deps import ContextDep, SessionDep, allow
from api.schemas import MAX_ID
from engine.applications.case_results import CaseKind
from engine.applications.cases import DEFAULT_SCOPE, Scope

router = APIRouter(prefix="/v1", tags=["applications"])
CaseId = Annotated[int, Path(ge=0, le=MAX_ID, description="a case's id")]
AppId = Annotated[int, Path(ge=0, le=MAX_ID, description="an application's id")]
Year = Annotated[int, Query(ge=1990, le=2999, description="the reporting year")]


def _answer(session: Session, ctx: Context, case_id: int, warnings: list[str] | None = None) -> dict[str, Any]:
    session.expire_all()  # the answer shows what was committed
    return case_queries.view(session, cases.case_of(session, ctx.settings.agency_code, case_id), warnings)


@router.post("/cases", status_code=201, response_model=CaseOut,
             summary="Record a 行政复议 or 行政诉讼 case (as filed, or as concluded with its decision)")
def record_case(body: CaseIn, session: SessionDep, ctx: ContextDep, response: Response,
                actor: Actor = Depends(allow("record_case"))) -> dict[str, Any]:
    """A date in the future or out of order, an unknown application, 复议 case or decision: 422 naming the
    field; a case number the agency already has: 409. A 复议后起诉 whose 复议 had not ended when it was filed
    is recorded with a warning."""
    with cases.one_writer(session, None, body.model_dump(mode="json")):
        row, warnings = cases.record(session, ctx, actor, body)
    response.headers["Location"] = f"/v1/cases/{row.id}"
    return _answer(session, ctx, row.id, warnings)


@router.get("/cases", response_model=CasePage,
            summary="The case register (year: filed or concluded in it; kind; pending; application)")
def list_cases(session: SessionDep, ctx: ContextDep, actor: Actor = Depends(allow("read_cases")),
               year: int | None = Query(None, ge=1990, le=2999), kind: CaseKind | None = None,
               pending: bool | None = None, application_id: int | None = Query(None, ge=0, le=MAX_ID),
               limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=10_000_000)) -> dict[str, Any]:
    total, rows = case_queries.cases(session, ctx.settings.agency_code, limit=limit, offset=offset, year=year,
                                     kind=kind, pending=pending, application_id=application_id)
    return {"total": total, "limit": limit, "offset": offset,
            "cases": case_queries.views(session, rows)}


@router.get("/cases/table", response_model=TableFourOut,
            summary="Table 四 of a year: the 15 cells with each cell's case ids, and the checks (§3.4 4 and 10)")
def table_four(session: SessionDep, ctx: ContextDep, year: Year, actor: Actor = Depends(allow("read_cases")),
               scope: Scope = Query(DEFAULT_SCOPE, description="which cases the year counts")) -> dict[str, Any]:
    return case_queries.table(session, ctx.settings.agency_code, year, scope)


@router.get("/cases/{case_id}", response_model=CaseOut, summary="One case")
def read_case(case_id: CaseId, session: SessionDep, ctx: ContextDep,
              actor: Actor = Depends(allow("read_cases"))) -> dict[str, Any]:
    return case_queries.view(session, cases.case_of(session, ctx.settings.agency_code, case_id))


@router.post("/cases/{case_id}/conclude", response_model=CaseOut,
             summary="Conclude a case with its decision as written (the result group follows); once only")
def conclude_case(case_id: CaseId, body: ConcludeIn, session: SessionDep, ctx: ContextDep,
                  actor: Actor = Depends(allow("record_case"))) -> dict[str, Any]:
    """Concluded already: 409 (a correction is POST …/correct); an unknown decision: 422 with the known ones."""
    with cases.one_writer(session, case_id, body.model_dump(mode="json")):
        _, warnings = cases.conclude(session, ctx, actor, case_id, body)
    return _answer(session, ctx, case_id, warnings)


@router.post("/cases/{case_id}/correct", response_model=CaseOut,
             summary="Correct a case's recorded fields, with the reason (audited case:correct)")
def correct_case(case_id: CaseId, body: CorrectIn, session: SessionDep, ctx: ContextDep,
                 actor: Actor = Depends(allow("record_case"))) -> dict[str, Any]:
    with cases.one_writer(session, case_id, body.model_dump(mode="json", exclude_unset=True)):
        _, warnings = cases.correct(session, ctx, actor, case_id, body)
    return _answer(session, ctx, case_id, warnings)


@router.get("/applications/{application_id}/cases", response_model=ApplicationCases,
            summary="The 行政复议 and 行政诉讼 cases about one application")
def application_cases(application_id: AppId, session: SessionDep, ctx: ContextDep,
                      actor: Actor = Depends(allow("read_cases"))) -> dict[str, Any]:
    queries.application(session, actor, application_id)  # 404 when the caller may not see it
    total, rows = case_queries.cases(session, ctx.settings.agency_code, limit=10_000, offset=0,
                                     application_id=application_id)
    return {"application_id": application_id, "total": total,
            "cases": case_queries.views(session, rows)}
