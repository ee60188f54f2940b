"""What runs in a Dask worker: one partition read, suggested and stored, then marked done.

Each worker process builds its state once (the Suggester from the recipe, an engine and sessions on the
database, the calendar) and keeps it for every partition it is given. The state is built by the first
task, in the worker's task thread, not in the plugin's `setup`: setup runs on the worker's event loop,
and building the rules and the model there (seconds) would stall its heartbeats to the scheduler.

A partition is stored in batches, each in ONE transaction (api/items/bulk.store_batch), then marked done
in the ledger in a transaction of its own. A worker that dies half way leaves some batches committed and
the part unmarked: the scheduler gives the partition to another worker, which stores it again from the
start; the batches already committed come back "unchanged", so nothing is stored twice.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from distributed import WorkerPlugin, get_worker
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from api.backfill import ledger
from api.backfill.partitions import Line, Partition, read
from api.context import Actor, Context
from api.items.bulk import BatchCounts, Suggested, store_batch
from api.schemas import DocumentIn
from engine.batch import SuggesterRecipe
from engine.facts.document import content_hashes
from engine.suggest import Suggester
from engine.vocabulary import Origin

PLUGIN = "gongkai-backfill"
MAX_PROBLEMS = 20  # kept per partition: a broken archive names its first lines, not a million of them
_FIELDS = frozenset(DocumentIn.model_fields)


@dataclass(frozen=True)
class Job:
    """What every worker needs to know, sent once with the plugin (pickled): small, and no secret. The
    audit key is not in it: each worker reads its own (GONGKAI_AUDIT_KEY_FILE), as the service's workers do."""

    database_url: str
    recipe: SuggesterRecipe
    actor: Actor
    origin: str = Origin.CLOSURE.value
    batch_docs: int = 500
    # The model the registry serves (api/rulesets/classifier.py), by id: each worker writes it from the
    # database to its own machine's cache, so no node needs the client's copy. None: the recipe's model.
    registry_model: str | None = None


@dataclass
class PartResult:
    """What one partition did, sent back to the client (a few numbers, never the documents)."""

    part: int
    counts: BatchCounts = field(default_factory=BatchCounts)
    skipped: bool = False  # found done already (a task run twice: the scheduler's or a second client's)
    worker: str = ""
    # Where the partition's time went (bench/backfill_bench.py prints them): building the worker's state
    # (its first partition only), reading and suggesting, storing (store_batch's transactions).
    seconds: dict[str, float] = field(default_factory=lambda: {"setup": 0.0, "suggest": 0.0, "store": 0.0})
    # The worker process's CPU time on it: what the partition costs whatever else the machine runs (the wall
    # times above stretch with the load), so that scaling can be told apart from a busy machine.
    cpu_seconds: float = 0.0


class WorkerState:
    """Built once per worker process: the suggester, the sessions, the context for due dates."""

    def __init__(self, job: Job) -> None:
        from api.audit_key import audit_key
        from api.settings import Settings
        from engine.workflow.working_days import WorkingCalendar
        from models.session import make_engine, make_sessions

        settings = Settings(database_url=job.database_url)
        # NullPool on PostgreSQL: a connection per batch costs a few ms against seconds of suggesting, and a
        # worker killed mid-batch leaves no pooled connection behind. SQLite keeps its own pool.
        pool: dict[str, Any] = {} if job.database_url.startswith("sqlite") else {"poolclass": _null_pool()}
        self.engine = make_engine(job.database_url, **pool)
        self.sessions: sessionmaker[Session] = make_sessions(self.engine, audit_key=audit_key(settings, create=False))
        recipe = job.recipe
        if job.registry_model is not None:
            recipe = dataclasses.replace(recipe, model=_registry_model(self.sessions, job.registry_model))
        self.suggester: Suggester = recipe.build()
        self.context = Context(suggester=self.suggester, calendar=WorkingCalendar.from_file(settings.calendar),
                               settings=settings)
        self.job = job

    def close(self) -> None:
        self.engine.dispose()


