"""The single appender: links committed events into the chain, in the order it finds them committed.

Why one appender rather than a lock per append (until 0011 every write transaction took the "audit" counter's
row lock for its place in the chain and held it through its commit, so on PostgreSQL writes ran one at a time):
the chain's order only has to be *an* order that never changes once written, not the order the events were
numbered in. Requests append their events side by side (chain.record: the event's own hash and MAC, a queue
row); one appender at a time (a PostgreSQL advisory lock; on SQLite the single writer) takes every queued event
it can see, links them in one transaction (a link per event: position, previous hash, hash, MAC), moves the
checkpoint and the "audit" counter once, and deletes their queue rows. A link is never rewritten.

What this gives up, said plainly: between its commit and its link (milliseconds while the service runs, or until
the next start or `gongkai audit verify` if it stopped), an event is protected by its own MAC and its queue row,
not yet by the chain. Someone with SQL access who deletes both the event and its queue row in that window leaves
no trace in the log itself; a review or document version it covered is still named by the verification (its
event is gone), and so is an event whose queue row alone was removed (it is in no chain).
"""

from __future__ import annotations

import logging
from typing import Any, Sequence, cast

from sqlalchemy import Table, delete, event, func, insert, select, update
from sqlalchemy.orm import Session

from models.audit.chain import (
    APPENDED,
    COVERED,
    GENESIS,
    LINKED,
    ON_APPEND,
    RESERVED,
    _session_key,
    checkpoint_mac,
    key_id,
    link_hash,
    link_mac,
    origin_mac,
)
from models.base import utc_now
from models.counters import next_value
from models.tables import AuditCheckpointRow, AuditEventRow, AuditLinkRow, AuditQueueRow, CounterRow

BATCH = 2000  # events linked per transaction (a statement's parameters stay under SQLite's limit)
log = logging.getLogger("gongkai")
LOCK = 0x676F6E676B6169  # pg_advisory_xact_lock's key for "the appender" ("gongkai" in ASCII)


def chain_pending(session: Session, limit: int = BATCH) -> int:
    """Link up to `limit` queued events (by number) in one transaction, which it commits; returns how many.

    An event queued but gone (deleted before it was linked) stays queued and unlinked: the verification names it.
    """
    key = _session_key(session)
    if session.in_transaction():
        session.rollback()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(LOCK)))  # one appender at a time, across workers
    queued = list(session.scalars(select(AuditQueueRow.event_seq).order_by(AuditQueueRow.event_seq).limit(limit)))
    if not queued:
        session.rollback()
        return 0
    found = dict(session.execute(select(AuditEventRow.seq, AuditEventRow.hash)
                                 .where(AuditEventRow.seq.in_(queued), AuditEventRow.prev_hash == LINKED)).all())
    position, prev, exists = _head(session)
    links: list[dict[str, Any]] = []
    for seq in queued:
        if seq not in found:
            continue
        position += 1
        hash_ = link_hash(position, seq, found[seq], prev)
        links.append({"position": position, "event_seq": seq, "prev_hash": prev, "hash": hash_,
                      "mac": link_mac(key, position, hash_)})
        prev = hash_
    if not links:
        session.rollback()
        return 0
    session.execute(insert(AuditLinkRow), links)
    session.execute(delete(AuditQueueRow).where(AuditQueueRow.event_seq.in_([link["event_seq"] for link in links])))
    _advance(session, key, position, prev, exists, links[0]["position"], [link["event_seq"] for link in links])
    _set_counter(session, position)
    session.commit()
    return len(links)


def drain(session: Session) -> int:
    """Link every queued event (in batches); returns how many were linked."""
    total = 0
    while (linked := chain_pending(session)) == BATCH:
        total += linked
    return total + linked


class ChainHeadError(RuntimeError):
    """The checkpoint and the chain's last link disagree: someone changed one of them. Nothing is linked until
    `gongkai audit verify` has said what happened (linking on would build on a head that cannot be trusted)."""


