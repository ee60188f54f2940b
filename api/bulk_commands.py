"""`gongkai import FILE.jsonl|FILE.parquet`: an archive of closed documents, stored as pushes would be (issue 20).

Each line (JSONL) or row (Parquet, read row group by row group) is a document as the push takes it
(api/schemas.DocumentIn: the same fields, the same validation). Each is suggested with the rules and the
model the service serves from that database (its latest activations, else the settings' directories), on
every core (engine/batch.py), and stored in batches through the push's guards (api/items/bulk.store_batch).

Resumable: the file is cut into parts of --batch lines (rows); each part is stored in one transaction and
then marked done (models/batch_records.py). Run again on the same file (same SHA-256), an unfinished run
resumes: parts done are skipped without being suggested again, a part stored but not marked is stored
again and comes back "unchanged". A finished run is not resumed: a new run finds every document unchanged.
A document the importing account's item already holds (the same content hashes) is found unchanged before it
is suggested (the suggestion is what costs), so a second run over an archive costs little more than its reading.

Who owns the items: `--as NAME` (default "import"), with the role of a document system (closure) or a
clerk (manual). Only that account may send new versions of them later (api/items/intake.ownership_problem):
for the document system to update imported items by pushing, give its token the same name
(`gongkai token create --role document_system --name NAME`), or import `--as` the name its token has.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tqdm import tqdm  # type: ignore[import-untyped]  # no stubs (types-tqdm is not a dependency)

from api.context import Actor, Context
from api.items.archive import SUFFIXES, Part, Result, SourceError, Unchanged, file_identity, read_parts, source_id
from api.items.archive import suggest_parts as suggest_parts
from api.items.bulk import LOOKUP_CHUNK, BatchCounts, Suggested, store_batch
from api.items.queries import CURRENT_VERSION
from api.settings import Settings
from engine.batch import SuggesterRecipe, map_chunks
from engine.suggest import Suggester
from engine.vocabulary import Origin, Role
from models.base import utc_now
from models.batch_records import BatchPartRow, BatchRunRow
from models.tables import ItemRow, ItemVersionRow

ROLES = {Origin.CLOSURE.value: Role.DOCUMENT_SYSTEM.value, Origin.MANUAL.value: Role.CLERK.value}
PROBLEMS_SHOWN = 20
PROBLEMS_KEPT = 100  # per part, in its counts: a broken archive names its first lines, not a million of them


def add_parsers(verbs: Any) -> None:
    """`gongkai import` on the verbs of api/cli.build_parser."""
    verb = verbs.add_parser("import", help="store an archive of documents (JSONL or Parquet) with their suggestions, "
                                           "as pushes; resumable")
    verb.add_argument("file", type=Path, help="FILE.jsonl (one document a line) or FILE.parquet (one a row), "
                                              "the fields of a push")
    verb.add_argument("--database-url", help="the service's database (default: GONGKAI_DATABASE_URL)")
    verb.add_argument("--origin", choices=sorted(ROLES), default=Origin.CLOSURE.value,
                      help="closure: closed documents, as the document system pushes them (default); manual: "
                           "hand entries")
    verb.add_argument("--as", dest="as_name", default="import", metavar="NAME",
                      help="the account the items belong to (default: import); pushes later by a token of the "
                           "same name may update them")
    verb.add_argument("--division", help="the division of the documents: given to those without one; "
                                         "a document of another division is refused")
    verb.add_argument("--batch", type=int, default=500, help="documents per transaction and per resumable part "
                                                             "(default 500; a resumed run keeps its own)")
    verb.add_argument("--workers", type=int, default=None, help="processes suggesting (default: every usable core)")


@dataclass
class ImportResult:
    counts: BatchCounts
    run_id: int
    parts: int = 0
    parts_skipped: int = 0
    seconds: float = 0.0
    documents_now: int = 0  # suggested and stored by this run (not the parts a resumed run skipped)
    problems: list[tuple[str, str]] = field(default_factory=list)


def import_command(args: argparse.Namespace) -> int:
    """The verb: exit 0 when every document was stored (or found unchanged), 1 if any was invalid or refused,
    2 when the file or the settings cannot be used."""
    settings = Settings(database_url=args.database_url) if args.database_url else Settings()
    if args.batch < 1 or (args.workers is not None and args.workers < 1):
        _say("gongkai import: --batch and --workers must be at least 1")
        return 2
    if args.file.suffix.lower() not in SUFFIXES or not args.file.is_file():
        _say(f"gongkai import: {args.file} is not a readable .jsonl or .parquet file")
        return 2
    actor = Actor(args.as_name, ROLES[args.origin], args.division)
    try:
        result = import_file(args.file, settings, origin=args.origin, actor=actor, batch=args.batch,
                             workers=args.workers, progress=sys.stderr.isatty())
    except SourceError as exc:
        _say(f"gongkai import: {exc}")
        return 2
    print(summary(args.file, result))
    shown = result.problems[:PROBLEMS_SHOWN]
    for where, what in shown:
        print(f"  {where}: {what}")
    if len(result.problems) > len(shown):
        print(f"  … and {len(result.problems) - len(shown)} more")
    return 1 if result.counts.invalid or result.counts.refused else 0


def summary(path: Path, result: ImportResult) -> str:
    c = result.counts
    rate = result.documents_now / result.seconds if result.seconds > 0 else 0.0
    resumed = f", {result.parts_skipped} part(s) done before skipped" if result.parts_skipped else ""
    return (f"gongkai import {path.name} (run {result.run_id}): {c.documents} documents: {c.created} created, "
            f"{c.new_version} new versions, {c.unchanged} unchanged, {c.refused} refused, {c.invalid} invalid; "
            f"{result.documents_now} in {result.seconds:.1f} s ({rate:.0f} docs/s){resumed}")


def import_file(path: Path, settings: Settings, *, origin: str, actor: Actor, batch: int = 500,
                workers: int | None = None, progress: bool = False) -> ImportResult:
    """Import the file; see the module's docstring. Raises SourceError when it cannot be read at all."""
    from api.commands import _sessions

    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise SourceError(f"{path}: expected a .jsonl or .parquet file")
    identity, size, total = file_identity(path, kind)
    sessions = _sessions(settings)
    try:
        recipe, built = _served(settings, sessions)
        ctx = _context(settings, built)
        with sessions() as session:
            run, done = _open_run(session, path, identity, size, origin, actor, batch)
        result = ImportResult(BatchCounts(), run.id, parts_skipped=len(done))
        for kept in done.values():
            result.counts.add(BatchCounts.from_dict(kept))
        # No connection crosses the fork of the suggesting processes (a child would share its socket).
        sessions.kw["bind"].dispose()
        bar = _bar(total, progress)
        if bar is not None:
            bar.update(result.counts.documents)
        parts = _with_known(read_parts(path, kind, run.part_size, origin, actor.division, skip=set(done)),
                            settings.database_url, origin, actor.name)
        started = time.perf_counter()
        for (part,), (results,) in map_chunks(recipe, parts, suggest_parts, workers=workers, chunk=1, built=built):
            counts = _store_part(sessions, ctx, actor, origin, run.id, part, results, built)
            result.counts.add(counts)
            result.parts += 1
            result.documents_now += len(part.entries)
            if bar is not None:
                bar.update(len(part.entries))
                bar.set_postfix(created=result.counts.created, unchanged=result.counts.unchanged,
                                invalid=result.counts.invalid, refresh=False)
        result.seconds = time.perf_counter() - started
        if bar is not None:
            bar.update(max(bar.total - bar.n, 0))  # the blank lines, counted in the total, not as documents
            bar.close()
        with sessions() as session:
            _finish(session, run.id, result.counts)
        result.problems = sorted(result.counts.problems, key=_where_order)
        return result
    finally:
        sessions.kw["bind"].dispose()


