"""The spans a redaction (条例第三十七条 区分处理) is made of: what kind of personal or third-party detail,
where it lies in the text as written, and how sure the proposal is.

Offsets are code points of the original text (Python's str indices), as every other span in the project
(engine/facts/evidence.py, api/pages/evidence.py): a page that counts UTF-16 units must convert.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RedactionKind(StrEnum):
    """What a span is. Private persons' details are masked; officials acting in office and organisations'
    registered data are normally published, so they are proposed with a low confidence (see the reasons)."""

    PERSON_NAME = "person_name"  # 自然人姓名 (当事人、经营者、申请人、第三人 …)
    REPRESENTATIVE_NAME = "representative_name"  # 法定代表人/负责人 of an organisation: usually published
    OFFICIAL_NAME = "official_name"  # 执法人员/承办人 acting in office: usually published
    OFFICIAL_NUMBER = "official_number"  # 执法证号: usually published with the official's name
    ID_CARD = "id_card"  # 居民身份证号码
    PHONE = "phone"  # 手机号码、固定电话
    BANK_ACCOUNT = "bank_account"  # 银行卡号、银行账号
    ADDRESS = "address"  # 住址、地址、住所
    EMAIL = "email"
    PLATE = "plate"  # 机动车号牌
    OTHER = "other"  # added by hand for something no detector knows (健康状况、财产状况 …)


LABELS: dict[RedactionKind, str] = {
    RedactionKind.PERSON_NAME: "姓名", RedactionKind.REPRESENTATIVE_NAME: "法定代表人姓名",
    RedactionKind.OFFICIAL_NAME: "工作人员姓名", RedactionKind.OFFICIAL_NUMBER: "执法证号",
    RedactionKind.ID_CARD: "身份证号", RedactionKind.PHONE: "电话号码", RedactionKind.BANK_ACCOUNT: "银行账号",
    RedactionKind.ADDRESS: "住址", RedactionKind.EMAIL: "电子邮箱", RedactionKind.PLATE: "车牌号",
    RedactionKind.OTHER: "个人信息",
}


class MaskStyle(StrEnum):
    """How an accepted span is written in the released copy."""

    FULL = "full"  # every character replaced by the mask character: 18 × for an ID number
    PARTIAL = "partial"  # the kind's customary partial form: 张某, 110101********1234, 138****5678
    LABEL = "label"  # a kind label in place of the whole span: （身份证号已隐去）


@dataclass(frozen=True)
class RedactionSpan:
    """One span of the original text to mask, or proposed for masking: [start, end) in code points of the
    text as written, what it says, its kind, how sure the proposal is (0–1) and why it was proposed."""

    start: int
    end: int
    text: str
    kind: RedactionKind
    confidence: float = 1.0
    reason: str = ""
    source: str = "detector"  # detector | label | repeat | hand

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"a span needs 0 <= start < end, not [{self.start}, {self.end})")
        if len(self.text) != self.end - self.start:
            raise ValueError(f"span [{self.start}, {self.end}) does not hold {self.text!r}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"a confidence is between 0 and 1, not {self.confidence}")

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    def overlaps(self, other: RedactionSpan) -> bool:
        return self.start < other.end and other.start < self.end

    def as_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "text": self.text, "kind": self.kind.value,
                "label": self.label, "confidence": self.confidence, "reason": self.reason, "source": self.source}


def span_of(text: str, start: int, end: int, kind: RedactionKind, confidence: float = 1.0, reason: str = "",
            source: str = "hand") -> RedactionSpan:
    """A span of `text` by its offsets (the text it says is read from `text`, so the two cannot disagree)."""
    if end > len(text):
        raise ValueError(f"span [{start}, {end}) runs past the end of a text of {len(text)} characters")
    return RedactionSpan(start, end, text[start:end], kind, confidence, reason, source)
