"""The annual report's page for the disclosure office (issue 18): the report in the national layout with its
checks marked on the cells, the narrative and the entered cells to edit, corrections with their reason, and
submission.

- GET /annual-reports: every year the service reports (from the first it has work of, never before 2021, the
  first year of the format of 国办公开办函〔2021〕30号, to the current one) with its status and deadline (条例第四十九条: 31 January of the next year), 逾期 when the
  deadline passed and the report is not published.
- GET /annual-reports/{year}: the report as GET /v1/annual-reports/{year} gives it (api/annual/views.report),
  the findings of the checks in Chinese linked to their cells, the three tables with the spans the published
  tables have, and, for the office while a draft, the forms: the narrative (一、五、六), Table 二's entered
  cells with their source, a correction of a computed cell with its reason, submission; reopening when the
  review did not publish it. The supervisor reads the same page without forms.
- POST …/sections, …/entries, …/corrections, …/submit, …/reopen: the JSON routes' use cases
  (api/annual/drafts.py, submission.py), the same bodies; a refusal is shown beside its form in Chinese, with
  what was typed kept. The files are the API's own (?format=docx…), fetched with the session cookie.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.access.roles import PERMISSIONS
from api.access.sessions import Signed
from api.annual import drafts, submission, views
from api.annual.grid import Cell, grids
from api.context import Context
from api.deps import ContextDep, SessionDep
from api.errors import Invalid, ServiceError
from api.pages.annual_forms import (FIELD_ZH, STATUS_ZH, FormError, cell_key, cell_names, correction_input,
                                    entry_input, finding_zh, refusal, reopen_input, sections_input)
from api.reports.annual_events import first_year
from api.pages.layout import PageRefusal, form, render, page, when
from engine.annual import fmt21
from engine.vocabulary import ItemStatus
from engine.workflow.working_days import today_in_china

router = APIRouter()
Year = Annotated[int, Path(ge=1990, le=2999, description="the reporting year")]
ReadPage = Annotated[Signed, Depends(page("read_annual_report"))]
EditPage = Annotated[Signed, Depends(page("edit_annual_report"))]
HERE = "/annual-reports"
DONE = {"sections": "已保存正文。", "entry": "已保存表二填报的数字及其来源。", "correction": "已保存更正（已记入审计记录）。",
        "withdrawn": "已撤回更正：该单元格恢复为登记簿统计的数字。", "reopen": "已退回修改：报告恢复为草稿。",
        "submit": "已提交：报告内容已冻结，作为主动公开信息送保密审核（条例第十七条）；审核通过并进入主动公开库后即为已公开。"}
SOURCE_ZH = {"two": "件文件（政府信息公开目录）", "three": "件申请", "four": "件行政复议、行政诉讼案件"}
FORMATS = (("docx", "下载 Word（DOCX）"), ("xlsx", "下载 Excel（XLSX）"), ("html", "打印版（HTML）"), ("csv", "下载 CSV"))


def _report(session: Session, ctx: Context, year: int) -> dict[str, Any]:
    session.expire_all()  # what was committed
    try:
        return views.report(session, ctx.settings, year, today_in_china())
    except Invalid:
        if year < fmt21.FIRST_YEAR:
            raise PageRefusal(422, f"{year}年度报告使用2019年试行格式（国办公开办函〔2019〕60号），本系统只生成"
                                   f"{fmt21.FIRST_YEAR}年度起的报告（{fmt21.FORMAT_NAME}）。") from None
        raise PageRefusal(422, f"{year}年尚未开始：年度报告统计1月1日至12月31日。") from None


def _overdue(deadline: str, status: str, today: dt.date) -> bool:
    """条例第四十九条: published by the deadline; a report not yet published after it is late."""
    return status != "published" and today > dt.date.fromisoformat(deadline)


@router.get("/annual-reports", response_class=HTMLResponse)
def reports(session: SessionDep, ctx: ContextDep, signed: ReadPage) -> HTMLResponse:
    """Every year from the first the service has work of (an item closed, an application received; never before
    2021) to this one, and any earlier year with a report: those with a report as it stands, the others not
    begun. An agency that started using the service this year is not shown years it never kept here as late."""
    today = today_in_china()
    kept = {r["year"]: r for r in views.listing(session, ctx.settings)}
    first = min([first_year(session) or today.year, *kept])
    years = []
    for year in range(today.year, max(first, fmt21.FIRST_YEAR) - 1, -1):
        row = kept.get(year)
        status = row["status"] if row else "draft"
        deadline = views.deadline(ctx.settings, year).isoformat()
        years.append({"year": year, "begun": row is not None, "status": STATUS_ZH[status], "deadline": deadline,
                      "overdue": _overdue(deadline, status, today), "open": year == today.year,
                      "submitted_at": when(row["submitted_at"]) if row and row["submitted_at"] else "",
                      "title": row["title"] if row else ""})
    return render("annual_reports.html.j2", signed, here=HERE, years=years, format_name=fmt21.FORMAT_NAME)


# -- the year's page ---------------------------------------------------------------------------------------

def _cell(cell: Cell, report: Mapping[str, Any], marks: Mapping[tuple[str, str, str], str],
          editable: bool) -> dict[str, Any]:
    """A printed cell for the page: a value cell with its id, its marks, and how it was made."""
    out: dict[str, Any] = {"text": cell.printed, "kind": cell.kind, "rowspan": cell.rowspan, "colspan": cell.colspan,
                           "id": None, "classes": [], "title": "", "href": None, "action": "", "note": "", "was": None,
                           "key": cell.key}
    if cell.key is None:
        return out
    table, row, column = cell.key
    out["id"] = f"c-{table}-{cell.row}-{cell.col}"
    out["classes"] = [marks[cell.key]] if cell.key in marks else []
    fix = next((c for c in report["corrections"] if cell_key(c) == cell.key), None)
    ids = report["sources"].get(table, {}).get(row, {}).get(column)
    if ids is not None:
        out["title"] = f"由登记簿中 {len(ids)} {SOURCE_ZH[table]}计算"
        if editable:
            out["href"], out["action"] = f"?cell={quote(f'{table}|{row}|{column}')}#correction", "点击更正"
    elif table == "two" and row in fmt21.MANUAL_ROWS:
        entry = report["manual"].get(row)
        out["classes"].append("entered")
        out["title"] = f"手工填报，来源：{entry['source']}" if entry else "尚未填报"
        if editable:
            out["href"], out["action"] = f"#entry-{row}-value", "点击填报"
    if fix is not None:
        out["classes"].append("corrected")
        out["was"] = fix["computed"]
        out["note"] = f"原值 {fix['computed']}，更正为 {fix['value']}，理由：{fix['reason']}"
        out["title"] += f"；{out['note']}"
    return out


def _tables(report: Mapping[str, Any], editable: bool) -> dict[str, Any]:
    """The three tables as printed, each cell in a finding marked (error over warning), with ids to link to."""
    marks: dict[tuple[str, str, str], str] = {}
    for finding in reversed(report["findings"]):  # errors come first: theirs wins
        for c in finding["cells"]:
            marks[cell_key(c)] = f"finding-{finding['level']}"
    out = {}
    for key, grid in grids(report).items():
        rows = [[_cell(c, report, marks, editable) for c in row] for row in grid.rows()]
        out[key] = {"rows": rows, "header_rows": grid.header_rows, "width": grid.width}
    return out


def _findings(report: Mapping[str, Any], names: Mapping[tuple[str, str, str], str],
              anchors: Mapping[tuple[str, str, str], str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"error": [], "warning": []}
    for f in report["findings"]:
        cells = [{"name": names.get(cell_key(c), "/".join(cell_key(c))), "anchor": anchors.get(cell_key(c))}
                 for c in f["cells"]]
        applications = f["check"] in (7, 11) and bool(f["ids"])
        out[f["level"]].append({"check": f["check"], "zh": finding_zh(f, names, report["year"]),
                                "message": f["message"], "cells": cells, "ids": f["ids"][:20],
                                "more": max(0, len(f["ids"]) - 20), "applications": applications})
    return out


def _entries(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    labels = fmt21.ROW_LABELS_TWO
    out = []
    for row in fmt21.MANUAL_ROWS:
        entry = report["manual"].get(row) or {}
        out.append({"row": row, "label": labels[row], "unit": "万元" if row == "fees" else "件",
                    "value": "" if entry.get("value") is None else str(entry["value"]), "source": entry.get("source", ""),
                    "by": entry.get("entered_by", ""), "at": when(entry.get("at"))})
    return out


def _choices(report: Mapping[str, Any], names: Mapping[tuple[str, str, str], str]) -> list[tuple[str, list[Any]]]:
    """The computed cells, by table, as the correction form's options (value: table|row|column)."""
    out = []
    for table, rows in report["computed"].items():
        options = [(f"{table}|{row}|{column}", f"{names.get((table, row, column), row)}（登记簿：{n}）")
                   for row, columns in rows.items() for column, n in columns.items()]
        out.append(({"two": "表二 第二十条第（一）项", "three": "表三", "four": "表四"}.get(table, table), options))
    return out


