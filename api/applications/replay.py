"""An application's state and answer clock, rebuilt from its stored events.

Each event row keeps the facts its transition was given (`details["params"]`, JSON: dates as text); the
lifecycle (engine/applications/lifecycle.py) is replayed over them, and the clock's facts
(engine/applications/clock.py) are read from the same steps. One record, two readings: the state and the
deadlines never disagree with the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping

from engine.applications import lifecycle as lc
from engine.applications.clock import AnswerClock
from engine.applications.clock_events import (
    Answered,
    Consultation,
    ConsultationKind,
    CorrectedCopy,
    CorrectionNotice,
    DelayedAnswer,
    Event as ClockFact,
    Extension,
    FeeNotice,
)
from engine.applications.fees import FeeAssessment
from engine.vocabulary import FeeMethod
from engine.workflow.working_days import WorkingCalendar


@dataclass(frozen=True)
class Step:
    """One transition as stored: kind, day, who, why and its facts (JSON values)."""

    kind: str
    on: dt.date
    by: str
    why: str
    params: Mapping[str, Any]


def day(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def _fee(p: Mapping[str, Any]) -> FeeAssessment:
    fee = p["fee"]
    return FeeAssessment(FeeMethod(fee["method"]), int(fee["basis"]), int(fee["amount"]), fee.get("waiver_reason"))


Apply = Callable[[lc.Application, lc.Act, Mapping[str, Any]], lc.Application]
APPLY: Mapping[str, Apply] = {
    "confirm": lambda a, act, p: lc.confirm(a, act, received_on=day(p["received_on"]) or act.on),
    "answer_on_the_spot": lambda a, act, p: lc.answer_on_the_spot(a, act, outcome=p["outcome"], notes=p.get("notes")),
    "request_correction": lambda a, act, p: lc.request_correction(a, act),
    "correction_received": lambda a, act, p: lc.correction_received(a, act, received_on=day(p["received_on"]) or act.on),
    "correction_lapsed": lambda a, act, p: lc.correction_lapsed(a, act, period_ends_on=day(p["period_ends_on"]) or act.on),
    "request_reason": lambda a, act, p: lc.request_reason(a, act),
    "reason_unreasonable": lambda a, act, p: lc.reason_unreasonable(a, act),
    "reason_accepted": lambda a, act, p: lc.reason_accepted(a, act, delayed_until=day(p.get("delayed_until")),
                                                            approved_by=p.get("approved_by", "")),
    "start": lambda a, act, p: lc.start(a, act),
    "consult_third_party": lambda a, act, p: lc.consult_third_party(a, act),
    "consult_agency": lambda a, act, p: lc.consult_agency(a, act),
    "consultation_ended": lambda a, act, p: lc.consultation_ended(a, act),
    "send_fee_notice": lambda a, act, p: lc.send_fee_notice(a, act, fee=_fee(p)),
    "fee_paid": lambda a, act, p: lc.fee_paid(a, act),
    "fee_lapsed": lambda a, act, p: lc.fee_lapsed(a, act, pay_by=day(p["pay_by"]) or act.on),
    "extend": lambda a, act, p: lc.extend(a, act, deadline=day(p["deadline"]) or act.on,
                                          extended_to=day(p["extended_to"]) or act.on,
                                          approved_by=p.get("approved_by", ""),
                                          notice_sent_on=day(p["notice_sent_on"]) or act.on),
    "draft_answer": lambda a, act, p: lc.draft_answer(a, act, outcome=p.get("outcome"), notes=p.get("notes")),
    "set_outcome": lambda a, act, p: lc.set_outcome(a, act, outcome=p["outcome"], notes=p.get("notes")),
    "approve_answer": lambda a, act, p: lc.approve_answer(a, act),
    "dispatch_answer": lambda a, act, p: lc.dispatch_answer(a, act),
    "serve": lambda a, act, p: lc.serve(a, act),
    "withdraw": lambda a, act, p: lc.withdraw(a, act),
    "archive": lambda a, act, p: lc.archive(a, act),
}


def state_of(steps: list[Step]) -> lc.Application:
    """The lifecycle's state after `steps` (the first is the receipt)."""
    first = steps[0]
    app = lc.receive(lc.Act(first.by, first.on, first.why), received_on=day(first.params.get("received_on")))
    for step in steps[1:]:
        app = then(app, step)
    return app


def then(app: lc.Application, step: Step) -> lc.Application:
    """`app` after one more step (LifecycleError when the lifecycle refuses it)."""
    return APPLY[step.kind](app, lc.Act(step.by, step.on, step.why), step.params)


def _consultation(step: Step) -> Consultation:
    kind = ConsultationKind.THIRD_PARTY if step.kind == "consult_third_party" else ConsultationKind.OTHER_AGENCY
    return Consultation(kind, step.on, day(step.params.get("recipient_received_on")))


def clock_facts(steps: list[Step]) -> tuple[list[ClockFact], bool]:
    """The clock's facts read from the steps, in order, and whether it was answered on the spot."""
    facts: list[ClockFact] = []
    for step in steps:
        p, k = step.params, step.kind
        if k == "answer_on_the_spot":
            return [], True
        if k == "request_correction":
            facts.append(CorrectionNotice(step.on, day(p.get("applicant_received_on")), p.get("period_working_days")))
        elif k == "correction_received":
            facts.append(CorrectedCopy(day(p.get("received_on")) or step.on))
        elif k in ("consult_third_party", "consult_agency"):
            facts.append(_consultation(step))
        elif k == "consultation_ended":
            changes = {"replied_on": day(p.get("replied_on"))}
            if p.get("recipient_received_on"):
                changes["recipient_received_on"] = day(p["recipient_received_on"])
            _end(facts, Consultation, changes)
        elif k == "send_fee_notice":
            facts.append(FeeNotice(step.on, day(p.get("applicant_received_on"))))
        elif k == "fee_paid":
            _end(facts, FeeNotice, {"paid_on": step.on})
        elif k == "extend":
            facts.append(Extension(step.on, day(p["notice_sent_on"]) or step.on, p.get("approved_by", ""), step.why,
                                   int(p.get("working_days", 20))))
        elif k == "reason_accepted" and p.get("delayed_until"):
            facts.append(DelayedAnswer(day(p["delayed_until"]) or step.on, step.on, step.why, p.get("approved_by", "")))
        elif k == "dispatch_answer":
            facts.append(Answered(step.on))
    return facts, False


def _end(facts: list[ClockFact], kind: type, changes: Mapping[str, dt.date | None]) -> None:
    """The last pause of `kind` with its end recorded."""
    for index in range(len(facts) - 1, -1, -1):
        if isinstance(facts[index], kind):
            facts[index] = replace(facts[index], **changes)  # type: ignore[arg-type]
            return


def clock_of(received_on: dt.date | None, steps: list[Step], calendar: WorkingCalendar) -> AnswerClock | None:
    """The answer clock, or None while the receipt day is not fixed (ClockRefused if a fact is refused)."""
    if received_on is None:
        return None
    facts, on_the_spot = clock_facts(steps)
    if on_the_spot:
        return AnswerClock.answered_on_the_spot(received_on, calendar)
    return AnswerClock.start(received_on, calendar, events=facts)
