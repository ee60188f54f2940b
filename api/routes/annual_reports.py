"""The annual report (政府信息公开工作年度报告, 条例第四十九条、第五十条; issue 18): the year's report computed from the
registers with its checks, the office's narrative, entered cells and corrections, submission, and the report
as DOCX, XLSX, CSV and HTML (api/annual)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from api.annual import drafts, files, submission, views
from api.annual.schemas import AnnualReportList, AnnualReportOut, CorrectionIn, EntryIn, ReopenIn, SectionsIn
from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.headers import page_policy
from api.routes.items import download
from engine.annual.fmt21 import MANUAL_ROWS
from engine.workflow.working_days import today_in_china

router = APIRouter(prefix="/v1", tags=["annual report"])
Year = Annotated[int, Path(ge=1990, le=2999, description="the reporting year (1 January – 31 December)")]
Row = Annotated[str, Path(description=f"a hand-entered row of Table 二: {', '.join(MANUAL_ROWS)}", max_length=40)]
Format = Annotated[Literal["json", "csv", "xlsx", "docx", "html"], Query(
    alias="format", description="json (default); docx, xlsx and html: the national layout; csv: every printed cell")]
RESPONSES: dict[int | str, dict[str, Any]] = {200: {"description": "the report", "content": {
    media.split(";")[0]: {} for media in files.MEDIA_TYPES.values()}}}


def _answer(session: SessionDep, ctx: ContextDep, year: int) -> dict[str, Any]:
    session.expire_all()  # the answer shows what was committed
    return views.report(session, ctx.settings, year, today_in_china())


@router.get("/annual-reports", response_model=AnnualReportList, summary="The years with a report in the system")
def list_reports(session: SessionDep, ctx: ContextDep,
                 actor: Actor = Depends(allow("read_annual_report"))) -> dict[str, Any]:
    return {"reports": views.listing(session, ctx.settings)}


@router.get("/annual-reports/{year}", response_model=AnnualReportOut, responses=RESPONSES,
            summary="The year's report: computed from the registers while a draft, as submitted after; checked")
def read_report(year: Year, session: SessionDep, ctx: ContextDep, actor: Actor = Depends(allow("read_annual_report")),
                fmt: Format = "json") -> Any:
    """A year before 2021 (the trial format of 2019) or one not begun: 422 saying why."""
    report = views.report(session, ctx.settings, year, today_in_china())
    if fmt == "json":
        return report
    data = files.render(report, fmt)
    name = f"gongkai-annual-report-{year}"
    if fmt == "docx":
        return Response(data, media_type=files.MEDIA_TYPES["docx"],
                        headers={"Content-Disposition": f'attachment; filename="{name}.docx"'})
    response = download(data, fmt, name, inline=fmt == "html")
    if fmt == "html":  # the page's own <style> by its hash, nothing else (api/headers.py)
        response.headers["Content-Security-Policy"] = page_policy(data.decode())
    return response


@router.put("/annual-reports/{year}/sections", response_model=AnnualReportOut,
            summary="Write the title and the narrative sections (一、五、六)")
def save_sections(year: Year, body: SectionsIn, session: SessionDep, ctx: ContextDep,
                  actor: Actor = Depends(allow("edit_annual_report"))) -> dict[str, Any]:
    submitted = body.model_dump(mode="json", exclude_unset=True)
    with drafts.one_writer(session, year, submitted):
        drafts.save_sections(session, ctx, actor, year, submitted)
    return _answer(session, ctx, year)


@router.put("/annual-reports/{year}/entries/{row}", response_model=AnnualReportOut,
            summary="Enter a cell of Table 二 kept by another system (行政许可/处罚/强制; fee income), with its source")
def enter(year: Year, row: Row, body: EntryIn, session: SessionDep, ctx: ContextDep,
          actor: Actor = Depends(allow("edit_annual_report"))) -> dict[str, Any]:
    submitted = body.model_dump(mode="json")
    with drafts.one_writer(session, year, submitted):
        drafts.enter(session, ctx, actor, year, row, submitted)
    return _answer(session, ctx, year)


@router.post("/annual-reports/{year}/corrections", response_model=AnnualReportOut,
             summary="Correct a computed cell (reason required, audited), or withdraw a correction (value null)")
def correct(year: Year, body: CorrectionIn, session: SessionDep, ctx: ContextDep,
            actor: Actor = Depends(allow("edit_annual_report"))) -> dict[str, Any]:
    submitted = body.model_dump(mode="json")
    with drafts.one_writer(session, year, submitted):
        drafts.correct(session, ctx, actor, year, submitted)
    return _answer(session, ctx, year)


@router.post("/annual-reports/{year}/submit", response_model=AnnualReportOut,
             summary="Submit the report: refused on any error; frozen and sent to review as a proactive item")
def submit(year: Year, session: SessionDep, ctx: ContextDep,
           actor: Actor = Depends(allow("edit_annual_report"))) -> dict[str, Any]:
    """409 with the blocking findings while any check finds an error, or before the year has ended. Otherwise
    the report is frozen and its item enters secrecy review (条例第十七条); it is published when the reviewers
    route it to the proactive store."""
    with drafts.one_writer(session, year, {}):
        submission.submit(session, ctx, actor, year)
    return _answer(session, ctx, year)


@router.post("/annual-reports/{year}/reopen", response_model=AnnualReportOut,
             summary="Back to a draft, when its review did not publish it")
def reopen(year: Year, body: ReopenIn, session: SessionDep, ctx: ContextDep,
           actor: Actor = Depends(allow("edit_annual_report"))) -> dict[str, Any]:
    with drafts.one_writer(session, year, body.model_dump(mode="json")):
        drafts.reopen(session, ctx, actor, year, body.reason)
    return _answer(session, ctx, year)
