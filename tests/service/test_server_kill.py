"""A real server, SIGKILLed in the middle of a stream of closure pushes, loses nothing it acknowledged,
stores nothing twice, keeps its audit chain, and answers re-pushes idempotently after the restart.

This is what the document system relies on: a push that got a 2xx is stored for good; a push that got
no answer is simply sent again, and sending again never makes a second item.
"""

from __future__ import annotations

import json
import queue
import re
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from engine.paths import PROJECT_ROOT
from tests.databases import KINDS, fresh_database
from tests.server_process import ServerProcess, gongkai, httpx, issue_token

pytestmark = pytest.mark.server

SAMPLES = PROJECT_ROOT / "data" / "samples" / "closures.jsonl"
# The starter set A, as the project keeps it (data/training/README.md: lines 1–220).
TRAINING = PROJECT_ROOT / "data" / "training" / "records.jsonl"
FIELDS = ("id", "title", "doc_number", "doc_type", "division", "agency", "date", "secrecy_marking", "body")
DOCUMENTS = 300
THREADS = 3
KILL_AFTER = 80  # acknowledged pushes before the SIGKILL
BUDGET_S = 100.0  # the whole test, start to finish (its own deadlines; there is no pytest-timeout here)


def _read(path: Path) -> list[dict[str, Any]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            out.append({k: record[k] for k in FIELDS if k in record})
    return out


def closure_documents(n: int = DOCUMENTS) -> list[dict[str, Any]]:
    """n distinct closed documents with unique ids: the samples, the starter set A, then revised
    versions of set A (another id, title and body) until there are n."""
    base = _read(SAMPLES) + [r for r in _read(TRAINING) if r["id"].startswith("a-")]
    docs = list(base)
    round_ = 1
    while len(docs) < n:
        for record in base:
            if len(docs) >= n:
                break
            docs.append({**record, "id": f"{record['id']}-r{round_}", "title": f"{record['title']}（修订稿{round_}）",
                         "body": f"{record['body']}\n（第{round_}次修订）"})
        round_ += 1
    assert len({d["id"] for d in docs}) == len(docs) == n
    return docs


class Stream:
    """Pushes from several threads, each with its own keep-alive connection; records exactly which
    pushes were acknowledged (a 2xx response received), which were answered otherwise, and which
    failed in transport (sent to a server that died, or never connected)."""

    def __init__(self, server: ServerProcess, token: str, docs: list[dict[str, Any]]) -> None:
        self.server, self.token = server, token
        self.work: queue.Queue[dict[str, Any]] = queue.Queue()
        for d in docs:
            self.work.put(d)
        self.lock = threading.Lock()
        self.acked: dict[str, dict[str, Any]] = {}  # source id -> {"id", "outcome", "status"}
        self.answered: dict[str, tuple[int, str]] = {}  # non-2xx answers
        self.failed: dict[str, str] = {}  # transport errors
        self.threads = [threading.Thread(target=self._run, name=f"push-{i}", daemon=True) for i in range(THREADS)]

    def start(self) -> "Stream":
        for t in self.threads:
            t.start()
        return self

    def _run(self) -> None:
        with self.server.client(self.token, timeout=20.0) as http:
            while True:
                try:
                    doc = self.work.get_nowait()
                except queue.Empty:
                    return
                try:
                    response = http.post("/v1/closures", json=doc)
                except httpx.TransportError as exc:
                    with self.lock:
                        self.failed[doc["id"]] = repr(exc)
                    return  # the server is gone: this client stops, like a document system would
                with self.lock:
                    if 200 <= response.status_code < 300:
                        body = response.json()
                        self.acked[doc["id"]] = {"id": body["id"], "outcome": body["outcome"],
                                                 "status": response.status_code, "source_id": body["source_id"]}
                    else:
                        self.answered[doc["id"]] = (response.status_code, response.text[:500])

    def count(self) -> int:
        with self.lock:
            return len(self.acked)

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0.0, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in self.threads), "push threads did not finish"


def _listing(http: Any) -> list[dict[str, Any]]:
    response = http.get("/v1/items", params={"limit": 500})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"]), "more items than one page: raise the limit"
    return body["items"]  # type: ignore[no-any-return]


RULES_STARTED = 1  # one rules:start event: the first start on a database (api/rulesets.start)
# model:register and model:start: the model it serves, recorded at that first start (api/rulesets/classifier.start)
MODEL_STARTED = 2


