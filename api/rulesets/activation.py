"""Hot reload of the rules: validate a candidate, activate it, list revisions, roll back.

The rules in service are one attribute, `ctx.suggester`. A request reads it once and keeps that
object to its end (intake passes it down), so a request in flight finishes on the set it started
with while the next one gets the new set. Activation does all the work that can fail first: the
files are checked (every diagnostic of `gongkai rules check`), compiled into a new Suggester (the
durable-rules backend, as served), and the rulebook's own examples and scenarios are run on it.
Only then is the revision recorded (rule_set, rule_activation) and the attribute replaced; a set
that fails anywhere is refused whole and the last good one keeps serving.

Every worker process serves the latest activation: each checks the database at most every
SYNC_SECONDS on its next request and adopts a newer activation (notes/durable-rules.md §6: each
process has its own engine and must load the rules itself). A rules directory the service has
never served is activated at start (a deployment); one it has served before does not displace a
revision activated later through the API.
"""

from __future__ import annotations

import copy
import logging
import time
from pathlib import Path, PurePosixPath
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.access import visibility
from api.context import Actor, Context
from api.errors import Invalid, NotFound
from api.rulesets import classifier
from api.rulesets.switch import FLIPS_SHOWN, switching
from engine.rules.diagnostics import Diagnostic
from engine.rules.loader import check_files
from engine.rules.rulebook import Rulebook, files_of, revision_of
from engine.suggest import Suggester
from models import audit
from models.tables import RuleActivationRow, RuleSetRow

log = logging.getLogger("gongkai")

SYNC_SECONDS = 2.0  # how stale another worker's view of an activation may be
MAX_FILES = 1000
SUFFIXES = (".yaml", ".yml", ".md")  # rule files, the manifest, scenarios and their READMEs
VALIDATION_ITEMS = 5000  # the latest routed items a validation backtests by default


# -- files -----------------------------------------------------------------------------------------

def _path_problem(name: str) -> str | None:
    path = PurePosixPath(name)
    if not name or name.startswith("/") or "\\" in name or "\x00" in name or any(part in ("", ".", "..") for part in name.split("/")):
        return "must be a relative path inside the rules directory, like proactive/general.yaml"
    if path.suffix not in SUFFIXES:
        return f"only {', '.join(SUFFIXES)} files belong in a rules directory"
    return None


def check(files: Mapping[str, str]) -> tuple[Rulebook | None, list[Diagnostic]]:
    """The rulebook of a set of files (None when it has errors) and every diagnostic, which name the
    files rules/<path>; its revision is the one the same files give on disk. Invalid naming every
    path that does not belong in a rules directory."""
    errors = [{"field": f"files.{name}", "message": problem} for name in files
              if (problem := _path_problem(name)) is not None]
    if len(files) > MAX_FILES:
        errors.append({"field": "files", "message": f"at most {MAX_FILES} files"})
    if not files:
        errors.append({"field": "files", "message": "no files: send every file of the rules directory"})
    if errors:
        raise Invalid("the candidate's files cannot be used", errors=errors)
    return check_files(files)


def _errors(diagnostics: list[Diagnostic]) -> list[dict[str, str]]:
    """The errors among diagnostics, as a 422's `errors`."""
    return [{"field": f"{d.file}:{d.line}:{d.column}", "message": f"{d.code} {d.message}", "hint": d.hint}
            for d in diagnostics if d.severity == "error"]


def tests(suggester: Suggester) -> dict[str, Any]:
    """The rulebook's own examples and scenarios on a suggester's rules alone, as `gongkai rules test`
    runs them (they say what the rules decide; the model is not theirs to pin)."""
    from engine.authoring.runner import run_examples, run_scenarios

    suggester = copy.copy(suggester)  # shares the compiled backend
    suggester.model = None
    outcomes = [*run_examples(suggester), *run_scenarios(suggester)]
    failed = [{"field": f"{o.file}:{o.line}", "message": f"{o.kind} {o.name!r}"
               + (f" of {o.rule_id}" if o.rule_id else "") + f": expected {o.expected}, got {o.actual}"}
              for o in outcomes if not o.passed]
    return {"passed": len(outcomes) - len(failed), "failed": failed}


def build(book: Rulebook, model: Any) -> Suggester:
    """The Suggester as it would serve, after its examples and scenarios pass on it; Invalid if not."""
    from engine.rules.durable_backend import DurableError

    try:
        suggester = Suggester(book, "durable", model)
    except DurableError as exc:
        raise Invalid(f"durable-rules refused the rule set: {exc}", errors=[]) from None
    failed = tests(suggester)["failed"]
    if failed:
        raise Invalid(f"{len(failed)} example(s) or scenario(s) of the rule set fail: it was not activated",
                      errors=failed)
    return suggester


# -- what is served ----------------------------------------------------------------------------------

