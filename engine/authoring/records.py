"""Reading JSONL files of records: every line is accounted for, by number.

Invalid UTF-8, invalid JSON, a line that is not an object: each becomes a problem with its line
number, and reading goes on. Nothing is dropped silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterator


@dataclass(frozen=True)
class Line:
    """One non-empty line: its number and either the decoded record or the problem."""

    number: int
    record: Any = None
    error: str | None = None


def read_jsonl(stream: BinaryIO) -> Iterator[Line]:
    """Decode each non-empty line of a binary stream."""
    for number, raw in enumerate(stream, start=1):
        if raw.strip():
            record, error = decode(raw)
            yield Line(number, record=record, error=error)


def decode(raw: bytes | str) -> tuple[Any, str | None]:
    """One line's record, or None and what is wrong with it (a backtest's workers decode their own)."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        return None, f"invalid UTF-8 at byte {exc.start} of the line"
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON at column {exc.colno}: {exc.msg}"
