"""The dated facts the answer clock is built from, its settings, and the refusals it raises.

Each fact is a record the office keeps anyway (the notice sent, the day the other side got it, the reply,
the payment, the approval of an extension): the clock is computed from them and never stored, so adding a
year's holiday data or correcting a record recomputes every date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from engine.applications.clock_days import DayCount

# 条例第三十条: the correction notice goes out within 7 working days of receipt.
CORRECTION_NOTICE_WORKING_DAYS = 7
# 条例第三十三条第二款: the answer within 20 working days; one extension of at most 20 more.
ANSWER_WORKING_DAYS = 20
EXTENSION_MAX_WORKING_DAYS = 20
# 条例第三十二条 (third parties) and 第三十四条 (other agencies): 15 working days from their receipt.
CONSULTATION_WORKING_DAYS = 15
# 政府信息公开信息处理费管理办法 (国办函〔2020〕109号) as applied by the provinces (e.g. 四川省财政厅 2021-01-18):
# the applicant pays within 20 working days counted from the day after it receives the fee notice.
FEE_PAYMENT_WORKING_DAYS = 20
# 条例第三十条 sets no length (“合理的补正期限”); 15 working days is common practice (spec §1.4 [P]).
DEFAULT_CORRECTION_PERIOD_WORKING_DAYS = 15


class ClockRefused(ValueError):
    """An event the Regulations do not allow on this clock; the message names the rule and the article."""

    def __init__(self, rule: str, article: str, detail: str) -> None:
        super().__init__(f"{rule} ({article}): {detail}")
        self.rule, self.article = rule, article


@dataclass(frozen=True)
class ClockSettings:
    """The agency's choices where the Regulations leave room (spec §1.4 [P]); the defaults follow the spec."""

    day_count: DayCount = DayCount.START_DAY_EXCLUDED
    correction_period_working_days: int = DEFAULT_CORRECTION_PERIOD_WORKING_DAYS
    warn_working_days_before: tuple[int, ...] = (5, 2)  # SEED 办理超期提醒: e.g. 5 and 2 working days left


class ConsultationKind(StrEnum):
    """Whom the agency consults while the clock stops (条例第三十三条第三款: that time is not counted)."""

    THIRD_PARTY = "third_party"  # 条例第三十二条: silence does not mean consent, the agency decides
    OTHER_AGENCY = "other_agency"  # 条例第三十四条: silence means consent to disclose (视为同意公开)


@dataclass(frozen=True)
class CorrectionNotice:
    """补正告知 (条例第三十条): sent once, listing every point; the applicant's period runs from its receipt."""

    sent_on: datetime.date
    applicant_received_on: datetime.date | None = None  # unknown until served: no lapse date yet
    period_working_days: int | None = None  # None: the agency default (ClockSettings)


@dataclass(frozen=True)
class CorrectedCopy:
    """The corrected application received: the answer period restarts from this day (条例第三十条)."""

    received_on: datetime.date


@dataclass(frozen=True)
class Extension:
    """延期答复 (条例第三十三条第二款): approved by the head of the disclosure office and notified to the
    applicant, both on or before the deadline; at most 20 working days, counted from the original deadline."""

    approved_on: datetime.date
    notified_on: datetime.date
    approver: str
    reason: str
    working_days: int = EXTENSION_MAX_WORKING_DAYS


@dataclass(frozen=True)
class Consultation:
    """征求意见 of a third party (条例第三十二条) or another agency (条例第三十四条).

    The clock stops from the day the letter is sent; it starts again on the day the reply arrives or, with
    no reply, when the other side's 15 working days from its receipt of the letter end.
    """

    kind: ConsultationKind
    sent_on: datetime.date
    recipient_received_on: datetime.date | None = None  # unknown: the pause has no known end yet
    replied_on: datetime.date | None = None


@dataclass(frozen=True)
class FeeNotice:
    """收费通知 (政府信息公开信息处理费管理办法): the clock stops from the notice until the payment; unpaid after
    20 working days from the applicant's receipt, the application is no longer handled (视为放弃)."""

    sent_on: datetime.date
    applicant_received_on: datetime.date | None = None
    paid_on: datetime.date | None = None


@dataclass(frozen=True)
class DelayedAnswer:
    """延迟答复 (条例第三十五条): a request clearly beyond reason in number or frequency, whose reason is
    accepted, is answered within a reasonable period the agency fixes; the Regulations set no maximum, so
    the reason and the approver are required (spec §1.4)."""

    deadline: datetime.date
    notified_on: datetime.date
    reason: str
    approver: str


@dataclass(frozen=True)
class Answered:
    """The answer made and dispatched (条例第三十三条): on time when on or before the effective deadline."""

    on: datetime.date


Event = CorrectionNotice | CorrectedCopy | Extension | Consultation | FeeNotice | DelayedAnswer | Answered
