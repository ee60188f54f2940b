"""Text predicates: every contains_any / contains_all / matches of a rulebook, computed in Python.

durable-rules' own regex dialect misses matches and crashes on CJK classes (notes/durable-rules.md §4),
so text is never sent to the engine. Instead each distinct text leaf gets a flag name. Per field, one
RE2 set holds every keyword (as an escaped literal): a single linear pass over the text says which occur
anywhere, whatever the body's size. (An Aho-Corasick automaton did the keywords before; RE2's DFA does the
same job about five times faster on our bodies.)

The field's `matches` patterns are not in that set but in an RE2 FilteredRE2 (re2.Filter): the literal
pieces every match must contain ("atoms") are found in one pass, and only the patterns whose atoms all
occur are run, each by itself. With keywords and patterns in one set, the lazily built DFA of keywords
× patterns (`公布.{0,80}(施行|实施)` keeps up to 80 positions alive) never stayed warm on text it had
not seen: 1.5–2.5 ms a 4 KB body, every document, against 0.1 ms on a body seen before (the cache
filled and was thrown away; bench/suggest_bench.py). Split, the keyword set stays warm (a literal set's
states are bounded by its trie) and a body costs about 0.15 ms. Which patterns match is unchanged: a
pattern skipped lacks a literal every match of it contains (tests/engine/test_suggest_speed_equivalence.py
compares with each entry searched alone).
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
# Each pattern of a filter is its own RE2, run only on texts that hold its atoms: RE2's default budget
# (8 MB, a bound and not an allocation; past it a search falls back to the NFA, never to a wrong answer).
_PATTERN_OPTIONS = re2.Options()


class TextPredicates:
    """Flag names for text leaves, and their values for one document."""

    def __init__(self, text_leaves: Iterable[Leaf]) -> None:
        self.flags: dict[Leaf, str] = {}
        for leaf in text_leaves:
            if leaf not in self.flags:
                self.flags[leaf] = f"t{len(self.flags)}"
        # Inverted indexes, so that a document costs what it matches, not what the rulebook holds:
        # (field, keyword) → contains_any flags and contains_all leaves; (field, pattern) → matches
        # flags; the few equals/in/exists leaves are checked one by one. A pattern that is nothing but
        # literal words (`纪要|议题|党`, half the title patterns) holds exactly when one of them occurs:
        # its words join the keywords, as a contains_any would.
        self._any: dict[tuple[str, str], list[str]] = {}
        self._all: dict[tuple[str, str], list[Leaf]] = {}
        self._regex: dict[tuple[str, str], list[str]] = {}
        self._plain: list[tuple[Leaf, str]] = []
        words: dict[str, list[str]] = {}
        patterns: dict[str, list[str]] = {}
        for leaf, flag in self.flags.items():
            literal = literal_words(leaf.value) if leaf.op == "matches" else None
            if leaf.op == "contains_any" or literal is not None:
                for word in literal or leaf.value:
                    self._any.setdefault((leaf.field, word), []).append(flag)
                    words.setdefault(leaf.field, []).append(word)
            elif leaf.op == "contains_all":
                for word in leaf.value:
                    self._all.setdefault((leaf.field, word), []).append(leaf)
                    words.setdefault(leaf.field, []).append(word)
            elif leaf.op == "matches":
                self._regex.setdefault((leaf.field, leaf.value), []).append(flag)
                patterns.setdefault(leaf.field, []).append(leaf.value)
            elif leaf.op in ("equals", "in", "exists"):
                self._plain.append((leaf, flag))
            else:
                raise ValueError(f"not a text operator: {leaf.op}")
        # Per field: the keywords' set and the patterns' filter, each with the entries it decides, in order.
        self._keywords = {field: _keyword_set(list(dict.fromkeys(found))) for field, found in words.items()}
        self._patterns = {field: _pattern_filter(list(dict.fromkeys(found))) for field, found in patterns.items()}
        self._fields = tuple(dict.fromkeys([*self._keywords, *self._patterns]))
        self._false = dict.fromkeys(self.flags.values(), False)

    def evaluate(self, facts: Facts) -> dict[str, bool]:
        """The value of every flag for these facts."""
        return self.evaluate_words(facts)[0]

    def evaluate_words(self, facts: Facts) -> tuple[dict[str, bool], dict[str, set[str]]]:
        """The value of every flag, and per field the keywords of text leaves (contains_any, contains_all and
        patterns of literal words) that occur in it: every other keyword of a field does not."""
        values = dict(self._false)
        present: dict[str, set[str]] = {}
        for field in self._fields:
            text = facts[field]
            if not text:
                continue
            encoded = text.encode("utf-8")  # once for both: the wrappers would encode a str each
            for pattern in self._matching_patterns(field, encoded):
                for flag in self._regex[(field, pattern)]:
                    values[flag] = True
            words = present[field] = self._matching_words(field, encoded)
            for word in words:
                for flag in self._any.get((field, word), ()):
                    values[flag] = True
                for leaf in self._all.get((field, word), ()):
                    values[self.flags[leaf]] = words.issuperset(leaf.value)
        for leaf, flag in self._plain:
            text = facts[leaf.field]
            if leaf.op == "equals":
                values[flag] = text == leaf.value
            elif leaf.op == "in":
                values[flag] = text in leaf.value
            else:  # exists
                values[flag] = bool(text) == leaf.value
        return values, present

    def _matching_words(self, field: str, encoded: bytes) -> set[str]:
        """The field's keywords that occur in the (UTF-8) text."""
        if field not in self._keywords:
            return set()
        regex_set, words = self._keywords[field]
        return {words[i] for i in regex_set.Match(encoded) or ()}

    def _matching_patterns(self, field: str, encoded: bytes) -> list[str]:
        """The field's patterns that match somewhere in the (UTF-8) text."""
        if field not in self._patterns:
            return []
        regex_filter, patterns = self._patterns[field]
        return [patterns[i] for i in regex_filter.Match(encoded) or ()]


_META = frozenset("\\.^$*+?()[]{}|")


def literal_words(pattern: str) -> tuple[str, ...] | None:
    """The words of a pattern that is only literal words between `|`, or None for any other pattern.

    Examples:
        >>> literal_words("纪要|议题|党"), literal_words("纪要"), literal_words("纪要|议.")
        (('纪要', '议题', '党'), ('纪要',), None)
        >>> literal_words("纪要||党") is None, literal_words("(?i)secret") is None
        (True, True)
    """
    words = tuple(pattern.split("|"))
    if not all(words) or any(_META.intersection(word) for word in words):
        return None  # an empty branch matches everywhere; anything else is a real pattern
    return words


def _keyword_set(words: list[str]) -> tuple[re2.Set, list[str]]:
    regex_set = re2.Set.SearchSet(_SET_OPTIONS)
    for word in words:
        regex_set.Add(re.escape(word))
    regex_set.Compile()
    return regex_set, words


def _pattern_filter(patterns: list[str]) -> tuple[re2.Filter, list[str]]:
    regex_filter = re2.Filter()
    for pattern in patterns:
        regex_filter.Add(pattern, _PATTERN_OPTIONS)
    regex_filter.Compile()
    return regex_filter, patterns
