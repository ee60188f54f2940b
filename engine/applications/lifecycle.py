"""The lifecycle of a public application (applications.md §1.3): an immutable state and one function
per arrow of the diagram, each returning the next state with the transition recorded as a dated,
attributed event (who, on which day, why) for the audit trail and the file (条例第四十五条).

The lifecycle counts no days. The answer clock (engine/applications/clock.py) reads the events this
module records (receipt, corrected copy, pauses, extension) and computes the deadlines; where a rule
here depends on a date the clock knows (an extension only before the deadline, a lapse only after the
correction or payment period), the date is an argument, computed by the caller from the clock.

Hard rules, each refused with a LifecycleError naming the rule and its article:

- one correction notice (条例第三十条 “一次性告知”);
- one extension, approved by the head of the disclosure office and notified before the deadline
  (条例第三十三条第二款; an extension after the deadline day is refused);
- an answer (on the spot, approved, dispatched) needs its outcome (条例第三十六条), and an outcome its
  Table 三 row (data/applications/outcomes.yaml): what is answered is what the report counts;
- a concluded application (answered, closed) has exactly one outcome; closing without an answer is
  by lapse (条例第三十条 no correction → other.no_correction; 管理办法 fee unpaid → other.fee_unpaid)
  or by withdrawal (撤回, other.other, “申请人撤回”, applications.md §1.3 [P]);
- nothing leaves a concluded state but archiving (条例第四十五条 归档) and the service of a dispatched
  answer (送达), and nothing leaves ARCHIVED;
- events are in date order: a transition dated before the last event is refused.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Final

from engine.applications.fees import FeeAssessment
from engine.applications.outcomes import OutcomeMappingError, OutcomeTable, ReportRow, default_table
from engine.vocabulary import ApplicationStatus as S
from engine.vocabulary import ApplicationOutcome

WITHDRAWN = "申请人撤回"

# Concluded: the application has its outcome and is counted in the report (答复 made, or closed).
CONCLUDED: Final = frozenset({S.ANSWERED_ON_THE_SPOT, S.ANSWERED, S.SERVED, S.CLOSED, S.ARCHIVED})
OPEN: Final = frozenset(set(S) - CONCLUDED)
# 条例第三十三条第三款 and 管理办法: the time these take is not counted in the answer period.
PAUSED: Final = frozenset({S.THIRD_PARTY_CONSULTATION, S.INTERAGENCY_CONSULTATION, S.FEE_NOTICE_SENT})

# Every arrow of applications.md §1.3: action → (the states it leaves from, the state it goes to).
ARROWS: Final[Mapping[str, tuple[frozenset[S], S]]] = MappingProxyType({
    "confirm": (frozenset({S.AWAITING_CONFIRMATION}), S.REGISTERED),
    "answer_on_the_spot": (frozenset({S.REGISTERED}), S.ANSWERED_ON_THE_SPOT),
    "request_correction": (frozenset({S.REGISTERED}), S.CORRECTION_REQUESTED),
    "request_reason": (frozenset({S.REGISTERED}), S.REASON_REQUESTED),
    "start": (frozenset({S.REGISTERED}), S.IN_PROGRESS),
    "correction_received": (frozenset({S.CORRECTION_REQUESTED}), S.IN_PROGRESS),
    "correction_lapsed": (frozenset({S.CORRECTION_REQUESTED}), S.CLOSED),
    "reason_unreasonable": (frozenset({S.REASON_REQUESTED}), S.ANSWER_DRAFT),
    "reason_accepted": (frozenset({S.REASON_REQUESTED}), S.IN_PROGRESS),
    "consult_third_party": (frozenset({S.IN_PROGRESS}), S.THIRD_PARTY_CONSULTATION),
    "consult_agency": (frozenset({S.IN_PROGRESS}), S.INTERAGENCY_CONSULTATION),
    "consultation_ended": (frozenset({S.THIRD_PARTY_CONSULTATION, S.INTERAGENCY_CONSULTATION}), S.IN_PROGRESS),
    "send_fee_notice": (frozenset({S.IN_PROGRESS}), S.FEE_NOTICE_SENT),
    "fee_paid": (frozenset({S.FEE_NOTICE_SENT}), S.IN_PROGRESS),
    "fee_lapsed": (frozenset({S.FEE_NOTICE_SENT}), S.CLOSED),
    "extend": (frozenset({S.IN_PROGRESS}), S.IN_PROGRESS),
    "draft_answer": (frozenset({S.IN_PROGRESS}), S.ANSWER_DRAFT),
    "set_outcome": (frozenset({S.ANSWER_DRAFT}), S.ANSWER_DRAFT),
    "approve_answer": (frozenset({S.ANSWER_DRAFT}), S.ANSWER_APPROVED),
    "dispatch_answer": (frozenset({S.ANSWER_APPROVED}), S.ANSWERED),
    "serve": (frozenset({S.ANSWERED}), S.SERVED),
    "withdraw": (OPEN, S.CLOSED),
    "archive": (frozenset({S.ANSWERED_ON_THE_SPOT, S.ANSWERED, S.SERVED, S.CLOSED}), S.ARCHIVED),
})


class LifecycleError(ValueError):
    """A transition the law or the lifecycle refuses; `rule` names the rule, `article` its basis."""

    def __init__(self, rule: str, message: str, article: str = "") -> None:
        self.rule, self.article = rule, article
        super().__init__(f"{message} ({article})" if article else message)


@dataclass(frozen=True)
class Act:
    """Who does a transition, on which day, and why."""

    by: str
    on: datetime.date
    why: str = ""


@dataclass(frozen=True)
class Event:
    """One accepted transition, as the audit trail and the file keep it; `details` are its dated facts
    (received_on, deadline, approver, outcome, fee) as text."""

    seq: int
    action: str
    from_status: S | None
    to_status: S
    by: str
    on: datetime.date
    why: str
    details: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Application:
    """The state of one application; every change is a new state with one more event.

    `clock_start` is day 0 of the answer period: the receipt day, or the corrected copy's receipt day
    (条例第三十条 “答复期限自行政机关收到补正的申请之日起计算”: a restart, not a resumption).
    """

    status: S
    events: tuple[Event, ...]
    received_on: datetime.date | None = None
    clock_start: datetime.date | None = None
    corrections: int = 0
    extended: bool = False
    extended_to: datetime.date | None = None
    delayed_until: datetime.date | None = None  # 条例第三十五条 延迟答复: the reasonable period set
    outcome: ApplicationOutcome | None = None
    report_row: ReportRow | None = None
    fee: FeeAssessment | None = None
    close_reason: str = ""

    @property
    def shows_deadline(self) -> bool:
        """Whether an answer deadline is shown: not before receipt is fixed, not for an answer given on the
        spot (条例第三十三条第一款: the clock never runs), not once concluded."""
        return self.received_on is not None and self.status in OPEN

    @property
    def concluded_on(self) -> datetime.date | None:
        """The day it was concluded (answered on the spot, answer dispatched, lapsed or withdrawn): the
        annual report counts its outcome in that day's year (applications.md §3.2)."""
        return next((e.on for e in self.events if e.to_status in CONCLUDED), None)


