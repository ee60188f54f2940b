"""Handling an application: every transition through the lifecycle (engine/applications/lifecycle.py), the
answer clock recomputed from the whole record and its deadlines stored, each transition audited.

A refusal of the law (LifecycleError, ClockRefused) is 409 naming the rule and its article; a missing fact
is 422; someone else's change since the caller read the application (lock_version) is 409.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from api.applications import fee_assessment
from api.applications.replay import Step, clock_of, state_of, then
from api.applications.schemas import AssignIn, ConfirmIn, EventIn
from api.context import Actor, Context
from api.errors import Conflict, Invalid, NotFound
from engine.applications import lifecycle as lc
from engine.applications.clock import AnswerClock, ClockRefused
from engine.applications.clock_events import Extension
from engine.applications.receipt import Channel, Confirmation, ReceiptError, Submission, receipt_of
from engine.workflow.working_days import china_date, today_in_china
from models import audit
from models.tables import ApplicationEventRow, ApplicationRow


class Refused(Exception):
    """A domain refusal with its rule and article, for the 409 answer."""

    def __init__(self, rule: str, article: str, message: str) -> None:
        super().__init__(message)
        self.rule, self.article, self.message = rule, article, message


ASSIGN = "assign"  # stored with the lifecycle's events, but not one of its arrows: the replay skips it


def steps_of(session: Session, row: ApplicationRow) -> list[Step]:
    """The lifecycle's steps of `row`, in order (the assignments to a division left out)."""
    events = session.scalars(select(ApplicationEventRow).where(ApplicationEventRow.application_id == row.id,
                                                               ApplicationEventRow.kind != ASSIGN)
                             .order_by(ApplicationEventRow.seq))
    return [Step(e.kind, e.on, e.actor, e.why, (e.details or {}).get("params", {})) for e in events]


def _next_seq(session: Session, row: ApplicationRow) -> int:
    with session.no_autoflush:  # the row may be half-changed (a confirmation before its status)
        last = session.scalar(select(func.max(ApplicationEventRow.seq))
                              .where(ApplicationEventRow.application_id == row.id))
    return int(last or 0) + 1


def _refusal(error: lc.LifecycleError | ClockRefused, kind: str, submitted: dict[str, Any]) -> Conflict:
    return Conflict(f"{kind} refused: {error}", rule=error.rule, article=error.article, submitted=submitted)


def record(session: Session, ctx: Context, actor: Actor, row: ApplicationRow, steps: list[Step], step: Step,
           submitted: dict[str, Any]) -> ApplicationRow:
    """Apply `step` after `steps`: the lifecycle and the clock must both accept it; the event is stored,
    the row's status, outcome and deadlines refreshed, the transition audited. The caller commits."""
    before = {"application_id": row.id, "reg_no": row.reg_no, "status": row.status, "lock_version": row.lock_version}
    try:
        state = then(state_of(steps), step) if steps else state_of([step])
        clock = clock_of(row.received_on, [*steps, step], ctx.calendar)
    except (lc.LifecycleError, ClockRefused) as error:
        session.rollback()
        raise _refusal(error, step.kind, submitted) from None
    event = state.events[-1]
    session.add(ApplicationEventRow(
        application_id=row.id, seq=_next_seq(session, row) if steps else 1, kind=step.kind, on=step.on, actor=actor.name, role=actor.role,
        why=event.why, from_status=event.from_status, to_status=event.to_status,
        details={"params": dict(step.params), "record": dict(event.details)}))
    refresh(row, state, clock)
    audit.record(session, actor=actor.name, role=actor.role, action=f"application:{step.kind}", before=before,
                 after={"application_id": row.id, "reg_no": row.reg_no, "status": row.status, "on": step.on,
                        "why": event.why, "outcome": row.outcome, "report_row": row.report_row,
                        "effective_deadline": row.effective_deadline, "handler_division": row.handler_division})
    return row


def refresh(row: ApplicationRow, state: lc.Application, clock: AnswerClock | None) -> None:
    """The row's denormalised copy of the state and of the clock's deadlines."""
    row.status = state.status
    row.outcome = state.outcome
    row.report_row = state.report_row.code if state.report_row else None
    row.concluded_on = state.concluded_on
    statutory = clock.statutory_deadline() if clock else None
    effective = clock.deadline() if clock else None
    row.statutory_deadline = statutory.due_on if statutory else None
    row.effective_deadline = effective.due_on if effective else None
    row.deadline_provisional = bool((statutory and statutory.warnings) or (effective and effective.warnings))


def load(session: Session, application_id: int, expected: int | None, submitted: dict[str, Any]) -> ApplicationRow:
    row = session.get(ApplicationRow, application_id)
    if row is None:
        raise NotFound(f"no application {application_id}")
    if expected is not None and expected != row.lock_version:
        raise Conflict(f"application {application_id} changed since you read it (version {expected}, now "
                       f"{row.lock_version}): read it again", current={"status": row.status,
                                                                      "lock_version": row.lock_version},
                       submitted=submitted)
    return row


@contextmanager
def one_writer(session: Session, application_id: int, submitted: dict[str, Any]) -> Iterator[None]:
    """The block's changes committed, or 409 when someone else changed the application meanwhile (the
    row's UPDATE carries its lock_version: a flush inside the block or the commit finds it moved)."""
    try:
        yield
        session.commit()
    except StaleDataError:
        session.rollback()
        raise Conflict(f"application {application_id} was changed by someone else at the same time: read it again",
                       submitted=submitted) from None


