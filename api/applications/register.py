"""Registering an application from any channel (条例第二十九条、第三十一条): its legal receipt day by
engine/applications/receipt.py (or none yet: AWAITING_CONFIRMATION, no clock), a registration number from a
gapless counter per agency and year (〔2026〕第0001号), the receipt event, audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from api.applications.handle import record
from api.applications.replay import Step
from api.applications.schemas import ApplicationIn
from api.context import Actor, Context
from api.errors import Invalid
from engine.applications.receipt import Confirmation, Receipt, ReceiptError, Submission, receipt_of
from engine.workflow.working_days import china_date, today_in_china
from models.counters import next_value
from models.tables import ApplicationRow


def reg_no(year: int, serial: int) -> str:
    """The registration number printed on the receipt.

    >>> reg_no(2026, 1)
    '〔2026〕第0001号'
    """
    return f"〔{year}〕第{serial:04d}号"


def _receipt(body: ApplicationIn) -> Receipt:
    c = body.confirmation
    submission = Submission(body.channel, body.submitted_at, body.arrived_on, body.signed_for_on,
                            None if c is None else Confirmation(c.at, c.way, c.staff))
    try:
        return receipt_of(submission)
    except ReceiptError as error:
        raise Invalid(str(error), errors=[{"field": "channel", "message": str(error)}]) from None


def _recorded_on(body: ApplicationIn, receipt: Receipt) -> dt.date:
    """The day of the receipt event: the receipt day, or (awaiting confirmation) the day it came."""
    if receipt.received_on is not None:
        return receipt.received_on
    if body.arrived_on is not None:
        return body.arrived_on
    return china_date(body.submitted_at) if body.submitted_at is not None else today_in_china()


def register(session: Session, ctx: Context, actor: Actor, body: ApplicationIn) -> ApplicationRow:
    """Store the application and its receipt event; the caller commits."""
    receipt = _receipt(body)
    on = _recorded_on(body, receipt)
    if on > today_in_china():
        raise Invalid(f"the application is dated {on}, in the future")
    agency = ctx.settings.agency_code
    serial = next_value(session, f"application:{agency}:{on.year}")
    applicant = body.applicant
    c = receipt.confirmation
    row = ApplicationRow(
        agency=agency, reg_no=reg_no(on.year, serial), channel=body.channel, submitted_at=body.submitted_at,
        arrived_on=body.arrived_on, signed_for_on=body.signed_for_on, received_on=receipt.received_on,
        receipt_basis=receipt.basis, confirmed_at=c.at if c else None, confirmed_way=c.way if c else None,
        confirmed_by=c.staff if c else None, applicant_kind=applicant.kind, org_subtype=applicant.org_subtype,
        applicant={k: v for k, v in applicant.model_dump(exclude={"kind", "org_subtype"}).items() if v},
        agent=body.agent, description=body.description, items=body.items, form_requested=body.form_requested,
        delivery=body.delivery, purpose=body.purpose, handler_division=body.handler_division,
        status="awaiting_confirmation" if receipt.received_on is None else "registered", recorded_by=actor.name,
        deadline_provisional=False)
    session.add(row)
    session.flush()
    received = None if receipt.received_on is None else receipt.received_on.isoformat()
    step = Step("receive", on, actor.name, "", {"received_on": received, "warnings": list(receipt.warnings)})
    return record(session, ctx, actor, row, [], step, {"reg_no": row.reg_no})
