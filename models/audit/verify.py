"""Verifying the audit log (`gongkai audit verify`): walk the chain of models/audit/chain.py in order
and name every problem found; what stays undetectable is listed in chain.py's docstring."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.audit.chain import COVERED, GENESIS, _mac, checkpoint_mac, key_id, origin_mac, row_digest
from models.audit.walk import Walk
from models.base import utc_now
from models.session import AUDIT_KEY
from models.tables import AuditCheckpointRow, CounterRow, ItemVersionRow, ReviewRow


@dataclass(frozen=True)
class ExternalCheckpoint:
    """A checkpoint kept outside the database (`gongkai audit checkpoint --out FILE`)."""

    seq: int
    hash: str
    keyed_from: int | None
    written_at: str
    key_id: str
    mac: str

    @classmethod
    def make(cls, key: bytes, seq: int, hash_: str, keyed_from: int | None) -> "ExternalCheckpoint":
        written_at = utc_now().isoformat()
        return cls(seq, hash_, keyed_from, written_at, key_id(key),
                   _mac(key, "external", seq, hash_, keyed_from, written_at))

    def valid(self, key: bytes) -> bool:
        expected = _mac(key, "external", self.seq, self.hash, self.keyed_from, self.written_at)
        return hmac.compare_digest(self.mac, expected)

    def to_json(self) -> dict[str, Any]:
        return {"gongkai_audit_checkpoint": 1, "seq": self.seq, "hash": self.hash, "keyed_from": self.keyed_from,
                "written_at": self.written_at, "key_id": self.key_id, "mac": self.mac}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ExternalCheckpoint":
        """Raises ValueError on anything but a checkpoint file."""
        if not isinstance(data, Mapping) or data.get("gongkai_audit_checkpoint") != 1:
            raise ValueError("not a gongkai audit checkpoint (written by `gongkai audit checkpoint --out FILE`)")
        try:
            keyed_from = data["keyed_from"]
            return cls(int(data["seq"]), str(data["hash"]), None if keyed_from is None else int(keyed_from),
                       str(data["written_at"]), str(data["key_id"]), str(data["mac"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"the checkpoint file lacks or mangles {exc}") from None


@dataclass(frozen=True)
class ChainReport:
    events: int
    broken_at: int | None = None  # chain position of the first event or link whose hash or MAC does not hold
    problems: tuple[str, ...] = ()
    legacy: int = 0  # events written before the keyed chain (checked by their SHA-256 links only)
    head: int = 0  # the chain's last position (before 0011 an event's seq, since then a link's position)
    head_hash: str = GENESIS
    keyed_from: int | None = None  # the first chain position with a MAC
    covered: Mapping[str, int] = field(default_factory=dict)  # rows matched to their events' digests
    pending: int = 0  # events committed, checked by their own hash and MAC, not yet linked by the appender

    @property
    def problem(self) -> str | None:
        return self.problems[0] if self.problems else None

    @property
    def intact(self) -> bool:
        return not self.problems


_FROM_SESSION: Any = object()


def verify_chain(session: Session, key: bytes | None = _FROM_SESSION,
                 against: ExternalCheckpoint | None = None) -> ChainReport:
    """Walk the whole log in order: every link, hash and MAC, then the checkpoint, the counter, the
    rows the events cover and, when given, a checkpoint kept outside the database. One snapshot
    (REPEATABLE READ on PostgreSQL), so appends made meanwhile are not mistaken for tampering."""
    key = session.info.get(AUDIT_KEY) if key is _FROM_SESSION else key
    if not key:
        return ChainReport(0, problems=("no audit key, so the log's MACs cannot be checked: set "
                                        "GONGKAI_AUDIT_KEY_FILE (or GONGKAI_AUDIT_KEY) to the key the service "
                                        "writes with",))
    if session.in_transaction():
        session.rollback()
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    try:
        return _verify(session, bytes(key), against)
    finally:
        session.rollback()


def _verify(session: Session, key: bytes, against: ExternalCheckpoint | None) -> ChainReport:
    checkpoint = session.scalars(select(AuditCheckpointRow).where(AuditCheckpointRow.id == 1)).first()
    if checkpoint is not None and checkpoint.key_id != key_id(key):
        return ChainReport(0, problems=(
            f"wrong audit key: this log was written with key {checkpoint.key_id}, the key given is {key_id(key)} "
            "(set GONGKAI_AUDIT_KEY_FILE or GONGKAI_AUDIT_KEY to the service's key; if it is the right one, "
            "the checkpoint was altered)",))
    origin = checkpoint.origin if checkpoint is not None and hmac.compare_digest(
        checkpoint.origin_mac, origin_mac(key, checkpoint.key_id, checkpoint.origin)) else None
    walk = Walk(key, origin["event"] if origin else None, against.seq if against else None,
                 wrong_key_possible=checkpoint is None)
    walk.run(session)
    if walk.broken_at is not None:
        return ChainReport(walk.count, walk.broken_at, (walk.problem or "",), walk.legacy)
    problems = walk.outside + _head_problems(session, walk, checkpoint, origin, key)
    if against is not None:
        problems += _against_problems(walk, against, key)
    covered: dict[str, int] = {}
    if origin is not None or walk.keyed_from is not None:
        for table in COVERED:
            covered[table], found = _covered_problems(session, walk, table, origin.get(table) if origin else None)
            problems += found
    return ChainReport(walk.count, None, tuple(problems), walk.legacy, walk.head, walk.head_hash, walk.keyed_from,
                       covered, walk.pending)


def _head_problems(session: Session, walk: Walk, checkpoint: AuditCheckpointRow | None,
                   origin: Mapping[str, Any] | None, key: bytes) -> list[str]:
    """Where the log ends, against the checkpoint and the "audit" counter."""
    problems = []
    ends = f"the chain ends at position {walk.head}" if walk.head else "the log is empty"
    if checkpoint is None:
        if walk.keyed_from is not None:
            problems.append(f"the checkpoint is missing, though positions {walk.keyed_from}-{walk.head} of the chain carry MACs: "
                            "it was deleted, and the end of the log cannot be confirmed")
    elif origin is None:
        problems.append("the checkpoint's origin (where the keyed log starts) does not match its MAC: it was altered")
    elif not hmac.compare_digest(checkpoint.mac, checkpoint_mac(key, checkpoint.seq, checkpoint.hash, checkpoint.at)):
        problems.append("the checkpoint does not match its MAC: it was altered")
    else:
        if checkpoint.seq > walk.head:
            problems.append(f"{ends} but the checkpoint says it reached position {checkpoint.seq}: "
                            f"the events at positions {walk.head + 1}-{checkpoint.seq} were removed")
        elif checkpoint.seq < walk.head:
            problems.append(f"the chain goes on to position {walk.head} but the checkpoint names position "
                            f"{checkpoint.seq}: an older checkpoint was put back")
        elif checkpoint.hash != walk.head_hash:
            problems.append(f"position {walk.head} is not what the checkpoint names: the chain's end was replaced")
        if origin["event"] != walk.keyed_from:
            problems.append(f"the keyed chain starts at position {walk.keyed_from} but the checkpoint says "
                            f"position {origin['event']}")
    counter = session.scalar(select(CounterRow.value).where(CounterRow.name == "audit")) or 0
    if counter > walk.head:
        problems.append(f"{ends} but the audit counter says the chain reached {counter}: "
                        f"the events at positions {walk.head + 1}-{counter} were removed")
    elif counter < walk.head:
        problems.append(f"the chain goes on to position {walk.head} but the audit counter is at {counter}: "
                        "it was set back")
    return problems


def _against_problems(walk: Walk, against: ExternalCheckpoint, key: bytes) -> list[str]:
    """The log against a checkpoint kept outside the database (replay-proof)."""
    if against.key_id != key_id(key) or not against.valid(key):
        return [f"the checkpoint file (written {against.written_at}) does not match the key: it was made with "
                "another key, or altered"]
    problems = []
    if against.seq > walk.head:
        ends = f"the chain ends at position {walk.head}" if walk.head else "the log is empty"
        problems.append(f"{ends} but the checkpoint file (written {against.written_at}) says it reached position "
                        f"{against.seq}: the events at positions {walk.head + 1}-{against.seq} were removed")
    elif against.seq and walk.remembered_hash != against.hash:
        problems.append(f"position {against.seq} is not what the checkpoint file (written {against.written_at}) "
                        f"recorded: the chain was rewritten at or before position {against.seq}")
    if against.keyed_from is not None and (walk.keyed_from is None or walk.keyed_from > against.keyed_from):
        problems.append(f"the keyed chain started at position {against.keyed_from} when the checkpoint file was "
                        f"written, but now {'starts at position ' + str(walk.keyed_from) if walk.keyed_from else 'no event has a MAC'}"
                        ": MACs were removed and the log rewritten")
    return problems


def _describe(table: str, item_id: Any, what: Any, row_id: int) -> str:
    if table == "review":
        return f"review {row_id} (item {item_id}, {what})"
    return f"document version {row_id} (item {item_id}, version {what})" if what is not None \
        else f"document version {row_id} (item {item_id})"


def _covered_problems(session: Session, walk: Walk, table: str, origin: Mapping[str, Any] | None
                      ) -> tuple[int, list[str]]:
    """Each row of `table` against the digest its event recorded: edited, deleted, or never recorded
    (from the first row the keyed log covers); and the rows before that, counted against the origin."""
    row_class: type[ReviewRow] | type[ItemVersionRow] = COVERED[table][0]
    recorded = {row_id: entry for (name, row_id), entry in walk.covers.items() if name == table}
    first = int(origin["first"]) if origin else None
    lows = [i for i in (first, min(recorded, default=None)) if i is not None]
    problems, matched, covered_below_first = [], 0, 0
    if lows:
        query = (select(row_class).where(row_class.id >= min(lows)).order_by(row_class.id)
                 .execution_options(yield_per=500))
        with session.execute(query) as rows:
            for row in cast("Iterator[ReviewRow | ItemVersionRow]", rows.scalars()):
                entry = recorded.pop(row.id, None)
                if entry is not None:
                    covered_below_first += first is not None and row.id < first
                    if row_digest(row)["sha256"] == entry[1]:
                        matched += 1
                    else:
                        problems.append(f"{_describe(table, entry[2], _what(table, entry), row.id)} differs from "
                                        f"what the audit log recorded at event {entry[0]}")
                elif first is not None and row.id >= first:
                    what = row.stage if isinstance(row, ReviewRow) else row.number
                    problems.append(f"{_describe(table, row.item_id, what, row.id)} has no audit event: it was "
                                    "written outside the service, or the events that recorded it were removed")
    for row_id, entry in sorted(recorded.items()):
        problems.append(f"{_describe(table, entry[2], _what(table, entry), row_id)} was deleted: the audit log "
                        f"recorded it at event {entry[0]}")
    if origin is not None:
        # Rows below the first covered one were written before the key (bar a push that raced the
        # first keyed append, which its own event covers): their content is not covered, their number is.
        below = session.scalar(select(func.count()).select_from(row_class).where(row_class.id < first)) or 0
        if below - covered_below_first != origin["before"]:
            noun = "reviews" if table == "review" else "document versions"
            problems.append(f"{origin['before']} {noun} predate the keyed chain but {below - covered_below_first} "
                            f"are there now: {noun} numbered below {first} were added or deleted")
    return matched, problems


def _what(table: str, entry: tuple[int, str, int | None, str, Any]) -> Any:
    return entry[3] if table == "review" else entry[4]