def _view(report: Mapping[str, Any], role: str) -> dict[str, Any]:
    editable = role in PERMISSIONS["edit_annual_report"]
    draft = report["status"] == "draft"
    names = cell_names(report["layout"])
    tables = _tables(report, editable and draft)
    anchors = {c["key"]: c["id"] for t in tables.values() for row in t["rows"] for c in row if c["id"]}
    reopenable = (report["status"] == "submitted" and report["item_status"] not in
                  (ItemStatus.SECRECY_REVIEW.value, ItemStatus.DISCLOSURE_REVIEW.value))
    return {"editable": editable and draft, "may_submit": editable and draft, "may_reopen": editable and reopenable,
            "tables": tables, "findings": _findings(report, names, anchors), "entries": _entries(report),
            "choices": _choices(report, names),
            "corrections": [{**c, "name": names.get(cell_key(c), c["row"]), "at": when(c.get("at"))}
                            for c in report["corrections"]],
            "sections": {s["key"]: s for s in report["sections"]}, "status_zh": STATUS_ZH[report["status"]],
            "overdue": _overdue(report["deadline"], report["status"], today_in_china()),
            "submitted_at": when(report["submitted_at"]), "published_at": when(report["published_at"])}


def _page(session: Session, ctx: Context, signed: Signed, year: int, *, status: int = 200, form_name: str = "",
          errors: dict[str, str] | None = None, posted: Mapping[str, str] | None = None, notice: str | None = None,
          picked: str = "", refused: list[dict[str, Any]] | None = None) -> HTMLResponse:
    report = _report(session, ctx, year)
    view = _view(report, signed.actor.role)
    values = {"title": report["title"], **{k: view["sections"][k]["text"] or "" for k in fmt21.NARRATIVE}}
    if form_name == "sections" and posted is not None:
        values = {s: posted.get(s, "") for s in values}
    return render("annual_report.html.j2", signed, status, here=HERE, report=report, view=view, year=year,
                  values=values, form_name=form_name, errors=errors or {}, posted=posted or {}, notice=notice,
                  picked=picked, refused=refused or [], formats=FORMATS, labels=FIELD_ZH)


