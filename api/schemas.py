"""The HTTP contract (for the document system, clerks, reviewers and the website): pydantic models.

Field names are SCHEMA's. Input is strict: unknown fields, wrong types and impossible values get
422 naming the field, so the document system learns at once what it sent wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from api.access.roles import Role
from engine.facts.document import DOCUMENT_FIELDS, FIELD_BY_NAME
from engine.vocabulary import Category, Column, Exemption, Origin, ReviewStage, Secrecy

# Ids, sequence numbers and cursors are INTEGER columns: 32 bits on PostgreSQL, where a larger value in a
# query fails with "integer out of range" (a 500; on SQLite, past 64 bits, OverflowError). Bound them.
MAX_ID = 2**31 - 1


def without_nul(value: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL characters: refuse them with 422 rather than fail with 500."""
    if value is not None and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _iso_date(value: Any) -> Any:
    # Pydantic's lax mode also reads a number as a Unix time (closed_on: 0 was 1970-01-01).
    if isinstance(value, dt.date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A date as the OpenAPI document says (a string, format date): YYYY-MM-DD and nothing else."""


def _document_field(name: str, default: Any = None, **extra: Any) -> Any:
    """A field of DocumentIn as engine/facts/document.DOCUMENT_FIELDS registers it: its Chinese name
    (the title in the OpenAPI document) and the length accepted."""
    spec = FIELD_BY_NAME[name]
    return Field(default=default, title=spec.label_zh, max_length=spec.max_length, **extra)


# PostgreSQL text cannot hold NUL characters: every text field of the document is checked for them.
_TEXT_FIELDS = tuple(f.name for f in DOCUMENT_FIELDS if f.kind == "text")


class DocumentIn(BaseModel):
    """A document as the document system sends it at closure (办结), or a clerk enters it: SCHEMA's
    record, plus the date of closure. Its fields are those of engine/facts/document.DOCUMENT_FIELDS
    (tests/service/test_document_fields.py keeps the two in step)."""

    model_config = ConfigDict(extra="forbid", str_max_length=10 * 1024 * 1024)

    id: str | None = _document_field("id", min_length=1, pattern=r"^\S(.*\S)?$",
                                     description="the document system's own id (required for pushes; optional for "
                                                 "hand entry)")
    title: str = _document_field("title", "")
    doc_number: str | None = _document_field("doc_number")
    doc_type: str | None = _document_field("doc_type")
    division: str | None = _document_field("division")
    agency: str | None = _document_field("agency")
    date: IsoDate | None = _document_field("date", description="成文日期, YYYY-MM-DD")
    secrecy_marking: str | None = _document_field("secrecy_marking")
    # SCHEMA's exchange records carry `source`. How the item came in is the route it was sent to
    # (/v1/closures: closure, /v1/entries: manual), never what the sender says; what it says is kept.
    source: Origin | None = _document_field("source", description=(
        "SCHEMA's source as the sender declares it (closure or manual): kept with the version as "
        "declared_source. The item's own source is the route it was sent to (/v1/closures: closure, "
        "/v1/entries: manual), whatever this says"))
    body: str = _document_field("body", "")
    # Bounded so that the Art. 26 working-day clock cannot run past the calendar (9999-12-31 was a 500).
    closed_on: IsoDate | None = _document_field("closed_on", ge=dt.date(1900, 1, 1), le=dt.date(2999, 12, 31),
                                                description="date of closure (办结), 1900-01-01 to 2999-12-31; "
                                                            "default: today, China time")

    _no_nul = field_validator(*_TEXT_FIELDS)(without_nul)

    def record(self, origin: Origin) -> dict[str, Any]:
        """The record in SCHEMA's exchange shape, as the engine reads it: its `source` is `origin`, how
        the item came in; the sender's own `source`, if it sent one, is kept as declared_source."""
        out = self.model_dump(exclude={f.name for f in DOCUMENT_FIELDS if f.part == "push"} | {"source"})
        out["date"] = self.date.isoformat() if self.date else None
        out["source"] = Origin(origin).value
        if self.source is not None:
            out["declared_source"] = self.source.value
        return out


class SecrecyReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    secrecy: Secrecy = Field(description="the level decided (confirming the suggestion or changing it)")
    clear_signals: bool = Field(default=False, description=(
        "the content the suggestion flags as secret-looking (suggestion.secrecy_signals of kind risk) is not "
        "secret: clears those signals for this version, with a reason. Until cleared, the version cannot be "
        "published. Markings cannot be cleared."))
    reason: str | None = Field(default=None, max_length=4000, description="required when the level differs from the suggestion, or signals are cleared")
    leader_instruction: str | None = Field(default=None, max_length=4000, description="领导批示意见 (kept with the review)")
    expected_version: int | None = Field(default=None, ge=1, description="the item's lock_version you reviewed; 409 if it moved on")

    _no_nul = field_validator("reason", "leader_instruction")(without_nul)


class DisclosureReviewIn(BaseModel):
    """Fields left out are confirmed as suggested; a field sent as null is decided as none."""

    model_config = ConfigDict(extra="forbid")

    category: Category | None = None
    exemption: Exemption | None = None
    column: Column | None = None
    reason: str | None = Field(default=None, max_length=4000, description="required when anything differs from the suggestion")
    leader_instruction: str | None = Field(default=None, max_length=4000, description="领导批示意见")
    expected_version: int | None = Field(default=None, ge=1)

    _no_nul = field_validator("reason", "leader_instruction")(without_nul)


class ReopenIn(BaseModel):
    """Send a decided item back to a review stage (a decision reopened: supervision lists it)."""

    model_config = ConfigDict(extra="forbid")

    stage: ReviewStage = Field(
        description="the stage to review again: secrecy_review redoes both reviews, disclosure_review only the second")
    reason: str = Field(min_length=1, max_length=4000, description="why the decision is reopened (required)")
    expected_version: int | None = Field(default=None, ge=1, description="the item's lock_version you read; 409 if it moved on")

    _no_nul = field_validator("reason")(without_nul)


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$")
    role: Role
    division: str | None = Field(default=None, max_length=100, description="a clerk's division: entries are limited to it")
    days: int | None = Field(default=None, ge=1, le=3650, description="days the token works (default GONGKAI_TOKEN_DAYS, 180)")

    _no_nul = field_validator("name", "division")(without_nul)


class RotateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: int | None = Field(default=None, ge=1, le=3650, description="days the new token works (default GONGKAI_TOKEN_DAYS, 180)")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, Any]] | None = None


RuleFileText = Annotated[str, AfterValidator(without_nul), Field(max_length=2_000_000)]


class CandidateIn(BaseModel):
    """A candidate rule set: every file of the rules directory by its relative path (what
    `gongkai rules bundle` prints), and why it should go live."""

    model_config = ConfigDict(extra="forbid")

    files: dict[Annotated[str, Field(max_length=300)], RuleFileText] = Field(
        description="relative path -> file text, e.g. {\"_ruleset.yaml\": \"schema: …\", \"proactive/general.yaml\": …}")
    note: Annotated[str, AfterValidator(without_nul), Field(max_length=2000)] | None = None


class RollbackIn(BaseModel):
    """Serve an earlier revision again: `to` (a revision, or at least its first 12 characters), by
    default the one served before the current one."""

    model_config = ConfigDict(extra="forbid")

    to: Annotated[str, AfterValidator(without_nul), Field(min_length=12, max_length=64)] | None = None
    note: Annotated[str, AfterValidator(without_nul), Field(max_length=2000)] | None = None