def _registry_model(sessions: sessionmaker[Session], model_id: str) -> Path:
    """The registry's model written to this machine's cache. Two worker processes of one machine may write
    it at once (the same bytes to the same temporary file): the digest is checked after, and written again."""
    from api.rulesets import classifier

    for attempt in range(5):
        with sessions() as session:
            row = classifier.find(session, model_id)
            try:
                directory = classifier._materialised(row)
                if hashlib.sha256((directory / "model.npz").read_bytes()).hexdigest() == row.sha256:
                    return directory
            except FileNotFoundError:  # the other process moved the temporary file first
                pass
        time.sleep(0.2 * (attempt + 1))
    raise RuntimeError(f"model {model_id} could not be written to this machine's cache")


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool


class BackfillPlugin(WorkerPlugin):
    """Registered by the client (Client.register_plugin), sent to every worker, a worker started later
    (a dead one's replacement) too: it holds the job and, once the first task has built it, the state."""

    name = PLUGIN
    idempotent = False  # a new run (another database) replaces the plugin, closing the old state

    def __init__(self, job: Job) -> None:
        self.job = job
        self.state: WorkerState | None = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"job": self.job}

    def __setstate__(self, data: dict[str, Any]) -> None:
        self.__init__(data["job"])  # type: ignore[misc]

    def setup(self, worker: Any) -> None:
        pass

    def teardown(self, worker: Any) -> None:
        if self.state is not None:
            self.state.close()

    def ready(self) -> WorkerState:
        with self._lock:
            if self.state is None:
                self.state = WorkerState(self.job)
            return self.state


def backfill_partition(run_id: int, part: int, partition: Partition) -> PartResult:
    """The Dask task: store partition `part` of run `run_id` unless it is marked done; mark it done."""
    worker = get_worker()
    started, cpu_started = time.perf_counter(), time.process_time()
    state = worker.plugins[PLUGIN].ready()
    result = PartResult(part, worker=worker.address)
    result.seconds["setup"] = time.perf_counter() - started
    with state.sessions() as session:
        if ledger.is_done(session, run_id, part):
            result.skipped = True
            return result
        session.rollback()
    for lines in _batches(read(partition), state.job.batch_docs):
        result.counts.add(store_lines(state, lines, result.seconds))
    with state.sessions() as session:
        ledger.mark_done(session, run_id, part, partition, result.counts)
    del result.counts.problems[MAX_PROBLEMS:]
    result.cpu_seconds = time.process_time() - cpu_started
    return result


def _batches(lines: Iterator[Line], size: int) -> Iterator[list[Line]]:
    while batch := list(itertools.islice(lines, size)):
        yield batch


def store_lines(state: WorkerState, lines: Sequence[Line], seconds: dict[str, float]) -> BatchCounts:
    """Suggest and store one batch of archive lines (one transaction); a line that is not a valid
    document is counted as invalid, with where it is and why. Adds the time of each step to `seconds`."""
    counts = BatchCounts()
    started = time.perf_counter()
    docs = []
    for line in lines:
        doc = suggested(state.suggester, line, state.job.origin)
        if isinstance(doc, str):
            counts.invalid += 1
            if len(counts.problems) < MAX_PROBLEMS:
                counts.problems.append((line.where, doc))
        else:
            docs.append(doc)
    model = state.suggester.model
    suggested_at = time.perf_counter()
    with state.sessions() as session:
        counts.add(store_batch(session, state.context, state.job.actor, state.job.origin, docs,
                               ruleset_revision=state.suggester.book.revision,
                               model_id=model.model_id if model is not None else None))
    seconds["suggest"] += suggested_at - started
    seconds["store"] += time.perf_counter() - suggested_at
    return counts


def suggested(suggester: Suggester, line: Line, origin: str) -> Suggested | str:
    """The line as the push would store it (SCHEMA's record fields, the suggestion the service makes for
    it), or what is wrong with it. Fields of the archive that are not a push's (labels, provenance of an
    export) are left out, as `gongkai demo` leaves them out of the starter records."""
    from engine.facts.document import document_from_record

    if line.record is None:
        return line.problem or "not a document"
    fields = {k: v for k, v in line.record.items() if k in _FIELDS}
    if not fields.get("id"):
        return "no id: the backfill stores each document under its id, so a re-run finds it again"
    try:
        doc = DocumentIn(**fields)
    except ValidationError as exc:
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    record = doc.record(Origin(origin))
    suggestion = suggester.suggest(document_from_record(record))
    return Suggested(record, suggestion, content_hashes(record), doc.closed_on, line.where)
