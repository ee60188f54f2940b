"""The tests' trained model, kept on disk between runs under .cache/test-model/<digest>/.

The digest covers everything the trained model depends on, so a stale model is never used:
the training data, the rules (their decisions and facts feed training), the statutes the rules
load, the segmenter's dictionaries, the source of the whole engine package (the classifier, and
the facts, text normalisation and rules it learns from; as syntax trees, so that an edited comment
trains nothing), the library versions the model is pinned to (engine/classifier/model.py's
PINNED_LIBRARIES: scikit-learn, numpy, scipy, jieba, rjieba), the Python version and the recipe
below. Change any of them and the next run trains a new model.

A model is written to a temporary directory and renamed into place, so a run never sees half a
model; a lock makes a second run started meanwhile wait for the first one's model instead of
training its own. Each cached model keeps a list of its files' hashes and is trained afresh if they
no longer match. Only the KEEP most recently used models are kept.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import platform
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

from engine.paths import PROJECT_ROOT, data_dir

CACHE = PROJECT_ROOT / ".cache" / "test-model"
KEEP = 3
FILES = "files.json"  # name → sha256 of every file the model was saved with
# What the fixture trains; change it when the call in train() changes.
RECIPE = "train_model([data/training/records.jsonl], suggester=Suggester(rules, 'reference'), folds=0)"


def inputs(training: Sequence[Path], rules: Path) -> list[Path]:
    """Every file whose content the trained model depends on."""
    data = data_dir()
    files = [*training, data / "dict" / "userdict.txt", data / "dict" / "places.txt"]
    for tree, pattern in ((rules, "*"), (data / "training", "*"), (data / "statutes", "*"),
                          (PROJECT_ROOT / "engine", "*.py")):
        files += sorted(p for p in tree.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    return list(dict.fromkeys(files))


def digest(training: Sequence[Path], rules: Path) -> str:
    from engine.classifier.model import library_versions

    h = hashlib.sha256()
    h.update(json.dumps({"recipe": RECIPE, "python": platform.python_version(), "machine": platform.machine(),
                         "libraries": library_versions()}, sort_keys=True).encode())
    for path in inputs(training, rules):
        name = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
        h.update(f"\0{name}\0".encode())
        h.update(_content(path))
    return h.hexdigest()[:24]


def _content(path: Path) -> bytes:
    """A file's bytes; for Python source its syntax tree, so that an edited comment trains nothing."""
    if path.suffix == ".py":
        try:
            return ast.dump(ast.parse(path.read_bytes(), str(path))).encode()
        except SyntaxError:
            pass
    return path.read_bytes()


def _hashes(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.iterdir()) if p.is_file() and p.name != FILES}


def _intact(directory: Path) -> bool:
    try:
        return json.loads((directory / FILES).read_text(encoding="utf-8")) == _hashes(directory)
    except (OSError, ValueError):
        return False


@contextmanager
def _locked() -> Iterator[None]:
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # no flock (Windows): two runs at once may both train; the rename keeps either whole
        yield
        return
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def cached_model(training: Sequence[Path], rules: Path, train: Callable[[Path], None],
                 say: Callable[[str], None] = lambda _: None) -> Path:
    """The directory of a model trained by `train(directory)` on these inputs: from the cache, or
    trained now and cached."""
    key = digest(training, rules)
    target = CACHE / key
    shown = target.relative_to(PROJECT_ROOT)
    if _intact(target):
        os.utime(target)  # most recently used
        say(f"reused {shown}")
        return target
    with _locked():  # a run that needs a model while another trains one waits, then reuses it
        if _intact(target):
            os.utime(target)
            say(f"reused {shown}, trained by another run meanwhile")
            return target
        started = time.perf_counter()
        temporary = CACHE / f".tmp-{key}-{os.getpid()}"
        shutil.rmtree(temporary, ignore_errors=True)
        temporary.mkdir()
        try:
            train(temporary)
            (temporary / FILES).write_text(json.dumps(_hashes(temporary), indent=1), encoding="utf-8")
            shutil.rmtree(target, ignore_errors=True)  # a damaged one
            os.rename(temporary, target)
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
        say(f"trained in {time.perf_counter() - started:.1f} s, cached in {shown}")
        _prune(keep=target)
    return target


def _prune(keep: Path) -> None:
    """Only the KEEP most recently used models stay, and no leftover of a run that was killed."""
    models = sorted((p for p in CACHE.iterdir() if p.is_dir() and not p.name.startswith(".")),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [p for p in models if p != keep][KEEP - 1:]:
        shutil.rmtree(old, ignore_errors=True)
    for leftover in CACHE.glob(".tmp-*"):  # the lock is held: no other run is writing one
        shutil.rmtree(leftover, ignore_errors=True)
