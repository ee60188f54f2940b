"""Facts: the flat view of a document that rules see, computed once per document.

The field vocabulary below is the contract with rule authors (rules/README.md documents it, and a
test keeps the two in step). Every field is always present with a value of its declared type, so a
condition and its negation are both well defined (no nulls: see durable_backend for why that matters).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Final, Mapping

from engine.facts import cues
from engine.facts.document import Document
from engine.facts.evidence import Evidence
from engine.facts.marking import ORIGINS, find_markings, strictest
from engine.facts.normalize import infer_doc_type, normalize_text
from engine.facts.personal_data import KINDS, find_personal_data
from engine.facts.secrecy_risk import CUE_IDS, RiskCue, distinct_count, find_risk_cues
from engine.facts.text import for_matching, simplified
from engine.facts.title import DerivedTitle, derive_title
from engine.vocabulary import Origin, Secrecy


@dataclass(frozen=True)
class FieldSpec:
    """A field rules may test: its type and, for enum and list fields, the allowed values."""

    type: str  # text | keyword | enum | list | number
    values: tuple[str, ...] = ()


_BODIES = ("party", "discipline", "union", "league")


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


@dataclass(frozen=True)
class Reading:
    """What every detector reads: the document as given, its normalised form and the text prepared for
    matching (engine/facts/text.py), computed once."""

    doc: Document
    norm: Document  # with the document type inferred from the title when none was given
    doc_type_source: str  # given | title | missing
    matched: Mapping[str, Any]
    # The title read from the body's head when the record has none (engine/facts/title.py), else None.
    derived_title: DerivedTitle | None = None


@dataclass(frozen=True)
class Found:
    values: Mapping[str, Any]
    evidence: tuple[Evidence, ...] = ()
    signals: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class Detector:
    """One registered source of facts: the fields it sets (with their types, the contract with rule
    authors) and how it finds them. FIELDS and derive_facts both follow from DETECTORS, so a new fact
    is one detector here and its line in rules/README.md (a test keeps the two in step)."""

    fields: Mapping[str, FieldSpec]
    find: Callable[[Reading], Found]


def _document(r: Reading) -> Found:
    doc, norm = r.doc, r.norm
    evidence = ((Evidence("doc_type", norm.doc_type, "title", 0, len(norm.title), norm.title),)
                if r.doc_type_source == "title" else ())
    derived = r.derived_title
    if derived is not None:  # an explanation says the title was read from the body, and where
        evidence = (Evidence("title", "body", "body", derived.start, derived.end, derived.text), *evidence)
    title_source = "body" if derived is not None else ("given" if norm.title.strip() else "missing")
    signed_on = doc.signed_on
    return Found({
        "title": norm.title, "title_source": title_source, "body": norm.body, "doc_number": norm.doc_number,
        "addressee": cues.addressee(norm.body), "closing": cues.closing(norm.body),
        "doc_type": norm.doc_type, "doc_type_source": r.doc_type_source, "division": norm.division, "agency": norm.agency,
        "secrecy_marking": doc.secrecy_marking.strip(), "source": doc.source,
        "date": doc.date if signed_on else "", "year": signed_on.year if signed_on else 0,
        "body_chars": len(norm.body),
    }, evidence)


def _markings(r: Reading) -> Found:
    markings = find_markings(r.doc.secrecy_marking, r.doc.body, r.doc.title, matched=r.matched)
    return Found(
        {"marking_level": strictest(markings).value, "marking_origin": sorted({m.origin for m in markings})},
        tuple(Evidence("marking_level", m.level.value, "metadata" if m.origin == "metadata" else m.field,
                       m.start, m.end, m.text) for m in markings),
        tuple(MappingProxyType({"kind": "marking", "level": m.level.value, "origin": m.origin, "field": m.field,
                                "text": m.text, "start": m.start, "end": m.end}) for m in markings))


def _secrecy_risk(r: Reading) -> Found:
    risks = find_risk_cues(r.matched, {"title": r.doc.title, "body": r.doc.body})
    if any(c.cue == "embedded_marking" for c in risks):  # rare: only then are the markings read again
        risks = _outside_markings(r, risks)
    return Found(
        {"secrecy_risk": [cue for cue in CUE_IDS if any(c.cue == cue for c in risks)],
         "secrecy_risk_cues": distinct_count(risks)},
        tuple(Evidence("secrecy_risk", c.cue, c.field, c.start, c.end, c.text) for c in risks),
        tuple(MappingProxyType({"kind": "risk", "cue": c.cue, "field": c.field, "text": c.text, "start": c.start,
                                "end": c.end}) for c in risks))


def _outside_markings(r: Reading, risks: list[RiskCue]) -> list[RiskCue]:
    """A marking's form where the markings are read (metadata, header, title, attachment heads) is the marking
    itself, not a cue: only the ones past them stay."""
    read = [(m.field, m.start, m.end) for m in find_markings(r.doc.secrecy_marking, r.doc.body, r.doc.title,
                                                             matched=r.matched)]
    return [c for c in risks if c.cue != "embedded_marking"
            or not any(field == c.field and start < c.end and c.start < end for field, start, end in read)]


_COUNTED = ("id_card", "id_card_unverified", "mobile", "landline", "bank_card")


def _personal_data(r: Reading) -> Found:
    findings = find_personal_data(r.norm.title, "title") + find_personal_data(r.norm.body, "body")
    counts = {kind: sum(1 for f in findings if f.kind == kind) for kind in KINDS}
    return Found(
        {"personal_data": [k for k in KINDS if counts[k]], **{f"{k}_count": counts[k] for k in _COUNTED},
         "personal_data_count": len(findings)},
        tuple(Evidence("personal_data", f.kind, f.field, f.start, f.end, f.masked) for f in findings))


def _bodies(r: Reading) -> Found:
    issuers, subjects = cues.issuer_bodies(r.norm), cues.subject_bodies(r.norm)
    return Found({"issuer_bodies": sorted({c.value for c in issuers}, key=_BODIES.index),
                  "subject_bodies": sorted({c.value for c in subjects}, key=_BODIES.index)},
                 tuple(issuers + subjects))


def _trade_secrets(r: Reading) -> Found:
    secrets = cues.trade_secret_cues(r.norm)
    return Found({"trade_secret_cues": len(secrets)}, tuple(secrets))


def _public_comment(r: Reading) -> Found:
    comment, found = cues.public_comment(r.norm)
    return Found({"public_comment": comment}, tuple(found))


def _release_note(r: Reading) -> Found:
    note, found = cues.release_note(r.norm)
    return Found({"release_note": note}, tuple(found))


_TEXT = FieldSpec("text")
DETECTORS: Final = (
    Detector({"title": _TEXT, "body": _TEXT, "doc_number": _TEXT, "addressee": _TEXT, "closing": _TEXT,
              "doc_type": FieldSpec("keyword"), "doc_type_source": FieldSpec("enum", ("given", "title", "missing")),
              "division": FieldSpec("keyword"), "agency": FieldSpec("keyword"),
              "secrecy_marking": FieldSpec("keyword"), "source": FieldSpec("enum", tuple(Origin)),
              "date": FieldSpec("keyword"), "year": FieldSpec("number"), "body_chars": FieldSpec("number"),
              "title_source": FieldSpec("enum", ("given", "body", "missing"))},
             _document),
    Detector({"marking_level": FieldSpec("enum", tuple(Secrecy)), "marking_origin": FieldSpec("list", ORIGINS)},
             _markings),
    Detector({"secrecy_risk": FieldSpec("list", CUE_IDS), "secrecy_risk_cues": FieldSpec("number")}, _secrecy_risk),
    Detector({"personal_data": FieldSpec("list", KINDS), **{f"{k}_count": FieldSpec("number") for k in _COUNTED},
              "personal_data_count": FieldSpec("number")}, _personal_data),
    Detector({"issuer_bodies": FieldSpec("list", _BODIES), "subject_bodies": FieldSpec("list", _BODIES)}, _bodies),
    Detector({"trade_secret_cues": FieldSpec("number")}, _trade_secrets),
    Detector({"public_comment": FieldSpec("enum", ("none", "public", "agencies"))}, _public_comment),
    Detector({"release_note": FieldSpec("enum", ("none", "public", "on_request", "not_public"))}, _release_note),
)
FIELDS: Final[Mapping[str, FieldSpec]] = MappingProxyType({n: s for d in DETECTORS for n, s in d.fields.items()})


def derive_facts(doc: Document) -> Facts:
    """Compute every field of FIELDS for `doc`, detector by detector. Linear in the size of the text."""
    # A document written in traditional characters is read as simplified by the rules (one character for one,
    # so evidence spans stay those of the original): a rule keyed on 印发 or 决算 would miss 印發 or 決算.
    title, body, doc_number, division, agency = simplified(tuple(normalize_text(t) for t in (
        doc.title, doc.body, doc.doc_number, doc.division, doc.agency)))
    # No title (a hand-entered item, a scan whose first page was lost): read it from the body's head, so that
    # the rules' title conditions and exceptions keep their evidence. A given title is never replaced.
    derived = derive_title(body) if not title.strip() else None
    warnings = doc.warnings
    if derived is not None:
        title = derived.text
        warnings = (*warnings, f"title: missing; read from the body's first lines as {derived.text!r}")
    doc_type, doc_type_source = doc.doc_type.strip(), "given"
    if not doc_type:
        doc_type = infer_doc_type(title) or ""
        doc_type_source = "title" if doc_type else "missing"
    norm = Document(
        id=doc.id, title=title, doc_number=doc_number, doc_type=doc_type, division=division, agency=agency,
        date=doc.date, secrecy_marking=doc.secrecy_marking, source=doc.source, body=body,
    )
    # One normalisation for matching, shared by the marking and the risk detectors (engine/facts/text.py).
    reading = Reading(doc, norm, doc_type_source, {"title": for_matching(doc.title), "body": for_matching(doc.body)},
                      derived)
    values: dict[str, Any] = {}
    evidence: list[Evidence] = []
    signals: list[Mapping[str, Any]] = []
    for detector in DETECTORS:
        found = detector.find(reading)
        values.update(found.values)
        evidence += found.evidence
        signals += found.signals
    return Facts(MappingProxyType(values), tuple(evidence), warnings, tuple(signals))
