"""The model registry (issue 19): register a trained model, validate a candidate against past decisions, activate
it, list the versions, roll back. The model's counterpart of activation.py, served the same way.

The model in service is part of `ctx.suggester` (a request keeps the object it read); switching models copies the
Suggester with the new model, sharing its compiled rules (a durable-rules compile per switch would leak memory,
notes/durable-rules.md). Models are held whole in the database (models/classifier_records.py) and written to a
cache directory to load, so every worker of every machine serves the latest activation: each looks for a newer one
when it looks for newer rules (activation.serving, at most every SYNC_SECONDS).

Activation validates first, and refuses a candidate that fails a gate: the same rules combined with the model in
service and with the candidate, over past decisions (routed items, final human decisions), through the backtest's
Comparer. The gates (engine/authoring/model_gates.py): it may not find fewer secret documents nor fewer withheld
ones (counts, as for rules: a missed one reaches the website, 条例第十四至十六条), and its macro-F1 may not be lower
(category, and the mean of the four fields); nor fewer secret or withheld ones than the deployed model (the one the
service last started with), so that models learnt one after another cannot drift away from it. The decisions are
those made after the candidate's training data ended (`trained_until`): a candidate is
not validated on what it learnt from. With fewer than MIN_UNSEEN such decisions the validation uses every routed
item and says it is in-sample.

Who sees what: the gates of an activation always run over every decision, secret ones included (a gate that
skipped them would let a model that misses secrets through). A caller not cleared for secret items is shown
figures over the items it may read only (api/rulesets/backtest_source.py says why), and of the full run only
whether it passed.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import logging
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.access import visibility
from api.context import Actor, Context
from api.errors import Conflict, Invalid, NotFound
from api.rulesets.switch import FLIPS_SHOWN, switching
from engine.authoring.model_gates import anchor_gates, model_gates
from engine.classifier.model import Model, ModelError, load_model
from engine.paths import data_dir
from models import audit
from models.classifier_records import ModelActivationRow, ModelVersionRow
from models.tables import ItemRow

log = logging.getLogger("gongkai")

MAX_MODEL_BYTES = 256 * 1024 * 1024
MIN_UNSEEN = 30  # decisions a candidate never learnt from, below which its validation is in-sample


def cache_dir() -> Path:
    return data_dir() / "artifacts" / "registry"


# -- versions -------------------------------------------------------------------------------------------

def _files(model: Model, directory: Path | None) -> tuple[bytes, dict[str, Any]]:
    """model.npz and metadata.json of a model: read from its directory when that holds this very model, else
    written from memory (a model built in process)."""
    if directory is not None and (directory / "model.npz").is_file():
        try:
            metadata = json.loads((directory / "metadata.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            metadata = {}
        if metadata.get("model_id") == model.model_id:
            return (directory / "model.npz").read_bytes(), metadata
    with tempfile.TemporaryDirectory() as tmp:
        model.save(Path(tmp))
        return (Path(tmp) / "model.npz").read_bytes(), json.loads((Path(tmp) / "metadata.json").read_text("utf-8"))


def register(session: Session, model: Model, actor: Actor, source: str, directory: Path | None = None
             ) -> ModelVersionRow:
    """The model's registry row, added when new (idempotent); Conflict when another model has its id."""
    npz, metadata = _files(model, directory)
    if len(npz) > MAX_MODEL_BYTES:
        raise Invalid(f"the model's model.npz is {len(npz)} bytes, above the registry's {MAX_MODEL_BYTES}", errors=[])
    digest = hashlib.sha256(npz).hexdigest()
    row = session.get(ModelVersionRow, model.model_id)
    if row is not None:
        if row.sha256 != digest:
            raise Conflict(f"another model is registered as {model.model_id}: retrain to get a new id")
        return row
    metadata.pop("load_seconds", None)
    decisions = metadata.get("training_data", {}).get("decisions") or {}
    row = ModelVersionRow(model_id=model.model_id, sha256=digest, npz=npz, model_metadata=metadata,
                          source=source[:200], trained_until=decisions.get("trained_until"), created_by=actor.name)
    session.add(row)
    audit.record(session, actor=actor.name, role=actor.role, action="model:register", before=None,
                 after={"model_id": model.model_id, "sha256": digest, "source": source[:200]})
    session.flush()
    return row


