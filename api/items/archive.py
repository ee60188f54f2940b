"""An archive of documents to import (issue 20): a JSONL or Parquet file read in parts, and each part's
documents read, validated as pushes are (api/schemas.DocumentIn) and suggested, in the suggesting processes.

Parts are cut by line (row) numbers, whatever lines are blank, so that a resumed import cuts the file the
same way (models/batch_records.py). `gongkai import` (api/bulk_commands.py) stores what comes back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from pydantic import ValidationError

from api.items.bulk import Suggested
from api.schemas import DocumentIn
from engine.facts.document import content_hashes
from engine.suggest import Suggester
from engine.vocabulary import Origin

SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


@dataclass(frozen=True)
class Part:
    """A part of the source: its number, its first line (row) and its non-empty entries (where, raw), the raw
    a JSONL line's bytes or a Parquet row's dict; what every entry is read as; and `known`: the items already
    stored for its documents that belong to the importing account, as source id -> (current content hash,
    division), so that a document found unchanged is not suggested again (the suggestion is the cost)."""

    number: int
    first: int
    entries: list[tuple[str, Any]]
    origin: str
    division: str | None
    known: dict[str, tuple[str, str | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class Unchanged:
    """A document the workers found unchanged (its current version's hash among its hashes): nothing to store."""

    where: str


class SourceError(Exception):
    """The file cannot be imported at all (unreadable, not Parquet, columns that are not document fields)."""


# -- the source ---------------------------------------------------------------------------------------------

def file_identity(path: Path, kind: str) -> tuple[str, int, int]:
    """The file's SHA-256, its size and its number of lines (JSONL) or rows (Parquet), in one read."""
    digest, lines, size = hashlib.sha256(), 0, 0
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
                lines += chunk.count(b"\n")
                size += len(chunk)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror}") from None
    if kind == "parquet":
        lines = parquet_source(path).metadata.num_rows
    return digest.hexdigest(), size, lines


def parquet_source(path: Path) -> Any:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    try:
        source = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow's errors are ArrowInvalid, OSError …: all mean "not a Parquet file"
        raise SourceError(f"{path} cannot be read as Parquet: {exc}") from None
    unknown = [name for name in source.schema_arrow.names if name not in DocumentIn.model_fields]
    if unknown:
        raise SourceError(f"{path} has columns that are not fields of a document: {', '.join(unknown)} "
                          f"(the fields: {', '.join(DocumentIn.model_fields)})")
    return source


def read_parts(path: Path, kind: str, size: int, origin: str, division: str | None,
               skip: set[int] | frozenset[int] = frozenset()) -> Iterator[Part]:
    """The source in parts of `size` lines (rows), numbered from 0, without the parts in `skip`."""
    entries = _jsonl_entries(path) if kind == "jsonl" else _parquet_entries(path)
    number = 0
    current: list[tuple[str, Any]] = []
    for position, where, raw in entries:
        while position >= (number + 1) * size:  # this entry belongs to a later part
            if number not in skip:
                yield Part(number, number * size + 1, current, origin, division)
            number, current = number + 1, []
        if raw is not None:
            current.append((where, raw))
    if current and number not in skip:
        yield Part(number, number * size + 1, current, origin, division)


def _jsonl_entries(path: Path) -> Iterator[tuple[int, str, Any]]:
    """(position from 0, "line N", the line's bytes or None when blank): every line, so that parts are cut
    by line numbers whatever lines are blank."""
    with path.open("rb") as stream:
        for position, raw in enumerate(stream):
            yield position, f"line {position + 1}", raw if raw.strip() else None


def _parquet_entries(path: Path) -> Iterator[tuple[int, str, Any]]:
    """(position from 0, "row N" from 1, the row as a dict without its nulls), a row group at a time."""
    source = parquet_source(path)
    position = 0
    for group in range(source.num_row_groups):
        for row in source.read_row_group(group).to_pylist():
            yield position, f"row {position + 1}", {k: v for k, v in row.items() if v is not None}
            position += 1


# -- in the suggesting processes ------------------------------------------------------------------------------

Result = Suggested | Unchanged | tuple[str, str]


def suggest_parts(suggester: Suggester, parts: Sequence[Part]) -> list[list[Result]]:
    """Each part's entries read, validated as a push is, and suggested: a Suggested, Unchanged (the account's
    item holds this very content: what store_batch would find), or (where, why not). Runs in the workers
    (engine/batch.map_chunks), so that the importing process only stores."""
    from engine.facts.document import document_from_record

    out: list[list[Result]] = []
    for part in parts:
        results: list[Result] = []
        for where, raw in part.entries:
            doc = _document(raw, part.division)
            if isinstance(doc, str):
                results.append((where, doc))
                continue
            record = doc.record(Origin(part.origin))
            hashes = content_hashes(record)
            stored = part.known.get(record["id"])
            if stored is not None and stored[0] in hashes and (record.get("division") or None) == (stored[1] or None):
                results.append(Unchanged(where))
                continue
            suggestion = suggester.suggest(document_from_record(record))
            results.append(Suggested(record, suggestion, hashes, doc.closed_on, where))
        out.append(results)
    return out


def source_id(raw: Any) -> str | None:
    if isinstance(raw, bytes):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    found = raw.get("id") if isinstance(raw, dict) else None
    return found if isinstance(found, str) else None


def _document(raw: Any, division: str | None) -> DocumentIn | str:
    """The entry as a push's document, or why it is not one."""
    if isinstance(raw, bytes):
        try:
            raw = json.loads(raw)
        except ValueError as exc:  # UnicodeDecodeError is a ValueError too
            return f"not JSON: {exc}"
    if not isinstance(raw, dict):
        return f"not a JSON object but {type(raw).__name__}"
    try:
        doc = DocumentIn.model_validate(raw)
    except ValidationError as exc:
        return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'document'}: {e['msg']}" for e in exc.errors())
    if doc.id is None:
        return "id: required (the archive's own id: what makes the import idempotent)"
    if division is not None and doc.division not in (None, division):
        return f"division: this import enters items for division {division!r}, not {doc.division!r}"
    if division is not None and doc.division is None:
        doc = doc.model_copy(update={"division": division})
    return doc
