"""Suggestions on every core (engine/batch.py) and the CLI verbs that use it: the same output, in the same
order, as one process; a bad record in its place; a dead worker named; a progress bar on terminals only."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import select
import struct
import termios
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import pytest

from engine import batch
from engine.authoring.records import decode
from engine.batch import SuggesterRecipe, WorkerDied, map_chunks, suggest_stream
from engine.cli import main
from engine.facts.document import document_from_record
from engine.paths import PROJECT_ROOT
from engine.rules.rulebook import read_files
from engine.suggest import Suggester
from tests.conftest import RULES, TRAINING

REAL = PROJECT_ROOT / "data" / "real" / "records.jsonl"


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_parallel_stream_equals_the_suggester_record_by_record_with_bad_records_in_place(
        combined: Suggester, model_dir: Path) -> None:
    """Small chunks, so that the 2 workers interleave many of them; the bad records keep their places."""
    records: list[Any] = _records(TRAINING)[:150]
    records[7] = "not an object"
    records[100] = [1, 2, 3]
    outcomes = list(suggest_stream(SuggesterRecipe.of(RULES, model_dir), records, workers=2, chunk=16))
    assert [o.index for o in outcomes] == list(range(len(records)))
    assert [o.record for o in outcomes] == records
    for outcome in outcomes:
        if outcome.index in (7, 100):
            assert outcome.suggestion is None and outcome.error is not None and "JSON object" in outcome.error
        else:
            assert outcome.error is None
            assert outcome.suggestion == combined.suggest(document_from_record(outcome.record))


def test_cli_suggest_is_the_same_at_one_and_two_workers_and_as_one_suggestion_per_line(
        combined: Suggester, model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The starter records and the real ones (724, six chunks of 128), a bad line and a blank line among them."""
    lines = TRAINING.read_bytes().splitlines() + REAL.read_bytes().splitlines()
    lines[300:300] = [b'{"id": "broken", ', b""]
    path = tmp_path / "records.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    bad = decode(lines[300] + b"\n")[1]  # as read, with its newline
    outputs = {}
    for workers in ("1", "2"):
        assert main(["suggest", str(path), "--workers", workers]) == 1  # line 301 could not be used
        captured = capsys.readouterr()
        assert captured.err.splitlines()[-1] == f"{path}:301: {bad}"
        assert "invalid JSON" in captured.err
        outputs[workers] = captured.out
    assert outputs["1"] == outputs["2"]
    expected = []
    for number, raw in enumerate(lines, start=1):
        if number == 301:
            expected.append({"line": 301, "error": bad})
        elif raw.strip():
            expected.append({"line": number, **combined.suggest(document_from_record(json.loads(raw)))})
    assert outputs["2"] == "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in expected)


