"""The whole suggestion against bare jieba.lcut, on documents never seen before, in one run (issue 20).

Aim: `Suggester.suggest(document_from_record(record))` (the trained model in data/artifacts/classifier,
the rules in rules/, the durable backend: what the service runs) at least 2.0x the throughput of bare
`jieba.lcut(body)` (jieba 0.42.1, its default dictionary, initialised before timing) on 4 KB bodies,
and at least 1.0x on 1 KB bodies (sizes in UTF-8 bytes).

(a) builds documents no run has seen: each takes a real record's metadata and the head of its body
    (data/training/records.jsonl, data/real/*.jsonl), then sentences drawn from every body of those
    files, shuffled and lightly perturbed (a number changed), until the body reaches the size; each has
    a fresh id and a title of its own. No two documents are the same, so no cache by content could help;
(b) first suggests --warm other new documents, as a service has before most of its pushes: RE2 builds its
    automata's states lazily and keeps them (bounded), and on text it has not seen the keyword sets take about
    a thousand documents to stop adding states (0.3 -> 0.07 ms of text predicates a 1 KB document). That
    helps every later document, seen or not; no cache is keyed by content. Then per round, with documents of
    that round only: times bare jieba.lcut over the bodies, then the whole suggestion over the same documents
    (each suggested exactly once);
(c) prints docs/s of each and the ratio (suggestion throughput / jieba.lcut throughput) per round, by the
    wall clock and by the process's CPU time (steadier when other work shares the machine), then the
    medians over rounds beside the aims (met only when both ratios reach it), and the load average.

--profile runs the suggestion under cProfile over one size's documents and prints the top functions
by cumulative and by own time, to see where the time goes.

    .venv/bin/python bench/suggest_bench.py [--docs 200] [--rounds 5] [--sizes 1024,4096] [--model DIR]
    .venv/bin/python bench/suggest_bench.py --profile [--sizes 4096] [--top 30]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import logging
import os
import pstats
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from engine.classifier.model import ModelError, load_model  # noqa: E402
from engine.facts.document import document_from_record  # noqa: E402
from engine.paths import model_dir, rules_dir  # noqa: E402
from engine.rules.loader import load_rulebook  # noqa: E402
from engine.suggest import Suggester  # noqa: E402
from bench.new_documents import new_body, read_sources  # noqa: E402

FIELDS = ("title", "doc_number", "doc_type", "division", "agency", "date", "secrecy_marking", "source")
AIMS = {1024: 1.0, 4096: 2.0}


def say(text: str = "") -> None:
    print(text, flush=True)


def documents(n: int, size: int, seed: int, records: list[dict[str, Any]], sentences: list[str]) -> list[dict]:
    """n records with bodies of about `size` UTF-8 bytes, all different (fresh ids and titles, shuffled
    and perturbed sentences)."""
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:8]
    out = []
    for i in range(n):
        base = rng.choice(records)
        body = new_body(rng, base, size, sentences)
        record = {k: base[k] for k in FIELDS if base.get(k) is not None}
        record["title"] = f"{base.get('title') or ''}（{rng.randint(1, 99999)}）" if base.get("title") else ""
        record["id"] = f"suggest-bench-{run}-{seed}-{i:05d}"
        record["body"] = body
        out.append(record)
    return out


def timed(fn, items) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Items per second of fn over items: by the wall clock, and by this process's CPU time (what the
    machine's other tenants disturb least: both sides are single-threaded work in this one process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for item in items:
        fn(item)
    return len(items) / (time.perf_counter() - wall), len(items) / (time.process_time() - cpu)


def measure(suggester: Suggester, lcut, size: int, args: argparse.Namespace,  # type: ignore[no-untyped-def]
            records: list[dict[str, Any]], sentences: list[str]) -> None:
    say(f"\n{size} B bodies ({args.docs} new documents a round, {args.rounds} rounds); aim {AIMS.get(size, '-')}x")
    warm = documents(args.warm, size, 10_000 + size, records, sentences)
    for record in warm:
        suggester.suggest(document_from_record(record))
    for record in warm[:20]:
        lcut(record["body"])
    rows = []  # per round: jieba wall, suggest wall, jieba cpu, suggest cpu
    for r in range(args.rounds):
        docs = documents(args.docs, size, size * 1000 + r, records, sentences)
        bodies = [d["body"] for d in docs]
        base, base_cpu = timed(lcut, bodies)
        whole, whole_cpu = timed(lambda record: suggester.suggest(document_from_record(record)), docs)
        rows.append((base, whole, base_cpu, whole_cpu))
        say(f"  round {r + 1}: jieba.lcut {base:6.0f} docs/s  suggest {whole:6.0f} docs/s  ratio {whole / base:5.2f}x"
            f"   by CPU time: {base_cpu:6.0f} / {whole_cpu:6.0f} docs/s  ratio {whole_cpu / base_cpu:5.2f}x"
            f"  (load {os.getloadavg()[0]:.2f})")
    base, whole, base_cpu, whole_cpu = (statistics.median(column) for column in zip(*rows, strict=True))
    ratio = statistics.median(w / b for b, w, _, _ in rows)
    ratio_cpu = statistics.median(w / b for _, _, b, w in rows)
    aim = AIMS.get(size)
    verdict = "" if aim is None else f"  aim {aim:.1f}x: " + ("met" if min(ratio, ratio_cpu) >= aim else "NOT met")
    say(f"  median: jieba.lcut {base:6.0f} docs/s  suggest {whole:6.0f} docs/s  ratio {ratio:5.2f}x"
        f"   by CPU time: {base_cpu:6.0f} / {whole_cpu:6.0f} docs/s  ratio {ratio_cpu:5.2f}x{verdict}")


def profile(suggester: Suggester, size: int, args: argparse.Namespace, records: list[dict[str, Any]],
            sentences: list[str]) -> None:
    docs = [document_from_record(d) for d in documents(args.docs, size, 777 + size, records, sentences)]
    for doc in [document_from_record(d) for d in documents(args.warm, size, 10_000 + size, records, sentences)]:
        suggester.suggest(doc)
    profiler = cProfile.Profile()
    profiler.enable()
    for doc in docs:
        suggester.suggest(doc)
    profiler.disable()
    say(f"\nprofile: {len(docs)} documents of {size} B bodies")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200, help="new documents per round and size (default 200)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; medians are reported (default 5)")
    parser.add_argument("--sizes", default="1024,4096", help="body sizes in UTF-8 bytes (default 1024,4096)")
    parser.add_argument("--model", type=Path, default=model_dir(), help="model directory (default: %(default)s)")
    parser.add_argument("--warm", type=int, default=1000,
                        help="other new documents suggested first, per size (default 1000; see (b))")
    parser.add_argument("--profile", action="store_true", help="cProfile the suggestion instead of timing")
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile (default 30)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.docs < 1 or args.rounds < 1 or not sizes:
        parser.error("--docs and --rounds must be positive, --sizes not empty")
    try:
        model = load_model(args.model)
    except ModelError as exc:
        print(f"suggest_bench: no usable model in {args.model}: {exc}\n  make one with: .venv/bin/gongkai train",
              file=sys.stderr)
        return 2
    suggester = Suggester(load_rulebook(rules_dir()), "durable", model)
    records, sentences = read_sources()
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    gc.freeze()  # as a service worker does once loaded: the long-lived objects leave the collector's view
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    say(f"machine: {os.cpu_count()} CPUs, load average {load}; model {model.model_id}; {len(records)} source records,"
        f" {len(sentences)} sentences")
    for size in sizes:
        if args.profile:
            profile(suggester, size, args, records, sentences)
        else:
            measure(suggester, jieba.lcut, size, args, records, sentences)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
