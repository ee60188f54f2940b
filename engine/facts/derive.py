"""Facts: the flat view of a document that rules see, computed once per document.

The field vocabulary below is the contract with rule authors (rules/README.md documents it, and a
test keeps the two in step). Every field is always present with a value of its declared type, so a
condition and its negation are both well defined (no nulls: see durable_backend for why that matters).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, Mapping

from engine.facts import cues
from engine.facts.document import Document
from engine.facts.evidence import Evidence
from engine.facts.marking import ORIGINS, find_markings, strictest
from engine.facts.normalize import infer_doc_type, normalize_text
from engine.facts.personal_data import KINDS, find_personal_data
from engine.facts.secrecy_risk import CUE_IDS, distinct_count, find_risk_cues
from engine.facts.text import for_matching
from engine.vocabulary import Secrecy


@dataclass(frozen=True)
class FieldSpec:
    """A field rules may test: its type and, for enum and list fields, the allowed values."""

    type: str  # text | keyword | enum | list | number
    values: tuple[str, ...] = ()


_BODIES = ("party", "discipline", "union", "league")
FIELDS: Final[Mapping[str, FieldSpec]] = MappingProxyType(
    {
        "title": FieldSpec("text"),
        "body": FieldSpec("text"),
        "doc_number": FieldSpec("text"),
        "addressee": FieldSpec("text"),
        "closing": FieldSpec("text"),
        "doc_type": FieldSpec("keyword"),
        "doc_type_source": FieldSpec("enum", ("given", "title", "missing")),
        "division": FieldSpec("keyword"),
        "agency": FieldSpec("keyword"),
        "secrecy_marking": FieldSpec("keyword"),
        "source": FieldSpec("enum", ("closure", "manual")),
        "date": FieldSpec("keyword"),
        "year": FieldSpec("number"),
        "body_chars": FieldSpec("number"),
        "marking_level": FieldSpec("enum", tuple(Secrecy)),
        "marking_origin": FieldSpec("list", ORIGINS),
        "secrecy_risk": FieldSpec("list", CUE_IDS),
        "secrecy_risk_cues": FieldSpec("number"),
        "personal_data": FieldSpec("list", KINDS),
        "id_card_count": FieldSpec("number"),
        "id_card_unverified_count": FieldSpec("number"),
        "mobile_count": FieldSpec("number"),
        "landline_count": FieldSpec("number"),
        "bank_card_count": FieldSpec("number"),
        "personal_data_count": FieldSpec("number"),
        "issuer_bodies": FieldSpec("list", _BODIES),
        "subject_bodies": FieldSpec("list", _BODIES),
        "trade_secret_cues": FieldSpec("number"),
        "public_comment": FieldSpec("enum", ("none", "public", "agencies")),
        "release_note": FieldSpec("enum", ("none", "public", "on_request", "not_public")),
    }
)
TEXT_TYPES: Final = frozenset({"text", "keyword"})


@dataclass(frozen=True)
class Facts:
    """The values of every field for one document, and the evidence behind the derived ones."""

    values: Mapping[str, Any]
    evidence: tuple[Evidence, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())
    # Every marking and secrecy-risk cue found, in the shape of suggestion["secrecy_signals"].
    signals: tuple[Mapping[str, Any], ...] = field(default=())

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def summary(self) -> dict[str, Any]:
        """The facts without the long text fields, for explanations."""
        return {k: v for k, v in self.values.items() if k not in ("body", "closing")}


def derive_facts(doc: Document) -> Facts:
    """Compute every field of FIELDS for `doc`. Linear in the size of the text."""
    title, body = normalize_text(doc.title), normalize_text(doc.body)
    norm = Document(
        id=doc.id, title=title, doc_number=normalize_text(doc.doc_number), doc_type=doc.doc_type.strip(),
        division=normalize_text(doc.division), agency=normalize_text(doc.agency), date=doc.date,
        secrecy_marking=doc.secrecy_marking, source=doc.source, body=body,
    )
    evidence: list[Evidence] = []
    doc_type, doc_type_source = norm.doc_type, "given"
    if not doc_type:
        inferred = infer_doc_type(title)
        doc_type, doc_type_source = (inferred, "title") if inferred else ("", "missing")
        if inferred:
            evidence.append(Evidence("doc_type", inferred, "title", 0, len(title), title))
    norm = Document(**{**norm.__dict__, "doc_type": doc_type, "warnings": ()})

    # One normalisation for matching, shared by the marking and the risk detectors (engine/facts/text.py).
    matched = {"title": for_matching(doc.title), "body": for_matching(doc.body)}
    markings = find_markings(doc.secrecy_marking, doc.body, doc.title, matched=matched)
    evidence += [Evidence("marking_level", m.level.value, "metadata" if m.origin == "metadata" else m.field,
                          m.start, m.end, m.text) for m in markings]
    risks = find_risk_cues(matched, {"title": doc.title, "body": doc.body})
    evidence += [Evidence("secrecy_risk", c.cue, c.field, c.start, c.end, c.text) for c in risks]
    signals = tuple(
        [MappingProxyType({"kind": "marking", "level": m.level.value, "origin": m.origin, "field": m.field,
                           "text": m.text, "start": m.start, "end": m.end}) for m in markings]
        + [MappingProxyType({"kind": "risk", "cue": c.cue, "field": c.field, "text": c.text, "start": c.start,
                             "end": c.end}) for c in risks])
    findings = find_personal_data(title, "title") + find_personal_data(body, "body")
    counts = {kind: sum(1 for f in findings if f.kind == kind) for kind in KINDS}
    evidence += [Evidence("personal_data", f.kind, f.field, f.start, f.end, f.masked) for f in findings]

    issuers, subjects = cues.issuer_bodies(norm), cues.subject_bodies(norm)
    secrets = cues.trade_secret_cues(norm)
    comment, comment_cues = cues.public_comment(norm)
    note, note_cues = cues.release_note(norm)
    evidence += issuers + subjects + secrets + comment_cues + note_cues
    signed_on = doc.signed_on
    values: dict[str, Any] = {
        "title": title,
        "body": body,
        "doc_number": norm.doc_number,
        "addressee": cues.addressee(body),
        "closing": cues.closing(body),
        "doc_type": doc_type,
        "doc_type_source": doc_type_source,
        "division": norm.division,
        "agency": norm.agency,
        "secrecy_marking": doc.secrecy_marking.strip(),
        "source": doc.source,
        "date": doc.date if signed_on else "",
        "year": signed_on.year if signed_on else 0,
        "body_chars": len(body),
        "marking_level": strictest(markings).value,
        "marking_origin": sorted({m.origin for m in markings}),
        "secrecy_risk": [cue for cue in CUE_IDS if any(c.cue == cue for c in risks)],
        "secrecy_risk_cues": distinct_count(risks),
        "personal_data": [k for k in KINDS if counts[k]],
        "id_card_count": counts["id_card"],
        "id_card_unverified_count": counts["id_card_unverified"],
        "mobile_count": counts["mobile"],
        "landline_count": counts["landline"],
        "bank_card_count": counts["bank_card"],
        "personal_data_count": len(findings),
        "issuer_bodies": sorted({c.value for c in issuers}, key=_BODIES.index),
        "subject_bodies": sorted({c.value for c in subjects}, key=_BODIES.index),
        "trade_secret_cues": len(secrets),
        "public_comment": comment,
        "release_note": note,
    }
    return Facts(MappingProxyType(values), tuple(evidence), doc.warnings, signals)
