"""The application rules (rules/applications/*.yaml): the outcome suggested for a public application
(依申请公开, applications.md §1.5, §1.7), in the rule language of the document rules.

The same file format, loader checks and citations (every legal_basis excerpt verified against the
statute's text), the same conditions and operators; but the conditions name an application's facts
(APPLICATION_FIELDS: the applicant's words, and what the search of the four stores found), and the one
field they set is `application_outcome` (engine.vocabulary.ApplicationOutcome), ordered by the manifest's
`precedence.application_outcome`. The two rulebooks never mix: a document rule may not set
application_outcome, an application rule sets nothing else, and a rule file under rules/applications/ is
never evaluated on a document (engine/rules/loader.py leaves the folder out of the document rules).

An example's `document` is a partial set of application facts (the rest take DEFAULTS: nothing matched, a
complete search, no repeat), so an example reads like the application it stands for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from engine.facts.derive import FieldSpec
from engine.facts.normalize import normalize_text
from engine.rules.conditions import Combo, Condition, Leaf
from engine.rules.diagnostics import Diagnostic
from engine.rules.reference_backend import leaf_holds
from engine.rules.rule_file import APPLICATION_DIR, MANIFEST, _Collector, load_rule_file
from engine.rules.rulebook import ApplicationRules, Rule, file_order
from engine.rules.spec import RuleSpec
from engine.rules.yaml_source import parse_located
from engine.vocabulary import DECIDED_FIELDS, ApplicationOutcome, Exemption, RuleMode, Store

FIELD = "application_outcome"
MATCH_STRENGTHS: Final = ("exact", "title", "text", "none")
UNRECORDED: Final = "unrecorded"  # a withheld match without a recorded ground
NO_OUTCOME: Final = "none"  # the catalog names none: its matches disagree, or a ground is missing
APPLICATION_FIELDS: Final[Mapping[str, FieldSpec]] = MappingProxyType({
    "description": FieldSpec("text"),
    "match_strength": FieldSpec("enum", MATCH_STRENGTHS),
    "matched_stores": FieldSpec("list", tuple(Store)),
    "matched_count": FieldSpec("number"),
    "withheld_exemptions": FieldSpec("list", (*Exemption, UNRECORDED)),
    "restricted_matches": FieldSpec("number"),
    "restricted_unread": FieldSpec("number"),
    "search_complete": FieldSpec("enum", ("yes", "no")),
    "catalog_outcome": FieldSpec("enum", (*ApplicationOutcome, NO_OUTCOME)),
    "repeat": FieldSpec("enum", ("none", "answered", "pending")),
})
DEFAULTS: Final[Mapping[str, Any]] = MappingProxyType({
    "description": "", "match_strength": "none", "matched_stores": (), "matched_count": 0, "withheld_exemptions": (),
    "restricted_matches": 0, "restricted_unread": 0, "search_complete": "yes",
    "catalog_outcome": ApplicationOutcome.CANNOT_PROVIDE_NOT_HELD.value, "repeat": "none",
})


def application_facts(values: Mapping[str, Any]) -> dict[str, Any]:
    """Every application fact from `values` (the rest from DEFAULTS), text normalised as the rules' own
    words are; ValueError naming a field that is unknown or a value of the wrong type.

    Examples:
        >>> application_facts({"description": "我要投诉", "matched_count": 1})["matched_count"]
        1
    """
    unknown = sorted(set(values) - set(APPLICATION_FIELDS))
    if unknown:
        raise ValueError(f"unknown application facts: {', '.join(unknown)} (known: {', '.join(APPLICATION_FIELDS)})")
    facts = {**DEFAULTS, **values}
    for name, spec in APPLICATION_FIELDS.items():
        value = facts[name]
        if spec.type == "text":
            facts[name] = normalize_text(str(value))
        elif spec.type == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ValueError(f"{name} is a number, not {value!r}")
        elif spec.type == "enum" and value not in spec.values:
            raise ValueError(f"{name} is one of {', '.join(spec.values)}, not {value!r}")
        elif spec.type == "list":
            listed = [value] if isinstance(value, str) else list(value)
            bad = [v for v in listed if v not in spec.values]
            if bad:
                raise ValueError(f"{name} takes {', '.join(spec.values)}, not {bad[0]!r}")
            facts[name] = tuple(listed)
    return facts


def _check_application_outcome(spec: RuleSpec, loc: tuple[Any, ...], c: _Collector) -> None:
    """An application rule sets application_outcome, and nothing of a document's."""
    document_fields = [name for name, value in spec.outcome if name in DECIDED_FIELDS and value is not None]
    if document_fields:
        c.add(loc + ("outcome",), "R206", f"an application rule sets {FIELD} only, not {', '.join(document_fields)}",
              "a document's fields are decided by the rules outside rules/applications/", spec.id)
    elif spec.outcome.application_outcome is None:
        c.add(loc + ("outcome",), "R206", f"the outcome sets nothing: an application rule sets {FIELD}", "", spec.id)


