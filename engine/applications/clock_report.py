"""What the answer clock shows on a given day: both deadlines, the pauses, the extension, alerts, lapses.

Spec §1.4: the case shows the statutory deadline AND the effective one, with the pauses and the extension
listed; configurable warnings before the deadline (SEED 办理超期提醒) and an overdue flag feed the
supervision report. Every date that ran through a year without official holiday data is provisional.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from engine.applications.clock_events import Consultation, ConsultationKind, FeeNotice
from engine.workflow.working_days import Due

FEE_PAUSE = "fee"  # the kind of a fee-notice pause, beside the two ConsultationKind values

# What silence means when the other side's 15 working days end without a reply.
SILENCE_MEANS = {
    ConsultationKind.THIRD_PARTY: "no consent: the agency decides under the Regulations (条例第三十二条)",
    ConsultationKind.OTHER_AGENCY: "deemed consent to disclose (视为同意公开, 条例第三十四条)",
}


@dataclass(frozen=True)
class PauseWindow:
    """One stop of the clock: sent on `start`, over on `end` (None: not known yet, the clock stays stopped)."""

    event: Consultation | FeeNotice
    start: datetime.date
    end: datetime.date | None
    reply_due: Due | None  # the other side's 15 working days, or the applicant's 20 to pay


@dataclass(frozen=True)
class Pause:
    """One pause as listed on the case on a given day."""

    kind: str  # ConsultationKind value or "fee"
    started_on: datetime.date
    ends_on: datetime.date | None  # None: the other side's receipt of the letter is not recorded yet
    reply_due_on: datetime.date | None  # the other side's last day (reply, or payment)
    answered_on: datetime.date | None  # reply or payment
    status: str  # waiting · replied · replied_late · no_reply · paid · paid_late · lapsed
    silence_means: str | None  # for a consultation whose period ended without a reply
    working_days: int  # the paused working days of this window that moved the deadline


@dataclass(frozen=True)
class ClockReport:
    """The clock of one application as on day `on`."""

    on: datetime.date
    received_on: datetime.date
    answered_on_the_spot: bool
    answer_starts_on: datetime.date | None  # day 0 of the answer period (the corrected copy's day if corrected)
    correction_notice_by: datetime.date | None
    correction_notice_late: bool
    correction_lapses_after: datetime.date | None
    statutory_deadline: datetime.date | None  # 20 working days from day 0, nothing added
    deadline_before_extension: datetime.date | None  # with the pauses
    effective_deadline: datetime.date | None  # with the pauses, the extension and any Art. 35 deadline
    extended_by: int
    delayed_to: datetime.date | None  # 条例第三十五条
    pauses: tuple[Pause, ...]
    paused_working_days: int  # each paused working day once, however many pauses cover it
    fee_lapses_after: datetime.date | None
    lapsed: str | None  # "correction" (other.no_correction) or "fee" (other.fee_unpaid)
    answered_on: datetime.date | None
    working_days_left: int | None
    warning: int | None  # the smallest configured threshold reached (e.g. 5 or 2 working days left)
    overdue: bool
    provisional: bool
    warnings: tuple[str, ...]


def pause_view(window: PauseWindow, on: datetime.date, counted: frozenset[datetime.date]) -> Pause:
    """The pause `window` as on day `on`; `counted` are the paused days that moved the deadline."""
    event, due = window.event, window.reply_due
    due_on = None if due is None else due.due_on
    past_due = due_on is not None and on > due_on
    if isinstance(event, Consultation):
        kind, answer = event.kind.value, event.replied_on
        if answer is not None and (due_on is None or answer <= due_on):
            status = "replied"
        elif answer is not None:
            status = "replied_late"
        else:
            status = "no_reply" if past_due else "waiting"
        silence = SILENCE_MEANS[event.kind] if status in ("no_reply", "replied_late") else None
    else:
        kind, answer, silence = FEE_PAUSE, event.paid_on, None
        if answer is not None:
            status = "paid" if due_on is None or answer <= due_on else "paid_late"
        else:
            status = "lapsed" if past_due else "waiting"
    days = 0 if window.end is None else sum(window.start < day <= window.end for day in counted)
    return Pause(kind, window.start, window.end, due_on, answer, status, silence, days)


def warning_level(left: int | None, thresholds: tuple[int, ...]) -> int | None:
    """The smallest threshold that `left` working days have reached, or None.

    >>> warning_level(4, (5, 2)), warning_level(2, (5, 2)), warning_level(0, (5, 2)), warning_level(6, (5, 2))
    (5, 2, 2, None)
    """
    if left is None:
        return None
    reached = [threshold for threshold in thresholds if 0 <= left <= threshold]
    return min(reached) if reached else None


def warnings_of(dues: list[Due | None]) -> tuple[str, ...]:
    """Every distinct warning of the dates computed, in order."""
    return tuple(dict.fromkeys(warning for due in dues if due is not None for warning in due.warnings))
