"""The audit log: every action (who, when, what, before and after), chained by SHA-256 hashes and
keyed by HMAC-SHA256 with a key kept outside the database (api/audit_key.py).

What each append writes, in the caller's transaction, without waiting for any other transaction (since 0011;
before, every append took the "audit" counter's row lock to its commit, so writes ran one at a time):

- the event, numbered from a sequence, whose `hash` covers its content and, for a review or a document version,
  `covers`: the SHA-256 digest of that row (so the review table is covered too); its `prev_hash` is LINKED;
- a row in audit_queue. The single appender (models/audit/appender.py) links queued events into the chain in
  the order it finds them committed: per event an audit_link row (position, previous link's hash, hash, MAC),
  then the checkpoint and the "audit" counter once per batch. Events written before 0011 are chained in place
  (`prev_hash` is the previous event's hash); the links continue from the last of them.
- `mac` = HMAC(key, "event", seq, hash) on every event and HMAC(key, "link", position, hash) on every link:
  without the key nobody can recompute the chain from any event onward, as anyone can with SHA-256 alone;
- the one-row checkpoint (audit_checkpoint), moved by the appender: the head's position, hash and time with
  HMAC(key, "checkpoint", position, hash, at), one small UPDATE per batch. It says where the log must end, which the
  events themselves cannot: without it, deleting the last events leaves a shorter log that verifies.
  The first keyed batch also writes the checkpoint's `origin`, once and with its own MAC: the first
  keyed position, the first review and document version the log covers, and how many came before.

`verify_chain` walks the log and names what it finds: a changed or missing event, a rewrite from
event N (its MAC does not match), a cut tail (the checkpoint or the counter says more), a review or
version that was edited, deleted or written without its event, a wrong or missing key. Events and
rows written before the key existed (a database upgraded from an earlier version) still verify by
their SHA-256 chain and are counted as predating the keyed chain.

What remains undetectable to someone with full SQL access but without the key:
- Replaying an older checkpoint row (copied earlier) after deleting the events after it, resetting
  the "audit" counter, and deleting every review and document version written since (and undoing
  their effect on the items): the database then holds a consistent earlier state. Only a checkpoint
  kept outside the database catches this: `gongkai audit checkpoint --out FILE` and
  `gongkai audit verify --against FILE`.
- Making the whole log look as if it predated the key: deleting the checkpoint and every MAC, then
  rewriting with SHA-256. The verification then reports every event as predating the keyed chain
  (and says how many); an external checkpoint file, or an operator who knows the log was keyed,
  catches it.
- Changing rows the log does not cover by digest: an item's current state (its decisions are in the
  events' before and after, not cross-checked), feed entries, tokens, counters other than "audit",
  and the content of reviews and versions written before the key existed.
- An event deleted together with its queue row between its commit and its link (milliseconds while the
  service runs): see models/audit/appender.py. A review or version it covered is still named.
- Anything done with the key: whoever holds it (the service account, every worker) can write a
  valid log. Hence the key lives only where the service runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any, Mapping

from sqlalchemy import text
from sqlalchemy.orm import Session

from models.base import utc_now
from models.counters import next_value, next_values
from models.session import AUDIT_KEY, AUDIT_ON_APPEND
from models.tables import AuditEventRow, AuditQueueRow, ItemVersionRow, ReviewRow

GENESIS = "0" * 64

# The rows an event can record by digest, and the fields of each digest. A released list never
# changes (the digests already stored would stop matching); a new field needs a new table key.
COVERED: dict[str, tuple[type[ReviewRow] | type[ItemVersionRow], tuple[str, ...]]] = {
    "review": (ReviewRow, ("id", "item_id", "stage", "version_number", "actor", "role", "suggested", "decided",
                           "changed", "reason", "leader_instruction", "at")),
    "item_version": (ItemVersionRow, ("id", "item_id", "number", "content_hash", "document", "suggestion",
                                      "ruleset_revision", "model_id", "received_by", "received_at")),
}


def event_hash(seq: int, at: dt.datetime, actor: str, role: str, action: str, item_id: int | None,
               before: Any, after: Any, prev_hash: str, covers: Mapping[str, Any] | None = None) -> str:
    content = {"seq": seq, "at": at.astimezone(dt.timezone.utc).isoformat(), "actor": actor, "role": role,
               "action": action, "item_id": item_id, "before": before, "after": after, "prev": prev_hash}
    if covers is not None:  # absent from the events written before covers existed: their hashes still hold
        content["covers"] = covers
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the keyed parts -------------------------------------------------------------------------------

def _mac(key: bytes, purpose: str, *parts: object) -> str:
    # The purpose keeps the MACs apart: an event's MAC is never a valid checkpoint MAC, and so on.
    message = purpose + "\x00" + "|".join(str(p) for p in parts)
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A public name of the key (it reveals nothing of it): says "wrong key" rather than "rewritten"."""
    return _mac(key, "key id")[:16]


def event_mac(key: bytes, seq: int, hash_: str) -> str:
    return _mac(key, "event", seq, hash_)