def _audit_events(database_url: str) -> int:
    done = gongkai(["audit", "verify"], database_url)
    assert done.returncode == 0, f"gongkai audit verify exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    found = re.search(r"(\d+) events", done.stdout)
    assert found, done.stdout
    return int(found.group(1))


@pytest.mark.parametrize("kind", KINDS)
def test_sigkill_mid_stream_loses_no_acknowledged_push(kind: str, tmp_path: Path, model_dir: Path) -> None:
    started = time.monotonic()
    docs = closure_documents()
    by_id = {d["id"]: d for d in docs}
    with fresh_database(kind, tmp_path) as url:
        push_token = issue_token(url, "document_system", "document-system")
        read_token = issue_token(url, "office", "office")
        tokens_issued = 2
        server = ServerProcess(url, model_dir)
        try:
            server.start()
            # 1. The stream, and the kill in its middle.
            stream = Stream(server, push_token, docs).start()
            deadline = time.monotonic() + 60
            while stream.count() < KILL_AFTER:
                assert time.monotonic() < deadline, f"only {stream.count()} pushes acknowledged in 60 s"
                assert server.running(), f"the server died by itself:\n{server.stderr()}"
                assert any(t.is_alive() for t in stream.threads), (stream.failed, stream.answered)
                time.sleep(0.005)
            server.kill()
            stream.join(timeout=30)

            assert not stream.answered, f"pushes answered with an error before the kill: {stream.answered}"
            acked = dict(stream.acked)
            assert len(acked) >= KILL_AFTER
            assert len(acked) < len(docs), "the stream ended before the kill"
            assert len(stream.failed) == THREADS, "every client should have met the dead server"
            assert all(a["status"] == 201 and a["outcome"] == "created" for a in acked.values()), acked
            assert all(a["source_id"] == source for source, a in acked.items())
            assert len({a["id"] for a in acked.values()}) == len(acked), "two pushes acknowledged with one item id"

            # 2. Restart on the same database: everything acknowledged is there, once.
            server.start()
            with server.client(read_token) as reader:
                items = _listing(reader)
                per_source = Counter(i["source_id"] for i in items)
                twice = {s: n for s, n in per_source.items() if n != 1}
                assert not twice, f"documents stored more than once: {twice}"
                stored = {i["source_id"]: i for i in items}
                assert set(stored) <= set(by_id), "an item that nobody pushed"
                assert all(i["origin"] == "closure" and i["version"] == 1 for i in items)
                missing = sorted(set(acked) - set(stored))
                assert not missing, f"acknowledged pushes lost by the kill: {missing}"
                assert all(stored[s]["id"] == a["id"] for s, a in acked.items()), "an item's id changed"
                for source, a in acked.items():
                    one = reader.get(f"/v1/items/{a['id']}")
                    assert one.status_code == 200, one.text
                    body = one.json()
                    assert body["source_id"] == source and len(body["versions"]) == 1
                # Not acknowledged but stored: committed while the answer was on its way (at most one per client).
                assert len(stored) - len(acked) <= THREADS
                print(f"{kind}: {len(acked)} acknowledged before the kill, {len(stream.failed)} in flight or refused, "
                      f"{len(stored)} stored ({len(stored) - len(acked)} without an answer)")

            # The audit chain survived the kill, and has exactly one event per stored item (plus the tokens
            # and the service start's rules:start and model:register/start, which record the rules and the model it
            # served): no item without its event and no event without its item.
            assert _audit_events(url) == tokens_issued + RULES_STARTED + MODEL_STARTED + len(stored)

            # 3. Everything again, the unacknowledged included: idempotent.
            again = Stream(server, push_token, docs).start()
            again.join(timeout=max(5.0, BUDGET_S - (time.monotonic() - started) - 15))
            assert not again.failed and not again.answered, (again.failed, again.answered)
            assert set(again.acked) == set(by_id)
            for source, a in again.acked.items():
                if source in stored:
                    assert (a["status"], a["outcome"], a["id"]) == (200, "unchanged", stored[source]["id"]), \
                        (source, a, stored[source]["id"])
                else:
                    assert (a["status"], a["outcome"]) == (201, "created"), (source, a)
            with server.client(read_token) as reader:
                items = _listing(reader)
            assert len(items) == len(docs)
            assert Counter(i["source_id"] for i in items) == Counter(list(by_id))
            assert _audit_events(url) == tokens_issued + RULES_STARTED + MODEL_STARTED + len(docs)
        except BaseException:
            print(f"server output:\n{server.stderr()}")  # shown by pytest with the failure
            raise
        finally:
            server.close()
    assert time.monotonic() - started < BUDGET_S
