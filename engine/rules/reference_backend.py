"""The reference evaluator: the rule language's meaning, in plain Python over Facts.

It is the test oracle for the durable-rules backend (a property test checks they agree) and the
source of evidence: which words matched where, for every leaf that made a rule fire.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Known:
    """What the durable backend's text predicates found for one document (engine/rules/predicates.py): the
    flag of each text leaf, and per field the rule keywords that occur in it. Evidence read from here is
    what leaf_holds and a search of the text would give (tests/engine/test_suggest_speed_equivalence.py)."""

    names: Mapping[Leaf, str]
    flags: Mapping[str, bool]
    words: Mapping[str, set[str]]

    def holds(self, leaf: Leaf) -> bool | None:
        """Whether a text leaf holds; None for a leaf the predicates do not compute."""
        name = self.names.get(leaf)
        return None if name is None else self.flags[name]


def evidence(cond: Condition, facts: Facts, positive: bool = True, known: Known | None = None) -> list[dict[str, Any]]:
    """What made `cond` hold: each leaf that held where it had to, with matched words and spans.

    `known` may hold what the caller found already (the durable backend's text predicates): a text leaf's
    value and its keywords are then not searched for again."""
    if isinstance(cond, Combo):
        inner = positive if cond.kind != "none" else not positive
        return [e for child in cond.children for e in evidence(child, facts, inner, known)]
    held = known.holds(cond) if known is not None else None
    if (leaf_holds(cond, facts) if held is None else held) != positive:
        return []
    item: dict[str, Any] = {"field": cond.field, "op": cond.op, "expected": _plain(cond.value), "negated": not positive}
    if positive:
        item["matched"] = _matched(cond, facts, known if held is not None else None)
    return [item]


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _matched(leaf: Leaf, facts: Facts, known: Known | None = None) -> list[dict[str, Any]]:
    """What matched, with personal data masked: evidence is shown to people without clearance.

    A contains_any / contains_all match is one of the rule's own keywords, which an author wrote and
    which holds nobody's data; what a pattern matched, or a field's value, may.
    """
    items = _raw_matched(leaf, facts, known)
    if leaf.op in ("contains_any", "contains_all"):
        return items
    return [{k: redact(v) if isinstance(v, str) else v for k, v in item.items()} for item in items]


def _raw_matched(leaf: Leaf, facts: Facts, known: Known | None = None) -> list[dict[str, Any]]:
    value = facts[leaf.field]
    if leaf.op in ("contains_any", "contains_all") and isinstance(value, str):
        # With `known`, a keyword absent from the text is not looked for in it (a 4 KB body, twenty keywords a leaf).
        present = known.words.get(leaf.field, set()) if known is not None else None
        spans = ((k, value.find(k)) for k in leaf.value if (k in present if present is not None else k in value))
        return [{"text": k, "span": [at, at + len(k)]} for k, at in spans]
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