def checkpoint_mac(key: bytes, seq: int, hash_: str, at: dt.datetime) -> str:
    return _mac(key, "checkpoint", seq, hash_, _iso(at))


def origin_mac(key: bytes, key_name: str, origin: Mapping[str, Any]) -> str:
    return _mac(key, "origin", key_name, json.dumps(origin, sort_keys=True, separators=(",", ":")))


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).isoformat()


def _plain(value: Any) -> Any:
    """The value as JSON gives it back from either database: keys as text, numbers as floats (PostgreSQL's
    JSONB writes 1e16 back as 10000000000000000), times as UTC ISO text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.datetime):
        return _iso(value)
    return str(value)


def row_digest(row: ReviewRow | ItemVersionRow) -> dict[str, Any]:
    """What an event records of a review or a document version: {"table", "id", "sha256"}."""
    table = row.__tablename__
    fields = COVERED[table][1]
    content = _plain({"table": table, **{name: getattr(row, name) for name in fields}})
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return {"table": table, "id": row.id, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def _session_key(session: Session) -> bytes:
    key = session.info.get(AUDIT_KEY)
    if not key:
        raise RuntimeError("the audit log is keyed: this session has no audit key (make sessions with "
                           "models.session.make_sessions(engine, audit_key=...); api/audit_key.py)")
    return bytes(key)


# --- appending -------------------------------------------------------------------------------------

# prev_hash of an event written since 0011: its place in the chain is its audit_link row, written by the
# appender (models/audit/appender.py); its hash covers its own content with this in place of the link.
LINKED = "linked"
# Session.info flag: this transaction appended events, so the appender is nudged after it commits.
APPENDED = "audit_appended"
ON_APPEND = AUDIT_ON_APPEND  # Session.info: the service's appender thread, nudged instead of linking in the request


def link_hash(position: int, event_seq: int, event_hash_: str, prev_hash: str) -> str:
    text = json.dumps({"position": position, "event": event_seq, "event_hash": event_hash_, "prev": prev_hash},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link_mac(key: bytes, position: int, hash_: str) -> str:
    return _mac(key, "link", position, hash_)


RESERVED = "audit_reserved"  # Session.info: event numbers taken ahead by reserve() for a batch of appends


def reserve(session: Session, n: int) -> None:
    """Take the numbers of the next `n` events of this transaction in one statement (a bulk import appends an
    event per stored document: one round trip instead of n)."""
    if n <= 0:
        return
    if session.get_bind().dialect.name == "postgresql":
        numbers = [int(v) for v in session.scalars(text("SELECT nextval('audit_event_seq') FROM generate_series(1, :n)"),
                                                   {"n": n})]
    else:
        numbers = list(next_values(session, "audit_event", n))
    session.info.setdefault(RESERVED, []).extend(sorted(numbers, reverse=True))


def _next_seq(session: Session) -> int:
    """The event's number, taken without a lock that lasts to commit: PostgreSQL's sequence (never rolled back,
    so a rolled-back append leaves a gap, which is harmless: the chain's order is the links'); on SQLite a
    counter, whose row is no contention there (one writer holds the database from BEGIN IMMEDIATE anyway)."""
    if reserved := session.info.get(RESERVED):
        return int(reserved.pop())
    if session.get_bind().dialect.name == "postgresql":
        return int(session.scalar(text("SELECT nextval('audit_event_seq')")))
    return next_value(session, "audit_event")


def record(session: Session, *, actor: str, role: str, action: str, item_id: int | None = None,
           before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None,
           covers: ReviewRow | ItemVersionRow | None = None) -> AuditEventRow:
    """Append one event in the caller's transaction (the caller commits).

    The event carries its own hash and MAC, so it cannot be changed unseen from the moment it is committed;
    the appender links it into the chain soon after the commit (a queue row says it is waiting). Nothing here
    waits for another transaction: concurrent requests append side by side.

    `covers`: the review or document version this event records; its digest goes into the event, so
    `verify_chain` notices the row being edited or deleted later. It is flushed first (for its id).
    """
    key = _session_key(session)
    if covers is not None and covers.id is None:
        session.flush()
    seq = _next_seq(session)
    at = utc_now()
    before_v = json.loads(json.dumps(before, ensure_ascii=False, default=str)) if before is not None else None
    after_v = json.loads(json.dumps(after, ensure_ascii=False, default=str)) if after is not None else None
    covers_v = row_digest(covers) if covers is not None else None
    hash_ = event_hash(seq, at, actor, role, action, item_id, before_v, after_v, LINKED, covers_v)
    row = AuditEventRow(seq=seq, at=at, actor=actor, role=role, action=action, item_id=item_id, before=before_v,
                        after=after_v, prev_hash=LINKED, hash=hash_, covers=covers_v, mac=event_mac(key, seq, hash_))
    session.add(row)
    session.add(AuditQueueRow(event_seq=seq))
    session.info[APPENDED] = True
    return row