def _materialised(row: ModelVersionRow) -> Path:
    """The registered model as a directory load_model reads (written once per model and machine)."""
    directory = cache_dir() / row.model_id
    npz = directory / "model.npz"
    if not (npz.is_file() and hashlib.sha256(npz.read_bytes()).hexdigest() == row.sha256):
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in (("model.npz", row.npz), ("metadata.json", json.dumps(row.model_metadata, ensure_ascii=False)
                                                                        .encode("utf-8"))):
            tmp = directory / f"{name}.tmp"
            tmp.write_bytes(data)
            tmp.replace(directory / name)
    return directory


def load(row: ModelVersionRow) -> Model:
    try:
        return load_model(_materialised(row))
    except ModelError as exc:
        raise Invalid(f"model {row.model_id} cannot be served here: {exc}", errors=[]) from None


def find(session: Session, model_id: str) -> ModelVersionRow:
    row = session.get(ModelVersionRow, model_id)
    if row is None:
        raise NotFound(f"no model {model_id!r} in the registry (`gongkai model list`)")
    return row


# -- what is served --------------------------------------------------------------------------------------

def _latest(session: Session) -> ModelActivationRow | None:
    return session.scalars(select(ModelActivationRow).order_by(ModelActivationRow.id.desc()).limit(1)).first()


def _swap(ctx: Context, model: Model) -> None:
    suggester = copy.copy(ctx.suggester)  # shares the compiled rules
    suggester.model = model
    ctx.suggester = suggester  # the switch: one attribute store


def _serve(ctx: Context, session: Session, activation: ModelActivationRow) -> None:
    if ctx.suggester.model is None or ctx.suggester.model.model_id != activation.model_id:
        _swap(ctx, load(find(session, activation.model_id)))
        log.info("serving model %s (%s by %s at %s)", activation.model_id, activation.action, activation.actor,
                 activation.at)
    ctx.model_activation_id = activation.id


def start(ctx: Context, sessions: sessionmaker[Session], directory: Path | None) -> None:
    """At service start: record the model of the settings when it is new, or serve the model activated since. A
    service started without a model (GONGKAI_MODEL empty: rules alone, the operator's choice) keeps none."""
    model = ctx.suggester.model
    if model is None:
        return
    actor = Actor("service start", "admin")
    for _attempt in range(2):  # two workers starting at once: the loser re-reads the winner's rows
        with sessions() as session:
            latest = _latest(session)
            if latest is None or session.get(ModelVersionRow, model.model_id) is None:
                register(session, model, actor, f"model directory {directory}", directory)
                row = _record(session, model.model_id, actor, "start", f"model directory {directory}",
                              latest.model_id if latest else None, None)
                try:
                    session.commit()
                except IntegrityError:
                    session.rollback()
                    continue
                ctx.model_activation_id = row.id
            else:
                if latest.model_id != model.model_id:
                    log.warning("the model %s of %s was served before; serving model %s activated since",
                                model.model_id, directory, latest.model_id)
                _serve(ctx, session, latest)
        return
    raise RuntimeError("could not record the model at start")  # pragma: no cover


def sync(ctx: Context, session: Session) -> None:
    """Adopt a model activated by another worker (called by activation.serving at its pace)."""
    if ctx.suggester.model is None and ctx.model_activation_id is None:
        return  # rules alone, by the settings
    latest = _latest(session)
    if latest is not None and latest.id != ctx.model_activation_id:
        with switching:
            if latest.id != ctx.model_activation_id:
                _serve(ctx, session, latest)


def _record(session: Session, model_id: str, actor: Actor, action: str, note: str | None, previous: str | None,
            validation: dict[str, Any] | None) -> ModelActivationRow:
    row = ModelActivationRow(model_id=model_id, previous=previous, action=action, actor=actor.name, role=actor.role,
                             note=note, validation=validation)
    session.add(row)
    audit.record(session, actor=actor.name, role=actor.role, action=f"model:{action}", before={"model_id": previous},
                 after={"model_id": model_id, "note": note,
                        "passed": None if validation is None else validation["passed"]})
    session.flush()
    return row


# -- validation ------------------------------------------------------------------------------------------

def _after(row: ModelVersionRow) -> dt.datetime | None:
    if not row.trained_until:
        return None
    at = dt.datetime.fromisoformat(row.trained_until)
    return at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)


