"""Working days for the statutory clocks, starting with Art. 26 (proactive publication).

chinese_calendar carries the State Council's 放假安排 for the years it knows; the agency file
(data/calendar/holidays.yaml) adds later years, and wins where both speak. Outside both, only weekends are
skipped, and every answer that relied on that says so.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import chinese_calendar
import yaml

# 条例第二十六条: proactive information is published within 20 working days of being formed or changed.
# Dates of the Art. 26 clock are China dates: a timestamp is read in China time before its date is taken.
CHINA_TIME = datetime.timezone(datetime.timedelta(hours=8))


def china_date(at: datetime.datetime) -> datetime.date:
    """The date in China of a timezone-aware timestamp."""
    return at.astimezone(CHINA_TIME).date()


def today_in_china() -> datetime.date:
    return datetime.datetime.now(CHINA_TIME).date()


def published_late(routed_at: datetime.datetime | None, due_on: datetime.date) -> bool:
    """条例第二十六条: a proactive item routed (published) after its due date, counted in China dates."""
    return routed_at is not None and china_date(routed_at) > due_on


PUBLICATION_WORKING_DAYS = 20

DEFAULT_FILE = "data/calendar/holidays.yaml"
_PACKAGE_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # fromisoformat alone would also take 20270101 or 2027-W01-1


class CalendarFileError(ValueError):
    """The agency calendar file cannot be used; the message names the file, the entry and the problem."""


@dataclass(frozen=True)
class Due:
    """A due date, with a warning for every year whose holidays were not known."""

    due_on: datetime.date
    warnings: tuple[str, ...]


# Dates stay text, so that a bad one (2027-13-01) is reported with its entry rather than crashing PyYAML.
class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class WorkingCalendar:
    """Working days: the agency's entries, else chinese_calendar, else Monday to Friday."""

    def __init__(
        self,
        holidays: Mapping[datetime.date, str] = {},  # noqa: B006 - read only, never mutated
        workdays: Mapping[datetime.date, str] = {},  # noqa: B006
        known_years: Iterable[int] = (),
    ) -> None:
        both = sorted(set(holidays) & set(workdays))
        if both:
            raise ValueError(f"{both[0].isoformat()} is both a holiday and a workday")
        self._holidays, self._workdays = dict(holidays), dict(workdays)
        self._known_years = frozenset(known_years)
        self._file = DEFAULT_FILE  # named in warnings: it is where the missing year has to be entered

    @classmethod
    def from_file(cls, path: Path) -> WorkingCalendar:
        """The package data with the agency file at `path` on top; a missing file adds nothing.

        Raises:
            CalendarFileError: the file is not valid YAML or not in the documented format.
        """
        path = Path(path)
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) if path.exists() else None
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            raise CalendarFileError(f"{path}: not readable YAML: {error}") from None
        calendar = cls(*_parse(path, data))
        calendar._file = str(path)
        return calendar

    def is_known(self, year: int) -> bool:
        """Whether every holiday and 调休 workday of `year` is known (package data or a complete file year)."""
        return year in _PACKAGE_YEARS or year in self._known_years

    def is_working_day(self, day: datetime.date) -> bool:
        """Whether `day` is a working day; a weekday in a year nobody has entered always is."""
        if day in self._workdays:
            return True
        if day in self._holidays:
            return False
        if day.year in _PACKAGE_YEARS:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, n: int) -> Due:
        """The n-th working day strictly after `start` (`start` itself never counts); n == 0 gives `start`.

        Raises:
            ValueError: n is negative.
        """
        if n < 0:
            raise ValueError(f"n must not be negative, got {n}")
        day, left = start, n
        while left:
            day += datetime.timedelta(days=1)
            left -= self.is_working_day(day)
        # The years of the days examined, start+1 .. due; start is never counted, so its year is not touched.
        touched = range((start + datetime.timedelta(days=1)).year, day.year + 1) if n else ()
        return Due(day, tuple(self._unknown_year_warning(year) for year in touched if not self.is_known(year)))

    def working_days_between(self, a: datetime.date, b: datetime.date) -> int:
        """Working days after `a` up to and including `b`; for b < a, minus working_days_between(b, a)."""
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_working_day(a + datetime.timedelta(days=i)) for i in range(1, (b - a).days + 1))

    def _unknown_year_warning(self, year: int) -> str:
        return (
            f"{year} is outside the known holiday calendar (chinese-calendar covers "
            f"{_PACKAGE_YEARS[0]}–{_PACKAGE_YEARS[-1]}; add {year} to {self._file} and mark it complete): "
            "weekends only were skipped, so the due date may be too early"
        )


