"""Start-up time of `gongkai serve` (issue 20): from starting the process to the first 200 from GET /healthz.

(a) makes a SQLite database in a temporary directory and migrates it (`gongkai db upgrade`), so each
    measured start finds it already migrated, as a restarted service does;
(b) measures, in the same run, the baselines: a process that only starts Python (`python -c pass`) and
    one that imports what any FastAPI + SQLAlchemy service imports (`python -c "import fastapi, sqlalchemy"`);
(c) starts the real service (`python -m api.cli serve`, the embedded defaults: the rules in rules/, the
    trained model in data/artifacts/classifier) N times, each on a fresh port, polling /healthz every
    10 ms, and prints the median time to the first 200 beside the baselines and the aim (1.5 s);
(d) a breakdown: the slowest imports of `api.cli` + `api.app` (python -X importtime, cumulative, top
    level of each package), and the time of each part of create_app, measured in one process.

    .venv/bin/python bench/startup_bench.py [--runs 7] [--no-breakdown]

The audit key is given as GONGKAI_AUDIT_KEY, so nothing is written under data/runtime.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
AIM_S = 1.5
POLL_S = 0.010
KEY = "b" * 64
LIBS_LABEL = 'python -c "import fastapi, sqlalchemy"'  # a test key: the bench's database is thrown away


def say(text: str = "") -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthz_ok(port: int) -> bool:
    """One GET /healthz over a raw socket (no client library in the loop's way): True on a 200."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def environment(database: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(GONGKAI_DATABASE_URL=f"sqlite:///{database}", GONGKAI_AUDIT_KEY=KEY, PYTHONUNBUFFERED="1")
    env.pop("GONGKAI_MODEL", None)  # the embedded default: data/artifacts/classifier
    return env


def process_time(args: list[str], env: dict[str, str]) -> float:
    """Seconds from starting `python ARGS` to its exit."""
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=PROJECT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def start_time(env: dict[str, str], timeout: float = 60.0) -> float:
    """Seconds from starting `gongkai serve` to its first 200 on /healthz; the server is then stopped."""
    port = free_port()
    command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            if healthz_ok(port):
                return time.perf_counter() - start
            if process.poll() is not None:
                raise SystemExit(f"gongkai serve exited with {process.returncode}:\n"
                                 f"{process.stderr.read().decode() if process.stderr else ''}")
            if time.perf_counter() - start > timeout:
                raise SystemExit(f"no 200 from /healthz within {timeout:.0f} s")
            time.sleep(POLL_S)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def median_of(runs: int, measure) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    times = [measure() for _ in range(runs)]
    return statistics.median(times), times


def import_breakdown(env: dict[str, str], top: int = 16) -> list[tuple[str, float]]:
    """Where `import api.cli, api.commands, api.app` spends its time (python -X importtime): each module's
    own time summed by package (api.*, engine.* and models.* by their sub-package), slowest first."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import api.cli, api.commands, api.app"],
                          cwd=PROJECT, env=env, check=True, capture_output=True, text=True)
    totals: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _, name = line.removeprefix("import time:").split("|")
        parts = name.strip().split(".")
        group = ".".join(parts[:2]) if parts[0] in ("api", "engine", "models") else parts[0]
        totals[group] = totals.get(group, 0.0) + int(own) / 1e6
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])
    return ranked[:top] + [("(all)", sum(totals.values()))]


# Times each part of create_app in one process, by wrapping the names api.app calls them by.
PARTS_SCRIPT = r"""
import sys, time, json
t0 = time.perf_counter()
import api.commands, api.app as app_module
imported = time.perf_counter() - t0
from api.settings import Settings
parts = {}
def timed(owner, name, label):
    inner = getattr(owner, name)
    def wrapper(*a, **k):
        s = time.perf_counter()
        try:
            return inner(*a, **k)
        finally:
            parts[label] = parts.get(label, 0.0) + time.perf_counter() - s
    setattr(owner, name, wrapper)
import engine.rules.loader as loader, engine.classifier.model as model
timed(loader, "check_rulebook", "  check_rulebook (rules/ read, parsed, checked)")
timed(model, "load_model", "  load_model (the classifier)")
for name, label in [("audit_key", "audit_key"), ("_check_letters", "_check_letters (letter templates)"),
                    ("make_engine", "make_engine (x2)"), ("upgrade", "upgrade (migrations checked)"),
                    ("load_suggester", "load_suggester (rules + model + segmenter)"),
                    ("for_matching", "for_matching (normalisation table)")]:
    timed(app_module, name, label)
timed(app_module.rulesets, "start", "rulesets.start")
timed(app_module.classifier, "start", "classifier.start")
s = time.perf_counter()
app = app_module.create_app(Settings())
total = time.perf_counter() - s
s = time.perf_counter()
import gc; gc.collect(); gc.freeze()
gcf = time.perf_counter() - s
print(json.dumps({"imports (api.commands, api.app)": imported, "create_app": total, **parts, "gc.collect + freeze": gcf}))
"""


def create_app_parts(env: dict[str, str]) -> dict[str, float]:
    import json

    done = subprocess.run([sys.executable, "-c", PARTS_SCRIPT], cwd=PROJECT, env=env, check=True,
                          capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-breakdown", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongkai-startup-") as tmp:
        env = environment(Path(tmp) / "gongkai.db")
        subprocess.run([sys.executable, "-m", "api.cli", "db", "upgrade"], cwd=PROJECT, env=env, check=True,
                       capture_output=True)
        say(f"load before: {Path('/proc/loadavg').read_text().strip()}")
        start_time(env)  # warm the page cache; not counted
        bare, _ = median_of(args.runs, lambda: process_time(["-c", "pass"], env))
        libs, _ = median_of(args.runs, lambda: process_time(["-c", "import fastapi, sqlalchemy"], env))
        serve, times = median_of(args.runs, lambda: start_time(env))
        say(f"load after:  {Path('/proc/loadavg').read_text().strip()}")
        say()
        say(f"{'runs':<44}{args.runs}")
        say(f"{'python -c pass':<44}{bare:7.3f} s")
        say(f"{LIBS_LABEL:<44}{libs:7.3f} s")
        say(f"{'gongkai serve -> first 200 on /healthz':<44}{serve:7.3f} s   (aim {AIM_S} s; "
            f"runs {', '.join(f'{t:.2f}' for t in sorted(times))})")
        say(f"{'  ratio to import fastapi, sqlalchemy':<44}{serve / libs:7.2f}x")
        say(f"{'  ratio to python -c pass':<44}{serve / bare:7.2f}x")
        if not args.no_breakdown:
            say()
            say("imports of api.cli + api.commands + api.app by package (python -X importtime, own time summed):")
            for name, seconds in import_breakdown(env):
                say(f"  {name:<42}{seconds:7.3f} s")
            say()
            say("create_app, part by part (one process; parts run in threads count their wall time):")
            for name, seconds in create_app_parts(env).items():
                say(f"  {name:<52}{seconds:7.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