def _details(values: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple((key, str(value)) for key, value in values.items() if value is not None)


def _move(app: Application, act: Act, action: str, *, details: Mapping[str, Any] | None = None,
          **changes: Any) -> Application:
    """The one way a state changes: the arrow must leave from the current state, the act must be dated
    no earlier than the last event and name who did it; the event is appended."""
    sources, target = ARROWS[action]
    if app.status not in sources:
        rule = "archived" if app.status == S.ARCHIVED else "concluded" if app.status in CONCLUDED else "state"
        raise LifecycleError(rule, f"{action} is not possible from {app.status}")
    if not act.by.strip():
        raise LifecycleError("attributed", f"{action}: every transition names who did it", "条例第四十五条")
    if app.events and act.on < app.events[-1].on:
        raise LifecycleError("in_order", f"{action} on {act.on} is dated before the last event ({app.events[-1].on})")
    if target in CONCLUDED and changes.get("outcome", app.outcome) is None:
        raise LifecycleError("concluded_outcome", f"{action}: a concluded application has exactly one outcome")
    event = Event(len(app.events) + 1, action, app.status, target, act.by, act.on, act.why, _details(details or {}))
    return replace(app, status=target, events=app.events + (event,), **changes)


def _mapped(outcome: str, table: OutcomeTable | None) -> tuple[ApplicationOutcome, ReportRow]:
    """The outcome with its Table 三 row; refused when the table has none for it."""
    try:
        mapping = (table or default_table()).mapping(outcome)
    except (OutcomeMappingError, KeyError) as error:
        raise LifecycleError("outcome_mapping", f"outcome {outcome!r} has no report row: {error}",
                             "applications.md §1.7") from None
    return mapping.outcome, mapping.row


def _with_outcome(app: Application, act: Act, action: str, outcome: str, table: OutcomeTable | None,
                  **changes: Any) -> Application:
    chosen, row = _mapped(outcome, table)
    return _move(app, act, action, details={"outcome": chosen, "report_row": row.code, **changes.pop("details", {})},
                 outcome=chosen, report_row=row, **changes)


# --- receipt (条例第三十一条) --------------------------------------------------------------------------


def receive(act: Act, *, received_on: datetime.date | None = None) -> Application:
    """A new application. With its legal receipt date (handed in, signed for) it is REGISTERED; without,
    it waits in AWAITING_CONFIRMATION (平常信函, 网上: the confirmation day is the receipt day)."""
    if not act.by.strip():
        raise LifecycleError("attributed", "receive: every transition names who did it", "条例第四十五条")
    status = S.AWAITING_CONFIRMATION if received_on is None else S.REGISTERED
    if received_on is not None and received_on > act.on:
        raise LifecycleError("receipt_date", f"the receipt date {received_on} is after its record ({act.on})")
    event = Event(1, "receive", None, status, act.by, act.on, act.why, _details({"received_on": received_on}))
    return Application(status, (event,), received_on=received_on, clock_start=received_on)


def confirm(app: Application, act: Act, *, received_on: datetime.date) -> Application:
    """The confirmation that fixes the receipt day (条例第三十一条第（二）（三）项)."""
    if received_on > act.on:
        raise LifecycleError("receipt_date", f"the receipt date {received_on} is after its record ({act.on})")
    return _move(app, act, "confirm", details={"received_on": received_on},
                 received_on=received_on, clock_start=received_on)


# --- screening (条例第三十条、第三十三条、第三十五条) ---------------------------------------------------------


def answer_on_the_spot(app: Application, act: Act, *, outcome: str, notes: Mapping[str, str] | None = None,
                       table: OutcomeTable | None = None) -> Application:
    """条例第三十三条第一款: answered at once; no deadline is ever shown (T28)."""
    return _with_outcome(app, act, "answer_on_the_spot", outcome, table, details=dict(notes or {}))


def request_correction(app: Application, act: Act) -> Application:
    """条例第三十条: one notice listing every point to correct; a second is refused (T4)."""
    if app.corrections:
        raise LifecycleError("one_correction", "a second correction notice is refused: the points to correct are "
                             "told once, all together", "条例第三十条 “一次性告知”")
    return _move(app, act, "request_correction", corrections=app.corrections + 1)


def correction_received(app: Application, act: Act, *, received_on: datetime.date) -> Application:
    """The corrected copy: the answer period restarts from its receipt day (条例第三十条)."""
    if received_on > act.on:
        raise LifecycleError("receipt_date", f"the receipt date {received_on} is after its record ({act.on})")
    return _move(app, act, "correction_received", details={"received_on": received_on}, clock_start=received_on)


def correction_lapsed(app: Application, act: Act, *, period_ends_on: datetime.date,
                      table: OutcomeTable | None = None) -> Application:
    """条例第三十条: no correction by the end of the period (视为放弃申请): CLOSED, other.no_correction,
    Table 三 （六）1 — not 无法提供 3, which is for a corrected copy still unclear (T3)."""
    if act.on <= period_ends_on:
        raise LifecycleError("not_lapsed", f"the correction period runs until {period_ends_on}", "条例第三十条")
    return _with_outcome(app, act, "correction_lapsed", ApplicationOutcome.OTHER_NO_CORRECTION, table,
                         details={"period_ends_on": period_ends_on})


def request_reason(app: Application, act: Act) -> Application:
    """条例第三十五条: quantity or frequency clearly beyond reason; the applicant is asked why."""
    return _move(app, act, "request_reason")


def reason_unreasonable(app: Application, act: Act, *, table: OutcomeTable | None = None) -> Application:
    """条例第三十五条: the reason is not reasonable: an answer 不予处理 (not_processed.excessive) is drafted."""
    return _with_outcome(app, act, "reason_unreasonable", ApplicationOutcome.NOT_PROCESSED_EXCESSIVE, table)


def reason_accepted(app: Application, act: Act, *, delayed_until: datetime.date | None = None,
                    approved_by: str = "") -> Application:
    """条例第三十五条: the reason is reasonable. When the answer cannot be made in the period of 第三十三条,
    the agency fixes a reasonable later date (延迟答复) with its reason and approver, and tells the applicant."""
    if delayed_until is not None and not (act.why.strip() and approved_by.strip()):
        raise LifecycleError("delay_reasoned", "a delayed answer date needs its reason and its approver", "条例第三十五条")
    return _move(app, act, "reason_accepted", details={"delayed_until": delayed_until, "approved_by": approved_by or None},
                 delayed_until=delayed_until)


def start(app: Application, act: Act) -> Application:
    """Screening found nothing to correct or explain: the application is handled."""
    return _move(app, act, "start")


# --- handling: pauses, fee, extension (条例第三十二条、三十三条、三十四条、四十二条) ---------------------------------


def consult_third_party(app: Application, act: Act) -> Application:
    """条例第三十二条: the 征求意见书 is sent; the time it takes is not counted (第三十三条第三款)."""
    return _move(app, act, "consult_third_party")


def consult_agency(app: Application, act: Act) -> Application:
    """条例第三十四条: another agency is asked; silence within 15 working days is consent."""
    return _move(app, act, "consult_agency")


def consultation_ended(app: Application, act: Act) -> Application:
    """The reply arrived, or the 15 working days ran out (the clock decides which day ends the pause)."""
    return _move(app, act, "consultation_ended")


def send_fee_notice(app: Application, act: Act, *, fee: FeeAssessment) -> Application:
    """条例第四十二条: a 收费通知; the fee is one method for the whole application, never both
    (管理办法第三条), and a notice is for something due."""
    if app.fee is not None and app.fee.method != fee.method:
        raise LifecycleError("one_fee_method", f"this application is charged {app.fee.method}; it cannot also be "
                             f"charged {fee.method}", "《政府信息公开信息处理费管理办法》第三条")
    if fee.due <= 0:
        raise LifecycleError("fee_due", "a fee notice for nothing due (free, or waived) is not sent", "条例第四十二条")
    return _move(app, act, "send_fee_notice", details={"method": fee.method, "basis": fee.basis, "amount": fee.due},
                 fee=fee)


def fee_paid(app: Application, act: Act) -> Application:
    return _move(app, act, "fee_paid")


def fee_lapsed(app: Application, act: Act, *, pay_by: datetime.date, table: OutcomeTable | None = None) -> Application:
    """Not paid by the end of the payment period: CLOSED, other.fee_unpaid, Table 三 （六）2 (T17)."""
    if act.on <= pay_by:
        raise LifecycleError("not_lapsed", f"the fee may be paid until {pay_by}", "《政府信息公开信息处理费管理办法》")
    return _with_outcome(app, act, "fee_lapsed", ApplicationOutcome.OTHER_FEE_UNPAID, table, details={"pay_by": pay_by})


def extend(app: Application, act: Act, *, deadline: datetime.date, extended_to: datetime.date, approved_by: str,
           notice_sent_on: datetime.date) -> Application:
    """条例第三十三条第二款: one extension of up to 20 working days, approved by the head of the disclosure
    office and notified to the applicant before the current `deadline` (from the clock). The new date
    `extended_to` is the clock's too. A late extension is refused: the case is overdue, not extended (T6)."""
    article = "条例第三十三条第二款"
    if app.extended:
        raise LifecycleError("one_extension", "a second extension is refused", article)
    if not (approved_by.strip() and act.why.strip()):
        raise LifecycleError("extension_approved", "an extension needs its reason and the approval of the head of "
                             "the disclosure office", article)
    if app.delayed_until is not None:
        raise LifecycleError("extension_after_delay", f"the reasonable period fixed under 条例第三十五条 "
                             f"({app.delayed_until}) replaces the period an extension would lengthen", article)
    if notice_sent_on < act.on:
        raise LifecycleError("extension_approved", f"the applicant was notified ({notice_sent_on}) before the "
                             f"extension was approved ({act.on})", article)
    # In time up to and including the deadline day (a period ends with its last day), as the answer clock counts.
    if act.on > deadline or notice_sent_on > deadline:
        raise LifecycleError("extension_in_time", f"the deadline {deadline} has passed: an extension approved on "
                             f"{act.on}, notified on {notice_sent_on}, is too late", article)
    if extended_to <= deadline:
        raise LifecycleError("extension_later", f"the extended date {extended_to} is not after {deadline}", article)
    return _move(app, act, "extend", details={"deadline": deadline, "extended_to": extended_to,
                                              "approved_by": approved_by, "notice_sent_on": notice_sent_on},
                 extended=True, extended_to=extended_to)


# --- the answer (条例第三十六条至第四十条) -----------------------------------------------------------------


def draft_answer(app: Application, act: Act, *, outcome: str | None = None, notes: Mapping[str, str] | None = None,
                 table: OutcomeTable | None = None) -> Application:
    """The answer is drafted, with its outcome when already decided. `notes` are the facts the letter
    will state (e.g. the earlier answer's 文号 for a repeat, 条例第三十六条第（六）项), kept in the event."""
    if outcome is None:
        return _move(app, act, "draft_answer", details=notes)
    return _with_outcome(app, act, "draft_answer", outcome, table, details=dict(notes or {}))


def set_outcome(app: Application, act: Act, *, outcome: str, notes: Mapping[str, str] | None = None,
                table: OutcomeTable | None = None) -> Application:
    """The outcome of the draft, decided or changed; it must have its report row."""
    return _with_outcome(app, act, "set_outcome", outcome, table, details=dict(notes or {}))


def _require_outcome(app: Application, action: str) -> None:
    if app.outcome is None or app.report_row is None:
        raise LifecycleError("answer_outcome", f"{action}: an answer cannot be issued without its outcome",
                             "条例第三十六条")


def approve_answer(app: Application, act: Act) -> Application:
    """审核/签发."""
    _require_outcome(app, "approve_answer")
    return _move(app, act, "approve_answer")


def dispatch_answer(app: Application, act: Act) -> Application:
    """The answer is sent: the day the clock compares with the deadline."""
    _require_outcome(app, "dispatch_answer")
    return _move(app, act, "dispatch_answer")


def serve(app: Application, act: Act) -> Application:
    """送达: the applicant received it (the proof of service is kept by the service)."""
    return _move(app, act, "serve")


def withdraw(app: Application, act: Act, *, table: OutcomeTable | None = None) -> Application:
    """撤回: from any open state the application is CLOSED, other.other, reason 申请人撤回 (§1.3 [P])."""
    act = act if act.why.strip() else replace(act, why=WITHDRAWN)
    return _with_outcome(app, act, "withdraw", ApplicationOutcome.OTHER_OTHER, table, close_reason=WITHDRAWN)


def archive(app: Application, act: Act) -> Application:
    """条例第四十五条 归档: the application, receipt, notices, proofs of service and answer go to the file."""
    return _move(app, act, "archive")
