"""The client's side of a backfill: cut the archive, open (or resume) its run, hand the partitions not
yet done to the Dask scheduler a few at a time, and sum what comes back.

The client holds partition descriptions (a few numbers each), never documents, and keeps at most
`window` partitions submitted at once, so its memory stays flat however large the archive. Dask
re-runs the task of a worker that died on another worker (up to distributed.scheduler.allowed-failures
deaths per task); a task that still fails is reported with its partition, the others go on, and the run
stays open: the next run of the same archive does only what is left.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from api.backfill import ledger
from api.backfill.partitions import Partition, archive_identity, plan
from api.backfill.worker import PLUGIN, BackfillPlugin, Job, PartResult, backfill_partition
from api.items.bulk import BatchCounts


@dataclass
class Summary:
    """What a backfill did: parts done now and skipped (done by an earlier run), documents by outcome."""

    run_id: int
    resumed: bool
    parts: int
    done: int = 0
    skipped: int = 0
    failed: list[tuple[Partition, str]] = field(default_factory=list)
    counts: BatchCounts = field(default_factory=BatchCounts)
    seconds: float = 0.0
    workers: set[str] = field(default_factory=set)
    # Summed over the partitions done: the workers' time building their state, suggesting, storing.
    worker_seconds: dict[str, float] = field(default_factory=lambda: {"setup": 0.0, "suggest": 0.0, "store": 0.0})
    worker_cpu: float = 0.0  # the workers' CPU seconds on those partitions

    @property
    def complete(self) -> bool:
        return self.done + self.skipped == self.parts

    @property
    def docs_per_second(self) -> float:
        return self.counts.documents / self.seconds if self.seconds else 0.0


Progress = Callable[[Summary, PartResult | None], None]


def prepare(database_url: str) -> None:
    """Migrate the database once, from the client, before any worker writes (workers that each migrated
    would race on a new database)."""
    from sqlalchemy.pool import NullPool

    from models.migrate import upgrade
    from models.session import make_engine

    engine = make_engine(database_url, poolclass=NullPool)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def job_for(settings: Any, actor: Any, *, batch_docs: int = 500) -> Job:
    """The job for the database of `settings`: migrated first, then the suggester the service serves there
    (api/backfill/recipe.py; RecipeError when it cannot be sent to the workers)."""
    from sqlalchemy.pool import NullPool

    from api.backfill.recipe import serving_recipe
    from models.session import make_engine, make_sessions

    prepare(settings.database_url)
    engine = make_engine(settings.database_url, poolclass=NullPool)
    try:
        with make_sessions(engine)() as session:
            recipe, registry_model = serving_recipe(session, settings)
    finally:
        engine.dispose()
    return Job(settings.database_url, recipe, actor, batch_docs=batch_docs, registry_model=registry_model)


def backfill(client: Any, paths: Sequence[Path], job: Job, partition_docs: int, *,
             progress: Progress | None = None, window: int | None = None) -> Summary:
    """Run (or resume) the backfill of `paths` on the cluster `client` is connected to."""
    from sqlalchemy.pool import NullPool

    from models.session import make_engine, make_sessions

    prepare(job.database_url)
    engine = make_engine(job.database_url, poolclass=NullPool)
    try:
        with make_sessions(engine)() as session:
            run = _open(session, paths, job, partition_docs)
        partitions = list(plan(paths, run.part_size))  # descriptions only: ~100 bytes each
        summary = Summary(run.id, run.resumed, len(partitions), skipped=len(run.done & set(range(len(partitions)))))
        started = time.perf_counter()
        client.register_plugin(BackfillPlugin(job), name=PLUGIN)
        todo = [(n, p) for n, p in enumerate(partitions) if n not in run.done]
        _submit_all(client, run.id, todo, summary, progress, window or 2 * max(1, sum(client.nthreads().values())))
        summary.seconds = time.perf_counter() - started
        with make_sessions(engine)() as session:
            ledger.finish(session, run.id, len(partitions))
        return summary
    finally:
        engine.dispose()


def _open(session: Any, paths: Sequence[Path], job: Job, partition_docs: int) -> ledger.Run:
    archive = archive_identity(paths)
    source = " ".join(str(p.resolve()) for p in paths)
    size = sum(p.stat().st_size for p in paths)
    return ledger.open_run(session, archive, source, size, partition_docs, origin=job.origin,
                           actor=job.actor.name, options={"partition_docs": partition_docs,
                                                          "batch_docs": job.batch_docs})


def _submit_all(client: Any, run_id: int, todo: list[tuple[int, Partition]], summary: Summary,
                progress: Progress | None, window: int) -> None:
    """Keep `window` partitions in flight; gather each as it finishes, in whatever order."""
    from distributed import as_completed

    pending = iter(todo)
    by_key: dict[str, Partition] = {}

    def submit() -> Any | None:
        nxt = next(pending, None)
        if nxt is None:
            return None
        part, partition = nxt
        # The key names the run and the part: a second client backfilling the same run at the same time
        # shares the scheduler's task instead of storing the partition twice over.
        future = client.submit(backfill_partition, run_id, part, partition, key=f"backfill-{run_id}-{part}",
                               retries=1)
        by_key[future.key] = partition
        return future

    first = [f for f in (submit() for _ in range(window)) if f is not None]
    if progress is not None:
        progress(summary, None)
    queue = as_completed(first)
    for future in queue:
        result: PartResult | None = None
        try:
            result = future.result()
        except Exception as exc:  # KilledWorker after too many deaths, a database error: this part only
            summary.failed.append((by_key[future.key], f"{type(exc).__name__}: {exc}"))
        del by_key[future.key]
        if result is not None:
            summary.workers.add(result.worker)
            if result.skipped:
                summary.skipped += 1
            else:
                summary.done += 1
                summary.counts.add(result.counts)
                for step, spent in result.seconds.items():
                    summary.worker_seconds[step] += spent
                summary.worker_cpu += result.cpu_seconds
        future.release()
        if progress is not None:
            progress(summary, result)
        if (nxt := submit()) is not None:
            queue.add(nxt)
