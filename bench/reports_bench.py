"""Report generation at 100k reviewed items (issue 5: "takes seconds, measured in a benchmark").

In one run, on one database (bench/report_data.py builds it once and caches it):

(a) BASELINE: reading the raw rows the reports need (every item, every review, every version's
    suggestion JSON) into Python with SQLAlchemy Core. Every other figure is also given as a ratio
    to it, which holds across machines better than seconds do. A second line, the floor, is the
    database alone touching every stored suggestion (no rows to Python): no report that reads the
    suggestion column can be faster than that;
(b) each report function in process (api.reports.statistics / api.reports.accuracy / api.reports.supervision), each repeat
    on a fresh session, then rendering its result in every format api.reports.registry offers;
(c) the CLI end to end, `gongkai report KIND --format F` as a subprocess, for json and for the formats
    xlsx and html (with --output FILE): process start,
    imports, the migration check, the report and writing it out.

Each stage of (a) and (b) runs in a process of its own: the baseline holds every decoded suggestion
(gigabytes), and a big heap makes every later garbage collection slower, so stages sharing a process
would slow each other; it also gives each stage its own peak RSS. Every child is started by a small
Python that measures it (a child's ru_maxrss starts at its parent's RSS at fork on Linux).
No timed assertions: the figures are for reading. --profile also runs each report once under cProfile
and prints where the time went, with the time in each SQL statement (on SQLite most of the database's
work happens while fetching, so it shows under fetchall in the profile, not as statement time).

    .venv/bin/python bench/reports_bench.py [--items 100000] [--repeat 3] [--database-url URL] [--fresh]
                                            [--profile] [--no-cli]

For PostgreSQL give a dedicated schema (made, and filled when it does not hold the data set yet), e.g.
    --database-url 'postgresql+psycopg://root@127.0.0.1:5432/test?options=-csearch_path%3Dbench_reports'
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics as stats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from api.reports.registry import REPORTS  # noqa: E402  (after the path)

KINDS = tuple(REPORTS)  # every registered report

GONGKAI = PROJECT / ".venv" / "bin" / "gongkai"
WAIT_DAYS = {"secrecy_review": 5, "disclosure_review": 5}
CLI_FORMATS = ("json", "xlsx", "html")  # json to stdout, the others with --output
BASELINE = ("items (all columns)", "reviews (all columns)", "version suggestions (JSON)")

MEASURE = """import resource, subprocess, sys, time
started = time.perf_counter()
with open(sys.argv[1], "wb") as out:
    done = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE)
sys.stderr.buffer.write(done.stderr)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(done.returncode)
"""


def measured(argv: list[str], stdout_file: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run argv (stdout to a file): its wall seconds and its own peak RSS in MB."""
    done = subprocess.run([sys.executable, "-c", MEASURE, str(stdout_file), *argv], cwd=PROJECT,
                          capture_output=True, env={**os.environ, **(env or {})})
    stderr = done.stderr.decode(errors="replace")
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{stderr[-3000:]}")
    seconds, max_rss_kb = stderr.rstrip().rsplit("\n", 1)[-1].split()
    return float(seconds), int(max_rss_kb) / 1024


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    seconds, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - started)
    return seconds, result


# the stages, each run as `reports_bench.py --stage NAME` ----------------------------------------------------

def reads(engine: Any) -> dict[str, Callable[[], int]]:
    """(a): the raw reads, each on a connection of its own; JSON decoded, as any report reading it must."""
    from sqlalchemy import Text, cast, func, select

    from models.tables import ItemRow, ItemVersionRow, ReviewRow

    def read(query: Any) -> Callable[[], int]:
        def run() -> int:
            with engine.connect() as connection:
                return len(connection.execute(query).all())
        return run

    def floor() -> int:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.sum(func.length(cast(ItemVersionRow.suggestion, Text))))) or 0)

    queries = (select(ItemRow.__table__), select(ReviewRow.__table__),
               select(ItemVersionRow.item_id, ItemVersionRow.number, ItemVersionRow.suggestion))
    return {**{name: read(q) for name, q in zip(BASELINE, queries, strict=True)}, "floor": floor}


def reports(engine: Any) -> dict[str, Callable[[], dict[str, Any]]]:
    """(b): each report as the routes and the CLI build it (api.reports.registry.build), without date filters
    (the whole two years)."""
    from api.items.views import today_in_china
    from api.reports import registry
    from api.settings import Settings
    from models.session import make_sessions

    sessions = make_sessions(engine)
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False), review_wait_days=WAIT_DAYS)
    today = today_in_china()

    def call(kind: str) -> Callable[[], dict[str, Any]]:
        def run() -> dict[str, Any]:
            with sessions() as session:  # a fresh session (and identity map) per run
                return registry.build(kind, session, settings, today=today)
        return run

    return {kind: call(kind) for kind in KINDS}


