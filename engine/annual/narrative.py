"""The figures the office quotes in the narrative sections (一、五、六), found so that check 9 can hold them to
the tables and the fee ledger (applications.md §3.4 check 9): “共收到政府信息公开申请120件”, “收取信息处理费
300元”, “办结118件”, “结转下年度继续办理7件”, “行政复议3件”. Numbers may be written in Arabic digits
(half- or full-width, with thousands separators) or in Chinese numerals (一百二十, 两千零五).

A quoted figure that cannot be matched to a table is not a finding: only sentences the patterns below
recognise are checked, and each finding quotes the sentence so the office sees what was read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_DIGITS = r"[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千万]+"
NUMBER = rf"({_DIGITS}|{_CHINESE})"
_GAP = r"[^，。；;！？\n0-9０-９]{0,14}?"  # words between the noun and the figure, never across a clause

# what: the figure's meaning; each pattern's group 1 is the number, group 2 (fees) the unit.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("received", re.compile(rf"(?:新收|收到|受理){_GAP}申请{_GAP}{NUMBER}\s*件")),
    ("carried_in", re.compile(rf"上年(?:度)?结转{_GAP}{NUMBER}\s*件")),
    ("concluded", re.compile(rf"(?:办结|办理完成|答复){_GAP}{NUMBER}\s*件")),
    ("carried_out", re.compile(rf"结转(?:至)?下(?:一)?年(?:度)?{_GAP}{NUMBER}\s*件")),
    ("fees", re.compile(rf"(?:收取|收缴|收到){_GAP}信息处理费{_GAP}{NUMBER}\s*(万元|元)")),
    ("reconsideration", re.compile(rf"行政复议{_GAP}{NUMBER}\s*(?:件|起)")),
    ("litigation", re.compile(rf"行政诉讼{_GAP}{NUMBER}\s*(?:件|起)")),
)
# A clause about 行政复议 or 行政诉讼 (“收到行政复议申请2件”, “诉讼案件办结3件”) quotes Table 四, not the applications.
_CASE_WORDS = ("复议", "诉讼")
_APPLICATION_FIGURES = ("received", "carried_in", "concluded", "carried_out")
_NONE = {"fees": re.compile(r"(?:未|没有|无)(?:收取|收缴)[^，。；]{0,6}信息处理费")}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERALS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class Quoted:
    what: str
    value: Decimal  # fees in 元
    sentence: str
    section: str


def chinese_number(text: str) -> int | None:
    """Examples:
        >>> [chinese_number(t) for t in ("十二", "一百二十", "两千零五", "三万四千", "七")]
        [12, 120, 2005, 34000, 7]
    """
    total, section, digit = 0, 0, 0
    for char in text:
        if char in _NUMERALS:
            digit = _NUMERALS[char]
        elif char in _UNITS:
            section += (digit or 1) * _UNITS[char]
            digit = 0
        elif char == "万":
            total += (section + digit) * 10000
            section, digit = 0, 0
        else:
            return None
    return total + section + digit


def number(text: str) -> Decimal | None:
    plain = unicodedata.normalize("NFKC", text).replace(",", "").replace("，", "")
    if plain and plain[0].isdigit():
        try:
            return Decimal(plain)
        except InvalidOperation:
            return None
    value = chinese_number(text)
    return None if value is None else Decimal(value)


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(mark, 0, start) for mark in "。；;\n！？")
    rights = [i for i in (text.find(mark, end) for mark in "。；;\n！？") if i >= 0]
    return text[left + 1:(min(rights) + 1 if rights else len(text))].strip()


def _about_cases(text: str, start: int, end: int) -> bool:
    left = max(text.rfind(mark, 0, start) for mark in "，,。；;\n！？")
    return any(word in text[left + 1:end] for word in _CASE_WORDS)


def quoted(sections: dict[str, str]) -> list[Quoted]:
    """Every recognised figure in the narrative, in order of section and position.

    Examples:
        >>> [(q.what, q.value) for q in quoted({"overview": "收到政府信息公开申请120件，收到行政复议申请2件。"})]
        [('received', Decimal('120')), ('reconsideration', Decimal('2'))]
    """
    found: list[Quoted] = []
    for section, text in sections.items():
        for what, pattern in PATTERNS:
            for match in pattern.finditer(text or ""):
                value = number(match.group(1))
                if value is None or (what in _APPLICATION_FIGURES and _about_cases(text, match.start(), match.end())):
                    continue
                if what == "fees" and match.group(2) == "万元":
                    value *= 10000
                found.append(Quoted(what, value, _sentence(text, match.start(), match.end()), section))
        for what, pattern in _NONE.items():
            for match in pattern.finditer(text or ""):
                found.append(Quoted(what, Decimal(0), _sentence(text, match.start(), match.end()), section))
    return found
