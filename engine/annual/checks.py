"""The checks of an annual report (applications.md §3.4), run on the report as it would be published (the
computed tables with the office's corrections and entries): errors block publication, warnings are shown.
Every finding names the cells involved, so a page can mark them.

Errors: 1 Table 三 balances per column (一 + 二 = （七） + 四); 2 （七） is the sum of the 21 result rows; 3 总计
is the sum of the six applicant columns; 4 Table 四 group totals; 5 every cell a non-negative integer (the fee
amount a non-negative decimal) and every hand-entered cell entered; 6 this year's 二 equals last year's 四;
7 every computed cell equals the register, unless a correction with a reason, made against what the register
still gives, says otherwise; 12 the narrative sections are written (条例第五十条).
Warnings: 8 Table 二 carries over (现行有效 = last year's + 制发 − 废止); 9 figures quoted in the narrative match
the tables and the fee ledger; 10 Table 四's cases and their applications; 11 answers given late are reported
in section 五.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.annual import fmt21
from engine.annual.fmt21 import APPLICANT_COLUMNS, CARRIED_IN, CARRIED_OUT, NEW, SUM, TOTAL
from engine.annual.narrative import quoted
from engine.applications.cases import check_totals

Cell = tuple[str, str, str]  # (table, row, column): table is two, three or four
Tables = Mapping[str, Mapping[str, Mapping[str, Any]]]


@dataclass(frozen=True)
class Finding:
    level: str  # error | warning
    check: int
    message: str
    cells: tuple[Cell, ...] = ()
    ids: tuple[int, ...] = ()  # the applications, cases or items behind it, where there are some


@dataclass(frozen=True)
class Correction:
    """A computed cell the office changed: what the register gave when it did, the value, and why."""

    table: str
    row: str
    column: str
    computed: int
    value: int
    reason: str
    by: str = ""
    at: str = ""

    @property
    def cell(self) -> Cell:
        return (self.table, self.row, self.column)


@dataclass(frozen=True)
class Context:
    """What the checks compare the report with besides itself."""

    computed: Tables  # the tables as the registers give them now (Table 二 block （一）, 三, 四)
    corrections: Sequence[Correction] = ()
    last_year: Tables | None = None  # last year's report as stored, when it is in the system
    narrative: Mapping[str, str] = field(default_factory=dict)
    fees_collected: Decimal = Decimal(0)  # 信息处理费 paid in the year, 元 (the fee ledger)
    unplaced: Sequence[int] = ()  # applications concluded in the year without an outcome
    overdue: Sequence[int] = ()  # applications answered after their deadline in the year
    case_findings: Sequence[Any] = ()  # engine.applications.cases.check_links findings (check 10)


def run(tables: Tables, context: Context, result_codes: Sequence[str]) -> list[Finding]:
    """Every check; errors first, then warnings, each in check order."""
    findings = (_cells_valid(tables) + _balance(tables, result_codes) + _four(tables) + _carry(tables, context)
                + _register(tables, context) + _unplaced(context) + _narrative_written(context)
                + _two_carry(tables, context) + _quoted(tables, context) + _cases(context) + _late(context))
    return sorted(findings, key=lambda f: (f.level != "error", f.check))


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _cells_valid(tables: Tables) -> list[Finding]:
    """Check 5: counts are non-negative integers, the fee amount a non-negative decimal; a hand-entered cell
    not yet entered blocks publication (an agency with nothing to report enters 0, with its source)."""
    bad: list[Cell] = []
    missing: list[Cell] = []
    for table in ("two", "three", "four"):
        for row, cols in (tables.get(table) or {}).items():
            for col, value in cols.items():
                if value is None:
                    missing.append((table, row, col))
                elif table == "two" and row == "fees":
                    if not _amount(value):
                        bad.append((table, row, col))
                elif not _int(value):
                    bad.append((table, row, col))
    out = []
    if bad:
        out.append(Finding("error", 5, "cells must be non-negative integers (the fee amount a non-negative number "
                           "of 万元): " + ", ".join(_name(c) for c in bad), tuple(bad)))
    if missing:
        out.append(Finding("error", 5, "not entered yet (enter 0, with its source, when there is nothing to report): "
                           + ", ".join(_name(c) for c in missing), tuple(missing)))
    return out


def _amount(value: Any) -> bool:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return False
    return amount.is_finite() and amount >= 0 and not isinstance(value, bool)


def _name(cell: Cell) -> str:
    table, row, column = cell
    if table == "two":
        return f"Table 二 {fmt21.ROW_LABELS_TWO.get(row, row)}"
    if table == "three":
        return f"Table 三 {row} {_three_column(column)}"
    return f"Table 四 {_four_group(row)} {dict((c.key, c.label) for c in fmt21.FOUR_COLUMNS).get(column, column)}"


def _three_column(key: str) -> str:
    return {c.key: c.label for c in fmt21.THREE_COLUMNS}.get(key, key)


def _four_group(key: str) -> str:
    return {g: label for g, label, _ in fmt21.FOUR_GROUPS}.get(key, key)


def _counts(tables: Tables, table: str) -> Mapping[str, Mapping[str, Any]] | None:
    """The table when all its cells are integers (the arithmetic checks skip what check 5 already refuses)."""
    found = tables.get(table) or {}
    return found if all(_int(v) for cols in found.values() for v in cols.values()) else None


def _balance(tables: Tables, result_codes: Sequence[str]) -> list[Finding]:
    """Checks 1, 2 and 3 on Table 三."""
    three = _counts(tables, "three")
    if three is None:
        return []
    out = []
    for col in (*APPLICANT_COLUMNS, TOTAL):
        left, right = three[NEW][col] + three[CARRIED_IN][col], three[SUM][col] + three[CARRIED_OUT][col]
        if left != right:
            cells = tuple(("three", r, col) for r in (NEW, CARRIED_IN, SUM, CARRIED_OUT))
            out.append(Finding("error", 1, f"Table 三 {_three_column(col)}: 一 + 二 = {left} is not （七）总计 + 四 = "
                               f"{right} (一+二≠（七）+四)", cells))
        results = sum(three[code][col] for code in result_codes)
        if results != three[SUM][col]:
            out.append(Finding("error", 2, f"Table 三 {_three_column(col)}: （七）总计 {three[SUM][col]} is not the sum of "
                               f"the 21 result rows ({results})", (("three", SUM, col),)))
    for row, cols in three.items():
        parts = sum(cols[c] for c in APPLICANT_COLUMNS)
        if parts != cols[TOTAL]:
            out.append(Finding("error", 3, f"Table 三 {row}: 总计 {cols[TOTAL]} is not the sum of the six applicant "
                               f"columns ({parts})", (("three", row, TOTAL),)))
    return out


def _four(tables: Tables) -> list[Finding]:
    """Check 4 on Table 四 (its non-negative integers are check 5's)."""
    four = _counts(tables, "four")
    if four is None:
        return []
    return [Finding("error", 4, f.message, tuple(("four", g, "total") for g, label, _ in fmt21.FOUR_GROUPS
                                                 if label in f.message))
            for f in check_totals(four) if f.check == 4]


def _carry(tables: Tables, context: Context) -> list[Finding]:
    """Check 6: this year's 二 equals last year's 四, per column, when last year's report is in the system."""
    three, last = _counts(tables, "three"), context.last_year and (context.last_year.get("three") or {})
    if three is None or not last or CARRIED_OUT not in last:
        return []
    return [Finding("error", 6, f"Table 三 {_three_column(col)}: 二 上年结转 {three[CARRIED_IN][col]} is not last year's "
                    f"四 结转下年度继续办理 {last[CARRIED_OUT].get(col)}", (("three", CARRIED_IN, col),))
            for col in (*APPLICANT_COLUMNS, TOTAL) if three[CARRIED_IN][col] != last[CARRIED_OUT].get(col)]


def _register(tables: Tables, context: Context) -> list[Finding]:
    """Check 7: every computed cell as the register gives it, or corrected with a reason against what the
    register still gives (a correction made when the register said otherwise must be looked at again)."""
    corrected = {c.cell: c for c in context.corrections}
    out = []
    for table, rows in context.computed.items():
        for row, cols in rows.items():
            for col, register in cols.items():
                cell = (table, row, col)
                stored = (tables.get(table) or {}).get(row, {}).get(col)
                fix = corrected.get(cell)
                if fix is not None and fix.computed != register:
                    out.append(Finding("error", 7, f"{_name(cell)}: corrected to {fix.value} when the register gave "
                                       f"{fix.computed}; it now gives {register}: confirm or withdraw the correction",
                                       (cell,)))
                elif fix is None and stored != register:
                    out.append(Finding("error", 7, f"{_name(cell)} is {stored}, the register gives {register}, and no "
                                       "correction with a reason says why", (cell,)))
                elif fix is not None and not fix.reason.strip():
                    out.append(Finding("error", 7, f"{_name(cell)}: a correction needs a reason", (cell,)))
    return out


def _unplaced(context: Context) -> list[Finding]:
    if not context.unplaced:
        return []
    ids = tuple(context.unplaced)
    return [Finding("error", 7, f"{len(ids)} applications concluded in the year have no outcome and are counted in "
                    f"no result row: {', '.join(map(str, ids[:20]))}", (), ids)]


def _narrative_written(context: Context) -> list[Finding]:
    """条例第五十条: the report has its narrative sections (六 may say there is nothing to report)."""
    titles = dict(fmt21.SECTIONS)
    empty = [titles[key] for key in fmt21.NARRATIVE if not (context.narrative.get(key) or "").strip()]
    return [Finding("error", 12, "sections not written yet (条例第五十条): " + "、".join(empty))] if empty else []


def _two_carry(tables: Tables, context: Context) -> list[Finding]:
    """Check 8 (warning): 现行有效(Y) = 现行有效(Y−1) + 本年制发(Y) − 本年废止(Y); an amendment can break it."""
    two, last = tables.get("two") or {}, (context.last_year or {}).get("two") or {}
    out = []
    for row in ("regulations", "normative_documents"):
        now, before = two.get(row) or {}, last.get(row) or {}
        values = [now.get("in_force"), now.get("issued"), now.get("repealed"), before.get("in_force")]
        if not before or not all(_int(v) for v in values):
            continue
        expected = before["in_force"] + now["issued"] - now["repealed"]
        if now["in_force"] != expected:
            out.append(Finding("warning", 8, f"Table 二 {fmt21.ROW_LABELS_TWO[row]}: 现行有效 {now['in_force']} is not last "
                               f"year's {before['in_force']} + 本年制发 {now['issued']} − 本年废止 {now['repealed']} = "
                               f"{expected}", tuple(("two", row, c) for c in ("issued", "repealed", "in_force"))))
    return out


# What each quoted figure is held to: (table, row, column) of the report, or the fee ledger.
_QUOTED_CELLS: dict[str, Cell] = {
    "received": ("three", NEW, TOTAL), "carried_in": ("three", CARRIED_IN, TOTAL),
    "concluded": ("three", SUM, TOTAL), "carried_out": ("three", CARRIED_OUT, TOTAL),
    "reconsideration": ("four", "reconsideration", "total"),
}


def _quoted(tables: Tables, context: Context) -> list[Finding]:
    """Check 9 (warning): the figures quoted in sections 一、五、六 against the tables and the fee ledger."""
    titles = dict(fmt21.SECTIONS)
    out = []
    for figure in quoted(dict(context.narrative)):
        if figure.what == "fees":
            if figure.value != context.fees_collected:
                out.append(Finding("warning", 9, f"{titles[figure.section]} says “{figure.sentence}”: the fee ledger "
                                   f"has {context.fees_collected} 元 of 信息处理费 paid in the year"))
            continue
        if figure.what == "litigation":
            cells = tuple(("four", g, "total") for g in ("litigation_direct", "litigation_after_reconsideration"))
        else:
            cells = (_QUOTED_CELLS[figure.what],)
        values = [(tables.get(t) or {}).get(r, {}).get(c) for t, r, c in cells]
        expected: Any = sum(v for v in values if _int(v)) if all(_int(v) for v in values) else values[0]
        if figure.value != expected:
            out.append(Finding("warning", 9, f"{titles[figure.section]} says “{figure.sentence}”, but "
                               f"{' + '.join(_name(c) for c in cells)} is {expected}", cells))
    return out


def _cases(context: Context) -> list[Finding]:
    return [Finding("warning", 10, f.message, (), tuple(f.case_ids)) for f in context.case_findings]


# Lateness said of the agency's answering, in one clause: 答复超期, 逾期答复, 未在法定期限内答复, 办理不及时 — not the
# applicant's own (申请人逾期未补正, 逾期未缴费), which says nothing about the agency's answers.
_LATE_WORD = r"(?:超期|逾期|超时|超过[^，,。；;]{0,6}期限|未在[^，,。；;]{0,8}期限内|未按期|不及时)"
_ANSWER_WORD = r"(?:答复|办理|办结|回复)"
_LATE = re.compile(rf"{_LATE_WORD}[^，,。；;]{{0,8}}{_ANSWER_WORD}|{_ANSWER_WORD}[^，,。；;]{{0,8}}{_LATE_WORD}")


def _late(context: Context) -> list[Finding]:
    """Check 11 (warning): timeliness is no row of Table 三; answers given late belong in section 五."""
    if not context.overdue:
        return []
    problems = context.narrative.get("problems") or ""
    if _LATE.search(problems):
        return []
    ids = tuple(context.overdue)
    return [Finding("warning", 11, f"{len(ids)} applications were answered after their deadline this year "
                    f"({', '.join(map(str, ids[:20]))}); section 五、存在的主要问题及改进情况 does not mention it", (), ids)]
