"""An archive cut into partitions any worker can read on its own: a JSONL file as byte ranges that
start and end at line starts, a Parquet file as row groups.

A partition is a few numbers (path, kind, start, end), so the client plans millions of documents
without reading them: it samples the head of each JSONL file for the bytes a document takes, steps
through the file by that many bytes a partition and moves each cut to the next line start (one seek
and one readline each). The cuts depend only on the file's bytes and the partition size, so the same
archive is cut the same way on every run: what resuming relies on (api/backfill/ledger.py).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

JSONL, PARQUET = "jsonl", "parquet"
SAMPLE_BYTES = 1 << 20  # the head of a JSONL file read to estimate a document's size


class ArchiveError(ValueError):
    """An archive file cannot be read as documents: the message names the file (and the place)."""


@dataclass(frozen=True)
class Partition:
    """Documents `start` to `end` of one file: byte offsets (JSONL, lines starting in [start, end)) or
    row group numbers (Parquet, [start, end))."""

    path: str  # absolute, as every worker sees the archive (a path shared by all the nodes)
    kind: str
    start: int
    end: int

    @property
    def key(self) -> str:
        """Its name in the ledger and in the scheduler: stable from run to run."""
        return f"{self.path}:{self.kind}:{self.start}-{self.end}"


@dataclass(frozen=True)
class Line:
    """One document read from a partition, with where it was (for an error that names its place)."""

    where: str
    record: dict[str, Any] | None
    problem: str | None = None


def kind_of(path: Path) -> str:
    if path.suffix == ".parquet":
        return PARQUET
    if path.suffix in (".jsonl", ".ndjson", ".json"):
        return JSONL
    raise ArchiveError(f"{path}: not an archive file (give .jsonl, .ndjson or .parquet files)")


def plan(paths: Sequence[Path], docs_per_partition: int) -> Iterator[Partition]:
    """The partitions of every file, in order, made lazily (nothing of the documents is kept)."""
    if docs_per_partition < 1:
        raise ArchiveError(f"partitions need at least one document each, not {docs_per_partition}")
    for given in paths:
        path = given.resolve()
        if not path.is_file():
            raise ArchiveError(f"{given}: no such file")
        if kind_of(path) == PARQUET:
            yield from _parquet_partitions(path)
        else:
            yield from _jsonl_partitions(path, docs_per_partition)


def _jsonl_partitions(path: Path, docs_per_partition: int) -> Iterator[Partition]:
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("rb") as f:
        head = f.read(SAMPLE_BYTES)
        lines = head.count(b"\n") or 1  # a head without a newline is one (long) line
        step = max(1, len(head) // lines * docs_per_partition)
        start = 0
        while start < size:
            f.seek(min(start + step, size))
            if start + step < size:
                f.readline()  # the rest of the line the cut fell in belongs to this partition
            end = min(f.tell(), size)
            yield Partition(str(path), JSONL, start, end)
            start = end


def _parquet_partitions(path: Path) -> Iterator[Partition]:
    import pyarrow.parquet as pq

    try:
        groups = pq.ParquetFile(path).metadata.num_row_groups
    except Exception as exc:  # pyarrow raises its own ArrowInvalid/OSError family for a broken file
        raise ArchiveError(f"{path}: not a readable Parquet file ({exc})") from None
    for group in range(groups):
        yield Partition(str(path), PARQUET, group, group + 1)


def read(partition: Partition) -> Iterator[Line]:
    """The partition's documents, one at a time; a line that is not a JSON object comes back with its
    problem (the backfill counts it and goes on) instead of stopping millions of documents for one."""
    if partition.kind == PARQUET:
        yield from _read_parquet(partition)
        return
    with open(partition.path, "rb") as f:
        f.seek(partition.start)
        offset = partition.start
        while offset < partition.end:
            raw = f.readline()
            if not raw:
                break
            where = f"{partition.path}: byte {offset}"
            offset += len(raw)
            if raw.strip():
                yield _parsed(where, raw)


def _parsed(where: str, raw: bytes) -> Line:
    try:
        record = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Line(where, None, f"not JSON ({exc})")
    if not isinstance(record, dict):
        return Line(where, None, f"a JSON {type(record).__name__}, not an object with a document's fields")
    return Line(where, record)


def _read_parquet(partition: Partition) -> Iterator[Line]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(partition.path)
    for group in range(partition.start, partition.end):
        for row, record in enumerate(parquet.read_row_group(group).to_pylist()):
            yield Line(f"{partition.path}: row group {group}, row {row}", record)


def archive_identity(paths: Sequence[Path]) -> str:
    """What names the archive for resuming: each file's absolute path, size and modification time (a file
    rewritten in place is another archive; its parts are done again, harmlessly: the store is idempotent)."""
    parts = []
    for given in paths:
        path = given.resolve()
        stat = os.stat(path)
        parts.append(f"{path}|{stat.st_size}|{stat.st_mtime_ns}")
    return "\n".join(parts)
