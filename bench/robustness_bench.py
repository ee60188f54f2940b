"""The suggestions under real-world text damage (issue 19): category macro-F1 clean and perturbed.

Runs the real suggester (the project's rules and the model in data/artifacts/classifier, built as
`gongkai evaluate` builds it: engine/commands/common.load_suggester) over labelled files, clean and
with each perturbation of engine/authoring/perturb.py: traditional characters, OCR noise at each
--rates rate with --seeds seeds, no title, no metadata, and all of them at once (at the highest rate,
same seeds). Prints one table per file and one for the files together: each perturbation's category
and column macro-F1, its change from the clean run, and whether the category change is under issue
19's target (0.03). The OCR rows are followed by their mean over the seeds.

No assertions: the figures are for reading.

    .venv/bin/python bench/robustness_bench.py [FILE ...] [--rules-only] [--seeds 3] [--rates 0.02 0.05]
                                               [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from statistics import mean
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from engine.authoring.perturb import Perturbation, all_of_them, no_metadata, no_title, ocr_noise, traditional  # noqa: E402
from engine.authoring.robustness import CLEAN, TARGET, robustness, suggester_fn  # noqa: E402
from engine.commands.common import load_suggester  # noqa: E402
from engine.paths import model_dir, rules_dir  # noqa: E402

FILES = ("data/real/test.jsonl", "data/real/dev.jsonl", "data/holdout/records.jsonl")


def perturbations(rates: list[float], seeds: int) -> dict[str, Perturbation]:
    out: dict[str, Perturbation] = {"traditional": traditional}
    for rate in rates:
        for seed in range(seeds):
            out[f"ocr_noise({rate}) seed {seed}"] = ocr_noise(rate, seed)
    out["no_title"] = no_title
    out["no_metadata"] = no_metadata
    for seed in range(seeds):
        out[f"all_of_them({max(rates)}) seed {seed}"] = all_of_them(max(rates), seed)
    return out


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def rows(result: dict[str, Any]) -> list[tuple[str, float, float, float, float]]:
    """(name, category F1, its change, column F1, its change), with a mean row after each seeded group."""
    out = [(CLEAN, result[CLEAN]["category"]["macro_f1"], 0.0, result[CLEAN]["column"]["macro_f1"], 0.0)]
    names = list(result["perturbed"])
    group: list[tuple[str, float, float, float, float]] = []
    for i, name in enumerate(names):
        r = result["perturbed"][name]
        row = (name, r["category"]["macro_f1"], r["category"]["delta_macro_f1"],
               r["column"]["macro_f1"], r["column"]["delta_macro_f1"])
        out.append(row)
        stem = name.split(" seed ")[0]
        group = [*group, row] if " seed " in name else []
        if len(group) > 1 and (i + 1 == len(names) or not names[i + 1].startswith(stem + " seed ")):
            out.append((f"{stem} mean", round(mean(g[1] for g in group), 4), round(mean(g[2] for g in group), 4),
                        round(mean(g[3] for g in group), 4), round(mean(g[4] for g in group), 4)))
            group = []
    return out


def print_table(title: str, result: dict[str, Any]) -> None:
    print(f"\n{title}: {result[CLEAN]['records']} records (skipped {result[CLEAN]['skipped']})")
    print(f"{'perturbation':<28} {'category F1':>11} {'change':>8} {'<0.03':>6} {'column F1':>10} {'change':>8}")
    for name, cat, dcat, col, dcol in rows(result):
        dcat, dcol = dcat + 0.0, dcol + 0.0  # no "-0.0000"
        ok = "" if name == CLEAN else ("yes" if abs(dcat) < TARGET else "NO")
        print(f"{name:<28} {cat:>11.4f} {dcat:>+8.4f} {ok:>6} {col:>10.4f} {dcol:>+8.4f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=[PROJECT / f for f in FILES])
    parser.add_argument("--rules-only", action="store_true", help="the rules alone, without the model")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--rates", type=float, nargs="+", default=[0.02, 0.05])
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args()
    suggester = load_suggester(argparse.Namespace(rules=rules_dir(), model=model_dir(), rules_only=args.rules_only))
    if suggester is None:
        return 1
    print(f"suggester: {'rules alone' if suggester.model is None else 'rules and model ' + suggester.model.model_id}"
          f", rules {suggester.book.revision[:12]}")
    suggest, chosen = suggester_fn(suggester), perturbations(args.rates, args.seeds)
    results: dict[str, Any] = {}
    everything: list[dict[str, Any]] = []
    for path in args.files:
        records = read(path)
        everything += records
        started = time.perf_counter()
        results[str(path)] = robustness(records, suggest, chosen)
        print_table(f"{path.relative_to(PROJECT) if path.is_relative_to(PROJECT) else path}", results[str(path)])
        print(f"({time.perf_counter() - started:.1f} s)")
    if len(args.files) > 1:
        results["all"] = robustness(everything, suggest, chosen)
        print_table("all files together", results["all"])
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
