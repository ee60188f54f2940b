"""Table 四 政府信息公开行政复议、行政诉讼情况 of the annual report (applications.md §3.3) counted from the case
register, and its checks (§3.4 check 4, an error; check 10, warnings).

Which cases a year counts is not defined by the format [U]. The default scope (applications.md §3.3) counts
the cases filed in the year plus the earlier cases concluded in it, each with its result as of 31 December:
a case concluded after the year's end is 尚未审结 for that year, and is counted again, with its result, in the
year it concludes. An earlier case still pending all through the year is not counted again. The scope is a
named setting, so legal staff who read the format otherwise change one value; `filed` (cases filed in the
year only) shows the seam.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from engine.applications.case_results import KIND_LABELS, CaseKind, CaseResult


class Scope(StrEnum):
    """Which cases a year's Table 四 counts."""

    FILED_OR_CONCLUDED = "filed_or_concluded"  # filed in the year, or filed earlier and concluded in it
    FILED = "filed"  # filed in the year only


DEFAULT_SCOPE = Scope.FILED_OR_CONCLUDED
PENDING, TOTAL = "pending", "total"
COLUMNS = (CaseResult.MAINTAINED.value, CaseResult.CORRECTED.value, CaseResult.OTHER.value, PENDING, TOTAL)
COLUMN_LABELS = {"maintained": "结果维持", "corrected": "结果纠正", "other": "其他结果", PENDING: "尚未审结",
                 TOTAL: "总计"}
GROUPS = tuple(k.value for k in CaseKind)


@dataclass(frozen=True)
class Case:
    """One case of the register as Table 四 reads it."""

    id: int
    kind: str
    filed_on: dt.date
    result: str | None = None  # none while pending
    concluded_on: dt.date | None = None
    application_id: int | None = None
    reconsideration_id: int | None = None


@dataclass(frozen=True)
class TableFour:
    """The 15 cells, each with the ids of the cases counted in it (sorted)."""

    year: int
    scope: Scope
    cells: Mapping[tuple[str, str], tuple[int, ...]]

    def count(self, group: str, column: str) -> int:
        return len(self.cells[(group, column)])

    def counts(self) -> dict[str, dict[str, int]]:
        """{group: {column: count}}, the shape the checks and the report read."""
        return {g: {c: self.count(g, c) for c in COLUMNS} for g in GROUPS}

    def case_ids(self) -> list[int]:
        return sorted({i for (_, column), ids in self.cells.items() if column == TOTAL for i in ids})


@dataclass(frozen=True)
class Finding:
    """A check's finding: `error` blocks publication, `warning` is shown (applications.md §3.4)."""

    level: str
    check: int
    message: str
    case_ids: tuple[int, ...] = ()


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def counted(case: Case, year: int, scope: Scope = DEFAULT_SCOPE) -> bool:
    """Whether `case` is counted in `year`'s table under `scope`.

    Examples:
        >>> old = Case(1, "reconsideration", dt.date(2024, 11, 3), "corrected", dt.date(2025, 2, 1))
        >>> counted(old, 2025), counted(old, 2025, Scope.FILED), counted(old, 2024)
        (True, False, True)
    """
    if case.filed_on.year == year:
        return True
    if Scope(scope) == Scope.FILED:
        return False
    return case.filed_on.year < year and case.concluded_on is not None and case.concluded_on.year == year


def column_of(case: Case, year: int) -> str:
    """The case's column as of 31 December of `year`: its result, or 尚未审结 when it concluded later or not yet."""
    if case.result is None or case.concluded_on is None or case.concluded_on > year_end(year):
        return PENDING
    return CaseResult(case.result).value


def table_four(cases: Iterable[Case], year: int, scope: Scope | str = DEFAULT_SCOPE) -> TableFour:
    """Table 四 of `year`: for each group and column the ids of the cases counted in it; 总计 holds every
    case of the group counted, so each group's 总计 is the sum of its other four cells by construction."""
    scope = Scope(scope)
    cells: dict[tuple[str, str], list[int]] = {(g, c): [] for g in GROUPS for c in COLUMNS}
    for case in cases:
        if not counted(case, year, scope):
            continue
        group = CaseKind(case.kind).value
        cells[(group, column_of(case, year))].append(case.id)
        cells[(group, TOTAL)].append(case.id)
    return TableFour(year, scope, {key: tuple(sorted(ids)) for key, ids in cells.items()})


def check_totals(counts: Mapping[str, Mapping[str, int]]) -> list[Finding]:
    """§3.4 check 4 (error): in each group 总计 = 维持 + 纠正 + 其他 + 尚未审结; with check 5, every cell a
    non-negative integer. Run on a table as stored (a report edited by hand), not only as computed."""
    findings: list[Finding] = []
    for group in GROUPS:
        row = counts.get(group) or {}
        label = KIND_LABELS[CaseKind(group)]
        bad = [c for c in COLUMNS if not isinstance(row.get(c), int) or isinstance(row.get(c), bool) or row[c] < 0]
        if bad:
            findings.append(Finding("error", 5, f"Table 四 {label}: " + ", ".join(COLUMN_LABELS[c] for c in bad)
                                    + " must be non-negative integers"))
            continue
        parts = sum(row[c] for c in COLUMNS[:4])
        if row[TOTAL] != parts:
            findings.append(Finding("error", 4, f"Table 四 {label}: 总计 {row[TOTAL]} is not 结果维持 + 结果纠正 + "
                                    f"其他结果 + 尚未审结 = {parts}"))
    return findings


def check_links(cases: Sequence[Case], year: int, applications_concluded: Mapping[int, dt.date | None],
                scope: Scope | str = DEFAULT_SCOPE) -> list[Finding]:
    """§3.4 check 10 (warnings) on the cases `year` counts: a case about an application not concluded by the
    end of the year (or not found: `applications_concluded` maps each linked application to its conclusion
    day, none while open); a 复议后起诉 without a matching 复议 case among `cases` (none named, not a
    reconsideration, or about another application)."""
    by_id = {c.id: c for c in cases}
    findings: list[Finding] = []
    for case in sorted((c for c in cases if counted(c, year, Scope(scope))), key=lambda c: c.id):
        if case.application_id is not None:
            concluded = applications_concluded.get(case.application_id)
            if concluded is None or concluded > year_end(year):
                findings.append(Finding("warning", 10, f"case {case.id} is about application {case.application_id}, "
                                        f"which was not concluded by {year_end(year)}", (case.id,)))
        if case.kind == CaseKind.LITIGATION_AFTER_RECONSIDERATION:
            problem = _unmatched(case, by_id)
            if problem:
                findings.append(Finding("warning", 10, f"case {case.id} (复议后起诉) {problem}", (case.id,)))
    return findings


def _unmatched(case: Case, by_id: Mapping[int, Case]) -> str | None:
    followed = by_id.get(case.reconsideration_id) if case.reconsideration_id is not None else None
    if followed is None or followed.kind != CaseKind.RECONSIDERATION:
        return "has no matching 复议 case in the register"
    if None not in (case.application_id, followed.application_id) and case.application_id != followed.application_id:
        return (f"follows 复议 case {followed.id}, which is about application {followed.application_id}, "
                f"not {case.application_id}")
    return None


def checks(table: TableFour, cases: Sequence[Case], applications_concluded: Mapping[int, dt.date | None]) -> list[Finding]:
    """Every check of Table 四: the errors first, then the warnings."""
    return check_totals(table.counts()) + check_links(cases, table.year, applications_concluded, table.scope)
