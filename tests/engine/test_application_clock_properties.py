"""Properties of the answer clock over random receipt days (2024–2026) and random sequences of corrections,
pauses and extensions: whatever is recorded, and whichever records are refused, the law's invariants hold."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.applications.clock import AnswerClock, ClockRefused
from engine.applications.clock_events import (
    ANSWER_WORKING_DAYS,
    Consultation,
    ConsultationKind,
    CorrectedCopy,
    CorrectionNotice,
    Event,
    Extension,
    FeeNotice,
)
from engine.paths import PROJECT_ROOT
from engine.workflow.working_days import WorkingCalendar

CALENDAR = WorkingCalendar.from_file(PROJECT_ROOT / "data" / "calendar" / "holidays.yaml")
offsets = st.integers(min_value=0, max_value=45)
later = st.one_of(st.none(), st.integers(min_value=0, max_value=30))


def _after(day: date, offset: int | None) -> date | None:
    return None if offset is None else day + timedelta(days=offset)


@st.composite
def event_for(draw: st.DrawFn, received_on: date) -> Event:
    """One event dated after the receipt day; dates of its parts may be in any order (refusals are fine)."""
    sent = received_on + timedelta(days=draw(offsets))
    kind = draw(st.sampled_from(["correction", "corrected", "extension", "third_party", "other_agency", "fee"]))
    if kind == "correction":
        return CorrectionNotice(sent, _after(sent, draw(later)), draw(st.one_of(st.none(), st.integers(1, 20))))
    if kind == "corrected":
        return CorrectedCopy(sent)
    if kind == "extension":
        notified = sent + timedelta(days=draw(st.integers(0, 3)))
        return Extension(sent, notified, "李明", "调档", draw(st.integers(1, 20)))
    if kind == "fee":
        received = _after(sent, draw(later))
        return FeeNotice(sent, received, _after(received or sent, draw(later)))
    received = _after(sent, draw(later))
    return Consultation(ConsultationKind(kind), sent, received, _after(received or sent, draw(later)))


@st.composite
def histories(draw: st.DrawFn) -> tuple[date, list[Event]]:
    received_on = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)))
    return received_on, draw(st.lists(event_for(received_on), max_size=6))


@settings(max_examples=200, deadline=None)
@given(histories())
def test_the_clock_keeps_the_laws_invariants(history: tuple[date, list[Event]]) -> None:
    received_on, events = history
    clock = AnswerClock.start(received_on, CALENDAR)
    accepted: list[Event] = []
    for event in events:
        before = clock.deadline()
        try:
            clock = clock.apply(event)
        except ClockRefused:
            continue
        accepted.append(event)
        after = clock.deadline()
        if isinstance(event, (Consultation, FeeNotice)) and before is not None and after is not None:
            assert after.due_on >= before.due_on, "a pause moved the deadline earlier"
        if isinstance(event, Extension):
            assert before is not None and event.notified_on <= before.due_on  # 条例第三十三条第二款: in time
        _check(clock)
    # 条例第三十条 一次性告知; 条例第三十三条第二款 one extension
    assert sum(isinstance(event, CorrectionNotice) for event in accepted) <= 1
    assert sum(isinstance(event, Extension) for event in accepted) <= 1


def _check(clock: AnswerClock) -> None:
    start, statutory, effective = clock.answer_starts_on, clock.statutory_deadline(), clock.deadline()
    if statutory is not None and effective is not None:
        assert effective.due_on >= statutory.due_on, "the effective deadline is before the statutory one"
    if start is None or effective is None:
        return
    # Paused working days counted exactly once: the union of every (pause_start, pause_end] after day 0 and up
    # to the deadline, computed here independently of the clock.
    paused: set[date] = set()
    for window in clock.pause_windows():
        if window.end is None:  # a letter with no known end counts only when sent after the deadline
            assert window.start >= effective.due_on
            continue
        day = max(window.start, start) + timedelta(days=1)
        while day <= window.end and day <= effective.due_on:
            if CALENDAR.is_working_day(day):
                paused.add(day)
            day += timedelta(days=1)
    report = clock.report(effective.due_on)
    assert report.paused_working_days == len(paused)
    extension = clock.extension.working_days if clock.extension else 0
    expected = CALENDAR.add_working_days(start, ANSWER_WORKING_DAYS + extension + len(paused)).due_on
    assert effective.due_on == expected, "the deadline did not move by exactly the paused working days"
    assert not report.provisional or report.warnings, "a provisional date without its warning"
