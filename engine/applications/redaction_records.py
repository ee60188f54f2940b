"""A redaction as plain data and back, for the service to store each state and to show the review page.

The record holds the spans' texts (the personal data itself, so the handler can judge them): it is as
confidential as the original and is stored and shown under the same access as the original.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.applications.redaction import Decision, Redaction, ReleasedCopy, Verdict
from engine.applications.redaction_spans import MaskStyle, RedactionKind, RedactionSpan

_SHA256 = re.compile(r"[0-9a-f]{64}")


def span_from_dict(data: Mapping[str, Any]) -> RedactionSpan:
    return RedactionSpan(int(data["start"]), int(data["end"]), str(data["text"]), RedactionKind(data["kind"]),
                         float(data.get("confidence", 1.0)), str(data.get("reason", "")),
                         str(data.get("source", "detector")))


def _decision_dict(index: int, decision: Decision) -> dict[str, Any]:
    return {"index": index, "verdict": decision.verdict.value, "by": decision.by, "at": decision.at.isoformat(),
            "changed_to": decision.changed_to.as_dict() if decision.changed_to else None, "note": decision.note}


def redaction_to_dict(redaction: Redaction) -> dict[str, Any]:
    """Every field of `redaction`; `spans` carry their latest decision too (the rows of the review page)."""
    rows = []
    for index, span in enumerate(redaction.spans):
        decision = redaction.decision(index)
        rows.append({"index": index, **span.as_dict(),
                     "decision": _decision_dict(index, decision) if decision else None})
    return {
        "original_sha256": redaction.original_sha256, "original_length": redaction.original_length,
        "mask": redaction.mask, "styles": {kind.value: style.value for kind, style in redaction.styles},
        "spans": rows, "history": [_decision_dict(i, d) for i, d in redaction.history],
        "undecided": redaction.undecided(), "confirmed_by": redaction.confirmed_by,
        "confirmed_at": redaction.confirmed_at.isoformat() if redaction.confirmed_at else None,
    }


def redaction_from_dict(data: Mapping[str, Any]) -> Redaction:
    """The redaction `redaction_to_dict` wrote (ValueError for a record that is not one)."""
    digest = str(data["original_sha256"])
    if not _SHA256.fullmatch(digest):
        raise ValueError(f"not a SHA-256 in hex: {digest!r}")
    spans = tuple(span_from_dict(row) for row in data["spans"])
    history = []
    for row in data.get("history", ()):
        index = int(row["index"])
        if not 0 <= index < len(spans):
            raise ValueError(f"a decision on span #{index}, of {len(spans)}")
        changed = span_from_dict(row["changed_to"]) if row.get("changed_to") else None
        history.append((index, Decision(Verdict(row["verdict"]), str(row["by"]), datetime.fromisoformat(row["at"]),
                                        changed, str(row.get("note", "")))))
    confirmed_at = data.get("confirmed_at")
    return Redaction(
        digest, int(data["original_length"]), spans, tuple(history),
        tuple((RedactionKind(k), MaskStyle(v)) for k, v in dict(data.get("styles", {})).items()),
        str(data.get("mask", "×")), str(data.get("confirmed_by", "")),
        datetime.fromisoformat(confirmed_at) if confirmed_at else None)


def released_to_dict(copy: ReleasedCopy) -> dict[str, Any]:
    """The released copy's record: its text, hashes of both copies, who confirmed, and where the masks lie
    in each copy (to show them side by side); none of the masked words."""
    return {
        "text": copy.text, "original_sha256": copy.original_sha256, "released_sha256": copy.released_sha256,
        "confirmed_by": copy.confirmed_by, "confirmed_at": copy.confirmed_at.isoformat(),
        # where and what kind, never what was masked: this record goes with the copy that leaves
        "masked": [{"start": s.start, "end": s.end, "kind": s.kind.value, "label": s.label} for s in copy.masked],
        "regions": [{"start": r.start, "end": r.end, "masked_start": r.masked_start, "masked_end": r.masked_end,
                     "kind": r.kind.value} for r in copy.regions],
    }
