"""`gongkai backfill` at 1 and at 2 Dask workers on an archive of N documents never seen before, against
the bare suggestion in process, in one run.

(a) writes the archive (streamed, never held): N documents, each with the metadata of a real or starter
    record (data/real, data/training) and a body of ~BODY_CHARS characters drawn from their sentences,
    each document with its own id and a title of its own (so no two are the same document);
(b) times the bare suggestion in process (`Suggester.suggest` on the push's record) over the archive's
    first --sample documents: the ceiling one core reaches with no database, no Dask, no JSON in or out;
(c) for each worker count (--workers, default 1,2): a fresh PostgreSQL schema, a LocalCluster of that many
    worker processes, `backfill` of the whole archive; docs/s = documents / the run's seconds (from the
    first submission to the last result: includes each worker building its suggester, not the cluster's start);
(d) prints docs/s per worker count, the scaling ratio (2 workers / 1), each against the bare rate, and
    the load average before and after.

    .venv/bin/python bench/backfill_bench.py [--docs 1000000] [--workers 1,2] [--archive FILE]
        [--database-url URL] [--partition-docs N] [--batch-docs 500] [--keep]

--database-url defaults to TEST_DATABASE_URL (postgresql+psycopg://root@127.0.0.1:5432/test); each run gets
a schema of its own, dropped afterwards unless --keep. An --archive that exists is reused as it is
(its documents counted), so the 1M file is written once. Needs the trained model
(data/artifacts/classifier, `gongkai train`) and an audit key (GONGKAI_AUDIT_KEY_FILE; one is made in a
temporary directory when unset).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

SOURCES = [PROJECT / "data" / "real" / "records.jsonl", PROJECT / "data" / "real" / "dev.jsonl",
           PROJECT / "data" / "training" / "records.jsonl"]
FIELDS = ("title", "doc_type", "division", "agency", "date", "secrecy_marking")
BODY_CHARS = 350  # ~1 KB of UTF-8 (3 bytes a character)
SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")


def _sources() -> tuple[list[dict[str, Any]], list[str]]:
    records, sentences = [], []
    for path in SOURCES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                records.append({k: record.get(k) for k in FIELDS} | {"body": record.get("body") or ""})
                sentences += [s.strip() for s in SENTENCE.findall(record.get("body") or "") if len(s.strip()) > 8]
    return records, sentences


def documents(n: int, seed: int = 20) -> Iterator[dict[str, Any]]:
    """n new documents: a real record's metadata and opening, then sentences of other records."""
    records, sentences = _sources()
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:8]
    for i in range(n):
        base = records[rng.randrange(len(records))]
        body = base["body"][: rng.randint(40, 160)]
        while len(body) < BODY_CHARS:
            body += sentences[rng.randrange(len(sentences))]
        yield {**base, "id": f"bench-{run}-{i:07d}", "title": f"{base['title']}（{i}）", "body": body}


