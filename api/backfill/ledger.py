"""The backfill's runs and parts in the database (models/batch_records.py): what makes it resumable.

A run is one archive (its files' paths, sizes and modification times) cut at one partition size. The
same archive given again finds its run and is cut the same way (the run's part_size, whatever the new
--partition-docs says), so its parts keep their numbers: a part marked done is skipped, a part a dead
worker left half written is stored again (api/items/bulk.store_batch finds its first batches unchanged).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.backfill.partitions import Partition
from api.items.bulk import BatchCounts
from models.base import utc_now
from models.batch_records import BatchPartRow, BatchRunRow

KIND = "backfill"


@dataclass(frozen=True)
class Run:
    id: int
    part_size: int
    resumed: bool
    done: frozenset[int]  # the parts already marked done


def identity(archive: str, part_size: int) -> str:
    """The run's identity column (100 characters at most): a digest of the archive and how it is cut."""
    return "sha256:" + hashlib.sha256(f"{archive}\n{part_size}".encode()).hexdigest()


def open_run(session: Session, archive: str, source: str, size: int, part_size: int, *, origin: str,
             actor: str, options: dict[str, Any]) -> Run:
    """The latest run of this archive (resumed, however it was cut), or a new one. Commits."""
    found = session.scalars(select(BatchRunRow).where(BatchRunRow.kind == KIND, BatchRunRow.source == source[:500])
                            .order_by(BatchRunRow.id.desc())).all()
    for row in found:
        if row.identity == identity(archive, row.part_size):
            done = frozenset(session.scalars(select(BatchPartRow.part).where(BatchPartRow.run_id == row.id)))
            run = Run(row.id, row.part_size, True, done)
            row.finished_at = None
            session.commit()
            return run
    row = BatchRunRow(kind=KIND, source=source[:500], identity=identity(archive, part_size), size=size,
                      origin=origin, actor=actor, part_size=part_size, options=options)
    session.add(row)
    session.commit()
    return Run(row.id, part_size, False, frozenset())


def is_done(session: Session, run_id: int, part: int) -> bool:
    return session.scalar(select(BatchPartRow.id).where(BatchPartRow.run_id == run_id,
                                                        BatchPartRow.part == part)) is not None


def mark_done(session: Session, run_id: int, part: int, partition: Partition, counts: BatchCounts) -> None:
    """Record the part as stored, in its own transaction (after its documents were committed). A part
    marked already (the same task run twice, its first run's answer lost with its worker) stays as it was."""
    # `first` is a 32-bit column; a JSONL partition's byte offset passes 2**31 in a 3 GB file, so the
    # place goes in the counts and `first` holds the partition's number (its start for Parquet row groups).
    first = partition.start if partition.kind == "parquet" else part
    stored = counts.as_dict() | {"where": {"path": partition.path, "kind": partition.kind,
                                           "start": partition.start, "end": partition.end}}
    session.add(BatchPartRow(run_id=run_id, part=part, first=first, count=counts.documents, counts=stored))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()


def finish(session: Session, run_id: int, parts: int) -> BatchCounts | None:
    """When every part is done: the run's counts summed, and its end recorded. None while parts remain."""
    rows: Sequence[BatchPartRow] = session.scalars(select(BatchPartRow).where(BatchPartRow.run_id == run_id)).all()
    if len(rows) < parts:
        return None
    total = BatchCounts()
    for row in rows:
        total.add(BatchCounts.from_dict(row.counts))
    run = session.get(BatchRunRow, run_id)
    assert run is not None
    run.finished_at = utc_now()
    run.counts = total.as_dict() | {"problems": total.as_dict()["problems"][:100], "parts": parts}
    session.commit()
    return total
