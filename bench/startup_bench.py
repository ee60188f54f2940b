"""Start-up time of `gongkai serve` (issue 20): from starting the process to the first 200 from GET /healthz.

(a) makes a SQLite database in a temporary directory and migrates it (`gongkai db upgrade`), so each
    measured start finds it already migrated, as a restarted service does;
(b) measures, in the same run, the baselines: a process that only starts Python (`python -c pass`) and
    one that imports what any FastAPI + SQLAlchemy service imports (`python -c "import fastapi, sqlalchemy"`);
(c) starts the real service (`python -m api.cli serve`, the embedded defaults: the rules in rules/, the
    trained model in data/artifacts/classifier) N times, each on a fresh port, polling /healthz every
    10 ms, and prints the median time to the first 200 beside the baselines and the aim (1.5 s);
(d) a breakdown: where the imports of `api.cli` + `api.app` + the routers spend their time (python
    -X importtime, own time summed by package), and the time of each part of a start, in one process.

    .venv/bin/python bench/startup_bench.py [--runs 7] [--no-breakdown] [--bytecode] [--against REV]

--against REV also starts the service as of a git revision (git archive into the temporary directory),
interleaved with this one: before and after in one run, on the same load. --bytecode also starts it
with its bytecode cached (PYTHONDONTWRITEBYTECODE=1 in the environment compiles every module of the
project at every start). Wall times stretch on a busy machine; the CPU seconds beside them much less.

The audit key is given as GONGKAI_AUDIT_KEY, so no key is made under data/runtime; the rulebook cache
is kept in data/runtime/rulebook.cache, as every served start keeps it.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

PROJECT = Path(__file__).resolve().parent.parent
AIM_S = 1.5
POLL_S = 0.010
KEY = "b" * 64
SERVE = "gongkai serve -> first 200 on /healthz"
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


Timing = tuple[float, float]  # wall seconds, CPU seconds (user + system) of the process


def process_time(args: list[str], env: dict[str, str]) -> Timing:
    """Seconds from starting `python ARGS` to its exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=PROJECT, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a running process has used so far (/proc/PID/stat, all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_time(env: dict[str, str], project: Path = PROJECT, timeout: float = 60.0) -> Timing:
    """Seconds from starting `gongkai serve` (the code in `project`) to its first 200 on /healthz, and the
    CPU time it had used by then (on a busy machine the wall time stretches, the CPU time much less); the
    server is then stopped."""
    port = free_port()
    command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=project, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            if healthz_ok(port):
                return time.perf_counter() - start, cpu_seconds(process.pid)
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


def checkout(revision: str, into: Path) -> Path:
    """The project's files at `revision` (git archive: no worktree, nothing of the repository changed). The
    same virtualenv runs it: `python -m` puts the current directory first on the path."""
    into.mkdir()
    archive = subprocess.run(["git", "archive", revision], cwd=PROJECT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def interleaved(runs: int, measures: dict[str, Callable[[], Timing]]) -> dict[str, list[Timing]]:
    """Each measure once per round, round after round: a busy machine's slow minute then falls on all of
    them alike, not on whichever happened to run during it."""
    times: dict[str, list[Timing]] = {name: [] for name in measures}
    for _ in range(runs):
        for name, measure in measures.items():
            times[name].append(measure())
    return times


def import_breakdown(env: dict[str, str], top: int = 16) -> list[tuple[str, float]]:
    """Where `import api.cli, api.commands, api.app` spends its time (python -X importtime): each module's
    own time summed by package (api.*, engine.* and models.* by their sub-package), slowest first."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c",
                           "import api.cli, api.commands, api.app, api.routes, api.pages.routers"],
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


# Times each part of a start in one process, in order, without the thread (the parts a served start
# runs in its thread are marked), by wrapping the names api.app calls them by.
PARTS_SCRIPT = r"""
import gc, hashlib, hmac, json, time
gc.disable()  # as a served start runs
parts = {}
t = time.thread_time()
import api.commands, api.app as app_module
parts["imports: api.commands, api.app"] = time.thread_time() - t
t = time.thread_time()
import api.routes, api.pages.routers
parts["imports: the routers (api.routes, api.pages.routers)"] = time.thread_time() - t
from api.settings import Settings
def timed(owner, name, label):
    inner = getattr(owner, name)
    def wrapper(*a, **k):
        s = time.thread_time()
        try:
            return inner(*a, **k)
        finally:
            parts[label] = parts.get(label, 0.0) + time.thread_time() - s
    setattr(owner, name, wrapper)
import engine.classifier.model as model
timed(model, "segmenter_for", "  [thread] load_model: the segmenter (jieba-rs, user dictionary)")
timed(app_module, "load_model", "  [thread] load_model (all of it)")
timed(app_module, "check_rulebook", "  [thread] check_rulebook (rules/ read, parsed, checked)")
for name, label in [("audit_key", "audit_key"), ("_check_letters", "_check_letters (letter templates)"),
                    ("make_engine", "make_engine (x2)"), ("upgrade", "upgrade (migrations checked)"),
                    ("load_suggester", "[thread] load_suggester (rules + model)"),
                    ("for_matching", "[thread] for_matching (the normalisation table)")]:
    timed(app_module, name, label)
timed(app_module.rulesets, "start", "rulesets.start")
timed(app_module.classifier, "start", "classifier.start")
settings = Settings()
s = time.thread_time()
app = app_module.create_app(settings)
parts["create_app (all of it)"] = time.thread_time() - s
s = time.thread_time()
gc.freeze()
parts["gc.freeze"] = time.thread_time() - s
import engine.rules.loader as loader
key = hmac.new(app_module.audit_key(settings), b"gongkai rulebook cache", hashlib.sha256).digest()
loader.check_rulebook_cached(settings.rules, app_module.rulebook_cache(), key)
s = time.thread_time()
loader.check_rulebook_cached(settings.rules, app_module.rulebook_cache(), key)
parts["  [thread] check_rulebook_cached, from the cache"] = time.thread_time() - s
print(json.dumps(parts))
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
    parser.add_argument("--bytecode", action="store_true", help="also start it with bytecode cached (in a "
                        "temporary PYTHONPYCACHEPREFIX), as an installed service whose .pyc files exist does")
    parser.add_argument("--against", metavar="REV", help="also start the service as of git revision REV (its "
                        "files from git archive, on its own migrated database), interleaved with this one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongkai-startup-") as tmp:
        env = environment(Path(tmp) / "gongkai.db")
        subprocess.run([sys.executable, "-m", "api.cli", "db", "upgrade"], cwd=PROJECT, env=env, check=True,
                       capture_output=True)
        measures: dict[str, Callable[[], Timing]] = {
            "python -c pass": lambda: process_time(["-c", "pass"], env),
            LIBS_LABEL: lambda: process_time(["-c", "import fastapi, sqlalchemy"], env),
            SERVE: lambda: start_time(env)}
        if args.bytecode:
            compiled = env | {"PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache")}
            compiled.pop("PYTHONDONTWRITEBYTECODE", None)
            measures["  the same, bytecode cached"] = lambda: start_time(compiled)
        if args.against:
            old = checkout(args.against, Path(tmp) / "against")
            old_env = environment(Path(tmp) / "against.db") | {"GONGKAI_MODEL": str(PROJECT / "data" / "artifacts" /
                                                                                    "classifier")}
            subprocess.run([sys.executable, "-m", "api.cli", "db", "upgrade"], cwd=old, env=old_env, check=True,
                           capture_output=True)
            measures[f"  the same as of {args.against}"] = lambda: start_time(old_env, old)
        say(f"load before: {Path('/proc/loadavg').read_text().strip()}")
        for measure in measures.values():  # warm the page cache (and the rulebook cache); not counted
            measure()
        times = interleaved(args.runs, measures)
        say(f"load after:  {Path('/proc/loadavg').read_text().strip()}")
        say()
        say(f"{'runs (interleaved)':<44}{args.runs}{'':6}wall (median; runs)              CPU s (median)")
        medians = {name: statistics.median(t[0] for t in values) for name, values in times.items()}
        cpus = {name: statistics.median(t[1] for t in values) for name, values in times.items()}
        for name, values in times.items():
            say(f"{name:<44}{medians[name]:7.3f} s   ({', '.join(f'{t[0]:.2f}' for t in sorted(values))})"
                f"   {cpus[name]:7.3f} s")
        serve, libs, bare = medians[SERVE], medians[LIBS_LABEL], medians["python -c pass"]
        say(f"{'aim':<44}{AIM_S:7.3f} s")
        say(f"{'serve / import fastapi, sqlalchemy':<44}{serve / libs:7.2f}x")
        say(f"{'serve / python -c pass':<44}{serve / bare:7.2f}x")
        if args.against:
            before = medians[f"  the same as of {args.against}"]
            say(f"{'serve / serve as of ' + args.against:<44}{serve / before:7.2f}x   "
                f"(before: {before / libs:.2f}x import fastapi, sqlalchemy); CPU: "
                f"{cpus[SERVE] / cpus[f'  the same as of {args.against}']:.2f}x")
        if not args.no_breakdown:
            say()
            say("imports of api.cli, api.commands, api.app and the routers by package (-X importtime, own time summed):")
            for name, seconds in import_breakdown(env):
                say(f"  {name:<42}{seconds:7.3f} s")
            say()
            say("a start, part by part, in CPU seconds (one process, in order, no thread; [thread]: what a")
            say("served start's thread does beside the routers' imports and the rest of create_app):")
            for name, seconds in create_app_parts(env).items():
                say(f"  {name:<66}{seconds:7.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
