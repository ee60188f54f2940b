"""The reference evaluator: the rule language's meaning, in plain Python over Facts.

It is the test oracle for the durable-rules backend (a property test checks they agree) and the
source of evidence: which words matched where, for every leaf that made a rule fire.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Iterable

import re2

from engine.facts.derive import FIELDS, Facts, FieldSpec
from engine.facts.personal_data import redact
from engine.rules.conditions import Combo, Condition, Leaf

# Only the whole match is ever used (whether a pattern holds, and the span shown as evidence). With
# capture groups RE2 must run its NFA over the match to place them, in time proportional to the
# match's length times the program: `(.*a){20}` on a 10 MB body took 12 to 39 s; without them RE2
# finds the span with its DFA, forwards then backwards (0.85 s).
_NO_CAPTURE = re2.Options()
_NO_CAPTURE.never_capture = True


@lru_cache(maxsize=4096)
def compiled(pattern: str) -> "re2._Regexp":
    return re2.compile(pattern, options=_NO_CAPTURE)


def leaf_holds(leaf: Leaf, facts: Facts | Mapping[str, Any], fields: Mapping[str, FieldSpec] = FIELDS) -> bool:
    """Whether one leaf holds for the facts (of a document, or of the vocabulary `fields`)."""
    value, op, target = facts[leaf.field], leaf.op, leaf.value
    ftype = fields[leaf.field].type
    if op == "exists":
        return bool(value) == target
    if op == "equals":
        return bool(value == target)
    if op == "in":
        return value in target
    if op == "gt":
        return bool(value > target)
    if op == "gte":
        return bool(value >= target)
    if op == "lt":
        return bool(value < target)
    if op == "lte":
        return bool(value <= target)
    if op == "matches":
        return compiled(target).search(value) is not None
    contained = (lambda k: k in value) if ftype in ("text", "keyword", "list") else None  # substring for text, membership for lists
    assert contained is not None
    if op == "contains_any":
        return any(contained(k) for k in target)
    if op == "contains_all":
        return all(contained(k) for k in target)
    raise ValueError(f"unknown operator {op}")


def holds(cond: Condition, facts: Facts | Mapping[str, Any], fields: Mapping[str, FieldSpec] = FIELDS) -> bool:
    """Whether a condition holds for the facts."""
    if isinstance(cond, Leaf):
        return leaf_holds(cond, facts, fields)
    results = (holds(child, facts, fields) for child in cond.children)
    if cond.kind == "all":
        return all(results)
    if cond.kind == "any":
        return any(results)
    return not any(results)


def evidence(cond: Condition, facts: Facts, positive: bool = True) -> list[dict[str, Any]]:
    """What made `cond` hold: each leaf that held where it had to, with matched words and spans."""
    if isinstance(cond, Combo):
        inner = positive if cond.kind != "none" else not positive
        return [e for child in cond.children for e in evidence(child, facts, inner)]
    if leaf_holds(cond, facts) != positive:
        return []
    item: dict[str, Any] = {"field": cond.field, "op": cond.op, "expected": _plain(cond.value), "negated": not positive}
    if positive:
        item["matched"] = _matched(cond, facts)
    return [item]


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _matched(leaf: Leaf, facts: Facts) -> list[dict[str, Any]]:
    """What matched, with personal data masked: evidence is shown to people without clearance.

    A contains_any / contains_all match is one of the rule's own keywords, which an author wrote and
    which holds nobody's data; what a pattern matched, or a field's value, may.
    """
    items = _raw_matched(leaf, facts)
    if leaf.op in ("contains_any", "contains_all"):
        return items
    return [{k: redact(v) if isinstance(v, str) else v for k, v in item.items()} for item in items]


def _raw_matched(leaf: Leaf, facts: Facts) -> list[dict[str, Any]]:
    value = facts[leaf.field]
    if leaf.op in ("contains_any", "contains_all") and isinstance(value, str):
        return [{"text": k, "span": [value.find(k), value.find(k) + len(k)]} for k in leaf.value if k in value]
    if leaf.op == "matches":
        match = compiled(leaf.value).search(value)
        return [{"text": match.group(0), "span": [match.start(), match.end()]}] if match else []
    if leaf.op in ("contains_any", "contains_all"):
        return [{"value": k} for k in leaf.value if k in value]
    if isinstance(value, str):  # a text shown as evidence: one line, and short
        value = value.replace("\n", " ⏎ ")
        value = value if len(value) <= 40 else value[:40] + "…"
    return [{"value": value}]


class ReferenceBackend:
    """Evaluates every active rule of a rulebook by walking its condition."""

    def __init__(self, rules: Iterable[Any]) -> None:
        self._rules = [(rule.id, rule.when) for rule in rules]

    def evaluate(self, facts: Facts) -> list[str]:
        """Ids of the rules whose condition holds, in rulebook order."""
        return [rule_id for rule_id, when in self._rules if holds(when, facts)]
