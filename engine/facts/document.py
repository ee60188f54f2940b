"""Document: the record a document system sends at closure (办结), read leniently; the registry of its
fields; and its content identity.

A record with missing or mistyped fields is still evaluated with what is there; every repair is
reported as a warning, so nothing is silently changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Mapping

from engine.vocabulary import FIELD_LABELS_ZH, Origin


@dataclass(frozen=True)
class DocumentField:
    """One field of a closed document, as SCHEMA names it.

    `part` says where it lives: `record` is SCHEMA's exchange record, what the engine reads and what is
    stored with each version; `kept` is stored with the version for people to see, never read by the
    engine; `push` only steers the push itself (closed_on starts the 条例第二十六条 clock) and is not
    part of the record. `identity`: part of the content identity (a change makes a new version).
    """

    name: str
    kind: Literal["text", "date", "choice"]
    part: Literal["record", "kept", "push"]
    identity: bool
    max_length: int | None = None  # what the HTTP contract accepts (api/schemas.DocumentIn)

    @property
    def label_zh(self) -> str:
        return FIELD_LABELS_ZH[self.name]


# Every field, in SCHEMA's order. The push model (api/schemas.DocumentIn), the engine's Document, the
# content identity and the Chinese headers read this list; tests/engine/test_facts.py keeps them in step.
DOCUMENT_FIELDS: Final = (
    DocumentField("id", "text", "record", True, 200),  # the document system's own id
    DocumentField("title", "text", "record", True, 2000),
    DocumentField("doc_number", "text", "record", True, 200),  # 发文字号
    DocumentField("doc_type", "text", "record", True, 50),  # 文种
    DocumentField("division", "text", "record", True, 100),
    DocumentField("agency", "text", "record", True, 200),
    DocumentField("date", "date", "record", True),  # 成文日期, YYYY-MM-DD
    DocumentField("secrecy_marking", "text", "record", True, 100),
    DocumentField("source", "choice", "record", True),  # how the item came in (Origin): the route, not the sender
    DocumentField("body", "text", "record", True, 10 * 1024 * 1024),
    # The `source` a sender wrote in its record (SCHEMA's exchange format has it): kept as it said, never
    # taken for how the item came in, and not content (the same text declared twice is one document).
    DocumentField("declared_source", "choice", "kept", False),
    DocumentField("closed_on", "date", "push", False),  # 办结日期 (default: today, China time)
)
FIELD_BY_NAME: Final[Mapping[str, DocumentField]] = {f.name: f for f in DOCUMENT_FIELDS}
TEXT_FIELDS: Final = tuple(f.name for f in DOCUMENT_FIELDS if f.part == "record")
SOURCES: Final = tuple(Origin)


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
    source: str = Origin.CLOSURE.value
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
    source = values.get("source", Origin.CLOSURE) or Origin.CLOSURE
    if source not in SOURCES:
        warnings.append(f"source: {source!r} is not one of {', '.join(SOURCES)}; used 'closure'")
        source = Origin.CLOSURE
    values["source"] = str(source)
    doc = Document(**values, warnings=())
    if doc.date and doc.signed_on is None:
        warnings.append(f"date: {doc.date!r} is not a YYYY-MM-DD date; the year is unknown")
    return Document(**values, warnings=tuple(warnings))


# Content identity. Two pushes of one document are the same version exactly when their identities
# match (api/items/intake.py: the same content again is "unchanged"; anything else is a new version,
# which sends a reviewed item back to secrecy review). Stored versions keep the hash they were given,
# so the identity of a record must never change under them:
#
# - Version 1 hashes the canonical JSON (sorted keys, UTF-8 as is) of its ten original fields, each
#   present, null when absent: exactly what every stored hash was made of. That list is history and
#   is frozen here, whatever DOCUMENT_FIELDS later says.
# - Any identity field registered later takes part only when the record carries a value for it (not
#   null, "", [] or {}): adding an optional field to the push changes no stored document's hash, and
#   a document that sends the new field with content is, rightly, a new version.
# - Fields that are not content (declared_source, closed_on) never take part.
# - A change that would give an existing record another hash (a new canonical form, a field dropped)
#   is a new CONTENT_IDENTITY_VERSION; content_hashes gives the old versions' hashes too, so that stored
#   hashes still match (the hash column has no room for a version prefix, and needs none this way).
CONTENT_IDENTITY_VERSION: Final = 1
_IDENTITY_V1: Final = ("id", "title", "doc_number", "doc_type", "division", "agency", "date", "secrecy_marking",
                       "source", "body")


def content_identity(record: Mapping[str, Any], version: int = CONTENT_IDENTITY_VERSION) -> str:
    """The canonical text of a record's content under identity `version` (see above).

    Examples:
        >>> content_identity({"id": "d-1", "title": "通知"})[:40]
        '{"agency": null, "body": null, "date": n'
        >>> sent = {"id": "d-1", "title": "通知", "source": "closure"}
        >>> content_identity(sent) == content_identity({**sent, "declared_source": "manual", "closed_on": "2025-06-03"})
        True
    """
    if version != 1:
        raise ValueError(f"unknown content identity version {version}")
    identity = {name: record.get(name) for name in _IDENTITY_V1}
    for f in DOCUMENT_FIELDS:
        if f.identity and f.name not in identity and record.get(f.name) not in (None, "", [], {}):
            identity[f.name] = record[f.name]
    return json.dumps(identity, sort_keys=True, ensure_ascii=False)


def content_hash(record: Mapping[str, Any], version: int = CONTENT_IDENTITY_VERSION) -> str:
    """The SHA-256 (hex) of the record's content identity: under the current version, what is stored."""
    return hashlib.sha256(content_identity(record, version).encode("utf-8")).hexdigest()


def content_hashes(record: Mapping[str, Any]) -> tuple[str, ...]:
    """The record's hash under every identity version there has been, the current one first (the one to
    store): a stored hash among them is the same content. With one version so far, one hash."""
    return tuple(content_hash(record, v) for v in range(CONTENT_IDENTITY_VERSION, 0, -1))
