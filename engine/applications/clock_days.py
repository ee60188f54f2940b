"""Counting working days for the answer clock: the one day-count convention, and counting past paused days.

The Regulations count their application periods in working days (工作日, 条例第三十条、第三十二条、第三十三条、
第三十四条) but never say whether the start day counts. The default follows 民法典第二百零一条 (“开始的当日不计入”):
day 0 is the start day, and the deadline is the N-th working day after it. The convention is a setting
(spec §1.4), kept in this one module so that every clock of an application counts the same way. The default
gives exactly WorkingCalendar.add_working_days, the count of Art. 26 (proactive publication), over the same
calendar (tested day for day); it walks the days here so that paused days can be passed over.

A computed date that runs through a year without official holiday data skips weekends only: it is
provisional, and says so in its warnings, until the year's 放假安排 is entered in the agency calendar file.
"""

from __future__ import annotations

import datetime
import weakref
from collections.abc import Callable, Iterable
from enum import StrEnum

from engine.workflow.working_days import Due, WorkingCalendar

ONE_DAY = datetime.timedelta(days=1)

# chinese_calendar answers a day in ~30 µs and one clock report asks about a few hundred days: each calendar's
# answers are kept while the calendar lives (a calendar never changes once loaded; a new file is a new one).
_ANSWERS: weakref.WeakKeyDictionary[WorkingCalendar, dict[datetime.date, bool]] = weakref.WeakKeyDictionary()


def _days_of(calendar: WorkingCalendar) -> Callable[[datetime.date], bool]:
    """calendar.is_working_day, remembered per calendar."""
    answers = _ANSWERS.setdefault(calendar, {})

    def working(day: datetime.date) -> bool:
        known = answers.get(day)
        if known is None:
            known = answers[day] = calendar.is_working_day(day)
        return known

    return working


class DayCount(StrEnum):
    """How the start day of a period is treated (spec §1.4: a setting, to be settled with legal staff)."""

    START_DAY_EXCLUDED = "start_day_excluded"  # 民法典第二百零一条: 开始的当日不计入 (the default)
    START_DAY_INCLUDED = "start_day_included"  # the start day is working day 1 when it is a working day


def nth_working_day(
    calendar: WorkingCalendar,
    start: datetime.date,
    n: int,
    convention: DayCount = DayCount.START_DAY_EXCLUDED,
) -> Due:
    """The last day of a period of `n` working days starting on `start`, by `convention`.

    Examples:
        Received in person on Fri 2025-09-26: National Day 10-01..10-08 is skipped, the 调休 Sunday 09-28
        and Saturday 10-11 count (spec §6 T1):

        >>> nth_working_day(WorkingCalendar(), datetime.date(2025, 9, 26), 20).due_on
        datetime.date(2025, 10, 30)
        >>> nth_working_day(WorkingCalendar(), datetime.date(2025, 9, 26), 20, DayCount.START_DAY_INCLUDED).due_on
        datetime.date(2025, 10, 29)

    Raises:
        ValueError: n is negative.
    """
    return counted_working_day(calendar, start, n, skip=frozenset(), convention=convention)


def counted_working_day(
    calendar: WorkingCalendar,
    start: datetime.date,
    n: int,
    *,
    skip: frozenset[datetime.date],
    convention: DayCount = DayCount.START_DAY_EXCLUDED,
) -> Due:
    """The day on which `n` counted working days after `start` are used up, the days in `skip` not counted.

    This is how a pause stops the clock (条例第三十三条第三款: consultation time is not counted): the counted
    days before a pause are kept and the paused working days are passed over, so the deadline moves by the
    number of paused working days that fall before it, and a day in two pauses is passed over once.

    Raises:
        ValueError: n is negative.
    """
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    working = _days_of(calendar)
    day, left, first = start, n, start + ONE_DAY
    if convention is DayCount.START_DAY_INCLUDED and n and working(start) and start not in skip:
        left, first = n - 1, start
    while left:
        day += ONE_DAY
        left -= working(day) and day not in skip
    years = range(first.year, day.year + 1) if n else range(0)
    return Due(day, unknown_year_warnings(calendar, years))


def unknown_year_warnings(calendar: WorkingCalendar, years: Iterable[int]) -> tuple[str, ...]:
    """A warning for each year without official holiday data: dates counted through it are provisional."""
    return tuple(
        f"{year} has no official holiday data (国务院办公厅 放假安排 not yet entered in the agency calendar file): "
        "weekends only were skipped, so this date is provisional and may be too early"
        for year in years
        if not calendar.is_known(year)
    )


def working_days_in(calendar: WorkingCalendar, after: datetime.date, through: datetime.date) -> frozenset[datetime.date]:
    """The working days d with after < d <= through (spec §1.4: a pause covers (pause_start, pause_end])."""
    working, days, day = _days_of(calendar), set(), after + ONE_DAY
    while day <= through:
        if working(day):
            days.add(day)
        day += ONE_DAY
    return frozenset(days)
