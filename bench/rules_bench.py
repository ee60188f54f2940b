"""Rule evaluation benchmark: durable-rules backend vs the reference evaluator, in one run.

Prints per-document time for the whole rulebook on the same documents (starter corpus, bodies as
written and padded to 4 KB), the ratio between the two backends, the whole suggest path, and RSS
over a long stream of distinct documents (the million: --memory-docs 1000000).

    .venv/bin/python bench/rules_bench.py [--memory-docs N] [--corpus FILE.jsonl]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from engine.facts.derive import derive_facts
from engine.facts.document import Document, document_from_record
from engine.paths import PROJECT_ROOT
from engine.rules.loader import load_rulebook
from engine.suggest import Suggester

DEFAULT_CORPUS = PROJECT_ROOT / "data" / "training" / "records.jsonl"  # the starter sets A and B


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_documents(paths: list[Path]) -> list[Document]:
    docs = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                docs.append(document_from_record(json.loads(line)))
    return docs


def padded(doc: Document, size: int = 4096) -> Document:
    body = doc.body
    while len(body.encode("utf-8")) < size:
        body += "\n" + doc.body
    return document_from_record({**doc.__dict__, "body": body.encode("utf-8")[:size].decode("utf-8", "ignore")})


def timed(fn, items, repeat: int = 3) -> list[float]:  # type: ignore[no-untyped-def]
    samples: list[float] = []
    for _ in range(repeat):
        for item in items:
            start = time.perf_counter()
            fn(item)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def describe(name: str, samples: list[float]) -> float:
    q = statistics.quantiles(samples, n=100)
    mean = statistics.fmean(samples)
    print(f"  {name:<34} mean {mean:7.3f} ms   p50 {q[49]:7.3f}   p99 {q[98]:7.3f}   ({len(samples)} runs)", flush=True)
    return mean


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, nargs="*", default=[DEFAULT_CORPUS])
    parser.add_argument("--memory-docs", type=int, default=200_000)
    args = parser.parse_args()

    book = load_rulebook(PROJECT_ROOT / "rules")
    durable, reference = Suggester(book, "durable"), Suggester(book, "reference")
    print(f"rulebook {book.revision[:12]}: {len(book.active())} active rules, "
          f"{len(durable.backend.chunks)} durable rulesets, {len(durable.backend.predicates.flags)} text predicates")
    docs = load_documents(args.corpus)
    for label, batch in (("bodies as written", docs), ("bodies padded to 4 KB", [padded(d) for d in docs])):
        facts = [durable.run(d)[0] for d in batch]
        for f in facts:  # warm caches (RE2 DFA, allocator) for both backends alike
            durable.backend.evaluate(f), reference.backend.evaluate(f)
        mean_chars = statistics.fmean(len(d.body) for d in batch)
        print(f"\n{len(batch)} documents, {label} (mean body {mean_chars:.0f} chars)", flush=True)
        facts_ms = describe("facts (Python, shared)", timed(derive_facts, batch, 1))
        ref_ms = describe("rules: reference evaluator", timed(reference.backend.evaluate, facts))
        dur_ms = describe("rules: durable-rules backend", timed(durable.backend.evaluate, facts))
        print(f"  ratio durable / reference: {dur_ms / ref_ms:.2f}x   (with facts: "
              f"{(facts_ms + dur_ms) / (facts_ms + ref_ms):.2f}x)")
        describe("whole suggest (durable, explained)", timed(durable.suggest, batch, 1))

    print(f"\nmemory over {args.memory_docs:,} distinct documents (whole suggest path, durable backend)", flush=True)
    start_rss, marks = rss_mb(), max(1, args.memory_docs // 10)
    started = time.perf_counter()
    for i in range(args.memory_docs):
        base = docs[i % len(docs)]
        doc = document_from_record({**base.__dict__, "id": f"m-{i}", "title": f"{base.title}（第{i}号）",
                                    "doc_number": f"某发〔{2019 + i % 8}〕{i}号"})
        durable.suggest(doc)
        if (i + 1) % marks == 0:
            print(f"  {i + 1:>9,} docs   RSS {rss_mb():7.1f} MB   ({(i + 1) / (time.perf_counter() - started):,.0f} docs/s)", flush=True)
    print(f"  RSS growth: {rss_mb() - start_rss:+.1f} MB from {start_rss:.1f} MB", flush=True)


if __name__ == "__main__":
    main()
