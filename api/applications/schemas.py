"""The contract of public applications: what registering, confirming and one transition take (strict:
unknown fields are 422), and what the answers hold (api/responses.py: every key a view writes is here)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from api.responses import Day, Out, Timestamp
from api.schemas import IsoDate, without_nul
from engine.applications.lifecycle import ARROWS
from engine.applications.receipt import Channel
from engine.vocabulary import ApplicantKind, ApplicationOutcome, Delivery, FeeMethod, FormRequested, OrgSubtype

def _zoned(value: dt.datetime) -> dt.datetime:
    """A moment with its time zone, in a year the Regulations can be about (the day is a China date)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("needs its time zone, e.g. 2025-09-26T09:30:00+08:00")
    if not 1990 <= value.year <= 2999:
        raise ValueError("must be between 1990 and 2999")
    return value


# Dates between 1990 and 2999: the clock counts working days from them (year 9999 plus 20 overflows).
Dated = Annotated[IsoDate, Field(ge=dt.date(1990, 1, 1), le=dt.date(2999, 12, 31))]
Moment = Annotated[dt.datetime, AfterValidator(_zoned)]
Text = Annotated[str, AfterValidator(without_nul), Field(max_length=2000)]
Short = Annotated[str, AfterValidator(without_nul), Field(max_length=100)]
# The transitions a caller posts: every arrow of the lifecycle but the confirmation (its own endpoint).
EventKind = Literal[tuple(sorted(set(ARROWS) - {"confirm"}))]  # type: ignore[valid-type]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConfirmationIn(_In):
    """条例第三十一条第二项、第三项: when, how and by whom the receipt was confirmed with the applicant."""

    at: Moment = Field(description="with its time zone")
    way: Short = Field(min_length=1, description="e.g. 电话, 短信, 平台回复")
    staff: Short = Field(min_length=1)


class ApplicantIn(_In):
    kind: ApplicantKind
    org_subtype: OrgSubtype | None = Field(None, description="a legal person's Table 三 column")
    name: Short = Field(min_length=1)
    id_type: Short = ""
    id_number: Short = ""
    phone: Short = ""
    address: Text = ""
    email: Short = ""

    @model_validator(mode="after")
    def _subtype(self) -> ApplicantIn:
        if (self.kind == ApplicantKind.LEGAL_PERSON) != (self.org_subtype is not None):
            raise ValueError("org_subtype is given for a legal person (法人或其他组织) and only for one")
        return self


class ApplicationIn(_In):
    """One application as it arrived (条例第二十九条), from any channel (条例第三十一条)."""

    channel: Channel
    submitted_at: Moment | None = Field(None, description="handed in or sent, with its time zone")
    arrived_on: Dated | None = Field(None, description="an ordinary letter reached the office")
    signed_for_on: Dated | None = Field(None, description="registered post, EMS, courier: signed for")
    confirmation: ConfirmationIn | None = None
    applicant: ApplicantIn
    agent: dict[str, Short] | None = Field(None, description="代理人: name, contact")
    description: Text = Field(min_length=1, description="申请获取的信息")
    items: int = Field(1, ge=1, le=1000)
    form_requested: FormRequested
    delivery: Delivery
    purpose: Text = ""
    handler_division: Short | None = None


class ConfirmIn(_In):
    confirmation: ConfirmationIn
    lock_version: int | None = None


class AssignIn(_In):
    handler_division: Short = Field(min_length=1, description="the division that handles the application")
    why: Text = ""
    lock_version: int | None = None


class FeeIn(_In):
    """The service computes the amount (api/applications/fee_assessment.py); an amount sent must equal it."""

    method: FeeMethod
    basis: int | None = Field(None, ge=1, le=1_000_000,
                              description="按量: the pages; 按件: counted from the register (if sent, must match)")
    amount: int | None = Field(None, ge=0, le=10_000_000, description="元; computed when left out")
    waiver_reason: Short | None = None


class EventIn(_In):
    """One transition (engine/applications/lifecycle.py) on day `on` (default today), with its facts."""

    kind: EventKind  # type: ignore[valid-type]
    on: Dated | None = None
    why: Text = ""
    lock_version: int | None = Field(None, description="the application's lock_version as read: 409 if it moved")
    outcome: ApplicationOutcome | None = None
    notes: dict[str, Short] | None = None
    received_on: Dated | None = Field(None, description="correction_received: the corrected copy's receipt")
    applicant_received_on: Dated | None = Field(None, description="the applicant got the notice (correction, fee)")
    period_working_days: int | None = Field(None, ge=1, le=60, description="the correction period")
    recipient_received_on: Dated | None = Field(None, description="consultation: the other side got the letter")
    replied_on: Dated | None = Field(None, description="consultation_ended: the reply (none: no reply)")
    approved_by: Short = ""
    notice_sent_on: Dated | None = Field(None, description="extend: the applicant was notified")
    working_days: int = Field(20, ge=1, le=20, description="extend: working days added")
    delayed_until: Dated | None = Field(None, description="reason_accepted: 条例第三十五条 reasonable date")
    fee: FeeIn | None = None


# -- answers -------------------------------------------------------------------------------------------

class ConfirmationOut(Out):
    at: Timestamp
    way: str
    staff: str


class ReportRowOut(Out):
    code: str
    label: str


class PauseOut(Out):
    kind: str
    started_on: Day
    ends_on: Day | None
    reply_due_on: Day | None
    answered_on: Day | None
    status: str
    silence_means: str | None
    working_days: int


class ClockOut(Out):
    on: Day
    received_on: Day
    answered_on_the_spot: bool
    answer_starts_on: Day | None
    correction_notice_by: Day | None
    correction_notice_late: bool
    correction_lapses_after: Day | None
    statutory_deadline: Day | None
    deadline_before_extension: Day | None
    effective_deadline: Day | None
    extended_by: int
    delayed_to: Day | None
    pauses: list[PauseOut]
    paused_working_days: int
    fee_lapses_after: Day | None
    lapsed: str | None
    answered_on: Day | None
    working_days_left: int | None
    warning: int | None
    overdue: bool
    provisional: bool
    warnings: list[str]


class EventOut(Out):
    seq: int
    kind: str
    on: Day
    at: Timestamp
    actor: str
    role: str
    why: str
    from_status: str | None
    to_status: str
    details: dict[str, str]


class ApplicationSummary(Out):
    id: int
    reg_no: str
    channel: str
    received_on: Day | None
    applicant_name: str
    description: str
    handler_division: str | None
    status: str
    status_label: str
    outcome: str | None
    statutory_deadline: Day | None
    effective_deadline: Day | None
    deadline_provisional: bool
    overdue: bool
    lock_version: int


class ApplicationOut(ApplicationSummary):
    agency: str
    submitted_at: Timestamp | None
    arrived_on: Day | None
    signed_for_on: Day | None
    receipt_basis: str
    confirmation: ConfirmationOut | None
    applicant: dict[str, str]
    agent: dict[str, str] | None
    items: int
    form_requested: str
    delivery: str
    purpose: str
    outcome_label: str | None
    report_row: ReportRowOut | None
    concluded_on: Day | None
    recorded_by: str
    created_at: Timestamp
    clock: ClockOut | None
    timeline: list[EventOut]


class ApplicationPage(Out):
    total: int
    limit: int
    offset: int
    applications: list[ApplicationSummary]
