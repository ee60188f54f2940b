"""Text predicates: every contains_any / contains_all / matches of a rulebook, computed in Python.

durable-rules' own regex dialect misses matches and crashes on CJK classes (notes/durable-rules.md §4),
so text is never sent to the engine. Instead each distinct text leaf gets a flag name; one
Aho-Corasick pass per field finds every keyword of the rulebook at once, and one RE2 set per field
runs every `matches` pattern of that field in a single linear pass, whatever the body's size.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Iterable

import ahocorasick
import re2

from engine.facts import Facts
from engine.rules.conditions import Leaf


# RE2 builds its DFA lazily and throws it away when it outgrows max_mem; with the default 8 MB a set
# of ~150 title patterns never stays warm (measured: 0.35 ms per title instead of 0.008 ms). The
# cache is bounded, so memory stays flat however many documents pass.
_SET_OPTIONS = re2.Options()
_SET_OPTIONS.max_mem = 32 << 20


_second = itemgetter(1)  # (end, word) → word


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
        patterns: dict[str, list[str]] = {}
        for leaf in self.flags:
            if leaf.op == "matches" and leaf.value not in patterns.setdefault(leaf.field, []):
                patterns[leaf.field].append(leaf.value)
        self._patterns = {field: {p: i for i, p in enumerate(ps)} for field, ps in patterns.items()}
        self._sets: dict[str, Any] = {}
        for field, ps in patterns.items():
            regex_set = re2.Set.SearchSet(_SET_OPTIONS)
            for pattern in ps:
                regex_set.Add(pattern)
            regex_set.Compile()
            self._sets[field] = regex_set
        self._scans: dict[str, "ahocorasick.Automaton"] = {}
        for field, words in keywords.items():
            automaton = ahocorasick.Automaton()
            for word in words:
                automaton.add_word(word, word)
            automaton.make_automaton()
            self._scans[field] = automaton
        # Inverted indexes, so that a document costs what it matches, not what the rulebook holds:
        # (field, keyword) → contains_any flags; (field, keyword) → contains_all leaves; (field,
        # pattern number) → matches flags; the few equals/in/exists leaves are checked one by one.
        self._any: dict[tuple[str, str], list[str]] = {}
        self._all: dict[tuple[str, str], list[Leaf]] = {}
        self._regex: dict[tuple[str, int], list[str]] = {}
        self._plain: list[tuple[Leaf, str]] = []
        for leaf, flag in self.flags.items():
            if leaf.op == "contains_any":
                for word in leaf.value:
                    self._any.setdefault((leaf.field, word), []).append(flag)
            elif leaf.op == "contains_all":
                for word in leaf.value:
                    self._all.setdefault((leaf.field, word), []).append(leaf)
            elif leaf.op == "matches":
                self._regex.setdefault((leaf.field, self._patterns[leaf.field][leaf.value]), []).append(flag)
            elif leaf.op in ("equals", "in", "exists"):
                self._plain.append((leaf, flag))
            else:
                raise ValueError(f"not a text operator: {leaf.op}")
        self._false = dict.fromkeys(self.flags.values(), False)

    def _found(self, facts: Facts) -> dict[str, set[str]]:
        return {field: set(map(_second, automaton.iter(facts[field]))) if facts[field] else set()
                for field, automaton in self._scans.items()}

    def evaluate(self, facts: Facts) -> dict[str, bool]:
        """The value of every flag for these facts."""
        values = dict(self._false)
        for field, words in self._found(facts).items():
            for word in words:
                for flag in self._any.get((field, word), ()):
                    values[flag] = True
                for leaf in self._all.get((field, word), ()):
                    values[self.flags[leaf]] = words.issuperset(leaf.value)
        for field, regex_set in self._sets.items():
            if facts[field]:
                for number in regex_set.Match(facts[field]) or ():
                    for flag in self._regex.get((field, number), ()):
                        values[flag] = True
        for leaf, flag in self._plain:
            text = facts[leaf.field]
            if leaf.op == "equals":
                values[flag] = text == leaf.value
            elif leaf.op == "in":
                values[flag] = text in leaf.value
            else:  # exists
                values[flag] = bool(text) == leaf.value
        return values
