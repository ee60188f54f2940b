"""The `gongkai` command: the engine's verbs (engine/cli.py) plus the service's own:
serve, token create|list|revoke|rotate, user create|list|disable, audit verify|checkpoint, db upgrade|check. Kept here so that the engine stays
free of web and database imports."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Sequence, TypeAlias

from api.access.roles import Role
from engine import cli as engine_cli

# The archive verbs' modules take seconds to import (the batch machinery, tqdm, Dask): their parsers are built
# only when one of them is asked for, so that `gongkai serve` starts without them.
ARCHIVE_VERBS = {"import", "backfill"}
SERVICE_VERBS = {"serve", "token", "user", "audit", "db", "report", "demo", "model", *ARCHIVE_VERBS}


def build_parser(archive: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongkai", description="政府信息公开 service: serve and administer")
    verbs = parser.add_subparsers(dest="verb", required=True)
    # In this order: `gongkai VERB -h` lists the verbs as they are added.
    for add in (_serve_parser, _token_parsers, _user_parsers, _audit_parsers, _report_parser, _db_parsers, _demo_parser,
                _model_parsers):
        add(verbs)
    if archive == "import":
        from api import bulk_commands

        bulk_commands.add_parsers(verbs)
    elif archive == "backfill":
        from api import backfill_commands

        backfill_commands.add_parsers(verbs)
    return parser


# What build_parser's add_subparsers returns; a string, since argparse's class is not subscriptable at run time.
Verbs: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _serve_parser(verbs: Verbs) -> None:
    serve = verbs.add_parser("serve", help="run the HTTP service (settings from GONGKAI_* variables)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (PostgreSQL; SQLite has one writer)")


def _token_parsers(verbs: Verbs) -> None:
    token = verbs.add_parser("token", help="bearer tokens").add_subparsers(dest="token_verb", required=True)
    create = token.add_parser("create", help="issue a token and print it (once)")
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--name", required=True)
    create.add_argument("--division", default=None)
    create.add_argument("--days", type=_days, default=None,
                        help="days the token works (default: GONGKAI_TOKEN_DAYS, 180)")
    token.add_parser("list", help="list tokens (never their values), with expiry and status")
    revoke = token.add_parser("revoke", help="revoke a token by id")
    revoke.add_argument("id", type=int)
    rotate = token.add_parser("rotate", help="issue a new token for the same holder, role and division and revoke "
                                               "the old one; print the new token (once)")
    rotate.add_argument("id", type=int)
    rotate.add_argument("--days", type=_days, default=None,
                        help="days the new token works (default: GONGKAI_TOKEN_DAYS, 180)")


def _user_parsers(verbs: Verbs) -> None:
    user = verbs.add_parser("user", help="people who sign in to the pages").add_subparsers(dest="user_verb",
                                                                                           required=True)
    create = user.add_parser("create", help="create a user; the password is asked for (never an argument)")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--division", default=None)
    create.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    user.add_parser("list", help="list users (never their password hashes)")
    disable = user.add_parser("disable", help="the user can no longer sign in; their sessions end")
    disable.add_argument("name")


def _audit_parsers(verbs: Verbs) -> None:
    audit = verbs.add_parser("audit", help="the audit log").add_subparsers(dest="audit_verb", required=True)
    verify = audit.add_parser(
        "verify", help="check the keyed hash chain, its checkpoint and the reviews it records; exit 1 naming "
                       "each problem", description="Needs the audit key the service writes with "
                                                   "(GONGKAI_AUDIT_KEY_FILE or GONGKAI_AUDIT_KEY); exit 2 without it.")
    verify.add_argument("--against", metavar="FILE", default=None,
                        help="also check the log against a checkpoint written earlier by `audit checkpoint --out` "
                             "and kept outside the database (catches a replayed checkpoint)")
    checkpoint = audit.add_parser("checkpoint", help="verify the log, then write its head, keyed, to a file to "
                                                     "keep outside the database (for verify --against)")
    checkpoint.add_argument("--out", metavar="FILE", required=True)


def _report_parser(verbs: Verbs) -> None:
    """`gongkai report KIND`: one choice per report of api/reports/registry.REPORTS."""
    from api.reports.registry import MEDIA_TYPES, REPORTS

    kinds = ", ".join(REPORTS)
    dates = "; ".join(f"{', '.join(r.kind for r in REPORTS.values() if r.dates == d)}: {d.meaning}"
                      for d in dict.fromkeys(r.dates for r in REPORTS.values()))
    report = verbs.add_parser(
        "report", help=f"reports from the database ({kinds}, annual) as JSON, CSV, XLSX or HTML (annual: DOCX too)",
        description=f"--from/--to select {dates} (so a daily export of yesterday's events imports each "
                    "event once). `annual --year Y`: the 政府信息公开工作年度报告 of year Y in the national format, "
                    "checked (the checks go to stderr; exit 1 when any error blocks publication). Progress goes to stderr.")
    report.add_argument("kind", choices=[*REPORTS, "annual"])
    report.add_argument("--year", type=int, default=None, help="annual: the reporting year")
    report.add_argument("--from", dest="date_from", type=_date, default=None, help="from this date (YYYY-MM-DD)")
    report.add_argument("--to", dest="date_to", type=_date, default=None, help="to this date, inclusive (YYYY-MM-DD)")
    report.add_argument("--division", default=None)
    tables = "; ".join(f"{r.kind}: {'its import layout (README)' if r.csv_layout else r.csv_table}"
                       for r in REPORTS.values())
    report.add_argument("--format", choices=[*MEDIA_TYPES, "docx"], default="json",
                        help=f"csv: one table ({tables}); xlsx: a sheet per table; html: a page with charts; "
                             "docx: the annual report only")
    report.add_argument("--output", "-o", default=None,
                        help="write to this file (default: stdout; xlsx needs a file or a redirected stdout)")


def _db_parsers(verbs: Verbs) -> None:
    db = verbs.add_parser("db", help="the database schema").add_subparsers(dest="db_verb", required=True)
    db.add_parser("upgrade", help="apply migrations (the service also does this at start)")
    db.add_parser("check", help="exit 1 when the tables and the migrations differ")


def _demo_parser(verbs: Verbs) -> None:
    demo = verbs.add_parser("demo", help="load a few sample documents at every stage (queues, stores, feed); "
                                         "idempotent", description="api/demo.py: pushed and reviewed through the "
                                                                   "service's own use cases, on GONGKAI_DATABASE_URL")
    demo.add_argument("--force", action="store_true", help="also on a database other than SQLite")


def _model_parsers(verbs: Verbs) -> None:
    model = verbs.add_parser("model", help="the model registry: list, register, validate, activate, rollback").add_subparsers(
        dest="model_verb", required=True)
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument("--database", metavar="URL", default=None, help="default: GONGKAI_DATABASE_URL")
    model.add_parser("list", parents=[database], help="registered models with their figures, and the activations")
    register = model.add_parser("register", parents=[database], help="add a trained model directory to the registry")
    register.add_argument("directory", type=Path)
    validate = model.add_parser("validate", parents=[database], help="compare a registered model with the one in "
                                "service on past decisions it never learnt from; exit 1 when a gate fails")
    validate.add_argument("model_id")
    validate.add_argument("--items", type=int, default=0, help="the latest routed items only (0: every one)")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    activate = model.add_parser("activate", parents=[database], help="validate, then serve it (refused if a gate fails)")
    activate.add_argument("model_id")
    activate.add_argument("--note", default=None)
    rollback = model.add_parser("rollback", parents=[database], help="serve again a model served before")
    rollback.add_argument("--to", default=None, help="a model id (default: the one served before the current one)")
    rollback.add_argument("--note", default=None)


def _days(text: str) -> int:
    from api.access.tokens import MAX_DAYS

    if not text.isdigit() or not 1 <= int(text) <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of days, 1 to {MAX_DAYS}")
    return int(text)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a YYYY-MM-DD date") from None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in SERVICE_VERBS:
        if argv and argv[0] in ("-h", "--help"):
            engine_cli.build_parser().print_help()
            print("\nservice verbs: serve, token create|list|revoke|rotate, user create|list|disable, "
                  "audit verify|checkpoint, db upgrade|check, demo, model list|register|validate|activate|rollback, "
                  "import FILE, backfill ARCHIVE... (gongkai VERB -h)")
            return 0
        # `rules backtest --against DATABASE_URL` and `train --from-database URL` read the service's database;
        # their modules (a second of imports) are loaded only for those verbs, not for every suggest or evaluate.
        return engine_cli.main(argv, overrides={("rules", "backtest"): _rules_backtest,
                                                ("train", None): _train_from_database})
    args = build_parser(argv[0] if argv[0] in ARCHIVE_VERBS else None).parse_args(argv)
    from pydantic import ValidationError

    from api import commands, model_commands
    from api.audit_key import AuditKeyError
    from api.demo import command as demo_command

    handler = {
        ("serve", None): commands.serve,
        ("token", "create"): commands.token_create,
        ("token", "list"): commands.token_list,
        ("token", "revoke"): commands.token_revoke,
        ("token", "rotate"): commands.token_rotate,
        ("user", "create"): commands.user_create,
        ("user", "list"): commands.user_list,
        ("user", "disable"): commands.user_disable,
        ("audit", "verify"): commands.audit_verify,
        ("audit", "checkpoint"): commands.audit_checkpoint,
        ("db", "upgrade"): commands.db_upgrade,
        ("db", "check"): commands.db_check,
        ("report", None): commands.report,
        ("demo", None): demo_command,
        ("import", None): _archive_command,
        ("backfill", None): _archive_command,
        **{("model", verb): model_commands.model_command
           for verb in ("list", "register", "validate", "activate", "rollback")},
    }[(args.verb, getattr(args, f"{args.verb}_verb", None))]  # the sub-verb of token, user, audit, db
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `gongkai model list | head` is fine
        return 0
    except (AuditKeyError, ValidationError) as exc:
        print(f"gongkai: {commands.settings_problem(exc)}", file=sys.stderr)
        return 2


def _rules_backtest(args: argparse.Namespace) -> int:
    from api import commands

    return int(commands.rules_backtest(args))


def _train_from_database(args: argparse.Namespace) -> int:
    from api import model_commands

    return int(model_commands.train_from_database(args))


def _archive_command(args: argparse.Namespace) -> int:
    if args.verb == "import":
        from api import bulk_commands

        return bulk_commands.import_command(args)
    from api import backfill_commands

    return backfill_commands.command(args)


if __name__ == "__main__":
    sys.exit(main())
