"""Memory stays flat: one durable session, every fact retracted (bench/ runs the million)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.suggest import Suggester
from tests.conftest import make_doc


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


@pytest.mark.slow  # 15,000 evaluations
def test_rss_is_flat_over_many_evaluations(suggester: Suggester) -> None:
    docs = [make_doc(**e.document) for r in suggester.book.active() for e in r.examples]
    facts = [suggester.run(d)[0] for d in docs]
    for f in facts * 5:  # warm up allocator pools and caches
        suggester.backend.evaluate(f)
    before = _rss_kb()
    for _ in range(60):
        for f in facts:
            suggester.backend.evaluate(f)
    grown_kb = _rss_kb() - before
    evaluations = 60 * len(facts)
    assert evaluations > 15_000
    assert grown_kb < 4_096, f"RSS grew {grown_kb} kB over {evaluations} evaluations"
