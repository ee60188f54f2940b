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
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Line(number, error=f"invalid UTF-8 at byte {exc.start} of the line")
            continue
        try:
            yield Line(number, record=json.loads(text))
        except json.JSONDecodeError as exc:
            yield Line(number, error=f"invalid JSON at column {exc.colno}: {exc.msg}")