def check_application_rules(files: Mapping[str, str | bytes], root: str, order: tuple[str, ...], statutes: Any,
                            today: dt.date, out: list[Diagnostic]) -> ApplicationRules:
    """The application rules of a rule set, every problem added to `out` (loading, citations, the
    manifest's precedence for the field, and each rule's examples run)."""
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    paths = sorted((name for name in files if name.startswith(APPLICATION_DIR + "/") and name.endswith(".yaml")
                    and not name.rsplit("/", 1)[-1].startswith("_")), key=file_order)
    for path in paths:
        display = f"{root}/{path}"
        located = parse_located(files[path], display)
        if isinstance(located, Diagnostic):
            out.append(located)
            continue
        collector = _Collector(located, display, out)
        for rule in load_rule_file(located, collector, APPLICATION_DIR, statutes, today, APPLICATION_FIELDS,
                                    _check_application_outcome):
            if rule.id in seen:
                out.append(Diagnostic(display, rule.line, 5, "R201", f"duplicate rule id {rule.id!r}",
                                      f"first defined at {seen[rule.id].file}:{seen[rule.id].line}", rule.id))
                continue
            seen[rule.id] = rule
            rules.append(rule)
    if rules and not order:
        out.append(Diagnostic(f"{root}/{MANIFEST}", 1, 1, "R203", f"precedence.{FIELD} is missing",
                              f"the application rules need it: list every outcome once, the winner first ({root}/"
                              f"{APPLICATION_DIR}/)"))
    out.extend(_example_problems(rules))
    return ApplicationRules(tuple(rules), order)


def _example_problems(rules: list[Rule]) -> list[Diagnostic]:
    """R301 for every example whose rule does (not) fire as it says; R105 for an example's unknown fact."""
    problems = []
    for rule in rules:
        if rule.mode is RuleMode.DISABLED:
            continue
        for example in rule.examples:
            try:
                facts = application_facts(example.document)
            except ValueError as exc:
                problems.append(Diagnostic(example.file, example.line, 9, "R105", f"example {example.name!r}: {exc}",
                                           "an application rule's example gives application facts", rule.id))
                continue
            fired = holds(rule.when, facts)
            if fired != (example.expect == "fires"):
                problems.append(Diagnostic(example.file, example.line, 9, "R301",
                                           f"example {example.name!r} expected {example.expect}, but "
                                           f"{'fires' if fired else 'does_not_fire'}", "", rule.id))
    return problems


def holds(cond: Condition, facts: Mapping[str, Any]) -> bool:
    """Whether a condition holds for an application's facts (the reference evaluator's meaning)."""
    if isinstance(cond, Leaf):
        return leaf_holds(cond, facts, APPLICATION_FIELDS)
    results = (holds(child, facts) for child in cond.children)
    if cond.kind == "all":
        return all(results)
    return any(results) if cond.kind == "any" else not any(results)


def evidence(cond: Condition, facts: Mapping[str, Any], positive: bool = True) -> list[dict[str, Any]]:
    """The leaves that made `cond` hold: field, operator, what was expected, and the rule's own words
    found in the text (an author's keywords: nobody's data)."""
    if isinstance(cond, Combo):
        inner = positive if cond.kind != "none" else not positive
        return [e for child in cond.children for e in evidence(child, facts, inner)]
    if leaf_holds(cond, facts, APPLICATION_FIELDS) != positive:
        return []
    expected = list(cond.value) if isinstance(cond.value, tuple) else cond.value
    item: dict[str, Any] = {"field": cond.field, "op": cond.op, "expected": expected, "negated": not positive}
    value = facts[cond.field]
    if positive and cond.op in ("contains_any", "contains_all"):
        item["matched"] = [k for k in cond.value if k in value]
    elif positive and not isinstance(value, str):
        item["matched"] = list(value) if isinstance(value, tuple) else value
    return [item]


@dataclass(frozen=True)
class ApplicationHit:
    """An application rule that fired, with its outcome, citation and why."""

    rule: Rule
    outcome: str
    evidence: tuple[Mapping[str, Any], ...]

    def describe(self) -> dict[str, Any]:
        return {"id": self.rule.id, "title": self.rule.title, "mode": self.rule.mode.value, "outcome": self.outcome,
                "citation": self.rule.citation(), "legal_basis": [dict(b) for b in self.rule.legal_basis],
                "confidence": self.rule.confidence, "evidence": [dict(e) for e in self.evidence]}


@dataclass(frozen=True)
class ApplicationDecision:
    """The outcome the application rules decide (None: no enforce or baseline rule sets it, the handler
    chooses), the rule that decided it, every hit, and the outcomes an equally sure rule proposed."""

    outcome: str | None
    rule: Rule | None
    hits: tuple[ApplicationHit, ...]
    contested_by: tuple[str, ...] = ()


def decide(rules: ApplicationRules, facts: Mapping[str, Any], *, on: dt.date | None = None) -> ApplicationDecision:
    """Evaluate every active application rule in effect `on` (the receipt day) over complete `facts`
    (application_facts): among the enforce hits (else the baseline ones) the outcome first in the
    manifest's order wins (ties: the higher confidence, then the rule id); monitor hits decide nothing."""
    hits = []
    for rule in rules.active():
        if (on is None or rule.in_effect(on)) and holds(rule.when, facts):
            hits.append(ApplicationHit(rule, str(rule.outcome[FIELD]), tuple(evidence(rule.when, facts))))
    order = {value: i for i, value in enumerate(rules.order)}
    for mode in (RuleMode.ENFORCE, RuleMode.BASELINE):
        deciding = [h for h in hits if h.rule.mode is mode]
        if deciding:
            deciding.sort(key=lambda h: (order.get(h.outcome, len(order)), -h.rule.confidence, h.rule.id))
            winner = deciding[0]
            contested = sorted({h.outcome for h in deciding
                                if h.outcome != winner.outcome and h.rule.confidence >= winner.rule.confidence})
            return ApplicationDecision(winner.outcome, winner.rule, tuple(hits), tuple(contested))
    return ApplicationDecision(None, None, tuple(hits))
