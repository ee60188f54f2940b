"""`gongkai backfill` on a real Dask cluster (a LocalCluster of 2 worker processes) into a real database
(SQLite, and PostgreSQL when TEST_DATABASE_URL is set): 240 starter records as the archive, cut into 5
partitions of ~50 documents, stored in transactions of 20.

- every document is stored exactly once, with the suggestion the service makes for it;
- a worker process SIGKILLed while partitions run: the run still completes (the scheduler gives the dead
  worker's partition to the worker that replaces it), nothing is stored twice and the audit chain verifies;
- the same archive again: every partition is skipped, nothing is suggested or stored again.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import func, select

from api.access.roles import Role
from api.backfill.partitions import plan, read
from api.backfill.run import Summary, backfill, job_for
from api.backfill.worker import PartResult
from api.context import Actor
from api.schemas import DocumentIn
from api.settings import Settings
from engine.facts.document import document_from_record
from engine.suggest import Suggester
from engine.vocabulary import Origin
from models.audit import verify_chain
from models.session import make_engine, make_sessions
from models.tables import ItemRow, ItemVersionRow
from tests.service.conftest import TRAINING

ACTOR = Actor("归档回填", Role.DOCUMENT_SYSTEM)
DOCUMENTS = 240
PARTITION_DOCS = 50
BATCH_DOCS = 20  # several transactions a partition: a worker killed mid-partition leaves it half written


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as dask_client:
        yield dask_client


# Two lines of the archive that are not documents: counted as invalid with their place, the rest goes on.
BROKEN = ['{"id": "x-1", "title": "截断的行', '{"title": "没有编号的文件", "body": "正文"}']


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """The first DOCUMENTS starter records, labels and all (the backfill keeps a push's fields), with the
    two broken lines among them, as an archive file."""
    lines = TRAINING.read_text(encoding="utf-8").splitlines()[:DOCUMENTS]
    lines[70:70] = BROKEN
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _records(archive: Path) -> list[dict[str, Any]]:
    lines = archive.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and line not in BROKEN]


def _run(client: Any, settings: Settings, archive: Path, **kwargs: Any) -> Summary:
    job = job_for(settings, ACTOR, batch_docs=BATCH_DOCS)
    return backfill(client, [archive], job, PARTITION_DOCS, **kwargs)


def _stored(settings: Settings) -> tuple[dict[str, list[tuple[Any, ...]]], Any]:
    """Every stored version by source id (its suggestion, sender and rules revision), and the audit
    chain's report."""
    engine = make_engine(settings.database_url)
    try:
        sessions = make_sessions(engine, audit_key=settings.audit_key_file.read_bytes().strip())  # type: ignore[union-attr]
        with sessions() as session:
            by_source: dict[str, list[tuple[Any, ...]]] = {}
            for source_id, *version in session.execute(
                    select(ItemRow.source_id, ItemVersionRow.suggestion, ItemVersionRow.received_by,
                           ItemVersionRow.ruleset_revision).join(ItemVersionRow)):
                by_source.setdefault(source_id, []).append(tuple(version))
            assert session.scalar(select(func.count()).select_from(ItemRow)) == len(by_source)
            report = verify_chain(session)
        return by_source, report
    finally:
        engine.dispose()


@pytest.fixture
def settings(database_url: str, model_dir: Path, audit_key_file: Path) -> Settings:
    return Settings(database_url=database_url, model=model_dir, audit_key_file=audit_key_file)


def test_partitions_cover_the_archive_once_at_line_starts(archive: Path) -> None:
    data = archive.read_bytes()
    partitions = list(plan([archive], 30))
    assert partitions[0].start == 0 and partitions[-1].end == len(data)
    assert all(a.end == b.start for a, b in zip(partitions, partitions[1:], strict=False))
    assert all(data[p.start - 1:p.start] == b"\n" for p in partitions[1:])
    lines = [line for p in partitions for line in read(p)]
    assert len(lines) == DOCUMENTS + len(BROKEN)
    assert [line.record["id"] for line in lines if line.record and "id" in line.record] == [
        r["id"] for r in _records(archive)]
    [truncated] = [line for line in lines if line.record is None]
    offset = data.index(BROKEN[0].encode("utf-8"))
    assert truncated.problem is not None and truncated.problem.startswith("not JSON")
    assert truncated.where == f"{archive}: byte {offset}"


def test_parquet_row_groups_are_partitions(tmp_path: Path, archive: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = _records(archive)[:50]
    fields = ["id", "title", "body"]
    path = tmp_path / "archive.parquet"
    pq.write_table(pa.Table.from_pylist([{k: r.get(k) for k in fields} for r in records]), path, row_group_size=20)
    partitions = list(plan([path], 10_000))
    assert [(p.kind, p.start, p.end) for p in partitions] == [("parquet", 0, 1), ("parquet", 1, 2), ("parquet", 2, 3)]
    assert [line.record["id"] for p in partitions for line in read(p) if line.record] == [r["id"] for r in records]


def test_the_workers_build_what_the_service_serves(settings: Settings, combined: Suggester) -> None:
    """After a service start (its rules and model recorded in the database), the job sends the rules'
    files and the registry's model by id; a worker writes the model from the database to its own cache."""
    from api.app import create_app
    from api.backfill.worker import WorkerState

    app = create_app(settings, suggester=combined)
    app.state.engine.dispose()
    app.state.reader_engine.dispose()
    job = job_for(settings.model_copy(update={"model": None}), ACTOR)  # the database's, not the settings'
    assert job.recipe.model is None and job.registry_model == combined.model.model_id  # type: ignore[union-attr]
    state = WorkerState(job)
    try:
        assert state.suggester.model is not None and state.suggester.model.model_id == job.registry_model
        assert state.suggester.book.revision == combined.book.revision
    finally:
        state.close()


@pytest.mark.slow
def test_each_document_is_stored_once_as_the_service_suggests_it(client: Any, settings: Settings, archive: Path,
                                                                   combined: Suggester) -> None:
    records = _records(archive)
    assert len(records) == DOCUMENTS and len(list(plan([archive], PARTITION_DOCS))) >= 4
    summary = _run(client, settings, archive)
    assert summary.complete and not summary.failed and not summary.resumed
    assert summary.done == summary.parts >= 4
    assert (summary.counts.created, summary.counts.invalid) == (len(records), len(BROKEN))
    problems = sorted(what for _, what in summary.counts.problems)
    assert problems[0].startswith("no id") and problems[1].startswith("not JSON"), problems
    assert all(where.startswith(f"{archive}: byte ") for where, _ in summary.counts.problems)
    assert len(summary.workers) == 2  # both worker processes stored partitions
    stored, report = _stored(settings)
    assert sorted(stored) == sorted(r["id"] for r in records)
    for record in records:
        [(suggestion, received_by, revision)] = stored[record["id"]]
        doc = DocumentIn(**{k: v for k, v in record.items() if k in DocumentIn.model_fields})
        expected = combined.suggest(document_from_record(doc.record(Origin.CLOSURE)))
        assert suggestion == json.loads(json.dumps(expected, ensure_ascii=False)), record["id"]
        assert (received_by, revision) == (ACTOR.name, combined.book.revision)
    assert report.intact, report.problems

    again = _run(client, settings, archive)
    assert again.run_id == summary.run_id and again.resumed
    assert (again.skipped, again.done, again.counts.documents) == (again.parts, 0, 0)


@pytest.mark.slow
def test_a_worker_killed_mid_run_leaves_nothing_stored_twice(client: Any, settings: Settings, archive: Path) -> None:
    client.wait_for_workers(2)
    before = set(client.run(os.getpid).values())
    killed: list[int] = []

    def kill_a_busy_worker(summary: Summary, result: PartResult | None) -> None:
        """After the first partition is done, SIGKILL a worker process that holds a partition now."""
        if killed or result is None:
            return
        busy = [address for address, keys in client.processing().items() if keys]
        assert busy, "no partition left running to kill a worker in"
        pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    summary = _run(client, settings, archive, progress=kill_a_busy_worker)
    records = _records(archive)
    assert killed and killed[0] in before
    assert summary.complete and not summary.failed, summary.failed
    # The dead worker's partition was done again from its start: the batches it had committed come back
    # unchanged (the documents it created are counted by no finished task), the rest are created.
    assert summary.counts.created + summary.counts.unchanged == len(records)
    stored, report = _stored(settings)
    assert len(stored) == len(records)
    assert all(len(versions) == 1 for versions in stored.values())
    assert report.intact, report.problems
    client.wait_for_workers(2)
    assert killed[0] not in set(client.run(os.getpid).values())  # the nanny started another process

    again = _run(client, settings, archive)
    assert (again.skipped, again.done, again.counts.documents) == (again.parts, 0, 0)
