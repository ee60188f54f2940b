"""What a `matches` pattern costs a long document, and what the rulebook limits (R110) let through.

Prints, in one run: the limits and where the project's own patterns stand; each pattern's verdict
(RE2 program size, counted repetition unrolled, refused or not); then, for each pattern added as one
monitor rule on `body` to the real rulebook, the time of the service's whole suggestion (the
durable backend, with evidence) for a body of --mb MB, on ordinary text (the starter documents' bodies
repeated) and on text made to keep RE2's automaton busy (random characters the pattern cares about),
both as gongkai evaluated patterns before (capture groups extracted for evidence, no cost limit) and now.

    .venv/bin/python bench/pattern_cost_bench.py [--mb 10] [--only before|after] [PATTERN ...]
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Iterator

import re2

from engine.facts.document import document_from_record
from engine.paths import PROJECT_ROOT
from engine.rules import conditions, loader, reference_backend
from engine.rules.conditions import leaves
from engine.rules.loader import check_rulebook
from engine.rules.pattern_cost import MAX_PROGRAM_SIZE, MAX_UNROLLED, cost, cost_problem
from engine.suggest import Suggester

RULES = PROJECT_ROOT / "rules"
TRAINING = PROJECT_ROOT / "data" / "training" / "records.jsonl"  # the starter sets A and B
# (pattern, the characters an adversarial body is drawn from)
PATTERNS = [
    ("(.*a){20}", "ab"),  # the 39-second push: refused now
    (".{1000}", "ab"),  # refused
    ("a.{0,99}b", "ab"),  # the worst shape that passes: a counted repetition of `.` at the limit
    ("公布.{0,80}(施行|实施)", ["公布", "x", "施行"]),  # a real one (proactive.normative.regulation_texts)
]
RULE = """schema: gongkai-rules/1
rules:
  - id: proactive.probe.pattern
    title: 探测
    mode: monitor
    outcome: {{category: proactive}}
    legal_basis:
      - {{source: 政府信息公开条例, article: 19, excerpt: 需要公众广泛知晓或者需要公众参与决策的政府信息，行政机关应当主动公开}}
    when: {{field: body, matches: {pattern}}}
    examples:  # present (R302 wants both); not run here
      - {{name: one, document: {{title: t, body: x}}, expect: fires}}
      - {{name: two, document: {{title: t, body: x}}, expect: does_not_fire}}
"""


@functools.lru_cache(maxsize=4096)
def _with_captures(pattern: str) -> "re2._Regexp":
    return re2.compile(pattern)


@functools.lru_cache(maxsize=1)
def _ordinary(size: int) -> str:
    bodies = [json.loads(line).get("body") or "" for line in TRAINING.read_text(encoding="utf-8").splitlines()
              if line.strip()]
    text = "\n".join(bodies)
    return (text * (size // len(text.encode()) + 1)).encode()[:size].decode("utf-8", "ignore")


def _adversarial(pieces: str | list[str], size: int) -> str:
    rng, out, n = random.Random(0), [], 0
    choices = list(pieces)
    while n < size:
        piece = rng.choice(choices)
        out.append(piece)
        n += len(piece.encode())
    return "".join(out)


@functools.lru_cache(maxsize=None)
def _suggester(pattern: str | None, before: bool) -> Suggester:
    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules"
        shutil.copytree(RULES, rules)
        if pattern is not None:
            (rules / "proactive" / "probe.yaml").write_text(RULE.format(pattern=json.dumps(pattern)), encoding="utf-8")
        with _old_gongkai(before):
            book, diagnostics = check_rulebook(rules)
        assert book is not None, [d.render() for d in diagnostics if d.severity == "error"]
        return Suggester(book, "durable")


class _old_gongkai:
    """Before: patterns compiled with capture groups for evidence, and no cost limit at load."""

    def __init__(self, before: bool) -> None:
        self.before = before

    def __enter__(self) -> None:
        if self.before:
            self.saved = reference_backend.compiled, conditions.cost_problem
            reference_backend.compiled = _with_captures  # type: ignore[assignment]
            conditions.cost_problem = lambda pattern: None  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        if self.before:
            reference_backend.compiled, conditions.cost_problem = self.saved  # type: ignore[assignment]


def _timed(suggester: Suggester, body: str, before: bool) -> float:
    doc = document_from_record({"id": "b", "title": "关于印发管理办法的通知", "doc_type": "通知", "body": body})
    with _old_gongkai(before):
        start = time.perf_counter()
        suggester.suggest(doc)
        return time.perf_counter() - start


def _own() -> Iterator[str]:
    book = loader.load_rulebook(RULES)
    patterns = {leaf.value for rule in book.rules for leaf in leaves(rule.when) if leaf.op == "matches"}
    costs = {p: cost(p) for p in patterns}
    largest = max(costs, key=lambda p: costs[p].program_size)
    yield (f"limits: RE2 program {MAX_PROGRAM_SIZE:,} instructions, counted repetition {MAX_UNROLLED} positions "
           f"(no unbounded repetition inside one), {loader.MAX_RULES:,} rules, "
           f"{loader.MAX_PATTERN_PROGRAMS:,} instructions of patterns in all")
    yield (f"the project's rules: {len(book.rules)} rules, {len(patterns)} patterns, {sum(c.program_size for c in costs.values()):,} "
           f"instructions in all; largest program {costs[largest].program_size:,} ({largest}); "
           f"largest counted repetition {max(c.unrolled for c in costs.values())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("patterns", nargs="*", help="patterns to time (default: a set covering the limits)")
    parser.add_argument("--mb", type=float, default=10.0, help="body size in MB (default 10)")
    parser.add_argument("--only", choices=["before", "after"], default=None)
    parser.add_argument("--adversarial", default=None, help="characters of the adversarial body for PATTERNs")
    args = parser.parse_args()
    size = int(args.mb * 1_000_000)
    chosen = [(p, args.adversarial or "ab") for p in args.patterns] or PATTERNS
    for line in _own():
        print(line)
    print(f"\n{'pattern':<28}{'program':>8}{'unrolled':>9}  verdict")
    for pattern, _ in chosen:
        c, problem = cost(pattern), cost_problem(pattern)
        print(f"{pattern:<28}{c.program_size:>8}{c.unrolled:>9}  {'REFUSED (R110)' if problem else 'passes'}")
    sides = [s for s in ("before", "after") if args.only in (None, s)]
    print(f"\nthe whole suggestion of a {args.mb:g} MB body (seconds), real rulebook plus the pattern on body:")
    print(f"{'pattern':<28}" + "".join(f"{f'{side}: ordinary':>20}{f'{side}: adversarial':>22}" for side in sides))
    for pattern, pieces in [(None, ["公布", "x", "施行"]), *chosen]:
        cells = []
        for side in sides:
            if side == "after" and pattern is not None and cost_problem(pattern):
                cells += [f"{'refused':>20}", f"{'refused':>22}"]
                continue
            suggester = _suggester(pattern, side == "before")
            ordinary = _timed(suggester, _ordinary(size), side == "before")
            hostile = _timed(suggester, _adversarial(pieces, size), side == "before")
            cells += [f"{ordinary:>20.2f}", f"{hostile:>22.2f}"]
        print(f"{pattern or '(the rulebook alone)':<28}" + "".join(cells), flush=True)


if __name__ == "__main__":
    main()
