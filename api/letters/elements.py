"""The elements of a letter that are not a letter type's own (applications.md §2, "common frame"): what
every letter may print — the application's registration number, the applicant, the receipt date, the
channel, what was asked for, the letter's own date and number — and what comes from the agency's
settings (its name, contact, 复议机关 and court). Each with the Chinese name a refusal prints.

A letter type's own required elements are data (data/letters/<type>.yaml), so legal staff can change
them; the frame is here because the renderer fills it (dates written out, ids turned into labels).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping

# The frame: placeholders every template may use, filled from the letter's values.
FRAME: Mapping[str, str] = {
    "reg_no": "登记号",
    "applicant": "申请人姓名或者名称",
    "received_on": "收到申请日期",
    "channel": "申请方式",
    "description": "申请获取的信息",
    "date": "作出日期",
    "serial": "文号序号",
}

# What happened on the way, printed after the recital of an answer when it happened (§2, "optional
# recitals"; the wording is common.yaml's `history`): each is optional, and a paragraph that prints needs all
# it names.
HISTORY: Mapping[str, str] = {
    "correction_notice_on": "补正告知日期",
    "correction_received_on": "收到补正申请日期",
    "extension_notice": "延期答复告知书文号",
    "extension_notice_on": "延期答复告知日期",
    "consultation": "征求意见情况",
    "fee_paid_on": "缴纳信息处理费日期",
}

# From settings (api/settings.py): placeholder → (Chinese name, environment variable). Empty ⇒ the letter
# is refused as "not configured": printing a guessed authority would send an applicant's appeal to the
# wrong body (行政复议法 Art. 20 runs its 60 days regardless).
SETTINGS: Mapping[str, tuple[str, str]] = {
    "agency": ("本机关名称", "GONGKAI_AGENCY_NAME"),
    "contact_person": ("联系人", "GONGKAI_CONTACT_PERSON"),
    "contact_phone": ("联系电话", "GONGKAI_CONTACT_PHONE"),
    "review_authority": ("行政复议机关", "GONGKAI_REVIEW_AUTHORITY"),
    "court": ("管辖法院", "GONGKAI_COURT"),
    "progress_query": ("申请进度查询方式", "GONGKAI_PROGRESS_QUERY"),
}
SETTING_FIELDS: Mapping[str, str] = {"agency": "agency_name", "contact_person": "contact_person",
                                     "contact_phone": "contact_phone", "review_authority": "review_authority",
                                     "court": "court", "progress_query": "progress_query"}
NUMBER_PATTERN = ("文号格式", "GONGKAI_LETTER_NUMBER_PATTERN")
NUMBER_FIELDS = frozenset({"code", "year", "serial"})  # what a 文号 pattern may hold

# Flags the renderer works out itself: `in_person` — the application was handed in (or spoken) at the
# office, so the receipt gets the applicant's signature line (§4.2); `fee_unpaid` — the application lapsed
# for an unpaid fee (FEE), not for a missing correction (Art. 30), so the lapse letter cites that.
DERIVED: Mapping[str, str] = {"in_person": "当面提交", "fee_unpaid": "逾期未缴费"}
IN_PERSON_CHANNELS = frozenset({"in_person", "oral"})

# In a paragraph repeated for each entry of a list: {n} is the entry's number, （一）, （二）…
ENTRY_NUMBER = "n"
ENTRY_TEXT = "item"  # a list of plain texts: the entry itself

# The outcome ids of applications.md §1.7 (the report's mapping is engine.applications'; letters only key
# their remedy clause and check a letter answers with one of its own outcomes).
OUTCOMES = frozenset({
    "disclosed.already_public", "disclosed", "partial",
    "withheld.state_secret", "withheld.law_prohibited", "withheld.security_stability", "withheld.third_party",
    "withheld.internal_affairs", "withheld.process_info", "withheld.enforcement_case",
    "withheld.administrative_query",
    "cannot_provide.not_held", "cannot_provide.not_responsible", "cannot_provide.needs_creation",
    "cannot_provide.still_unclear",
    "not_processed.petition", "not_processed.repeat", "not_processed.publication", "not_processed.excessive",
    "not_processed.confirm_or_reissue",
    "other.no_correction", "other.fee_unpaid", "other.other",
})

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # a date given as text (JSON) prints like a date
CHINESE_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Missing:
    """One element a letter cannot go without: its key, its Chinese name, and what to do (fill it in,
    or configure the setting)."""
    key: str
    name: str
    setting: str | None = None  # the GONGKAI_ variable, when it comes from settings

    def __str__(self) -> str:
        if self.setting:
            return f"{self.name}（{self.key}）未配置：请设置 {self.setting}"
        return f"{self.name}（{self.key}）"


class MissingElements(ValueError):
    """A letter was refused: the elements it needs and does not have, each by its Chinese name and key."""

    def __init__(self, kind: str, name: str, missing: list[Missing]) -> None:
        self.kind, self.missing = kind, missing
        listed = "；".join(str(m) for m in missing)
        super().__init__(f"{name}（{kind}）缺少必备要素，不能生成：{listed}")


def blank(value: Any) -> bool:
    """An element counts as missing when it is None, blank text or an empty list (False is a flag's
    answer, not a missing value)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return not value
    return False


def text_of(value: Any, labels: Mapping[str, str] | None = None) -> str:
    """A value as printed: a date as 2025年10月30日 (no leading zeros, as letters write it), an id with a
    label as its label, anything else as its text."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    # The template puts the punctuation: a value's own closing 。；， would double it.
    text = str(value).strip().rstrip("。；，;,")
    if ISO_DATE.fullmatch(text):
        return text_of(dt.date.fromisoformat(text))
    return labels.get(text, text) if labels else text


def entry_number(index: int) -> str:
    """（一） for 0, （十一） for 10, up to （九十九）; then （100）, （101）…"""
    if index + 1 >= 100:
        return f"（{index + 1}）"
    tens, ones = divmod(index + 1, 10)
    if not tens:
        return f"（{CHINESE_NUMBERS[ones - 1]}）"
    head = "" if tens == 1 else CHINESE_NUMBERS[tens - 1]
    return f"（{head}十{CHINESE_NUMBERS[ones - 1] if ones else ''}）"


def derived(values: Mapping[str, Any]) -> dict[str, bool]:
    """The flags of DERIVED from the letter's values."""
    return {"in_person": str(values.get("channel", "")).strip() in IN_PERSON_CHANNELS,
            "fee_unpaid": values.get("outcome") == "other.fee_unpaid"}
