"""The prequential replay (issue 19, "Learning from reviewers"): does the model learn from reviewers' decisions?

A stream of real documents from agencies the starter corpus never saw (data/real and data/published: local
agencies' documents and real decisions, State Council documents), each with its label as the reviewer's final
decision. For each of --orders random orders of the stream (fixed seeds):

- the model starts as the one fitted on the starter corpus alone (`learn(prior, [])`, engine/classifier/learn.py);
- each document in turn is suggested as the service suggests it (the project's rules and the current model,
  combined by engine/combine.py), then compared with its decision: an **override** is a field whose suggestion
  (value, "null" or "undecided") differs from the decision; a **safety violation** is a document decided
  withheld or secret (secrecy other than none), or carrying a marking, that is suggested proactive;
- the decision is then applied, and every --every decisions the model is retrained as the service retrains it:
  `gongkai train --from-database` learns (`learn(prior, decided)`) from the decisions so far but the latest
  HOLDOUT share, deduplicated by content (the latest decision on a text wins), each weighing --weight starter
  records; and `gongkai model activate` serves it only if it passes the registry's gates on those latest decisions
  (engine/authoring/model_gates.py: no fewer secret or withheld documents found than the model in service and than
  the deployed one, here the starter model; macro-F1 not lower), else the model in service stays. --ungated serves every retrained model, fitted on every decision: the learner alone;
- the no-learning baseline (the starter model kept) suggests the same documents in the same order, so a falling
  curve shows learning, not which documents happen to come late.

Prequential: every document is suggested before its own decision is learnt, so nothing is scored on what the
model was trained on. Near-duplicates: the stream holds a few documents twice (two collections read the same
page); the headline is also given over the documents with no near-duplicate earlier in the stream, which a model
cannot get right by remembering a copy.

Prints a table per window of --every decisions (override rates, mean over orders, of the learning model and the
baseline; violations of each), the headline (the first window against the documents after 200 decisions, target
at least 30% fewer overrides; and the learning model against the baseline on those same documents), the withheld
decisions each model did not suggest withheld (what the model registry's gate guards: on the real decisions the
learnt models lose refusals to "on request") and the time.
No assertions: the figures are for reading.

    .venv/bin/python bench/replay_bench.py [--orders 5] [--every 25] [--weight 2] [--after 200] [--quick]
                                           [--stream FILE ...] [--json OUT]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from engine.authoring.backtest import Backtest  # noqa: E402
from engine.authoring.comparer import Outcome  # noqa: E402
from engine.authoring.evaluate import NULL, UNDECIDED  # noqa: E402
from engine.authoring.model_gates import anchor_gates, model_gates, passed  # noqa: E402
from engine.classifier.build import default_segmenter  # noqa: E402
from engine.classifier.corpus import groups, read_labelled  # noqa: E402
from engine.classifier.learn import (DECISION_WEIGHT, HOLDOUT, Decided, content_key, deduplicated, examples_of,  # noqa: E402
                                     forward_split, learn, prior_examples)
from engine.classifier.model import Model  # noqa: E402
from engine.classifier.train import Example  # noqa: E402
from engine.combine import DEFAULT_POLICY, combine  # noqa: E402
from engine.decision import Decision  # noqa: E402
from engine.paths import rules_dir  # noqa: E402
from engine.rules.loader import load_rulebook  # noqa: E402
from engine.suggest import Suggester  # noqa: E402
from engine.vocabulary import DECIDED_FIELDS, Category, FieldStatus, Secrecy  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

STREAM = ("data/real/records.jsonl", "data/published/records.jsonl")
STARTER = ("data/training/records.jsonl",)
AFTER = 200  # "after 200 corrections" (issue 19)
TARGET = 0.30  # at least 30% fewer overrides than at the start
SEED = 19  # order k is shuffled with random.Random(SEED + k)
CATEGORY = DECIDED_FIELDS.index("category")


def shown(decision: Decision) -> tuple[str, ...]:
    """What the reviewer sees per field, as engine/authoring/evaluate.py counts it: the value, "null", or
    "undecided" (a field the suggestion leaves open is one the reviewer must decide: an override)."""
    return tuple(UNDECIDED if decision.fields[n].status == FieldStatus.UNDECIDED else (decision.fields[n].value or NULL)
                 for n in DECIDED_FIELDS)


def suggest(model: Model, example: Example, book: Any) -> tuple[str, ...]:
    """Suggester.run's combination (the rules' hits of the document, computed once, and the model's
    prediction), without deriving the facts again for every model."""
    prediction = model.predict_terms(example.terms, top_terms=0)
    return shown(combine(example.decision.hits, book.precedence, example.facts["marking_level"], prediction,
                         DEFAULT_POLICY))


def violation(example: Example, suggestion: Sequence[str]) -> bool:
    """Publishing what may not be published: decided withheld, or secret, or marked, and suggested proactive
    (条例第十四条; nothing secret is ever published)."""
    gold = example.gold
    closed = (gold["category"] == Category.WITHHELD or gold["secrecy"] != Secrecy.NONE
              or example.facts["marking_level"] != Secrecy.NONE)
    return closed and suggestion[CATEGORY] == Category.PROACTIVE


@dataclass
class Stream:
    """The stream's documents read once: examples (facts, rules' decision, terms; weighted) and, per id, the
    first id of its near-duplicate group (corpus.groups: equal titles or bodies 5-gram Jaccard > 0.6)."""

    examples: list[Example]
    group: dict[str, str]
    exact_duplicates: list[list[str]]


def read_stream(files: Sequence[Path], suggester: Suggester, segmenter: Any, weight: float) -> Stream:
    records, problems = read_labelled(files)
    if problems:
        raise SystemExit("unreadable stream records: " + "; ".join(map(str, problems)))
    decided = [Decided(r.record["id"], r.document, r.gold, "") for r in records]
    examples = examples_of(decided, suggester, segmenter, weight)
    names = groups(records, {})
    by_key: dict[str, list[str]] = {}
    for d in decided:
        by_key.setdefault(content_key(d.document), []).append(d.id)
    return Stream(examples, {r.record["id"]: g for r, g in zip(records, names, strict=True)},
                  [ids for ids in by_key.values() if len(ids) > 1])


def _backtest(active: Model, candidate: Model, held: Sequence[Example], book: Any) -> dict[str, Any]:
    backtest = Backtest(book, book, "replay")
    for e in held:
        backtest.add(Outcome(e.id, None, e.gold, e.facts["marking_level"] != Secrecy.NONE, suggest(active, e, book),
                             suggest(candidate, e, book), (), ()))
    return backtest.report()


def gate(current: Model, candidate: Model, held: Sequence[Example], book: Any,
         deployed: Model | None = None) -> list[dict[str, Any]]:
    """The registry's gates (engine/authoring/model_gates.py) of a candidate against the model in service, both
    with the same rules, on decisions the candidate did not learn from; and against the deployed model (here the
    starter model) when that is not the one in service."""
    gates = model_gates(_backtest(current, candidate, held, book))
    if deployed is not None and deployed is not current:
        gates += anchor_gates(_backtest(deployed, candidate, held, book))
    return gates


def replay(stream: Stream, order: Sequence[int], prior: Sequence[Example], baseline: Model, every: int,
           book: Any, gated: bool = True) -> list[dict[str, Any]]:
    """One order: per position, the learning model's and the baseline's suggestion and the decision. Gated (as the
    service): a retrained model learns from all but the latest HOLDOUT share of the decisions so far (what `gongkai
    train --from-database` does), and replaces the model in service only when it passes the registry's gates on
    those latest decisions (what `gongkai model activate` does); the row after a retraining says what the gates
    said. Ungated: every retrained model, fitted on every decision so far, is served."""
    model, decided, rows, seen_groups = baseline, [], [], set()
    trained_on, verdict = 0, None
    by_id = {x.id: x for x in stream.examples}
    for position, i in enumerate(order):
        e = stream.examples[i]
        learnt, kept = suggest(model, e, book), suggest(baseline, e, book)
        gold = tuple(e.gold[n] for n in DECIDED_FIELDS)
        group = stream.group[e.id]
        rows.append({"position": position, "id": e.id, "trained_on": trained_on,
                     "gold": gold, "learning": learnt, "baseline": kept,
                     "violation": {"learning": violation(e, learnt), "baseline": violation(e, kept)},
                     "copy_seen": group in seen_groups, "gate": verdict})
        verdict = None
        seen_groups.add(group)
        # The decision is applied: the same text decided again replaces the earlier decision (learn.deduplicated).
        decided.append(Decided(e.id, e.document, e.gold, f"{position:06d}"))
        if len(decided) % every == 0 and position + 1 < len(order):
            latest, _ = deduplicated(decided)
            if not gated:
                model = learn(prior, [by_id[d.id] for d in latest], segmenter=baseline.segmenter)
                trained_on = len(latest)
                continue
            learn_from, held = forward_split(latest, HOLDOUT)
            candidate = learn(prior, [by_id[d.id] for d in learn_from], segmenter=baseline.segmenter)
            gates = gate(model, candidate, [by_id[d.id] for d in held], book, deployed=baseline)
            verdict = {"passed": passed(gates), "failed": [g["gate"] for g in gates if not g["passed"]]}
            if verdict["passed"]:
                model, trained_on = candidate, len(learn_from)
    return rows


def rates(rows: Sequence[dict[str, Any]], who: str) -> dict[str, Any]:
    """Override rates of `who` ("learning" or "baseline") over rows: any field, and each field; violations."""
    n = len(rows)
    if not n:
        return {"documents": 0, "any": None, **{f: None for f in DECIDED_FIELDS}, "violations": 0, "withheld": 0,
                "withheld_missed": 0, "withheld_on_request": 0}
    wrong = [[s != g for s, g in zip(r[who], r["gold"], strict=True)] for r in rows]
    out: dict[str, Any] = {"documents": n, "any": round(sum(any(w) for w in wrong) / n, 4)}
    for k, name in enumerate(DECIDED_FIELDS):
        out[name] = round(sum(w[k] for w in wrong) / n, 4)
    out["violations"] = sum(r["violation"][who] for r in rows)
    # Not a violation as defined above, but what the registry's gate guards (it refuses a model that finds fewer
    # withheld documents): a withheld decision suggested otherwise, on request (disclosed to the applicant) above all.
    withheld = [r for r in rows if r["gold"][CATEGORY] == Category.WITHHELD]
    out["withheld"] = len(withheld)
    out["withheld_missed"] = sum(r[who][CATEGORY] != Category.WITHHELD for r in withheld)
    out["withheld_on_request"] = sum(r[who][CATEGORY] == Category.ON_REQUEST for r in withheld)
    return out


def windows(runs: Sequence[Sequence[dict[str, Any]]], every: int) -> list[dict[str, Any]]:
    """Per window of `every` positions, over every order (equal counts per order, so the pooled rate is the
    mean over orders)."""
    length = max(len(run) for run in runs)
    out = []
    for start in range(0, length, every):
        rows = [r for run in runs for r in run if start <= r["position"] < start + every]
        out.append({"from": start + 1, "to": min(start + every, length), "trained_on": rows[0]["trained_on"],
                    "learning": rates(rows, "learning"), "baseline": rates(rows, "baseline")})
    return out


def reduction(before: float | None, after: float | None) -> float | None:
    return None if not before or after is None else round(1 - after / before, 4)


def headline(runs: Sequence[Sequence[dict[str, Any]]], every: int, after: int) -> dict[str, Any]:
    """The first window (the starter model's, before any retraining) against the documents after `after`
    decisions; the learning model against the baseline on those same late documents; the same over the late
    documents without a near-duplicate earlier in the stream."""
    first = [r for run in runs for r in run if r["position"] < every]
    late = [r for run in runs for r in run if r["position"] >= after]
    novel = [r for r in late if not r["copy_seen"]]
    everything = [r for run in runs for r in run]
    out: dict[str, Any] = {"first_window": {"learning": rates(first, "learning"), "baseline": rates(first, "baseline")},
                           "after": after,
                           "late": {"learning": rates(late, "learning"), "baseline": rates(late, "baseline")},
                           "late_novel": {"learning": rates(novel, "learning"), "baseline": rates(novel, "baseline")},
                           "baseline_all": rates(everything, "baseline")}
    for key in ("any", "category"):
        out[f"reduction_{key}"] = reduction(out["first_window"]["learning"][key], out["late"]["learning"][key])
        out[f"baseline_reduction_{key}"] = reduction(out["first_window"]["baseline"][key],
                                                     out["late"]["baseline"][key])
        out[f"against_baseline_{key}"] = reduction(out["late"]["baseline"][key], out["late"]["learning"][key])
        out[f"against_baseline_novel_{key}"] = reduction(out["late_novel"]["baseline"][key],
                                                         out["late_novel"]["learning"][key])
        out[f"against_baseline_start_{key}"] = reduction(out["baseline_all"][key], out["late"]["learning"][key])
    out["per_order"] = [reduction(rates([r for r in run if r["position"] < every], "learning")["any"],
                                  rates([r for r in run if r["position"] >= after], "learning")["any"]) for run in runs]
    out["violations"] = {who: sum(r["violation"][who] for r in everything) for who in ("learning", "baseline")}
    verdicts = [r["gate"] for r in everything if r.get("gate")]
    refused: dict[str, int] = {}
    for v in verdicts:
        for name in v["failed"]:
            refused[name] = refused.get(name, 0) + 1
    out["gates"] = {"retrainings": len(verdicts), "served": sum(v["passed"] for v in verdicts), "refused_by": refused}
    return out


def pct(value: float | None) -> str:
    return "    -" if value is None else f"{value * 100:5.1f}"


def print_windows(table: Sequence[dict[str, Any]]) -> None:
    print(f"\n{'documents':>10} {'trained on':>10} | {'learning: any':>13} {'category':>8} {'viol.':>5} | "
          f"{'baseline: any':>13} {'category':>8} {'viol.':>5}   (override rates in %, mean over orders)")
    for w in table:
        lrn, base = w["learning"], w["baseline"]
        print(f"{w['from']:>4}-{w['to']:<5} {w['trained_on']:>10} | {pct(lrn['any']):>13} {pct(lrn['category']):>8} "
              f"{lrn['violations']:>5} | {pct(base['any']):>13} {pct(base['category']):>8} {base['violations']:>5}")


def print_headline(h: dict[str, Any], every: int) -> None:
    first, late, novel = h["first_window"], h["late"], h["late_novel"]
    n_late = late["learning"]["documents"]
    print(f"\nfirst window (documents 1-{every}, the starter model): overrides any field "
          f"{pct(first['learning']['any'])}%, category {pct(first['learning']['category'])}% "
          f"({first['learning']['documents']} suggestions)")
    print(f"after {h['after']} decisions ({n_late} suggestions): learning {pct(late['learning']['any'])}% any, "
          f"{pct(late['learning']['category'])}% category; baseline on the same documents "
          f"{pct(late['baseline']['any'])}% any, {pct(late['baseline']['category'])}% category")
    for key in ("any", "category"):
        print(f"  {key:>8}: {pct(h[f'reduction_{key}'])}% fewer overrides than at the start (target >= "
              f"{TARGET * 100:.0f}%: {'met' if (h[f'reduction_{key}'] or 0) >= TARGET else 'NOT met'}); "
              f"the baseline's change on the same positions {pct(h[f'baseline_reduction_{key}'])}%; "
              f"learning vs baseline on the late documents {pct(h[f'against_baseline_{key}'])}% fewer; "
              f"vs the baseline over the whole stream ({pct(h['baseline_all'][key])}%) "
              f"{pct(h[f'against_baseline_start_{key}'])}% fewer")
    print(f"  late documents with no near-duplicate earlier ({novel['learning']['documents']}): learning "
          f"{pct(novel['learning']['any'])}% any vs baseline {pct(novel['baseline']['any'])}% "
          f"({pct(h['against_baseline_novel_any'])}% fewer); category {pct(novel['learning']['category'])}% vs "
          f"{pct(novel['baseline']['category'])}%")
    per_field = ", ".join(f"{n} {pct(first['learning'][n]).strip()} -> {pct(late['learning'][n]).strip()}"
                          for n in DECIDED_FIELDS)
    print(f"  per field (first window -> after {h['after']}): {per_field}")
    print(f"  per order, reduction of any-field overrides: {', '.join(pct(r).strip() for r in h['per_order'])}")
    print(f"safety violations over every suggestion: learning {h['violations']['learning']}, "
          f"baseline {h['violations']['baseline']}")
    gates = h["gates"]
    if gates["retrainings"]:
        print(f"the registry's gates: {gates['served']} of {gates['retrainings']} retrained models served; refused by "
              + (", ".join(f"{name} ({n})" for name, n in sorted(gates["refused_by"].items())) or "none"))
    for name, part in (("first window", first), (f"after {h['after']}", late)):
        lrn, base = part["learning"], part["baseline"]
        print(f"withheld decisions not suggested withheld, {name}: learning {lrn['withheld_missed']} of "
              f"{lrn['withheld']} ({lrn['withheld_on_request']} on request), baseline {base['withheld_missed']} "
              f"({base['withheld_on_request']} on request)")


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=5, help="random orders of the stream (fixed seeds)")
    parser.add_argument("--every", type=int, default=25, help="retrain every N decisions")
    parser.add_argument("--weight", type=float, default=DECISION_WEIGHT, help="a decision weighs W starter records")
    parser.add_argument("--after", type=int, default=AFTER, help="the late documents: after this many decisions")
    parser.add_argument("--limit", type=int, default=None, help="the first N documents of each order only")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 order, 24 documents, every 8, after 16")
    parser.add_argument("--backend", choices=("durable", "reference"), default="durable")
    parser.add_argument("--stream", type=Path, nargs="+", default=[PROJECT / f for f in STREAM],
                        help="labelled files of the stream (default: the real corpus and the published documents)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--ungated", action="store_true",
                        help="serve every retrained model (fitted on every decision so far) without the registry's "
                             "gates: the learner alone, not what an office gets")
    args = parser.parse_args(argv)
    if args.quick:
        args.orders, args.limit, args.every, args.after = 1, 24, 8, 16
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    # One BLAS and OpenMP thread: the heads are small L-BFGS problems, and on a busy two-core machine the
    # libraries' threads fighting over the cores made each fit 7 times slower (28 s against 4 s, measured here).
    # scikit-learn is imported first: heads.py imports it lazily, and a limit set before a library is loaded
    # does not reach that library.
    import sklearn.linear_model  # noqa: F401

    with threadpool_limits(1):
        return run(args)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    book = load_rulebook(rules_dir())
    suggester, segmenter = Suggester(book, args.backend), default_segmenter()
    _records, prior = prior_examples([PROJECT / f for f in STARTER], suggester, segmenter)
    stream = read_stream(args.stream, suggester, segmenter, args.weight)
    baseline = learn(prior, [], segmenter=segmenter)
    duplicated = sum(1 for g in set(stream.group.values()) if list(stream.group.values()).count(g) > 1)
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in args.stream)).hexdigest()[:12]
    print(f"stream: {len(stream.examples)} decided documents of {', '.join(map(str, args.stream))} (sha256 {digest}); "
          f"prior: {len(prior)} starter "
          f"records; rules {book.revision[:12]}; {args.orders} orders, retraining every {args.every} decisions, "
          f"a decision weighs {args.weight} starter records")
    print(f"duplicates in the stream: {len(stream.exact_duplicates)} exact (same text: "
          f"{'; '.join(' = '.join(ids) for ids in stream.exact_duplicates) or 'none'}), {duplicated} near-duplicate "
          f"groups ({time.perf_counter() - started:.1f} s to read)")
    runs = []
    for k in range(args.orders):
        order = list(range(len(stream.examples)))
        random.Random(SEED + k).shuffle(order)
        runs.append(replay(stream, order[:args.limit], prior, baseline, args.every, book, gated=not args.ungated))
        print(f"order {k + 1}/{args.orders} replayed ({time.perf_counter() - started:.1f} s)", flush=True)
    table, head = windows(runs, args.every), headline(runs, args.every, args.after)
    print_windows(table)
    print_headline(head, args.every)
    seconds = time.perf_counter() - started
    print(f"time: {seconds:.1f} s")
    if args.json:
        settings = {k: v for k, v in vars(args).items() if k not in ("json", "stream")}
        settings["stream"] = [str(f) for f in args.stream]
        args.json.write_text(json.dumps({"settings": settings, "stream": len(stream.examples), "stream_sha256": digest,
                                         "exact_duplicates": stream.exact_duplicates, "windows": table,
                                         "headline": head, "seconds": round(seconds, 1), "runs": runs},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