def _say(text: str) -> None:
    print(text, file=sys.stderr)


class _Bar(tqdm):  # type: ignore[misc]
    # tqdm's monitor is a thread: a process with another thread may not fork its workers (engine/batch.py).
    monitor_interval = 0


def _bar(total: int, progress: bool) -> _Bar | None:
    if not progress:
        return None
    return _Bar(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)


def _where_order(problem: tuple[str, str]) -> tuple[int, str]:
    where = problem[0]
    number = where.rsplit(" ", 1)[-1]
    return (int(number) if number.isdigit() else 0, where)


# -- the database -------------------------------------------------------------------------------------------------

def _with_known(parts: Iterator[Part], url: str, origin: str, owner: str) -> Iterator[Part]:
    """Each part with `known` filled from the database (a reader that holds no connection between parts: the
    parts are read while the suggesting processes start, and no connection may cross their fork). Seen
    unchanged at this moment is what store_batch would find then: nothing written either way."""
    from sqlalchemy.pool import NullPool

    from models.session import make_engine

    reader = make_engine(url, reader=True, poolclass=NullPool)
    try:
        for part in parts:
            ids = sorted({i for i in (source_id(raw) for _, raw in part.entries) if i is not None})
            known: dict[str, tuple[str, str | None]] = {}
            with Session(reader) as session:
                for start in range(0, len(ids), LOOKUP_CHUNK):
                    rows = session.execute(
                        select(ItemRow.source_id, ItemVersionRow.content_hash, ItemRow.division)
                        .join(ItemVersionRow, CURRENT_VERSION)
                        .where(ItemRow.origin == origin, ItemRow.owner == owner,
                               ItemRow.source_id.in_(ids[start:start + LOOKUP_CHUNK])))
                    known.update({source_id: (digest, division) for source_id, digest, division in rows})
            yield replace(part, known=known) if known else part
    finally:
        reader.dispose()