def _latest(session: Session) -> RuleActivationRow | None:
    return session.scalars(select(RuleActivationRow).order_by(RuleActivationRow.id.desc()).limit(1)).first()


def served(session: Session) -> tuple[RuleActivationRow, RuleSetRow] | None:
    """The latest activation and its files: what the service's workers serve (None before any start)."""
    latest = _latest(session)
    if latest is None:
        return None
    ruleset = session.get(RuleSetRow, latest.revision)
    assert ruleset is not None  # a foreign key
    return latest, ruleset


def _book_from(row: RuleSetRow) -> Rulebook:
    book, diagnostics = check(row.files)
    if book is None:  # it loaded when it was activated; a newer gongkai may be stricter
        raise Invalid(f"revision {row.revision[:12]} no longer loads", errors=_errors(diagnostics))
    return book


def _serve(ctx: Context, session: Session, activation: RuleActivationRow) -> None:
    """Serve a recorded activation's revision in this process (another worker, or an earlier run, made it)."""
    if activation.revision != ctx.suggester.book.revision:
        ruleset = session.get(RuleSetRow, activation.revision)
        assert ruleset is not None  # a foreign key
        ctx.suggester = Suggester(_book_from(ruleset), "durable", ctx.suggester.model)
        log.info("serving rules revision %s (%s by %s at %s)", activation.revision[:12], activation.action,
                 activation.actor, activation.at)
    ctx.activation_id = activation.id


def _record(session: Session, book: Rulebook, files: Mapping[str, str], actor: Actor, action: str,
            note: str | None, previous: str | None) -> RuleActivationRow:
    if session.get(RuleSetRow, book.revision) is None:
        session.add(RuleSetRow(revision=book.revision, name=book.name, rules=len(book.rules), files=dict(files),
                               created_by=actor.name))
        session.flush()
    row = RuleActivationRow(revision=book.revision, previous=previous, action=action, actor=actor.name,
                            role=actor.role, note=note)
    session.add(row)
    audit.record(session, actor=actor.name, role=actor.role, action=f"rules:{action}",
                 before={"revision": previous}, after={"revision": book.revision, "name": book.name, "note": note})
    session.flush()
    return row


def start(ctx: Context, sessions: sessionmaker[Session], directory: Path) -> None:
    """At service start: record the rules directory when it is new, or serve the revision activated
    since (see the module's docstring)."""
    served = ctx.suggester.book
    files = files_of(directory) if directory.is_dir() and revision_of(directory) == served.revision else None
    for _attempt in range(2):  # two workers starting at once: the loser re-reads the winner's rows
        with sessions() as session:
            latest = _latest(session)
            known = session.get(RuleSetRow, served.revision) is not None
            if files is not None and (latest is None or not known):
                row = _record(session, served, files, Actor("service start", "admin"), "start",
                              f"rules directory {directory}", latest.revision if latest else None)
                try:
                    session.commit()
                except IntegrityError:
                    session.rollback()
                    continue
                ctx.activation_id = row.id
            elif latest is not None:
                if latest.revision != served.revision:
                    log.warning("the rules directory %s (%s) was served before; serving revision %s activated since",
                                directory, served.revision[:12], latest.revision[:12])
                _serve(ctx, session, latest)
        return
    raise RuntimeError("could not record the rules at start")  # pragma: no cover


def serving(ctx: Context, session: Session) -> Suggester:
    """The Suggester for this request: the one in service, after adopting a newer activation made
    by another worker (looked for, in the caller's session, at most every SYNC_SECONDS)."""
    now = time.monotonic()
    if now - ctx.rules_checked_at >= SYNC_SECONDS:
        ctx.rules_checked_at = now
        latest = _latest(session)
        if latest is not None and latest.id != ctx.activation_id:
            with switching:
                if latest.id != ctx.activation_id:
                    _serve(ctx, session, latest)
        classifier.sync(ctx, session)
    return ctx.suggester


# -- the rule author's verbs -----------------------------------------------------------------------------

def validate(ctx: Context, engine: Any, files: Mapping[str, str], limit: int | None,
             actor: Actor | None = None) -> dict[str, Any]:
    """Diagnostics and, when the candidate loads, a backtest against the rules in service over the
    latest `limit` routed items (all with limit None) that `actor` may read (all for a cleared role, or
    without an actor). Nothing changes."""
    book, diagnostics = check(files)
    out: dict[str, Any] = {"valid": book is not None, "revision": book.revision if book else None,
                           "name": book.name if book else None, "rules": len(book.rules) if book else None,
                           "errors": sum(d.severity == "error" for d in diagnostics),
                           "warnings": sum(d.severity == "warning" for d in diagnostics),
                           "diagnostics": [d.as_dict() for d in diagnostics], "tests": None, "backtest": None}
    if book is not None:
        # The reference evaluator: no durable-rules version is compiled (each leaks 5–20 MB) for a look.
        out["tests"] = tests(Suggester(book, "reference"))
        out["valid"] = not out["tests"]["failed"]
        cleared = actor is None or visibility.cleared(actor, ctx.settings)
        out["backtest"] = backtest_summary(ctx.suggester, book, engine, limit, cleared=cleared)
    return out


