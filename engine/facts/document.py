"""Document: the record a document system sends at closure (办结), read leniently.

A record with missing or mistyped fields is still evaluated with what is there; every repair is
reported as a warning, so nothing is silently changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

TEXT_FIELDS = ("id", "title", "doc_number", "doc_type", "division", "agency", "date", "secrecy_marking", "source", "body")
SOURCES = ("closure", "manual")


class RecordError(ValueError):
    """A record that cannot be read as a document at all (e.g. not a JSON object)."""


@dataclass(frozen=True)
class Document:
    """One closed document or hand-entered item, in SCHEMA's field names."""

    id: str = ""
    title: str = ""
    doc_number: str = ""
    doc_type: str = ""
    division: str = ""
    agency: str = ""
    date: str = ""
    secrecy_marking: str = ""
    source: str = "closure"
    body: str = ""
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def signed_on(self) -> dt.date | None:
        """成文日期 as a date, or None when missing or invalid."""
        try:
            return dt.date.fromisoformat(self.date) if self.date else None
        except ValueError:
            return None


def document_from_record(record: Any) -> Document:
    """Build a Document from a decoded JSON record; raise RecordError if it is not an object.

    Strings stay strings; numbers are turned into strings; null becomes empty; any other type is
    dropped. Each repair adds a warning naming the field.
    """
    if not isinstance(record, Mapping):
        raise RecordError(f"a record must be a JSON object, got {type(record).__name__}")
    values: dict[str, str] = {}
    warnings: list[str] = []
    for name in TEXT_FIELDS:
        raw = record.get(name)
        if raw is None:
            continue
        if isinstance(raw, str):
            values[name] = raw
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
            values[name] = str(raw)
            warnings.append(f"{name}: expected a string, got a number; used {values[name]!r}")
        else:
            warnings.append(f"{name}: expected a string, got {type(raw).__name__}; ignored")
    if "title" not in values and "body" not in values:
        warnings.append("title and body are both missing: only metadata can be evaluated")
    source = values.get("source", "closure") or "closure"
    if source not in SOURCES:
        warnings.append(f"source: {source!r} is not one of {', '.join(SOURCES)}; used 'closure'")
        source = "closure"
    values["source"] = source
    doc = Document(**values, warnings=())
    if doc.date and doc.signed_on is None:
        warnings.append(f"date: {doc.date!r} is not a YYYY-MM-DD date; the year is unknown")
    return Document(**values, warnings=tuple(warnings))
