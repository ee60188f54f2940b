"""From rule hits to a decision, field by field, by the manifest's precedence.

- Enforce hits decide. Baseline hits (兜底: "unmarked means non-secret", "anything unclaimed goes to
  其他") decide only a field no enforce hit sets, and the combination with the model lets a confident
  model replace them (engine/combine.py). Monitor hits are reported beside the decision.
- For each field, the value earliest in the manifest's precedence wins (ties: higher confidence,
  then rule id), so among exemptions 第十四条 > 第十五条 > 第十六条 and the strictest secrecy wins.
- A field no enforce rule sets is undecided (the classifier may fill it later).
- SCHEMA's consistency (engine/consistency.py) is then enforced and each adjustment is reported, so
  that no suggestion is ever impossible: above all, a document with any secrecy marking is never
  proactive (条例第十四条, 保守国家秘密法 and the agency's 工作秘密 rules: a marked document is not
  released on suggestion).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from engine import consistency
from engine.rules.rulebook import Precedence, Rule
from engine.vocabulary import DECIDED_FIELDS, DecisionSource, FieldStatus, RuleMode

CONTESTED_FACTOR = 0.75  # a field on which enforce rules disagreed is less certain
CONSISTENCY_CONFIDENCE = 0.95


@dataclass(frozen=True)
class RuleHit:
    """A rule whose condition held for a document, with what made it hold."""

    rule: Rule
    evidence: tuple[Mapping[str, Any], ...] = ()

    @property
    def is_enforced(self) -> bool:
        return self.rule.mode is RuleMode.ENFORCE

    @property
    def is_baseline(self) -> bool:
        return self.rule.mode is RuleMode.BASELINE


@dataclass(frozen=True)
class FieldDecision:
    """The value of one field (None when undecided or not applicable) and why."""

    value: str | None
    status: FieldStatus
    confidence: float
    rules: tuple[str, ...] = ()  # enforce rules that set this value
    contested_by: tuple[tuple[str, str], ...] = ()  # (rule id, other value) of losing enforce rules
    adjustment: str | None = None  # a consistency correction, when one was made
    source: DecisionSource = DecisionSource.RULES  # none: undecided, or not applicable
    model: Any = None  # the model's FieldPrediction, when a model took part
    disagreement: str | None = None  # a rule and the model disagreed: what, for the reviewer


@dataclass(frozen=True)
class Decision:
    fields: Mapping[str, FieldDecision]
    hits: tuple[RuleHit, ...]
    adjustments: tuple[str, ...] = field(default=())

    def value(self, name: str) -> str | None:
        return self.fields[name].value


def _resolve(name: str, hits: Sequence[RuleHit], precedence: Precedence) -> FieldDecision:
    setting = [h for h in hits if h.is_enforced and name in h.rule.outcome]
    source = DecisionSource.RULES
    if not setting:
        setting, source = [h for h in hits if h.is_baseline and name in h.rule.outcome], DecisionSource.BASELINE
    if not setting:
        return FieldDecision(None, FieldStatus.UNDECIDED, 0.0, source=DecisionSource.NONE)
    winner = min(setting, key=lambda h: (precedence.rank(name, h.rule.outcome[name]), -h.rule.confidence, h.rule.id))
    value = winner.rule.outcome[name]
    agreeing = tuple(sorted(h.rule.id for h in setting if h.rule.outcome[name] == value))
    contested = tuple(sorted((h.rule.id, h.rule.outcome[name]) for h in setting if h.rule.outcome[name] != value))
    confidence = max(h.rule.confidence for h in setting if h.rule.outcome[name] == value)
    # Disagreement lowers confidence only when a losing rule was at least as sure: a low-confidence
    # fallback (e.g. column other at 0.5) that loses is not a real conflict.
    if any(h.rule.confidence >= confidence for h in setting if h.rule.outcome[name] != value):
        confidence *= CONTESTED_FACTOR
    return FieldDecision(value, FieldStatus.DECIDED, round(confidence, 4), agreeing, contested, source=source)


def evolve(decision: FieldDecision, **changes: Any) -> FieldDecision:
    """dataclasses.replace without its per-call introspection (it runs for every field of every suggestion)."""
    values = dict(decision.__dict__)
    values.update(changes)
    return FieldDecision(**values)


def resolve(hits: Sequence[RuleHit], precedence: Precedence) -> dict[str, FieldDecision]:
    """Each field as the rules alone set it, before consistency."""
    return {name: _resolve(name, hits, precedence) for name in DECIDED_FIELDS}


def decide(hits: Sequence[RuleHit], precedence: Precedence, marking_level: str) -> Decision:
    """Resolve the hits into one value (or undecided) per field, then enforce consistency."""
    fields, adjustments = make_consistent(resolve(hits, precedence), marking_level)
    return Decision(fields, tuple(hits), adjustments)


def make_consistent(resolved: Mapping[str, FieldDecision], marking_level: str
                    ) -> tuple[dict[str, FieldDecision], tuple[str, ...]]:
    """SCHEMA's consistency (engine/consistency.py), applied to any set of field decisions: the marking
    is the floor of secrecy, then each requirement's correction in turn; every change is reported."""
    fields = dict(resolved)
    values: dict[str, str | None] = {name: fd.value for name, fd in fields.items()} | {"marking": marking_level}
    adjustments: list[str] = []

    def adjust(name: str, value: str | None, why: str) -> None:
        old = fields[name]
        status = FieldStatus.DECIDED if value is not None else FieldStatus.NOT_APPLICABLE
        if (old.value, old.status) != (value, status):
            # not_applicable follows from the category: it is as certain as the category is.
            confidence = CONSISTENCY_CONFIDENCE if status == FieldStatus.DECIDED else fields["category"].confidence
            fields[name] = evolve(old, value=value, status=status, confidence=confidence, adjustment=why)
            values[name] = value
            adjustments.append(f"{name}: {old.value or old.status} → {value or status}: {why}")

    floor = consistency.marking_floor(marking_level, fields["secrecy"].value)
    if floor is not None:
        adjust("secrecy", floor, f"the document is marked {floor}; the marking is the floor")
    for requirement in consistency.REQUIREMENTS:
        for c in consistency.corrections(requirement, values):
            adjust(c.field, None if c.value is None else str(c.value), c.reason)
    return fields, tuple(adjustments)