def stage(name: str, url: str, repeat: int) -> None:
    """One stage in this process; prints its rows as one JSON line: [label, seconds, note] each."""
    from models.session import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:  # connect (and SQLite's pragmas) outside the timings
        connection.exec_driver_sql("SELECT 1")
    rows: list[tuple[str, list[float], str]] = []
    if name == "floor":
        seconds, n = timed(reads(engine)[name], repeat)
        rows.append(("floor: the database reads every suggestion", seconds, f"SQL sum(length): {n:,} characters"))
    elif name in BASELINE:
        seconds, n = timed(reads(engine)[name], repeat)
        rows.append((f"  baseline: {name}", seconds, f"{n:,} rows"))
    else:
        seconds, result = timed(reports(engine)[name], repeat)
        rows.append((f"{name} (in process)", seconds, ", ".join(f"{k} {v}" for k, v in _size(result).items())))
        try:
            from api.reports.registry import MEDIA_TYPES, render  # being added: rendering each format
        except ImportError:
            MEDIA_TYPES, render = {}, None
        for fmt in MEDIA_TYPES:
            try:
                seconds, data = timed(lambda: render(name, result, fmt), repeat)  # type: ignore[misc]  # noqa: B023
            except Exception as exc:  # noqa: BLE001 - a format this report does not offer
                rows.append((f"  {name}: render {fmt}", [float("nan")], type(exc).__name__))
                continue
            rows.append((f"  {name}: render {fmt}", seconds, f"{len(data):,} bytes"))
    print(json.dumps(rows))


def _size(result: dict[str, Any]) -> dict[str, Any]:
    """A few figures that show the report saw the whole data set."""
    out: dict[str, Any] = {k: result[k] for k in ("items", "routed", "published_late") if isinstance(result.get(k), int)}
    if isinstance(result.get("rows"), list):
        out["rows"] = len(result["rows"])
    return out


def profile(url: str, top: int = 25) -> None:
    """cProfile of one run of each report, and the execute time of each distinct SQL statement."""
    import cProfile
    import io
    import pstats

    from sqlalchemy import event

    from models.session import make_engine

    engine = make_engine(url)
    sql: dict[str, list[float]] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, *_: Any) -> None:
        conn.info.setdefault("started", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sql.setdefault(" ".join(statement.split())[:200], []).append(time.perf_counter() - conn.info["started"].pop())

    for name, fn in reports(engine).items():
        sql.clear()
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.runcall(fn)
        print(f"\n=== profile: {name} ({time.perf_counter() - started:.2f} s under cProfile) ===")
        for statement, times in sorted(sql.items(), key=lambda kv: -sum(kv[1])):
            print(f"  SQL {sum(times):7.3f} s  x{len(times):<4} {statement}")
        for order in ("tottime", "cumulative"):
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(order).print_stats(top)
            print(f"  --- by {order} ---\n" + text.getvalue()[text.getvalue().find("ncalls"):].rstrip())


# the run ---------------------------------------------------------------------------------------------------

def main() -> None:
    sys.path.insert(0, str(PROJECT / "bench"))
    import report_data

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    report_data.data_arguments(parser)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="also profile each report function once")
    parser.add_argument("--no-cli", action="store_true", help="skip (c), the CLI runs")
    parser.add_argument("--stage", help=argparse.SUPPRESS)  # internal: run one stage in this process
    args = parser.parse_args()
    if args.stage == "profile":
        profile(args.database_url)
        return
    if args.stage:
        stage(args.stage, args.database_url, args.repeat)
        return

    url = report_data.ensure(args.database_url, args.items, args.pending, args.seed, args.fresh)
    print(f"database: {url}; repeat {args.repeat}; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs", flush=True)

    rows: list[tuple[str, list[float], float, str]] = []  # label, seconds, peak RSS MB, note
    with tempfile.TemporaryDirectory(prefix="gongkai-reports-") as tmp:
        out = Path(tmp) / "stdout"
        for name in (*BASELINE, "floor", *KINDS):
            print(f"  {name} ...", flush=True)
            _, rss = measured([sys.executable, __file__, "--stage", name, "--database-url", url,
                               "--repeat", str(args.repeat)], out)
            rows += [(label, seconds, rss, note) for label, seconds, note in json.loads(out.read_text().splitlines()[-1])]
        sums = [sum(r[1][i] for r in rows if r[0].startswith("  baseline")) for i in range(args.repeat)]
        rows.insert(0, ("BASELINE (the three reads below)", sums, max(r[2] for r in rows[:3]), ""))
        if not args.no_cli:
            for kind in KINDS:
                for fmt in CLI_FORMATS:
                    print(f"  gongkai report {kind} --format {fmt} ...", flush=True)
                    target = Path(tmp) / f"{kind}.{fmt}" if fmt != "json" else None
                    argv = [str(GONGKAI), "report", kind, "--format", fmt] + (["--output", str(target)] if target else [])
                    runs = [measured(argv, out, {"GONGKAI_DATABASE_URL": url}) for _ in range(args.repeat)]
                    rows.append((f"gongkai report {kind} --format {fmt}", [r[0] for r in runs],
                                 max(r[1] for r in runs), f"{(target or out).stat().st_size:,} bytes"))

    baseline = stats.median(rows[0][1])
    print(f"\n{'':52} {'best s':>8} {'median s':>9} {'x base':>7} {'peak RSS':>9}")
    for label, seconds, rss, note in rows:
        median = stats.median(seconds)
        print(f"{label:52} {min(seconds):8.3f} {median:9.3f} {median / baseline:7.3f} {rss:7.0f}MB  {note}")
    print("x base: median / baseline median. Peak RSS: of the stage's own process (a report's includes its "
          "renders), of each CLI run its own; this process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}MB", flush=True)
    if args.profile:  # in a clean process too
        subprocess.run([sys.executable, __file__, "--stage", "profile", "--database-url", url], check=True)


if __name__ == "__main__":
    main()
