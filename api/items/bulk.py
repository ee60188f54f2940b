"""Storing many suggested documents at once: the bulk import (`gongkai import`) and the backfill.

The same guards as one push (api/items/intake.py `_store`), decided per document, written per batch:
one query finds the batch's existing items and their current content hashes, new items, versions and
rule hits go in as bulk inserts (SQLAlchemy's insertmanyvalues: a few statements per batch, not per
document), and everything commits in ONE transaction. Per document, as intake decides:

- the same document again (a stored hash among `content_hashes(record)`) is "unchanged" and writes nothing;
- another account's or division's item is refused (`ownership_problem`) and the refusal is audited;
- a changed document is a new version: the person's decisions are never overwritten, and a reviewed
  item goes back to secrecy review and out of its store (`send_back`: a published one is withdrawn);
- every stored version gets its audit event covering it, and one RuleHitRow per rule that fired.

A concurrent push of one of the batch's documents (IntegrityError on (origin, source_id)) or a reviewer
acting on one of its items meanwhile (StaleDataError) rolls the batch back; its documents are then
stored the slow way, one transaction each, as intake does, so the batch still ends stored exactly once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Sequence

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from api.context import Actor, Context
from api.items.intake import ownership_problem
from api.items.versions import audit_after, new_item, next_version, rule_hit_rows, version_row
from api.items.queries import CURRENT_VERSION
from engine.vocabulary import Origin
from engine.workflow.working_days import today_in_china
from models import audit
from models.tables import ItemRow, ItemVersionRow, RuleHitRow

LOOKUP_CHUNK = 500  # source ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits
SLOW_ATTEMPTS = 3  # per document on the slow way, as intake.receive


@dataclass(frozen=True)
class Suggested:
    """One document ready to store: its record (DocumentIn(...).record(origin), its "id" the source id),
    the suggestion made for it, `content_hashes(record)` (the first is the one stored), the date of
    closure (None: today, China time, as a push) and where it came from (a line or row, for problems)."""

    record: dict[str, Any]
    suggestion: dict[str, Any]
    hashes: tuple[str, ...]
    closed_on: dt.date | None = None
    where: str = ""

    @property
    def source_id(self) -> str:
        return str(self.record["id"])


@dataclass
class BatchCounts:
    """What happened to a batch (or a whole run, summed with `add`). `problems`: (where, what) for
    every refused or invalid document."""

    created: int = 0
    new_version: int = 0
    unchanged: int = 0
    refused: int = 0
    invalid: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)

    def add(self, other: BatchCounts) -> BatchCounts:
        for name in ("created", "new_version", "unchanged", "refused", "invalid"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems.extend(other.problems)
        return self

    @property
    def documents(self) -> int:
        return self.created + self.new_version + self.unchanged + self.refused + self.invalid

    def as_dict(self) -> dict[str, Any]:
        """The counts as stored with a run's part (JSON): problems as [where, what] pairs."""
        return {"created": self.created, "new_version": self.new_version, "unchanged": self.unchanged,
                "refused": self.refused, "invalid": self.invalid, "problems": [list(p) for p in self.problems]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BatchCounts:
        return cls(**{k: int(data.get(k, 0)) for k in ("created", "new_version", "unchanged", "refused", "invalid")},
                   problems=[(str(w), str(m)) for w, m in data.get("problems", ())])


@dataclass(frozen=True)
class Provenance:
    """What every version of the batch records it was suggested with, and who sent it."""

    actor: Actor
    origin: str
    ruleset_revision: str
    model_id: str | None


def store_batch(session: Session, ctx: Context, actor: Actor, origin: Origin | str, docs: Sequence[Suggested], *,
                ruleset_revision: str, model_id: str | None) -> BatchCounts:
    """Store a batch of suggested documents in one transaction and commit; see the module's docstring.

    Args:
        session: a session carrying the audit key (models.session.make_sessions); nothing pending in it.
        ctx: only its `due` is used (条例第二十六条's due date per closing date).
        actor: the account the items belong to (a new item's owner; an existing one must be its own).
        origin: closure or manual: the items' origin, as the push route or the hand entry would give.
        docs: the documents, each with its suggestion; a source id may appear more than once (in order).
        ruleset_revision, model_id: what the suggestions were made with, recorded with each version.

    Returns:
        The counts, with a problem per refused document.
    """
    meta = Provenance(actor, Origin(origin).value, ruleset_revision, model_id)
    try:
        counts = _store_all(session, ctx, meta, docs)
        session.commit()
        return counts
    except (IntegrityError, StaleDataError):
        # Someone else wrote one of these items between our look and our write: nothing of the batch
        # is kept; store its documents one by one (each re-reads and finds the other writer's rows).
        session.rollback()
    counts = BatchCounts()
    for doc in docs:
        counts.add(_store_slowly(session, ctx, meta, doc))
    return counts


def _store_slowly(session: Session, ctx: Context, meta: Provenance, doc: Suggested) -> BatchCounts:
    for attempt in range(SLOW_ATTEMPTS):
        try:
            counts = _store_all(session, ctx, meta, [doc])
            session.commit()
            return counts
        except (IntegrityError, StaleDataError):
            session.rollback()
            if attempt == SLOW_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _store_all(session: Session, ctx: Context, meta: Provenance, docs: Sequence[Suggested]) -> BatchCounts:
    """Every document of the batch, in rounds of distinct source ids (a second copy of a document in the
    batch must see what the first wrote). Flushes, never commits."""
    counts = BatchCounts()
    pending = list(docs)
    while pending:
        seen: set[str] = set()
        now: list[Suggested] = []
        later: list[Suggested] = []
        for doc in pending:
            (later if doc.source_id in seen else now).append(doc)
            seen.add(doc.source_id)
        _store_round(session, ctx, meta, now, counts)
        pending = later
    return counts


def _existing(session: Session, origin: str, source_ids: Sequence[str]) -> dict[str, tuple[ItemRow, str]]:
    """The items already stored for these source ids with their current version's content hash."""
    found: dict[str, tuple[ItemRow, str]] = {}
    for start in range(0, len(source_ids), LOOKUP_CHUNK):
        rows = session.execute(
            select(ItemRow, ItemVersionRow.content_hash).join(ItemVersionRow, CURRENT_VERSION)
            .where(ItemRow.origin == origin, ItemRow.source_id.in_(source_ids[start:start + LOOKUP_CHUNK]))).all()
        found.update({item.source_id: (item, digest) for item, digest in rows})
    return found


def _store_round(session: Session, ctx: Context, meta: Provenance, docs: Sequence[Suggested],
                 counts: BatchCounts) -> None:
    existing = _existing(session, meta.origin, [d.source_id for d in docs])
    stored: list[tuple[ItemRow, Suggested, dict[str, Any] | None]] = []  # item, document, audit's `before`
    for doc in docs:
        item, current_hash = existing.get(doc.source_id, (None, None))
        if item is None:
            stored.append((new_item(ctx, meta.origin, doc.source_id, doc.record, doc.suggestion,
                                    doc.closed_on or today_in_china(), meta.actor.name), doc, None))
            continue
        problem = ownership_problem(item, meta.actor, doc.record)
        if problem is not None:
            _refused(session, meta, item, doc, problem, counts)
        elif current_hash in doc.hashes:
            counts.unchanged += 1
        else:
            stored.append((item, doc, next_version(session, item, doc.record, doc.suggestion)))
    if not stored:
        return
    session.add_all([item for item, _, before in stored if before is None])
    session.flush()  # the new items' ids (one INSERT … RETURNING for all), the changed items' UPDATEs
    versions = [version_row(item, doc.hashes[0], doc.record, doc.suggestion, ruleset_revision=meta.ruleset_revision,
                            model_id=meta.model_id, received_by=meta.actor.name) for item, doc, _ in stored]
    for (item, _, _), version in zip(stored, versions, strict=True):
        version.item_id = item.id
    session.add_all(versions)
    session.flush()  # the versions' ids and times, which their audit events cover
    audit.reserve(session, len(stored))  # the events' numbers in one statement, not one each
    # Without autoflush, no event's append flushes the events before it: the batch's events and queue rows
    # go in as two bulk inserts at the next flush, not two INSERTs each.
    with session.no_autoflush:
        for (item, doc, before), version in zip(stored, versions, strict=True):
            outcome = "created" if before is None else "new_version"
            setattr(counts, outcome, getattr(counts, outcome) + 1)
            audit.record(session, actor=meta.actor.name, role=meta.actor.role, action=f"{meta.origin}:{outcome}",
                         item_id=item.id, before=before, after=audit_after(item, doc.hashes[0], doc.suggestion),
                         covers=version)
    hits = [row for (item, doc, _), version in zip(stored, versions, strict=True)
            for row in rule_hit_rows(version, item.id, doc.suggestion)]
    if hits:  # the rules that fired, one small row each (models/tables.RuleHitRow), in one executemany
        session.execute(insert(RuleHitRow), hits)
    session.flush()


def _refused(session: Session, meta: Provenance, item: ItemRow, doc: Suggested, problem: str,
             counts: BatchCounts) -> None:
    """Audited as intake._refuse records a refused push (here in the batch's transaction: it commits with
    the rest). The problem names no title, division or status of the item, as the push's 409 does not."""
    audit.record(session, actor=meta.actor.name, role=meta.actor.role, action=f"{meta.origin}:refused",
                 item_id=item.id, after={"source_id": doc.source_id, "reason": problem,
                                         "division": meta.actor.division})
    counts.refused += 1
    counts.problems.append((doc.where or doc.source_id, f"{meta.origin} item {doc.source_id!r} already exists and "
                            "belongs to another account or division: not replaced"))
