"""Text predicates: every contains_any / contains_all / matches of a rulebook, computed in Python.

durable-rules' own regex dialect misses matches and crashes on CJK classes (notes/durable-rules.md §4),
so text is never sent to the engine. Instead each distinct text leaf gets a flag name, and one
Aho-Corasick pass per field finds every keyword of the rulebook at once, whatever the body's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import ahocorasick

from engine.facts import Facts
from engine.rules.conditions import Leaf
from engine.rules.reference_backend import compiled


@dataclass(frozen=True)
class _FieldScan:
    automaton: "ahocorasick.Automaton"


class TextPredicates:
    """Flag names for text leaves, and their values for one document."""

    def __init__(self, text_leaves: Iterable[Leaf]) -> None:
        self.flags: dict[Leaf, str] = {}
        keywords: dict[str, set[str]] = {}
        for leaf in text_leaves:
            if leaf not in self.flags:
                self.flags[leaf] = f"t{len(self.flags)}"
                if leaf.op in ("contains_any", "contains_all"):
                    keywords.setdefault(leaf.field, set()).update(leaf.value)
        self._scans: dict[str, "ahocorasick.Automaton"] = {}
        for field, words in keywords.items():
            automaton = ahocorasick.Automaton()
            for word in words:
                automaton.add_word(word, word)
            automaton.make_automaton()
            self._scans[field] = automaton

    def _found(self, facts: Facts) -> dict[str, set[str]]:
        return {field: {word for _, word in automaton.iter(facts[field])} if facts[field] else set()
                for field, automaton in self._scans.items()}

    def evaluate(self, facts: Facts) -> dict[str, bool]:
        """The value of every flag for these facts."""
        found = self._found(facts)
        values: dict[str, bool] = {}
        for leaf, flag in self.flags.items():
            text = facts[leaf.field]
            if leaf.op == "contains_any":
                values[flag] = any(k in found[leaf.field] for k in leaf.value)
            elif leaf.op == "contains_all":
                values[flag] = all(k in found[leaf.field] for k in leaf.value)
            elif leaf.op == "matches":
                values[flag] = compiled(leaf.value).search(text) is not None
            elif leaf.op == "equals":
                values[flag] = text == leaf.value
            elif leaf.op == "in":
                values[flag] = text in leaf.value
            elif leaf.op == "exists":
                values[flag] = bool(text) == leaf.value
            else:
                raise ValueError(f"not a text operator: {leaf.op}")
        return values
