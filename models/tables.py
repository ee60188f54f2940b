"""The tables: items and their versions, review actions, the audit log, counters, tokens, users and sessions.

An item is one piece of information (a closed document or a hand entry). It goes through secrecy
review (保密审核), then disclosure review (公开方式审核), then is routed to exactly one store (信息库):
the single `store` column makes "exactly one" structural, and a CHECK constraint keeps anything
with a secrecy level or marking out of the proactive store even if application code were wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.applications.receipt import Channel, ReceiptBasis
from engine.vocabulary import ApplicationOutcome, ApplicationStatus, ItemStatus, ReviewStage, Role, Secrecy, Store
from models.base import Base, Json, UtcDateTime, utc_now

# The closed lists of engine/vocabulary.py, in the CHECK constraints' order (the migrations wrote the
# same constraints out: `gongkai db check` and tests/service/test_migrations.py keep the two equal).
STORES = tuple(s.value for s in Store)
STATUSES = tuple(s.value for s in ItemStatus)
STAGES = tuple(s.value for s in ReviewStage)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ItemRow(Base):
    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("origin", "source_id"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(f"store IS NULL OR {_in('store', STORES)}", name="store"),
        # 条例第十四条 and the secrecy law: nothing with a secrecy level or any marking is proactive.
        CheckConstraint(f"store IS NULL OR store <> '{Store.PROACTIVE}' OR "
                        f"(secrecy = '{Secrecy.NONE}' AND marked = false)", name="proactive_unclassified"),
        CheckConstraint(f"(store IS NULL) = (status <> '{ItemStatus.ROUTED}')", name="routed_has_store"),
        CheckConstraint(f"status = '{ItemStatus.SECRECY_REVIEW}' OR secrecy IS NOT NULL",
                        name="secrecy_before_disclosure"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    origin: Mapped[str] = mapped_column(String(16))  # engine.vocabulary.Origin
    source_id: Mapped[str] = mapped_column(String(200))
    # The account (token holder) that first pushed or entered it: only that account may send new versions.
    owner: Mapped[str | None] = mapped_column(String(100))
    division: Mapped[str | None] = mapped_column(String(100), index=True)
    agency: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    due_warnings: Mapped[list[str]] = mapped_column(Json, default=list)
    status: Mapped[str] = mapped_column(String(32), default=ItemStatus.SECRECY_REVIEW.value, index=True)
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    # The strictest marking any version carried (none | internal | confidential | ...): sticky.
    marking: Mapped[str] = mapped_column(String(16), default=Secrecy.NONE.value)
    marked: Mapped[bool] = mapped_column(Boolean, default=False)
    # The secrecy suggested for the current version: with `marked` and `secrecy`, what decides in SQL
    # whether a caller may read the item (api/access/visibility.py), so searches and counts never touch the rest.
    suggested_secrecy: Mapped[str | None] = mapped_column(String(16))
    # Queue order: higher first (low confidence, rule/model disagreement, marking).
    risk: Mapped[float] = mapped_column(Float, default=0.0)
    # Decisions people made (None until made); never overwritten by a new version.
    secrecy: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(32))
    exemption: Mapped[str | None] = mapped_column(String(32))
    column: Mapped[str | None] = mapped_column(String(32))
    store: Mapped[str | None] = mapped_column(String(32), index=True)
    index_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    routed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    changed_after_review: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    versions: Mapped[list[ItemVersionRow]] = relationship(order_by="ItemVersionRow.number", back_populates="item")
    reviews: Mapped[list[ReviewRow]] = relationship(order_by="ReviewRow.id", back_populates="item")

    # Two reviewers on one item: the UPDATE carries "WHERE lock_version = <read>", so the second
    # finds no row and gets StaleDataError (409) instead of silently overwriting the first.
    __mapper_args__ = {"version_id_col": lock_version}


class ItemVersionRow(Base):
    """One version of an item's document, with the suggestion made for it. Never updated."""

    __tablename__ = "item_version"
    __table_args__ = (
        UniqueConstraint("item_id", "number"),
        # Covering the reports' read of every version (accuracy by revision and model): the database
        # answers from the index, never touching rows that hold ~10 KB of document and suggestion.
        Index("ix_item_version_report", "item_id", "number", "ruleset_revision", "model_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]] = mapped_column(Json)
    suggestion: Mapped[dict[str, Any]] = mapped_column(Json)
    ruleset_revision: Mapped[str] = mapped_column(String(64))
    model_id: Mapped[str | None] = mapped_column(String(64))
    received_by: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)

    item: Mapped[ItemRow] = relationship(back_populates="versions")


class RuleHitRow(Base):
    """One rule that fired for one version, with what it says: the compact index the accuracy report
    and per-rule health read (100k versions' whole suggestions are gigabytes of JSON; these rows are
    a few hundred bytes). Written with the version, never updated."""

    __tablename__ = "rule_hit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("item_version.id"), index=True)
    item_id: Mapped[int] = mapped_column(Integer, index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    rule_id: Mapped[str] = mapped_column(String(200), index=True)
    mode: Mapped[str | None] = mapped_column(String(16))
    outcome: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class RuleSetRow(Base):
    """A rule set the service has held: its revision (the hash of its files, engine/rules/rulebook.
    revision_of), name, number of rules and the text of every file, so that any past revision can be
    served again (rollback) or backtested against. Written once per revision, never updated."""

    __tablename__ = "rule_set"

    revision: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    rules: Mapped[int] = mapped_column(Integer)
    files: Mapped[dict[str, str]] = mapped_column(Json)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


ACTIVATIONS = ("start", "activate", "rollback")


class RuleActivationRow(Base):
    """From this moment the service serves this revision: who put it live, when, how and why. The
    latest row is the revision in service; every worker process follows it. Append-only."""

    __tablename__ = "rule_activation"
    __table_args__ = (CheckConstraint(_in("action", ACTIVATIONS), name="action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[str] = mapped_column(ForeignKey("rule_set.revision"), index=True)
    previous: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


class ReviewRow(Base):
    """One review action: what was suggested, what the reviewer decided, and why. Append-only."""

    __tablename__ = "review"
    __table_args__ = (CheckConstraint(_in("stage", STAGES), name="stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    version_number: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    suggested: Mapped[dict[str, Any]] = mapped_column(Json)
    decided: Mapped[dict[str, Any]] = mapped_column(Json)
    changed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    leader_instruction: Mapped[str | None] = mapped_column(Text)  # 领导批示意见
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)

    item: Mapped[ItemRow] = relationship(back_populates="reviews")


class FeedEntryRow(Base):
    """The proactive store's publication feed: seq is gapless and commits in order (see counters)."""

    __tablename__ = "feed_entry"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # publish | withdraw
    # The version a publish entry put on the website: the feed serves that version's text, never a later one.
    version: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


class CounterRow(Base):
    """Named counters (index numbers per agency and year, the feed, the audit chain).

    Incremented with UPDATE … RETURNING inside the transaction that uses the number: the row lock
    serialises users until commit, and a rollback gives the number back, so sequences are gapless.
    """

    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class AuditEventRow(Base):
    """The append-only audit log, chained by hashes and keyed by HMACs (protected by triggers; see
    migrations and models/audit/)."""

    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)
    item_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(Json)
    after: Mapped[dict[str, Any] | None] = mapped_column(Json)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The row this event records, by digest ({"table", "id", "sha256"}): a review or a document version.
    covers: Mapped[dict[str, Any] | None] = mapped_column(Json)
    # HMAC-SHA256 of the hash with the audit key; NULL only on events written before the key existed.
    mac: Mapped[str | None] = mapped_column(String(64))


class AuditCheckpointRow(Base):
    """The audit log's head, keyed: one row (id 1), rewritten by every append in the append's own
    transaction, so it cannot be append-only (a trigger refuses DELETE). `mac` covers seq, hash and at;
    `origin` (where the keyed log starts: first keyed event, first covered review and version, and how
    many rows came before) is written once, with its own `origin_mac`. See models/audit/."""

    __tablename__ = "audit_checkpoint"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    mac: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    origin: Mapped[dict[str, Any]] = mapped_column(Json)
    origin_mac: Mapped[str] = mapped_column(String(64))


class TokenRow(Base):
    """A bearer token: only its SHA-256 is stored (tokens are 256 random bits, so no slow hash is needed)."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    division: Mapped[str | None] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)  # NULL: issued before expiry existed


ROLES = tuple(role.value for role in Role)  # the CHECK of app_user.role (engine/vocabulary.Role)


class UserRow(Base):
    """A person who signs in to the pages (issue 16): the password only as an argon2 hash; failures
    counted for the lock-out. Never deleted: disabled, so that the audit log's names stay someone's."""

    __tablename__ = "app_user"  # "user" is a reserved word in PostgreSQL
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    division: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class WebSessionRow(Base):
    """A signed-in browser: only the SHA-256 of its cookie is stored (256 random bits, like tokens), so a
    copy of the table signs no one in. Deleted at sign-out; past `expires_at` it no longer works."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    csrf_secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    last_seen: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


# --- Public applications (依申请公开, issue 17; applications.md §1) --------------------------------------
# The closed lists of engine/vocabulary.py and engine/applications/receipt.py, as migration 0007 wrote them.
APPLICATION_STATUSES = tuple(s.value for s in ApplicationStatus)
APPLICATION_OUTCOMES = tuple(o.value for o in ApplicationOutcome)
CHANNELS = tuple(c.value for c in Channel)
RECEIPT_BASES = tuple(b.value for b in ReceiptBasis)


class ApplicationRow(Base):
    """One public application: its receipt (条例第三十一条), applicant, request, where it stands, and the
    answer clock's deadlines as last computed (denormalised for the due-date lists; the events are the
    record, application_event)."""

    __tablename__ = "application"
    __table_args__ = (
        UniqueConstraint("agency", "reg_no"),
        CheckConstraint(_in("status", APPLICATION_STATUSES), name="status"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', APPLICATION_OUTCOMES)}", name="outcome"),
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        CheckConstraint(_in("receipt_basis", RECEIPT_BASES), name="receipt_basis"),
        # 条例第三十一条: no receipt day while the confirmation is awaited, and one once registered (but an
        # application withdrawn before its confirmation is closed, and archived, without one).
        CheckConstraint(f"(status = '{ApplicationStatus.AWAITING_CONFIRMATION}' AND received_on IS NULL) OR "
                        f"(status <> '{ApplicationStatus.AWAITING_CONFIRMATION}' AND (received_on IS NOT NULL OR "
                        f"status IN ('{ApplicationStatus.CLOSED}', '{ApplicationStatus.ARCHIVED}')))",
                        name="received_when_registered"),
        CheckConstraint("(outcome IS NULL) = (report_row IS NULL)", name="outcome_has_row"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(40))
    reg_no: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    arrived_on: Mapped[dt.date | None] = mapped_column(Date)
    signed_for_on: Mapped[dt.date | None] = mapped_column(Date)
    received_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    receipt_basis: Mapped[str] = mapped_column(String(16))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    confirmed_way: Mapped[str | None] = mapped_column(String(50))
    confirmed_by: Mapped[str | None] = mapped_column(String(100))
    applicant_kind: Mapped[str] = mapped_column(String(16))
    org_subtype: Mapped[str | None] = mapped_column(String(16))
    applicant: Mapped[dict[str, Any]] = mapped_column(Json)  # name, identity, contact
    agent: Mapped[dict[str, Any] | None] = mapped_column(Json)
    description: Mapped[str] = mapped_column(Text)
    items: Mapped[int] = mapped_column(Integer, default=1)
    form_requested: Mapped[str] = mapped_column(String(16))
    delivery: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(Text, default="")
    handler_division: Mapped[str | None] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    outcome: Mapped[str | None] = mapped_column(String(48))
    report_row: Mapped[str | None] = mapped_column(String(16))
    concluded_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    statutory_deadline: Mapped[dt.date | None] = mapped_column(Date)
    effective_deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class ApplicationEventRow(Base):
    """One accepted transition of an application's lifecycle (engine/applications/lifecycle.py), in order:
    what was done, on which day, by whom and why, with the facts it was given (`details`)."""

    __tablename__ = "application_event"
    __table_args__ = (UniqueConstraint("application_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    on: Mapped[dt.date] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    why: Mapped[str] = mapped_column(Text, default="")
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


# The records around an application (letters, suggestions, links, redacted copies, cases, 条例第四十四条) and
# the annual report's, in their own modules; imported here so every table is known wherever the tables are.
from models.annual_records import AnnualReportRow, InstrumentRow  # noqa: E402,F401
from models.application_records import (  # noqa: E402,F401
    ApplicationItemRow, ApplicationLetterRow, ApplicationSuggestionRow, CaseRow, PublicationSuggestionRow, ReleaseRow)
from models.batch_records import BatchPartRow, BatchRunRow  # noqa: E402,F401
from models.classifier_records import ModelActivationRow, ModelVersionRow  # noqa: E402,F401
from models.audit_records import AuditLinkRow, AuditQueueRow  # noqa: E402,F401
