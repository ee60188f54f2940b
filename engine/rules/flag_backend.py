"""The flag evaluator: many conditions over one document, each distinct condition once.

A backtest evaluates two rule sets (the active one and a candidate) over every past decision. Most
of their rules are the same, so the conditions of both are pooled: equal conditions (they are frozen
and hashable) are evaluated once. Text leaves come from one RE2 set pass per field, as in the
durable backend (predicates.TextPredicates); every other leaf is the reference evaluator's
`leaf_holds`. It is pure Python, needs no compiled ruleset (each durable-rules version leaks 5–20 MB,
notes/durable-rules.md §6) and is about four times faster than either backend; the property test in
tests/engine/test_backends_agree.py holds it to the reference evaluator's meaning.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence, Union

from engine.facts.derive import FIELDS, Facts
from engine.rules.conditions import Combo, Condition, Leaf, leaves
from engine.rules.predicates import TextPredicates

Test = Callable[[Facts, dict[str, bool]], bool]
Gate = Union[str, tuple[str, Any]]  # a text flag, or (field, value)


class ConditionSet:
    """Distinct conditions, each compiled to a closure over the facts and the text flags."""

    def __init__(self, conditions: Iterable[Condition]) -> None:
        self.conditions: list[Condition] = list(dict.fromkeys(conditions))
        self.index = {cond: i for i, cond in enumerate(self.conditions)}
        self.predicates = TextPredicates(
            leaf for cond in self.conditions for leaf in leaves(cond) if leaf.is_text)
        self._tests = [self._compile(cond) for cond in self.conditions]
        # Most conditions need some word to occur, or some value of a field (a doc_type, a kind of
        # personal data): a condition with a gate cannot hold unless one of its keys is open, so a
        # document is only tested against the conditions its own words and values open, plus the
        # few without a gate (a quarter of the time of testing them all).
        self._ungated: list[int] = []
        self._gated: dict[Gate, list[int]] = {}
        for i, cond in enumerate(self.conditions):
            gate = self._gate(cond)
            if gate is None:
                self._ungated.append(i)
            else:
                for key in gate:
                    self._gated.setdefault(key, []).append(i)
        fields = {key[0] for key in self._gated if isinstance(key, tuple)}
        self._scalar_keys = sorted(f for f in fields if FIELDS[f].type != "list")
        self._list_keys = sorted(f for f in fields if FIELDS[f].type == "list")

    def _gate(self, cond: Condition) -> frozenset[Gate] | None:
        """Keys of which one must be open for `cond` to hold (a text flag that is true, or a
        (field, value) the document has), or None when there is no such set."""
        if isinstance(cond, Leaf):
            if cond.is_text:
                return frozenset({self.predicates.flags[cond]})  # the flag is the leaf's truth
            if cond.op == "equals":
                return frozenset({(cond.field, cond.value)})
            if cond.op in ("in", "contains_any"):  # one of the values is the field's (or in its list)
                return frozenset((cond.field, v) for v in cond.value) or None
            if cond.op == "contains_all" and cond.value:  # every value is in the list: the first will do
                return frozenset({(cond.field, cond.value[0])})
            return None
        if cond.kind == "all":  # any one conjunct's gate will do: take the narrowest
            gates = [g for g in (self._gate(child) for child in cond.children) if g is not None]
            return min(gates, key=len) if gates else None
        if cond.kind == "any":  # every disjunct must be gated
            gates = [g for g in (self._gate(child) for child in cond.children) if g is not None]
            return frozenset().union(*gates) if len(gates) == len(cond.children) else None
        return None  # none: holds when its children do not

    def _compile(self, cond: Condition) -> Test:
        """The condition as one Python expression over the facts X and the flags F, compiled once:
        `and`/`or`/`not` short-circuit natively, three times faster than nested closures. Each leaf
        means what reference_backend.leaf_holds says (the property test holds them together)."""
        constants: dict[str, Any] = {}
        source = self._source(cond, constants)
        return eval(f"lambda X, F: {source}", {"__builtins__": {"bool": bool}, **constants})  # noqa: S307

    def _source(self, cond: Condition, constants: dict[str, Any]) -> str:
        if isinstance(cond, Combo):
            parts = [self._source(child, constants) for child in cond.children]
            if cond.kind == "all":
                return "(" + " and ".join(parts) + ")"
            if cond.kind == "any":
                return "(" + " or ".join(parts) + ")"
            return "(not (" + " or ".join(parts) + "))"
        if cond.is_text:
            return f"F[{self.predicates.flags[cond]!r}]"
        name = f"C{len(constants)}"
        value = f"X[{cond.field!r}]"
        if cond.op in ("contains_any", "contains_all"):  # a list field: membership
            constants[name] = frozenset(cond.value)
            return f"(not {name}.isdisjoint({value}))" if cond.op == "contains_any" else f"{name}.issubset({value})"
        constants[name] = cond.value
        template = {"exists": "(bool({v}) == {c})", "equals": "bool({v} == {c})", "in": "({v} in {c})",
                    "gt": "bool({v} > {c})", "gte": "bool({v} >= {c})", "lt": "bool({v} < {c})",
                    "lte": "bool({v} <= {c})"}[cond.op]
        return template.format(v=value, c=name)

    def held(self, facts: Facts) -> list[int]:
        """The indexes of the conditions that hold for the facts, ascending."""
        flags = self.predicates.evaluate(facts)
        tests, gated = self._tests, self._gated
        candidates = set(self._ungated)
        for flag in [flag for flag, value in flags.items() if value]:
            candidates.update(gated.get(flag, ()))
        for field in self._scalar_keys:
            candidates.update(gated.get((field, facts[field]), ()))
        for field in self._list_keys:
            for value in facts[field]:
                candidates.update(gated.get((field, value), ()))
        return sorted(i for i in candidates if tests[i](facts, flags))

    def holding(self, facts: Facts) -> list[bool]:
        """For each condition, in order, whether it holds for the facts."""
        held = [False] * len(self._tests)
        for i in self.held(facts):
            held[i] = True
        return held


class FlagBackend:
    """A rule backend (engine.suggest.RuleBackend) on a ConditionSet: ids of the rules that hold."""

    def __init__(self, rules: Sequence[object]) -> None:
        self._rules = [(rule.id, rule.when) for rule in rules]  # type: ignore[attr-defined]
        self._set = ConditionSet(when for _, when in self._rules)
        self._slots = [self._set.index[when] for _, when in self._rules]

    def evaluate(self, facts: Facts) -> list[str]:
        held = self._set.holding(facts)
        return [rule_id for (rule_id, _), slot in zip(self._rules, self._slots, strict=True) if held[slot]]
