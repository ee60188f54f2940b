"""The audit log: every action (who, when, what, before and after), chained by SHA-256 hashes.

Each event's hash covers its own content and the previous event's hash, so changing, removing or
reordering any event breaks every link after it; `verify_chain` names the first broken one.
Appends are serialised by the "audit" counter's row lock, so the chain stays one line under
concurrent requests on PostgreSQL too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import utc_now
from models.counters import next_value
from models.tables import AuditEventRow

GENESIS = "0" * 64


def event_hash(seq: int, at: dt.datetime, actor: str, role: str, action: str, item_id: int | None,
               before: Any, after: Any, prev_hash: str) -> str:
    content = {"seq": seq, "at": at.astimezone(dt.timezone.utc).isoformat(), "actor": actor, "role": role,
               "action": action, "item_id": item_id, "before": before, "after": after, "prev": prev_hash}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(session: Session, *, actor: str, role: str, action: str, item_id: int | None = None,
           before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> AuditEventRow:
    """Append one event in the caller's transaction (the caller commits)."""
    seq = next_value(session, "audit")
    prev = GENESIS if seq == 1 else session.scalar(select(AuditEventRow.hash).where(AuditEventRow.seq == seq - 1))
    at = utc_now()
    before_v = json.loads(json.dumps(before, ensure_ascii=False, default=str)) if before is not None else None
    after_v = json.loads(json.dumps(after, ensure_ascii=False, default=str)) if after is not None else None
    row = AuditEventRow(seq=seq, at=at, actor=actor, role=role, action=action, item_id=item_id,
                        before=before_v, after=after_v, prev_hash=prev or GENESIS,
                        hash=event_hash(seq, at, actor, role, action, item_id, before_v, after_v, prev or GENESIS))
    session.add(row)
    return row


@dataclass(frozen=True)
class ChainReport:
    events: int
    broken_at: int | None = None  # seq of the first event whose link does not hold
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain(session: Session) -> ChainReport:
    """Walk the whole log in order and recompute every hash."""
    expected_seq, prev, count = 1, GENESIS, 0
    # yield_per streams (a server-side cursor on PostgreSQL): close it even when stopping early.
    with session.execute(select(AuditEventRow).order_by(AuditEventRow.seq).execution_options(yield_per=1000)) as rows:
        for row in rows.scalars():
            count += 1
            if row.seq != expected_seq:
                return ChainReport(count, expected_seq, f"event {expected_seq} is missing (next is {row.seq})")
            if row.prev_hash != prev:
                return ChainReport(count, row.seq, f"event {row.seq} does not link to event {row.seq - 1}")
            computed = event_hash(row.seq, row.at, row.actor, row.role, row.action, row.item_id,
                                  row.before, row.after, row.prev_hash)
            if computed != row.hash:
                return ChainReport(count, row.seq, f"event {row.seq} was changed after it was written")
            prev, expected_seq = row.hash, expected_seq + 1
    return ChainReport(count)
