"""An annual report assembled: the tables the registers give, the office's entries and corrections over them,
the narrative, the checks, and the layout to print it in (applications.md §3). `build` returns the report as
the API, the pages and every renderer read it, so a figure is the same in JSON, DOCX, XLSX and HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.annual import fmt21
from engine.annual.checks import Context, Correction, Finding, run
from engine.annual.table_three import Application, table_three
from engine.annual.table_two import COUNTED_AS_REPEALED, Instrument, table_two
from engine.applications.cases import DEFAULT_SCOPE, Case, Scope, check_links, table_four
from engine.applications.outcomes import OutcomeTable, default_table


@dataclass(frozen=True)
class Registers:
    """What the service read from its registers for the year."""

    instruments: Sequence[Instrument] = ()
    applications: Sequence[Application] = ()
    cases: Sequence[Case] = ()
    applications_concluded: Mapping[int, dt.date | None] = field(default_factory=dict)  # the cases' applications
    fees_collected: Decimal = Decimal(0)  # 信息处理费 paid in the year, 元
    overdue: Sequence[int] = ()  # applications answered after their deadline in the year


@dataclass(frozen=True)
class Draft:
    """What the office wrote and entered: the narrative, Table 二's hand-entered cells (value, source, who,
    when), and its corrections of computed cells."""

    year: int
    agency: str
    title: str = ""
    format: str = fmt21.FORMAT
    sections: Mapping[str, str] = field(default_factory=dict)
    manual: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    corrections: Sequence[Correction] = ()


def computed(registers: Registers, year: int, outcomes: OutcomeTable | None = None, scope: Scope | str = DEFAULT_SCOPE,
             counted_as_repealed: frozenset[str] = COUNTED_AS_REPEALED) -> tuple[dict[str, Any], dict[str, Any], list[int]]:
    """The computed cells {table: {row: {column: count}}}, the ids behind each, and the applications concluded
    without an outcome."""
    two = table_two(registers.instruments, year, counted_as_repealed)
    three = table_three(registers.applications, year, outcomes)
    four = table_four(registers.cases, year, scope)
    sources = {"two": two, "three": three.cells,
               "four": {g: {c: list(four.cells[(g, c)]) for c in (col.key for col in fmt21.FOUR_COLUMNS)}
                        for g, _, _ in fmt21.FOUR_GROUPS}}
    counts = {table: {row: {col: len(ids) for col, ids in cols.items()} for row, cols in rows.items()}
              for table, rows in sources.items()}
    return counts, sources, three.unplaced


def _stored(counts: Mapping[str, Any], draft: Draft) -> dict[str, dict[str, dict[str, Any]]]:
    """The tables as published: the computed cells, the corrections over them, and Table 二's entries (none
    until entered)."""
    tables: dict[str, dict[str, dict[str, Any]]] = {t: {r: dict(c) for r, c in rows.items()} for t, rows in counts.items()}
    for row, column in fmt21.MANUAL_ROWS.items():
        entry = draft.manual.get(row)
        tables["two"][row] = {column: None if entry is None else entry.get("value")}
    for fix in draft.corrections:
        if fix.row in tables.get(fix.table, {}) and fix.column in tables[fix.table][fix.row]:
            tables[fix.table][fix.row][fix.column] = fix.value
    return tables


def _finding(f: Finding) -> dict[str, Any]:
    return {"level": f.level, "check": f.check, "message": f.message,
            "cells": [{"table": t, "row": r, "column": c} for t, r, c in f.cells], "ids": list(f.ids)}


def layout(outcomes: OutcomeTable | None = None) -> dict[str, Any]:
    """The national layout, for the renderers: what spans what, every label exactly."""
    def columns(cols: Sequence[fmt21.Column]) -> list[dict[str, Any]]:
        return [{"key": c.key, "label": c.label, "group": c.group} for c in cols]

    return {
        "two": {"header": fmt21.TABLE_TWO_HEADER, "blocks": [
            {"caption": b.caption, "manual": b.manual, "columns": columns(b.columns),
             "rows": [{"key": k, "label": label} for k, label in b.rows]} for b in fmt21.TABLE_TWO]},
        "three": {"note": fmt21.THREE_NOTE, "span": fmt21.THREE_SPAN, "columns": columns(fmt21.THREE_COLUMNS),
                  "rows": [{"code": r.code, "label": r.label, "section": r.section, "group": r.group, "item": r.item}
                           for r in fmt21.three_rows(outcomes)]},
        "four": {"groups": [{"key": k, "label": label, "parent": parent} for k, label, parent in fmt21.FOUR_GROUPS],
                 "columns": columns(fmt21.FOUR_COLUMNS)},
    }


def build(draft: Draft, registers: Registers, *, last_year: Mapping[str, Any] | None = None,
          outcomes: OutcomeTable | None = None, scope: Scope | str = DEFAULT_SCOPE,
          counted_as_repealed: frozenset[str] = COUNTED_AS_REPEALED) -> dict[str, Any]:
    """The report: tables as published, computed cells and their sources, entries, corrections, findings."""
    table = outcomes or default_table()
    counts, sources, unplaced = computed(registers, draft.year, table, scope, counted_as_repealed)
    tables = _stored(counts, draft)
    case_findings = check_links(registers.cases, draft.year, registers.applications_concluded, scope)
    context = Context(computed=counts, corrections=draft.corrections, last_year=last_year,
                      narrative={k: draft.sections.get(k, "") for k in fmt21.NARRATIVE},
                      fees_collected=registers.fees_collected, unplaced=unplaced, overdue=registers.overdue,
                      case_findings=case_findings)
    findings = run(tables, context, fmt21.result_codes(table))
    if not (draft.title or draft.agency).strip():
        findings.insert(0, Finding("error", 12, "the report has no title: set the agency's name (GONGKAI_AGENCY_NAME) "
                                               "or write the title"))
    errors = sum(f.level == "error" for f in findings)
    return {
        "year": draft.year, "format": draft.format, "format_name": fmt21.FORMAT_NAME, "agency": draft.agency,
        "title": draft.title or (fmt21.report_title(draft.agency, draft.year) if draft.agency else ""), "scope": str(Scope(scope)),
        "sections": [{"key": key, "title": title, "text": draft.sections.get(key, "") if key in fmt21.NARRATIVE else None}
                     for key, title in fmt21.SECTIONS],
        "tables": tables, "computed": counts, "sources": sources,
        "manual": {k: dict(v) for k, v in draft.manual.items()},
        "corrections": [dict(vars(c)) for c in draft.corrections],
        "fees_collected": str(registers.fees_collected),
        "findings": [_finding(f) for f in findings],
        "errors": errors, "warnings": len(findings) - errors, "publishable": errors == 0,
        "layout": layout(table),
    }
