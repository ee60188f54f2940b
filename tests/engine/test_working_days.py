"""The Art. 26 working-day clock against chinese_calendar's real data and the real agency file."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.paths import PROJECT_ROOT
from engine.workflow.working_days import (
    PUBLICATION_WORKING_DAYS,
    CalendarFileError,
    Due,
    WorkingCalendar,
    publication_due,
)

HOLIDAYS_FILE = PROJECT_ROOT / "data" / "calendar" / "holidays.yaml"


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar.from_file(HOLIDAYS_FILE)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "holidays.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_publication_clock_is_twenty_working_days() -> None:
    assert PUBLICATION_WORKING_DAYS == 20


# Expected dates counted by hand, day by day, from the official notices (国办发明电〔2024〕12号 for 2025,
# 国办发明电〔2025〕7号 for 2026), then checked against chinese_calendar.is_workday (test below):
# 2025: 国庆·中秋 10-01..10-08 off; Sun 09-28 and Sat 10-11 worked. From Fri 09-26: 09-28, 09-29, 09-30 (3),
#   10-09, 10-10, 10-11 Sat (6), 10-13..17 (11), 10-20..24 (16), 10-27..30 (20) -> Thu 2025-10-30.
# 2026: 春节 02-15..02-23 off; Sat 02-14 and Sat 02-28 worked. From Fri 02-06: 02-09..13 (5), 02-14 Sat (6),
#   02-24..27 (10), 02-28 Sat (11), 03-02..06 (16), 03-09..12 (20) -> Thu 2026-03-12.
CROSSING = [
    (date(2025, 9, 26), date(2025, 10, 30)),
    (date(2026, 2, 6), date(2026, 3, 12)),
]


@pytest.mark.parametrize(("formed_on", "expected"), CROSSING)
def test_twenty_working_days_across_national_day_2025_and_spring_festival_2026(
    calendar: WorkingCalendar, formed_on: date, expected: date
) -> None:
    assert publication_due(formed_on, calendar) == Due(expected, ())


@pytest.mark.parametrize(("formed_on", "expected"), CROSSING)
def test_the_hand_count_agrees_with_chinese_calendar(formed_on: date, expected: date) -> None:
    days = [formed_on + timedelta(days=i) for i in range(1, (expected - formed_on).days + 1)]
    assert sum(map(chinese_calendar.is_workday, days)) == 20 and chinese_calendar.is_workday(expected)


def test_the_tiaoxiu_saturdays_count_and_the_holidays_do_not(calendar: WorkingCalendar) -> None:
    for saturday in (date(2025, 10, 11), date(2026, 2, 14), date(2026, 2, 28)):
        assert saturday.weekday() == 5 and calendar.is_working_day(saturday)
    assert not any(calendar.is_working_day(date(2025, 10, day)) for day in range(1, 9))
    assert not any(calendar.is_working_day(date(2026, 2, day)) for day in range(15, 24))


def test_a_start_on_a_holiday_counts_from_the_next_working_day(calendar: WorkingCalendar) -> None:
    # 2025-10-03 (National Day): 10-09, 10-10, 10-11 Sat (3), 10-13..17 (8), 10-20..24 (13), 10-27..31 (18),
    # 11-03, 11-04 (20).
    assert calendar.add_working_days(date(2025, 10, 3), 20) == Due(date(2025, 11, 4), ())
    assert calendar.add_working_days(date(2025, 10, 3), 1).due_on == date(2025, 10, 9)


def test_a_start_on_a_weekend_counts_from_the_next_working_day(calendar: WorkingCalendar) -> None:
    # Sat 2025-03-15: 03-17..21 (5), 03-24..28 (10), 03-31..04-03 (14), 04-04 清明 off, 04-07..11 (19), 04-14.
    assert calendar.add_working_days(date(2025, 3, 15), 20).due_on == date(2025, 4, 14)
    assert calendar.add_working_days(date(2025, 3, 15), 1).due_on == date(2025, 3, 17)
    assert calendar.add_working_days(date(2025, 3, 16), 20).due_on == date(2025, 4, 14)


def test_the_start_day_never_counts_and_zero_days_is_the_start(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2025, 3, 17), 1).due_on == date(2025, 3, 18)
    assert calendar.add_working_days(date(2025, 10, 3), 0) == Due(date(2025, 10, 3), ())
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(date(2025, 3, 17), -1)


def test_the_real_file_loads_and_leaves_2027_unknown(calendar: WorkingCalendar) -> None:
    assert calendar.is_known(2004) and calendar.is_known(2026)
    assert not calendar.is_known(2027) and not calendar.is_known(2003)


def test_a_missing_file_gives_the_package_data_alone(tmp_path: Path) -> None:
    alone = WorkingCalendar.from_file(tmp_path / "none.yaml")
    assert not alone.is_working_day(date(2026, 10, 1)) and alone.is_working_day(date(2026, 10, 10))
    assert not alone.is_known(2027)


def test_the_file_wins_over_the_package(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "years:\n"
        "  2025:\n"
        "    holidays: {2025-10-09: 地方补休}\n"  # a package working day made a day off
        "    workdays: {'2025-10-08': 国庆节, 2025-10-12: 国庆节}\n",  # a package holiday and a Sunday worked
    )
    local = WorkingCalendar.from_file(path)
    assert not local.is_working_day(date(2025, 10, 9))
    assert local.is_working_day(date(2025, 10, 8)) and local.is_working_day(date(2025, 10, 12))
    assert local.is_working_day(date(2025, 10, 10)) and not local.is_working_day(date(2025, 10, 7))
    # From 09-26: 09-28, 09-29, 09-30, 10-08, 10-10, 10-11, 10-12 (7), 10-13..17 (12), 10-20..24 (17), 10-27..29.
    assert publication_due(date(2025, 9, 26), local) == Due(date(2025, 10, 29), ())


def test_an_unknown_year_skips_weekends_only_and_warns(calendar: WorkingCalendar) -> None:
    # Fri 2027-09-24 + 20 weekdays, whatever 2027's National Day will be: 09-27..10-01 (5) ... 10-18..22 (20).
    due = publication_due(date(2027, 9, 24), calendar)
    assert due.due_on == date(2027, 10, 22)
    assert due.warnings == (
        "2027 is outside the known holiday calendar (chinese-calendar covers 2004–2026; add 2027 to "
        f"{HOLIDAYS_FILE} and mark it complete): weekends only were skipped, so the due date may be too early",
    )
    assert calendar.is_working_day(date(2027, 10, 1)) and not calendar.is_working_day(date(2027, 10, 2))


def test_a_warning_for_every_unknown_year_touched_and_none_for_the_start_year() -> None:
    package = WorkingCalendar()
    assert [w[:4] for w in package.add_working_days(date(2027, 12, 20), 20).warnings] == ["2027", "2028"]
    assert package.add_working_days(date(2026, 12, 31), 1).warnings[0].startswith("2027 ")
    assert package.add_working_days(date(2027, 12, 31), 1).warnings[0].startswith("2028 ")
    assert "data/calendar/holidays.yaml" in package.add_working_days(date(2027, 1, 1), 1).warnings[0]
    assert package.add_working_days(date(2026, 12, 1), 20).warnings == ()


def test_a_complete_year_in_the_file_is_known(tmp_path: Path) -> None:
    path = write(tmp_path, "years:\n  2027:\n    complete: true\n    holidays: {2027-01-01: 元旦}\n")
    agency = WorkingCalendar.from_file(path)
    assert agency.is_known(2027) and not agency.is_working_day(date(2027, 1, 1))
    assert agency.add_working_days(date(2026, 12, 31), 1) == Due(date(2027, 1, 4), ())


@pytest.mark.parametrize(
    ("text", "entry", "problem"),
    [
        ("years:\n  2027:\n    holidays: {2027-13-01: 元旦}\n", "2027", "'2027-13-01' is not a YYYY-MM-DD date"),
        ("years:\n  2027:\n    holidays: {'20270101': 元旦}\n", "2027", "'20270101' is not a YYYY-MM-DD date"),
        ("years:\n  2027:\n    holiday: {}\n", "2027", "unknown key 'holiday'"),
        ("years:\n  2027:\n    holidays: [2027-01-01]\n", "2027", "holidays must be a mapping"),
        ("years:\n  2027:\n    workdays: 2027-01-02\n", "2027", "workdays must be a mapping"),
        ("years:\n  2027:\n    workdays: []\n", "2027", "workdays must be a mapping of YYYY-MM-DD: name, not list"),
        ("years:\n  2027:\n    holidays: {2028-01-01: 元旦}\n", "2027", "2028-01-01 in holidays is not in 2027"),
        ("years:\n  2027:\n    holidays: {2027-01-01: }\n", "2027", "2027-01-01 in holidays needs a name"),
        (
            "years:\n  2027:\n    holidays: {2027-01-01: 元旦}\n    workdays: {2027-01-01: 元旦}\n",
            "2027",
            "2027-01-01 is listed twice",
        ),
        ("years:\n  2027:\n    complete: yes please\n", "2027", "complete must be true or false"),
        ("years:\n  next:\n    holidays: {}\n", "next", "expected a year"),
        ("years: [2027]\n", "years", "expected a mapping of year"),
        ("year:\n  2027: {}\n", None, "expected a mapping with the single key 'years'"),
        ("years: {2027: {holidays: {2027-01-01: 元旦}\n", None, "not readable YAML"),
    ],
)
def test_a_malformed_file_names_file_entry_and_problem(
    tmp_path: Path, text: str, entry: str | None, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CalendarFileError) as raised:
        WorkingCalendar.from_file(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: " + (f"{entry}: " if entry else ""))
    assert problem in message
    assert isinstance(raised.value, ValueError)


def test_dates_given_as_yaml_timestamps_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "years:\n  2027:\n    holidays: {!!timestamp 2027-01-01: 元旦}\n")
    assert not WorkingCalendar.from_file(path).is_working_day(date(2027, 1, 1))


def test_working_days_between_is_antisymmetric(calendar: WorkingCalendar) -> None:
    assert calendar.working_days_between(date(2025, 9, 26), date(2025, 10, 30)) == 20
    assert calendar.working_days_between(date(2025, 10, 30), date(2025, 9, 26)) == -20
    assert calendar.working_days_between(date(2025, 10, 3), date(2025, 10, 3)) == 0
    assert calendar.working_days_between(date(2025, 10, 1), date(2025, 10, 8)) == 0


@settings(max_examples=300, deadline=None)
@given(start=st.dates(date(2005, 1, 1), date(2026, 12, 31)), n=st.integers(0, 60))
def test_the_due_date_is_n_working_days_after_start(calendar: WorkingCalendar, start: date, n: int) -> None:
    due = calendar.add_working_days(start, n).due_on
    if n > 0:
        assert due > start and calendar.is_working_day(due)
    else:
        assert due == start
    assert calendar.working_days_between(start, due) == n
