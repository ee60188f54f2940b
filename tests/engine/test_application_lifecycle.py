"""The lifecycle of an application (applications.md §1.3): the arrows, the hard rules with their
articles, and the §6 scenarios T3 (closure), T4, T17 (closure), T19, T20, T27, T28."""

from __future__ import annotations

import dataclasses
import datetime
from types import MappingProxyType

import pytest

from engine.applications import lifecycle as lc
from engine.applications.fees import assess
from engine.applications.lifecycle import ARROWS, CONCLUDED, OPEN, Act, Application, LifecycleError
from engine.applications.outcomes import OutcomeTable, default_table
from engine.vocabulary import ApplicationStatus as S
from engine.vocabulary import ApplicationOutcome

d = datetime.date
MONDAY = d(2025, 3, 3)
OFFICE = "公开办 王某"


def act(on: datetime.date, why: str = "", by: str = OFFICE) -> Act:
    return Act(by, on, why)


def registered(on: datetime.date = MONDAY) -> Application:
    return lc.receive(act(on), received_on=on)


def in_progress(on: datetime.date = MONDAY) -> Application:
    return lc.start(registered(on), act(on))


def answered(outcome: str, on: datetime.date = MONDAY, **notes: str) -> Application:
    app = lc.draft_answer(in_progress(on), act(on), outcome=outcome, notes=notes)
    app = lc.approve_answer(app, act(on, by="公开办负责人"))
    return lc.dispatch_answer(app, act(on))


def test_receipt_fixes_the_date_or_waits_for_the_confirmation() -> None:
    """条例第三十一条: in person it is registered at once; a plain letter waits, with no clock, for the
    confirmation that fixes the receipt day."""
    assert registered().status == S.REGISTERED and registered().received_on == d(2025, 3, 3)
    waiting = lc.receive(act(d(2025, 6, 10)))
    assert waiting.status == S.AWAITING_CONFIRMATION and not waiting.shows_deadline
    confirmed = lc.confirm(waiting, act(d(2025, 6, 12)), received_on=d(2025, 6, 12))
    assert (confirmed.status, confirmed.received_on, confirmed.clock_start) == (S.REGISTERED, d(2025, 6, 12),
                                                                                 d(2025, 6, 12))
    assert confirmed.shows_deadline
    with pytest.raises(LifecycleError, match="after its record"):
        lc.confirm(waiting, act(d(2025, 6, 12)), received_on=d(2025, 6, 13))


def test_T3_no_correction_in_time_closes_as_other_no_correction_row_six_one() -> None:
    """T3: notice on 2025-03-06, received by the applicant 03-07, 15 working days: lapses after 03-28
    (the date is the clock's). CLOSED, other.no_correction, （六）1 — not 无法提供 3."""
    app = lc.request_correction(registered(), act(d(2025, 3, 6), "申请内容不明确"))
    with pytest.raises(LifecycleError, match="runs until 2025-03-28") as early:
        lc.correction_lapsed(app, act(d(2025, 3, 28)), period_ends_on=d(2025, 3, 28))
    assert early.value.rule == "not_lapsed"
    closed = lc.correction_lapsed(app, act(d(2025, 3, 31)), period_ends_on=d(2025, 3, 28))
    assert (closed.status, closed.outcome) == (S.CLOSED, ApplicationOutcome.OTHER_NO_CORRECTION)
    assert closed.report_row is not None and closed.report_row.code == "（六）1"
    assert closed.report_row.label.startswith("（六）1.申请人无正当理由逾期不补正")
    assert closed.outcome != ApplicationOutcome.CANNOT_PROVIDE_STILL_UNCLEAR


def test_T2_a_corrected_copy_restarts_the_answer_period() -> None:
    app = lc.request_correction(registered(), act(d(2025, 3, 6)))
    corrected = lc.correction_received(app, act(d(2025, 3, 14)), received_on=d(2025, 3, 14))
    assert (corrected.status, corrected.received_on, corrected.clock_start) == (S.IN_PROGRESS, d(2025, 3, 3),
                                                                                 d(2025, 3, 14))


def test_T4_a_second_correction_notice_is_refused() -> None:
    app = lc.request_correction(registered(), act(d(2025, 3, 6)))
    with pytest.raises(LifecycleError, match="第三十条") as twice:
        lc.request_correction(app, act(d(2025, 3, 7)))
    assert twice.value.rule == "one_correction"
    corrected = lc.correction_received(app, act(d(2025, 3, 14)), received_on=d(2025, 3, 14))
    with pytest.raises(LifecycleError, match="一次性"):
        lc.request_correction(corrected, act(d(2025, 3, 17)))


