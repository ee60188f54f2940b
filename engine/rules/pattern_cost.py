"""What a `matches` pattern costs on a large document, judged when the rulebook is loaded (R110).

RE2 runs every pattern in time linear in the text, but the factor can be large. Every pattern of a
field shares one RE2 set (rules/predicates.py), which scans the whole text with a lazily built DFA;
a DFA state is the set of pattern positions alive at a character, so a pattern with many positions
that can be alive at once makes RE2 build a new state for nearly every character, and each costs in
proportion to the program. Two measures bound that:

- the RE2 program size (instructions, as RE2 compiles the pattern for UTF-8: a `.` is 3 of them, a
  CJK class a few dozen): the whole automaton one pattern adds; at most MAX_PROGRAM_SIZE;
- the unrolled size of each counted repetition: `X{m,n}` is n copies of X, so it holds n × size(X)
  positions, nested counts multiply (`((a{10}){10}){10}` is 1,000) and a group's alternatives add
  up (`(a|b|…|j){50}` is 500); at most MAX_UNROLLED. An unbounded repetition (`*`, `+`, `{m,}`)
  inside a counted one (`(.*a){20}`) is refused outright: each copy stays alive to the end of the
  line, the shape behind a 10 MB push that took 39 s.

The project's own rulebook stays well inside both (its largest: 1,668 instructions for a title
pattern; counted repetitions up to `.{0,80}`); see bench/pattern_cost_bench.py for what the limits
mean in seconds. (Evaluating a pattern for a document's evidence no longer extracts capture groups:
rules/reference_backend.py compiles with never_capture, which was most of the 39 s.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import re2

MAX_PROGRAM_SIZE = 2000
MAX_UNROLLED = 100
_COUNT = re.compile(r"\{(\d+)(,(\d*))?\}")


@dataclass(frozen=True)
class Cost:
    """A pattern's program size, its largest counted repetition unrolled, and the first counted
    repetition that holds an unbounded one (as written), if any."""

    program_size: int
    unrolled: int
    unbounded_inside: str | None


def cost(pattern: str) -> Cost:
    """The cost of a pattern RE2 accepts (check it with conditions.regex_problem first).

    >>> cost(".{0,80}").unrolled, cost("(a|b|c){50}").unrolled, cost("((a{10}){10}){10}").unrolled
    (80, 150, 1000)
    >>> cost("(.*a){20}").unbounded_inside
    '(.*a){20}'
    """
    walker = _Walker(pattern)
    walker.alternation()
    return Cost(re2.compile(pattern).programsize, walker.worst, walker.unbounded_inside)


def cost_problem(pattern: str) -> tuple[str, str] | None:
    """Why the pattern is too costly to run on large documents (message, hint), or None."""
    found = cost(pattern)
    if found.program_size > MAX_PROGRAM_SIZE:
        return (f"the pattern {pattern!r} compiles to an RE2 program of {found.program_size:,} instructions, more "
                f"than the limit of {MAX_PROGRAM_SIZE:,}: it would make every long document slow",
                "narrow it: smaller counts ({0,40} rather than {0,400}), fewer alternatives, or split it over "
                "several conditions; the largest pattern of the project's rules compiles to 1,668")
    if found.unbounded_inside is not None:
        return (f"the pattern {pattern!r} repeats {found.unbounded_inside!r}, which holds an unbounded repetition "
                "(*, + or {m,}), a counted number of times: RE2 keeps every copy alive on every character",
                "bound the inner repetition ({0,40} rather than *), or write the repeated part as separate "
                "conditions under all:")
    if found.unrolled > MAX_UNROLLED:
        return (f"the pattern {pattern!r} has a counted repetition that unrolls to {found.unrolled:,} positions "
                f"(the count times the size of what it repeats; nested counts multiply), more than the limit of "
                f"{MAX_UNROLLED}", "use smaller counts (the project's rules use up to .{0,80}) and do not nest them")
    return None


class _Walker:
    """A recursive descent over RE2's syntax that measures sizes (the pattern is already known to be
    valid): a character, class or escape is 1, a sequence and an alternation add up, a count multiplies."""

    def __init__(self, pattern: str) -> None:
        self.p, self.i = pattern, 0
        self.worst = 0
        self.unbounded_inside: str | None = None

    def alternation(self) -> tuple[int, bool]:
        size, unbounded = self.sequence()
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            more, more_unbounded = self.sequence()
            size, unbounded = size + more, unbounded or more_unbounded
        return size, unbounded

    def sequence(self) -> tuple[int, bool]:
        size, unbounded = 0, False
        while self.i < len(self.p) and self.p[self.i] not in "|)":
            start = self.i
            atom, atom_unbounded = self.atom()
            atom, atom_unbounded = self.quantified(start, atom, atom_unbounded)
            size, unbounded = size + atom, unbounded or atom_unbounded
        return size, unbounded

    def atom(self) -> tuple[int, bool]:
        p, i = self.p, self.i
        if p[i] == "(":
            if p.startswith(("(?P<", "(?<"), i):  # a named group
                self.i = p.index(">", i) + 1
            elif p.startswith("(?", i):  # flags: (?i) sets them and holds nothing, (?i:…) is a group
                j = i + 2
                while p[j] not in ":)":
                    j += 1
                self.i = j + 1
                if p[j] == ")":
                    return 0, False
            else:
                self.i = i + 1
            inner = self.alternation()
            self.i += 1  # ")"
            return inner
        if p[i] == "[":
            self.i = _class_end(p, i)
        elif p[i] == "\\":
            self.i = _escape_end(p, i)
        else:
            self.i += 1
        return 1, False

    def quantified(self, start: int, size: int, unbounded: bool) -> tuple[int, bool]:
        p = self.p
        while self.i < len(p):
            if p[self.i] in "*+":
                self.i, unbounded = self.i + 1, True
            elif p[self.i] == "?":
                self.i += 1
            elif (count := _COUNT.match(p, self.i)) is not None:
                times = int(count.group(3) or count.group(1))  # {m,n}: n; {m} and {m,}: m
                written = p[start:count.end()]
                if unbounded and times > 1 and self.unbounded_inside is None:
                    self.unbounded_inside = written
                size *= max(times, 1)
                self.worst = max(self.worst, size)
                unbounded = unbounded or (count.group(2) is not None and not count.group(3))
                self.i = count.end()
            else:
                break
            if self.i < len(p) and p[self.i] == "?":  # lazy: the same positions
                self.i += 1
        return size, unbounded


def _class_end(p: str, i: int) -> int:
    """The index after the character class starting at p[i] == "["."""
    j = i + 1
    if j < len(p) and p[j] == "^":
        j += 1
    if j < len(p) and p[j] == "]":  # a leading ] is a member
        j += 1
    while p[j] != "]":
        if p.startswith("[:", j) and ":]" in p[j:]:
            j = p.index(":]", j) + 2
        elif p[j] == "\\":
            j = _escape_end(p, j)
        else:
            j += 1
    return j + 1


def _escape_end(p: str, i: int) -> int:
    """The index after the escape starting at p[i] == "\\" (\\pN, \\p{Han}, \\x{4E00}, \\Q…\\E, \\n …)."""
    kind = p[i + 1]
    if kind in "pPx" and i + 2 < len(p) and p[i + 2] == "{":
        return p.index("}", i) + 1
    if kind in "pP":
        return i + 3
    if kind == "x":
        return i + 4
    if kind == "Q":
        end = p.find("\\E", i + 2)
        return len(p) if end < 0 else end + 2
    return i + 2
