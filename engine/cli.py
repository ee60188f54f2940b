"""The `gongkai` command: verbs for rule authors, clerks' batch jobs and evaluation.

Exit codes: 0 fine, 1 findings (rule errors, failed tests, records that could not be used),
2 usage errors (argparse). Messages go to stderr; results to stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from engine.paths import model_dir, rules_dir


def _add_rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", type=Path, default=None, help="rules directory (default: the project's rules/)")


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", type=Path, default=None,
                        help="model directory (default: data/artifacts/classifier, made by `gongkai train`)")
    parser.add_argument("--rules-only", action="store_true", help="the rules alone, without the model")


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes (1 or more)")
    return value


def _add_workers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=_workers, default=None, metavar="N",
                        help="processes that suggest (default: one per usable core; 1: in this process, no pool); "
                             "the output is the same, in the same order, whatever N")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongkai", description="政府信息公开 suggestions: rules and review support")
    verbs = parser.add_subparsers(dest="verb", required=True)
    _rules_parsers(verbs.add_parser("rules", help="tools for rule authors").add_subparsers(dest="rules_verb", required=True))
    _document_parsers(verbs)
    _model_parsers(verbs)
    return parser


def _rules_parsers(rules: Any) -> None:
    """rules check | test | backtest | bundle | list."""
    check = rules.add_parser("check", help="validate every rule file and run the inline examples")
    _add_rules_option(check)
    check.add_argument("--format", choices=("text", "json"), default="text")
    test = rules.add_parser("test", help="run every inline example and scenario")
    _add_rules_option(test)
    test.add_argument("-k", dest="keyword", default=None, help="only cases whose name or rule id contains this")
    test.add_argument("--backend", choices=("durable", "reference"), default="durable")
    _backtest_parser(rules)
    bundle = rules.add_parser("bundle", help="print a rules directory as the JSON body of POST /v1/rules/validate "
                                             "and /v1/rules/activate")
    _add_rules_option(bundle)
    bundle.add_argument("--note", default=None, help="why the set should go live (kept with the activation)")
    listing = rules.add_parser("list", help="list the rules with their outcome and legal basis")
    _add_rules_option(listing)
    listing.add_argument("--format", choices=("text", "json"), default="text")


def _backtest_parser(rules: Any) -> None:
    backtest = rules.add_parser(
        "backtest", help="compare a candidate rule set with the active one on past decisions",
        description="Decide every past reviewed item (or labelled record) with the active rules and with the "
                    "candidate (--rules), and print what would change: the flip list with the final human "
                    "decision, precision and recall per field and class before and after, and new and lost hits "
                    "per rule. Exit 1 when the candidate finds fewer secret or withheld documents than the "
                    "active set, breaks a threshold of its manifest (backtest: thresholds:), or has errors.")
    backtest.add_argument("--rules", type=Path, default=None, help="the candidate rules directory (default: the project's rules/)")
    backtest.add_argument("--against", default=None, metavar="DATABASE_URL|FILE.jsonl",
                          help="past decisions: the service's database (default: GONGKAI_DATABASE_URL) or a JSONL "
                               "file of labelled records")
    backtest.add_argument("--active", type=Path, default=None,
                          help="the active rules directory (default: the revision the database serves, else the "
                               "project's rules/)")
    backtest.add_argument("--format", choices=("text", "json"), default="text")
    backtest.add_argument("--show", type=int, default=50, metavar="N", help="flips to list in the text output")
    backtest.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    _add_model_options(backtest)


def _document_parsers(verbs: Any) -> None:
    """explain, suggest, evaluate."""
    explain = verbs.add_parser("explain", help="facts, every rule hit with its evidence, and the decision")
    explain.add_argument("document", type=Path, help="a JSON file with one document record ('-' for stdin)")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    _add_rules_option(explain)
    _add_model_options(explain)

    suggest = verbs.add_parser("suggest", help="one JSON suggestion per record of a JSONL file")
    suggest.add_argument("file", type=Path, help="JSONL records ('-' for stdin)")
    _add_rules_option(suggest)
    _add_model_options(suggest)
    _add_workers_option(suggest)

    evaluate = verbs.add_parser("evaluate", help="metrics of the suggestions against labelled records")
    evaluate.add_argument("file", type=Path, help="JSONL labelled records")
    evaluate.add_argument("--format", choices=("text", "json"), default="text")
    evaluate.add_argument("--show-wrong", type=int, default=0, metavar="N", help="list up to N records with a wrong field")
    _add_rules_option(evaluate)
    _add_model_options(evaluate)
    _add_workers_option(evaluate)


def _model_parsers(verbs: Any) -> None:
    """train, version."""
    train = verbs.add_parser("train", help="train the classifier on labelled records; print cross-validated metrics")
    train.add_argument("files", type=Path, nargs="*", help="JSONL labelled records (default: data/training/records.jsonl)")
    train.add_argument("--output", type=Path, default=None, help="model directory (default: data/artifacts/classifier)")
    train.add_argument("--folds", type=int, default=5, help="cross-validation folds (0: none, fit only)")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--if-needed", action="store_true",
                       help="only when the model directory holds no model that loads (the set-up step uses this)")
    train.add_argument("--format", choices=("text", "json"), default="text", help="how to print the metrics")
    train.add_argument("--calibrate-on", default=None, metavar="FILE",
                       help="labelled records to fit the shown confidences' maps on (default: data/real/dev.jsonl "
                            "when it exists; '' for none)")
    train.add_argument("--from-database", metavar="URL", default=None,
                       help="learn from the reviewers' final decisions in the service's database, the FILES (default: "
                            "the starter corpus) as a prior; writes a versioned model and registers it as a candidate")
    train.add_argument("--holdout", type=float, default=0.2,
                       help="--from-database: the latest share of decisions held out, never learnt from, to measure on")
    train.add_argument("--weight", type=float, default=2.0,
                       help="--from-database: how many starter records one decision weighs")
    _add_rules_option(train)

    verbs.add_parser("version", help="versions of the service and its libraries")


def _handlers() -> dict[tuple[str, str | None], Callable[[argparse.Namespace], int]]:
    from engine.commands import backtest, documents, model, rules

    return {
        ("rules", "check"): rules.rules_check,
        ("rules", "test"): rules.rules_test,
        ("rules", "list"): rules.rules_list,
        ("rules", "backtest"): backtest.rules_backtest,
        ("rules", "bundle"): rules.rules_bundle,
        ("explain", None): documents.explain,
        ("suggest", None): documents.suggest,
        ("evaluate", None): documents.evaluate,
        ("train", None): model.train,
        ("version", None): model.show_version,
    }


def main(argv: Sequence[str] | None = None, overrides: dict[tuple[str, str | None], Any] | None = None) -> int:
    """Run a verb; `overrides` lets the service's command give a verb more sources (a database)."""
    args = build_parser().parse_args(argv)
    verb = (args.verb, getattr(args, "rules_verb", None))
    handler = (overrides or {}).get(verb) or _handlers()[verb]
    if getattr(args, "rules", "absent") is None:
        args.rules = rules_dir()
    if getattr(args, "model", "absent") is None:
        args.model = model_dir()
    try:
        return int(handler(args))
    except BrokenPipeError:  # `gongkai suggest … | head` is fine
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
