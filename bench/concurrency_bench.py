"""Closure pushes per second as clients are added: does throughput grow, or queue behind one lock?

Starts the real service (`gongkai serve --workers W`, default 2) on PostgreSQL (a fresh schema of --database-url,
default the machine's `test` database) and pushes documents never pushed before from 1, 2, 4 and 8 clients
(threads, each its own keep-alive connection, closed loop: each sends its next push when the last is answered)
for --seconds each. Prints pushes/s, p50 and p99 latency per client count, the growth against one client, and
issue 20's aim: 8 clients at least 150 pushes/s on this machine (from ~44 when every append took the audit
counter's row lock to its commit). Then verifies the audit chain: every push's event linked once, intact.

    .venv/bin/python bench/concurrency_bench.py [--workers 2] [--seconds 10] [--clients 1,2,4,8]
        [--database-url postgresql+psycopg://root@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.service_bench import documents, say  # noqa: E402
from engine.paths import model_dir  # noqa: E402
from tests.server_process import ServerProcess, issue_token  # noqa: E402

AIM = 150.0  # pushes/s with 8 clients and 2 workers (issue 20)


def _schema(base: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {name}"))
    engine.dispose()
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{name}"


def _drop(base: str, url: str) -> None:
    name = url.rsplit("%3D", 1)[1]
    engine = create_engine(base)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {name} CASCADE"))
    engine.dispose()


def _round(server: ServerProcess, token: str, clients: int, seconds: float, run: str) -> dict[str, Any]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    statuses: list[int] = []
    stop = time.perf_counter() + seconds
    pool = documents(4000, f"{run}-{clients}")  # more than any client sends in a round: every push is new

    def client(n: int) -> None:
        with server.client(token, timeout=60.0) as http:
            i = n
            while time.perf_counter() < stop:
                doc = pool[i % len(pool)] | {"id": f"{run}-{clients}-{n}-{i}"}
                t = time.perf_counter()
                response = http.post("/v1/closures", json=doc)
                response.read()
                latencies[n].append((time.perf_counter() - t) * 1000)
                statuses.append(response.status_code)
                i += clients

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = sorted(x for per in latencies for x in per)
    return {"clients": clients, "pushes": len(flat), "rate": len(flat) / elapsed,
            "p50": statistics.median(flat), "p99": flat[int(0.99 * (len(flat) - 1))],
            "wrong": [s for s in statuses if s != 201]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,2,4,8")
    parser.add_argument("--database-url", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"))
    parser.add_argument("--model", type=Path, default=model_dir())
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    if not os.environ.get("GONGKAI_AUDIT_KEY_FILE") and not os.environ.get("GONGKAI_AUDIT_KEY"):
        os.environ["GONGKAI_AUDIT_KEY"] = uuid.uuid4().hex + uuid.uuid4().hex  # PostgreSQL needs a key: this run's own
    url = _schema(args.database_url)
    run = uuid.uuid4().hex[:8]
    say(f"machine: {os.cpu_count()} CPUs, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    try:
        from models.migrate import upgrade
        from models.session import make_engine

        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        token = issue_token(url, "document_system", f"bench-{run}")
        with ServerProcess(url, args.model, workers=args.workers) as server:
            say(f"gongkai serve --workers {args.workers} on PostgreSQL; closed loop, {args.seconds:g} s per round")
            rounds = [_round(server, token, c, args.seconds, run) for c in counts]
        for r in rounds:
            growth = r["rate"] / rounds[0]["rate"]
            say(f"  {r['clients']} clients: {r['rate']:6.1f} pushes/s  p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms  "
                f"x{growth:.2f} of {rounds[0]['clients']} client(s)" + (f"  {len(r['wrong'])} not 201!" if r["wrong"] else ""))
        last = rounds[-1]
        say(f"aim: {counts[-1]} clients >= {AIM:g} pushes/s: {last['rate']:.1f} "
            f"({'ok' if last['rate'] >= AIM else 'BELOW'})")
        _verify(url)
    finally:
        _drop(args.database_url, url)
    return 0


def _verify(url: str) -> None:
    from api.audit_key import audit_key
    from api.settings import Settings
    from models.audit import drain, verify_chain
    from models.session import make_engine, make_sessions

    engine = make_engine(url)
    sessions = make_sessions(engine, audit_key=audit_key(Settings(database_url=url), create=False))
    with sessions() as session:
        drain(session)
        report = verify_chain(session)
    engine.dispose()
    say(f"audit chain: {'intact' if report.intact else 'BROKEN: ' + str(report.problem)}, {report.events} events, "
        f"chain at position {report.head}, {report.pending} waiting")


if __name__ == "__main__":
    sys.exit(main())