def validate(ctx: Context, engine: Any, session: Session, model_id: str, limit: int | None, *,
             cleared: bool = True) -> dict[str, Any]:
    """The candidate beside the model in service, the same rules, over past decisions it never learnt from (see
    the module's docstring); nothing changes. `cleared` False: only the items a caller not cleared may read."""
    from api.rulesets.backtest_source import not_readable, routed_cases
    from engine.authoring.backtest import run
    from engine.authoring.comparer import Comparer

    row = find(session, model_id)
    candidate = load(row)
    current = ctx.suggester.model
    after = _after(row)
    unseen = _unseen(session, after, cleared)
    in_sample = after is None or unseen < MIN_UNSEEN
    book = ctx.suggester.book
    scope = "routed items" if cleared else "routed items the caller may read"
    # The end of the training data is when the last decision it learnt from was made, perhaps on a secret item: a
    # caller not cleared is not told it, here or in the scope's wording.
    source = f"every one of the {scope}" if in_sample else f"the {scope} decided after the candidate's training data"
    label = f"the latest {limit} of {source}" if limit else source
    report = run(Comparer(book, book, current, candidate_model=candidate),
                 routed_cases(engine, limit, cleared=cleared, after=None if in_sample else after), label).report()
    gates = model_gates(report)
    anchor = _deployed(session)
    if anchor is not None and anchor.model_id not in (row.model_id, current.model_id if current else None):
        deployed = run(Comparer(book, book, load(anchor), candidate_model=candidate),
                       routed_cases(engine, limit, cleared=cleared, after=None if in_sample else after), label).report()
        gates += anchor_gates(deployed)
    flips = report["flips"]
    return {"model_id": row.model_id, "active_model": current.model_id if current is not None else None,
            "source": report["source"], "decisions": report["items"], "unseen_only": not in_sample,
            "in_sample": in_sample, "trained_until": row.trained_until if cleared else None,
            "warning": (f"only {unseen} decisions were made after the candidate's training data ended: it is "
                        "validated on all of them, including what it learnt from (optimistic)") if in_sample else None,
            "fields": report["fields"], "secrecy_flag": report["secrecy_flag"], "violations": report["violations"],
            "flip_counts": report["flip_counts"], "flips": flips[:FLIPS_SHOWN], "flips_total": len(flips),
            "gates": gates, "passed": all(g["passed"] for g in gates),
            "left_out": {"not_readable": 0 if cleared else not_readable(engine)}}


def _deployed(session: Session) -> ModelVersionRow | None:
    """The model the service last started with (a model directory an operator deployed): the anchor no learnt
    model may find fewer secret or withheld documents than (engine/authoring/model_gates.py)."""
    started = session.scalars(select(ModelActivationRow).where(ModelActivationRow.action == "start")
                              .order_by(ModelActivationRow.id.desc()).limit(1)).first()
    return session.get(ModelVersionRow, started.model_id) if started is not None else None


def _unseen(session: Session, after: dt.datetime | None, cleared: bool) -> int:
    if after is None:
        return 0
    from api.access.visibility import not_secret
    from engine.vocabulary import ItemStatus

    query = select(func.count()).select_from(ItemRow).where(ItemRow.status == ItemStatus.ROUTED,
                                                            ItemRow.routed_at > after)
    return int(session.scalar(query if cleared else query.where(not_secret())) or 0)


# -- the verbs -------------------------------------------------------------------------------------------

def _require_model(ctx: Context) -> None:
    if ctx.suggester.model is None:
        raise Conflict("this service serves the rules alone (GONGKAI_MODEL is empty): it has no model to replace")


def activate(ctx: Context, sessions: sessionmaker[Session], readers: sessionmaker[Session], engine: Any,
             actor: Actor, model_id: str, note: str | None) -> dict[str, Any]:
    """Validate over every decision, secret ones included, and serve the candidate only if every gate holds. The
    validation reads (`readers`, `engine`: on SQLite, beside the single writer, which it never holds while it
    runs); only the activation's row is written."""
    _require_model(ctx)
    with readers() as session:
        full = validate(ctx, engine, session, model_id, None, cleared=True)
        shown = full if visibility.cleared(actor, ctx.settings) else \
            validate(ctx, engine, session, model_id, None, cleared=False)
        if not full["passed"]:
            failed = [g["gate"] for g in full["gates"] if not g["passed"]]
            raise Conflict(f"model {model_id} fails a gate of its validation: it was not activated (the model in "
                           f"service is unchanged): {'; '.join(failed)}", failed=failed)
        candidate = load(find(session, model_id))
    out = _put_live(ctx, sessions, actor, candidate, "activate", note, _kept(full))
    out["validation"] = {**shown, "passed_over_every_decision": True}
    return out


def _kept(validation: dict[str, Any]) -> dict[str, Any]:
    """What the activation row keeps of the validation it passed: its scope and its gates."""
    return {k: validation[k] for k in ("source", "decisions", "in_sample", "trained_until", "gates", "passed")}