def test_cli_evaluate_reports_the_same_at_one_and_two_workers(model_dir: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    lines = TRAINING.read_bytes().splitlines() + REAL.read_bytes().splitlines()
    lines[200:200] = [b"not json", json.dumps({"title": "no labels"}).encode()]
    path = tmp_path / "labelled.jsonl"
    path.write_bytes(b"\n".join(lines))
    runs = {}
    for workers in ("1", "2"):
        for form in ("json", "text"):
            assert main(["evaluate", str(path), "--format", form, "--show-wrong", "20", "--workers", workers]) == 0
            runs[workers, form] = capsys.readouterr()
    for form in ("json", "text"):
        assert runs["1", form] == runs["2", form]
    report = json.loads(runs["2", "json"].out)
    assert report["records"] == len(lines) - 2
    assert [s["line"] for s in report["skipped"]] == [201, 202]
    assert "wrong " in runs["2", "text"].out  # the wrong records are listed, in input order at both


def _die_on_poison(suggester: Suggester, items: list[str]) -> list[str]:
    if "poison" in items:
        os._exit(3)  # as the kernel's OOM killer or a crash in a C extension would end it
    return items


def test_a_worker_that_dies_stops_the_stream_at_the_first_chunk_not_delivered(model_dir: Path) -> None:
    """The pool fails every chunk in flight when a worker dies: the error names the first one not
    delivered (the poisoned chunk or, if the other worker was still busy, the one before it), and
    everything before it was delivered, in order."""
    items = [f"item {i}" for i in range(40)]
    items[25] = "poison"
    done: list[str] = []
    with pytest.raises(WorkerDied) as died:
        for _, result in map_chunks(SuggesterRecipe.of(RULES, model_dir), items, _die_on_poison, workers=2, chunk=10):
            done += result
    position = died.value.position
    assert position in (10, 20) and died.value.first == items[position] and died.value.size == 10
    assert f"the records from {position} (from 0) on" in str(died.value)
    assert done == items[:position]


def _first_rule_ids(suggester: Suggester, records: list[dict[str, Any]]) -> list[list[str]]:
    return [[hit["id"] for hit in suggester.suggest(document_from_record(r))["hits"]] for r in records]


def test_workers_started_without_fork_build_the_suggester_from_the_recipe_of_stored_files(
        monkeypatch: pytest.MonkeyPatch, suggester: Suggester) -> None:
    """The path for a process with threads (a server): forkserver workers build from the recipe, here a
    rule set given as files (as the database stores one), rules alone."""
    monkeypatch.setattr(batch, "start_method", lambda: "forkserver")
    records = _records(TRAINING)[:30]
    recipe = SuggesterRecipe.of(read_files(RULES))
    assert recipe.build().book.revision == suggester.book.revision
    got = [r for _, part in map_chunks(recipe, records, _first_rule_ids, workers=2, chunk=8) for r in part]
    assert got == _first_rule_ids(suggester, records)


def test_workers_must_be_at_least_one(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["suggest", "-", "--workers", "0"])
    assert raised.value.code == 2
    assert "'0' is not a number of processes" in capsys.readouterr().err


def _suggest_process(path: Path, stdout: IO[bytes] | int, stderr: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "engine", "suggest", str(path), "--rules-only", "--workers", "2"],
                            stdout=stdout, stderr=stderr, cwd=PROJECT_ROOT)


@pytest.mark.slow  # two processes
def test_progress_bar_on_a_terminal_and_nothing_on_a_pipe(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_bytes(b"\n".join(TRAINING.read_bytes().splitlines()[:300]) + b"\n")
    main_fd, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal 100 wide
    out = tmp_path / "out.jsonl"
    with out.open("wb") as stdout:  # a file: a pipe nobody reads while the terminal is read would fill and block
        process = _suggest_process(path, stdout, terminal)
    os.close(terminal)
    shown = b""
    while select.select([main_fd], [], [], 120)[0]:  # nothing for two minutes: hung, and the test fails below
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(main_fd)
    assert process.wait(timeout=120) == 0
    assert len(out.read_bytes().splitlines()) == 300
    bar = shown.decode("utf-8", errors="replace")
    assert "300/300" in bar and "doc/s" in bar and "100%" in bar
    piped = _suggest_process(path, subprocess.PIPE, subprocess.PIPE)
    stdout_bytes, err = piped.communicate(timeout=120)
    assert piped.returncode == 0 and len(stdout_bytes.splitlines()) == 300
    assert err == b""  # no bar, no message: pipes and logs stay clean


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_is_left_out_where_the_suggestions_themselves_scroll_on_the_terminal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """evaluate on a terminal: a bar (in process, one worker); suggest with stdout on the same terminal:
    none, as the lines show the progress and a bar between them would garble them."""
    path = tmp_path / "labelled.jsonl"
    path.write_bytes(b"\n".join(TRAINING.read_bytes().splitlines()[:40]) + b"\n")
    err, out = _Terminal(), _Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["evaluate", str(path), "--rules-only", "--format", "json", "--workers", "1"]) == 0
    assert "40/40" in err.getvalue() and "doc/s" in err.getvalue()
    err.truncate(0)
    err.seek(0)
    assert main(["suggest", str(path), "--rules-only", "--workers", "1"]) == 0
    assert err.getvalue() == "" and len(out.getvalue().splitlines()) == 40 + 1  # the report, then 40 lines
