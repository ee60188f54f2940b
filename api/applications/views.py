"""Applications as the API sends them: a summary for lists, the case (timeline, clock, outcome and its
report row) for one. Dates as YYYY-MM-DD, timestamps as ISO 8601 (api/responses.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.applications.handle import steps_of
from api.applications.queries import OPEN_STATUSES
from api.applications.replay import clock_of
from api.context import Context
from engine.applications.clock import ClockRefused, ClockReport
from engine.applications.outcomes import OutcomeMappingError, default_table
from engine.vocabulary import APPLICATION_LABELS_ZH
from engine.workflow.working_days import today_in_china
from models.tables import ApplicationEventRow, ApplicationRow


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _stamp(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def summary(row: ApplicationRow, today: dt.date) -> dict[str, Any]:
    overdue = (row.status in OPEN_STATUSES and row.effective_deadline is not None
               and today > row.effective_deadline)
    return {"id": row.id, "reg_no": row.reg_no, "channel": row.channel, "received_on": _day(row.received_on),
            "applicant_name": (row.applicant or {}).get("name", ""), "description": row.description,
            "handler_division": row.handler_division, "status": row.status,
            "status_label": APPLICATION_LABELS_ZH.get(row.status, row.status), "outcome": row.outcome,
            "statutory_deadline": _day(row.statutory_deadline), "effective_deadline": _day(row.effective_deadline),
            "deadline_provisional": row.deadline_provisional, "overdue": overdue, "lock_version": row.lock_version}


def clock_view(report: ClockReport) -> dict[str, Any]:
    """The clock report as JSON: every date as text."""
    def plain(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, (tuple, list)):
            return [plain(v) for v in value]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return value
    return plain(report)  # type: ignore[no-any-return]


def _event(e: ApplicationEventRow) -> dict[str, Any]:
    record = (e.details or {}).get("record", {})
    return {"seq": e.seq, "kind": e.kind, "on": e.on.isoformat(), "at": e.at.isoformat(), "actor": e.actor,
            "role": e.role, "why": e.why, "from_status": e.from_status, "to_status": e.to_status,
            "details": {str(k): str(v) for k, v in record.items()}}


def _report_row(code: str | None, outcome: str | None) -> dict[str, str] | None:
    if code is None or outcome is None:
        return None
    try:
        return {"code": code, "label": default_table().mapping(outcome).row.label}
    except (OutcomeMappingError, KeyError):
        return {"code": code, "label": ""}


def full(session: Session, ctx: Context, row: ApplicationRow, today: dt.date | None = None) -> dict[str, Any]:
    """The case: the record, the timeline, the clock as on `today` (China), the outcome and its report row."""
    today = today or today_in_china()
    steps = steps_of(session, row)
    try:
        clock = clock_of(row.received_on, steps, ctx.calendar)
    except ClockRefused:  # the record was accepted with the calendar of its day; show the stored dates
        clock = None
    events = sorted(row_events(session, row), key=lambda e: e.seq)
    confirmation = None if row.confirmed_at is None else {
        "at": _stamp(row.confirmed_at), "way": row.confirmed_way or "", "staff": row.confirmed_by or ""}
    return {**summary(row, today), "agency": row.agency, "submitted_at": _stamp(row.submitted_at),
            "arrived_on": _day(row.arrived_on), "signed_for_on": _day(row.signed_for_on),
            "receipt_basis": row.receipt_basis, "confirmation": confirmation,
            "applicant": {"kind": row.applicant_kind, **({"org_subtype": row.org_subtype} if row.org_subtype else {}),
                          **{k: str(v) for k, v in (row.applicant or {}).items()}},
            "agent": row.agent, "items": row.items, "form_requested": row.form_requested, "delivery": row.delivery,
            "purpose": row.purpose, "outcome_label": APPLICATION_LABELS_ZH.get(row.outcome) if row.outcome else None,
            "report_row": _report_row(row.report_row, row.outcome), "concluded_on": _day(row.concluded_on),
            "recorded_by": row.recorded_by, "created_at": _stamp(row.created_at),
            "clock": None if clock is None else clock_view(clock.report(today)),
            "timeline": [_event(e) for e in events]}


def row_events(session: Session, row: ApplicationRow) -> list[ApplicationEventRow]:
    return list(session.scalars(select(ApplicationEventRow).where(ApplicationEventRow.application_id == row.id)))


def receipt_values(row: ApplicationRow) -> dict[str, Any]:
    """What the 申请登记回执 prints (data/letters/receipt.yaml), as plain values for api/letters."""
    return {"reg_no": row.reg_no, "applicant": (row.applicant or {}).get("name", ""), "received_on": row.received_on,
            "channel": row.channel, "description": row.description, "date": row.received_on,
            "receipt_basis": row.receipt_basis, "items": row.items, "form_requested": row.form_requested,
            "delivery": row.delivery, "deadline": row.effective_deadline or row.statutory_deadline,
            "clerk": row.recorded_by}
