"""What a report is. Each report declares itself once, at the end of its own module
(api/reports/statistics.py, accuracy.py, supervision.py: `REPORT = Report(...)`), and
api/reports/registry.REPORTS lists the declarations. Everything that offers reports reads them: the
routes (api/routes/reports.py makes one route per report), `gongkai report`'s choices and handler,
the XLSX sheets, the CSV, the HTML page's title and contents.

Adding a report is a module (its build function, tables, page, `…Out` model and `REPORT`) and one
line in registry.REPORTS (tests/service/test_report_registry.py adds one that way).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

from pydantic import BaseModel
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from api.reports.page import Page
    from api.reports.tables import Table
    from api.settings import Settings

# progress(what, done, total): called every few thousand items, so a long run can show how far it is.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Dates:
    """What a report's date range selects: the query parameters that give it (`gongkai report`'s
    --from/--to), what they mean, and the page's heading for it."""

    start: str
    end: str
    meaning: str
    zh: str


CLOSING_DATES = Dates("closed_from", "closed_to", "items by closing date (办结日期)", "办结日期")
EVENT_DATES = Dates("since", "until", "events by the day they happened", "事件日期")


@dataclass(frozen=True)
class Asked:
    """What a report is asked for: the day it is made (China date), a division, and a date range in the
    report's Dates, each inclusive; `only` narrows the items (a readable_only report)."""

    today: dt.date
    division: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    progress: Progress | None = None
    only: ColumnElement[bool] | None = None


Figures = Mapping[str, Any]  # a report as its build function returns it (and the API sends it)


@dataclass(frozen=True)
class Report:
    """One report, everything the service needs to offer it.

    kind: its name in /v1/reports/{kind}, `gongkai report KIND` and the file names.
    title: its Chinese title, the HTML page's heading.
    summary, description: the route's OpenAPI summary and description.
    build: (session, settings, asked) -> the report as a dict of JSON values; its keys and their order
        are `out`'s fields.
    out: the `…Out` model of that dict: the route's response_model, so /openapi.json says what it answers.
    tables: the report as named tables with Chinese headers: the XLSX sheets, the tables under the page.
    page: the HTML page's key figures, charts and notes (api/reports/page.py).
    csv_table: the table the CSV carries; `csv_layout`, when given, makes that table instead (a layout
        of its own, such as supervision's import layout).
    action: what a caller's role must allow (api/access/roles.PERMISSIONS).
    dates: what its date range selects, and the query parameters that give it.
    readable_only: figures over the items the caller may read (api/access/visibility.rule_figures), and the
        JSON says whether it was narrowed so (`readable_only`).
    """

    kind: str
    title: str
    summary: str
    build: Callable[[Session, Settings, Asked], dict[str, Any]]
    out: type[BaseModel]
    tables: Callable[[Figures], list[Table]]
    page: Callable[[Figures], Page]
    csv_table: str
    action: str
    dates: Dates
    description: str | None = None
    csv_layout: Callable[[Figures], Table] | None = None
    readable_only: bool = False

    def csv(self, figures: Figures) -> Table:
        if self.csv_layout is not None:
            return self.csv_layout(figures)
        return next(t for t in self.tables(figures) if t.name == self.csv_table)