def write_archive(path: Path, n: int) -> int:
    started = time.perf_counter()
    with path.open("w", encoding="utf-8") as f:
        for i, doc in enumerate(documents(n), 1):
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
            if i % 100_000 == 0:
                print(f"  archive: {i:,} documents written ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return n


def bare_rate(archive: Path, sample: int, model: Path) -> float:
    """Documents a second, suggested in this process (no database, no Dask)."""
    from api.backfill.partitions import Line
    from api.backfill.worker import suggested
    from engine.batch import SuggesterRecipe

    suggester = SuggesterRecipe.of(PROJECT / "rules", model).build()
    lines = []
    with archive.open("rb") as f:
        for raw in itertools.islice(f, sample):
            lines.append(Line("bench", json.loads(raw)))
    for line in lines[:20]:  # warm-up: the first documents build jieba's and the rules' caches
        suggested(suggester, line, "closure")
    started = time.perf_counter()
    for line in lines:
        suggested(suggester, line, "closure")
    return len(lines) / (time.perf_counter() - started)


def run_backfill(archive: Path, base_url: str, workers: int, partition_docs: int, batch_docs: int, model: Path,
                 keep: bool) -> Any:
    from distributed import Client, LocalCluster
    from sqlalchemy import create_engine, text

    from api.access.roles import Role
    from api.backfill.run import backfill, job_for
    from api.context import Actor
    from api.settings import Settings

    schema = f"backfill_bench_{workers}w_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{base_url}{'&' if '?' in base_url else '?'}options=-csearch_path%3D{schema}"
    try:
        job = job_for(Settings(database_url=url, model=model), Actor("backfill-bench", Role.DOCUMENT_SYSTEM),
                      batch_docs=batch_docs)
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
            summary = backfill(client, [archive], job, partition_docs, progress=_progress)
        print(file=sys.stderr)
        return summary, schema
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _progress(summary: Any, result: Any) -> None:
    done = summary.done + summary.skipped
    print(f"\r  {done}/{summary.parts} partitions, {summary.counts.documents:,} documents", end="", file=sys.stderr)


def _count(archive: Path) -> int:
    with archive.open("rb") as f:
        return sum(1 for _ in f)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--archive", type=Path, default=None, help="reused when it exists, else written there")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL",
                                                                 "postgresql+psycopg://root@127.0.0.1:5432/test"))
    parser.add_argument("--partition-docs", type=int, default=None,
                        help="default: N/40 within 1,000-10,000 (enough partitions to keep 2 workers busy)")
    parser.add_argument("--batch-docs", type=int, default=500)
    parser.add_argument("--sample", type=int, default=1000, help="documents for the bare in-process rate")
    parser.add_argument("--model", type=Path, default=PROJECT / "data" / "artifacts" / "classifier")
    parser.add_argument("--keep", action="store_true", help="keep the schemas (to look at what was stored)")
    args = parser.parse_args()
    if not os.environ.get("GONGKAI_AUDIT_KEY_FILE") and not os.environ.get("GONGKAI_AUDIT_KEY"):
        key = Path(tempfile.mkdtemp(prefix="backfill-bench-")) / "audit.key"
        key.write_text(uuid.uuid4().hex * 2, encoding="ascii")
        os.environ["GONGKAI_AUDIT_KEY_FILE"] = str(key)  # the LocalCluster's workers inherit it
    archive = args.archive or Path(tempfile.gettempdir()) / f"backfill-bench-{args.docs}.jsonl"
    started = time.perf_counter()
    existed = archive.exists()
    n = _count(archive) if existed else write_archive(archive, args.docs)
    print(f"archive {archive}: {n:,} documents, {archive.stat().st_size / 1e6:,.0f} MB "
          f"({time.perf_counter() - started:,.0f} s to {'count' if existed else 'write'})")
    partition_docs = args.partition_docs or max(1000, min(10_000, n // 40))
    print(f"load before: {_load()}")
    bare = bare_rate(archive, args.sample, args.model)
    print(f"bare suggestion in process: {bare:,.0f} docs/s ({args.sample} documents, one core)")
    rates = {}
    for workers in (int(w) for w in args.workers.split(",")):
        summary, schema = run_backfill(archive, args.database_url, workers, partition_docs, args.batch_docs,
                                       args.model, args.keep)
        rates[workers] = summary.docs_per_second
        print(f"{workers} worker(s): {summary.counts.documents:,} documents in {summary.seconds:,.1f} s = "
              f"{summary.docs_per_second:,.0f} docs/s ({summary.docs_per_second / bare:.2f} x bare one core); "
              f"{summary.parts} partitions of ~{partition_docs:,}, created {summary.counts.created:,}, "
              f"failed {len(summary.failed)}; load {_load()}" + (f"; schema {schema} kept" if args.keep else ""))
        spent = summary.worker_seconds
        print(f"  workers' time: setup {spent['setup']:,.1f} s, suggest {spent['suggest']:,.1f} s, store "
              f"{spent['store']:,.1f} s ({summary.counts.documents / max(spent['store'], 1e-9):,.0f} docs/s stored "
              f"per worker-second); CPU {summary.worker_cpu:,.1f} s = "
              f"{summary.counts.documents / max(summary.worker_cpu, 1e-9):,.0f} docs per worker CPU-second")
    if 1 in rates and 2 in rates:
        print(f"scaling 2 workers / 1: {rates[2] / rates[1]:.2f} (2 cores, shared with the scheduler, the client "
              f"and PostgreSQL)")
    print(f"load after: {_load()}")
    return 0


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


if __name__ == "__main__":
    sys.exit(main())