def _served(settings: Settings, sessions: sessionmaker[Session]) -> tuple[SuggesterRecipe, Suggester]:
    """The recipe of the suggester the service serves from this database (its latest rules and model
    activations, else the settings' directories, as api/model_commands._context), and that suggester built."""
    from api.rulesets import activation, classifier
    from engine.classifier.model import ModelError
    from engine.rules.diagnostics import RuleFileError

    with sessions() as session:
        found = activation.served(session)
        rules: Path | dict[str, str] = dict(found[1].files) if found is not None else settings.rules
        latest = classifier._latest(session)
        model = (classifier._materialised(classifier.find(session, latest.model_id)) if latest is not None
                 else settings.model if settings.model and (settings.model / "model.npz").is_file() else None)
    recipe = SuggesterRecipe.of(rules, model, "durable")
    try:
        return recipe, recipe.build()
    except (RuleFileError, ModelError) as exc:
        raise SourceError(f"the rules or the model the service serves cannot be loaded: {exc}") from None


def _context(settings: Settings, suggester: Suggester) -> Context:
    from engine.workflow.working_days import WorkingCalendar

    return Context(suggester=suggester, calendar=WorkingCalendar.from_file(settings.calendar), settings=settings)


def _open_run(session: Session, path: Path, identity: str, size: int, origin: str, actor: Actor,
              batch: int) -> tuple[BatchRunRow, dict[int, dict[str, Any]]]:
    """The unfinished run of the same file, origin and account to resume, with its parts done (their counts),
    or a new run."""
    run = session.scalars(select(BatchRunRow).where(
        BatchRunRow.kind == "import", BatchRunRow.identity == identity, BatchRunRow.origin == origin,
        BatchRunRow.actor == actor.name, BatchRunRow.finished_at.is_(None)).order_by(BatchRunRow.id.desc())).first()
    if run is None:
        run = BatchRunRow(kind="import", source=path.name[:500], identity=identity, size=size, origin=origin,
                          actor=actor.name, part_size=batch, options={"division": actor.division})
        session.add(run)
        session.commit()
        return run, {}
    done: dict[int, dict[str, Any]] = dict(session.execute(select(BatchPartRow.part, BatchPartRow.counts)
                                .where(BatchPartRow.run_id == run.id)).all())
    session.expunge(run)
    return run, done


def _store_part(sessions: sessionmaker[Session], ctx: Context, actor: Actor, origin: str, run_id: int, part: Part,
                results: list[Result], suggester: Suggester) -> BatchCounts:
    """The part's documents stored (one transaction), then the part marked done (another)."""
    docs = [r for r in results if isinstance(r, Suggested)]
    invalid = [r for r in results if isinstance(r, tuple)]
    model = suggester.model
    with sessions() as session:
        counts = store_batch(session, ctx, actor, origin, docs, ruleset_revision=suggester.book.revision,
                             model_id=model.model_id if model is not None else None)
        counts.invalid += len(invalid)
        counts.unchanged += sum(isinstance(r, Unchanged) for r in results)
        counts.problems.extend(invalid)
        kept = counts.as_dict()
        kept["problems"] = kept["problems"][:PROBLEMS_KEPT]
        session.add(BatchPartRow(run_id=run_id, part=part.number, first=part.first, count=len(part.entries),
                                 counts=kept))
        session.commit()
    return counts


def _finish(session: Session, run_id: int, counts: BatchCounts) -> None:
    run = session.get(BatchRunRow, run_id)
    assert run is not None
    run.finished_at = utc_now()
    summed = counts.as_dict()
    summed["problems"] = summed["problems"][:PROBLEMS_KEPT]
    run.counts = summed
    session.commit()