def _head(session: Session) -> tuple[int, str, bool]:
    """The chain's last position and hash, and whether the checkpoint exists. The checkpoint says it (the
    appender moves it with every batch) and the last link must agree; without either (a new database, or one
    from before 0011), the last event chained in place is the head."""
    row = session.execute(select(AuditCheckpointRow.seq, AuditCheckpointRow.hash)
                          .where(AuditCheckpointRow.id == 1)).first()
    link = session.execute(select(AuditLinkRow.position, AuditLinkRow.hash)
                           .order_by(AuditLinkRow.position.desc()).limit(1)).first()
    if row is not None:
        if link is not None and (link[0], link[1]) != (row[0], row[1]):
            raise ChainHeadError(f"the audit checkpoint names position {row[0]} but the chain's last link is at "
                                 f"position {link[0]}: queued events are not linked until `gongkai audit verify` "
                                 "has been run and what it names resolved")
        return int(row[0]), str(row[1]), True
    if link is not None:
        raise ChainHeadError("the audit checkpoint is missing though the chain has links: queued events are not "
                             "linked until `gongkai audit verify` has been run and what it names resolved")
    last = session.execute(select(AuditEventRow.seq, AuditEventRow.hash).where(AuditEventRow.prev_hash != LINKED)
                           .order_by(AuditEventRow.seq.desc()).limit(1)).first()
    return (int(last[0]), str(last[1]), False) if last is not None else (0, GENESIS, False)


def _advance(session: Session, key: bytes, position: int, hash_: str, exists: bool, first: int,
             seqs: Sequence[int]) -> None:
    """The checkpoint to the new head: one UPDATE; the first keyed batch inserts it with the origin."""
    table = cast(Table, AuditCheckpointRow.__table__)  # a Table, typed as any FromClause by SQLAlchemy
    at = utc_now()
    mac = checkpoint_mac(key, position, hash_, at)
    if exists:
        session.execute(update(table).where(table.c.id == 1).values(seq=position, hash=hash_, at=at, mac=mac))
        return
    origin = _origin(session, first, seqs)
    name = key_id(key)
    session.execute(insert(table).values(id=1, seq=position, hash=hash_, at=at, mac=mac, key_id=name, origin=origin,
                                         origin_mac=origin_mac(key, name, origin)))


def _origin(session: Session, first_position: int, seqs: Sequence[int]) -> dict[str, Any]:
    """Where the keyed log starts: this batch's first position, and per covered table the first row it covers
    (the lowest one this batch's events record, else the next to be written) and how many came before (written
    before the key: not covered). Read once in the log's life."""
    origin: dict[str, Any] = {"event": first_position}
    covers = [c for c in session.scalars(select(AuditEventRow.covers).where(AuditEventRow.seq.in_(seqs))) if c]
    for table, (row_class, _) in COVERED.items():
        ids = [int(c["id"]) for c in covers if c.get("table") == table]
        first = min(ids) if ids else (session.scalar(select(func.max(row_class.id))) or 0) + 1
        before = session.scalar(select(func.count()).select_from(row_class).where(row_class.id < first))
        origin[table] = {"first": first, "before": before}
    return origin


def _set_counter(session: Session, position: int) -> None:
    """The "audit" counter follows the head: a second place, besides the checkpoint, that says how long the log is."""
    moved = session.execute(update(CounterRow).where(CounterRow.name == "audit").values(value=position))
    if not moved.rowcount:  # type: ignore[attr-defined]
        next_value(session, "audit")
        session.execute(update(CounterRow).where(CounterRow.name == "audit").values(value=position))


def pending(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditQueueRow)) or 0)



# --- when the appender runs ------------------------------------------------------------------------------
# After every commit that appended events: the service's appender thread is nudged (Session.info[ON_APPEND],
# api/audit_appender.py), or, where none runs (the command line, a test client), the events are linked at once
# in a session of their own, so that the log is whole when the command returns.

def _after_commit(session: Session) -> None:
    session.info.pop(RESERVED, None)
    if not session.info.pop(APPENDED, False):
        return
    nudge = session.info.get(ON_APPEND)
    if nudge is not None:
        nudge()
        return
    try:
        with Session(session.get_bind(), info=dict(session.info)) as own:
            drain(own)
    except Exception:  # the events are committed and queued: the next drain links them
        log.exception("gongkai: linking audit events failed; they stay queued for the next drain")


def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(APPENDED, None)
    session.info.pop(RESERVED, None)  # numbers taken in a rolled-back transaction: a harmless gap


event.listen(Session, "after_commit", _after_commit)
event.listen(Session, "after_soft_rollback", _after_rollback)
