"""What the verbs share: results on stdout, messages and progress on stderr, diagnostics shown with
their source lines, and the rules and model a verb runs on."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Mapping

from tqdm import tqdm  # type: ignore[import-untyped]  # no stubs (types-tqdm is not a dependency)

from engine.batch import SuggesterRecipe
from engine.rules.diagnostics import Diagnostic
from engine.rules.loader import ROOT, check_files, directory_root
from engine.rules.rulebook import Rulebook, read_files
from engine.suggest import Suggester

# A rule set as a verb is given it: a rules directory, or the files of a revision (path → text).
RuleSource = Path | Mapping[str, str | bytes]


def emit(obj: Any) -> None:
    """One JSON document on a line of stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def say(text: str) -> None:
    print(text, file=sys.stderr)


@dataclass(frozen=True)
class Checked:
    """A rule set as the loader found it: the rulebook (None when it has errors), every diagnostic,
    and the files they point into (read once, so that each is shown with its source lines)."""

    book: Rulebook | None
    diagnostics: list[Diagnostic]
    files: Mapping[str, str | bytes]
    root: str

    def print_diagnostics(self) -> None:
        for d in self.diagnostics:
            source = self.files.get(d.file.removeprefix(self.root + "/"))
            text = source.decode("utf-8", errors="replace") if isinstance(source, bytes) else source
            say(d.render(text.splitlines() if text is not None else None))


def check(source: RuleSource) -> Checked:
    """Every diagnostic of a rules directory or of a revision's files, and the rulebook if it loads."""
    files, root = (read_files(source), directory_root(source)) if isinstance(source, Path) else (source, ROOT)
    book, diagnostics = check_files(files, root=root)
    return Checked(book, diagnostics, files, root)


def rulebook(source: RuleSource, failure: str) -> Rulebook | None:
    """The rulebook, or None after printing every diagnostic and then `failure`."""
    checked = check(source)
    if checked.book is None:
        checked.print_diagnostics()
        say(failure)
    return checked.book


def load_model(args: argparse.Namespace, who: str) -> Any:
    """The model of --model, or None after saying why it cannot be loaded."""
    from engine.classifier.model import ModelError
    from engine.classifier.model import load_model as load

    try:
        return load(args.model)
    except ModelError as exc:
        say(f"{who}: {exc}")
        say(f"{who}: (or pass --rules-only to use the rules alone)")
        return None


def load_suggester(args: argparse.Namespace, backend: str = "durable") -> Suggester | None:
    """The suggester for --rules (and --model unless --rules-only), or None after saying why not."""
    book = rulebook(args.rules, f"gongkai: the rules in {args.rules} have errors; nothing was evaluated")
    if book is None:
        return None
    model = None
    if not getattr(args, "rules_only", True):
        model = load_model(args, "gongkai")
        if model is None:
            return None
        trained_on = model.metadata.get("ruleset", {}).get("revision")
        if trained_on and trained_on != book.revision:
            say(f"gongkai: note: the model was cross-validated with rules {trained_on[:12]}, "
                f"these are {book.revision[:12]} (its weights do not depend on the rules)")
    return Suggester(book, backend, model)


def recipe(args: argparse.Namespace, backend: str = "durable") -> SuggesterRecipe:
    """What load_suggester loads, as a recipe for the worker processes (engine/batch.py)."""
    return SuggesterRecipe.of(args.rules, None if getattr(args, "rules_only", True) else args.model, backend)


def open_records(path: Path) -> BinaryIO | None:
    """The records file ('-' for stdin), or None after saying why it cannot be opened."""
    try:
        return sys.stdin.buffer if str(path) == "-" else path.open("rb")
    except OSError as exc:
        say(f"gongkai: cannot open {path}: {exc.strerror}")
        return None


def numbered_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(line number from 1, raw bytes) of each non-empty line: the workers decode them
    (engine/authoring/records.decode), so the parent only reads and writes."""
    for number, raw in enumerate(stream, start=1):
        if raw.strip():
            yield number, raw


class _Bar(tqdm):
    # tqdm's monitor is a thread, started by the first bar: a process with another thread may not fork
    # its workers safely (engine/batch.py), and a bar updated once per chunk needs no monitor.
    monitor_interval = 0


class Bar:
    """Documents done and documents a second on stderr, when stderr is a terminal; nothing otherwise
    (pipes, files and tests stay clean). Messages go through say() so that they do not break the bar.

    `streams_output`: the verb writes a line per document to stdout; when that is the same terminal the
    lines show the progress themselves, and a bar redrawn between them would only garble them."""

    def __init__(self, path: Path, *, streams_output: bool = False) -> None:
        shown = sys.stderr.isatty() and not (streams_output and sys.stdout.isatty())
        self._bar = (_Bar(total=_line_count(path), unit="doc", file=sys.stderr, miniters=1, dynamic_ncols=True,
                          smoothing=0.1) if shown else None)

    def update(self, done: int) -> None:
        if self._bar is not None:
            self._bar.update(done)

    def say(self, text: str) -> None:
        if self._bar is not None:
            self._bar.write(text, file=sys.stderr)
        else:
            say(text)

    def close(self) -> None:
        if self._bar is None:
            return
        if self._bar.total != self._bar.n:  # blank lines were counted; end the bar full
            self._bar.total = self._bar.n
            self._bar.refresh()
        self._bar.close()

    def __enter__(self) -> "Bar":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _line_count(path: Path) -> int | None:
    """The lines of a regular file, counted by blocks (~1 GB/s: 30 ms for 10,000 documents of 3 KB);
    None for stdin or anything that cannot be read twice."""
    if str(path) == "-" or not path.is_file():
        return None
    count, last = 0, b"\n"
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


class Progress:
    """One status line on stderr: rewritten in place on a terminal, one line per step otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.width = 0

    def __call__(self, text: str) -> None:
        if self.tty:
            sys.stderr.write("\r" + text.ljust(self.width))
            self.width = len(text)
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def done(self) -> None:
        if self.tty and self.width:
            sys.stderr.write("\n")
