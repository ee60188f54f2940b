"""`gongkai import` against the bare suggestion, on documents never seen before, in one run (issue 20).

Aim: at least 1,000 documents a second imported on this machine (2 cores), everything included (reading,
validation, suggestion on every core, storing through the push's guards, the audit events).

(a) writes --docs documents no run has seen to a JSONL file: each takes a real record's metadata and the
    head of its body (data/training/records.jsonl, data/real/*.jsonl), then sentences drawn from every body
    of those files, shuffled and lightly perturbed, up to the length of another real body (so the sizes
    follow the real ones); fresh ids and titles, so no two are the same;
(b) the bare suggestion: the same file read, validated and suggested by the import's own worker function on
    the same workers (engine/batch.map_chunks), nothing stored: the ceiling for the import;
(c) the import into a fresh SQLite file, the same file again (every document unchanged: found so before it is
    suggested), then (when reachable) a fresh PostgreSQL schema (--postgres, default TEST_DATABASE_URL or the
    local server), with the rules and the model of the settings (GONGKAI_MODEL);
(d) prints docs/s of each beside the aim and the ratio import / bare suggestion (the store's cost), with the
    load average; the median over --rounds when more than one.

    .venv/bin/python bench/import_bench.py [--docs 20000] [--rounds 1] [--workers N] [--batch 500]
                                           [--postgres URL | --no-postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from api import bulk_commands  # noqa: E402
from api.context import Actor  # noqa: E402
from api.settings import Settings  # noqa: E402
from bench.new_documents import new_body, read_sources  # noqa: E402
from engine.batch import SuggesterRecipe, map_chunks, usable_cores  # noqa: E402

FIELDS = ("title", "doc_number", "doc_type", "division", "agency", "date", "secrecy_marking")
AIM = 1000.0
POSTGRES = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")


def say(text: str = "") -> None:
    print(text, flush=True)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def write_documents(path: Path, n: int, seed: int) -> int:
    """n new documents as JSONL (the push's fields); returns the file's size in bytes."""
    records, sentences = read_sources()
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:8]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            base = rng.choice(records)
            size = min(len((rng.choice(records).get("body") or "").encode("utf-8")), 20_000)
            body = new_body(rng, base, size, sentences, head_share=1.0, cut=False)
            doc = {k: base[k] for k in FIELDS if base.get(k) is not None}
            doc["title"] = f"{base.get('title') or '文件'}（{rng.randint(1, 99999)}）"
            doc["id"] = f"import-bench-{run}-{i:06d}"
            doc["body"] = body
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return path.stat().st_size


def bare_suggestion(path: Path, settings: Settings, workers: int, batch: int) -> float:
    """docs/s of reading, validating and suggesting the file as the import does, storing nothing."""
    recipe = SuggesterRecipe.of(settings.rules, settings.model if settings.model and settings.model.is_dir() else None)
    built = recipe.build()
    parts = bulk_commands.read_parts(path, "jsonl", batch, "closure", None)
    started, done = time.perf_counter(), 0
    for (part,), _results in map_chunks(recipe, parts, bulk_commands.suggest_parts, workers=workers, chunk=1,
                                        built=built):
        done += len(part.entries)
    return done / (time.perf_counter() - started)


@contextmanager
def postgres_schema(url: str) -> Iterator[str | None]:
    """A fresh schema on the server at `url` (dropped after), or None when it cannot be reached."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    schema = f"import_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        say(f"PostgreSQL at {url} not reachable ({str(exc).splitlines()[0][:100]}): skipped")
        admin.dispose()
        yield None
        return
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def imported(path: Path, settings: Settings, workers: int, batch: int, created: bool = True
             ) -> tuple[float, float, Any]:
    """(docs/s while streaming, docs/s from the command's start to its end, the result)."""
    started = time.perf_counter()
    result = bulk_commands.import_file(path, settings, origin="closure", actor=Actor("import", "document_system"),
                                       batch=batch, workers=workers)
    wall = time.perf_counter() - started
    assert not created or result.counts.created == result.documents_now, result.counts.as_dict()
    return result.documents_now / result.seconds, result.documents_now / wall, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workers", type=int, default=usable_cores())
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--postgres", default=POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="import-bench-"))
    key = tmp / "audit.key"
    key.write_text("import-bench-" + uuid.uuid4().hex * 2, encoding="ascii")
    key.chmod(0o600)
    os.environ["GONGKAI_AUDIT_KEY_FILE"] = str(key)
    rates: dict[str, list[float]] = {"bare suggestion": [], "import SQLite": [], "again, unchanged": [],
                                     "import PostgreSQL": []}
    say(f"import bench: {args.docs} new documents a round, {args.rounds} round(s), {args.workers} worker(s), "
        f"batch {args.batch}; load {load()}")
    for r in range(args.rounds):
        source = tmp / f"round{r}.jsonl"
        size = write_documents(source, args.docs, seed=r)
        settings = Settings(database_url=f"sqlite:///{tmp / f'round{r}.db'}", audit_key_file=key)
        say(f"round {r + 1}: {source.name} {size / 1e6:.1f} MB (mean {size / args.docs / 1e3:.1f} kB a document)")
        bare = bare_suggestion(source, settings, args.workers, args.batch)
        rates["bare suggestion"].append(bare)
        say(f"  bare suggestion     {bare:7.0f} docs/s  (load {load()})")
        stream, wall, _ = imported(source, settings, args.workers, args.batch)
        rates["import SQLite"].append(stream)
        say(f"  import SQLite       {stream:7.0f} docs/s  ({wall:.0f} docs/s with start-up)  "
            f"{stream / bare:.2f}x the bare suggestion  (load {load()})")
        stream, wall, again = imported(source, settings, args.workers, args.batch, created=False)
        assert again.counts.unchanged == args.docs, again.counts.as_dict()
        rates["again, unchanged"].append(stream)
        say(f"  again (unchanged)   {stream:7.0f} docs/s  ({wall:.0f} docs/s with start-up)  "
            f"{stream / bare:.2f}x the bare suggestion  (load {load()})")
        if args.no_postgres:
            continue
        with postgres_schema(args.postgres) as url:
            if url is not None:
                stream, wall, _ = imported(source, settings.model_copy(update={"database_url": url}), args.workers,
                                           args.batch)
                rates["import PostgreSQL"].append(stream)
                say(f"  import PostgreSQL   {stream:7.0f} docs/s  ({wall:.0f} docs/s with start-up)  "
                    f"{stream / bare:.2f}x the bare suggestion  (load {load()})")
    say("median:")
    for name, values in rates.items():
        if values:
            median = statistics.median(values)
            say(f"  {name:<19} {median:7.0f} docs/s  aim {AIM:.0f}: {'met' if median >= AIM else 'NOT met'}")
    say(f"load {load()}")


if __name__ == "__main__":
    main()
