"""The service's audit appender: one thread per worker that links committed audit events into the chain.

A request that appended events nudges it after its commit and answers at once; the thread links every event
queued by then in one transaction (models/audit/appender.py: one appender at a time across workers, by an
advisory lock), at most every INTERVAL so that a burst of pushes costs one chaining commit, and looks again every
IDLE seconds for events another worker's nudge did not cover. Before it runs (at start: the start's own events)
and after it stops, events are linked in the committing thread instead, so the log is whole when the process ends.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from models import audit
from models.audit.appender import ChainHeadError

log = logging.getLogger("gongkai")
INTERVAL = 0.2  # seconds between two chaining commits: a burst of pushes costs one (a commit is an fsync)
IDLE = 1.0  # seconds: look for queued events even without a nudge (another worker's, a crashed drain's)


class Appender:
    def __init__(self) -> None:
        self.sessions: sessionmaker[Session] | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._said = ""

    def nudge(self) -> None:
        """After a commit that appended events (Session.info[audit.ON_APPEND])."""
        if self._thread is not None:
            self._wake.set()
        else:
            self.drain()

    def drain(self) -> int:
        if self.sessions is None:
            return 0
        try:
            with self.sessions() as session:
                return audit.drain(session)
        except ChainHeadError as exc:  # said once: it stays true until someone resolves it
            if str(exc) != self._said:
                log.error("gongkai: %s", exc)
                self._said = str(exc)
            return 0
        except Exception:  # committed events stay queued: the next drain links them
            log.exception("gongkai: linking audit events failed; they stay queued for the next drain")
            return 0

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="gongkai-audit-appender", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            self._wake.set()
            thread.join(timeout=10)
        self.drain()  # whatever was committed meanwhile

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(IDLE)
            self._wake.clear()
            self.drain()
            self._stop.wait(INTERVAL)


def lifespan_hooks(appender: Appender) -> Any:
    """Starlette's lifespan context: the thread runs while the server serves."""
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(_app: Any) -> Any:
        appender.start()
        try:
            yield
        finally:
            appender.stop()

    return lifespan
