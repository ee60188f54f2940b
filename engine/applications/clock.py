"""The answer clock of one public application (spec §1.4): a pure, immutable value built from dated facts.

What the Regulations fix, and where:

- 条例第三十条: an unclear application gets ONE correction notice (一次性告知), sent within 7 working days of
  receipt; the answer period then runs from the day the corrected application is received — a restart,
  not a resumption. No correction within the period set in the notice: the application is deemed abandoned.
- 条例第三十三条第一款: what can be answered on the spot is answered on the spot (no clock runs).
- 条例第三十三条第二款: the answer within 20 working days of receipt; ONE extension of at most 20 working days,
  approved by the head of the disclosure office and notified to the applicant, both on or before the
  deadline, and counted from it.
- 条例第三十三条第三款: the time for consulting a third party (第三十二条) or another agency (第三十四条) is not
  counted; each has 15 working days from its receipt of the letter. Fee notices stop the clock as well
  (政府信息公开信息处理费管理办法; spec §1.4).
- 条例第三十五条: a request clearly beyond reason, whose reason is accepted, gets a reasonable deadline fixed
  by the agency (延迟答复).

One rule for every pause (spec §1.4 [P]): the working days in (pause_start, pause_end] are not counted,
pause_start being the day the letter or fee notice is sent and pause_end the day the reply or payment
arrives or, with none, the day the other side's period ends. The deadline thus moves by the paused working
days before it; a day inside two pauses is passed over once. Dates are counted by clock_days (民法典第二百零一条).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from engine.applications.clock_days import counted_working_day, nth_working_day, working_days_in
from engine.applications.clock_events import (
    ANSWER_WORKING_DAYS,
    CONSULTATION_WORKING_DAYS,
    CORRECTION_NOTICE_WORKING_DAYS,
    EXTENSION_MAX_WORKING_DAYS,
    FEE_PAYMENT_WORKING_DAYS,
    Answered,
    ClockRefused,
    ClockSettings,
    Consultation,
    CorrectedCopy,
    CorrectionNotice,
    DelayedAnswer,
    Event,
    Extension,
    FeeNotice,
)
from engine.applications.clock_report import (
    ClockReport,
    Pause,
    PauseWindow,
    pause_view,
    warning_level,
    warnings_of,
)
from engine.workflow.working_days import Due, WorkingCalendar

__all__ = ["AnswerClock", "ClockRefused", "ClockReport", "ClockSettings", "Pause", "PauseWindow"]

DEFAULT_SETTINGS = ClockSettings()
_NOT_RUNNING = ("the answer period is not running", "条例第三十条")


@dataclass(frozen=True)
class AnswerClock:
    """The clock of one application, from its legal receipt day (条例第三十一条) and the facts recorded since.

    Every method returns a new clock or raises ClockRefused; dates are computed on demand with `calendar`,
    so `recomputed` with a calendar that knows a new year's holidays gives the final dates.
    """

    received_on: datetime.date
    calendar: WorkingCalendar = field(compare=False, repr=False)
    settings: ClockSettings = DEFAULT_SETTINGS
    on_the_spot: bool = False
    correction: CorrectionNotice | None = None
    corrected: CorrectedCopy | None = None
    extension: Extension | None = None
    pauses: tuple[Consultation | FeeNotice, ...] = ()
    delay: DelayedAnswer | None = None
    answered: Answered | None = None

    @classmethod
    def start(
        cls,
        received_on: datetime.date,
        calendar: WorkingCalendar,
        settings: ClockSettings = DEFAULT_SETTINGS,
        events: Iterable[Event] = (),
    ) -> AnswerClock:
        """The clock from the receipt day, with `events` applied in order (ClockRefused on the first refused)."""
        clock = cls(received_on, calendar, settings)
        for event in events:
            clock = clock.apply(event)
        return clock

    @classmethod
    def answered_on_the_spot(
        cls, received_on: datetime.date, calendar: WorkingCalendar, settings: ClockSettings = DEFAULT_SETTINGS
    ) -> AnswerClock:
        """条例第三十三条第一款: answered at once when it is received; no deadline ever runs."""
        return cls(received_on, calendar, settings, on_the_spot=True, answered=Answered(received_on))

    def recomputed(self, calendar: WorkingCalendar) -> AnswerClock:
        """The same facts counted with another calendar (e.g. once a year's 放假安排 has been entered)."""
        return replace(self, calendar=calendar)

    # ---- the facts ------------------------------------------------------------------------------------

    def apply(self, event: Event) -> AnswerClock:
        """This clock with `event` recorded; ClockRefused naming the rule and article if the law forbids it."""
        if self.on_the_spot:
            raise ClockRefused("answered on the spot", "条例第三十三条第一款", "no clock runs, nothing can be added")
        if self.answered is not None:
            raise ClockRefused("already answered", "条例第三十三条", f"the answer was made on {self.answered.on}")
        if _first_day(event) < self.received_on:
            raise ClockRefused("before receipt", "条例第三十一条",
                               f"{type(event).__name__} dated before the receipt day {self.received_on}")
        if isinstance(event, CorrectionNotice):
            return self._correction_notice(event)
        if isinstance(event, CorrectedCopy):
            return self._corrected_copy(event)
        if isinstance(event, Extension):
            return self._extension(event)
        if isinstance(event, (Consultation, FeeNotice)):
            return self._pause(event)
        if isinstance(event, DelayedAnswer):
            return self._delayed_answer(event)
        return replace(self, answered=event)

    def _correction_notice(self, notice: CorrectionNotice) -> AnswerClock:
        if self.correction is not None:
            raise ClockRefused("a second correction notice is refused", "条例第三十条",
                               f"the one notice (一次性告知, listing every point) went out on {self.correction.sent_on}")
        if self.extension or self.pauses or self.delay:
            raise ClockRefused("correction notice too late", "条例第三十条",
                               "the application is already being handled (paused, extended or delayed)")
        if notice.applicant_received_on is not None and notice.applicant_received_on < notice.sent_on:
            raise ClockRefused("correction notice", "条例第三十条", "received by the applicant before it was sent")
        if notice.period_working_days is not None and notice.period_working_days < 1:
            raise ClockRefused("correction period", "条例第三十条", "the period (合理的补正期限) must be a working day or more")
        return replace(self, correction=notice)

    def _corrected_copy(self, copy: CorrectedCopy) -> AnswerClock:
        if self.correction is None:
            raise ClockRefused("corrected copy without a correction notice", "条例第三十条", "no notice was sent")
        if self.corrected is not None:
            raise ClockRefused("corrected copy already received", "条例第三十条",
                               f"on {self.corrected.received_on}; the answer period restarted then")
        if copy.received_on < self.correction.sent_on:
            raise ClockRefused("corrected copy", "条例第三十条",
                               f"received before the correction notice was sent ({self.correction.sent_on})")
        return replace(self, corrected=copy)

    def _extension(self, extension: Extension) -> AnswerClock:
        rule, article = "extension refused", "条例第三十三条第二款"
        if self.extension is not None:
            raise ClockRefused(rule, article, f"only one extension is allowed; one was approved on "
                               f"{self.extension.approved_on}")
        if self.delay is not None:
            raise ClockRefused(rule, article, f"the reasonable period fixed under 条例第三十五条 ({self.delay.deadline}) "
                               "already replaces the Art. 33 period")
        if not 1 <= extension.working_days <= EXTENSION_MAX_WORKING_DAYS:
            raise ClockRefused(rule, article, f"at most {EXTENSION_MAX_WORKING_DAYS} working days, "
                               f"got {extension.working_days}")
        missing = [name for name in ("approver", "reason") if not getattr(extension, name).strip()]
        if missing:
            raise ClockRefused(rule, article, f"missing {' and '.join(missing)} (the office head's approval)")
        if extension.notified_on < extension.approved_on:
            raise ClockRefused(rule, article, "the applicant was notified before the extension was approved")
        due = self.deadline(extended=False)
        if due is None:
            raise ClockRefused(rule, article, "the answer period is not running (awaiting correction or a reply)")
        late = [f"{name} {day}" for name, day in (("approved", extension.approved_on),
                                                  ("notified", extension.notified_on)) if day > due.due_on]
        if late:
            raise ClockRefused(rule, article, f"the deadline {due.due_on} had passed ({', '.join(late)}); "
                               "the case is overdue")
        return replace(self, extension=extension)

    def _pause(self, pause: Consultation | FeeNotice) -> AnswerClock:
        start = self.answer_starts_on
        if start is None:
            raise ClockRefused(*_NOT_RUNNING, "awaiting the corrected application; nothing can pause it")
        if pause.sent_on < start:
            raise ClockRefused("pause before the answer period", "条例第三十三条第三款",
                               f"sent {pause.sent_on}, the period runs from {start}")
        received = pause.recipient_received_on if isinstance(pause, Consultation) else pause.applicant_received_on
        answer = pause.replied_on if isinstance(pause, Consultation) else pause.paid_on
        for name, day in (("received", received), ("answered or paid", answer)):
            if day is not None and day < pause.sent_on:
                raise ClockRefused("pause", "条例第三十三条第三款", f"{name} on {day}, before it was sent {pause.sent_on}")
        return replace(self, pauses=(*self.pauses, pause))

    def _delayed_answer(self, delay: DelayedAnswer) -> AnswerClock:
        rule, article = "delayed answer refused", "条例第三十五条"
        if self.delay is not None:
            raise ClockRefused(rule, article, f"a reasonable period was already fixed ({self.delay.deadline})")
        missing = [name for name in ("reason", "approver") if not getattr(delay, name).strip()]
        if missing:
            raise ClockRefused(rule, article, f"missing {' and '.join(missing)}")
        statutory = self.statutory_deadline()
        if statutory is not None and delay.deadline <= statutory.due_on:
            raise ClockRefused(rule, article, f"{delay.deadline} is not later than the Art. 33 deadline "
                               f"{statutory.due_on}")
        if delay.deadline <= delay.notified_on:
            raise ClockRefused(rule, article, "the deadline must come after the notice")
        return replace(self, delay=delay)

    # ---- the dates ------------------------------------------------------------------------------------

    def _count(self, start: datetime.date, n: int) -> Due:
        return nth_working_day(self.calendar, start, n, self.settings.day_count)

    @property
    def answer_starts_on(self) -> datetime.date | None:
        """Day 0 of the answer period: receipt, or the corrected copy's receipt (条例第三十条); None while
        the correction is awaited, or when answered on the spot."""
        if self.on_the_spot or (self.correction is not None and self.corrected is None):
            return None
        return self.corrected.received_on if self.corrected is not None else self.received_on

    def correction_notice_by(self) -> Due | None:
        """条例第三十条: the last day to send the correction notice, 7 working days after receipt."""
        return None if self.on_the_spot else self._count(self.received_on, CORRECTION_NOTICE_WORKING_DAYS)

    def correction_lapses_after(self) -> Due | None:
        """The last day of the applicant's correction period (from its receipt of the notice); after it,
        without a corrected copy, the application is deemed abandoned (条例第三十条, 视为放弃申请)."""
        notice = self.correction
        if notice is None or notice.applicant_received_on is None:
            return None
        period = notice.period_working_days
        if period is None:
            period = self.settings.correction_period_working_days
        return self._count(notice.applicant_received_on, period)

    def statutory_deadline(self) -> Due | None:
        """条例第三十三条第二款: 20 working days from the start of the answer period, nothing added."""
        start = self.answer_starts_on
        return None if start is None else self._count(start, ANSWER_WORKING_DAYS)

    def pause_windows(self) -> tuple[PauseWindow, ...]:
        """Each pause with its start, its end and the other side's period, in the order recorded."""
        return tuple(self._window(pause) for pause in self.pauses)

    def _window(self, pause: Consultation | FeeNotice) -> PauseWindow:
        if isinstance(pause, Consultation):
            received, answer, length = pause.recipient_received_on, pause.replied_on, CONSULTATION_WORKING_DAYS
        else:
            received, answer, length = pause.applicant_received_on, pause.paid_on, FEE_PAYMENT_WORKING_DAYS
        due = None if received is None else self._count(received, length)
        if answer is not None and (due is None or answer <= due.due_on):
            end: datetime.date | None = answer
        else:  # no reply (or a late one): the pause ends when the other side's period does, not later
            end = None if due is None else due.due_on
        return PauseWindow(pause, pause.sent_on, end, due)

    def paused_days(self) -> frozenset[datetime.date]:
        """The working days not counted: in some (pause_start, pause_end], after the period's day 0."""
        start = self.answer_starts_on
        if start is None:
            return frozenset()
        days: set[datetime.date] = set()
        for window in self.pause_windows():
            if window.end is not None:
                days |= working_days_in(self.calendar, max(window.start, start), window.end)
        return frozenset(days)

    def deadline(self, *, extended: bool = True, delayed: bool = True) -> Due | None:
        """The effective deadline: 20 working days (plus the extension) from day 0, paused days not counted,
        and not before an Art. 35 deadline; None while the period does not run or a pause has no known end."""
        start = self.answer_starts_on
        if start is None:
            return None
        length = ANSWER_WORKING_DAYS + (self.extension.working_days if extended and self.extension else 0)
        due = counted_working_day(self.calendar, start, length, skip=self.paused_days(),
                                  convention=self.settings.day_count)
        if any(w.end is None and w.start < due.due_on for w in self.pause_windows()):
            return None  # stopped with no known end: the deadline is not known yet
        if delayed and self.delay is not None and self.delay.deadline > due.due_on:
            return Due(self.delay.deadline, due.warnings)
        return due

    def report(self, on: datetime.date) -> ClockReport:
        """Everything the case page and the supervision report show about this clock on day `on`."""
        notice_by, lapse = self.correction_notice_by(), self.correction_lapses_after()
        statutory, before = self.statutory_deadline(), self.deadline(extended=False, delayed=False)
        effective, windows = self.deadline(), self.pause_windows()
        counted = frozenset(d for d in self.paused_days() if effective is None or d <= effective.due_on)
        pauses = tuple(pause_view(window, on, counted) for window in windows)
        fee_lapse = min((w.reply_due.due_on for w in windows if isinstance(w.event, FeeNotice) and w.reply_due
                         and (w.event.paid_on is None or w.event.paid_on > w.reply_due.due_on)), default=None)
        lapsed = self._lapsed(on, lapse, fee_lapse)
        answered_on = None if self.answered is None else self.answered.on
        left = None
        if effective is not None and answered_on is None and lapsed is None and on <= effective.due_on:
            left = self.calendar.working_days_between(on, effective.due_on)
        overdue = (effective is not None and lapsed is None and not self.on_the_spot
                   and (answered_on or on) > effective.due_on)
        dues = [notice_by, lapse, statutory, before, effective, *(w.reply_due for w in windows)]
        warnings = warnings_of(dues) + self._late_records(notice_by, lapse)
        return ClockReport(
            on=on, received_on=self.received_on, answered_on_the_spot=self.on_the_spot,
            answer_starts_on=self.answer_starts_on,
            correction_notice_by=_day(notice_by),
            correction_notice_late=bool(self.correction and notice_by and self.correction.sent_on > notice_by.due_on),
            correction_lapses_after=_day(lapse), statutory_deadline=_day(statutory),
            deadline_before_extension=_day(before), effective_deadline=_day(effective),
            extended_by=self.extension.working_days if self.extension else 0,
            delayed_to=self.delay.deadline if self.delay else None, pauses=pauses, paused_working_days=len(counted),
            fee_lapses_after=fee_lapse, lapsed=lapsed, answered_on=answered_on, working_days_left=left,
            warning=warning_level(left, self.settings.warn_working_days_before), overdue=overdue,
            provisional=any(due is not None and due.warnings for due in dues), warnings=warnings,
        )

    def _late_records(self, notice_by: Due | None, lapse: Due | None) -> tuple[str, ...]:
        """Warnings for records accepted although late: the office's correction notice after its 7 working
        days, and a corrected copy after the applicant's period (条例第三十条: accepted only for good reason)."""
        found = []
        if self.correction is not None and notice_by is not None and self.correction.sent_on > notice_by.due_on:
            found.append(f"the correction notice went out on {self.correction.sent_on}, after the 7-working-day "
                         f"limit {notice_by.due_on} (条例第三十条)")
        if self.corrected is not None and lapse is not None and self.corrected.received_on > lapse.due_on:
            found.append(f"the corrected copy came on {self.corrected.received_on}, after the correction period "
                         f"ended on {lapse.due_on}: accepted only for a good reason (条例第三十条, 正当理由)")
        return tuple(found)

    def _lapsed(self, on: datetime.date, correction: Due | None, fee: datetime.date | None) -> str | None:
        """Why the application is no longer handled on `on`: no corrected copy in the period (条例第三十条,
        other.no_correction) or a fee notice not paid within 20 working days (other.fee_unpaid); else None."""
        if self.answered is not None:
            return None
        if self.corrected is None and correction is not None and on > correction.due_on:
            return "correction"
        if fee is not None and on > fee:
            return "fee"
        return None


def _day(due: Due | None) -> datetime.date | None:
    return None if due is None else due.due_on


def _first_day(event: Event) -> datetime.date:
    if isinstance(event, (CorrectionNotice, Consultation, FeeNotice)):
        return event.sent_on
    if isinstance(event, CorrectedCopy):
        return event.received_on
    if isinstance(event, Extension):
        return event.approved_on
    if isinstance(event, DelayedAnswer):
        return event.notified_on
    return event.on
