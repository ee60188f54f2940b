"""`gongkai rules backtest`: a candidate rule set against the active one, on past decisions."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple

from engine.commands.common import Progress, RuleSource, emit, load_model, rulebook, say
from engine.paths import rules_dir
from engine.rules.rulebook import Rulebook

WHO = "gongkai rules backtest"


class Decisions(NamedTuple):
    """Past decisions to compare on: the cases, what they are (for the report), how many, and the files
    of the rule set their source serves (a database's latest activation), if it has one."""

    cases: Iterable[Any]
    source: str
    total: int
    served: Mapping[str, str] | None = None


# A database source for `rules backtest --against URL`, given the URL (None: the service's own). The
# service provides it (api/commands.py, api/rulesets/backtest_source.py): the engine reads only files.
# ValueError says why the database cannot be used.
DatabaseSource = Callable[[str | None], Decisions]


def rules_backtest(args: argparse.Namespace, database: DatabaseSource | None = None) -> int:
    from engine.authoring.backtest import render
    from engine.authoring.comparer import Comparer

    candidate = rulebook(args.rules, f"{WHO}: the candidate rules in {args.rules} have errors; nothing was compared")
    if candidate is None:
        return 1
    decisions = _decisions(args.against, database)
    if decisions is None:
        return 1
    active = _active(args.active or decisions.served or rules_dir(), candidate)
    if active is None:
        return 1
    model = None
    if not args.rules_only:
        model = load_model(args, WHO)
        if model is None:
            return 1
    report = _run(Comparer(active, candidate, model), decisions, args.jobs)
    report["model"] = model.model_id if model is not None else None
    for skipped in report["skipped"]:
        say(f"{decisions.source}: {skipped['id']}: skipped: {skipped['error']}")
    if args.format == "json":
        emit(report)
    else:
        print(render(report, show=args.show))
    if not report["items"]:
        say(f"{WHO}: no decision could be read; nothing was compared")
        return 1
    return 0 if report["passed"] else 1


def _decisions(against: str | None, database: DatabaseSource | None) -> Decisions | None:
    """The decisions of --against (a database URL, by default the service's, or a labelled JSONL file),
    or None after saying why they cannot be read."""
    if against is None or "://" in against:
        if database is None:
            say(f"{WHO}: give --against FILE.jsonl (a database needs the service's `gongkai`)")
            return None
        try:
            return database(against)
        except ValueError as exc:
            say(f"{WHO}: {exc}")
            return None
    path = Path(against)
    if not path.is_file():
        say(f"{WHO}: no such file: {path}")
        return None
    with path.open("rb") as stream:
        total = sum(1 for raw in stream if raw.strip())
    return Decisions(_file_cases(path), str(path), total)


def _file_cases(path: Path) -> Iterator[Any]:
    from engine.authoring.comparer import Case

    with path.open("rb") as stream:
        for number, raw in enumerate(stream, 1):
            if raw.strip():
                yield Case(f"line {number}", raw, None, number, number)


def _active(source: RuleSource, candidate: Rulebook) -> Rulebook | None:
    """The active rule set: --active DIR, else the revision the database serves, else the project's rules."""
    where = f"in {source}" if isinstance(source, Path) else "the database serves"
    active = rulebook(source, f"{WHO}: the active rules {where} have errors; pass --active DIR")
    if active is not None and active.revision == candidate.revision:
        say(f"{WHO}: note: the candidate is the active rule set ({active.revision[:12]}): nothing can change")
    return active


def _run(comparer: Any, decisions: Decisions, jobs: int | None) -> dict[str, Any]:
    """The backtest's report, with progress on stderr every 10,000 decisions and at the end."""
    from engine.authoring.backtest import default_jobs, run

    progress = Progress()
    total, shown = decisions.total, [0]

    def report_progress(done: int) -> None:
        if done // 10_000 > shown[0] // 10_000 or done == total:
            progress(f"backtest: {done}/{total} decisions")
        shown[0] = done

    result = run(comparer, decisions.cases, decisions.source, jobs=(jobs or default_jobs()) if total >= 2000 else 1,
                 progress=report_progress)
    progress.done()
    return result.report()
