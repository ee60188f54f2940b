"""Table 三 收到和处理政府信息公开申请情况 counted from the application register (applications.md §3.2).

Per applicant column (the principal applicant's kind at registration):
- 一: received in the year (the first registration day; a corrected copy is not a new application);
- 二: received before the year and not concluded before 1 January (so it equals last year's 四);
- a result row: concluded in the year with an outcome of that row (the outcome → row mapping is data);
- （七）: the sum of the 21 result rows; 四: received by 31 December and not concluded by then.
An application concluded in the year without an outcome cannot be counted in any row: it is returned as
unplaced, and the report's checks name it (it would otherwise break 一 + 二 = （七） + 四 silently).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from engine.annual.fmt21 import APPLICANT_COLUMNS, CARRIED_IN, CARRIED_OUT, NEW, SUM, TOTAL, result_codes
from engine.applications.outcomes import OutcomeTable, default_table


@dataclass(frozen=True)
class Application:
    """One application as Table 三 reads it. `column`: natural_person or the organisation's kind."""

    id: int
    column: str
    received_on: dt.date | None
    concluded_on: dt.date | None = None
    outcome: str | None = None


@dataclass
class TableThree:
    """The counts {row code: {column: n}} with the ids behind every cell, and what could not be placed."""

    year: int
    cells: dict[str, dict[str, list[int]]]
    unplaced: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        return {row: {col: len(ids) for col, ids in cols.items()} for row, cols in self.cells.items()}


def column_of(applicant_kind: str, org_subtype: str | None) -> str:
    """The Table 三 column of an applicant: 自然人, or the organisation's kind (其他 when none was recorded).

    Examples:
        >>> column_of("natural_person", None), column_of("legal_person", "research"), column_of("legal_person", None)
        ('natural_person', 'research', 'other')
    """
    if applicant_kind == "natural_person":
        return "natural_person"
    return org_subtype if org_subtype in APPLICANT_COLUMNS[1:] else "other"


def table_three(applications: Iterable[Application], year: int, outcomes: OutcomeTable | None = None) -> TableThree:
    table = outcomes or default_table()
    codes = (NEW, CARRIED_IN, *result_codes(table), SUM, CARRIED_OUT)
    cells: dict[str, dict[str, list[int]]] = {code: {c: [] for c in (*APPLICANT_COLUMNS, TOTAL)} for code in codes}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    unplaced: list[int] = []

    def put(code: str, app: Application) -> None:
        cells[code][app.column].append(app.id)
        cells[code][TOTAL].append(app.id)

    for app in applications:
        if app.received_on is None or app.received_on > end:
            continue  # not yet received (an online submission awaiting confirmation), or received later
        if app.concluded_on is not None and app.concluded_on < start:
            continue  # concluded in an earlier year
        put(NEW if app.received_on >= start else CARRIED_IN, app)
        if app.concluded_on is None or app.concluded_on > end:
            put(CARRIED_OUT, app)
        elif app.outcome is None:
            unplaced.append(app.id)
        else:
            put(table.row_of(app.outcome).code, app)
            put(SUM, app)
    for cols in cells.values():
        for ids in cols.values():
            ids.sort()
    return TableThree(year, cells, sorted(unplaced))


def sum_rows(counts: Mapping[str, Mapping[str, int]], codes: Iterable[str], column: str) -> int:
    return sum(int(counts[code][column]) for code in codes)
