"""The answer clock of a public application against spec §6 (T1–T8, T11–T13, T17, T28) with its exact dates,
counted with chinese-calendar's data and the day-0 convention (民法典第二百零一条), and its refusals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engine.applications.clock import AnswerClock, ClockRefused, ClockSettings
from engine.applications.clock_days import DayCount, nth_working_day
from engine.applications.clock_events import (
    Answered,
    Consultation,
    ConsultationKind,
    CorrectedCopy,
    CorrectionNotice,
    DelayedAnswer,
    Extension,
    FeeNotice,
)
from engine.paths import PROJECT_ROOT
from engine.workflow.working_days import WorkingCalendar

CALENDAR = WorkingCalendar.from_file(PROJECT_ROOT / "data" / "calendar" / "holidays.yaml")
THIRD, AGENCY = ConsultationKind.THIRD_PARTY, ConsultationKind.OTHER_AGENCY
DEFAULT = ClockSettings()


def clock(received_on: date, *events: object, settings: ClockSettings = DEFAULT) -> AnswerClock:
    return AnswerClock.start(received_on, CALENDAR, settings, events)  # type: ignore[arg-type]


def extension(on: date, days: int = 20) -> Extension:
    return Extension(approved_on=on, notified_on=on, approver="公开办主任 李明", reason="需调取档案", working_days=days)


def test_t1_in_person_before_national_day() -> None:
    report = clock(date(2025, 9, 26)).report(date(2025, 9, 26))
    assert report.correction_notice_by == date(2025, 10, 13)
    assert report.statutory_deadline == report.effective_deadline == date(2025, 10, 30)  # a Thursday
    assert report.effective_deadline.weekday() == 3
    extended = clock(date(2025, 9, 26), extension(date(2025, 10, 20))).report(date(2025, 10, 20))
    assert (extended.statutory_deadline, extended.deadline_before_extension, extended.effective_deadline,
            extended.extended_by) == (date(2025, 10, 30), date(2025, 10, 30), date(2025, 11, 27), 20)
    assert not report.provisional and not extended.provisional


def test_t2_correction_restarts_the_answer_period_from_the_corrected_copy() -> None:
    received = date(2025, 3, 3)
    assert clock(received).report(received).statutory_deadline == date(2025, 3, 31)  # before any correction
    waiting = clock(received, CorrectionNotice(date(2025, 3, 6), date(2025, 3, 7)))
    paused = waiting.report(date(2025, 3, 10))
    assert paused.correction_notice_by == date(2025, 3, 12) and not paused.correction_notice_late
    assert (paused.answer_starts_on, paused.effective_deadline, paused.overdue) == (None, None, False)
    report = waiting.apply(CorrectedCopy(date(2025, 3, 14))).report(date(2025, 3, 14))
    assert report.answer_starts_on == date(2025, 3, 14)
    assert report.statutory_deadline == report.effective_deadline == date(2025, 4, 14)
    assert report.correction_lapses_after == date(2025, 3, 28) and report.lapsed is None


def test_t3_no_correction_lapses_after_fifteen_working_days_from_the_applicants_receipt() -> None:
    waiting = clock(date(2025, 3, 3), CorrectionNotice(date(2025, 3, 6), applicant_received_on=date(2025, 3, 7)))
    assert waiting.report(date(2025, 3, 28)).correction_lapses_after == date(2025, 3, 28)
    assert waiting.report(date(2025, 3, 28)).lapsed is None
    # 视为放弃申请: the lifecycle closes it as other.no_correction (Table 三 （六）1), not 无法提供 3
    report = waiting.report(date(2025, 3, 31))
    assert (report.lapsed, report.overdue, report.effective_deadline) == ("correction", False, None)


def test_t4_a_second_correction_notice_is_refused() -> None:
    once = clock(date(2025, 3, 3), CorrectionNotice(date(2025, 3, 6)))
    with pytest.raises(ClockRefused, match=r"second correction notice is refused \(条例第三十条\)") as refused:
        once.apply(CorrectionNotice(date(2025, 3, 10)))
    assert refused.value.article == "条例第三十条"
    with pytest.raises(ClockRefused, match="second correction notice"):  # not after the corrected copy either
        once.apply(CorrectedCopy(date(2025, 3, 14))).apply(CorrectionNotice(date(2025, 3, 17)))


def test_t5_extension_counted_from_the_original_deadline_not_the_approval_day() -> None:
    received = date(2025, 11, 20)
    assert clock(received).report(received).effective_deadline == date(2025, 12, 18)
    report = clock(received, extension(date(2025, 12, 15))).report(date(2025, 12, 15))
    # 元旦 2026-01-01..03 off, Sun 01-04 worked; weekends only would give 01-15
    assert (report.statutory_deadline, report.effective_deadline) == (date(2025, 12, 18), date(2026, 1, 16))


def test_t5_extension_approved_and_notified_on_the_deadline_itself_is_accepted() -> None:
    assert clock(date(2025, 11, 20), extension(date(2025, 12, 18))).report(date(2025, 12, 18)).extended_by == 20


def test_t6_extension_after_the_deadline_is_refused_and_the_case_is_overdue() -> None:
    late = clock(date(2025, 11, 20))
    with pytest.raises(ClockRefused, match=r"extension refused \(条例第三十三条第二款\).*2025-12-18 had passed"):
        late.apply(extension(date(2025, 12, 19)))
    with pytest.raises(ClockRefused, match="had passed"):  # approved in time but notified late
        late.apply(Extension(date(2025, 12, 17), date(2025, 12, 19), "李明", "需调取档案"))
    report = late.report(date(2025, 12, 19))
    assert report.overdue and report.effective_deadline == date(2025, 12, 18) and report.working_days_left is None


def test_t7_third_party_reply_ends_the_pause() -> None:
    consult = Consultation(THIRD, date(2026, 3, 6), recipient_received_on=date(2026, 3, 9), replied_on=date(2026, 3, 20))
    report = clock(date(2026, 3, 2), consult).report(date(2026, 3, 20))
    assert report.statutory_deadline == date(2026, 3, 30)
    assert report.effective_deadline == date(2026, 4, 14)  # 4 wd used before, 16 left after 03-20
    assert report.paused_working_days == 10
    (pause,) = report.pauses
    assert (pause.kind, pause.started_on, pause.ends_on, pause.reply_due_on, pause.status, pause.working_days) == (
        "third_party", date(2026, 3, 6), date(2026, 3, 20), date(2026, 3, 30), "replied", 10)
    assert CALENDAR.working_days_between(date(2026, 3, 2), date(2026, 3, 6)) == 4


def test_t8_third_party_silence_ends_the_pause_at_its_fifteenth_day_and_is_not_consent() -> None:
    silent = clock(date(2026, 3, 2), Consultation(THIRD, date(2026, 3, 6), recipient_received_on=date(2026, 3, 9)))
    waiting = silent.report(date(2026, 3, 25))
    assert waiting.pauses[0].status == "waiting" and waiting.pauses[0].silence_means is None
    report = silent.report(date(2026, 3, 31))
    assert (report.pauses[0].ends_on, report.effective_deadline) == (date(2026, 3, 30), date(2026, 4, 22))
    assert report.pauses[0].status == "no_reply" and "no consent" in (report.pauses[0].silence_means or "")


def test_other_agency_silence_is_deemed_consent_with_the_same_pause() -> None:
    report = clock(date(2026, 3, 2), Consultation(AGENCY, date(2026, 3, 6), date(2026, 3, 9))).report(date(2026, 4, 1))
    assert report.effective_deadline == date(2026, 4, 22)
    assert "视为同意公开" in (report.pauses[0].silence_means or "") and "第三十四条" in (report.pauses[0].silence_means or "")


def test_a_pause_whose_letter_is_not_yet_received_stops_the_clock_with_no_known_deadline() -> None:
    report = clock(date(2026, 3, 2), Consultation(THIRD, date(2026, 3, 6))).report(date(2026, 3, 9))
    assert (report.statutory_deadline, report.effective_deadline, report.overdue) == (date(2026, 3, 30), None, False)


def test_t11_a_deadline_in_a_year_without_holiday_data_is_provisional_and_recomputed(tmp_path: Path) -> None:
    provisional = clock(date(2026, 12, 10))
    report = provisional.report(date(2026, 12, 10))
    assert report.effective_deadline == date(2027, 1, 7) and report.provisional
    assert any(warning.startswith("2027 has no official holiday data") for warning in report.warnings)
    # A 2027 file for this test only (not the real 放假安排, which is not known here): 元旦 on Fri 01-01.
    path = tmp_path / "holidays.yaml"
    path.write_text("years:\n  2027:\n    complete: true\n    holidays:\n      2027-01-01: 元旦\n    workdays: {}\n",
                    encoding="utf-8")
    final = provisional.recomputed(WorkingCalendar.from_file(path)).report(date(2026, 12, 10))
    assert (final.effective_deadline, final.provisional, final.warnings) == (date(2027, 1, 8), False, ())


def test_t12_before_labour_day() -> None:
    assert clock(date(2025, 4, 30)).report(date(2025, 4, 30)).effective_deadline == date(2025, 6, 3)


def test_t13_the_make_up_sunday_is_the_first_working_day() -> None:
    assert nth_working_day(CALENDAR, date(2026, 9, 18), 1).due_on == date(2026, 9, 20)
    assert clock(date(2026, 9, 18)).report(date(2026, 9, 18)).effective_deadline == date(2026, 10, 22)


def test_t17_an_unpaid_fee_notice_lapses_after_twenty_working_days_from_the_day_after_receipt() -> None:
    unpaid = clock(date(2025, 5, 20), FeeNotice(date(2025, 6, 2), applicant_received_on=date(2025, 6, 3)))
    assert unpaid.report(date(2025, 7, 1)).fee_lapses_after == date(2025, 7, 1)
    assert unpaid.report(date(2025, 7, 1)).lapsed is None
    report = unpaid.report(date(2025, 7, 2))  # the lifecycle closes it as other.fee_unpaid
    assert (report.lapsed, report.overdue, report.pauses[0].status) == ("fee", False, "lapsed")


def test_a_paid_fee_notice_pauses_the_clock_until_the_payment() -> None:
    paid = clock(date(2025, 5, 20), FeeNotice(date(2025, 6, 2), date(2025, 6, 3), paid_on=date(2025, 6, 10)))
    report = paid.report(date(2025, 6, 10))
    paused = CALENDAR.working_days_between(date(2025, 6, 2), date(2025, 6, 10))
    assert report.paused_working_days == paused == 6
    assert report.effective_deadline == CALENDAR.add_working_days(date(2025, 5, 20), 20 + paused).due_on
    assert (report.fee_lapses_after, report.lapsed, report.pauses[0].status) == (None, None, "paid")


def test_a_fee_paid_after_its_twenty_working_days_still_lapses_the_application() -> None:
    late = clock(date(2025, 5, 20), FeeNotice(date(2025, 6, 2), date(2025, 6, 3), paid_on=date(2025, 7, 4)))
    report = late.report(date(2025, 7, 4))
    assert (report.fee_lapses_after, report.lapsed, report.pauses[0].status) == (date(2025, 7, 1), "fee", "paid_late")
    assert report.pauses[0].ends_on == date(2025, 7, 1)  # the pause is never longer than the applicant's period


def test_a_corrected_copy_after_the_correction_period_restarts_the_clock_with_a_warning() -> None:
    late = clock(date(2025, 3, 3), CorrectionNotice(date(2025, 3, 6), date(2025, 3, 7)), CorrectedCopy(date(2025, 4, 1)))
    report = late.report(date(2025, 4, 1))
    assert (report.answer_starts_on, report.lapsed) == (date(2025, 4, 1), None)
    assert any("after the correction period ended on 2025-03-28" in warning for warning in report.warnings)


def test_t28_answered_on_the_spot_shows_no_deadline_and_takes_no_events() -> None:
    spot = AnswerClock.answered_on_the_spot(date(2025, 6, 10), CALENDAR)
    report = spot.report(date(2025, 8, 1))
    assert report.answered_on_the_spot and report.answered_on == date(2025, 6, 10)
    assert (report.statutory_deadline, report.effective_deadline, report.correction_notice_by) == (None, None, None)
    assert not report.overdue and report.warning is None
    with pytest.raises(ClockRefused, match="条例第三十三条第一款"):
        spot.apply(CorrectionNotice(date(2025, 6, 11)))


def test_a_second_extension_is_refused() -> None:
    once = clock(date(2025, 11, 20), extension(date(2025, 12, 15), days=5))
    with pytest.raises(ClockRefused, match="only one extension"):
        once.apply(extension(date(2025, 12, 16), days=5))


@pytest.mark.parametrize(("bad", "message"), [
    (Extension(date(2025, 12, 1), date(2025, 12, 1), "李明", "调档", working_days=21), "at most 20"),
    (Extension(date(2025, 12, 1), date(2025, 12, 1), "李明", "调档", working_days=0), "at most 20"),
    (Extension(date(2025, 12, 1), date(2025, 12, 1), "", " "), "missing approver and reason"),
    (Extension(date(2025, 12, 2), date(2025, 12, 1), "李明", "调档"), "notified before"),
])
def test_an_extension_needs_its_approval_and_at_most_twenty_working_days(bad: Extension, message: str) -> None:
    with pytest.raises(ClockRefused, match=message):
        clock(date(2025, 11, 20)).apply(bad)


def test_art_35_delayed_answer_sets_a_later_deadline_with_reason_and_approver() -> None:
    delay = DelayedAnswer(date(2026, 2, 27), date(2025, 11, 25), "申请数量明显超过合理范围，理由合理", "公开办主任 李明")
    report = clock(date(2025, 11, 20), delay).report(date(2025, 12, 19))
    assert (report.statutory_deadline, report.effective_deadline, report.delayed_to) == (
        date(2025, 12, 18), date(2026, 2, 27), date(2026, 2, 27))
    assert not report.overdue
    with pytest.raises(ClockRefused, match="already replaces the Art. 33 period"):
        clock(date(2025, 11, 20), delay).apply(extension(date(2025, 12, 1)))
    with pytest.raises(ClockRefused, match=r"条例第三十五条.*missing reason and approver"):
        clock(date(2025, 11, 20)).apply(DelayedAnswer(date(2026, 2, 27), date(2025, 11, 25), "", ""))
    with pytest.raises(ClockRefused, match="not later than the Art. 33 deadline"):
        clock(date(2025, 11, 20)).apply(DelayedAnswer(date(2025, 12, 10), date(2025, 11, 25), "理由", "李明"))


def test_warnings_before_the_deadline_and_overdue() -> None:
    running = clock(date(2025, 11, 20))  # deadline Thu 2025-12-18
    levels = {day: running.report(date(2025, 12, day)).warning for day in (10, 11, 12, 16, 17, 18)}
    assert levels == {10: None, 11: 5, 12: 5, 16: 2, 17: 2, 18: 2}
    assert running.report(date(2025, 12, 11)).working_days_left == 5
    assert not running.report(date(2025, 12, 18)).overdue and running.report(date(2025, 12, 19)).overdue
    assert clock(date(2025, 11, 20), settings=ClockSettings(warn_working_days_before=(3,))).report(
        date(2025, 12, 12)).warning is None
    on_time = running.apply(Answered(date(2025, 12, 18)))
    assert not on_time.report(date(2026, 1, 5)).overdue and on_time.report(date(2026, 1, 5)).warning is None
    assert running.apply(Answered(date(2025, 12, 22))).report(date(2026, 1, 5)).overdue  # answered late
    with pytest.raises(ClockRefused, match="already answered"):
        on_time.apply(extension(date(2025, 12, 18)))


def test_overlapping_pauses_count_each_working_day_once() -> None:
    both = clock(date(2026, 3, 2), Consultation(THIRD, date(2026, 3, 6), date(2026, 3, 9), date(2026, 3, 20)),
                 Consultation(AGENCY, date(2026, 3, 13), date(2026, 3, 16), date(2026, 3, 24)))
    report = both.report(date(2026, 3, 24))
    assert report.paused_working_days == CALENDAR.working_days_between(date(2026, 3, 6), date(2026, 3, 24)) == 12
    assert report.effective_deadline == CALENDAR.add_working_days(date(2026, 3, 2), 32).due_on


def test_the_correction_period_is_set_in_the_notice_and_must_be_a_working_day_or_more() -> None:
    ten = clock(date(2025, 3, 3), CorrectionNotice(date(2025, 3, 6), date(2025, 3, 7), period_working_days=10))
    assert ten.report(date(2025, 3, 7)).correction_lapses_after == date(2025, 3, 21)
    with pytest.raises(ClockRefused, match="合理的补正期限"):
        clock(date(2025, 3, 3)).apply(CorrectionNotice(date(2025, 3, 6), date(2025, 3, 7), period_working_days=0))


def test_a_late_correction_notice_is_recorded_with_a_warning() -> None:
    report = clock(date(2025, 3, 3), CorrectionNotice(date(2025, 3, 13))).report(date(2025, 3, 13))
    assert report.correction_notice_late and any("7-working-day limit 2025-03-12" in w for w in report.warnings)


@pytest.mark.parametrize("event", [
    CorrectedCopy(date(2025, 3, 14)),
    Extension(date(2025, 3, 1), date(2025, 3, 1), "李明", "调档"),
    Consultation(THIRD, date(2025, 3, 10), recipient_received_on=date(2025, 3, 7)),
    FeeNotice(date(2025, 3, 10), paid_on=date(2025, 3, 9)),
])
def test_events_out_of_order_are_refused(event: object) -> None:
    with pytest.raises(ClockRefused):
        clock(date(2025, 3, 3)).apply(event)  # type: ignore[arg-type]


def test_nothing_pauses_a_clock_awaiting_its_corrected_copy() -> None:
    with pytest.raises(ClockRefused, match="not running"):
        clock(date(2025, 3, 3), CorrectionNotice(date(2025, 3, 6))).apply(FeeNotice(date(2025, 3, 10)))


def test_the_day_count_convention_is_one_setting() -> None:
    for start in (date(2025, 9, 26), date(2025, 4, 30), date(2026, 9, 18), date(2026, 12, 10)):
        for n in (0, 1, 7, 15, 20, 40):
            ours, theirs = nth_working_day(CALENDAR, start, n), CALENDAR.add_working_days(start, n)
            assert (ours.due_on, bool(ours.warnings)) == (theirs.due_on, bool(theirs.warnings))
    # counting the receipt day itself (T1's second mistake) gives 10-29, only when asked for
    included = ClockSettings(day_count=DayCount.START_DAY_INCLUDED)
    assert clock(date(2025, 9, 26), settings=included).report(date(2025, 9, 26)).effective_deadline == date(
        2025, 10, 29)
    assert nth_working_day(CALENDAR, date(2025, 9, 27), 1, DayCount.START_DAY_INCLUDED).due_on == date(2025, 9, 28)
