"""Each web page's time on the server with 100,000 items in the database (issue 16: under 100 ms p95),
beside the JSON API answering the same question in the same run (the baseline: what the page adds is
the rendering and whatever it reads beyond the API).

The data set is bench/report_data.py's (100k reviewed items and 5k pending, real suggestions, cached
under /tmp/gongkai-bench). One user per role is added when missing (api/access/users.create) and signed
in through POST /signin, so every request runs the pages' real path: the session cookie, the CSRF-bearing
session, allow(), the Viewer-filtered query, the template.

The service is create_served_app (what `gongkai serve` runs) on that database in this process, called through FastAPI's TestClient: each
figure is the whole request in process (routing, dependencies, database, template, response), an upper
bound of the server's own time with no network. Each page is requested once to warm up, then --repeat
times; printed: p50, p95 and max in ms, the API baseline's p95 and the ratio. No timed assertions.

    .venv/bin/python bench/pages_bench.py [--items 100000] [--repeat 40] [--database-url URL] [--fresh]

On PostgreSQL give a dedicated schema as bench/reports_bench.py does, e.g.
    --database-url 'postgresql+psycopg://root@127.0.0.1:5432/test?options=-csearch_path%3Dbench_reports'
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from report_data import data_arguments, ensure  # noqa: E402
from sqlalchemy import make_url, select  # noqa: E402

PASSWORD = "bench-pages-password"
DIVISION = "法规处"  # one of report_data.DIVISIONS: the clerk sees about an eighth of the items
PEOPLE = {"clerk": "bench-clerk", "secrecy_reviewer": "bench-secrecy", "disclosure_reviewer": "bench-disclosure",
          "office": "bench-office", "rule_author": "bench-author", "admin": "bench-admin"}


def pages(ids: dict[str, int]) -> list[tuple[str, str, str | None]]:
    """(role, page, the API request answering the same question or None)."""
    return [
        ("clerk", "/", "/v1/whoami"),
        ("clerk", "/entry", None),
        ("clerk", "/items", "/v1/items?limit=50"),
        ("clerk", "/items?q=%E9%80%9A%E7%9F%A5", "/v1/items?limit=50&q=%E9%80%9A%E7%9F%A5"),  # q=通知
        ("clerk", f"/items/{ids['clerk_item']}", f"/v1/items/{ids['clerk_item']}"),
        ("secrecy_reviewer", "/queues/secrecy_review", "/v1/queues/secrecy_review?limit=50"),
        ("secrecy_reviewer", f"/items/{ids['secrecy_item']}", f"/v1/items/{ids['secrecy_item']}"),
        ("disclosure_reviewer", "/queues/disclosure_review", "/v1/queues/disclosure_review?limit=50"),
        ("disclosure_reviewer", f"/items/{ids['disclosure_item']}", f"/v1/items/{ids['disclosure_item']}"),
        ("office", "/stores", None),
        ("office", "/stores/proactive", "/v1/stores/proactive?limit=50"),
        ("office", "/stores/withheld?q=%E9%80%9A%E7%9F%A5", "/v1/stores/withheld?limit=50&q=%E9%80%9A%E7%9F%A5"),
        ("office", "/feed", "/v1/feed/proactive?limit=50"),
        ("office", "/overdue", None),
        ("office", "/reports", None),
        ("office", f"/items/{ids['clerk_item']}/slip", f"/v1/items/{ids['clerk_item']}"),
        ("rule_author", "/rules", "/v1/rules"),
        ("admin", "/admin", "/v1/tokens"),
    ]


def prepare(url: str) -> dict[str, int]:
    """The people (made when missing) and an item for each item page: the clerk's division's newest, the
    oldest waiting at each review stage."""
    from api.access import users
    from api.context import Actor
    from models.session import make_engine, make_sessions
    from models.tables import ItemRow, UserRow

    engine = make_engine(url)
    sessions = make_sessions(engine, audit_key=b"bench-pages-audit-key-0123456789abcdef0123456789")
    with sessions() as session:
        for role, name in PEOPLE.items():
            if session.scalar(select(UserRow.id).where(UserRow.name == name)) is None:
                users.create(session, name=name, role=role, division=DIVISION if role == "clerk" else None,
                             password=PASSWORD, by=Actor(name="bench", role="admin"))
        session.commit()
        ids = {"clerk_item": session.scalar(select(ItemRow.id).where(ItemRow.division == DIVISION)
                                            .order_by(ItemRow.id.desc()).limit(1))}
        for stage in ("secrecy_review", "disclosure_review"):
            ids[f"{stage.split('_')[0]}_item"] = session.scalar(select(ItemRow.id).where(ItemRow.status == stage)
                                                                .order_by(ItemRow.id).limit(1))
    engine.dispose()
    return {k: int(v) for k, v in ids.items() if v is not None}


def timed(client: Any, path: str, repeat: int) -> tuple[list[float], int, int]:
    """Milliseconds of each request after one warm-up, the status and the body size."""
    answer = client.get(path, follow_redirects=False)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = client.get(path, follow_redirects=False)
        samples.append((time.perf_counter() - started) * 1000)
    return samples, answer.status_code, len(answer.content)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 2 else samples[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data_arguments(parser)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    url = ensure(args.database_url, args.items, args.pending, args.seed, args.fresh)
    ids = prepare(url)

    from fastapi.testclient import TestClient

    from api.app import create_served_app
    from api.settings import Settings

    with tempfile.TemporaryDirectory() as scratch:
        key = Path(scratch) / "audit.key"
        key.write_bytes(b"bench-pages-audit-key-0123456789abcdef0123456789")
        os.chmod(key, 0o600)
        app = create_served_app(Settings(database_url=url, audit_key_file=key, model=None, migrate_on_start=True))
        clients = {}
        for role, name in PEOPLE.items():
            client = TestClient(app)
            signed = client.post("/signin", data={"name": name, "password": PASSWORD}, follow_redirects=False)
            assert signed.status_code == 303, (role, signed.status_code, signed.text[:300])
            clients[role] = client
        print(f"{make_url(url).render_as_string()}: {args.items:,} reviewed + {args.pending:,} pending items; "
              f"{args.repeat} requests a page after one warm-up (ms, in process)")
        print(f"{'role':<20} {'page':<40} {'status':>6} {'KB':>6} {'p50':>7} {'p95':>7} {'max':>7}  "
              f"{'API p95':>8} {'ratio':>6}")
        worst = 0.0
        for role, path, api_path in pages(ids):
            samples, status, size = timed(clients[role], path, args.repeat)
            base = ""
            if api_path is not None:
                api_samples, api_status, _ = timed(clients[role], api_path, args.repeat)
                base = f"{p95(api_samples):8.1f} {p95(samples) / p95(api_samples):6.2f}" if api_status == 200 else \
                    f"{'(' + str(api_status) + ')':>8}"
            if status == 200:
                worst = max(worst, p95(samples))
            print(f"{role:<20} {path[:40]:<40} {status:>6} {size / 1024:6.1f} {statistics.median(samples):7.1f} "
                  f"{p95(samples):7.1f} {max(samples):7.1f}  {base}", flush=True)
        print(f"slowest page p95: {worst:.1f} ms (target: under 100 ms)")


if __name__ == "__main__":
    main()
