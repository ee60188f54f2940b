"""`gongkai backfill ARCHIVE...`: the suggestion over an archive of documents, stored as the push stores
them, on a Dask cluster (api/backfill/). Argument parsing (add_parsers) apart from the handler (command),
as api/cli.py keeps them."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

DEFAULT_PARTITION_DOCS = 10_000


def add_parsers(verbs: Any) -> None:
    backfill = verbs.add_parser(
        "backfill", help="suggest and store an archive of documents (JSONL or Parquet) on a Dask cluster; resumable",
        description="Every document of the archive is suggested and stored as a push of the document system "
                    "would store it (the same guards: the same document again is unchanged, another account's "
                    "item is refused). The archive is cut into partitions; each is done by one Dask worker and "
                    "marked done in the database, so running the same command again resumes where it stopped "
                    "(a worker that dies has its partition redone elsewhere, harmlessly). The rules and "
                    "model are those the service serves from that database. With --scheduler, every worker runs "
                    "this gongkai (its .venv), sees the archive at the same path, reaches the database and holds "
                    "the audit key (GONGKAI_AUDIT_KEY_FILE). Exit 0 when every partition is done, 1 when some failed "
                    "(run it again to finish them), 2 on a usage error.")
    backfill.add_argument("archive", nargs="+", type=Path, help="JSONL (.jsonl, .ndjson) or Parquet files")
    backfill.add_argument("--database-url", required=True, metavar="URL",
                          help="the service's database (PostgreSQL for several workers; SQLite works, one writer)")
    where = backfill.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="tcp://HOST:8786", default=None,
                       help="a running Dask scheduler (dask scheduler; dask worker tcp://HOST:8786 on each node)")
    where.add_argument("--workers", type=_positive, default=None,
                       help="start a local cluster of this many worker processes (default: one per core)")
    backfill.add_argument("--partition-docs", type=_positive, default=DEFAULT_PARTITION_DOCS,
                          help=f"about this many documents a partition (default {DEFAULT_PARTITION_DOCS:,}); "
                               "a resumed run keeps the size it started with")
    backfill.add_argument("--batch-docs", type=_positive, default=500,
                          help="documents per transaction (default 500)")
    backfill.add_argument("--as", dest="actor", default="backfill", metavar="NAME",
                          help="the document-system account the items belong to (default: backfill); an item "
                               "another account already holds is refused, as its push would be")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number, 1 or more")
    return int(text)


def command(args: argparse.Namespace) -> int:
    from api.backfill.partitions import ArchiveError, kind_of
    from api.backfill.run import backfill

    try:
        for path in args.archive:
            kind_of(path)
            if not path.is_file():
                raise ArchiveError(f"{path}: no such file")
        job = _job(args)
    except (ArchiveError, ValueError) as exc:  # RecipeError too: the model the service serves is elsewhere
        print(f"gongkai backfill: {exc}", file=sys.stderr)
        return 2
    with ExitStack() as stack:
        client = _client(args, stack)
        bar = stack.enter_context(_bar())
        summary = backfill(client, args.archive, job, args.partition_docs, progress=bar.update)
    _report(summary)
    return 0 if summary.complete else 1


def _job(args: argparse.Namespace) -> Any:
    from api.access.roles import Role
    from api.backfill.run import job_for
    from api.context import Actor
    from api.settings import Settings

    settings = Settings(database_url=args.database_url)
    return job_for(settings, Actor(args.actor, Role.DOCUMENT_SYSTEM), batch_docs=args.batch_docs)


def _client(args: argparse.Namespace, stack: ExitStack) -> Any:
    from distributed import Client, LocalCluster

    if args.scheduler:
        return stack.enter_context(Client(args.scheduler))
    # One thread a process: the suggestion is pure Python and holds the GIL, so cores need processes. The
    # scheduler's HTTP server on loopback and a free port (the default 8787 may be another cluster's).
    cluster = stack.enter_context(LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                               host="127.0.0.1", dashboard_address="127.0.0.1:0"))
    return stack.enter_context(Client(cluster))


class _bar:
    """tqdm on stderr: partitions done (and skipped), documents stored, documents a second."""

    def __enter__(self) -> "_bar":
        from tqdm import tqdm

        self.tqdm = tqdm(unit="part", desc="partitions", file=sys.stderr, dynamic_ncols=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self.tqdm.close()

    def update(self, summary: Any, result: Any) -> None:
        self.tqdm.total = summary.parts
        self.tqdm.n = summary.done + summary.skipped + len(summary.failed)
        rate = summary.counts.documents / max(self.tqdm.format_dict["elapsed"], 1e-9)
        self.tqdm.set_postfix_str(f"docs {summary.counts.documents:,} ({rate:,.0f}/s), skipped {summary.skipped}, "
                                  f"failed {len(summary.failed)}")


def _report(summary: Any) -> None:
    c = summary.counts
    print(f"backfill run {summary.run_id} ({'resumed' if summary.resumed else 'new'}): {summary.parts} partitions, "
          f"{summary.done} done now, {summary.skipped} skipped (done before), {len(summary.failed)} failed; "
          f"{c.documents:,} documents in {summary.seconds:,.1f} s ({summary.docs_per_second:,.0f}/s) on "
          f"{len(summary.workers)} worker(s)")
    print(f"  created {c.created:,}, new version {c.new_version:,}, unchanged {c.unchanged:,}, "
          f"refused {c.refused:,}, invalid {c.invalid:,}")
    for where, what in c.problems[:20]:
        print(f"  {where}: {what}")
    for partition, why in summary.failed:
        print(f"  failed: {partition.path} [{partition.start}, {partition.end}): {why}")
    if summary.failed:
        print("  run the same command again to do the partitions left")
