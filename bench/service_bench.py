"""Closure push over HTTP against the same suggestion in process, in one run.

(a) loads the trained model (data/artifacts/classifier by default; `gongkai train` makes it);
(b) times `Suggester.suggest(document_from_record(record))` in process for N starter documents
    (records-a and records-b, each with a unique id): p50, p99, mean;
(c) starts the real service (`gongkai serve`, a subprocess on 127.0.0.1) on a fresh SQLite file in a
    temporary directory (or on --database-url) and pushes the same documents to POST /v1/closures from
    one keep-alive client at a steady rate, open loop: send times are scheduled in advance and latency
    is measured from the scheduled time, so a slow answer that delays the next send is counted;
(d) prints the ratios HTTP / (the same suggestion + one durable commit of the same rows: the floor, issue 20)
    and HTTP / in process of p50 and p99 beside the aim 1.5x.

Two more lines say where the difference goes: the same push in process with the database
(`api.routes.intake._answer`, what the route runs in its worker thread; no HTTP), and the HTTP floor (GET /healthz on the
same keep-alive connection).

    .venv/bin/python bench/service_bench.py [--docs 400] [--rate 20] [--database-url URL] [--model DIR]

For PostgreSQL create a schema first and point the search path at it, e.g.
    psql -h 127.0.0.1 -U root test -c 'CREATE SCHEMA bench'
    --database-url 'postgresql+psycopg://root@127.0.0.1:5432/test?options=-csearch_path%3Dbench'
Each run's document ids are new, so a database used before still sees only new documents.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from api.schemas import DocumentIn  # noqa: E402
from engine.facts.document import document_from_record  # noqa: E402
from engine.paths import model_dir  # noqa: E402
from tests.server_process import ServerProcess, issue_token  # noqa: E402

TRAINING = PROJECT / "data" / "training" / "records.jsonl"  # the starter sets A and B
FIELDS = ("id", "title", "doc_number", "doc_type", "division", "agency", "date", "secrecy_marking", "body")
AIM = 1.5
WARMUP = 20


def say(text: str = "") -> None:
    print(text, flush=True)


def documents(n: int, run: str) -> list[dict[str, Any]]:
    """n documents from the starter sets A and B in the exchange shape of a push, each with an id of
    its own (repeating the sets when n is larger, as revised copies)."""
    base: list[dict[str, Any]] = []
    for line in TRAINING.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            base.append({k: record[k] for k in FIELDS if k in record})
    out = []
    for i in range(n):
        record = dict(base[i % len(base)])
        copy = i // len(base)
        if copy:
            record["title"] = f"{record.get('title', '')}（修订稿{copy}）"
            record["body"] = f"{record.get('body', '')}\n（第{copy}次修订）"
        record["id"] = f"bench-{run}-{i:05d}-{record['id']}"
        out.append(record)
    return out


def figures(samples_ms: list[float]) -> tuple[float, float, float]:
    q = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return q[49], q[98], statistics.fmean(samples_ms)


def line(name: str, samples_ms: list[float], extra: str = "") -> tuple[float, float, float]:
    p50, p99, mean = figures(samples_ms)
    say(f"  {name:<44} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  mean {mean:7.2f} ms  (n={len(samples_ms)}){extra}")
    return p50, p99, mean


def in_process(model_path: Path, docs: list[dict[str, Any]]) -> tuple[Any, list[float]]:
    """The suggestion as the service makes it (api.app.load_suggester: the checked rulebook, the
    durable backend, the model), on the record the service builds from the push."""
    from api.app import load_suggester
    from api.settings import Settings

    started = time.perf_counter()
    suggester = load_suggester(Settings(model=model_path))
    say(f"  rules and model loaded in {time.perf_counter() - started:.2f} s")
    records = [DocumentIn(**d).record("closure") for d in docs]
    for record in records[:WARMUP]:
        suggester.suggest(document_from_record(record))
    samples = []
    for record in records:
        t = time.perf_counter()
        suggester.suggest(document_from_record(record))
        samples.append((time.perf_counter() - t) * 1000)
    return suggester, samples


def in_process_with_database(url: str, model_path: Path, suggester: Any, docs: list[dict[str, Any]]) -> list[float]:
    """The push's own work without HTTP: exactly what the route runs in its worker thread
    (api.routes.intake._answer: suggestion, store, commit, the rendered answer), on the service's
    app and database."""
    from api.app import create_app
    from api.context import Actor
    from api.routes.intake import _answer
    from api.settings import Settings

    app = create_app(Settings(database_url=url, model=model_path), suggester=suggester)
    app.state.audit_appender.start()  # as the served app runs it (its lifespan): events linked in the background
    ctx, actor = app.state.context, Actor(name="bench", role="document_system")
    inputs = [DocumentIn(**d) for d in docs]
    samples = []
    try:
        for i, doc in enumerate(inputs):
            t = time.perf_counter()
            response = _answer(app, ctx, actor, doc, "closure")
            if i >= WARMUP:
                samples.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 201, response.body[:200]
    finally:
        app.state.audit_appender.stop()
        app.state.engine.dispose()
    return samples


def durable_floor(url: str, model_path: Path, suggester: Any, docs: list[dict[str, Any]]) -> list[float]:
    """The physical floor of a push: the same suggestion in process, then ONE durable commit of the same rows
    (the item, its version with the suggestion, the audit event and its queue row, the rule hits) written with
    the fewest statements (Core inserts with RETURNING; no look-up, no check, no ORM), on a fresh database of
    the same kind. What the route adds on top of this is its guards, its ORM and its answer."""
    import datetime as dt

    from sqlalchemy import func, insert, select

    from api.app import create_app
    from api.settings import Settings
    from models.tables import AuditEventRow, AuditQueueRow, ItemRow, ItemVersionRow, RuleHitRow

    app = create_app(Settings(database_url=url, model=model_path), suggester=suggester)
    engine, postgres = app.state.engine, app.state.engine.dialect.name == "postgresql"
    records = [DocumentIn(**d).record("closure") for d in docs]
    samples = []
    try:
        for i, record in enumerate(records):
            t = time.perf_counter()
            suggestion = suggester.suggest(document_from_record(record))
            today = dt.date.today()
            with engine.begin() as db:
                item_id = db.execute(insert(ItemRow).values(
                    origin="closure", source_id=record["id"], owner="bench", division=record.get("division"),
                    title=record.get("title") or "", closed_on=today, due_on=today, due_warnings=[],
                    status="secrecy_review", current_version=1, marking="none", marked=False, risk=0.5,
                    suggested_secrecy="none", changed_after_review=False).returning(ItemRow.id)).scalar_one()
                version_id = db.execute(insert(ItemVersionRow).values(
                    item_id=item_id, number=1, content_hash=f"{record['id']}-{i}", document=record,
                    suggestion=suggestion, ruleset_revision="bench", received_by="bench").returning(
                    ItemVersionRow.id)).scalar_one()
                seq = (db.execute(select(func.nextval("audit_event_seq"))).scalar_one() if postgres
                       else db.execute(select(func.coalesce(func.max(AuditEventRow.seq), 0) + 1)).scalar_one())
                db.execute(insert(AuditEventRow).values(
                    seq=seq, at=dt.datetime.now(dt.timezone.utc), actor="bench", role="document_system",
                    action="closure:created", item_id=item_id, after={"version": 1}, prev_hash="linked",
                    hash=f"{seq:064d}", covers={"table": "item_version", "id": version_id}, mac="0" * 64))
                db.execute(insert(AuditQueueRow).values(event_seq=seq))
                hits = [{"version_id": version_id, "item_id": item_id, "version_number": 1, "rule_id": hit["id"],
                         "mode": hit.get("mode"), "outcome": hit.get("outcome") or {}}
                        for hit in suggestion.get("hits", ())]
                if hits:
                    db.execute(insert(RuleHitRow), hits)
            if i >= WARMUP:
                samples.append((time.perf_counter() - t) * 1000)
    finally:
        app.state.engine.dispose()
    return samples


def open_loop(send: Callable[[dict[str, Any]], int], docs: list[dict[str, Any]], rate: float
              ) -> tuple[list[float], list[float], list[int], float]:
    """Send docs at `rate` per second on a fixed schedule; returns latency from the scheduled time,
    latency from the actual send, the status codes, and the achieved rate."""
    interval = 1.0 / rate
    from_schedule, from_send, statuses = [], [], []
    t0 = time.perf_counter() + 0.1
    for i, doc in enumerate(docs):
        scheduled = t0 + i * interval
        pause = scheduled - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        sent = time.perf_counter()
        statuses.append(send(doc))
        done = time.perf_counter()
        from_schedule.append((done - scheduled) * 1000)
        from_send.append((done - sent) * 1000)
    achieved = len(docs) / (time.perf_counter() - t0)
    return from_schedule, from_send, statuses, achieved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400, help="documents (default 400)")
    parser.add_argument("--rate", type=float, default=20.0, help="pushes per second, open loop (default 20)")
    parser.add_argument("--database-url", default=None,
                        help="the service's database (default: a fresh SQLite file in a temporary directory)")
    parser.add_argument("--model", type=Path, default=model_dir(), help="model directory (default: %(default)s)")
    parser.add_argument("--warm", type=int, default=600, help="new documents pushed to the server first, untimed")
    args = parser.parse_args()
    if args.docs < 2 or args.rate <= 0:
        parser.error("--docs must be at least 2 and --rate positive")

    from engine.classifier.model import ModelError, load_model

    try:
        model = load_model(args.model)
    except (ModelError, OSError) as exc:
        print(f"service_bench: no usable model in {args.model}: {exc}\n"
              f"  make one with:  .venv/bin/gongkai train  (or pass --model DIR)", file=sys.stderr)
        return 2
    del model

    run = uuid.uuid4().hex[:8]
    docs = documents(args.docs, run)
    # The server's suggester warms as a running service's has: RE2's automata for the keyword sets fill over
    # the first few hundred new documents (bench/suggest_bench.py --warm), as the in-process suggester
    # here has over the in-process rounds before the HTTP one. Sent back to back, not timed.
    warm = documents(args.warm, f"{run}-warm")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    say(f"machine: {os.cpu_count()} CPUs, load average {load} (figures drift on a busy machine)")
    say(f"service bench: {len(docs)} starter documents (mean body {statistics.fmean(len(d.get('body', '')) for d in docs):.0f} "
        f"characters), model {args.model}")

    say("in process: Suggester.suggest(document_from_record(record))")
    suggester, samples = in_process(args.model, docs)
    local = line("suggest", samples)

    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        shown = url.split("@")[-1] if "@" in url else url
        separate = args.database_url or f"sqlite:///{Path(tmp) / 'in-process.db'}"
        say("in process with the database, no HTTP: the route's use case (api.routes.intake._answer)")
        line("push without HTTP", in_process_with_database(separate, args.model, suggester,
                                                            documents(args.docs + WARMUP, f"{run}-local")))
        say("the floor: the same suggestion in process + ONE durable commit of the same rows (Core inserts, no checks)")
        bare = args.database_url or f"sqlite:///{Path(tmp) / 'floor.db'}"
        durable = line("suggest + one commit", durable_floor(bare, args.model, suggester,
                                                             documents(args.docs + WARMUP, f"{run}-floor")))
        del suggester
        token = issue_token(url, "document_system", f"bench-{run}")
        server = ServerProcess(url, args.model)
        try:
            started = time.perf_counter()
            server.start()
            say(f"HTTP: POST /v1/closures to gongkai serve at {server.url} on {shown} "
                f"(up in {time.perf_counter() - started:.1f} s), one keep-alive client, open loop at {args.rate:g}/s")
            with server.client(token, timeout=60.0) as http:
                def send(doc: dict[str, Any]) -> int:
                    response = http.post("/v1/closures", json=doc)
                    response.read()
                    return response.status_code

                for doc in warm:
                    send(doc)
                from_schedule, from_send, statuses, achieved = open_loop(send, docs, args.rate)
                floor = []
                for _ in range(200):
                    t = time.perf_counter()
                    http.get("/healthz").read()
                    floor.append((time.perf_counter() - t) * 1000)
        finally:
            server.stop()
    wrong = [s for s in statuses if s != 201]
    remote = line("closure push (from the scheduled time)", from_schedule,
                  f"  achieved {achieved:.1f}/s")
    line("closure push (from the send)", from_send)
    line("HTTP floor: GET /healthz (keep-alive)", floor)
    if wrong:
        say(f"  WARNING: {len(wrong)} pushes did not answer 201 (statuses {sorted(set(wrong))})")

    say(f"ratio HTTP (from the scheduled time) / (in process suggest + one durable commit), issue 20's aim {AIM:g}x")
    for name, h, i in (("p50", remote[0], durable[0]), ("p99", remote[1], durable[1])):
        verdict = "ok" if h <= AIM * i else "ABOVE"
        say(f"  {name:<5} {h / i:6.2f}x   ({verdict}; HTTP push adds {h - i:+.2f} ms to the floor)")
    say("ratio HTTP (from the scheduled time) / in process suggest")
    for name, h, i in (("p50", remote[0], local[0]), ("p99", remote[1], local[1]), ("mean", remote[2], local[2])):
        verdict = "ok" if h <= AIM * i else "ABOVE"
        say(f"  {name:<5} {h / i:6.2f}x   (aim: HTTP within {AIM:g}x of in process: {verdict}; "
            f"HTTP adds {h - i:+.2f} ms)")
    sent = figures(from_send)
    say(f"  without queueing (from the send): p50 {sent[0] / local[0]:.2f}x, p99 {sent[1] / local[1]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
