"""The HTTP contract (for the document system, clerks, reviewers and the website): pydantic models.

Field names are SCHEMA's. Input is strict: unknown fields, wrong types and impossible values get
422 naming the field, so the document system learns at once what it sent wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engine.vocabulary import Category, Column, Exemption, Secrecy

Text = str


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
    date: dt.date | None = Field(default=None, description="成文日期, YYYY-MM-DD")
    secrecy_marking: str | None = Field(default=None, max_length=100)
    body: str = ""
    closed_on: dt.date | None = Field(default=None, description="date of closure (办结); default: today, China time")

    @field_validator("title", "body", "doc_number", "doc_type", "division", "agency", "secrecy_marking")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value

    def record(self, source: str) -> dict[str, Any]:
        """The record in SCHEMA's exchange shape, as the engine reads it."""
        out = self.model_dump(exclude={"closed_on"})
        out["date"] = self.date.isoformat() if self.date else None
        out["source"] = source
        return out


class SecrecyReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    secrecy: Secrecy = Field(description="the level decided (confirming the suggestion or changing it)")
    reason: str | None = Field(default=None, max_length=4000, description="required when the level differs from the suggestion")
    expected_version: int | None = Field(default=None, ge=1, description="the item's lock_version you reviewed; 409 if it moved on")


class DisclosureReviewIn(BaseModel):
    """Fields left out are confirmed as suggested; a field sent as null is decided as none."""

    model_config = ConfigDict(extra="forbid")

    category: Category | None = None
    exemption: Exemption | None = None
    column: Column | None = None
    reason: str | None = Field(default=None, max_length=4000, description="required when anything differs from the suggestion")
    leader_instruction: str | None = Field(default=None, max_length=4000, description="领导批示意见")
    expected_version: int | None = Field(default=None, ge=1)


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$")
    role: Literal["document_system", "clerk", "secrecy_reviewer", "disclosure_reviewer", "office", "rule_author",
                  "supervisor", "admin"]
    division: str | None = Field(default=None, max_length=100, description="a clerk's division: entries are limited to it")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, Any]] | None = None
