"""The suggestion pipeline: document → facts → rule hits → decision → explained suggestion."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence

from engine.calibrate import calibrator_of
from engine.combine import DEFAULT_POLICY, Policy, combine
from engine.decision import Decision, FieldDecision, RuleHit
from engine.facts.derive import Facts, derive_facts
from engine.facts.document import Document
from engine.prediction import Prediction
from engine.rules.loader import load_rulebook
from engine.rules.reference_backend import ReferenceBackend, evidence
from engine.rules.rulebook import Rule, Rulebook
from engine.vocabulary import DECIDED_FIELDS, LABELS_ZH, DecisionSource, FieldStatus, Secrecy, secrecy_rank


class RuleBackend(Protocol):
    def evaluate(self, facts: Facts) -> list[str]: ...


class Reader(Protocol):
    """A trained model as the pipeline uses it (engine/classifier/model.Model)."""

    @property
    def model_id(self) -> str: ...

    def predict(self, facts: Facts) -> Prediction: ...


def make_backend(book: Rulebook, kind: str = "durable") -> RuleBackend:
    """The durable-rules backend (the service's) or the reference evaluator (tests, comparison)."""
    if kind == "reference":
        return ReferenceBackend(book.active())
    from engine.rules.durable_backend import DurableBackend

    return DurableBackend(book.active())


class Suggester:
    """One loaded rulebook, its compiled backend and, optionally, a model; safe from several threads.

    Without a model the suggestion is the rules' alone (`gongkai evaluate --rules-only`).
    """

    def __init__(self, book: Rulebook, backend: str = "durable", model: Reader | None = None,
                 policy: Policy = DEFAULT_POLICY) -> None:
        self.book = book
        self.backend = make_backend(book, backend)
        self.model = model
        self.policy = policy
        self._rules = book.by_id()

    @classmethod
    def from_directory(cls, directory: Path, backend: str = "durable", model: Reader | None = None) -> "Suggester":
        return cls(load_rulebook(directory), backend, model)

    def hits(self, facts: Facts) -> list[RuleHit]:
        """Every rule that fires and is in effect on the document's date, with its evidence."""
        try:
            on = dt.date.fromisoformat(facts["date"]) if facts["date"] else dt.date.today()
        except ValueError:
            on = dt.date.today()
        # The durable backend says what its text predicates found: the evidence needs no second search for it.
        evaluate_known = getattr(self.backend, "evaluate_known", None)
        ids, known = evaluate_known(facts) if evaluate_known is not None else (self.backend.evaluate(facts), None)
        fired = [self._rules[rule_id] for rule_id in ids]
        return [RuleHit(rule, tuple(evidence(rule.when, facts, known=known))) for rule in fired if rule.in_effect(on)]

    def run(self, document: Document, *, rules_only: bool = False) -> tuple[Facts, Decision]:
        facts = derive_facts(document)
        prediction = self.model.predict(facts) if self.model is not None and not rules_only else None
        return facts, combine(self.hits(facts), self.book.precedence, facts["marking_level"], prediction, self.policy)

    def suggest(self, document: Document) -> dict[str, Any]:
        """One suggestion in the project's JSON shape."""
        facts, decision = self.run(document)
        return render_suggestion(document, facts, decision, self.book, self.model, self.policy)

    def explain(self, document: Document) -> dict[str, Any]:
        """The suggestion plus every derived fact and its evidence."""
        facts, decision = self.run(document)
        out = render_suggestion(document, facts, decision, self.book, self.model, self.policy)
        out["facts"] = facts.summary()
        out["fact_evidence"] = [e.as_dict() for e in facts.evidence]
        return out


def render_suggestion(document: Document, facts: Facts, decision: Decision, book: Rulebook,
                      model: Reader | None = None, policy: Policy = DEFAULT_POLICY) -> dict[str, Any]:
    """The suggestion: each field with value, confidence, where it came from, the rules (with
    citations) behind it and the model's probabilities and weightiest terms.

    `confidence` is the calibrated figure (engine/calibrate.py: the model's maps, fitted on labelled real
    records; the identity without them), `raw_confidence` the one the rules and the model gave and the
    combination compared: calibration changes what a person is shown and the queue's order, never a value."""
    by_id = book.by_id()
    calibrator = calibrator_of(model)
    fields: dict[str, Any] = {}
    attention: list[str] = []
    signals = [dict(signal) for signal in facts.signals] + model_signals(decision, policy)
    for name in DECIDED_FIELDS:
        fd = decision.fields[name]
        confidence = calibrator.confidence(name, fd, facts["marking_level"])
        if name == "secrecy" and signals:
            # The maps were fitted where almost nothing reads as secret: a document with a marking anywhere or a
            # secrecy-risk cue is never shown as surer of its secrecy than the rules and the model said.
            confidence = min(confidence, fd.confidence)
        fields[name] = _field(fd, confidence, by_id)
        if fd.status == FieldStatus.UNDECIDED:
            attention.append(f"{name}: undecided")
        if fd.contested_by:
            attention.append(f"{name}: rules disagree")
        if fd.disagreement:
            attention.append(f"{name}: {fd.disagreement}")
        if name == "category" and fd.source == DecisionSource.MODEL and fd.value is not None:
            # No rule of the Regulations decides it: on real documents of agencies the rules never saw, such
            # a category was wrong about ten times as often as one a rule decided (data/real, development part).
            attention.append(f"category: no rule decides it; the model suggests {fd.value} ({confidence:.2f})")
    attention += secrecy_attention(signals)
    secrecy = decision.fields["secrecy"]
    return {
        "id": document.id,
        "title": document.title,
        "suggestion": fields,
        "secrecy_flag": None if secrecy.value is None else secrecy.value != Secrecy.NONE,
        "marking": facts["marking_level"],
        "needs_attention": bool(attention),
        "attention": attention,
        # Every marking (any origin) and secrecy-risk cue, for the secrecy review and the API's
        # publication guard (engine/workflow/publication.py): kind, level/origin or cue, field, text, span.
        "secrecy_signals": signals,
        "hits": [
            {
                "id": hit.rule.id, "title": hit.rule.title, "mode": hit.rule.mode.value,
                "outcome": dict(hit.rule.outcome), "legal_basis": [dict(b) for b in hit.rule.legal_basis],
                "citation": hit.rule.citation(), "evidence": [dict(e) for e in hit.evidence],
            }
            for hit in decision.hits
        ],
        "adjustments": list(decision.adjustments),
        "warnings": list(facts.warnings),
        "ruleset": {"name": book.name, "revision": book.revision},
        "model": {"id": model.model_id} if model is not None else None,
    }


def _field(fd: FieldDecision, confidence: float, by_id: Mapping[str, Rule]) -> dict[str, Any]:
    """One field of the suggestion: its calibrated confidence shown, the raw one kept beside it."""
    return {
        "value": fd.value,
        "label": LABELS_ZH.get(fd.value) if fd.value else None,
        "status": fd.status,
        "confidence": confidence,
        "raw_confidence": fd.confidence,
        "rules": [{"id": rid, "title": by_id[rid].title, "citation": by_id[rid].citation()} for rid in fd.rules],
        "contested_by": [{"id": rid, "value": value} for rid, value in fd.contested_by],
        "adjustment": fd.adjustment,
        "source": fd.source,
        "model": fd.model.as_dict() if fd.model is not None else None,
        "disagreement": fd.disagreement,
    }


_SECRET_LEVELS = frozenset(s.value for s in Secrecy if s != Secrecy.NONE)


def model_signals(decision: Decision, policy: Policy) -> list[dict[str, Any]]:
    """The model's own secrecy-risk signal: it finds the text secret-like (any level above none at least
    `secrecy_flag_at` likely, the threshold that already flags an unmarked document), whatever the rules
    and the final suggestion say. Like the text's cues, it keeps the version out of proactive until the
    secrecy reviewer clears it: the second witness is heard at the publication boundary too."""
    prediction = decision.fields["secrecy"].model
    if prediction is None:
        return []
    level, mass = prediction.best_of(_SECRET_LEVELS)
    if level is None or mass < policy.secrecy_flag_at:
        return []
    return [{"kind": "risk", "cue": "model", "field": "secrecy", "level": level, "probability": round(mass, 4),
             "text": f"模型判断可能涉密（{LABELS_ZH.get(level, level)}等，概率{mass:.2f}）", "start": -1, "end": -1}]


_MARK_WORD: Mapping[str, str] = {Secrecy.TOP_SECRET: "绝密", Secrecy.SECRET: "机密", Secrecy.CONFIDENTIAL: "秘密",
                                 Secrecy.INTERNAL: "内部"}
_WHERE = {"body": "the header", "title": "the title", "attachment": "an attachment"}


def secrecy_attention(signals: Sequence[Mapping[str, Any]]) -> list[str]:
    """Why the secrecy review must look: a marking found outside the metadata (the document system's
    field may be empty or weaker), and content that reads as secret. Cue ids only, never the words:
    attention is shown where a secret document's text is not.

    Examples:
        >>> secrecy_attention([{"kind": "marking", "level": "secret", "origin": "title"}])
        ['secrecy: marked 机密 in the title, not in the metadata']
        >>> secrecy_attention([{"kind": "risk", "cue": "need_to_know"}, {"kind": "risk", "cue": "defence"}])
        ['secrecy: reads as secret without a marking (need_to_know, defence); the secrecy review must clear it']
    """
    marks = [s for s in signals if s.get("kind") == "marking"]
    metadata = max((str(s["level"]) for s in marks if s["origin"] == "metadata"), key=secrecy_rank, default=None)
    out: list[str] = []
    for origin, where in _WHERE.items():
        level = max((str(s["level"]) for s in marks if s["origin"] == origin), key=secrecy_rank, default=None)
        if level is None:
            continue
        if metadata is None:
            out.append(f"secrecy: marked {_MARK_WORD[level]} in {where}, not in the metadata")
        elif secrecy_rank(level) > secrecy_rank(metadata):
            out.append(f"secrecy: marked {_MARK_WORD[level]} in {where}, stricter than the metadata's "
                       f"{_MARK_WORD[metadata]}")
        else:
            out.append(f"secrecy: marked {_MARK_WORD[level]} in {where} as well as in the metadata")
    cues = list(dict.fromkeys(str(s["cue"]) for s in signals if s.get("kind") == "risk"))
    if cues:
        unmarked = "" if marks else " without a marking"
        out.append(f"secrecy: reads as secret{unmarked} ({', '.join(cues)}); the secrecy review must clear it")
    return out