@router.get("/annual-reports/{year}", response_class=HTMLResponse)
def annual_report(year: Year, request: Request, session: SessionDep, ctx: ContextDep, signed: ReadPage) -> HTMLResponse:
    picked = request.query_params.get("cell", "")[:200]
    return _page(session, ctx, signed, year, notice=DONE.get(request.query_params.get("done", "")), picked=picked)


Action = Callable[[Session, Context, Signed, int, Mapping[str, str]], str]


def _sections(session: Session, ctx: Context, signed: Signed, year: int, fields: Mapping[str, str]) -> str:
    body = sections_input(fields)
    with drafts.one_writer(session, year, body):
        drafts.save_sections(session, ctx, signed.actor, year, body)
    return "sections"


def _entry(session: Session, ctx: Context, signed: Signed, year: int, fields: Mapping[str, str]) -> str:
    row, body = entry_input(fields)
    with drafts.one_writer(session, year, body):
        drafts.enter(session, ctx, signed.actor, year, row, body)
    return "entry"


def _correction(session: Session, ctx: Context, signed: Signed, year: int, fields: Mapping[str, str]) -> str:
    body = correction_input(fields)
    with drafts.one_writer(session, year, body):
        drafts.correct(session, ctx, signed.actor, year, body)
    return "correction" if body["value"] is not None else "withdrawn"


def _submit(session: Session, ctx: Context, signed: Signed, year: int, fields: Mapping[str, str]) -> str:
    with drafts.one_writer(session, year, {}):
        submission.submit(session, ctx, signed.actor, year)
    return "submit"


def _reopen(session: Session, ctx: Context, signed: Signed, year: int, fields: Mapping[str, str]) -> str:
    reason = reopen_input(fields)
    with drafts.one_writer(session, year, {"reason": reason}):
        drafts.reopen(session, ctx, signed.actor, year, reason)
    return "reopen"


def _act(session: Session, ctx: Context, signed: Signed, year: int, fields: Mapping[str, str], name: str,
         action: Action) -> Response:
    """One form through its use case; refused: the page again, the form's error beside it, what was typed kept."""
    _report(session, ctx, year)  # a year the service does not report is refused as a page
    form_name = f"entry-{fields.get('row', '')}" if name == "entry" else name
    try:
        done = action(session, ctx, signed, year, fields)
    except FormError as exc:
        session.rollback()
        return _page(session, ctx, signed, year, status=422, form_name=form_name, errors=exc.errors, posted=fields,
                     picked=fields.get("cell", ""))
    except ServiceError as exc:
        session.rollback()
        blocking = list(exc.extra.get("findings") or [])
        return _page(session, ctx, signed, year, status=exc.status, form_name=form_name, errors=refusal(exc, fields),
                     posted=fields, picked=fields.get("cell", ""), refused=blocking)
    anchor = {"entry": "#h-two", "sections": "#h-narrative", "correction": "#correction", "withdrawn": "#correction"}
    return RedirectResponse(f"/annual-reports/{year}?done={done}{anchor.get(done, '')}", 303)


ACTIONS: dict[str, Action] = {"sections": _sections, "entries": _entry, "corrections": _correction,
                              "submit": _submit, "reopen": _reopen}


@router.post("/annual-reports/{year}/{what}")
async def act(year: Year, what: str, request: Request, session: SessionDep, ctx: ContextDep,
              signed: EditPage) -> Response:
    if what not in ACTIONS:
        raise PageRefusal(404, "没有这项操作。")
    fields = await form(request)
    name = "entry" if what == "entries" else what
    return await run_in_threadpool(_act, session, ctx, signed, year, fields, name, ACTIONS[what])
