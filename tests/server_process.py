"""The real service as a subprocess, for tests and benchmarks that must see what a client sees:
`python -m api.cli serve` on 127.0.0.1 with GONGKAI_DATABASE_URL and GONGKAI_MODEL set.

    with ServerProcess(url, model_dir) as server:
        token = issue_token(url, "document_system", "ds-1")
        with server.client(token) as http:
            http.post("/v1/closures", json=doc)
        server.kill()      # SIGKILL: nothing is flushed, nothing is shut down
        server.start()     # the same database (and port) again

Only 127.0.0.1 is ever contacted, and the HTTP clients ignore proxy settings of the environment.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

try:  # the project's dev dependency (FastAPI's TestClient uses it); plain httpx has the same API
    import httpx2 as httpx
except ImportError:  # pragma: no cover
    import httpx  # type: ignore[no-redef]

from engine.paths import PROJECT_ROOT

HOST = "127.0.0.1"


class ServerError(RuntimeError):
    """The server did not come up (or a service command failed); the message has its stderr."""


def free_port() -> int:
    """A port that was free on 127.0.0.1 a moment ago (the server may still lose a race for it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def service_env(database_url: str, model_dir: Path | str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a service process: ours, with the database and model set (model None or
    "" serves the rules alone)."""
    env = dict(os.environ)
    env["GONGKAI_DATABASE_URL"] = database_url
    env["GONGKAI_MODEL"] = "" if model_dir is None else str(model_dir)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def gongkai(args: Sequence[str], database_url: str, model_dir: Path | str | None = None, *,
            timeout: float = 60.0, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `gongkai ARGS...` (as `python -m api.cli`) against `database_url`; never raises on the exit code."""
    return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=PROJECT_ROOT,
                          env=service_env(database_url, model_dir), capture_output=True, text=True,
                          timeout=timeout, check=False, input=stdin)


def issue_token(database_url: str, role: str, name: str, division: str | None = None) -> str:
    """A bearer token for `role`, issued by `gongkai token create` against `database_url`."""
    args = ["token", "create", "--role", role, "--name", name]
    if division is not None:
        args += ["--division", division]
    done = gongkai(args, database_url)
    token = done.stdout.strip()
    if done.returncode != 0 or not token or len(token.splitlines()) != 1:
        raise ServerError(f"gongkai token create exited {done.returncode}:\nstdout: {done.stdout}\n"
                          f"stderr: {done.stderr}")
    return token


def create_user(database_url: str, role: str, name: str, password: str, division: str | None = None) -> None:
    """A person who signs in on the pages, made by `gongkai user create --password-stdin` on `database_url`."""
    args = ["user", "create", "--role", role, "--name", name, "--password-stdin"]
    if division is not None:
        args += ["--division", division]
    done = gongkai(args, database_url, stdin=password + "\n")
    if done.returncode != 0:
        raise ServerError(f"gongkai user create exited {done.returncode}:\nstdout: {done.stdout}\nstderr: {done.stderr}")


class ServerProcess:
    """`gongkai serve` in a subprocess on 127.0.0.1; started by start() or on entering the `with`."""

    def __init__(self, database_url: str, model_dir: Path | str | None, port: int | None = None, *,
                 workers: int = 1, startup_timeout: float = 60.0, extra_env: dict[str, str] | None = None) -> None:
        self.database_url = database_url
        self.model_dir = model_dir
        self._fixed_port = port is not None
        self.port = port if port is not None else free_port()
        self.workers = workers
        self.startup_timeout = startup_timeout
        self.extra_env = extra_env
        self.process: subprocess.Popen[bytes] | None = None
        self._logs = Path(tempfile.mkdtemp(prefix="gongkai-server-"))
        self._starts = 0

    # -- life cycle ---------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> "ServerProcess":
        """Start the server and wait until GET /healthz answers 200; ServerError with the server's
        stderr when it exits first or does not answer within startup_timeout."""
        if self.running():
            raise ServerError(f"the server (pid {self.pid}) is already running")
        for attempt in range(3):
            try:
                self._spawn_and_wait()
                return self
            except _PortTaken:
                if self._fixed_port or attempt == 2:
                    raise ServerError(f"port {self.port} is taken:\n{self.stderr()}") from None
                self.port = free_port()
        raise AssertionError("unreachable")

    def _spawn_and_wait(self) -> None:
        self._starts += 1
        self._stderr_path = self._logs / f"stderr-{self._starts}.log"
        command = [sys.executable, "-m", "api.cli", "serve", "--host", HOST, "--port", str(self.port),
                   "--workers", str(self.workers)]
        with open(self._stderr_path, "ab") as err:
            self.process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL,
                                            stdout=err, stderr=err,
                                            env=service_env(self.database_url, self.model_dir, self.extra_env))
        deadline = time.monotonic() + self.startup_timeout
        with httpx.Client(base_url=self.url, timeout=2.0, trust_env=False) as probe:
            while True:
                code = self.process.poll()
                if code is not None:
                    text = self.stderr()
                    if "address already in use" in text.lower():
                        raise _PortTaken()
                    raise ServerError(f"the server exited with {code} before answering /healthz:\n{text}")
                try:
                    if probe.get("/healthz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    self.kill()
                    raise ServerError(f"the server did not answer /healthz within {self.startup_timeout:.0f} s:\n"
                                      f"{self.stderr()}")
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no shutdown code runs. Waits for the exit."""
        if self.running():
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=30)

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM (uvicorn's graceful shutdown), then SIGKILL if it has not exited within `timeout`;
        returns the exit code (None when never started)."""
        if self.process is None:
            return None
        if self.running():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode

    def close(self) -> None:
        """Stop the server and remove its logs."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self._logs, ignore_errors=True)

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- what it said and how to talk to it -------------------------------------------------------

    def stderr(self) -> str:
        """The server's output (stdout and stderr) of its latest start."""
        path = getattr(self, "_stderr_path", None)
        if path is None or not path.exists():
            return ""
        return path.read_text(encoding="utf-8", errors="replace")

    def client(self, token: str | None = None, timeout: float = 30.0, **kwargs: Any) -> "httpx.Client":
        """An HTTP client for this server (keep-alive, proxies of the environment ignored), with the
        bearer token when given."""
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout, trust_env=False, **kwargs)


class _PortTaken(Exception):
    pass