def _shown_to(validation: dict[str, Any] | None, cleared: bool) -> dict[str, Any] | None:
    """A kept validation as a caller sees it: its gates' figures counted secret items, so a caller not cleared
    for them sees which gates held, not the figures nor how many decisions there were."""
    if validation is None or cleared:
        return validation
    return {"source": validation["source"], "in_sample": validation["in_sample"],
            "gates": [{"gate": g["gate"], "passed": g["passed"]} for g in validation["gates"]],
            "passed": validation["passed"]}


def rollback(ctx: Context, sessions: sessionmaker[Session], actor: Actor, to: str | None,
             note: str | None) -> dict[str, Any]:
    """Serve again a model served before: `to`, or without it the one before the current one (no gate: the way
    back to what served before must stay open)."""
    _require_model(ctx)
    with sessions() as session:
        if to is None:
            latest = _latest(session)
            if latest is None or latest.previous is None:
                raise Invalid("nothing to roll back to: no model was served before this one", errors=[])
            to = latest.previous
        served = session.scalar(select(func.count()).select_from(ModelActivationRow)
                                .where(ModelActivationRow.model_id == to))
        if not served:
            raise NotFound(f"model {to!r} was never served: activate it (validated) instead")
        model = load(find(session, to))
    return _put_live(ctx, sessions, actor, model, "rollback", note, None)


def _put_live(ctx: Context, sessions: sessionmaker[Session], actor: Actor, model: Model, action: str,
              note: str | None, validation: dict[str, Any] | None) -> dict[str, Any]:
    with switching:
        with sessions() as session:
            previous = ctx.suggester.model.model_id if ctx.suggester.model is not None else None
            row = _record(session, model.model_id, actor, action, note, previous, validation)
            session.commit()
            out = _activation(row, current=True)
        _swap(ctx, model)
        ctx.model_activation_id = row.id
    log.info("model %s %s by %s", model.model_id, action, actor.name)
    return out


def _activation(row: ModelActivationRow, current: bool, cleared: bool = True) -> dict[str, Any]:
    return {"id": row.id, "model_id": row.model_id, "previous": row.previous, "action": row.action,
            "actor": row.actor, "role": row.role, "at": row.at.isoformat(), "note": row.note, "current": current,
            "validation": _shown_to(row.validation, cleared)}


def _summary(metadata: dict[str, Any]) -> dict[str, Any]:
    """What a version's metadata says of it, without its per-class tables."""
    data = metadata.get("training_data", {})
    metrics = metadata.get("metrics", {})
    figures = {}
    for kind in ("forward", "prior_only", "cross_validation"):
        combined = (metrics.get(kind) or {}).get("combined")
        if combined:
            figures[kind] = {name: {"accuracy": combined[name]["accuracy"], "macro_f1": combined[name]["macro_f1"]}
                             for name in ("category", "exemption", "secrecy", "column") if name in combined}
    return {"trained_at": metadata.get("trained_at"), "records": data.get("records"),
            "decisions": data.get("decisions"), "ruleset": metadata.get("ruleset"), "figures": figures}


def _summary_for(metadata: dict[str, Any], cleared: bool) -> dict[str, Any]:
    """A model that learnt from the service's decisions was measured on them, secret ones included: a caller not
    cleared for those sees that it did, not its figures nor how many there were."""
    out = _summary(metadata)
    if not cleared and out["decisions"]:
        out["figures"], out["decisions"] = {}, {"source": "decisions of this service (figures for cleared roles)"}
    return out


def versions(session: Session, ctx: Context, cleared: bool = True) -> dict[str, Any]:
    """Every registered model (newest first) with its figures, every activation, and what this process serves."""
    rows = session.execute(select(ModelVersionRow.model_id, ModelVersionRow.sha256, ModelVersionRow.source,
                                  ModelVersionRow.trained_until, ModelVersionRow.created_by,
                                  ModelVersionRow.created_at, ModelVersionRow.model_metadata)
                           .order_by(ModelVersionRow.created_at.desc(), ModelVersionRow.model_id.desc())).all()
    activations = session.scalars(select(ModelActivationRow).order_by(ModelActivationRow.id.desc())).all()
    model = ctx.suggester.model
    return {"serving": {"model_id": model.model_id if model is not None else None,
                        "activation": ctx.model_activation_id},
            "versions": [{"model_id": r[0], "sha256": r[1], "source": r[2], "trained_until": r[3] if cleared else None,
                          "registered_by": r[4], "registered_at": r[5].isoformat(), **_summary_for(r[6], cleared)}
                         for r in rows],
            "activations": [_activation(a, a.id == ctx.model_activation_id, cleared) for a in activations]}
