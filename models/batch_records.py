"""Runs of the bulk import and of the backfill (issue 20), and their parts: what makes them resumable.

A run is one pass over one source (a JSONL or Parquet file for `gongkai import`, a selection of
items for the backfill); it is cut into parts (a batch of lines or row-group rows, a partition of
the backfill), each stored in one transaction (api/items/bulk.store_batch) and then marked done here
in a transaction of its own. A run started again over the same source (same identity) resumes: a
part marked done is skipped without being suggested again; a part written but not yet marked is
simply redone, which store_batch makes harmless (the same documents again are "unchanged").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Json, UtcDateTime, utc_now

RUN_KINDS = ("import", "backfill")


class BatchRunRow(Base):
    """One import or backfill: its source, who ran it, when, how it was cut and what it did in all."""

    __tablename__ = "batch_run"
    __table_args__ = (CheckConstraint(f"kind IN ({', '.join(repr(k) for k in RUN_KINDS)})", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(500))  # the file's name, or what the backfill selected
    # What makes "the same source": the file's SHA-256, or "size:<bytes>:mtime:<ns>" where hashing costs too much.
    identity: Mapped[str] = mapped_column(String(100), index=True)
    size: Mapped[int | None] = mapped_column(BigInteger)
    origin: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(100))
    # Documents per part: a resumed run cuts its source the same way, whatever its own --batch says.
    part_size: Mapped[int] = mapped_column(Integer)
    options: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    counts: Mapped[dict[str, Any] | None] = mapped_column(Json)  # the parts' summed, when finished


class BatchPartRow(Base):
    """One part of a run, written once when its documents are stored (committed after them)."""

    __tablename__ = "batch_part"
    __table_args__ = (UniqueConstraint("run_id", "part"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("batch_run.id"), index=True)
    part: Mapped[int] = mapped_column(Integer)
    first: Mapped[int] = mapped_column(Integer)  # its first line (JSONL, from 1), row (Parquet, from 0) or key
    count: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, Any]] = mapped_column(Json)
    done_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
