"""Suggestions over a stream of records on every core: order kept, memory bounded (issue 20).

`gongkai suggest` and `evaluate`, an import and a backfill all do the same thing: one suggestion per
record of a stream too large to hold, in the order given. One process does ~250–500 a second on this
kind of machine; the suggestion is pure CPU in Python (and durable-rules' C extension, which never
releases the GIL), so threads cannot help and processes must.

- The suggester to use is described by a `SuggesterRecipe` (rule files or a rules directory, the model
  directory, the backend): picklable, so a worker started any way builds the same suggester, once.
- The records go out in chunks (CHUNK), a window of at most WINDOW_PER_WORKER chunks per worker in
  flight: the input is read only as fast as it is used, never all at once, and results come back in
  input order (a slow chunk holds the ones behind it, which a window of two per worker hides).
- With one worker (or one core) everything runs in this process, with no pool and no pickling; the
  results are the same, by construction: the very same chunk function runs either way.

Start method: fork where the platform has it and this process runs no other thread, else forkserver.
Fork starts a worker in milliseconds and lets it inherit a suggester the caller has already built (the
CLI builds one to report rule errors before any work starts): ~0.6 s of loading rules, compiling them
into durable-rules and reading the model saved per worker, and no pickling of the suggester (which
holds durable's C handles and cannot be pickled anyway). Fork copies only the calling thread, so a
lock held by another thread at that moment stays held for ever in the child: with another thread
alive (a server's, tqdm's monitor, a previous pool's manager) fork is not safe and the workers come
from a forkserver instead, each building its suggester from the recipe. Callers therefore start the
stream before their own threads (the CLI's progress bar runs no monitor thread: engine/commands/common.py).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Generic, Iterable, Iterator, Mapping, Sequence, TypeVar

from engine.facts.document import RecordError, document_from_record
from engine.suggest import Suggester

T = TypeVar("T")
R = TypeVar("R")

CHUNK = 128  # records per task: ~0.3 s of work, so the pool's ~0.1 ms per task is noise
WINDOW_PER_WORKER = 2  # chunks in flight per worker: one running, one waiting, none idle while the parent writes


@dataclass(frozen=True)
class SuggesterRecipe:
    """What a worker needs to build the suggester: picklable, compared by value.

    `rules` is a rules directory or the files of a rule set as (relative path, text) pairs sorted by
    path (a revision stored in the database); `model` the model directory, None for the rules alone;
    `backend` "durable" (the service's) or "reference".
    """

    rules: Path | tuple[tuple[str, str | bytes], ...]
    model: Path | None = None
    backend: str = "durable"

    @classmethod
    def of(cls, rules: Path | Mapping[str, str | bytes], model: Path | None = None,
           backend: str = "durable") -> "SuggesterRecipe":
        """A recipe from a rules directory or a mapping {relative path: text}."""
        return cls(rules if isinstance(rules, Path) else tuple(sorted(rules.items())), model, backend)

    def build(self) -> Suggester:
        """The suggester; RuleFileError (every diagnostic) or ModelError (engine/classifier/model.py)
        when the rules or the model cannot be loaded."""
        from engine.classifier.model import load_model
        from engine.rules.loader import load_files, load_rulebook

        book = load_rulebook(self.rules) if isinstance(self.rules, Path) else load_files(dict(self.rules))
        return Suggester(book, self.backend, load_model(self.model) if self.model is not None else None)


@dataclass(frozen=True)
class Outcome:
    """One record's result: its position in the input (from 0), the record as given, and either the
    suggestion (Suggester.suggest's JSON shape) or why the record could not be used."""

    index: int
    record: Any
    suggestion: dict[str, Any] | None = None
    error: str | None = None


class WorkerDied(RuntimeError):
    """A worker process ended abruptly (killed, out of memory, a crash in a C extension).

    The pool then fails every chunk in flight, and does not say which one the dead worker held: this
    names the first chunk not delivered (by its first item and position from 0). Everything before it
    was delivered; the record that did it is in that chunk or in one of the few after it in flight
    (at most WINDOW_PER_WORKER per worker)."""

    def __init__(self, first: Any, position: int, size: int) -> None:
        super().__init__(f"a worker process died while the records from {position} (from 0) on were in flight; "
                         f"everything before was delivered; that record: {first!r:.120}")
        self.first, self.position, self.size = first, position, size


def usable_cores() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """The items in lists of `size` (the last shorter), read lazily."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def start_method() -> str:
    """fork when it is safe (the platform has it and no other thread runs), else forkserver (spawn
    where neither exists); see the module's doc."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def map_chunks(recipe: SuggesterRecipe, items: Iterable[T], work: Callable[[Suggester, list[T]], R], *,
               workers: int | None = None, chunk: int = CHUNK,
               built: Suggester | None = None) -> Iterator[tuple[list[T], R]]:
    """(chunk, work(suggester, chunk)) for each chunk of the items, in input order.

    `work` must be a module-level function (it is sent to the workers by name) and should turn a bad
    item into a result rather than raise: an exception it raises ends the whole stream. `built` is a
    suggester the caller already built from `recipe`: used in process, and inherited by forked workers
    instead of each building its own. `workers` defaults to every usable core; 1 runs in process.

    Raises:
        WorkerDied: a worker process ended while it held a chunk.
    """
    size = usable_cores() if workers is None else workers
    if size < 1:
        raise ValueError(f"workers must be at least 1, not {size}")
    if size == 1:
        suggester = built or recipe.build()
        for batch in chunks(items, chunk):
            yield batch, work(suggester, batch)
        return
    yield from _in_pool(recipe, items, work, size, chunk, built)


def _in_pool(recipe: SuggesterRecipe, items: Iterable[T], work: Callable[[Suggester, list[T]], R], size: int,
             chunk: int, built: Suggester | None) -> Iterator[tuple[list[T], R]]:
    method = start_method()
    inherited = built if method == "fork" else None  # never pickled: fork copies it, other methods build
    pool = ProcessPoolExecutor(size, mp_context=multiprocessing.get_context(method),
                               initializer=_start_worker, initargs=(recipe, inherited))
    window: deque[_InFlight[T, R]] = deque()
    position = 0
    try:
        for batch in chunks(items, chunk):
            window.append(_InFlight(batch, position, pool.submit(_run, work, batch)))
            position += len(batch)
            if len(window) >= size * WINDOW_PER_WORKER:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
    finally:
        # A consumer that stops early (`gongkai suggest … | head`) must not wait for chunks nobody reads.
        pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class _InFlight(Generic[T, R]):
    batch: list[T]
    position: int
    future: Future[R]

    def result(self) -> tuple[list[T], R]:
        try:
            return self.batch, self.future.result()
        except BrokenProcessPool as exc:
            raise WorkerDied(self.batch[0], self.position, len(self.batch)) from exc


_suggester: Suggester | None = None  # a worker process's own, built once by _start_worker


def _start_worker(recipe: SuggesterRecipe, inherited: Suggester | None) -> None:
    global _suggester
    # Ctrl-C reaches the whole process group: the parent alone handles it (it cancels the chunks not
    # started and waits for the running ones), instead of every worker printing its own traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _suggester = inherited if inherited is not None else recipe.build()
    # The loaded rules and model never die: out of the collector's sight, a collection neither walks
    # them nor writes to their pages (a forked worker would otherwise copy the pages it shares).
    gc.freeze()


def _run(work: Callable[[Suggester, list[T]], R], batch: list[T]) -> R:
    assert _suggester is not None, "a worker runs only after _start_worker"
    return work(_suggester, batch)


def suggest_stream(recipe: SuggesterRecipe, records: Iterable[Any], *, workers: int | None = None,
                   chunk: int = CHUNK, built: Suggester | None = None) -> Iterator[Outcome]:
    """The suggestion for each record (a dict as document_from_record reads it), in input order.

    A record that cannot be read (RecordError) is that record's Outcome with its error; the stream
    goes on. Records are pickled to the workers and the suggestions back; a caller holding the raw
    JSON lines does better to send those and have the workers decode and render (see
    engine/commands/documents.py), so that this process stays nearly idle.
    """
    position = 0
    for batch, results in map_chunks(recipe, records, suggest_records, workers=workers, chunk=chunk, built=built):
        for record, (suggestion, error) in zip(batch, results, strict=True):
            yield Outcome(position, record, suggestion, error)
            position += 1


def suggest_records(suggester: Suggester, records: Sequence[Any]) -> list[tuple[dict[str, Any] | None, str | None]]:
    """(suggestion, None) or (None, why not) for each record: a chunk's work in suggest_stream."""
    out: list[tuple[dict[str, Any] | None, str | None]] = []
    for record in records:
        try:
            document = document_from_record(record)
        except RecordError as exc:
            out.append((None, str(exc)))
        else:
            out.append((suggester.suggest(document), None))
    return out