def backtest_summary(current: Suggester, candidate: Rulebook, engine: Any, limit: int | None, *,
                     cleared: bool = True) -> dict[str, Any]:
    """The backtest of a candidate over the latest routed items. For a caller not cleared for secret
    items, the items it may not read are left out entirely, not only hidden from the lists: the
    candidate's hits and figures over them would tell what their text holds (api/rulesets/backtest_source.py);
    `left_out` says how many (a number that is the same whatever the candidate)."""
    from api.rulesets.backtest_source import not_readable, routed_cases
    from engine.authoring.backtest import run
    from engine.authoring.comparer import Comparer

    scope = "routed items" if cleared else "routed items the caller may read"
    report = run(Comparer(current.book, candidate, current.model), routed_cases(engine, limit, cleared=cleared),
                 f"the latest {limit} {scope}" if limit else f"every one of the {scope}").report()
    flips = report["flips"]
    return {**{k: report[k] for k in ("source", "active", "candidate", "items", "flip_counts", "fields",
                                       "secrecy_flag", "violations", "rules", "gates", "passed")},
            "flips": flips[:FLIPS_SHOWN], "flips_total": len(flips),
            "left_out": {"not_readable": 0 if cleared else not_readable(engine)}}


def activate(ctx: Context, sessions: sessionmaker[Session], actor: Actor, files: Mapping[str, str],
             note: str | None) -> dict[str, Any]:
    book, diagnostics = check(files)
    if book is None:
        raise Invalid("the rule set has errors: it was not activated (the rules in service are unchanged)",
                      errors=_errors(diagnostics))
    return _put_live(ctx, sessions, actor, book, files, "activate", note)


def rollback(ctx: Context, sessions: sessionmaker[Session], actor: Actor, to: str | None,
             note: str | None) -> dict[str, Any]:
    """Serve a revision served before: `to` (a revision or its first 12+ characters) or, without it,
    the one in service before the current one."""
    with sessions() as session:
        if to is None:
            latest = _latest(session)
            if latest is None or latest.previous is None:
                raise Invalid("nothing to roll back to: no revision was served before this one", errors=[])
            to = latest.previous
        matches = session.scalars(select(RuleSetRow).where(RuleSetRow.revision.startswith(to))).all() \
            if len(to) >= 12 else []
        if len(matches) != 1:
            raise NotFound(f"no single revision starts with {to!r} (give at least 12 characters)")
        ruleset = matches[0]
        files = dict(ruleset.files)
    return _put_live(ctx, sessions, actor, _book_from(ruleset), files, "rollback", note)


def _put_live(ctx: Context, sessions: sessionmaker[Session], actor: Actor, book: Rulebook,
              files: Mapping[str, str], action: str, note: str | None) -> dict[str, Any]:
    suggester = build(book, ctx.suggester.model)  # everything that can fail, before anything changes
    with switching:
        with sessions() as session:
            row = _record(session, book, files, actor, action, note, ctx.suggester.book.revision)
            session.commit()
            out = _activation(row, session.get(RuleSetRow, row.revision), current=True)
        suggester.model = ctx.suggester.model  # a model activated while this set was being built stays
        ctx.suggester = suggester  # the switch: one attribute store
        ctx.activation_id = row.id
        ctx.rules_checked_at = time.monotonic()
    log.info("rules revision %s %s by %s", book.revision[:12], action, actor.name)
    return out


def _activation(row: RuleActivationRow, ruleset: RuleSetRow | None, current: bool) -> dict[str, Any]:
    return {"id": row.id, "revision": row.revision, "name": ruleset.name if ruleset else None,
            "rules": ruleset.rules if ruleset else None, "action": row.action, "actor": row.actor,
            "role": row.role, "at": row.at.isoformat(), "note": row.note, "previous": row.previous,
            "current": current}


def revisions(session: Session, ctx: Context) -> dict[str, Any]:
    """Every activation, newest first, and the revision this process serves."""
    rows = session.execute(select(RuleActivationRow, RuleSetRow).join(RuleSetRow)
                           .order_by(RuleActivationRow.id.desc())).all()
    return {"serving": {"revision": ctx.suggester.book.revision, "name": ctx.suggester.book.name,
                        "activation": ctx.activation_id},
            "activations": [_activation(a, s, current=a.id == ctx.activation_id) for a, s in rows]}


def revision_files(session: Session, revision: str) -> dict[str, Any]:
    ruleset = session.get(RuleSetRow, revision)
    if ruleset is None:
        raise NotFound(f"no revision {revision!r}")
    return {"revision": ruleset.revision, "name": ruleset.name, "files": ruleset.files}