def test_T5_one_extension_approved_and_notified_before_the_deadline() -> None:
    app = in_progress(d(2025, 11, 20))
    extended = lc.extend(app, act(d(2025, 12, 15), "需会商多个处室"), deadline=d(2025, 12, 18),
                         extended_to=d(2026, 1, 16), approved_by="公开办主任", notice_sent_on=d(2025, 12, 15))
    assert extended.extended and extended.extended_to == d(2026, 1, 16) and extended.status == S.IN_PROGRESS
    assert dict(extended.events[-1].details)["approved_by"] == "公开办主任"
    with pytest.raises(LifecycleError, match="second extension") as again:
        lc.extend(extended, act(d(2025, 12, 16), "再延"), deadline=d(2026, 1, 16), extended_to=d(2026, 2, 13),
                  approved_by="公开办主任", notice_sent_on=d(2025, 12, 16))
    assert again.value.rule == "one_extension" and "第三十三条第二款" in str(again.value)


@pytest.mark.parametrize("approved_on, notified_on", [(d(2025, 12, 19), d(2025, 12, 19)),  # T6: after
                                                      (d(2025, 12, 15), d(2025, 12, 19))])  # notified too late
def test_T6_an_extension_after_the_deadline_is_refused(approved_on: datetime.date, notified_on: datetime.date) -> None:
    with pytest.raises(LifecycleError, match="too late") as late:
        lc.extend(in_progress(d(2025, 11, 20)), act(approved_on, "延期"), deadline=d(2025, 12, 18),
                  extended_to=d(2026, 1, 16), approved_by="公开办主任", notice_sent_on=notified_on)
    assert late.value.rule == "extension_in_time"


def test_an_extension_on_the_deadline_day_itself_is_in_time() -> None:
    """The period ends with its last day (期限届满 at its end), as the answer clock counts it."""
    extended = lc.extend(in_progress(d(2025, 11, 20)), act(d(2025, 12, 18), "延期"), deadline=d(2025, 12, 18),
                         extended_to=d(2026, 1, 16), approved_by="公开办主任", notice_sent_on=d(2025, 12, 18))
    assert extended.extended and extended.extended_to == d(2026, 1, 16)


def test_an_extension_needs_its_reason_and_approver_and_is_notified_after_approval() -> None:
    with pytest.raises(LifecycleError, match="approval"):
        lc.extend(in_progress(), act(d(2025, 3, 10)), deadline=d(2025, 3, 31), extended_to=d(2025, 4, 28),
                  approved_by="公开办主任", notice_sent_on=d(2025, 3, 10))
    with pytest.raises(LifecycleError, match="notified .* before"):
        lc.extend(in_progress(), act(d(2025, 3, 10), "会商"), deadline=d(2025, 3, 31), extended_to=d(2025, 4, 28),
                  approved_by="公开办主任", notice_sent_on=d(2025, 3, 7))
    with pytest.raises(LifecycleError, match="not after"):
        lc.extend(in_progress(), act(d(2025, 3, 10), "会商"), deadline=d(2025, 3, 31), extended_to=d(2025, 3, 31),
                  approved_by="公开办主任", notice_sent_on=d(2025, 3, 10))


def test_no_extension_once_an_art_35_period_is_fixed() -> None:
    asked = lc.request_reason(registered(), act(d(2025, 3, 4)))
    delayed = lc.reason_accepted(asked, act(d(2025, 3, 20), "涉及十年档案"), delayed_until=d(2025, 6, 30),
                                 approved_by="公开办主任")
    with pytest.raises(LifecycleError, match="第三十五条") as refused:
        lc.extend(delayed, act(d(2025, 3, 21), "再延"), deadline=d(2025, 6, 30), extended_to=d(2025, 7, 28),
                  approved_by="公开办主任", notice_sent_on=d(2025, 3, 21))
    assert refused.value.rule == "extension_after_delay"


def test_T17_an_unpaid_fee_closes_as_other_fee_unpaid_row_six_two() -> None:
    """T17: notice received 2025-06-03, not paid: lapses after 2025-07-01 (the clock's date)."""
    app = lc.send_fee_notice(in_progress(d(2025, 5, 20)), act(d(2025, 6, 2)), fee=assess(pages=250))
    assert app.status == S.FEE_NOTICE_SENT and dict(app.events[-1].details)["amount"] == "4700"
    with pytest.raises(LifecycleError, match="until 2025-07-01"):
        lc.fee_lapsed(app, act(d(2025, 7, 1)), pay_by=d(2025, 7, 1))
    closed = lc.fee_lapsed(app, act(d(2025, 7, 2)), pay_by=d(2025, 7, 1))
    assert (closed.status, closed.outcome) == (S.CLOSED, ApplicationOutcome.OTHER_FEE_UNPAID)
    assert closed.report_row is not None and closed.report_row.code == "（六）2"
    assert lc.fee_paid(app, act(d(2025, 6, 20))).status == S.IN_PROGRESS


