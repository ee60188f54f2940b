"""The year's report as the API, the pages and the files show it: while a draft, computed afresh from the
registers with the office's entries and corrections and checked; once submitted, exactly as submitted
(`frozen`), with where its item stands. Last year's report, when in the system, is read for checks 6 and 8.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.annual import sources
from api.errors import Invalid
from api.settings import Settings
from engine.annual import fmt21
from engine.annual.checks import Correction
from engine.annual.report import Draft, build
from engine.vocabulary import Store
from models.annual_records import AnnualReportRow
from models.tables import ItemRow


def check_year(year: int, today: dt.date) -> None:
    try:
        fmt21.check_year(year, today.year)
    except fmt21.FormatError as error:
        raise Invalid(str(error), field="year") from None


def row_of(session: Session, agency: str, year: int) -> AnnualReportRow | None:
    return session.scalar(select(AnnualReportRow).where(AnnualReportRow.agency == agency, AnnualReportRow.year == year))


def deadline(settings: Settings, year: int) -> dt.date:
    """条例第四十九条: a department publishes the year's report by 31 January of the next year (a local
    government's, by 31 March: the setting)."""
    return fmt21.deadline(year, settings.annual_report_deadline)


def draft_of(row: AnnualReportRow | None, settings: Settings, year: int) -> Draft:
    if row is None:
        return Draft(year=year, agency=settings.agency_name)
    return Draft(year=year, agency=settings.agency_name, title=row.title, format=row.format,
                 sections=dict(row.sections or {}), manual=dict(row.manual or {}),
                 corrections=[Correction(**c) for c in row.corrections or []])


def computed(session: Session, settings: Settings, year: int, row: AnnualReportRow | None,
             last_year: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report as the registers give it now, with the office's draft over it."""
    registers = sources.registers(session, settings.agency_code, year)
    return build(draft_of(row, settings, year), registers, last_year=last_year, scope=settings.case_scope)


def _last_year(session: Session, settings: Settings, year: int) -> dict[str, Any] | None:
    """Last year's tables as reported: as submitted, or its draft as it stands; none when not in the system."""
    row = row_of(session, settings.agency_code, year - 1)
    if row is None:
        return None
    if row.frozen is not None:
        return dict(row.frozen["tables"])
    return dict(computed(session, settings, year - 1, row)["tables"])


def _state(session: Session, row: AnnualReportRow | None) -> dict[str, Any]:
    item = session.get(ItemRow, row.item_id) if row is not None and row.item_id is not None else None
    published = item is not None and item.store == Store.PROACTIVE.value
    status = "published" if published else (row.status if row is not None else "draft")
    return {
        "status": status, "version": row.lock_version if row is not None else 0,
        "item_id": item.id if item is not None else None,
        "item_status": item.status if item is not None else None,
        "submitted_by": row.submitted_by if row is not None else None,
        "submitted_at": row.submitted_at.isoformat() if row is not None and row.submitted_at else None,
        "published_at": item.routed_at.isoformat() if published and item is not None and item.routed_at else None,
    }


def _moved_since(frozen: dict[str, Any], now: dict[str, Any]) -> list[dict[str, Any]]:
    """Check 7 on a submitted report, as a warning: the cells the registers give differently since it was
    submitted (a late entry, a case concluded afterwards). The report stays as submitted; a published one is
    corrected by a new report, not rewritten."""
    before = frozen.get("computed") or {}
    cells = [{"table": t, "row": r, "column": c} for t, rows in now.items() for r, cols in rows.items()
             for c, value in cols.items() if before.get(t, {}).get(r, {}).get(c) != value]
    if not cells:
        return []
    named = ", ".join(f"{c['table']} {c['row']} {c['column']}" for c in cells[:10])
    return [{"level": "warning", "check": 7, "cells": cells, "ids": [],
             "message": f"the registers have changed since the report was submitted: {len(cells)} cells differ ({named})"}]


def report(session: Session, settings: Settings, year: int, today: dt.date) -> dict[str, Any]:
    check_year(year, today)
    row = row_of(session, settings.agency_code, year)
    if row is not None and row.frozen is not None:
        view = dict(row.frozen)
        moved = _moved_since(view, computed(session, settings, year, row)["computed"])
        view["findings"] = view["findings"] + moved
        view["warnings"] = view["warnings"] + len(moved)
    else:
        view = computed(session, settings, year, row, _last_year(session, settings, year))
        if year >= today.year:
            view["findings"] = view["findings"] + [{
                "level": "warning", "check": 0, "cells": [], "ids": [],
                "message": f"{year} has not ended: the figures will change until 31 December"}]
            view["warnings"] += 1
    view.update(_state(session, row))
    view["deadline"] = deadline(settings, year).isoformat()
    return view


def listing(session: Session, settings: Settings) -> list[dict[str, Any]]:
    rows = session.scalars(select(AnnualReportRow).where(AnnualReportRow.agency == settings.agency_code)
                           .order_by(AnnualReportRow.year.desc())).all()
    return [{"year": r.year, "format": r.format, "title": r.title or (fmt21.report_title(settings.agency_name, r.year) if settings.agency_name else ""),
             "deadline": deadline(settings, r.year).isoformat(), **_state(session, r)} for r in rows]
