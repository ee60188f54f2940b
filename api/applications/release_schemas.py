"""The contract of redacted copies (条例第三十七条 区分处理; 第十五条 个人隐私): what proposing, deciding, adding a
span and confirming take (strict: unknown fields are 422), and what a release and its copy answer
(api/responses.py: every key a view writes is declared here)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.responses import Out, Timestamp
from api.schemas import MAX_ID, without_nul
from engine.applications.redaction_spans import RedactionKind

Note = Annotated[str, AfterValidator(without_nul), Field(max_length=500)]
Offset = Annotated[int, Field(ge=0, le=10 * 1024 * 1024)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReleaseIn(_In):
    """The item whose current text an answer encloses as a redacted copy."""

    item_id: int = Field(ge=0, le=MAX_ID)


class SpanIn(_In):
    """A span of the original, by its offsets (code points of the text as written): the text it says is read
    from the original, so the two cannot disagree."""

    start: Offset
    end: Offset
    kind: RedactionKind


class DecisionIn(_In):
    index: int = Field(ge=0, le=100_000, description="the span's index in `spans`")
    verdict: Literal["accept", "reject", "change"]
    span: SpanIn | None = Field(None, description="for `change`: the span masked instead (over the proposed one)")
    note: Note = ""


class DecisionsIn(_In):
    decisions: list[DecisionIn] = Field(min_length=1, max_length=1000)
    lock_version: int = Field(ge=1, description="the release's lock_version as read")


class AddSpanIn(SpanIn):
    lock_version: int = Field(ge=1)
    note: Note = ""


class ConfirmReleaseIn(_In):
    lock_version: int = Field(ge=1)


class SpanRef(Out):
    start: int
    end: int
    text: str
    kind: RedactionKind
    label: str
    confidence: float
    reason: str
    source: str


class DecisionOut(Out):
    index: int
    verdict: Literal["accepted", "rejected", "changed"]
    by: str
    at: Timestamp
    changed_to: SpanRef | None
    note: str


class SpanOut(SpanRef):
    index: int
    proposed_mask: str = Field(description="how the span reads in the copy if accepted")
    decision: DecisionOut | None = Field(description="the latest decision; null while undecided")


class ReleaseOut(Out):
    """A redacted copy under review or confirmed. The spans quote the personal data itself (the handler judges
    them): shown only to those who may redact the item's copy."""

    id: int
    purpose: Literal["application", "publication"]
    application_id: int | None
    item_id: int | None
    item_version: int | None
    current_version: int | None = Field(description="the item's version now")
    stale: bool = Field(description="the item has another text since: this release can no longer be confirmed")
    status: Literal["proposed", "confirmed"]
    lock_version: int
    original_sha256: str
    original_text: str
    spans: list[SpanOut]
    undecided: list[int]
    history: list[DecisionOut]
    preview: str = Field(description="the copy as it would read if every undecided span were accepted")
    released_sha256: str | None
    confirmed_by: str | None
    confirmed_at: Timestamp | None
    created_by: str
    created_at: Timestamp


class MaskedOut(Out):
    start: int
    end: int
    kind: RedactionKind
    label: str


class RegionOut(Out):
    start: int
    end: int
    masked_start: int
    masked_end: int
    kind: RedactionKind


class CopyOut(Out):
    """The released copy: its text, both hashes, who confirmed, and where (never what) was masked."""

    release_id: int
    purpose: Literal["application", "publication"]
    application_id: int | None
    item_id: int | None
    item_version: int | None
    text: str
    original_sha256: str
    released_sha256: str
    confirmed_by: str
    confirmed_at: Timestamp
    masked: list[MaskedOut]
    regions: list[RegionOut]
