"""Text predicates: every contains_any / contains_all / matches of a rulebook, computed in Python.

durable-rules' own regex dialect misses matches and crashes on CJK classes (notes/durable-rules.md §4),
so text is never sent to the engine. Instead each distinct text leaf gets a flag name, and one RE2
set per field holds every keyword (as an escaped literal) and every `matches` pattern of that field:
a single linear pass over the text says which of them occur anywhere, whatever the body's size.
(An Aho-Corasick automaton did the keywords before; RE2's DFA does the same job about five times
faster on our bodies, and in the same pass as the patterns.)
"""

from __future__ import annotations

import re
from typing import Iterable

import re2

from engine.facts.derive import Facts
from engine.rules.conditions import Leaf

# RE2 builds its DFA lazily and throws it away when it outgrows max_mem; with the default 8 MB a set
# of ~150 title patterns never stays warm (measured: 0.35 ms per title instead of 0.008 ms). The
# cache is bounded, so memory stays flat however many documents pass.
_SET_OPTIONS = re2.Options()
_SET_OPTIONS.max_mem = 32 << 20


class TextPredicates:
    """Flag names for text leaves, and their values for one document."""

    def __init__(self, text_leaves: Iterable[Leaf]) -> None:
        self.flags: dict[Leaf, str] = {}
        for leaf in text_leaves:
            if leaf not in self.flags:
                self.flags[leaf] = f"t{len(self.flags)}"
        # Per field: the set's entries in order, each a keyword or a pattern, and what they decide.
        entries: dict[str, list[tuple[str, str]]] = {}
        for leaf in self.flags:
            if leaf.op in ("contains_any", "contains_all"):
                entries.setdefault(leaf.field, []).extend(("keyword", word) for word in leaf.value)
            elif leaf.op == "matches":
                entries.setdefault(leaf.field, []).append(("pattern", leaf.value))
        self._entries: dict[str, list[tuple[str, str]]] = {}
        self._sets: dict[str, re2.Set] = {}
        for field, found in entries.items():
            unique = list(dict.fromkeys(found))
            regex_set = re2.Set.SearchSet(_SET_OPTIONS)
            for kind, value in unique:
                regex_set.Add(re.escape(value) if kind == "keyword" else value)
            regex_set.Compile()
            self._entries[field], self._sets[field] = unique, regex_set
        # Inverted indexes, so that a document costs what it matches, not what the rulebook holds:
        # (field, keyword) → contains_any flags and contains_all leaves; (field, pattern) → matches
        # flags; the few equals/in/exists leaves are checked one by one.
        self._any: dict[tuple[str, str], list[str]] = {}
        self._all: dict[tuple[str, str], list[Leaf]] = {}
        self._regex: dict[tuple[str, str], list[str]] = {}
        self._plain: list[tuple[Leaf, str]] = []
        for leaf, flag in self.flags.items():
            if leaf.op == "contains_any":
                for word in leaf.value:
                    self._any.setdefault((leaf.field, word), []).append(flag)
            elif leaf.op == "contains_all":
                for word in leaf.value:
                    self._all.setdefault((leaf.field, word), []).append(leaf)
            elif leaf.op == "matches":
                self._regex.setdefault((leaf.field, leaf.value), []).append(flag)
            elif leaf.op in ("equals", "in", "exists"):
                self._plain.append((leaf, flag))
            else:
                raise ValueError(f"not a text operator: {leaf.op}")
        self._false = dict.fromkeys(self.flags.values(), False)

    def evaluate(self, facts: Facts) -> dict[str, bool]:
        """The value of every flag for these facts."""
        values = dict(self._false)
        for field, regex_set in self._sets.items():
            text = facts[field]
            if not text:
                continue
            entries = self._entries[field]
            found = [entries[i] for i in regex_set.Match(text) or ()]
            words = {value for kind, value in found if kind == "keyword"}
            for kind, value in found:
                if kind == "pattern":
                    for flag in self._regex[(field, value)]:
                        values[flag] = True
                    continue
                for flag in self._any.get((field, value), ()):
                    values[flag] = True
                for leaf in self._all.get((field, value), ()):
                    values[self.flags[leaf]] = words.issuperset(leaf.value)
        for leaf, flag in self._plain:
            text = facts[leaf.field]
            if leaf.op == "equals":
                values[flag] = text == leaf.value
            elif leaf.op == "in":
                values[flag] = text in leaf.value
            else:  # exists
                values[flag] = bool(text) == leaf.value
        return values
