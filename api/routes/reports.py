"""Reports (issue 5): statistics, suggestion accuracy and supervision, as JSON or, with format=, as
CSV, XLSX (a sheet per table) or an HTML page with charts, the same figures `gongkai report` gives."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from api.access.visibility import rule_figures
from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.errors import Invalid
from api.headers import page_policy
from api.items import views
from api.reports import exports
from api.reports import registry as reports
from api.reports.accuracy import Figure, behind
from api.routes.items import Division, Filters, download, exported, too_long
from api.schemas import IsoDate

router = APIRouter(prefix="/v1/reports", tags=["reports"])
ReportFormat = Annotated[Literal["json", "csv", "xlsx", "html"], Query(
    alias="format", description="json (default); csv: the main table (supervision: the import layout); "
                                "xlsx: a sheet per table with Chinese headers; html: a page with charts")]
RESPONSES: dict[int | str, dict[str, Any]] = {200: {"description": "the report", "content": {
    "text/csv": {}, reports.MEDIA_TYPES["xlsx"]: {}, "text/html": {}}}}


def _answer(kind: str, out: dict[str, Any], fmt: str) -> Any:
    if fmt == "json":
        return out
    data = reports.render(kind, out, fmt)
    response = download(data, fmt, f"gongkai-{kind}-{views.today_in_china().isoformat()}", inline=fmt == "html")
    if fmt == "html":  # the page's own <style> by its hash, nothing else (api/headers.py)
        response.headers["Content-Security-Policy"] = page_policy(data.decode())
    return response


@router.get("/statistics", summary="查询统计: counts by division, category, column, status and month; proactive rate",
            responses=RESPONSES)
def read_statistics(session: SessionDep, ctx: ContextDep, filters: Filters, fmt: ReportFormat = "json",
                    actor: Actor = Depends(allow("read_statistics"))) -> Any:
    out = reports.build("statistics", session, ctx.settings, today=views.today_in_china(), **filters)
    return _answer("statistics", out, fmt)


@router.get("/accuracy", summary="Suggestions against the reviewers' final decisions; override rate per stage",
            responses=RESPONSES)
def read_accuracy(session: SessionDep, ctx: ContextDep, filters: Filters, fmt: ReportFormat = "json",
                  actor: Actor = Depends(allow("read_accuracy"))) -> Any:
    only = rule_figures(actor, ctx.settings)  # a rule author: figures over readable items only
    out = reports.build("accuracy", session, ctx.settings, today=views.today_in_china(), only=only, **filters)
    out["readable_only"] = only is not None
    return _answer("accuracy", out, fmt)


FieldName = Literal["category", "exemption", "secrecy", "column"]
StageName = Literal["secrecy_review", "disclosure_review"]


def _text() -> Any:
    """A fresh Query per parameter: FastAPI ties one Query object to one parameter name."""
    return Query(None, max_length=100, pattern=r"^[^\x00]*$")


@router.get("/accuracy/items", summary="The items behind one figure of the accuracy report", responses=RESPONSES)
def accuracy_items(session: SessionDep, ctx: ContextDep, filters: Filters,
                   actor: Actor = Depends(allow("read_accuracy")),
                   field: FieldName | None = None, gold: str | None = _text(), suggested: str | None = _text(),
                   correct: bool | None = None, rule: str | None = _text(),
                   outcome: Literal["fired", "confirmed", "overridden", "outranked", "would_change",
                                    "would_fix", "would_break"] | None = None,
                   rule_stage: StageName | None = None, stage: StageName | None = None,
                   group: Literal["division", "ruleset_revision", "model_id", "month", "week"] | None = None,
                   value: str | None = _text(), fmt: Annotated[Literal["json", "csv", "xlsx"], Query(alias="format")] = "json",
                   ) -> Any:
    """E.g. field=category&gold=on_request&suggested=proactive (a confusion cell), field=secrecy&correct=false,
    rule=R&outcome=overridden, rule=R&outcome=outranked (R fired but the suggestion showed another value),
    rule=R&outcome=would_break (had R decided, it would have made these wrong),
    rule=R&rule_stage=secrecy_review&outcome=overridden (R's override figure at that stage: only the fields
    that stage decides are judged), stage=disclosure_review (changed there), group=week&value=2026-W45."""
    if (gold is not None or suggested is not None or correct is not None) and field is None:
        raise Invalid("gold, suggested and correct need a field",
                      errors=[{"field": "field", "message": "required with gold, suggested or correct"}])
    if (outcome is not None or rule_stage is not None) and rule is None:
        raise Invalid("outcome and rule_stage need a rule",
                      errors=[{"field": "rule", "message": "required with outcome or rule_stage"}])
    if (group is None) != (value is None):
        raise Invalid("group and value go together", errors=[{"field": "group" if group is None else "value",
                                                              "message": "give both group and value"}])
    figure = Figure(field=field, gold=gold, suggested=suggested, correct=correct, rule=rule, outcome=outcome,
                    stage=stage, group=group, value=value, rule_stage=rule_stage)
    items = behind(session, figure, only=rule_figures(actor, ctx.settings), **filters)
    if fmt != "json":
        too_long(len(items), fmt)
        return exported(exports.accuracy_items_table(items), fmt, "accuracy-items")
    return {"total": len(items), "item_ids": [i["item_id"] for i in items], "items": items}


@router.get("/supervision", summary="监察考核: overdue, waiting too long, never reviewed, irregular events, by event date",
            responses=RESPONSES)
def read_supervision(session: SessionDep, ctx: ContextDep, actor: Actor = Depends(allow("read_supervision")),
                     since: IsoDate | None = None, until: IsoDate | None = None,
                     division: str | None = Division, fmt: ReportFormat = "json") -> Any:
    """Dated events (`on`), each with a stable `event_id`: ask for since=until=yesterday every day
    to import each event once (layout: api/reports/supervision.py, README)."""
    out = reports.build("supervision", session, ctx.settings, today=views.today_in_china(), since=since,
                        until=until, division=division)
    return _answer("supervision", out, fmt)