def confirm(session: Session, ctx: Context, actor: Actor, row: ApplicationRow, body: ConfirmIn) -> ApplicationRow:
    """条例第三十一条: the confirmation with the applicant fixes the receipt day; the clock starts."""
    submitted = body.model_dump(mode="json")
    c = body.confirmation
    confirmation = Confirmation(c.at, c.way, c.staff)
    try:
        receipt = receipt_of(Submission(Channel(row.channel), row.submitted_at, row.arrived_on, row.signed_for_on, confirmation))
    except ReceiptError as error:
        raise Invalid(str(error), submitted=submitted) from None
    if receipt.received_on is None or receipt.received_on > today_in_china():
        raise Invalid("the confirmation is dated in the future", submitted=submitted)
    steps = steps_of(session, row)
    row.received_on, row.receipt_basis = receipt.received_on, receipt.basis
    row.confirmed_at, row.confirmed_way, row.confirmed_by = c.at, c.way, c.staff
    step = Step("confirm", china_date(c.at), actor.name, "", {"received_on": receipt.received_on.isoformat()})
    return record(session, ctx, actor, row, steps, step, submitted)


_NOT_PARAMS = {"kind", "on", "why", "lock_version"}
_NEEDS = {"answer_on_the_spot": "outcome", "set_outcome": "outcome", "send_fee_notice": "fee"}


def transition(session: Session, ctx: Context, actor: Actor, row: ApplicationRow, body: EventIn) -> ApplicationRow:
    """One arrow of the lifecycle, dated `body.on` (today by default)."""
    submitted = body.model_dump(mode="json", exclude_none=True)
    on = body.on or today_in_china()
    if on > today_in_china():
        raise Invalid(f"{body.kind} is dated {on}, in the future", submitted=submitted,
                      errors=[{"field": "on", "message": "not after today"}])
    needed = _NEEDS.get(body.kind)
    if needed and getattr(body, needed) is None:
        raise Invalid(f"{body.kind} needs its {needed}", submitted=submitted,
                      errors=[{"field": needed, "message": "required for this transition"}])
    params = body.model_dump(mode="json", exclude_none=True, exclude_unset=True, exclude=_NOT_PARAMS)
    if body.kind == "send_fee_notice" and body.fee is not None:
        params["fee"] = fee_assessment.assessed(session, row, body.fee, submitted)
    steps = steps_of(session, row)
    try:
        params.update(_computed(body, on, row, steps, ctx))
    except ClockRefused as error:
        raise _refusal(error, body.kind, submitted) from None
    except Refused as refused:
        raise Conflict(f"{body.kind} refused: {refused.message}", rule=refused.rule, article=refused.article,
                       submitted=submitted) from None
    return record(session, ctx, actor, row, steps, Step(body.kind, on, actor.name, body.why, params), submitted)


def _computed(body: EventIn, on: dt.date, row: ApplicationRow, steps: list[Step], ctx: Context) -> dict[str, Any]:
    """The dates a transition takes from the clock (the lifecycle counts no days): the deadline an extension
    lengthens and its new date, the end of the correction period, the last day to pay."""
    if body.kind not in ("extend", "correction_lapsed", "fee_lapsed"):
        return {}
    clock = clock_of(row.received_on, steps, ctx.calendar)
    if clock is None:
        raise Refused("state", "条例第三十一条", "the receipt day is not fixed yet")
    if body.kind == "correction_lapsed":
        lapse = clock.correction_lapses_after()
        if lapse is None:
            raise Refused("not_lapsed", "条例第三十条", "the day the applicant received the correction notice is not "
                          "recorded: the correction period has no end yet")
        return {"period_ends_on": lapse.due_on.isoformat()}
    if body.kind == "fee_lapsed":
        pay_by = clock.report(on).fee_lapses_after
        if pay_by is None:
            raise Refused("not_lapsed", "《政府信息公开信息处理费管理办法》",
                          "no unpaid fee notice with its receipt by the applicant recorded")
        return {"pay_by": pay_by.isoformat()}
    deadline = clock.deadline(extended=False)
    if deadline is None:
        raise Refused("extension_in_time", "条例第三十三条第二款", "the answer period is not running")
    notified = body.notice_sent_on or on
    extended = clock.apply(Extension(on, notified, body.approved_by, body.why, body.working_days)).deadline()
    if extended is None:
        raise Refused("extension_in_time", "条例第三十三条第二款", "the extended deadline is not known yet")
    return {"deadline": deadline.due_on.isoformat(), "extended_to": extended.due_on.isoformat(),
            "notice_sent_on": notified.isoformat(), "working_days": body.working_days}


def assign(session: Session, actor: Actor, row: ApplicationRow, body: AssignIn) -> ApplicationRow:
    """The division that handles the application (its clerks see it and move it on), recorded and audited."""
    before = {"application_id": row.id, "reg_no": row.reg_no, "handler_division": row.handler_division}
    on = today_in_china()
    session.add(ApplicationEventRow(
        application_id=row.id, seq=_next_seq(session, row), kind=ASSIGN, on=on, actor=actor.name, role=actor.role,
        why=body.why, from_status=row.status, to_status=row.status,
        details={"params": {"handler_division": body.handler_division},
                 "record": {"from": row.handler_division or "", "to": body.handler_division}}))
    row.handler_division = body.handler_division
    audit.record(session, actor=actor.name, role=actor.role, action=f"application:{ASSIGN}", before=before,
                 after={**before, "handler_division": row.handler_division, "on": on, "why": body.why})
    return row
