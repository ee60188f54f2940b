"""Personal data in text (条例第十五条 个人隐私): what is found, how often, and where.

Checks keep false alarms down: an ID number must carry a valid GB 11643 check digit and birth date,
a bank card must pass the Luhn check, and digits glued to other digits never count. Evidence shows
masked values, so an explanation never repeats a citizen's full number.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

import re2

KINDS = ("id_card", "id_card_unverified", "mobile", "landline", "bank_card")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# These fixed patterns are ours, not authors': none nests quantifiers, so Python's re runs them in
# linear time, and its look-around keeps digits glued to other digits from counting.
# An ID number or a mobile number may be written in groups (110101 19900307 1234, 139-1234-5678): one space or
# hyphen between the groups people use is allowed, and removed before the checks.
_ID = re.compile(r"(?<![0-9A-Za-z])([1-8][0-9]{5}[ -]?(?:19|20)[0-9]{2}[01][0-9][0-3][0-9][ -]?[0-9]{3}[0-9Xx])"
                 r"(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])((?:\+?86[- ]?)?1[3-9][0-9](?:[0-9]{8}|[ -][0-9]{4}[ -][0-9]{4}))(?![0-9])")
_GROUPING = str.maketrans("", "", " -")
_LANDLINE = re.compile(r"(?<![0-9])((?:\(0[1-9][0-9]{1,2}\)|（0[1-9][0-9]{1,2}）|0[1-9][0-9]{1,2}-)[2-9][0-9]{6,7})(?![0-9])")
_LANDLINE_LABELLED = re.compile(r"(?:电话|座机|传真|Tel|TEL)[:：]?\s*([2-9][0-9]{6,7})(?![0-9])")
_CARD = re.compile(r"(?<![0-9])([3-6][0-9]{3}(?: ?[0-9]{4}){3}(?: ?[0-9]{1,3})?)(?![0-9])")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its kind, span in the text, and a masked rendering."""

    kind: str
    field: str
    start: int
    end: int
    masked: str


def _mask(value: str) -> str:
    keep = 3 if len(value) > 8 else 2
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def id_check_digit(first17: str) -> str:
    """GB 11643 check character for the first 17 digits.

    Examples:
        >>> id_check_digit("11010519491231002")
        'X'
    """
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _valid_birth(number: str) -> bool:
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def luhn_ok(digits: str) -> bool:
    """The Luhn check used by bank cards.

    Examples:
        >>> luhn_ok("4111111111111111"), luhn_ok("4111111111111112")
        (True, False)
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# Every kind needs six digits in a row (ID, mobile, landline) or two groups of digits (a spaced card, a grouped
# mobile).
_DIGIT_RUN = re.compile(r"[0-9]{6}|[0-9]{3,4}[ -][0-9]{4}")


# Each scan above, without its look-arounds (RE2 has none): a text where that cannot match is not scanned by
# Python's re, which has no literal to skip ahead to and tries every position (a 4 KB body of dates and
# amounts passes _DIGIT_RUN, and the five scans cost 0.1 ms). A superset of each pattern's matches, so a
# scan skipped would have found nothing.
_MAY_MATCH = re2.Set.SearchSet()
for _core in (r"[1-8][0-9]{5}[ -]?(?:19|20)[0-9]{2}[01][0-9][0-3][0-9][ -]?[0-9]{3}[0-9Xx]",
              r"[3-6][0-9]{3}(?: ?[0-9]{4}){3}",
              r"1[3-9][0-9](?:[0-9]{8}|[ -][0-9]{4}[ -][0-9]{4})",
              r"(?:\(0[1-9][0-9]{1,2}\)|（0[1-9][0-9]{1,2}）|0[1-9][0-9]{1,2}-)[2-9][0-9]{6}",
              r"(?:电话|座机|传真|Tel|TEL)"):
    _MAY_MATCH.Add(_core)
_MAY_MATCH.Compile()


def _scan(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, str]]:
    return [(m.start(1), m.end(1), m.group(1)) for m in pattern.finditer(text)]


class _Intervals:
    """Disjoint spans already claimed, kept sorted: an overlap test costs O(log n), not O(n)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start)
        if i > 0 and self._ends[i - 1] > start:
            return False
        return not (i < len(self._starts) and self._starts[i] < end)

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


def find_personal_data(text: str, field: str) -> list[Finding]:
    """Every piece of personal data in `text` (a title or a body)."""
    if _DIGIT_RUN.search(text) is None:  # nothing below can match: skip five scans
        return []
    found: list[Finding] = []
    taken = _Intervals()
    free = taken.free
    may = set(_MAY_MATCH.Match(text) or ())
    if not may:
        return []

    for start, end, grouped in _scan(_ID, text) if 0 in may else ():
        value = grouped.translate(_GROUPING)
        valid = id_check_digit(value[:17]) == value[17].upper()
        if _valid_birth(value):
            found.append(Finding("id_card" if valid else "id_card_unverified", field, start, end, _mask(value)))
            taken.add(start, end)
    for start, end, value in _scan(_CARD, text) if 1 in may else ():
        digits = value.replace(" ", "")
        if 16 <= len(digits) <= 19 and free(start, end) and luhn_ok(digits):
            found.append(Finding("bank_card", field, start, end, _mask(digits)))
            taken.add(start, end)
    for start, end, value in _scan(_MOBILE, text) if 2 in may else ():
        if free(start, end):
            found.append(Finding("mobile", field, start, end, _mask(value.translate(_GROUPING))))
            taken.add(start, end)
    for pattern in [p for p, i in ((_LANDLINE, 3), (_LANDLINE_LABELLED, 4)) if i in may]:
        for start, end, value in _scan(pattern, text):
            if free(start, end):
                found.append(Finding("landline", field, start, end, _mask(value)))
                taken.add(start, end)
    return sorted(found, key=lambda f: f.start)


def redact(text: str) -> str:
    """`text` with every piece of personal data replaced by its masked form (for evidence shown to users)."""
    for finding in reversed(find_personal_data(text, "")):
        text = text[: finding.start] + finding.masked + text[finding.end :]
    return text
