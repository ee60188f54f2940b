"""The HTML report (issue 5): one self-contained page per report, in Chinese, for the screen and for
A4 paper. Inline CSS, charts as inline SVG (api/reports/charts.py), no JavaScript and no external address:
an agency intranet has no internet, and the page must open from a file or an e-mail attachment.

A page is the report's title and scope, what its `page` function shows (key figures, charts, notes:
api/reports/page.py and the report's own module) and every table of its `tables` (what the XLSX has),
long ones cut to TABLE_ROWS.

Report text (division names, reasons, titles) is user input: the template autoescapes it, and
matplotlib escapes what it writes into the SVG; charts.plain keeps "$" out of mathtext.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, Mapping

from jinja2 import Environment, PackageLoader, StrictUndefined

from api.reports.report import Report
from api.reports.tables import Table
from engine.vocabulary import FIELD_LABELS_ZH
from engine.workflow.working_days import CHINA_TIME

TABLE_ROWS = 200  # longer tables are cut here; the XLSX has them whole


def html_page(declared: Report, report: Mapping[str, Any], *, generated_at: str | None = None) -> str:
    """A report as one self-contained HTML page (api/reports/registry.render_html finds the declaration).

    Args:
        declared: the report's declaration: its title, dates, page and tables.
        report: the dict its build function (and /v1/reports/{kind}) returns. Its scope is read from
            its date range's keys (`closed_from`/`closed_to` or `since`/`until`), `division` and
            `today` when present.
        generated_at: shown as the time the page was made; default now, China time. Pass it to get
            the same bytes for the same report.
    """
    page = declared.page(report)
    shown = [] if page.empty else [_table(t) for t in declared.tables(report)]
    return _environment().get_template("report.html.j2").render(
        title=declared.title, scope=_scope(declared, report), page=page, tables=shown,
        generated_at=generated_at or dt.datetime.now(CHINA_TIME).strftime("%Y-%m-%d %H:%M"))


@functools.cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("api", "templates"), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def _scope(declared: Report, report: Mapping[str, Any]) -> list[tuple[str, str]]:
    start, end = report.get(declared.dates.start), report.get(declared.dates.end)
    dates = f"{start} 至 {end}" if start and end else f"{start} 起" if start else f"截至 {end}" if end else "全部"
    division = FIELD_LABELS_ZH["division"]
    scope = [(declared.dates.zh, dates), (division, str(report.get("division") or f"全部{division}"))]
    if report.get("today"):
        scope.append(("统计日", str(report["today"])))
    return scope


@dataclass(frozen=True)
class ShownTable:
    name: str
    headers: list[str]
    rows: list[list[tuple[str, str]]]  # each cell's text and its CSS class (num, short, long or none)
    total: int

    @property
    def cut(self) -> bool:
        return self.total > len(self.rows)


def _table(table: Table) -> ShownTable:
    values = list(table.values())
    headers = table.headers
    rows = [[_cell(h, row[0] if row else None, v) for h, v in zip(headers, row, strict=True)]
            for row in values[:TABLE_ROWS]]
    return ShownTable(table.name, headers, rows, len(values))


def _is_rate(name: object) -> bool:
    text = str(name or "")
    return text.endswith("率") or "F1" in text or text == "占比"


def _cell(header: str, first: object, value: Any) -> tuple[str, str]:
    """A table cell as text and CSS class; ratios (a 率/占比/F1 column, or a row named so in a figure/value
    table) as percent. Numbers are right-aligned, short text is kept on one line, long text (JSON
    details, hashes) may break anywhere but keeps a readable width."""
    if value is None:
        return "", ""
    if isinstance(value, float) and (_is_rate(header) or _is_rate(first)):
        return f"{value:.1%}", "num"
    text = str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return text, "num"
    return text, "short" if len(text) <= 16 else "long" if len(text) > 40 else ""
