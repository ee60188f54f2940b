"""The legal receipt day of an application (收到申请之日, 条例第三十一条): the day every clock starts from.

条例第三十一条 fixes it by channel:
  (一) handed in person: the day it is handed in (提交之日); an oral application written down by the
       disclosure office (条例第二十九条第一款) is handed in the same way;
  (二) by post: the day the agency signs for it (签收之日); an ordinary letter (平常信函) that needs no
       signature: the day the office confirms with the applicant, which it must do on the day it gets it;
  (三) through the internet channel or the office's fax: the day both sides confirm (双方确认之日); e-mail,
       a 数据电文 over the internet, is treated alike (spec §1.2 [P]).
A confirmed receipt needs its confirmation record (when, how, by whom): without it there is no receipt
day, and no clock runs (spec §1.2: AWAITING_CONFIRMATION).

Timestamps must carry their zone; days are taken in China time, like the Art. 26 clock's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from engine.workflow.working_days import china_date


class Channel(StrEnum):
    """How the application reached the agency (条例第二十九条、第三十一条; spec §1.1)."""

    IN_PERSON = "in_person"  # 当面
    ORAL = "oral"  # 口头 (written down by the office, 条例第二十九条第一款)
    POST_SIGNED = "post_signed"  # 邮寄, signed for (挂号, EMS, 快递)
    POST_ORDINARY = "post_ordinary"  # 平常信函
    ONLINE = "online"  # 网上 (portal, platform)
    EMAIL = "email"  # 电子邮件
    FAX = "fax"  # 传真


class ReceiptBasis(StrEnum):
    """What the receipt day rests on (条例第三十一条), printed on the receipt (回执)."""

    HANDED_IN = "handed_in"  # 提交之日
    SIGNED_FOR = "signed_for"  # 签收之日
    CONFIRMED = "confirmed"  # 确认之日 / 双方确认之日


BASIS_OF: dict[Channel, ReceiptBasis] = {
    Channel.IN_PERSON: ReceiptBasis.HANDED_IN,
    Channel.ORAL: ReceiptBasis.HANDED_IN,
    Channel.POST_SIGNED: ReceiptBasis.SIGNED_FOR,
    Channel.POST_ORDINARY: ReceiptBasis.CONFIRMED,
    Channel.ONLINE: ReceiptBasis.CONFIRMED,
    Channel.EMAIL: ReceiptBasis.CONFIRMED,
    Channel.FAX: ReceiptBasis.CONFIRMED,
}


class ReceiptError(ValueError):
    """The records cannot give a legal receipt day; the message names what is missing or wrong."""


@dataclass(frozen=True)
class Confirmation:
    """The office's confirmation with the applicant (条例第三十一条第二项、第三项): when, how, and by whom."""

    at: datetime.datetime | None
    way: str  # e.g. 电话, 短信, 平台回复, 电子邮件
    staff: str  # who confirmed

    def missing(self) -> list[str]:
        """The parts of the record that are empty."""
        return [name for name, empty in (("time", self.at is None), ("way", not self.way.strip()),
                                         ("staff", not self.staff.strip())) if empty]


@dataclass(frozen=True)
class Submission:
    """The records of how one application arrived; which ones matter depends on the channel."""

    channel: Channel
    submitted_at: datetime.datetime | None = None  # handed in / sent (online, e-mail, fax)
    arrived_on: datetime.date | None = None  # an ordinary letter reached the office
    signed_for_on: datetime.date | None = None  # registered post, EMS, courier
    confirmation: Confirmation | None = None


@dataclass(frozen=True)
class Receipt:
    """The legal receipt day and its basis; `received_on` None while confirmation is awaited (no clock)."""

    received_on: datetime.date | None
    basis: ReceiptBasis
    confirmation: Confirmation | None
    warnings: tuple[str, ...] = ()

    @property
    def awaiting_confirmation(self) -> bool:
        return self.received_on is None


def _day(at: datetime.datetime, what: str) -> datetime.date:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ReceiptError(f"{what} {at.isoformat()} has no time zone: the receipt day is a China date")
    return china_date(at)


def receipt_of(submission: Submission) -> Receipt:
    """The receipt day of `submission` by 条例第三十一条, or a Receipt awaiting confirmation.

    Examples:
        An online application sent at 22:00 before National Day and confirmed after it (spec §6 T9):

        >>> cn = datetime.timezone(datetime.timedelta(hours=8))
        >>> sent = datetime.datetime(2025, 9, 30, 22, 0, tzinfo=cn)
        >>> confirmed = Confirmation(datetime.datetime(2025, 10, 9, 9, 30, tzinfo=cn), "平台回复", "王敏")
        >>> receipt_of(Submission(Channel.ONLINE, submitted_at=sent, confirmation=confirmed)).received_on
        datetime.date(2025, 10, 9)
        >>> receipt_of(Submission(Channel.ONLINE, submitted_at=sent)).awaiting_confirmation
        True

    Raises:
        ReceiptError: a record the channel needs is missing or contradicts another, naming which.
    """
    basis = BASIS_OF[submission.channel]
    if basis is ReceiptBasis.HANDED_IN:
        if submission.submitted_at is None:
            raise ReceiptError(f"{submission.channel.value}: the time it was handed in is missing (条例第三十一条第一项)")
        return Receipt(_day(submission.submitted_at, "handed in at"), basis, None)
    if basis is ReceiptBasis.SIGNED_FOR:
        if submission.signed_for_on is None:
            raise ReceiptError("post_signed: the day the agency signed for it is missing (条例第三十一条第二项)")
        return Receipt(submission.signed_for_on, basis, None)
    return _confirmed(submission)


def _confirmed(submission: Submission) -> Receipt:
    channel, confirmation = submission.channel, submission.confirmation
    if channel is Channel.POST_ORDINARY and submission.arrived_on is None:
        raise ReceiptError("post_ordinary: the day the letter arrived is missing (条例第三十一条第二项)")
    if confirmation is None:
        return Receipt(None, ReceiptBasis.CONFIRMED, None)  # AWAITING_CONFIRMATION: no receipt day, no clock
    missing = confirmation.missing()
    if missing:
        raise ReceiptError(f"{channel.value}: a confirmed receipt needs its confirmation record; missing "
                           f"{', '.join(missing)} (条例第三十一条)")
    assert confirmation.at is not None  # checked by missing()
    day = _day(confirmation.at, "confirmed at")
    started = submission.arrived_on if channel is Channel.POST_ORDINARY else (
        None if submission.submitted_at is None else _day(submission.submitted_at, "submitted at"))
    if started is not None and day < started:
        raise ReceiptError(f"{channel.value}: confirmed on {day}, before it arrived or was sent ({started})")
    warnings: tuple[str, ...] = ()
    if channel is Channel.POST_ORDINARY and started is not None and day > started:
        warnings = (f"the letter arrived on {started} but was confirmed only on {day}: 条例第三十一条第二项 "
                    "requires confirmation with the applicant on the day the letter is received; the "
                    "confirmation day is still the receipt day",)
    return Receipt(day, ReceiptBasis.CONFIRMED, confirmation, warnings)


def registered_receipt(submission: Submission) -> Receipt:
    """The receipt of an application that is being registered: it must have a receipt day.

    Raises:
        ReceiptError: confirmation is still awaited (no receipt day, so no clock), or a record is missing.
    """
    receipt = receipt_of(submission)
    if receipt.received_on is None:
        raise ReceiptError(f"{submission.channel.value}: awaiting confirmation with the applicant; there is no "
                           "receipt day yet and no clock runs (条例第三十一条)")
    return receipt
