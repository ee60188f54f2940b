"""Intake: a closed document pushed by the document system, or an item a clerk enters by hand.

Idempotent: the same document again returns the same item; a changed document becomes a new
version with a new suggestion, and never overwrites a decision a person already made.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from api.context import Actor, Context
from api.errors import Conflict, Forbidden
from api.items.queries import CURRENT_VERSION
from api.items.versions import audit_after, new_item, next_version, rule_hit_rows, version_row
from api.rulesets import activation as rulesets
from api.schemas import DocumentIn
from engine.facts.document import content_hash as content_hash  # re-exported: bench/report_data.py stores versions
from engine.facts.document import content_hashes, document_from_record
from engine.suggest import Suggester
from engine.vocabulary import Origin
from engine.workflow.working_days import today_in_china
from models import audit
from models.tables import ItemRow, ItemVersionRow, RuleHitRow


class _NotOwner(Exception):
    """The caller may not send a version of this item (found again in the write transaction)."""

    def __init__(self, item: ItemRow, problem: str) -> None:
        super().__init__(problem)
        self.item_id, self.source_id, self.problem = item.id, item.source_id, problem


def _find(session: Session, origin: str, source_id: str) -> tuple[ItemRow | None, str | None]:
    """The item for this document and its current version's content hash, in one query."""
    row = session.execute(
        select(ItemRow, ItemVersionRow.content_hash).join(ItemVersionRow, CURRENT_VERSION)
        .where(ItemRow.origin == origin, ItemRow.source_id == source_id)).first()
    return (row[0], row[1]) if row is not None else (None, None)


def receive(session: Session, ctx: Context, actor: Actor, doc: DocumentIn, origin: Origin,
            reader: Session | None = None) -> tuple[ItemRow, str]:
    """Store the document and its suggestion; returns the item and what happened:
    created | unchanged | new_version. Commits. With a `reader` session the first look (is this the
    same document again?) takes no write lock; the write transaction looks again before storing."""
    if origin == Origin.MANUAL and actor.division and doc.division not in (None, actor.division):
        raise Forbidden(f"this token enters items for division {actor.division!r}, not {doc.division!r}")
    if origin == Origin.MANUAL and actor.division and doc.division is None:
        doc = doc.model_copy(update={"division": actor.division})
    source_id = doc.id or f"manual-{uuid.uuid4().hex}"
    record = doc.model_copy(update={"id": source_id}).record(origin)
    same = content_hashes(record)  # the first is the one stored with a new version
    look = reader if reader is not None else session
    existing, current_hash = _find(look, origin, source_id)
    if existing is not None and (problem := ownership_problem(existing, actor, record)) is not None:
        look.rollback()
        _refuse(session, actor, origin, existing.id, source_id, problem)
    if existing is not None and current_hash in same:
        look.rollback()
        return existing, "unchanged"
    # The rules in service for this whole request, even if a new set is activated meanwhile.
    suggester = rulesets.serving(ctx, look)
    look.rollback()  # release the read before the (CPU-bound) suggestion
    document = document_from_record(record)
    suggestion = suggester.suggest(document)
    closed_on = doc.closed_on or today_in_china()
    for attempt in range(3):
        # A new document was looked for a moment ago: it is inserted without reading again, and the unique
        # (origin, source_id) turns a push that raced it into the IntegrityError below (then it is read again).
        known_new = attempt == 0 and existing is None
        try:
            result = _store(session, ctx, suggester, actor, origin, source_id, record, same, suggestion, closed_on,
                            known_new)
            session.commit()
            return result
        except _NotOwner as refused:  # another account created it between the first look and this one
            _refuse(session, actor, origin, refused.item_id, refused.source_id, refused.problem)
        except (IntegrityError, StaleDataError):
            # Two pushes of one document raced (the loser re-reads and finds the winner's item), or a
            # reviewer changed the item meanwhile (the version is added again on top of the review).
            session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def ownership_problem(item: ItemRow, actor: Actor, record: dict[str, Any]) -> str | None:
    """Why this caller may not send a version of an existing item, or None. An item belongs to the
    account that first sent it and to its division: another account (another clerk, another document
    system, a clerk token without a division) or another division may not replace what it says."""
    if item.owner is not None and item.owner != actor.name:
        return f"{item.origin} item {item.source_id!r} belongs to another account; it cannot be replaced from here"
    if (record.get("division") or None) != (item.division or None):
        return (f"{item.origin} item {item.source_id!r} belongs to division {item.division!r}; a new version "
                f"cannot move it to {record.get('division')!r}")
    return None


def _refuse(session: Session, actor: Actor, origin: str, item_id: int, source_id: str, problem: str) -> None:
    """Record the refused attempt (its own transaction: the refusal is the point) and answer 409.
    The answer names no title, division or status of the item: the caller may not read it."""
    session.rollback()
    audit.record(session, actor=actor.name, role=actor.role, action=f"{origin}:refused", item_id=item_id,
                 after={"source_id": source_id, "reason": problem, "division": actor.division})
    session.commit()
    raise Conflict(f"{origin} item {source_id!r} already exists and belongs to another account or division: "
                   "it cannot be replaced from this token")


def _store(session: Session, ctx: Context, suggester: Suggester, actor: Actor, origin: Origin, source_id: str,
           record: dict[str, Any], same: tuple[str, ...], suggestion: dict[str, Any], closed_on: dt.date,
           known_new: bool = False) -> tuple[ItemRow, str]:
    model = suggester.model
    item, current_hash = (None, None) if known_new else _find(session, origin, source_id)
    if item is not None and (problem := ownership_problem(item, actor, record)) is not None:
        raise _NotOwner(item, problem)
    if item is not None and current_hash in same:
        return item, "unchanged"
    digest = same[0]
    if item is None:
        item = new_item(ctx, origin, source_id, record, suggestion, closed_on, actor.name)
        session.add(item)
        outcome, before = "created", None
    else:
        before = next_version(session, item, record, suggestion)
        outcome = "new_version"
    version = version_row(item, digest, record, suggestion, ruleset_revision=suggester.book.revision,
                          model_id=model.model_id if model is not None else None, received_by=actor.name)
    if outcome == "created":
        version.item = item  # one flush inserts the item, then its version
    else:
        version.item_id = item.id
    session.add(version)
    session.flush()  # the ids the audit event and the rule hits name; the rest goes in at commit
    if outcome == "created":  # the answer is built from these objects: no reload after commit
        set_committed_value(item, "versions", [version])
        set_committed_value(item, "reviews", [])
    audit.record(session, actor=actor.name, role=actor.role, action=f"{origin}:{outcome}", item_id=item.id,
                 before=before, after=audit_after(item, digest, suggestion), covers=version)
    if hits := rule_hit_rows(version, item.id, suggestion):
        session.execute(insert(RuleHitRow), hits)
    return item, outcome


