"""Handlers of the service verbs (argument parsing lives in api/cli.py)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.access.roles import Role
from api.audit_key import AuditKeyError, audit_key
from api.context import Actor
from api.settings import Settings
from models.migrate import drift, upgrade
from models.session import AUDIT_KEY, make_engine, make_sessions
from models.tables import TokenRow

if TYPE_CHECKING:
    from models.audit import ChainReport, ExternalCheckpoint

CLI_ACTOR = Actor(name="cli", role=Role.ADMIN)


def settings_problem(exc: AuditKeyError | ValidationError) -> str:
    """A settings error in one line per problem, naming the variable (no traceback)."""
    if isinstance(exc, AuditKeyError):
        return str(exc)
    lines = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        name = "GONGKAI_" + "_".join(str(part) for part in error["loc"]).upper()
        lines.append(message if message.startswith("GONGKAI_") or not error["loc"] else f"{name}: {message}")
    return "invalid settings: " + "; ".join(lines)


def _sessions(settings: Settings, *, make_key: bool = True):  # type: ignore[no-untyped-def]
    """Sessions on the migrated database, carrying the audit key (made on SQLite when `make_key`)."""
    key = audit_key(settings, create=make_key)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    return make_sessions(engine, audit_key=key)


def serve(args: argparse.Namespace) -> int:
    import gc

    gc.disable()  # during the start, as create_served_app says (it turns the collector back on)
    from api.app import StartupError, create_served_app

    settings = Settings()
    try:
        app = create_served_app(settings)
    except StartupError as exc:
        print(f"gongkai: cannot start: {exc}", file=sys.stderr)
        return 1
    import uvicorn  # after: the rules and the model start loading as early as they can (create_served_app)

    with app.state.sessions() as session:
        admins = session.scalar(select(func.count()).select_from(TokenRow).where(
            TokenRow.role == Role.ADMIN, TokenRow.revoked_at.is_(None)))
    print(f"gongkai: database {app.state.engine.url.render_as_string(hide_password=True)}", file=sys.stderr)
    print(f"gongkai: serving on http://{args.host}:{args.port}  (API documentation: /docs, /openapi.json)",
          file=sys.stderr)
    if not admins:
        print("gongkai: no administrator token yet; make the first one with:\n"
              "    .venv/bin/gongkai token create --role admin --name <your name>", file=sys.stderr)
    if args.workers > 1:
        print("gongkai: --workers > 1 starts each worker from GONGKAI_* settings", file=sys.stderr)
        # Migrated above, once: workers that each migrated at start would race on a new database.
        os.environ["GONGKAI_MIGRATE_ON_START"] = "false"
        uvicorn.run("api.app:create_served_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                    loop="uvloop", http="httptools", log_level="warning")
    else:
        uvicorn.run(app, host=args.host, port=args.port, loop="uvloop", http="httptools", log_level="warning")
    return 0


def token_create(args: argparse.Namespace) -> int:
    from api.access import tokens

    settings = Settings()
    with _sessions(settings)() as session:
        row, token = tokens.issue(session, name=args.name, role=args.role, division=args.division, by=CLI_ACTOR,
                                  days=args.days or settings.token_days)
        session.commit()
    print(token)
    print(f"gongkai: token {row.id} for {args.name} ({args.role}), valid until {row.expires_at:%Y-%m-%d %H:%M} UTC; "
          f"it is shown only now. Use it as: Authorization: Bearer <token>", file=sys.stderr)
    return 0


def token_list(args: argparse.Namespace) -> int:
    """One JSON line a token: its status is active, expired, revoked, or "no expiry: rotate" (issued
    before tokens expired)."""
    from api.access import tokens

    with _sessions(Settings())() as session:
        for row in session.scalars(select(TokenRow).order_by(TokenRow.id)):
            view = tokens.view(row)
            print(json.dumps({k: view[k] for k in ("id", "name", "role", "division", "expires_at", "status")}
                             | {"revoked": row.revoked_at is not None}, ensure_ascii=False))
    return 0


def token_rotate(args: argparse.Namespace) -> int:
    from api.access import tokens

    settings = Settings()
    with _sessions(settings)() as session:
        row = session.get(TokenRow, args.id)
        if row is None:
            print(f"gongkai: no token {args.id}", file=sys.stderr)
            return 1
        try:
            new, token = tokens.rotate(session, row, CLI_ACTOR, days=args.days or settings.token_days)
        except tokens.TokenRevoked as exc:
            print(f"gongkai: {exc}", file=sys.stderr)
            return 1
        session.commit()
    print(token)
    print(f"gongkai: token {new.id} replaces token {args.id} for {new.name} ({new.role}), valid until "
          f"{new.expires_at:%Y-%m-%d %H:%M} UTC; token {args.id} no longer works (in a running service within "
          f"5 seconds). The new token is shown only now.", file=sys.stderr)
    return 0


def token_revoke(args: argparse.Namespace) -> int:
    from api.access import tokens

    with _sessions(Settings())() as session:
        row = session.get(TokenRow, args.id)
        if row is None:
            print(f"gongkai: no token {args.id}", file=sys.stderr)
            return 1
        tokens.revoke(session, row, CLI_ACTOR)
        session.commit()
    return 0


def user_create(args: argparse.Namespace) -> int:
    """A person who signs in to the pages; the password is read without echo (or one line of stdin with
    --password-stdin, for scripts), never from the command line, where `ps` and the shell history see it."""
    import getpass

    from api.access import users

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("密码 (password): ")
        if getpass.getpass("再次输入 (again): ") != password:
            print("gongkai: the two passwords differ", file=sys.stderr)
            return 1
    with _sessions(Settings())() as session:
        try:
            user = users.create(session, name=args.name, role=args.role, division=args.division, password=password,
                                by=CLI_ACTOR)
        except (ValueError, users.UserExists) as exc:
            print(f"gongkai: {exc}", file=sys.stderr)
            return 1
        session.commit()
        print(f"gongkai: user {user.id} {user.name} ({user.role}) may now sign in at /signin", file=sys.stderr)
    return 0


def user_list(args: argparse.Namespace) -> int:
    """One JSON line a user (never the password hash)."""
    from api.access import users
    from models.tables import UserRow

    with _sessions(Settings())() as session:
        for row in session.scalars(select(UserRow).order_by(UserRow.id)):
            print(json.dumps(users.view(row), ensure_ascii=False))
    return 0


def user_disable(args: argparse.Namespace) -> int:
    from api.access import users

    with _sessions(Settings())() as session:
        user = users.find(session, args.name)
        if user is None:
            print(f"gongkai: no user {args.name!r}", file=sys.stderr)
            return 1
        users.disable(session, user, CLI_ACTOR)
        session.commit()
    return 0


def audit_verify(args: argparse.Namespace) -> int:
    """Exit 0 intact, 1 with each problem named, 2 when it cannot check (no key, unreadable file)."""
    from models.audit import ExternalCheckpoint, verify_chain

    against = None
    if args.against:
        try:
            with open(args.against, encoding="utf-8") as f:
                against = ExternalCheckpoint.from_json(json.load(f))
        except (OSError, ValueError) as exc:
            print(f"gongkai: cannot read the checkpoint file {args.against}: {exc}", file=sys.stderr)
            return 2
    with _sessions(Settings(), make_key=False)() as session:
        _link_queued(session)
        report = verify_chain(session, against=against)
    if report.intact:
        print(_intact_line(report, against))
        return 0
    head = (f"audit log BROKEN at position {report.broken_at} of the chain" if report.broken_at is not None
            else "audit log BROKEN")
    print(f"{head}: {report.problems[0]}")
    for problem in report.problems[1:20]:
        print(f"  also: {problem}")
    if len(report.problems) > 20:
        print(f"  and {len(report.problems) - 20} more problems")
    return 1


def _link_queued(session: Session) -> None:
    """Link what is queued first (the appender's work, if the service is not running); when the chain's head
    cannot be trusted, say so and verify as it stands (the verification names what happened)."""
    from models.audit import drain
    from models.audit.appender import ChainHeadError

    try:
        drain(session)
    except ChainHeadError as exc:
        print(f"gongkai: {exc}", file=sys.stderr)


def _intact_line(report: ChainReport, against: ExternalCheckpoint | None) -> str:
    keyed = report.events - report.legacy
    parts = [f"audit log intact: {report.events} events, every hash and link verified"]
    if keyed:
        parts.append(f"{keyed} keyed by MAC, the chain ending at position {report.head} as the checkpoint says")
    if report.pending:
        parts.append(f"{report.pending} committed moments ago and not yet linked (each checked by its own hash and MAC)")
    if report.legacy:
        parts.append(f"{report.legacy} events predate the keyed chain (written before the audit key existed: "
                     "checked by their SHA-256 links only)")
    if report.covered:
        parts.append(f"{report.covered.get('review', 0)} reviews and {report.covered.get('item_version', 0)} "
                     "document versions match what the log recorded")
    if against is not None:
        parts.append(f"the log contains the checkpoint file's event {against.seq} (written {against.written_at})")
    return "; ".join(parts)


def audit_checkpoint(args: argparse.Namespace) -> int:
    """Verify, then write the head (keyed) to --out, to keep where the database's administrators cannot
    write: a later `audit verify --against FILE` proves the log still holds everything up to it."""
    from models.audit import ExternalCheckpoint, verify_chain

    with _sessions(Settings(), make_key=False)() as session:
        _link_queued(session)
        report = verify_chain(session)
        key = session.info[AUDIT_KEY]
    if not report.intact:
        print(f"gongkai: the audit log does not verify, no checkpoint written: {report.problem}", file=sys.stderr)
        return 1
    point = ExternalCheckpoint.make(key, report.head, report.head_hash, report.keyed_from)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(point.to_json(), f, indent=2)
        f.write("\n")
    print(f"audit checkpoint: position {point.seq} of the chain ({report.events} events), written to {args.out}; "
          "keep it outside the "
          "database host (verify with: gongkai audit verify --against FILE)")
    return 0


def db_upgrade(args: argparse.Namespace) -> int:
    _sessions(Settings())
    print("database schema is at the latest migration")
    return 0


def db_check(args: argparse.Namespace) -> int:
    settings = Settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    differences = drift(engine)
    for d in differences:
        print(d)
    return 1 if differences else 0


def rules_backtest(args: argparse.Namespace) -> int:
    """`gongkai rules backtest`, with the service's database as the default source of decisions, and
    the revision that database serves (its latest activation) as the default active set: the rules a
    candidate would replace are those in service, whatever the project's rules/ holds."""
    from sqlalchemy.orm import Session

    from api.rulesets import activation as rulesets
    from api.rulesets.backtest_source import RoutedCases, open_database
    from engine.commands.backtest import Decisions
    from engine.commands.backtest import rules_backtest as run_backtest

    def database(url: str | None) -> Decisions:
        engine = open_database((Settings(database_url=url) if url else Settings()).database_url)
        served = None
        with Session(engine) as session:
            found = rulesets.served(session) if args.active is None else None  # --active DIR: not needed
            if found is not None:
                activation, ruleset = found
                served = dict(ruleset.files)
                print(f"gongkai rules backtest: the active rules are those the database serves: revision "
                      f"{ruleset.revision[:12]} ({activation.action} by {activation.actor} at "
                      f"{activation.at:%Y-%m-%d %H:%M} UTC)", file=sys.stderr)
        engine.dispose()  # the workers open their own connections
        cases = RoutedCases(engine.url.render_as_string(hide_password=False))
        return Decisions(cases, f"{len(cases)} routed items in {engine.url.render_as_string()}", len(cases), served)

    return run_backtest(args, database)


def _write(data: bytes, output: str | None) -> None:
    """A report's bytes to the file named, or to stdout."""
    if output:
        with open(output, "wb") as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def report(args: argparse.Namespace) -> int:
    """A report in the chosen format, to --output or stdout; progress and timings on stderr."""
    import time

    from api.items.views import today_in_china
    from api.reports import registry

    if args.format in ("xlsx", "docx") and args.output is None and sys.stdout.isatty():
        print(f"gongkai: an {args.format.upper()} file is binary: give --output FILE or redirect stdout", file=sys.stderr)
        return 2
    if args.kind == "annual" or args.format == "docx" or args.year is not None:
        return annual_report(args)
    if args.date_from and args.date_to and args.date_from > args.date_to:
        print(f"gongkai: --from {args.date_from} is after --to {args.date_to}", file=sys.stderr)
        return 2
    started = time.perf_counter()

    def progress(what: str, done: int, total: int) -> None:
        print(f"gongkai: {what}: {done:,} of {total:,} items ({time.perf_counter() - started:.1f} s)",
              file=sys.stderr)

    settings = Settings()
    with _sessions(settings)() as session:
        out = registry.build(args.kind, session, settings, today=today_in_china(), division=args.division,
                             start=args.date_from, end=args.date_to, progress=progress)
    built = time.perf_counter()
    print(f"gongkai: {args.kind} report built in {built - started:.1f} s; rendering {args.format}", file=sys.stderr)
    data = registry.render(args.kind, out, args.format)
    _write(data, args.output)
    where = args.output or "stdout"
    print(f"gongkai: {len(data):,} bytes of {args.format} to {where} in {time.perf_counter() - built:.1f} s",
          file=sys.stderr)
    return 0


def annual_report(args: argparse.Namespace) -> int:
    """`gongkai report annual --year Y`: the year's report in the chosen format; its findings on stderr, exit 1
    when an error blocks publication (so a script notices), 2 on a wrong request."""
    import time

    from api.annual import files, views
    from api.errors import Invalid
    from api.items.views import today_in_china

    if args.kind != "annual" or args.year is None:
        print("gongkai: --year and --format docx are for `gongkai report annual --year Y`", file=sys.stderr)
        return 2
    started = time.perf_counter()
    settings = Settings()
    with _sessions(settings)() as session:
        try:
            report = views.report(session, settings, args.year, today_in_china())
        except Invalid as error:
            print(f"gongkai: {error.detail}", file=sys.stderr)
            return 2
    built = time.perf_counter()
    data = json.dumps(report, ensure_ascii=False, indent=1).encode() if args.format == "json" else files.render(report, args.format)
    _write(data, args.output)
    for finding in report["findings"]:
        print(f"gongkai: {finding['level']} (check {finding['check']}): {finding['message']}", file=sys.stderr)
    print(f"gongkai: annual report {args.year} ({report['status']}, {report['errors']} errors, {report['warnings']} "
          f"warnings) built in {built - started:.1f} s; {len(data):,} bytes of {args.format} to "
          f"{args.output or 'stdout'}", file=sys.stderr)
    return 1 if report["errors"] else 0
