"""The contract of the 行政复议 / 行政诉讼 case register (Table 四): what recording, concluding and correcting a
case take (strict: unknown fields are 422), and what the answers hold (every key a view writes is here)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.applications.schemas import Dated, Text
from api.responses import Day, Out, Timestamp
from api.schemas import MAX_ID, without_nul
from engine.applications.case_results import CaseKind

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Body = Annotated[str, AfterValidator(without_nul), Field(min_length=1, max_length=200)]
Decision = Annotated[str, AfterValidator(without_nul), Field(min_length=1, max_length=200)]
Number = Annotated[str, AfterValidator(without_nul), Field(min_length=1, max_length=100)]
LockVersion = Annotated[int, Field(ge=1, le=MAX_ID, description="the case's lock_version as read: 409 if it moved")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CaseIn(_In):
    """A case brought about the agency's disclosure work, as filed; one recorded after it ended carries its
    decision and the day it was concluded."""

    kind: CaseKind = Field(description="reconsideration (行政复议), litigation_direct (未经复议直接起诉), "
                                       "litigation_after_reconsideration (复议后起诉)")
    case_number: Number = Field(description="the 复议机关's or court's case number, unique in the agency")
    body: Body = Field(description="复议机关 or court")
    application_id: Id | None = Field(None, description="the application the case is about, if any")
    reconsideration_id: Id | None = Field(None, description="复议后起诉: the 行政复议 case the suit follows")
    subject: Text = Field("", description="what is challenged")
    filed_on: Dated
    decision: Decision | None = Field(None, description="as written; one of data/applications/case_results.yaml")
    concluded_on: Dated | None = None


class ConcludeIn(_In):
    decision: Decision = Field(description="as written; one of data/applications/case_results.yaml")
    concluded_on: Dated
    lock_version: LockVersion


class CaseChanges(_In):
    """The fields a correction changes (a field left out stays; null clears an optional one)."""

    kind: CaseKind | None = None
    case_number: Number | None = None
    body: Body | None = None
    application_id: Id | None = None
    reconsideration_id: Id | None = None
    subject: Text | None = None
    filed_on: Dated | None = None
    decision: Decision | None = None
    concluded_on: Dated | None = None


class CorrectIn(_In):
    changes: CaseChanges
    reason: Annotated[str, AfterValidator(without_nul), Field(min_length=1, max_length=2000)]
    lock_version: LockVersion


# -- answers -------------------------------------------------------------------------------------------

class ChangeOut(Out):
    field: str
    before: str | None
    after: str | None


class CorrectionOut(Out):
    at: Timestamp
    actor: str
    reason: str
    changes: list[ChangeOut]


class CaseOut(Out):
    id: int
    kind: str
    kind_label: str
    case_number: str
    body: str
    application_id: int | None
    reconsideration_id: int | None
    subject: str
    filed_on: Day
    decision: str | None
    result: str | None
    result_label: str
    concluded_on: Day | None
    recorded_by: str
    created_at: Timestamp
    lock_version: int
    warnings: list[str]
    corrections: list[CorrectionOut]


class CasePage(Out):
    total: int
    limit: int
    offset: int
    cases: list[CaseOut]


class ApplicationCases(Out):
    application_id: int
    total: int
    cases: list[CaseOut]


class CellOut(Out):
    column: str
    label: str
    count: int
    case_ids: list[int]


class GroupOut(Out):
    group: str
    label: str
    cells: list[CellOut]


class FindingOut(Out):
    level: str
    check: int
    message: str
    case_ids: list[int]


class TableFourOut(Out):
    year: int
    scope: str
    as_of: Day
    groups: list[GroupOut]
    checks: list[FindingOut]
