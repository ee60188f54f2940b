"""Handlers of the service verbs (argument parsing lives in api/cli.py)."""

from __future__ import annotations

import argparse
import json
import os
import sys

from sqlalchemy import func, select

from api.context import Actor
from api.settings import Settings
from models.migrate import drift, upgrade
from models.session import make_engine, make_sessions
from models.tables import TokenRow

CLI_ACTOR = Actor(name="cli", role="admin")


def _sessions(settings: Settings):  # type: ignore[no-untyped-def]
    engine = make_engine(settings.database_url)
    upgrade(engine)
    return make_sessions(engine)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import StartupError, create_app

    settings = Settings()
    try:
        app = create_app(settings)
    except StartupError as exc:
        print(f"gongkai: cannot start: {exc}", file=sys.stderr)
        return 1
    with app.state.sessions() as session:
        admins = session.scalar(select(func.count()).select_from(TokenRow).where(
            TokenRow.role == "admin", TokenRow.revoked_at.is_(None)))
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
        uvicorn.run("api.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                    loop="uvloop", http="httptools", log_level="warning")
    else:
        uvicorn.run(app, host=args.host, port=args.port, loop="uvloop", http="httptools", log_level="warning")
    return 0


def token_create(args: argparse.Namespace) -> int:
    from api import tokens

    with _sessions(Settings())() as session:
        row, token = tokens.issue(session, name=args.name, role=args.role, division=args.division, by=CLI_ACTOR)
        session.commit()
    print(token)
    print(f"gongkai: token {row.id} for {args.name} ({args.role}); it is shown only now. "
          f"Use it as: Authorization: Bearer <token>", file=sys.stderr)
    return 0


def token_list(args: argparse.Namespace) -> int:
    with _sessions(Settings())() as session:
        for row in session.scalars(select(TokenRow).order_by(TokenRow.id)):
            print(json.dumps({"id": row.id, "name": row.name, "role": row.role, "division": row.division,
                              "revoked": row.revoked_at is not None}, ensure_ascii=False))
    return 0


def token_revoke(args: argparse.Namespace) -> int:
    from api import tokens

    with _sessions(Settings())() as session:
        row = session.get(TokenRow, args.id)
        if row is None:
            print(f"gongkai: no token {args.id}", file=sys.stderr)
            return 1
        tokens.revoke(session, row, CLI_ACTOR)
        session.commit()
    return 0


def audit_verify(args: argparse.Namespace) -> int:
    from models.audit import verify_chain

    with _sessions(Settings())() as session:
        report = verify_chain(session)
    if report.intact:
        print(f"audit log intact: {report.events} events, every hash and link verified")
        return 0
    print(f"audit log BROKEN at event {report.broken_at}: {report.problem}")
    return 1


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


SUPERVISION_CSV = ("kind", "item_id", "index_number", "division", "who", "when", "detail")


def report(args: argparse.Namespace) -> int:
    """A report as JSON on stdout; supervision rows also as CSV (columns SUPERVISION_CSV, detail as JSON)."""
    import csv

    from api import accuracy, statistics, supervision
    from api.views import today_in_china

    settings = Settings()
    with _sessions(settings)() as session:
        if args.kind == "statistics":
            out = statistics.statistics(session, closed_from=args.closed_from, closed_to=args.closed_to,
                                        division=args.division, today=today_in_china())
        elif args.kind == "accuracy":
            out = accuracy.accuracy(session, closed_from=args.closed_from, closed_to=args.closed_to,
                                    division=args.division)
        else:
            out = supervision.supervision(session, today=today_in_china(), wait_days=settings.review_wait_days,
                                          closed_from=args.closed_from, closed_to=args.closed_to)
    if args.format == "csv":
        if args.kind != "supervision":
            print("gongkai: --format csv is for supervision rows; use json for the other reports", file=sys.stderr)
            return 2
        writer = csv.writer(sys.stdout)
        writer.writerow(SUPERVISION_CSV)
        for row in out["rows"]:
            writer.writerow([row[c] if c != "detail" else json.dumps(row[c], ensure_ascii=False, sort_keys=True)
                             for c in SUPERVISION_CSV])
        return 0
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0
