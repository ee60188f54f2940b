"""Whole suggest path (facts, rules, model, explanation) against bare jieba.lcut, in one run.

On the starter documents padded to 4 KB of UTF-8 (and as written), prints per-document latency
(mean, p50, p99) and throughput of: bare `jieba.lcut` (the baseline the target is stated against),
both segmenters with the user dictionary, the model alone, the rules-only suggest and the whole
combined suggest; the throughput ratio of the whole path to bare jieba (target: at least 2x); model
load time, size on disk and resident memory.

    .venv/bin/python bench/classifier_bench.py [--model DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import gc
import logging
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rules_bench import DEFAULT_CORPUS, load_documents, padded, rss_mb  # noqa: E402

from engine.classifier.build import default_segmenter  # noqa: E402
from engine.classifier.model import load_model  # noqa: E402
from engine.facts.derive import derive_facts  # noqa: E402
from engine.paths import PROJECT_ROOT, model_dir  # noqa: E402
from engine.rules.loader import load_rulebook  # noqa: E402
from engine.suggest import Suggester  # noqa: E402


def run(name: str, fn, items, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """Time fn over items `repeat` times; print latency percentiles and throughput; return docs/s."""
    for item in items[:20]:
        fn(item)  # warm-up
    samples = []
    started = time.perf_counter()
    for _ in range(repeat):
        for item in items:
            t = time.perf_counter()
            fn(item)
            samples.append((time.perf_counter() - t) * 1000)
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(samples, n=100)
    rate = len(samples) / elapsed
    print(f"  {name:<40} mean {statistics.fmean(samples):6.3f} ms  p50 {q[49]:6.3f}  p99 {q[98]:6.3f}  "
          f"{rate:8.0f} docs/s", flush=True)
    return rate


def interleaved(baseline, texts, whole, docs, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """Throughput ratio whole / baseline, timing both on each document in turn, so that a slow spell
    of the machine (these are shared virtual machines) weighs on both alike."""
    spent_base = spent_whole = 0.0
    for _ in range(repeat):
        for text, doc in zip(texts, docs, strict=True):
            t = time.perf_counter()
            baseline(text)
            u = time.perf_counter()
            whole(doc)
            spent_base += u - t
            spent_whole += time.perf_counter() - u
    return spent_base / spent_whole


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=model_dir())
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    rss_start = rss_mb()
    started = time.perf_counter()
    model = load_model(args.model)
    load_s = time.perf_counter() - started
    size = sum(p.stat().st_size for p in args.model.iterdir() if p.is_file())
    print(f"model {model.model_id}: load {load_s:.2f} s (segmenter dictionaries included), "
          f"{size / 1e6:.2f} MB on disk, RSS {rss_start:.0f} → {rss_mb():.0f} MB after loading")

    book = load_rulebook(PROJECT_ROOT / "rules")
    combined, rules_only = Suggester(book, "durable", model), Suggester(book, "durable")
    docs = load_documents(sorted(DEFAULT_CORPUS.glob("*.jsonl")))
    for doc in docs + [padded(d) for d in docs]:
        combined.suggest(doc)
    # What one service worker holds: rules, model and rjieba, after suggesting every document once
    # (measured before jieba itself is loaded for the baseline, since the service never loads it).
    worker_rss = rss_mb()
    print(f"service worker: RSS {worker_rss:.0f} MB with rules and model loaded, after {2 * len(docs)} "
          f"suggestions (peak so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    reference_segmenter = default_segmenter("jieba")
    # What a service worker does once its models are loaded (engine/classifier/model.py): the
    # long-lived objects (jieba's 350k-word dictionary among them) leave the collector's view.
    gc.freeze()
    for label, batch in (("padded to 4 KB", [padded(d) for d in docs]), ("as written", docs)):
        size_kb = statistics.fmean(len((d.title + d.body).encode()) for d in batch) / 1024
        print(f"\n{len(batch)} documents {label} (mean {size_kb:.1f} KB of UTF-8), x{args.repeat}", flush=True)
        texts = [d.title + "\n" + d.body for d in batch]
        base = run("bare jieba.lcut (baseline)", jieba.lcut, texts, args.repeat)
        run("segment: jieba + user dictionary", reference_segmenter.tokens, texts, args.repeat)
        run("segment: rjieba + user dictionary", model.segmenter.tokens, texts, args.repeat)
        facts = [derive_facts(d) for d in batch]
        run("model alone (terms, 4 heads, top terms)", model.predict, facts, args.repeat)
        run("suggest, rules only", rules_only.suggest, batch, args.repeat)
        whole = run("suggest, rules + model (the whole path)", combined.suggest, batch, args.repeat)
        print(f"  throughput ratio whole suggest / bare jieba.lcut: {whole / base:.2f}x (target >= 2x)", flush=True)
        print(f"  interleaved (each document through both, alternately; robust to the machine's drift): "
              f"{interleaved(jieba.lcut, texts, combined.suggest, batch, args.repeat):.2f}x", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {peak:.0f} MB (includes the reference jieba segmenter, which the service does not load); "
          f"now {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
