"""Reading the case register: one case, the list with its filters, an application's cases, and Table 四 of a
year (engine/applications/cases.py counts it; here the register is read and the answer written). Readers of
cases (the office, supervision, the admin) see every application, so nothing here is narrowed by division.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from api.applications.cases import follow_warnings
from engine.applications.case_results import KIND_LABELS, CaseKind
from engine.applications.cases import (
    COLUMN_LABELS,
    COLUMNS,
    DEFAULT_SCOPE,
    GROUPS,
    PENDING,
    Case,
    Scope,
    checks,
    table_four,
    year_end,
)
from models.application_records import CaseRow
from models.tables import ApplicationRow, AuditEventRow


def warnings_of(session: Session, row: CaseRow) -> list[str]:
    """The warnings a case carries while it is as it is (a 复议后起诉 whose 复议 had not ended before it)."""
    if row.reconsideration_id is None:
        return []
    followed = session.get(CaseRow, row.reconsideration_id)
    return [] if followed is None else follow_warnings(followed, row.filed_on, row.application_id)


def corrections_of(session: Session, ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each case's corrections as the audit log recorded them (case:correct: when, who, what, why), oldest
    first; corrections are rare, so the log's case:correct events are read whole and sorted out here."""
    wanted = set(ids)
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in wanted}
    rows = session.scalars(select(AuditEventRow).where(AuditEventRow.action == "case:correct")
                           .order_by(AuditEventRow.seq))
    for event in rows:
        after, before = event.after or {}, event.before or {}
        if after.get("case_id") in wanted:
            changed = list(after.get("changed") or [])
            found[after["case_id"]].append({
                "at": event.at.isoformat(), "actor": event.actor, "reason": str(after.get("reason", "")),
                "changes": [{"field": f, "before": _shown(before.get(f)), "after": _shown(after.get(f))}
                            for f in changed]})
    return found


def _shown(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def view(session: Session, row: CaseRow, warnings: Sequence[str] | None = None,
         corrections: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The answer for one case (its corrections read from the audit log unless given)."""
    column = PENDING if row.result is None else row.result
    return {
        "id": row.id, "kind": row.kind, "kind_label": KIND_LABELS[CaseKind(row.kind)], "case_number": row.case_number,
        "body": row.body, "application_id": row.application_id, "reconsideration_id": row.reconsideration_id,
        "subject": row.subject, "filed_on": row.filed_on.isoformat(), "decision": row.decision or None,
        "result": row.result, "result_label": COLUMN_LABELS[column],
        "concluded_on": row.concluded_on.isoformat() if row.concluded_on else None, "recorded_by": row.recorded_by,
        "created_at": row.created_at.isoformat(), "lock_version": row.lock_version,
        "warnings": list(warnings) if warnings is not None else warnings_of(session, row),
        "corrections": list(corrections) if corrections is not None else corrections_of(session, [row.id])[row.id]}


def views(session: Session, rows: Sequence[CaseRow]) -> list[dict[str, Any]]:
    """The answers for a page of cases, their corrections read once."""
    corrections = corrections_of(session, (r.id for r in rows))
    return [view(session, r, corrections=corrections[r.id]) for r in rows]


def _in_year(year: int) -> ColumnElement[bool]:
    start, end = dt.date(year, 1, 1), year_end(year)
    return or_(CaseRow.filed_on.between(start, end), CaseRow.concluded_on.between(start, end))


def cases(session: Session, agency: str, *, limit: int, offset: int, year: int | None = None,
          kind: CaseKind | None = None, pending: bool | None = None,
          application_id: int | None = None) -> tuple[int, list[CaseRow]]:
    """The agency's cases matching the filters (year: filed or concluded in it), the earliest filed first."""
    conditions: list[ColumnElement[bool]] = [CaseRow.agency == agency]
    if year is not None:
        conditions.append(_in_year(year))
    if kind is not None:
        conditions.append(CaseRow.kind == kind.value)
    if pending is not None:
        conditions.append(CaseRow.result.is_(None) if pending else CaseRow.result.is_not(None))
    if application_id is not None:
        conditions.append(CaseRow.application_id == application_id)
    total = session.scalar(select(func.count()).select_from(CaseRow).where(*conditions)) or 0
    rows = session.scalars(select(CaseRow).where(*conditions).order_by(CaseRow.filed_on, CaseRow.id)
                           .limit(limit).offset(offset))
    return total, list(rows)


def _case(row: CaseRow) -> Case:
    return Case(row.id, row.kind, row.filed_on, row.result, row.concluded_on, row.application_id,
                row.reconsideration_id)


def _counted_rows(session: Session, agency: str, year: int) -> list[CaseRow]:
    """Every case the widest scope could count in `year` (the engine decides), and the 复议 cases they follow."""
    start, end = dt.date(year, 1, 1), year_end(year)
    rows = list(session.scalars(select(CaseRow).where(
        CaseRow.agency == agency, CaseRow.filed_on <= end,
        or_(CaseRow.filed_on >= start, and_(CaseRow.concluded_on >= start, CaseRow.concluded_on <= end)))))
    have = {r.id for r in rows}
    wanted = {r.reconsideration_id for r in rows if r.reconsideration_id is not None} - have
    if wanted:
        rows += session.scalars(select(CaseRow).where(CaseRow.agency == agency, CaseRow.id.in_(wanted)))
    return rows


def _concluded(session: Session, ids: Iterable[int]) -> dict[int, dt.date | None]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    found = session.execute(select(ApplicationRow.id, ApplicationRow.concluded_on).where(ApplicationRow.id.in_(wanted)))
    return {i: on for i, on in found}


def table(session: Session, agency: str, year: int, scope: Scope = DEFAULT_SCOPE) -> dict[str, Any]:
    """Table 四 of `year` with each cell's case ids and the checks (errors, then warnings)."""
    register = [_case(r) for r in _counted_rows(session, agency, year)]
    four = table_four(register, year, scope)
    linked = _concluded(session, (c.application_id for c in register if c.application_id is not None))
    groups = [{"group": g, "label": KIND_LABELS[CaseKind(g)],
               "cells": [{"column": c, "label": COLUMN_LABELS[c], "count": four.count(g, c),
                          "case_ids": list(four.cells[(g, c)])} for c in COLUMNS]} for g in GROUPS]
    findings = [{"level": f.level, "check": f.check, "message": f.message, "case_ids": list(f.case_ids)}
                for f in checks(four, register, linked)]
    return {"year": year, "scope": four.scope.value, "as_of": year_end(year).isoformat(), "groups": groups,
            "checks": findings}
