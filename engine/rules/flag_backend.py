"""The flag evaluator: many conditions over one document, each distinct condition once.

A backtest evaluates two rule sets (the active one and a candidate) over every past decision. Most
of their rules are the same, so the conditions of both are pooled: equal conditions (they are frozen
and hashable) are evaluated once. Text leaves come from one RE2 set pass per field, as in the
durable backend (predicates.TextPredicates); every other leaf is the reference evaluator's
`leaf_holds`. It is pure Python, needs no compiled ruleset (each durable-rules version leaks 5–20 MB,
notes/durable-rules.md §6) and is about four times faster than either backend; the property test in
tests/test_backends_agree.py holds it to the reference evaluator's meaning.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from engine.facts import Facts
from engine.rules.conditions import Combo, Condition, Leaf, leaves
from engine.rules.predicates import TextPredicates
from engine.rules.reference_backend import leaf_holds

Test = Callable[[Facts, dict[str, bool]], bool]


class ConditionSet:
    """Distinct conditions, each compiled to a closure over the facts and the text flags."""

    def __init__(self, conditions: Iterable[Condition]) -> None:
        self.conditions: list[Condition] = list(dict.fromkeys(conditions))
        self.index = {cond: i for i, cond in enumerate(self.conditions)}
        self.predicates = TextPredicates(
            leaf for cond in self.conditions for leaf in leaves(cond) if leaf.is_text)
        self._tests = [self._compile(cond) for cond in self.conditions]
        # Most conditions need some word to occur: a condition whose gate is a set of text flags
        # cannot hold unless one of them is true, so a document is only tested against the
        # conditions its own words open, plus the few without a gate (a fifth of the time).
        self._ungated: list[int] = []
        self._gated: dict[str, list[int]] = {}
        for i, cond in enumerate(self.conditions):
            gate = self._gate(cond)
            if gate is None:
                self._ungated.append(i)
            else:
                for flag in gate:
                    self._gated.setdefault(flag, []).append(i)

    def _gate(self, cond: Condition) -> frozenset[str] | None:
        """Text flags of which one must be true for `cond` to hold, or None when there is no such set."""
        if isinstance(cond, Leaf):
            return frozenset({self.predicates.flags[cond]}) if cond.is_text else None  # the flag is the leaf's truth
        if cond.kind == "all":  # any one conjunct's gate will do: take the narrowest
            gates = [g for g in (self._gate(child) for child in cond.children) if g is not None]
            return min(gates, key=len) if gates else None
        if cond.kind == "any":  # every disjunct must be gated
            gates = [self._gate(child) for child in cond.children]
            return None if any(g is None for g in gates) else frozenset().union(*gates)  # type: ignore[arg-type]
        return None  # none: holds when its children do not

    def _compile(self, cond: Condition) -> Test:
        if isinstance(cond, Leaf):
            if cond.is_text:
                flag = self.predicates.flags[cond]
                return lambda facts, flags: flags[flag]
            return lambda facts, flags: leaf_holds(cond, facts)
        assert isinstance(cond, Combo)
        children = [self._compile(child) for child in cond.children]
        if cond.kind == "all":
            return lambda facts, flags: all(test(facts, flags) for test in children)
        if cond.kind == "any":
            return lambda facts, flags: any(test(facts, flags) for test in children)
        return lambda facts, flags: not any(test(facts, flags) for test in children)

    def holding(self, facts: Facts) -> list[bool]:
        """For each condition, in order, whether it holds for the facts."""
        flags = self.predicates.evaluate(facts)
        held = [False] * len(self._tests)
        tests = self._tests
        candidates = set(self._ungated)
        for flag, value in flags.items():
            if value:
                candidates.update(self._gated.get(flag, ()))
        for i in candidates:
            held[i] = tests[i](facts, flags)
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
