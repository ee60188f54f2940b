"""One pass over the audit log in chain order, for the verification (verify.py).

The chain has two parts: the events written before 0011, each chained in place (seq 1..N, `prev_hash` the one
before), then the links the appender wrote (audit_link, positions N+1.., each naming its event); events not yet
linked wait in audit_queue. The walk checks every event's own hash and MAC wherever it is, every link, that
positions follow each other, and that every event since 0011 is linked or queued. It stops at the first break in
the chain (what follows cannot be trusted); problems outside the chain (an unlinked event) are listed.
"""

from __future__ import annotations

import hmac
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit.chain import GENESIS, LINKED, event_hash, event_mac, link_hash, link_mac
from models.tables import AuditEventRow, AuditLinkRow, AuditQueueRow


class Walk:
    def __init__(self, key: bytes, keyed_from: int | None, remember: int | None, wrong_key_possible: bool) -> None:
        self.key, self.expected_keyed_from, self.remember = key, keyed_from, remember
        self.wrong_key_possible = wrong_key_possible
        self.count = self.legacy = self.head = self.pending = 0
        self.head_hash = GENESIS
        self.keyed_from: int | None = None
        self.broken_at: int | None = None
        self.problem: str | None = None
        self.outside: list[str] = []  # problems of events outside the chain (not linked, not queued)
        self.remembered_hash: str | None = None
        # (table, id) -> (seq, digest, item_id, action, version): what each event recorded
        self.covers: dict[tuple[str, int], tuple[int, str, int | None, str, Any]] = {}

    def _break(self, position: int, problem: str) -> None:
        self.broken_at, self.problem = position, problem

    def run(self, session: Session) -> None:
        self._in_place(session)
        if self.broken_at is None:
            self._links(session)
        if self.broken_at is None:
            self._unlinked(session)

    # --- before 0011: chained in place ---------------------------------------------------------------

    def _in_place(self, session: Session) -> None:
        expected_seq, prev = 1, GENESIS
        query = select(AuditEventRow).where(AuditEventRow.prev_hash != LINKED).order_by(AuditEventRow.seq)
        for row in _stream(session, query):
            self.count += 1
            if row.seq != expected_seq:
                return self._break(expected_seq, f"event {expected_seq} is missing (next is {row.seq})")
            if row.prev_hash != prev:
                return self._break(row.seq, f"event {row.seq} does not link to event {row.seq - 1}")
            if not self._event_holds(row, row.seq) or not self._keyed(row):
                return
            self._reached(row.seq, row.hash)
            prev, expected_seq = row.hash, expected_seq + 1

    def _keyed(self, row: AuditEventRow) -> bool:
        """The event's MAC holds, or it predates the keyed chain; False (and the break) otherwise."""
        if row.mac is None:
            start = self.keyed_from or (self.expected_keyed_from if self.expected_keyed_from is not None
                                        and row.seq >= self.expected_keyed_from else None)
            if start is not None:
                self._break(row.seq, f"event {row.seq} has no MAC, though the keyed chain starts at event {start}: "
                                     f"the chain was rewritten from event {row.seq}")
                return False
            self.legacy += 1
            return True
        if self.keyed_from is None:
            self.keyed_from = row.seq
        return self._mac_holds(row, row.seq, first=self.keyed_from == row.seq)

    # --- since 0011: linked by the appender ----------------------------------------------------------

    def _links(self, session: Session) -> None:
        position, prev = self.head, self.head_hash
        query = (select(AuditLinkRow, AuditEventRow).outerjoin(AuditEventRow, AuditEventRow.seq == AuditLinkRow.event_seq)
                 .order_by(AuditLinkRow.position))
        for link, row in _stream(session, query, scalars=False):
            position += 1
            if link.position != position:
                return self._break(position, f"the chain's link {position} is missing (next is {link.position}): "
                                             "events were removed from the chain")
            if row is None:
                return self._break(position, f"event {link.event_seq} is missing (it was linked at chain position "
                                             f"{position})")
            self.count += 1
            if self.keyed_from is None:
                self.keyed_from = position
            if not self._event_holds(row, position) or not self._mac_holds(row, position, first=False):
                return
            if link.prev_hash != prev or link.hash != link_hash(position, link.event_seq, row.hash, link.prev_hash):
                return self._break(position, f"the chain's link {position} (event {link.event_seq}) was changed "
                                             "or does not follow the one before it")
            if not hmac.compare_digest(link.mac, link_mac(self.key, position, link.hash)):
                return self._break(position, f"the chain's link {position}'s MAC does not match: the chain was "
                                             f"rewritten from position {position}")
            self._reached(position, link.hash)
            prev = link.hash

    def _unlinked(self, session: Session) -> None:
        """Events written since 0011 and not linked: each must be queued (the appender has not reached it yet)."""
        linked = select(AuditLinkRow.event_seq)
        queued = set(session.scalars(select(AuditQueueRow.event_seq)))
        query = (select(AuditEventRow).where(AuditEventRow.prev_hash == LINKED, AuditEventRow.seq.not_in(linked))
                 .order_by(AuditEventRow.seq))
        for row in _stream(session, query):
            self.count += 1
            queued_here = row.seq in queued
            queued.discard(row.seq)
            if row.hash != _own_hash(row):
                self.outside.append(f"event {row.seq} was changed after it was written (it is not linked yet)")
            elif row.mac is None or not hmac.compare_digest(row.mac, event_mac(self.key, row.seq, row.hash)):
                self.outside.append(f"event {row.seq}'s MAC does not match: it was rewritten (it is not linked yet)")
            elif not queued_here:
                self.outside.append(f"event {row.seq} is in no chain: it was never linked and is not queued "
                                    "(its queue row or its link was removed)")
            else:
                self.pending += 1
                self._note_covers(row)
        for seq in sorted(queued):
            self.outside.append(f"event {seq} was removed before it was linked into the chain (it is still queued)")

    # --- shared ------------------------------------------------------------------------------------------

    def _event_holds(self, row: AuditEventRow, position: int) -> bool:
        if _own_hash(row) != row.hash:
            self._break(position, f"event {row.seq} was changed after it was written")
            return False
        return True

    def _mac_holds(self, row: AuditEventRow, position: int, first: bool) -> bool:
        if row.mac is not None and hmac.compare_digest(row.mac, event_mac(self.key, row.seq, row.hash)):
            self._note_covers(row)
            return True
        if row.mac is None:
            problem = (f"event {row.seq} has no MAC, though the keyed chain starts at position {self.keyed_from}: "
                       f"the chain was rewritten from event {row.seq}")
        else:
            also = " (or the key given is not the one the log was written with)" \
                if first and self.wrong_key_possible else ""
            problem = f"event {row.seq}'s MAC does not match: the chain was rewritten from event {row.seq}{also}"
        self._break(position, problem)
        return False

    def _note_covers(self, row: AuditEventRow) -> None:
        if row.mac is not None and isinstance(row.covers, dict):  # only what a MAC vouches for
            version = row.after.get("version") if isinstance(row.after, dict) else None
            self.covers[(row.covers["table"], int(row.covers["id"]))] = (
                row.seq, row.covers["sha256"], row.item_id, row.action, version)

    def _reached(self, position: int, hash_: str) -> None:
        if position == self.remember:
            self.remembered_hash = hash_
        self.head, self.head_hash = position, hash_


def _own_hash(row: AuditEventRow) -> str:
    return event_hash(row.seq, row.at, row.actor, row.role, row.action, row.item_id, row.before, row.after,
                      row.prev_hash, row.covers)


def _stream(session: Session, query: Any, scalars: bool = True) -> Iterator[Any]:
    # yield_per streams (a server-side cursor on PostgreSQL): close it even when stopping early.
    with session.execute(query.execution_options(yield_per=1000)) as rows:
        yield from (rows.scalars() if scalars else rows)
