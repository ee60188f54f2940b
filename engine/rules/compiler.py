"""Compiling a rulebook to durable-rules JSON rulesets.

Only the corner of durable's language that notes/durable-rules.md found reliable is emitted:
equality, $neq, $lt/$lte/$gt/$gte, $and and $or over a flat fact whose every field is present.
Negation (`none:`) is pushed down to the leaves (De Morgan) instead of durable's `x$not`, which is
safe only because no field is ever null or missing. Text leaves become boolean flags computed in
Python (predicates.py); list fields become one boolean per allowed value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Sequence

from engine.facts.derive import FIELDS, Facts
from engine.rules.conditions import Combo, Condition, Leaf
from engine.rules.predicates import TextPredicates
from engine.rules.rulebook import Rule

GUARD = "__kind"  # every rule requires {"__kind": "doc"}: it can never match durable's own state object
CHUNK = 40  # rules per C ruleset: far below the 512-test fan-out hang and the error-303 depth
MAX_FACT_FIELDS = 240  # durable refuses facts with 255 properties or more


def list_flag(field: str, value: str) -> str:
    return f"l_{field}__{value}"


class Compiler:
    """Turns conditions into durable expressions, given the flag names of the text leaves."""

    def __init__(self, predicates: TextPredicates) -> None:
        self.predicates = predicates

    def expression(self, cond: Condition, negate: bool = False) -> dict[str, Any]:
        """The durable expression for `cond` (or for its negation)."""
        if isinstance(cond, Combo):
            child_negate = negate != (cond.kind == "none")
            conjunctive = {"all": not negate, "any": negate, "none": not negate}[cond.kind]
            return _join(conjunctive, [self.expression(child, child_negate) for child in cond.children])
        return self._leaf(cond, negate)

    def _leaf(self, leaf: Leaf, negate: bool) -> dict[str, Any]:
        if leaf.is_text:
            return {self.predicates.flags[leaf]: not negate}
        if FIELDS[leaf.field].type == "list":
            if leaf.op == "exists":  # exists: true = has any allowed value
                values, want_all, negate = FIELDS[leaf.field].values, False, negate != (not leaf.value)
            else:
                values, want_all = leaf.value, leaf.op == "contains_all"
            flags = [{list_flag(leaf.field, v): not negate} for v in values]
            return _join(want_all != negate, flags)
        if leaf.op == "exists":  # keyword: non-empty string
            return {"$neq": {leaf.field: ""}} if leaf.value != negate else {leaf.field: ""}
        if leaf.op == "in":
            if negate:
                return {"$and": [{"$neq": {leaf.field: v}} for v in leaf.value]}
            return {"$or": [{leaf.field: v} for v in leaf.value]} if len(leaf.value) > 1 else {leaf.field: leaf.value[0]}
        if leaf.op == "equals":
            return {"$neq": {leaf.field: leaf.value}} if negate else {leaf.field: leaf.value}
        flipped = {"gt": "$lte", "gte": "$lt", "lt": "$gte", "lte": "$gt"}
        return {(flipped[leaf.op] if negate else "$" + leaf.op): {leaf.field: leaf.value}}


def _join(conjunctive: bool, parts: list[dict[str, Any]]) -> dict[str, Any]:
    return parts[0] if len(parts) == 1 else {"$and" if conjunctive else "$or": parts}


@dataclass(frozen=True)
class Chunk:
    """One C ruleset: its JSON, the rule ids by durable name, and the fact keys it reads."""

    definition: str
    names: dict[str, str]
    keys: tuple[str, ...]


def _keys(expr: Any, out: set[str]) -> set[str]:
    if isinstance(expr, dict):
        for key, value in expr.items():
            if key.startswith("$"):
                _keys(value, out)
            else:
                out.add(key)
    elif isinstance(expr, list):
        for item in expr:
            _keys(item, out)
    return out


def compile_chunks(rules: Sequence[Rule], predicates: TextPredicates, size: int = CHUNK) -> list[Chunk]:
    """Split the rules into rulesets small enough for durable, each with its own fact keys."""
    compiler = Compiler(predicates)
    compiled = [(rule.id, compiler.expression(rule.when)) for rule in rules]
    chunks: list[Chunk] = []
    start = 0
    while start < len(compiled):
        end = min(len(compiled), start + size)
        while True:
            part = compiled[start:end]
            keys: set[str] = set()
            for _, expr in part:
                _keys(expr, keys)
            if len(keys) <= MAX_FACT_FIELDS or end - start == 1:
                break
            end = start + max(1, (end - start) // 2)
        names = {f"r{start + i}": rule_id for i, (rule_id, _) in enumerate(part)}
        definition = {
            name: {"all": [{"m": {"$and": [{GUARD: "doc"}, expr]}}]}
            for name, (_, expr) in zip(names, part, strict=True)
        }
        chunks.append(Chunk(json.dumps(definition, ensure_ascii=False), names, tuple(sorted(keys))))
        start = end
    return chunks


def boolean_keys(predicates: TextPredicates) -> frozenset[str]:
    """The fact keys whose values are always booleans: text flags and list flags."""
    lists = {list_flag(name, value) for name, spec in FIELDS.items() if spec.type == "list" for value in spec.values}
    return frozenset(predicates.flags.values()) | lists


def fact_values(facts: Facts, flags: dict[str, bool]) -> dict[str, Any]:
    """Every key a compiled rule may read: plain fields, list flags and text flags."""
    values: dict[str, Any] = dict(flags)
    for name, spec in FIELDS.items():
        if spec.type == "list":
            present = set(facts[name])
            for value in spec.values:
                values[list_flag(name, value)] = value in present
        elif spec.type != "text":
            values[name] = facts[name]
    return values

