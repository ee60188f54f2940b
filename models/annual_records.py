"""The records of the annual report (issue 18; applications.md §3): which catalog items are 规章 or 行政规范性文件
and whether they are in force (Table 二, block 第二十条第（一）项), and the reports themselves.

A report is a draft while the office writes and corrects it; submitting freezes it (`frozen`: the report as
submitted, tables and text) and sends it, as an item of its own, through the review every item goes through
before the website (条例第十七条); it is published when that item reaches the proactive store. Every change
is in the audit chain (models/audit): the hand-entered cells with their source, corrections with their reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.annual.table_two import INSTRUMENTS, VALIDITY
from models.base import Base, Json, UtcDateTime, utc_now

REPORT_STATUSES = ("draft", "submitted")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class InstrumentRow(Base):
    """A catalog item that is a 规章 or a 行政规范性文件: when it was issued and whether it is still in force."""

    __tablename__ = "catalog_instrument"
    __table_args__ = (
        CheckConstraint(_in("instrument", INSTRUMENTS), name="instrument"),
        CheckConstraint(_in("validity", VALIDITY), name="validity"),
        CheckConstraint("(validity = 'in_force') = (ended_on IS NULL)", name="ended_when_not_in_force"),
        CheckConstraint("ended_on IS NULL OR ended_on >= issued_on", name="ended_after_issued"),
    )

    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True)
    instrument: Mapped[str] = mapped_column(String(32))
    issued_on: Mapped[dt.date] = mapped_column(Date, index=True)  # 公布日期 (or 成文日期)
    validity: Mapped[str] = mapped_column(String(16), default="in_force")
    ended_on: Mapped[dt.date | None] = mapped_column(Date, index=True)  # 废止 or 失效 from this day
    note: Mapped[str] = mapped_column(Text, default="")  # e.g. the decision that repealed it
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class AnnualReportRow(Base):
    """One year's report of the agency, in the format it was made in."""

    __tablename__ = "annual_report"
    __table_args__ = (UniqueConstraint("agency", "year"), CheckConstraint(_in("status", REPORT_STATUSES), name="status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(40))  # settings.agency_code, as on the applications and cases
    year: Mapped[int] = mapped_column(Integer, index=True)
    format: Mapped[str] = mapped_column(String(16))  # FMT21
    title: Mapped[str] = mapped_column(Text, default="")
    sections: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)  # narrative: overview, problems, other
    manual: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)  # Table 二's entered cells
    corrections: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    frozen: Mapped[dict[str, Any] | None] = mapped_column(Json)  # the report as submitted
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}