def test_T16_one_fee_method_per_application_and_no_notice_for_nothing_due() -> None:
    app = lc.fee_paid(lc.send_fee_notice(in_progress(), act(d(2025, 3, 4)), fee=assess(pages=250)), act(d(2025, 3, 5)))
    with pytest.raises(LifecycleError, match="第三条") as both:
        lc.send_fee_notice(app, act(d(2025, 3, 6)), fee=assess(number_in_month=35))
    assert both.value.rule == "one_fee_method"
    with pytest.raises(LifecycleError, match="nothing due"):
        lc.send_fee_notice(in_progress(), act(d(2025, 3, 4)), fee=assess(pages=250, waiver_reason="困难群众"))


def test_T19_a_repeat_is_not_processed_and_the_event_keeps_the_earlier_answer() -> None:
    app = answered("not_processed.repeat", earlier_answer="某委依申公复〔2025〕12号", earlier_answer_on="2025-02-10")
    drafted = dict(app.events[-3].details)
    assert app.outcome == ApplicationOutcome.NOT_PROCESSED_REPEAT and app.report_row is not None
    assert app.report_row.label == "（五）2.重复申请" and drafted["earlier_answer"] == "某委依申公复〔2025〕12号"


def test_T20_a_complaint_is_not_processed_as_a_petition() -> None:
    app = answered("not_processed.petition", proper_channel="信访")
    assert app.report_row is not None and app.report_row.code == "（五）1"
    assert dict(app.events[-3].details)["proper_channel"] == "信访"


def test_T27_a_real_estate_register_request_is_an_administrative_query_row_three_eight() -> None:
    app = answered("withheld.administrative_query", special_rule="不动产登记暂行条例")
    assert app.report_row is not None and app.report_row.code == "（三）8"


def test_T28_answered_on_the_spot_shows_no_deadline_and_has_its_outcome() -> None:
    app = lc.answer_on_the_spot(registered(d(2025, 9, 26)), act(d(2025, 9, 26)), outcome="disclosed.already_public")
    assert app.status == S.ANSWERED_ON_THE_SPOT and not app.shows_deadline
    assert app.report_row is not None and app.report_row.code == "（一）"
    assert lc.archive(app, act(d(2025, 9, 26))).status == S.ARCHIVED
    with pytest.raises(LifecycleError, match="without its outcome|no report row"):
        lc.answer_on_the_spot(registered(), act(d(2025, 3, 3)), outcome="")


def test_an_answer_cannot_be_issued_without_its_outcome() -> None:
    draft = lc.draft_answer(in_progress(), act(d(2025, 3, 10)))
    with pytest.raises(LifecycleError, match="without its outcome") as refused:
        lc.approve_answer(draft, act(d(2025, 3, 11)))
    assert refused.value.rule == "answer_outcome" and "第三十六条" in str(refused.value)
    approved = lc.approve_answer(lc.set_outcome(draft, act(d(2025, 3, 11)), outcome="disclosed"), act(d(2025, 3, 11)))
    with pytest.raises(LifecycleError, match="without its outcome"):
        lc.dispatch_answer(dataclasses.replace(approved, outcome=None), act(d(2025, 3, 12)))
    served = lc.serve(lc.dispatch_answer(approved, act(d(2025, 3, 12))), act(d(2025, 3, 14)))
    assert served.status == S.SERVED and served.outcome == ApplicationOutcome.DISCLOSED


def test_an_outcome_cannot_be_set_without_its_report_row() -> None:
    table = default_table()
    without = OutcomeTable(table.format, table.rows, MappingProxyType(
        {o: m for o, m in table.mappings.items() if o != ApplicationOutcome.WITHHELD_THIRD_PARTY}))
    draft = lc.draft_answer(in_progress(), act(d(2025, 3, 10)))
    with pytest.raises(LifecycleError, match="no report row") as refused:
        lc.set_outcome(draft, act(d(2025, 3, 10)), outcome="withheld.third_party", table=without)
    assert refused.value.rule == "outcome_mapping"
    with pytest.raises(LifecycleError, match="no report row"):
        lc.set_outcome(draft, act(d(2025, 3, 10)), outcome="withheld.dragons")


