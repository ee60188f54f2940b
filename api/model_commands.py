"""The model verbs of the `gongkai` command (issue 19), on the service's database:

- `gongkai train --from-database URL`: learn from the reviewers' final decisions (engine/classifier/learn.py),
  write the versioned model and register it as a candidate;
- `gongkai model list|register|validate|activate|rollback`: the registry (api/rulesets/classifier.py), as the API
  offers it. An activation made here is adopted by every running worker within SYNC_SECONDS.

The command acts as the operator: cleared for every decision (it holds the database itself).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from api.commands import CLI_ACTOR, _sessions
from api.context import Context
from api.errors import ServiceError
from api.rulesets import activation as rulesets
from api.rulesets import classifier
from api.settings import Settings
from engine.suggest import Suggester


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def _settings(url: str | None) -> Settings:
    return Settings(database_url=url) if url else Settings()


def _served_rules(session: Session, settings: Settings) -> Any:
    """The rules the database serves (its latest activation), else the rules directory of the settings."""
    from engine.rules.loader import check_rulebook

    found = rulesets.served(session)
    if found is not None:
        return rulesets._book_from(found[1])
    book, _diagnostics = check_rulebook(settings.rules)
    if book is None:
        raise SystemExit(f"gongkai: the rules in {settings.rules} have errors (`gongkai rules check`)")
    return book


def _context(settings: Settings, sessions: Any) -> Context:
    """The rules and the model the database serves, as a worker would after its next sync."""
    from engine.classifier.model import ModelError, load_model
    from engine.workflow.working_days import WorkingCalendar

    with sessions() as session:
        book = _served_rules(session, settings)
        latest = classifier._latest(session)
        if latest is not None:
            model = classifier.load(classifier.find(session, latest.model_id))
        else:
            try:
                model = load_model(settings.model) if settings.model and str(settings.model) else None
            except ModelError:
                model = None
        ctx = Context(suggester=Suggester(book, "reference", model),
                      calendar=WorkingCalendar.from_file(settings.calendar), settings=settings)
        ctx.model_activation_id = latest.id if latest is not None else None
    return ctx


def train_from_database(args: argparse.Namespace) -> int:
    """`gongkai train`, with --from-database: the reviewers' decisions; without it, the engine's verb."""
    if not args.from_database:
        from engine.commands.model import train

        return train(args)
    from api.rulesets.backtest_source import decided_versions, open_database
    from engine.classifier.learn import Decided, learn_from_decisions
    from engine.facts.document import RecordError, document_from_record
    from engine.paths import data_dir

    settings = _settings(args.from_database)
    try:
        engine = open_database(settings.database_url)
    except ValueError as exc:
        _say(f"gongkai train: {exc}")
        return 2
    decisions, unreadable = [], 0
    for item_id, document, gold, routed_at in decided_versions(engine):
        try:
            record = json.loads(document)
            decisions.append(Decided(str(item_id), document_from_record(record), gold,
                                     routed_at.isoformat() if routed_at else ""))
        except (ValueError, RecordError):
            unreadable += 1
    with Session(engine) as session:
        book = _served_rules(session, settings)
    shown = engine.url.render_as_string(hide_password=True)
    engine.dispose()
    _say(f"gongkai train: {len(decisions)} decisions in {shown}" + (f" ({unreadable} unreadable, left out)"
                                                                    if unreadable else ""))
    prior = args.files or [data_dir() / "training" / "records.jsonl"]
    try:
        learnt = learn_from_decisions(prior, decisions, suggester=Suggester(book, "reference"), holdout=args.holdout,
                                      weight=args.weight, seed=args.seed, source=shown, progress=_say)
    except ValueError as exc:
        _say(f"gongkai train: {exc}")
        return 1
    model = learnt.model
    from engine.commands.model import calibrate_model

    if not calibrate_model(args, model, book, prior):  # the shown confidences, as `gongkai train` fits them
        return 1
    output = args.output or data_dir() / "artifacts" / "candidates" / model.model_id
    model.save(output)
    sessions = _sessions(settings)
    try:
        with sessions() as session:
            classifier.register(session, model, CLI_ACTOR, f"decisions of {shown}"[:200], output)
            session.commit()
    finally:
        sessions.kw["bind"].dispose()
    print(render_learnt(model.metadata, output))
    return 0


def render_learnt(metadata: dict[str, Any], output: Path) -> str:
    data = metadata["training_data"]["decisions"]
    lines = [f"model {metadata['model_id']} written to {output} and registered as a candidate",
             f"learnt from {metadata['training_data']['records']} starter records and {data['learnt_from']} decisions "
             f"(weight {data['weight']}, up to {data['trained_until']}); {data['duplicates']} earlier decisions on "
             f"the same text replaced"]
    metrics = metadata["metrics"]
    if "forward" in metrics:
        lines.append(f"on the {data['held_out']} latest decisions, never learnt from (from {data['held_out_from']}):")
        lines.append(f"  {'accuracy / macro-F1':<22}{'prior alone':>20}{'with the decisions':>22}")
        for name in ("category", "exemption", "secrecy", "column"):
            cells = [metrics[k]["combined"][name] for k in ("prior_only", "forward")]
            lines.append(f"  {name:<22}" + "".join(f"{c['accuracy']:>11.3f}{c['macro_f1']:>9.3f}  " for c in cells))
        for kind in ("secret", "withheld"):
            key = f"{kind}_suggested_proactive"
            lines.append(f"  {kind + ' → proactive':<22}" + "".join(
                f"{metrics[k]['combined']['violations'][key]:>20}  " for k in ("prior_only", "forward")))
    else:
        lines.append("no decision held out (--holdout 0): its validation will be in-sample")
    lines.append(f"next: gongkai model validate {metadata['model_id']}, then gongkai model activate {metadata['model_id']}")
    return "\n".join(lines)


def model_command(args: argparse.Namespace) -> int:
    from models.session import make_engine

    settings = _settings(args.database)
    sessions = _sessions(settings)
    # Reads beside the writer (SQLite has one): a validation never holds the write lock while it runs.
    reader = make_engine(settings.database_url, reader=True)
    try:
        return _model_verb(args, settings, sessions, sessionmaker(reader), reader)
    finally:
        sessions.kw["bind"].dispose()
        reader.dispose()


def _model_verb(args: argparse.Namespace, settings: Settings, sessions: Any, readers: Any, reader: Any) -> int:
    verb = args.model_verb
    try:
        if verb == "register":
            return _register(args, sessions)
        ctx = _context(settings, sessions)
        if verb == "list":
            with sessions() as session:
                out: Any = classifier.versions(session, ctx)
        elif verb == "validate":
            with readers() as session:
                out = classifier.validate(ctx, reader, session, args.model_id, args.items or None)
        elif verb == "activate":
            out = classifier.activate(ctx, sessions, readers, reader, CLI_ACTOR, args.model_id, args.note)
        else:
            out = classifier.rollback(ctx, sessions, CLI_ACTOR, args.to, args.note)
    except ServiceError as exc:
        _say(f"gongkai model {verb}: {exc}")
        return 1
    if verb == "validate" and args.format == "text":
        print(render_validation(out))
    else:
        print(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    return 0 if verb != "validate" or out["passed"] else 1


def render_validation(out: dict[str, Any]) -> str:
    """A validation as a person reads it: on what, the figures before and after, the flips, the gates."""
    lines = [f"model {out['model_id']} against {out['active_model'] or 'the rules alone'}, the same rules, on "
             f"{out['decisions']} decisions: {out['source']}"]
    if out["warning"]:
        lines.append(f"warning: {out['warning']}")
    lines.append(f"  {'accuracy / macro-F1':<22}{'in service':>20}{'candidate':>20}")
    for name, field in out["fields"].items():
        lines.append(f"  {name:<22}" + "".join(f"{field['accuracy'][side]:>11.3f}{field['macro_f1'][side]:>9.3f}"
                                              for side in ("active", "candidate")))
    flips = ", ".join(f"{n} {verdict}" for verdict, n in sorted(out["flip_counts"].items())) or "none"
    lines.append(f"flips (a field whose suggestion changes): {flips}")
    lines.append("gates:")
    for gate in out["gates"]:
        lines.append(f"  {'ok  ' if gate['passed'] else 'FAIL'}  {gate['gate']}: {gate['active']} → {gate['candidate']}"
                     + ("" if gate["passed"] else f"  — {gate['why']}"))
    lines.append("PASSED: it may be activated" if out["passed"] else "FAILED: it would be refused")
    return "\n".join(lines)


def _register(args: argparse.Namespace, sessions: Any) -> int:
    from engine.classifier.model import ModelError, load_model

    try:
        model = load_model(args.directory)
    except ModelError as exc:
        _say(f"gongkai model register: {exc}")
        return 1
    with sessions() as session:
        row = classifier.register(session, model, CLI_ACTOR, f"model directory {args.directory}", args.directory)
        session.commit()
        print(json.dumps({"model_id": row.model_id, "sha256": row.sha256}))
    return 0
