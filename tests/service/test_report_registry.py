"""The reports come from one registry (api/reports/registry.REPORTS): adding a report is one module and
one line there. A tiny report, declared below as its module would declare it and registered for these
tests only, gets its route (its JSON model in /openapi.json, CSV, XLSX and an HTML page under the page
policy), its permission and its `gongkai report` choice, and is gone again once removed. And every
report's JSON is the dict its build function made, byte for byte, through its response model."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.cli import build_parser
from api.headers import inline_hashes
from api.items.queries import filtered
from api.items.views import today_in_china
from api.reports import registry
from api.reports.page import KeyFigure, Page
from api.reports.report import CLOSING_DATES, Asked, Report
from api.reports.tables import Table
from api.responses import Out
from api.routes import reports as report_routes
from api.settings import Settings
from models.tables import ItemRow
from tests.service.conftest import Api, push_item, review_item

# ---------------------------------------------------------------- the new report's module


def _build(session: Session, settings: Settings, asked: Asked) -> dict[str, Any]:
    query = filtered(select(func.count()).select_from(ItemRow), division=asked.division, closed_from=asked.start,
                     closed_to=asked.end)
    return {"division": asked.division, "items": session.scalar(query)}


class TinyOut(Out):
    division: str | None
    items: int


def _tables(report: Any) -> list[Table]:
    return [Table("件数", (("division", "处室"), ("items", "件数")), [dict(report)])]


def _page(report: Any) -> Page:
    return Page(summary=[KeyFigure("信息总数", str(report["items"]))])


TINY = Report(kind="tiny", title="小报表", summary="items closed in the range", build=_build, out=TinyOut,
              tables=_tables, page=_page, csv_table="件数", action="read_statistics", dates=CLOSING_DATES)

# ---------------------------------------------------------------- its one registry line, for these tests


@pytest.fixture(autouse=True)
def tiny() -> Iterator[pytest.MonkeyPatch]:
    """TINY in REPORTS, and the reports' router made again from it (as the service makes it at start)."""
    patch = pytest.MonkeyPatch()
    patch.setitem(registry.REPORTS, TINY.kind, TINY)
    patch.setattr(report_routes, "router", report_routes.make_router())
    yield patch
    patch.undo()


def test_a_registered_report_has_its_route_formats_permission_and_command_choice(
        api: Api, tiny: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    push_item(api, 0, "法规处", "2026-11-02")
    push_item(api, 1, "办公室", "2026-10-09")
    office = api.as_("office")
    assert office.get("/v1/reports/tiny").json() == {"division": None, "items": 2}
    assert office.get("/v1/reports/tiny", params={"closed_from": "2026-11-01"}).json() == {"division": None,
                                                                                            "items": 1}
    assert office.get("/v1/reports/tiny", params={"division": "办公室"}).json() == {"division": "办公室", "items": 1}
    assert api.as_("clerk").get("/v1/reports/tiny").status_code == 403  # read_statistics: not a clerk
    assert api.client.get("/v1/reports/tiny").status_code == 401

    csv = office.get("/v1/reports/tiny", params={"format": "csv"})
    assert csv.headers["content-type"] == "text/csv; charset=utf-8" and csv.text == "处室,件数\n,2\n"
    book = load_workbook(io.BytesIO(office.get("/v1/reports/tiny", params={"format": "xlsx"}).content))
    assert [list(row) for row in book["件数"].iter_rows(values_only=True)] == [["处室", "件数"], [None, 2]]
    page = office.get("/v1/reports/tiny", params={"format": "html"})
    assert "inline" in page.headers["content-disposition"] and "<h1>小报表</h1>" in page.text
    assert '<div class="value">2</div>' in page.text and "<h3>件数</h3>" in page.text
    assert f"style-src {inline_hashes(page.text, 'style')[0]}" in page.headers["content-security-policy"]

    document = api.client.get("/openapi.json").json()
    operation = document["paths"]["/v1/reports/tiny"]["get"]
    assert operation["summary"] == "items closed in the range"
    assert [p["name"] for p in operation["parameters"]] == ["division", "closed_from", "closed_to", "format"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TinyOut"}
    assert set(document["components"]["schemas"]["TinyOut"]["properties"]) == {"division", "items"}

    assert build_parser().parse_args(["report", "tiny"]).kind == "tiny"
    tiny.undo()  # the registry line removed: the report is gone from the registry, the routes and the command
    assert "tiny" not in registry.REPORTS
    paths = {route.path for route in report_routes.make_router().routes}  # type: ignore[attr-defined]
    assert "/v1/reports/tiny" not in paths and "/v1/reports/statistics" in paths
    with pytest.raises(SystemExit):
        build_parser().parse_args(["report", "tiny"])
    assert "tiny" not in capsys.readouterr().err.split("choose from")[-1]


@pytest.mark.slow  # two CLI processes
def test_a_registered_report_is_a_command(api: Api, database_url: str, tmp_path: Path) -> None:
    push_item(api, 0, "法规处", "2026-11-02")
    push_item(api, 1, "办公室", "2026-10-09")

    def command(*args: str) -> subprocess.CompletedProcess[str]:
        """`gongkai report …` in a process whose registry has the tiny report's line too."""
        run = ("import sys; from api.cli import main; from api.reports.registry import REPORTS; "
               "from tests.service.test_report_registry import TINY; REPORTS[TINY.kind] = TINY; "
               "sys.exit(main(sys.argv[1:]))")
        return subprocess.run([sys.executable, "-c", run, "report", "tiny", *args], capture_output=True, text=True,
                              env={**os.environ, "GONGKAI_DATABASE_URL": database_url}, timeout=300)

    book_file = tmp_path / "tiny.xlsx"
    made = command("--from", "2026-10-01", "--to", "2026-10-31", "--format", "xlsx", "--output", str(book_file))
    assert made.returncode == 0, made.stderr
    assert [list(r) for r in load_workbook(book_file)["件数"].iter_rows(values_only=True)][1] == [None, 1]
    made = command("--division", "法规处")
    assert made.returncode == 0 and json.loads(made.stdout) == {"division": "法规处", "items": 1}, made.stderr


def test_every_report_answers_the_dict_it_built(api: Api, settings: Settings) -> None:
    """The `…Out` models declare every key of the report in its order, and send every value as built."""
    item = push_item(api, 0, "法规处", "2026-11-02")
    review_item(api, item, {"secrecy": "none"}, {"category": "on_request", "exemption": None, "reason": "依申请"})
    push_item(api, 1, "办公室", "2025-01-02")
    for kind, report in registry.REPORTS.items():
        with api.client.app.state.sessions() as session:
            built = registry.build(kind, session, settings, today=today_in_china())
        if report.readable_only:
            built["readable_only"] = False  # the office is cleared: figures over every item
        answer = api.as_("office").get(f"/v1/reports/{kind}")
        assert answer.content == json.dumps(built, ensure_ascii=False, separators=(",", ":")).encode(), kind
