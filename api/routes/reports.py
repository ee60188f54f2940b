"""Reports (issue 5): one route per report of api/reports/registry.REPORTS, /v1/reports/{kind}, as JSON
(its `…Out` model) or, with format=, as CSV, XLSX (a sheet per table) or an HTML page with charts, the
same figures `gongkai report` gives; and the accuracy report's drill-down, /v1/reports/accuracy/items."""

from __future__ import annotations

from typing import Annotated, Any, Callable, Literal

from fastapi import APIRouter, Depends, Query

from api.access.visibility import rule_figures
from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.errors import Invalid
from api.headers import page_policy
from api.items import views
from api.reports import exports, registry
from api.reports.accuracy import Figure, behind
from api.reports.accuracy_views import AccuracyItemsOut
from api.reports.report import Report
from api.routes.items import Division, Filters, download, exported, too_long
from api.schemas import IsoDate

ReportFormat = Annotated[Literal["json", "csv", "xlsx", "html"], Query(
    alias="format", description="json (default); csv: the main table (supervision: the import layout); "
                                "xlsx: a sheet per table with Chinese headers; html: a page with charts")]
RESPONSES: dict[int | str, dict[str, Any]] = {200: {"description": "the report", "content": {
    "text/csv": {}, registry.MEDIA_TYPES["xlsx"]: {}, "text/html": {}}}}


def _answer(kind: str, out: dict[str, Any], fmt: str) -> Any:
    if fmt == "json":
        return out
    data = registry.render(kind, out, fmt)
    response = download(data, fmt, f"gongkai-{kind}-{views.today_in_china().isoformat()}", inline=fmt == "html")
    if fmt == "html":  # the page's own <style> by its hash, nothing else (api/headers.py)
        response.headers["Content-Security-Policy"] = page_policy(data.decode())
    return response


def _read(report: Report) -> Callable[..., Any]:
    """The route of one report: its permission, its date range's parameters, its formats."""
    dates = report.dates

    def read(session: SessionDep, ctx: ContextDep, actor: Actor = Depends(allow(report.action)),
             division: str | None = Division,
             start: IsoDate | None = Query(None, alias=dates.start, description=f"from this day: {dates.meaning}"),
             end: IsoDate | None = Query(None, alias=dates.end, description="to this day, inclusive"),
             fmt: ReportFormat = "json") -> Any:
        only = rule_figures(actor, ctx.settings) if report.readable_only else None
        out = registry.build(report.kind, session, ctx.settings, today=views.today_in_china(), division=division,
                             start=start, end=end, only=only)
        if report.readable_only:  # a rule author: figures over readable items only
            out["readable_only"] = only is not None
        return _answer(report.kind, out, fmt)

    return read


FieldName = Literal["category", "exemption", "secrecy", "column"]
StageName = Literal["secrecy_review", "disclosure_review"]


def _text() -> Any:
    """A fresh Query per parameter: FastAPI ties one Query object to one parameter name."""
    return Query(None, max_length=100, pattern=r"^[^\x00]*$")


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


def make_router() -> APIRouter:
    """The routes of every report in registry.REPORTS (the registry as it is now), and the drill-down."""
    made = APIRouter(prefix="/v1/reports", tags=["reports"])
    for report in registry.REPORTS.values():
        made.add_api_route(f"/{report.kind}", _read(report), methods=["GET"], name=f"read_{report.kind}",
                           summary=report.summary, description=report.description, response_model=report.out,
                           responses=RESPONSES)
    made.add_api_route("/accuracy/items", accuracy_items, methods=["GET"], response_model=AccuracyItemsOut,
                       summary="The items behind one figure of the accuracy report", responses=exports.RESPONSES)
    return made


router = make_router()
