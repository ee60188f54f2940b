"""The three reports, built once and rendered in any format: the API and `gongkai report` both come
through here, so a figure is the same in JSON, CSV, XLSX and HTML.

- json: the report as the API returns it;
- csv: supervision events in their stable import layout (api/reports/supervision.py), UTF-8, a header of
  the column keys; for the other reports, their main table;
- xlsx: every table of api/reports/tables.py on its own sheet, Chinese headers;
- html: one self-contained page with server-rendered charts (api/reports/html.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import json
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from api.reports import accuracy, statistics, supervision
from api.reports import tables as report_tables
from api.reports.cells import text_cell
from api.settings import Settings

KINDS = ("statistics", "accuracy", "supervision")
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
# The table CSV carries for each report: supervision's events are the import layout.
CSV_TABLE = {"statistics": "按月份", "accuracy": "各规则命中与精确率", "supervision": "监察事项"}
Progress = Callable[[str, int, int], None]


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


def build(kind: str, session: Session, settings: Settings, *, today: dt.date, closed_from: dt.date | None = None,
          closed_to: dt.date | None = None, division: str | None = None, since: dt.date | None = None,
          until: dt.date | None = None, progress: Progress | None = None,
          only: ColumnElement[bool] | None = None) -> dict[str, Any]:
    """One report. `only` narrows the accuracy report's items (api/visibility.rule_figures)."""
    with _collector_paused():
        if kind == "statistics":
            return statistics.statistics(session, closed_from=closed_from, closed_to=closed_to, division=division,
                                         today=today)
        if kind == "accuracy":
            return accuracy.accuracy(session, closed_from=closed_from, closed_to=closed_to, division=division,
                                     progress=progress, only=only)
        if kind == "supervision":
            return supervision.supervision(session, today=today, wait_days=settings.review_wait_days, since=since,
                                           until=until, division=division, progress=progress)
    raise ValueError(f"no report {kind!r}: one of {', '.join(KINDS)}")


def render(kind: str, report: dict[str, Any], fmt: str, *, generated_at: str | None = None) -> bytes:
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=1).encode()
    if fmt == "csv":
        return csv_text(kind, report).encode()
    if fmt == "xlsx":
        from api.reports.xlsx import workbook  # openpyxl is imported only when a workbook is asked for

        return workbook(report_tables.tables(kind, report))
    if fmt == "html":
        from api.reports.html import render_html  # matplotlib likewise

        return render_html(kind, report, generated_at=generated_at).encode()
    raise ValueError(f"no format {fmt!r}: one of {', '.join(MEDIA_TYPES)}")


def csv_text(kind: str, report: dict[str, Any]) -> str:
    if kind == "supervision":  # the import layout: the rows' own keys as the header, detail as JSON
        keys = tuple((key, key) for key, _ in report_tables.SUPERVISION_COLUMNS)
        return table_csv(report_tables.Table("events", keys, report["rows"]))
    table = next(t for t in report_tables.tables(kind, report) if t.name == CSV_TABLE[kind])
    return table_csv(table)


def table_csv(table: report_tables.Table) -> str:
    """Every CSV the service writes (reports and list exports): text that a spreadsheet would run as a
    formula is kept as text (api/reports/cells.py)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.headers)
    writer.writerows([text_cell(v) for v in values] for values in table.values())
    return out.getvalue()
