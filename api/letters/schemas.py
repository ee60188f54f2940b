"""The contract of letters issued on an application: what issuing takes (strict: unknown fields are 422) and
what a letter on file looks like (its text as rendered when it was issued)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.responses import Day, Out, Timestamp
from api.schemas import without_nul

Text = Annotated[str, AfterValidator(without_nul), Field(max_length=4000)]
Key = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
Entry = Text | Annotated[dict[Key, Text], Field(max_length=20)]
# An element is a text (dates as YYYY-MM-DD), a yes/no flag, or a list of texts or of records.
Element = bool | Text | Annotated[list[Entry], Field(max_length=200)]


class LetterIn(BaseModel):
    """One letter to issue: its type (a file name of data/letters), its own elements, and optionally the
    transition it goes with and the application's lock_version as read."""

    model_config = ConfigDict(extra="forbid")

    kind: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")]
    elements: Annotated[dict[Key, Element], Field(max_length=60)] = Field(default_factory=dict)
    event_seq: int | None = Field(None, ge=1, le=1_000_000, description="the transition the letter goes with")
    lock_version: int | None = Field(None, description="the application's lock_version as read: 409 if it moved")


class LetterOut(Out):
    """A letter's text as rendered (the receipt, or a letter on file)."""

    kind: str
    name: str
    title: str
    number: str | None
    addressee: str
    paragraphs: list[str]
    agency: str
    date: str
    contact: str


class IssuedLetterOut(LetterOut):
    """A letter on file: its text as issued, and who issued it when, with what."""

    id: int
    application_id: int
    outcome: str | None
    event_seq: int | None
    issued_on: Day
    issued_by: str
    role: str
    created_at: Timestamp
    elements: dict[str, Any]


class IssuedLettersOut(Out):
    letters: list[IssuedLetterOut]
