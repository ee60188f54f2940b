"""The legal receipt day of an application (条例第三十一条; spec §1.2 and §6 T9, T10)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from engine.applications.clock import AnswerClock
from engine.applications.receipt import (
    Channel,
    Confirmation,
    Receipt,
    ReceiptBasis,
    ReceiptError,
    Submission,
    receipt_of,
    registered_receipt,
)
from engine.paths import PROJECT_ROOT
from engine.workflow.working_days import WorkingCalendar

CN = timezone(timedelta(hours=8))
CALENDAR = WorkingCalendar.from_file(PROJECT_ROOT / "data" / "calendar" / "holidays.yaml")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=CN)  # type: ignore[misc]


def confirmed(*parts: int) -> Confirmation:
    return Confirmation(at(*parts), "电话", "王敏")


def test_t9_online_receipt_is_the_day_both_sides_confirm_not_the_submission() -> None:
    submission = Submission(Channel.ONLINE, submitted_at=at(2025, 9, 30, 22, 0), confirmation=confirmed(2025, 10, 9, 9))
    receipt = registered_receipt(submission)
    assert (receipt.received_on, receipt.basis, receipt.warnings) == (date(2025, 10, 9), ReceiptBasis.CONFIRMED, ())
    assert AnswerClock.start(receipt.received_on, CALENDAR).report(date(2025, 10, 9)).effective_deadline == date(
        2025, 11, 5)
    # the submission time would give 11-04: the mistake T9 catches
    assert AnswerClock.start(date(2025, 9, 30), CALENDAR).report(date(2025, 9, 30)).effective_deadline == date(
        2025, 11, 4)


def test_t10_ordinary_letter_confirmed_the_day_it_arrives() -> None:
    letter = Submission(Channel.POST_ORDINARY, arrived_on=date(2025, 6, 10), confirmation=confirmed(2025, 6, 10, 15))
    assert receipt_of(letter) == Receipt(date(2025, 6, 10), ReceiptBasis.CONFIRMED, letter.confirmation, ())


def test_t10_ordinary_letter_confirmed_late_takes_the_confirmation_day_with_a_same_day_duty_warning() -> None:
    letter = Submission(Channel.POST_ORDINARY, arrived_on=date(2025, 6, 10), confirmation=confirmed(2025, 6, 12, 10))
    receipt = receipt_of(letter)
    assert receipt.received_on == date(2025, 6, 12)
    assert len(receipt.warnings) == 1 and "on the day the letter is received" in receipt.warnings[0]
    assert "2025-06-10" in receipt.warnings[0] and "第三十一条" in receipt.warnings[0]


@pytest.mark.parametrize("channel", [Channel.ONLINE, Channel.EMAIL, Channel.FAX, Channel.POST_ORDINARY])
def test_waiting_for_confirmation_gives_no_receipt_day_and_cannot_be_registered(channel: Channel) -> None:
    submission = Submission(channel, submitted_at=at(2025, 6, 9, 8), arrived_on=date(2025, 6, 10))
    receipt = receipt_of(submission)
    assert receipt.awaiting_confirmation and receipt.received_on is None and receipt.basis is ReceiptBasis.CONFIRMED
    with pytest.raises(ReceiptError, match="awaiting confirmation.*no receipt day"):
        registered_receipt(submission)


@pytest.mark.parametrize(("record", "missing"), [
    (Confirmation(None, "电话", "王敏"), "time"),
    (Confirmation(at(2025, 6, 10, 9), " ", "王敏"), "way"),
    (Confirmation(at(2025, 6, 10, 9), "电话", ""), "staff"),
    (Confirmation(None, "", ""), "time, way, staff"),
])
def test_a_confirmed_receipt_without_its_full_confirmation_record_is_refused_naming_what_is_missing(
    record: Confirmation, missing: str
) -> None:
    for channel in (Channel.ONLINE, Channel.POST_ORDINARY):
        with pytest.raises(ReceiptError, match=f"confirmation record; missing {missing} "):
            receipt_of(Submission(channel, arrived_on=date(2025, 6, 10), confirmation=record))


def test_in_person_and_oral_are_received_the_day_handed_in_in_china_time() -> None:
    # 23:30 in China is 15:30 UTC the same day; 01:00 China time on 06-11 is still 06-10 in UTC
    for channel in (Channel.IN_PERSON, Channel.ORAL):
        assert receipt_of(Submission(channel, submitted_at=at(2025, 6, 10, 23, 30))).received_on == date(2025, 6, 10)
        utc = datetime(2025, 6, 10, 17, 0, tzinfo=timezone.utc)
        receipt = receipt_of(Submission(channel, submitted_at=utc))
        assert (receipt.received_on, receipt.basis) == (date(2025, 6, 11), ReceiptBasis.HANDED_IN)


def test_signed_post_is_received_the_day_it_is_signed_for() -> None:
    receipt = receipt_of(Submission(Channel.POST_SIGNED, submitted_at=at(2025, 6, 3, 9), signed_for_on=date(2025, 6, 5)))
    assert (receipt.received_on, receipt.basis) == (date(2025, 6, 5), ReceiptBasis.SIGNED_FOR)


@pytest.mark.parametrize(("submission", "message"), [
    (Submission(Channel.IN_PERSON), "time it was handed in is missing"),
    (Submission(Channel.POST_SIGNED), "signed for it is missing"),
    (Submission(Channel.POST_ORDINARY), "the letter arrived is missing"),
    (Submission(Channel.IN_PERSON, submitted_at=datetime(2025, 6, 10, 9)), "no time zone"),
    (Submission(Channel.ONLINE, confirmation=Confirmation(datetime(2025, 6, 10, 9), "电话", "王敏")), "no time zone"),
    (Submission(Channel.POST_ORDINARY, arrived_on=date(2025, 6, 10), confirmation=confirmed(2025, 6, 9, 9)),
     "before it arrived"),
    (Submission(Channel.ONLINE, submitted_at=at(2025, 6, 10, 9), confirmation=confirmed(2025, 6, 9, 9)),
     "before it arrived or was sent"),
])
def test_missing_or_contradictory_records_are_refused(submission: Submission, message: str) -> None:
    with pytest.raises(ReceiptError, match=message):
        receipt_of(submission)


def test_every_channel_has_a_receipt_basis() -> None:
    bases = {channel: receipt_of(Submission(channel, submitted_at=at(2025, 6, 10, 9), arrived_on=date(2025, 6, 10),
                                            signed_for_on=date(2025, 6, 10),
                                            confirmation=confirmed(2025, 6, 10, 10))).basis
             for channel in Channel}
    assert bases == {Channel.IN_PERSON: "handed_in", Channel.ORAL: "handed_in", Channel.POST_SIGNED: "signed_for",
                     Channel.POST_ORDINARY: "confirmed", Channel.ONLINE: "confirmed", Channel.EMAIL: "confirmed",
                     Channel.FAX: "confirmed"}
