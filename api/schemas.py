"""The HTTP contract (for the document system, clerks, reviewers and the website): pydantic models.

Field names are SCHEMA's. Input is strict: unknown fields, wrong types and impossible values get
422 naming the field, so the document system learns at once what it sent wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from engine.vocabulary import Category, Column, Exemption, Secrecy

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


class DocumentIn(BaseModel):
    """A document as the document system sends it at closure (办结), or a clerk enters it."""

    model_config = ConfigDict(extra="forbid", str_max_length=10 * 1024 * 1024)

    id: str | None = Field(default=None, min_length=1, max_length=200, pattern=r"^\S(.*\S)?$",
                           description="the document system's own id (required for pushes; optional for hand entry)")
    title: str = Field(default="", max_length=2000)
    doc_number: str | None = Field(default=None, max_length=200)
    doc_type: str | None = Field(default=None, max_length=50)
    division: str | None = Field(default=None, max_length=100)
    agency: str | None = Field(default=None, max_length=200)
    date: IsoDate | None = Field(default=None, description="成文日期, YYYY-MM-DD")
    secrecy_marking: str | None = Field(default=None, max_length=100)
    body: str = ""
    # Bounded so that the Art. 26 working-day clock cannot run past the calendar (9999-12-31 was a 500).
    closed_on: IsoDate | None = Field(default=None, ge=dt.date(1900, 1, 1), le=dt.date(2999, 12, 31),
                                      description="date of closure (办结), 1900-01-01 to 2999-12-31; "
                                                  "default: today, China time")

    @field_validator("id", "title", "body", "doc_number", "doc_type", "division", "agency", "secrecy_marking")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        return without_nul(value)

    def record(self, source: str) -> dict[str, Any]:
        """The record in SCHEMA's exchange shape, as the engine reads it."""
        out = self.model_dump(exclude={"closed_on"})
        out["date"] = self.date.isoformat() if self.date else None
        out["source"] = source
        return out


class SecrecyReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    secrecy: Secrecy = Field(description="the level decided (confirming the suggestion or changing it)")
    clear_signals: bool = Field(default=False, description=(
        "the content the suggestion flags as secret-looking (suggestion.secrecy_signals of kind risk) is not "
        "secret: clears those signals for this version, with a reason. Until cleared, the version cannot be "
        "published. Markings cannot be cleared."))
    reason: str | None = Field(default=None, max_length=4000, description="required when the level differs from the suggestion, or signals are cleared")
    expected_version: int | None = Field(default=None, ge=1, description="the item's lock_version you reviewed; 409 if it moved on")

    _no_nul = field_validator("reason")(without_nul)


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

    stage: Literal["secrecy_review", "disclosure_review"] = Field(
        description="the stage to review again: secrecy_review redoes both reviews, disclosure_review only the second")
    reason: str = Field(min_length=1, max_length=4000, description="why the decision is reopened (required)")
    expected_version: int | None = Field(default=None, ge=1, description="the item's lock_version you read; 409 if it moved on")

    _no_nul = field_validator("reason")(without_nul)


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$")
    role: Literal["document_system", "clerk", "secrecy_reviewer", "disclosure_reviewer", "office", "rule_author",
                  "supervisor", "admin"]
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
