"""`gongkai rules backtest` over 100k reviewed items (issue 6: under a minute), against the naive way
measured in the same run.

The data set is bench/report_data.py's (100k routed items with real suggestions, real documents of
the starter corpus, cached under /tmp/gongkai-bench). The candidate is a real edit of the project's
rules in two parts: proactive.general.public_notices (公告/通告 proactive by their form) disabled,
which flips thousands of decisions with the rules alone (with the model, the model fills those
categories), and the procurement column rule widened from 招标公告 to any 招标/投标 in the title,
which flips a few hundred with the model too (column rules decide; the model only witnesses). So
both combinations run, and flips are collected, on every run. Printed, one line each:

- naive: the service's own Suggester (durable backend, with the model) run for the active and the
  candidate rules on each of the first --sample documents, extrapolated to every item: what a
  backtest written as "run `gongkai evaluate` twice" would cost;
- reading: streaming every case out of the database (api/rulesets/backtest_source.py) and nothing else;
- backtest in process, one job: engine.authoring.backtest.run, and its ratio to the naive figure;
- backtest with --jobs workers (default: one per core), each reading its own shards of the database;
- the command end to end (`gongkai rules backtest --against URL --format json`), model and rule
  loading included: the figure the target is about.

No timed assertions: the figures are for reading.

    .venv/bin/python bench/backtest_bench.py [--items 100000] [--sample 2000] [--jobs N] [--rules-only]
                                             [--database-url URL] [--no-cli]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from report_data import data_arguments, ensure  # noqa: E402
from sqlalchemy import make_url  # noqa: E402

from api.rulesets.backtest_source import RoutedCases, routed_cases  # noqa: E402
from engine.authoring.backtest import Comparer, default_jobs, run  # noqa: E402
from engine.facts.document import document_from_record  # noqa: E402
from engine.rules.loader import load_rulebook  # noqa: E402
from engine.suggest import Suggester  # noqa: E402
from models.session import make_engine  # noqa: E402

PROCUREMENT = ("          matches: '采购|招标公告|中标|成交结果|成交公告|供应商'\n",
               "          matches: '采购|招标|投标|中标|成交结果|成交公告|供应商'\n")


def candidate_rules(directory: Path) -> Path:
    """A copy of the project's rules with proactive.general.public_notices disabled and the
    procurement column rule widened."""
    target = directory / "candidate"
    shutil.copytree(PROJECT / "rules", target)
    general = target / "proactive" / "general.yaml"
    text = general.read_text(encoding="utf-8")
    start = text.index("  - id: proactive.general.public_notices\n")
    mode = text.index("    mode: enforce\n", start)
    general.write_text(text[:mode] + "    mode: disabled\n" + text[mode + len("    mode: enforce\n"):], encoding="utf-8")
    subjects = target / "columns" / "subjects.yaml"
    text = subjects.read_text(encoding="utf-8")
    assert text.count(PROCUREMENT[0]) == 1, "the procurement rule's pattern has changed: update the bench's edit"
    subjects.write_text(text.replace(*PROCUREMENT), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data_arguments(parser)
    parser.add_argument("--sample", type=int, default=2000, help="documents the naive baseline runs on")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--rules-only", action="store_true", help="without the model")
    parser.add_argument("--no-cli", action="store_true", help="skip the command end to end")
    args = parser.parse_args()
    url = ensure(args.database_url, args.items, args.pending, args.seed, args.fresh)
    engine = make_engine(url)
    total = len(RoutedCases(url))
    jobs = args.jobs or default_jobs()
    model = None
    if not args.rules_only:
        from engine.classifier.model import load_model
        from engine.paths import model_dir

        model = load_model(model_dir())
    with tempfile.TemporaryDirectory() as tmp:
        candidate_dir = candidate_rules(Path(tmp))
        active, candidate = load_rulebook(PROJECT / "rules"), load_rulebook(candidate_dir)
        print(f"{total} routed items in {make_url(url).render_as_string()}; {os.cpu_count()} cores; "
              f"{'rules only' if model is None else 'rules and model ' + model.model_id}")

        sample = []
        for case in routed_cases(engine):
            sample.append(document_from_record(json.loads(case.document)))
            if len(sample) == args.sample:
                break
        suggesters = [Suggester(book, "durable", model) for book in (active, candidate)]
        started = time.perf_counter()
        for document in sample:
            for suggester in suggesters:
                suggester.run(document)
        naive = (time.perf_counter() - started) / len(sample) * total
        print(f"naive (Suggester x2, {len(sample)} documents, extrapolated): {naive:8.1f} s for {total} items")

        started = time.perf_counter()
        read = sum(1 for _ in routed_cases(engine))
        reading = time.perf_counter() - started
        print(f"reading the cases only:                      {reading:8.1f} s ({read} cases)")

        comparer = Comparer(active, candidate, model)
        started = time.perf_counter()
        report = run(comparer, routed_cases(engine), "bench", jobs=1).report()
        serial = time.perf_counter() - started
        print(f"backtest in process, 1 job:                  {serial:8.1f} s  ({naive / serial:.1f}x faster than naive; "
              f"{serial / total * 1000:.2f} ms a decision); {len(report['flips'])} flips, {report['flip_counts']}")

        started = time.perf_counter()
        parallel_report = run(comparer, RoutedCases(url), "bench", jobs=jobs).report()  # workers read their shards
        parallel = time.perf_counter() - started
        same = "same report" if parallel_report == report else "REPORTS DIFFER"
        print(f"backtest in process, {jobs} jobs:                 {parallel:8.1f} s  ({naive / parallel:.1f}x faster "
              f"than naive; {same})")

        if not args.no_cli:
            command = [str(PROJECT / ".venv" / "bin" / "gongkai"), "rules", "backtest", "--rules", str(candidate_dir),
                       "--active", str(PROJECT / "rules"), "--against", url, "--format", "json", "--jobs", str(jobs)]
            if args.rules_only:
                command.append("--rules-only")
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, check=False)
            cli = time.perf_counter() - started
            flips = len(json.loads(done.stdout)["flips"]) if done.stdout else None
            print(f"gongkai rules backtest end to end:           {cli:8.1f} s  ({naive / cli:.1f}x faster than naive; "
                  f"exit {done.returncode}, {flips} flips; target: under 60 s for 100k, "
                  f"{cli / total * 100_000 / 60:.2f} of it)")


if __name__ == "__main__":
    main()