def test_art_35_unreasonable_is_not_processed_and_a_delay_needs_reason_and_approver() -> None:
    asked = lc.request_reason(registered(), act(d(2025, 3, 4)))
    refused = lc.reason_unreasonable(asked, act(d(2025, 3, 20)))
    assert (refused.status, refused.outcome) == (S.ANSWER_DRAFT, ApplicationOutcome.NOT_PROCESSED_EXCESSIVE)
    with pytest.raises(LifecycleError, match="reason and its approver"):
        lc.reason_accepted(asked, act(d(2025, 3, 20)), delayed_until=d(2025, 6, 30))
    delayed = lc.reason_accepted(asked, act(d(2025, 3, 20), "涉及十年档案"), delayed_until=d(2025, 6, 30),
                                 approved_by="公开办主任")
    assert (delayed.status, delayed.delayed_until) == (S.IN_PROGRESS, d(2025, 6, 30))


def test_consultations_pause_and_come_back() -> None:
    for consult in (lc.consult_third_party, lc.consult_agency):
        paused = consult(in_progress(), act(d(2025, 3, 6)))
        assert paused.status in lc.PAUSED
        assert lc.consultation_ended(paused, act(d(2025, 3, 20))).status == S.IN_PROGRESS


@pytest.mark.parametrize("status", sorted(OPEN))
def test_withdrawal_closes_any_open_state_as_other_other(status: S) -> None:
    app = dataclasses.replace(registered(), status=status)
    closed = lc.withdraw(app, Act("申请人", d(2025, 3, 10)))
    assert (closed.status, closed.outcome, closed.close_reason) == (S.CLOSED, ApplicationOutcome.OTHER_OTHER, "申请人撤回")
    assert closed.report_row is not None and closed.report_row.code == "（六）3"
    assert closed.events[-1].why == "申请人撤回"


@pytest.mark.parametrize("status", sorted(CONCLUDED))
def test_nothing_leaves_a_concluded_state_but_archiving(status: S) -> None:
    app = dataclasses.replace(answered("disclosed"), status=status)
    for action in ("withdraw", "start", "request_correction", "request_reason", "consult_agency", "draft_answer"):
        with pytest.raises(LifecycleError, match="not possible") as refused:
            getattr(lc, action)(app, act(d(2025, 3, 20)))
        assert refused.value.rule == ("archived" if status == S.ARCHIVED else "concluded")
    if status == S.ARCHIVED:
        with pytest.raises(LifecycleError, match="not possible"):
            lc.archive(app, act(d(2025, 3, 20)))
    else:
        assert lc.archive(app, act(d(2025, 3, 20))).status == S.ARCHIVED


def test_T24_the_report_year_is_the_year_of_conclusion() -> None:
    """T24: received 2025-12-29, answered 2026-01-20: its result row counts in 2026, whatever follows."""
    app = lc.dispatch_answer(lc.approve_answer(lc.draft_answer(in_progress(d(2025, 12, 29)), act(d(2026, 1, 19)),
                                                               outcome="disclosed"), act(d(2026, 1, 20))),
                             act(d(2026, 1, 20)))
    assert in_progress(d(2025, 12, 29)).concluded_on is None
    assert lc.archive(lc.serve(app, act(d(2026, 1, 23))), act(d(2026, 2, 1))).concluded_on == d(2026, 1, 20)
    assert lc.withdraw(registered(), act(d(2025, 3, 9))).concluded_on == d(2025, 3, 9)


def test_every_arrow_is_recorded_in_order_with_who_when_and_why() -> None:
    app = lc.serve(answered("disclosed"), act(d(2025, 3, 5), "邮寄签收"))
    assert [e.action for e in app.events] == ["receive", "start", "draft_answer", "approve_answer",
                                              "dispatch_answer", "serve"]
    assert [e.seq for e in app.events] == list(range(1, 7))
    assert all(e.to_status == ARROWS[e.action][1] for e in app.events[1:])
    assert [e.from_status for e in app.events[1:]] == [e.to_status for e in app.events[:-1]]
    assert app.events[-1].why == "邮寄签收" and app.events[3].by == "公开办负责人"
    with pytest.raises(LifecycleError, match="dated before") as backwards:
        lc.archive(app, act(d(2025, 3, 4)))
    assert backwards.value.rule == "in_order"
    with pytest.raises(LifecycleError, match="names who") as nobody:
        lc.archive(app, Act(" ", d(2025, 3, 6)))
    assert nobody.value.rule == "attributed"


def test_the_arrows_follow_the_diagram() -> None:
    """Every state is reached by some arrow, and only archiving (and serving an answer) leaves the
    concluded states."""
    targets = {target for _, target in ARROWS.values()} | {S.AWAITING_CONFIRMATION}
    assert targets == set(S)
    leaving = {action for action, (sources, _) in ARROWS.items() if sources & CONCLUDED}
    assert leaving == {"archive", "serve"} and ARROWS["serve"][0] == {S.ANSWERED}