def publication_due(formed_on: datetime.date, calendar: WorkingCalendar) -> Due:
    """The last day for proactive publication of information formed or changed on `formed_on` (Art. 26).

    Examples:
        National Day 2026 (10-01..10-07) is skipped and the 调休 Saturday 2026-10-10 counts:

        >>> publication_due(datetime.date(2026, 9, 28), WorkingCalendar())
        Due(due_on=datetime.date(2026, 10, 30), warnings=())

        元旦 2026 (01-01..01-03) is skipped and the 调休 Sunday 2026-01-04 counts:

        >>> publication_due(datetime.date(2025, 12, 31), WorkingCalendar()).due_on
        datetime.date(2026, 1, 29)

        A clock running into a year nobody has entered yet skips weekends only, and says so:

        >>> due = publication_due(datetime.date(2026, 12, 20), WorkingCalendar())
        >>> due.due_on, [warning[:48] for warning in due.warnings]
        (datetime.date(2027, 1, 15), ['2027 is outside the known holiday calendar (chin'])
    """
    return calendar.add_working_days(formed_on, PUBLICATION_WORKING_DAYS)


def _parse(path: Path, data: object) -> tuple[dict, dict, set]:
    def fail(where: object, problem: str) -> CalendarFileError:
        return CalendarFileError(f"{path}: {where}: {problem}")

    data = {} if data is None else data
    if not isinstance(data, dict) or set(data) - {"years"}:
        raise CalendarFileError(f"{path}: expected a mapping with the single key 'years'")
    years = {} if data.get("years") is None else data["years"]
    if not isinstance(years, dict):
        raise fail("years", f"expected a mapping of year: entry, not {type(years).__name__}")
    holidays: dict = {}
    workdays: dict = {}
    known = {year for year, entry in years.items() if isinstance(entry, dict) and entry.get("complete") is True}
    for year, entry in years.items():
        if not isinstance(year, int) or isinstance(year, bool):
            raise fail(year, "expected a year such as 2027")
        entry = {} if entry is None else entry
        if not isinstance(entry, dict):
            raise fail(year, "expected a mapping with complete, holidays and workdays")
        unknown = sorted(map(str, set(entry) - {"complete", "holidays", "workdays"}))
        if unknown:
            raise fail(year, f"unknown key '{unknown[0]}' (expected complete, holidays, workdays)")
        if not isinstance(entry.get("complete", False), bool):
            raise fail(year, "complete must be true or false")
        for key, target in (("holidays", holidays), ("workdays", workdays)):
            days = {} if entry.get(key) is None else entry[key]
            if not isinstance(days, dict):
                raise fail(year, f"{key} must be a mapping of YYYY-MM-DD: name, not {type(days).__name__}")
            for raw, name in days.items():
                day = _date(raw)
                if day is None:
                    raise fail(year, f"{raw!r} is not a YYYY-MM-DD date")
                if day.year != year:
                    raise fail(year, f"{day.isoformat()} in {key} is not in {year}")
                if not isinstance(name, str) or not name.strip():
                    raise fail(year, f"{day.isoformat()} in {key} needs a name, e.g. 春节")
                if day in holidays or day in workdays:
                    raise fail(year, f"{day.isoformat()} is listed twice")
                target[day] = name
    return holidays, workdays, known


def _date(raw: object) -> datetime.date | None:
    if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
        return raw
    try:
        return datetime.date.fromisoformat(raw) if isinstance(raw, str) and _ISO_DATE.fullmatch(raw) else None
    except ValueError:  # well formed but no such day, e.g. 2027-02-30
        return None
