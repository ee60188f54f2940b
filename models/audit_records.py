"""The audit chain's links and its queue (issue 20: pushes that do not queue behind one lock).

Until 0011 every append took the "audit" counter's row lock to learn its place in the chain and the previous
event's hash, and held it to commit: on PostgreSQL every write transaction queued behind every other (~44
pushes/s from 4 to 8 clients). Now an append writes only its own event (numbered from a sequence, no lock) with
the event's own hash and MAC, and a row in `audit_queue`; a single appender (models/audit/appender.py, one at a
time under an advisory lock) links committed events into the chain in the order it finds them committed, in
batches, and moves the checkpoint. Verification walks the links (models/audit/verify.py).
"""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class AuditLinkRow(Base):
    """One place in the chain (append-only, guarded by triggers): the event at this position, the previous
    link's hash, this link's hash over (position, event, the event's own hash, previous) and its MAC."""

    __tablename__ = "audit_link"

    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_seq: Mapped[int] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    mac: Mapped[str] = mapped_column(String(64))


class AuditQueueRow(Base):
    """An event committed but not yet linked; the appender deletes the row when it links the event. Removing
    a queued event (or its row here) is named by the verification: every event written since 0011 must be
    linked or queued."""

    __tablename__ = "audit_queue"

    event_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
