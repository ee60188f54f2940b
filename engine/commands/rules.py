"""The rule author's verbs: rules check, test, list and bundle (backtest has its own module)."""

from __future__ import annotations

import argparse

from engine.commands.common import check, emit, load_suggester, rulebook, say
from engine.rules.diagnostics import Diagnostic
from engine.suggest import Suggester


def rules_check(args: argparse.Namespace) -> int:
    """Every diagnostic of every file, then the inline examples on the durable-rules backend."""
    from engine.authoring.runner import run_examples
    from engine.rules.durable_backend import DurableError

    checked = check(args.rules)
    book, diagnostics = checked.book, checked.diagnostics
    files = len({r.file for r in book.rules}) if book else 0
    if book is not None:
        try:
            suggester = Suggester(book)
        except DurableError as exc:
            diagnostics.append(Diagnostic(str(args.rules), 1, 1, "R207", str(exc), "report this rulebook to the developers"))
        else:
            for outcome in run_examples(suggester):
                if not outcome.passed:
                    diagnostics.append(Diagnostic(outcome.file, outcome.line, 9, "R301",
                                                  f"example {outcome.name!r} expected {outcome.expected}, but {outcome.actual}",
                                                  outcome.detail.replace("\n", " ").strip(), outcome.rule_id))
    errors = [d for d in diagnostics if d.severity == "error"]
    if args.format == "json":
        emit([d.as_dict() for d in diagnostics])
    else:
        checked.print_diagnostics()
        rules = len(book.rules) if book else "?"
        say(f"{len(errors)} error(s), {len(diagnostics) - len(errors)} warning(s) ({files} files, {rules} rules checked)")
    return 1 if errors else 0


def rules_test(args: argparse.Namespace) -> int:
    from engine.authoring.runner import run_examples, run_scenarios

    suggester = load_suggester(args, args.backend)
    if suggester is None:
        return 1
    passed = failed = 0
    for outcome in list(run_examples(suggester)) + list(run_scenarios(suggester)):
        if args.keyword and args.keyword not in outcome.name and args.keyword not in (outcome.rule_id or ""):
            continue
        if outcome.passed:
            passed += 1
        else:
            failed += 1
            say(outcome.render())
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


def rules_bundle(args: argparse.Namespace) -> int:
    """Every file of the rules directory by relative path (what the revision hashes), as JSON."""
    from engine.rules.rulebook import files_of

    emit({"files": files_of(args.rules), **({"note": args.note} if args.note else {})})
    return 0


def rules_list(args: argparse.Namespace) -> int:
    book = rulebook(args.rules, f"gongkai rules list: the rules in {args.rules} have errors")
    if book is None:
        return 1
    listing = [rule.describe() for rule in book.rules]  # each citation carries `verified` from the check
    if args.format == "json":
        emit(listing)
    else:
        for item in listing:
            outcome = ", ".join(f"{k}={v}" for k, v in item["outcome"].items())
            print(f"{item['id']}  [{item['mode']}]  {outcome}\n    {item['title']}  —  {item['citation']}")
        say(f"{len(listing)} rules, revision {book.revision[:12]}")
    return 0
