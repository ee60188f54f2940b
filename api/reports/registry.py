"""The reports, listed once (REPORTS), built once and rendered in any format: the API (one route per
report, api/routes/reports.py) and `gongkai report` both come through here, so a figure is the same in
JSON, CSV, XLSX and HTML. What a report is: api/reports/report.py.

- json: the report as the API returns it;
- csv: the report's CSV table (supervision: its events in their stable import layout), UTF-8, header first;
- xlsx: every table of the report on its own sheet, Chinese headers;
- html: one self-contained page with server-rendered charts (api/reports/html.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import json
from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from api.reports import accuracy, statistics, supervision
from api.reports.cells import text_cell
from api.reports.report import Asked, Figures, Progress, Report
from api.reports.tables import Table
from api.settings import Settings

# Every report, by kind. A new report: its module, and its REPORT here.
REPORTS: dict[str, Report] = {report.kind: report for report in (
    statistics.REPORT,
    accuracy.REPORT,
    supervision.REPORT,
)}
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


def find(kind: str) -> Report:
    found = REPORTS.get(kind)
    if found is None:
        raise ValueError(f"unknown report {kind!r}: one of {', '.join(REPORTS)}")
    return found


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a report builds: it holds hundreds of thousands of small
    rows and dicts, none in cycles, and the collector walking them again and again was a third of
    the time at 100k items (bench/reports_bench.py). Reference counting still frees as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build(kind: str, session: Session, settings: Settings, *, today: dt.date, division: str | None = None,
          start: dt.date | None = None, end: dt.date | None = None, progress: Progress | None = None,
          only: ColumnElement[bool] | None = None) -> dict[str, Any]:
    """One report, from `start` to `end` in its dates (closing dates or event dates: its `dates`); `only`
    narrows a readable_only report's items (api/access/visibility.rule_figures)."""
    asked = Asked(today=today, division=division, start=start, end=end, progress=progress, only=only)
    with _collector_paused():
        return find(kind).build(session, settings, asked)


def tables(kind: str, figures: Figures) -> list[Table]:
    """The report as its named tables: the XLSX sheets, the tables under the HTML page."""
    return find(kind).tables(figures)


def render(kind: str, figures: Figures, fmt: str, *, generated_at: str | None = None) -> bytes:
    if fmt == "json":
        return json.dumps(figures, ensure_ascii=False, indent=1).encode()
    if fmt == "csv":
        return table_csv(find(kind).csv(figures)).encode()
    if fmt == "xlsx":
        from api.reports.xlsx import workbook  # openpyxl is imported only when a workbook is asked for

        return workbook(tables(kind, figures))
    if fmt == "html":
        return render_html(kind, figures, generated_at=generated_at).encode()
    raise ValueError(f"no format {fmt!r}: one of {', '.join(MEDIA_TYPES)}")


def render_html(kind: str, figures: Figures, *, generated_at: str | None = None) -> str:
    """The report `kind` as one self-contained HTML page (api/reports/html.py); `generated_at` as shown
    on it (default now, China time: pass it to get the same bytes for the same report).

    Raises:
        ValueError: an unknown kind.
    """
    declared = find(kind)
    from api.reports.html import html_page  # jinja2 is imported only when a page is asked for

    return html_page(declared, figures, generated_at=generated_at)


def table_csv(table: Table) -> str:
    """Every CSV the service writes (reports and list exports): text that a spreadsheet would run as a
    formula is kept as text (api/reports/cells.py)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.headers)
    writer.writerows([text_cell(v) for v in values] for values in table.values())
    return out.getvalue()
