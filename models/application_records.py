"""The records around a public application (issue 17; applications.md §1.7, §2, §3.3): the items it is
linked to, the outcome the catalog suggested, the letters issued, the redacted copies released (条例第三十七条),
the 行政复议 / 行政诉讼 cases brought (Table 四), and the 条例第四十四条 suggestions to publish.

Letters, suggestions and links are append-only (guards.APPLICATION_RECORDS): a corrected letter is a new
letter, a new suggestion a new row, and what was sent or proposed stays as it was.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.vocabulary import ApplicationOutcome
from models.base import Base, Json, UtcDateTime, utc_now


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


OUTCOMES = tuple(o.value for o in ApplicationOutcome)
LINK_SOURCES = ("suggestion", "handler")
RELEASE_PURPOSES = ("application", "publication")  # an answer's enclosure; a proactive item's public copy
RELEASE_STATUSES = ("proposed", "confirmed")
CASE_KINDS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")  # Table 四's groups
CASE_RESULTS = ("maintained", "corrected", "other")  # none while pending (尚未审结)
PUBLICATION_STATUSES = ("open", "published", "declined")


class ApplicationItemRow(Base):
    """An item of the four stores the application asks for (linked from the suggestion or by the handler):
    the answer's enclosures, and what 条例第四十四条 counts."""

    __tablename__ = "application_item"
    __table_args__ = (UniqueConstraint("application_id", "item_id"),
                      CheckConstraint(_in("source", LINK_SOURCES), name="source"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    linked_by: Mapped[str] = mapped_column(String(100))
    linked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


class ApplicationSuggestionRow(Base):
    """One outcome the catalog and the application rules suggested, with its reasons, matched items,
    the search record and the rules that fired (each with its article): the accuracy report compares it
    with the outcome the handler set."""

    __tablename__ = "application_suggestion"
    __table_args__ = (CheckConstraint(f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name="outcome"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(String(48))  # none: the handler must choose
    details: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    ruleset: Mapped[str | None] = mapped_column(String(80))
    engine_version: Mapped[str] = mapped_column(String(40))
    made_by: Mapped[str] = mapped_column(String(100))
    made_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


class ApplicationLetterRow(Base):
    """A letter issued on an application (applications.md §2): the elements it was given and the text as
    rendered, so the copy on file is the one sent whatever the templates say later."""

    __tablename__ = "application_letter"
    __table_args__ = (UniqueConstraint("number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[str | None] = mapped_column(String(100))  # 文号; none for letters without one
    serial: Mapped[int | None] = mapped_column(Integer)
    elements: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    letter: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    event_seq: Mapped[int | None] = mapped_column(Integer)  # the transition it was issued with, if any
    issued_on: Mapped[dt.date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


class ReleaseRow(Base):
    """A redacted copy (条例第三十七条, 第十五条) of an item's text, for an answer or for publication: the
    original as redacted and the released copy side by side; nothing is released before `confirmed`."""

    __tablename__ = "application_release"
    __table_args__ = (
        CheckConstraint(_in("purpose", RELEASE_PURPOSES), name="purpose"),
        CheckConstraint(_in("status", RELEASE_STATUSES), name="status"),
        CheckConstraint("application_id IS NOT NULL OR item_id IS NOT NULL", name="of_something"),
        CheckConstraint("(status = 'confirmed') = (released_text IS NOT NULL AND confirmed_by IS NOT NULL "
                        "AND confirmed_at IS NOT NULL)", name="released_when_confirmed"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"), index=True)
    item_version: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(16))
    original_sha256: Mapped[str] = mapped_column(String(64))
    original_text: Mapped[str] = mapped_column(Text)
    redaction: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)  # spans, decisions, history
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    released_text: Mapped[str | None] = mapped_column(Text)
    confirmed_by: Mapped[str | None] = mapped_column(String(100))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class CaseRow(Base):
    """A 行政复议 or 行政诉讼 case about the agency's disclosure work (Table 四): filed, concluded with a
    result (维持 / 纠正 / 其他), or still pending (尚未审结)."""

    __tablename__ = "review_case"
    __table_args__ = (
        UniqueConstraint("agency", "case_number"),
        CheckConstraint(_in("kind", CASE_KINDS), name="kind"),
        CheckConstraint(f"result IS NULL OR {_in('result', CASE_RESULTS)}", name="result"),
        CheckConstraint("(result IS NULL) = (concluded_on IS NULL)", name="concluded_with_result"),
        CheckConstraint("concluded_on IS NULL OR concluded_on >= filed_on", name="concluded_after_filed"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    case_number: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(String(200))  # 复议机关 or court
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    reconsideration_id: Mapped[int | None] = mapped_column(ForeignKey("review_case.id"))
    subject: Mapped[str] = mapped_column(Text, default="")
    filed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    result: Mapped[str | None] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(String(200), default="")  # as written: 维持, 撤销, 驳回起诉 …
    concluded_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class PublicationSuggestionRow(Base):
    """条例第四十四条: an on_request item asked for by many applicants, suggested for proactive publication and
    sent to its disclosure review; one open suggestion per item."""

    __tablename__ = "publication_suggestion"
    __table_args__ = (CheckConstraint(_in("status", PUBLICATION_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    applicants: Mapped[int] = mapped_column(Integer)
    application_ids: Mapped[list[int]] = mapped_column(Json, default=list)
    first_on: Mapped[dt.date] = mapped_column(Date)
    last_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    sent_to_review: Mapped[bool] = mapped_column(Boolean, default=False)
    made_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
