"""The contract of the catalog's 规章 and 行政规范性文件 (Table 二, block 第二十条第（一）项): what setting an item's
record takes (strict: unknown fields are 422) and what the answers hold (every key a view writes is here)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.applications.schemas import Dated, Text
from api.responses import Day, Out, Timestamp
from api.schemas import MAX_ID

Instrument = Literal["regulations", "normative_documents"]  # models/annual_records.INSTRUMENTS
Validity = Literal["in_force", "expired", "repealed"]  # models/annual_records.VALIDITY
LockVersion = Annotated[int, Field(ge=1, le=MAX_ID, description="the record's lock_version as read: 409 if it moved")]


class InstrumentIn(BaseModel):
    """Which instrument an item of the proactive store is, when it was issued, and whether it is in force."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    instrument: Instrument = Field(description="regulations (规章) or normative_documents (行政规范性文件)")
    issued_on: Dated | None = Field(None, description="公布日期; default the document's 成文日期, else the day "
                                                      "the item was closed")
    validity: Validity = Field("in_force", description="in_force (有效), expired (失效), repealed (废止)")
    ended_on: Dated | None = Field(None, description="the first day it was no longer in force; required unless "
                                                     "in_force, and empty while in force")
    note: Text = Field("", description="e.g. the decision that repealed it")
    expected_version: LockVersion | None = Field(None, description="optimistic lock: the lock_version read")


class InstrumentOut(Out):
    """An item's record as Table 二 counts it (only while the item is in the proactive store: `counted`)."""

    item_id: int
    instrument: str
    instrument_zh: str = Field(description="规章 or 行政规范性文件")
    issued_on: Day
    validity: str
    validity_zh: str = Field(description="有效, 失效 or 废止")
    ended_on: Day | None
    note: str
    updated_by: str
    updated_at: Timestamp
    lock_version: int
    counted: bool = Field(description="the item is in the proactive store (条例第二十条第（一）项): Table 二 counts it")


class InstrumentListed(InstrumentOut):
    title: str | None = Field(description="null for an item the caller may not read")
    doc_number: str | None = Field(description="文号 of the current version (null: not readable or none)")
    index_number: str | None


class InstrumentPage(Out):
    total: int
    limit: int
    offset: int
    instruments: list[InstrumentListed]


class ClearedOut(Out):
    """The record removed, as it was, with the reason (audited instrument.clear)."""

    item_id: int
    reason: str
    cleared: InstrumentOut


class CandidateOut(Out):
    """An item of the proactive store in the 行政规范性文件 column with no record yet."""

    item_id: int
    title: str | None = Field(description="null for an item the caller may not read")
    doc_number: str | None
    index_number: str | None
    closed_on: Day
    issued_on: Day = Field(description="what PUT …/instrument takes when issued_on is left out")


class CandidatePage(Out):
    total: int
    limit: int
    offset: int
    candidates: list[CandidateOut]
