"""The evidence of a suggestion, highlighted in the document's own text (the item page, issue 16).

Pure: a function of a text and spans, no database, no request. The spans come from three places, all in
the coordinates of the text the clerk wrote (so none needs mapping here):

- the suggestion's `secrecy_signals`: markings and secrecy-risk cues, found on the text prepared for
  matching (engine/facts/text.for_matching: traditional to simplified, full-width to half, invisible
  characters removed) and mapped back by its `.span()` to the original, so `機密` written in the
  original is what is marked; a signal with start -1 (the model's) has no place in the text;
- the rules' evidence (`hits[].evidence[].matched[].span`), found on engine/facts/normalize.normalize_text,
  which maps each character to exactly one: its offsets are the original's. A match is kept only on
  the fields shown as text (title, body); derived facts (addressee, …) have spans of their own text;
- personal data (条例第十五条 个人隐私), found here again by engine/facts/personal_data on the same
  one-to-one normalisation (the suggestion keeps only counts and masked values).

The text is escaped piece by piece and only our own <mark> tags are added (`highlight`): nothing of the
input is ever marked safe. Overlapping spans are cut at every boundary, each piece marked once with the
strongest kind covering it; spans past the end are cut to it; empty and negative ones are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from markupsafe import Markup, escape

from engine.facts.normalize import normalize_text
from engine.facts.personal_data import find_personal_data

# The kinds, strongest first: where two overlap, the piece shows the stronger (a marking decides more
# than a rule's keyword). Each is a class of api/static/pages.css: mark, mark.marking, mark.personal.
KINDS = ("marking", "personal", "risk", "rule")
CLASSES = {"marking": "marking", "personal": "personal", "risk": "marking", "rule": ""}
KIND_LABELS = {"marking": "密级标志", "personal": "个人信息", "risk": "涉密风险提示", "rule": "规则命中"}
TEXT_FIELDS = ("title", "body")
PERSONAL_LABELS = {"id_card": "身份证号", "id_card_unverified": "疑似身份证号", "mobile": "手机号",
                   "landline": "固定电话", "bank_card": "银行卡号"}


@dataclass(frozen=True)
class Span:
    """A piece of a field's text to mark: [start, end) in code points, its kind and what it says."""

    start: int
    end: int
    kind: str
    label: str


def signal_spans(suggestion: Mapping[str, Any], field: str) -> list[Span]:
    """The markings and secrecy-risk cues found in `field` (model signals have no span: left out)."""
    out = []
    for signal in suggestion.get("secrecy_signals") or ():
        if signal.get("field") != field or int(signal.get("start", -1)) < 0:
            continue
        kind = "marking" if signal.get("kind") == "marking" else "risk"
        out.append(Span(int(signal["start"]), int(signal["end"]), kind, KIND_LABELS[kind]))
    return out


def rule_spans(suggestion: Mapping[str, Any], field: str) -> list[Span]:
    """The words each rule that fired matched in `field`, labelled with the rule's id."""
    out = []
    for hit in suggestion.get("hits") or ():
        for evidence in hit.get("evidence") or ():
            if evidence.get("field") != field or evidence.get("negated"):
                continue
            for match in evidence.get("matched") or ():
                span = match.get("span")
                if isinstance(span, list) and len(span) == 2 and all(isinstance(n, int) for n in span):
                    out.append(Span(span[0], span[1], "rule", f"规则 {hit.get('id', '')}"))
    return out


def personal_spans(text: str) -> list[Span]:
    """Personal data in the text (normalize_text is one character for one: the offsets are the text's)."""
    return [Span(f.start, f.end, "personal", PERSONAL_LABELS.get(f.kind, KIND_LABELS["personal"]))
            for f in find_personal_data(normalize_text(text), "")]


def field_spans(suggestion: Mapping[str, Any] | None, field: str, text: str) -> list[Span]:
    """Every span to mark in one field's text (none without a suggestion, i.e. for a caller not cleared)."""
    if suggestion is None or field not in TEXT_FIELDS:
        return []
    return signal_spans(suggestion, field) + rule_spans(suggestion, field) + personal_spans(text)


def _pieces(length: int, spans: Iterable[Span]) -> list[tuple[int, int, list[Span]]]:
    """The text cut at every span boundary: (start, end, the spans covering the piece)."""
    kept = sorted((s for s in spans if s.kind in KINDS and 0 <= s.start < min(s.end, length)), key=lambda s: s.start)
    cuts = sorted({0, length} | {s.start for s in kept} | {min(s.end, length) for s in kept})
    out: list[tuple[int, int, list[Span]]] = []
    active: list[Span] = []
    next_span = 0
    for a, b in zip(cuts, cuts[1:], strict=False):  # a sweep: linear in the pieces times the spans open at once
        active = [s for s in active if s.end > a]
        while next_span < len(kept) and kept[next_span].start <= a:
            active.append(kept[next_span])
            next_span += 1
        out.append((a, b, list(active)))
    return out


def highlight(text: str, spans: Iterable[Span]) -> Markup:
    """`text` escaped, with each span inside <mark> (class by its kind, title naming what it is)."""
    out = []
    for start, end, covering in _pieces(len(text), spans):
        piece = escape(text[start:end])
        if not covering:
            out.append(piece)
            continue
        strongest = min(covering, key=lambda s: KINDS.index(s.kind))
        labels = "；".join(dict.fromkeys(s.label for s in covering))
        css = CLASSES[strongest.kind]
        attribute = Markup(' class="{}"').format(css) if css else Markup("")
        out.append(Markup('<mark{} title="{}">{}</mark>').format(attribute, labels, piece))
    return Markup("").join(out)


def legend(spans: Iterable[Span]) -> list[tuple[str, str]]:
    """(css class, label) of each kind present, for the key under the text."""
    present = {s.kind for s in spans}
    return [(CLASSES[k], KIND_LABELS[k]) for k in KINDS if k in present]
