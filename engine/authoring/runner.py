"""Running the rulebook's own tests: inline examples of every rule and the scenario files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from engine.facts.derive import Facts
from engine.facts.document import document_from_record
from engine.rules.conditions import Condition, Leaf
from engine.rules.reference_backend import leaf_holds
from engine.rules.rulebook import Rule
from engine.suggest import Suggester
from engine.vocabulary import DECIDED_FIELDS, FieldStatus


@dataclass(frozen=True)
class Outcome:
    """One example or scenario: passed or not, and what to show when not."""

    kind: str  # example | scenario
    name: str
    file: str
    line: int
    passed: bool
    expected: str = ""
    actual: str = ""
    detail: str = ""
    rule_id: str | None = None

    def render(self) -> str:
        where = f"{self.file}:{self.line}"
        head = f"{where}: R301 {self.kind} {self.name!r}" + (f" of rule {self.rule_id}" if self.rule_id else "")
        text = f"{head}\n    expected: {self.expected}\n    actual:   {self.actual}"
        return text + (f"\n    {self.detail}" if self.detail else "")


def _trace(cond: Condition, facts: Facts, depth: int = 0) -> list[str]:
    """Which parts of a condition held: the first thing an author needs when an example fails."""
    pad = "  " * depth
    if isinstance(cond, Leaf):
        mark = "✓" if leaf_holds(cond, facts) else "✗"
        shown = facts[cond.field]
        shown = shown if not isinstance(shown, str) or len(shown) < 40 else shown[:40] + "…"
        return [f"{pad}{mark} {cond.field} {cond.op} {list(cond.value) if isinstance(cond.value, tuple) else cond.value!r}"
                f"   (value: {shown!r})"]
    lines = [f"{pad}{cond.kind}:"]
    for child in cond.children:
        lines += _trace(child, facts, depth + 1)
    return lines


def run_examples(suggester: Suggester) -> Iterator[Outcome]:
    """Every inline example of every active rule, evaluated by the real backend."""
    for rule in suggester.book.active():
        for example in rule.examples:
            yield _run_example(suggester, rule, example)


def _run_example(suggester: Suggester, rule: Rule, example: Any) -> Outcome:
    document = document_from_record(dict(example.document))
    facts, decision = suggester.run(document)
    fired = any(hit.rule.id == rule.id for hit in decision.hits)
    wanted = example.expect == "fires"
    detail = ""
    if fired != wanted:
        detail = "condition trace:\n      " + "\n      ".join(_trace(rule.when, facts))
    return Outcome("example", example.name, example.file, example.line, fired == wanted, example.expect,
                   "fires" if fired else "does_not_fire", detail, rule.id)


def run_scenarios(suggester: Suggester) -> Iterator[Outcome]:
    """Every case of rules/tests/*.yaml: decided values and fired / not fired rules."""
    for case in suggester.book.scenarios:
        document = document_from_record(dict(case.document))
        facts, decision = suggester.run(document)
        fired = {hit.rule.id for hit in decision.hits}
        problems = []
        for name in DECIDED_FIELDS:
            if name in case.expect:
                want = case.expect[name]
                fd = decision.fields[name]
                got = FieldStatus.UNDECIDED.value if fd.status == FieldStatus.UNDECIDED else fd.value
                if got != want:
                    problems.append((f"{name}={want}", f"{name}={got}"))
        for rule_id in case.expect.get("fired", []) or []:
            if rule_id not in fired:
                problems.append((f"{rule_id} fires", f"{rule_id} did not fire"))
        for rule_id in case.expect.get("not_fired", []) or []:
            if rule_id in fired:
                problems.append((f"{rule_id} does not fire", f"{rule_id} fired"))
        yield Outcome(
            "scenario", case.name, case.file, case.line, not problems,
            "; ".join(p[0] for p in problems), "; ".join(p[1] for p in problems),
            f"rules fired: {', '.join(sorted(fired)) or 'none'}" if problems else "",
        )
