"""A hypothesis state machine over the lifecycle (engine/applications/lifecycle.py): random sequences of
every arrow, with random dates (some going backwards), outcomes, fees, deadlines and anonymous acts,
keep the invariants of applications.md §1.3 and issue 17's "done when":

- at most one correction notice and one extension, whatever is tried;
- a concluded (answered or closed) application has exactly one outcome, mapped to exactly one Table 三 row;
- nothing leaves CLOSED but archiving, nothing leaves ARCHIVED;
- every accepted transition is one more event, in order (seq, status chain, dates never going back);
  a refused one changes nothing and says which rule and why.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any, Callable

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from engine.applications import lifecycle as lc
from engine.applications.fees import assess
from engine.applications.lifecycle import ARROWS, CONCLUDED, Act, Application, LifecycleError
from engine.applications.outcomes import default_table
from engine.vocabulary import ApplicationStatus as S
from engine.vocabulary import ApplicationOutcome

TABLE = default_table()
START = datetime.date(2025, 3, 3)
OUTCOMES = st.sampled_from([str(o) for o in ApplicationOutcome] + ["withheld.dragons", ""])
FEES = st.one_of(st.integers(1, 60).map(lambda n: assess(number_in_month=n)),
                 st.integers(0, 300).map(lambda n: assess(pages=n)),
                 st.integers(31, 300).map(lambda n: assess(pages=n, waiver_reason="困难")))


def _calls(day: datetime.date, offset: int, outcome: str, fee: Any) -> dict[str, Callable[[Application, Act], Application]]:
    """Every action with arguments drawn around `day` (deadlines and periods before, on or after it)."""
    near = day + datetime.timedelta(days=offset)
    return {
        "confirm": lambda a, x: lc.confirm(a, x, received_on=min(near, day)),
        "answer_on_the_spot": lambda a, x: lc.answer_on_the_spot(a, x, outcome=outcome),
        "request_correction": lc.request_correction,
        "request_reason": lc.request_reason,
        "start": lc.start,
        "correction_received": lambda a, x: lc.correction_received(a, x, received_on=min(near, day)),
        "correction_lapsed": lambda a, x: lc.correction_lapsed(a, x, period_ends_on=near),
        "reason_unreasonable": lc.reason_unreasonable,
        "reason_accepted": lambda a, x: lc.reason_accepted(a, x, delayed_until=near if offset > 0 else None,
                                                           approved_by="主任" if offset % 2 else ""),
        "consult_third_party": lc.consult_third_party,
        "consult_agency": lc.consult_agency,
        "consultation_ended": lc.consultation_ended,
        "send_fee_notice": lambda a, x: lc.send_fee_notice(a, x, fee=fee),
        "fee_paid": lc.fee_paid,
        "fee_lapsed": lambda a, x: lc.fee_lapsed(a, x, pay_by=near),
        "extend": lambda a, x: lc.extend(a, x, deadline=near, extended_to=near + datetime.timedelta(days=28),
                                         approved_by="主任", notice_sent_on=day),
        "draft_answer": lambda a, x: lc.draft_answer(a, x, outcome=outcome if offset % 2 else None),
        "set_outcome": lambda a, x: lc.set_outcome(a, x, outcome=outcome),
        "approve_answer": lc.approve_answer,
        "dispatch_answer": lc.dispatch_answer,
        "serve": lc.serve,
        "withdraw": lc.withdraw,
        "archive": lc.archive,
    }


TRIED_TWICE = ("extend", "request_correction", "send_fee_notice")


class Lifecycle(RuleBasedStateMachine):
    app: Application
    day: datetime.date

    @initialize(confirmed=st.booleans())
    def receive(self, confirmed: bool) -> None:
        self.day = START
        self.app = lc.receive(Act("收件人", START), received_on=START if confirmed else None)
        self.accepted = 1

    @rule(data=st.data(), step=st.integers(-2, 6), offset=st.integers(-4, 4), outcome=OUTCOMES, fee=FEES,
          why=st.sampled_from(["", "理由"]), by=st.sampled_from(["经办人", "经办人", "", "主任"]))
    def act(self, data: st.DataObject, step: int, offset: int, outcome: str, fee: Any, why: str, by: str) -> None:
        """Mostly an arrow that leaves the current state (withdrawal aside, which ends most runs early);
        one time in five any action at all, to try the refusals."""
        before = self.app
        possible = sorted(a for a, (sources, _) in ARROWS.items() if before.status in sources and a != "withdraw")
        possible += [a for a in TRIED_TWICE if a in possible] * 2  # the once-only rules, tried again
        anything = data.draw(st.integers(0, 4)) == 0 or not possible
        action = data.draw(st.sampled_from(sorted(ARROWS) if anything else possible), label="action")
        on = self.day + datetime.timedelta(days=step)
        try:
            after = _calls(on, offset, outcome, fee)[action](before, Act(by, on, why))
        except LifecycleError as refused:
            assert refused.rule and str(refused)
            self.refused = refused.rule
            assert self.app is before  # refused: nothing changed
            return
        self.check_accepted(action, before, after)
        self.app, self.day = after, on
        self.accepted += 1

    def check_accepted(self, action: str, before: Application, after: Application) -> None:
        event = after.events[-1]
        assert after.events[:-1] == before.events and event.seq == len(before.events) + 1
        assert (event.action, event.from_status, event.to_status) == (action, before.status, after.status)
        assert before.status in ARROWS[action][0] and after.status == ARROWS[action][1]
        assert event.on >= before.events[-1].on and event.by.strip()
        if before.status == S.CLOSED:
            assert action == "archive"
        assert before.status != S.ARCHIVED

    @invariant()
    def one_correction_one_extension(self) -> None:
        actions = [e.action for e in self.app.events]
        assert actions.count("request_correction") == self.app.corrections <= 1
        assert actions.count("extend") == int(self.app.extended) <= 1

    @invariant()
    def a_concluded_application_has_one_outcome_with_one_row(self) -> None:
        if self.app.status in CONCLUDED:
            assert self.app.outcome is not None and self.app.report_row is not None
            assert TABLE.row_of(self.app.outcome) == self.app.report_row
            assert sum(r == self.app.report_row for r in TABLE.rows) == 1
            assert self.app.concluded_on is not None
        else:
            assert self.app.concluded_on is None

    @invariant()
    def events_are_the_accepted_transitions_in_order(self) -> None:
        events = self.app.events
        assert len(events) == self.accepted and [e.seq for e in events] == list(range(1, len(events) + 1))
        assert all(a.to_status == b.from_status and a.on <= b.on for a, b in itertools.pairwise(events))
        assert events[-1].to_status == self.app.status


Lifecycle.TestCase.settings = settings(max_examples=120, stateful_step_count=30, deadline=None)
test_lifecycle_machine = Lifecycle.TestCase
