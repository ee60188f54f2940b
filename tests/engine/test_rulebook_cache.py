"""The checked rulebook kept between service starts (engine/rules/loader.check_rulebook_cached): an
unchanged rule set is read back instead of checked again; any change, another day, another key or a
tampered file means the full check; a rulebook with errors is never kept."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from engine.paths import PROJECT_ROOT, rules_dir
from engine.rules import loader
from engine.rules.loader import check_rulebook, check_rulebook_cached
from engine.rules.rulebook import Rulebook

KEY = b"rulebook-cache-test-key-0123456789abcdef"
TODAY = dt.date(2026, 3, 2)
SAMPLES = PROJECT_ROOT / "data" / "samples" / "closures.jsonl"


class Checks:
    """Counts the full checks (loader.check_files) the cached loader makes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = loader.check_files

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(loader, "check_files", counted)


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(rules_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "runtime" / "rulebook.cache"


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Checks:
    return Checks(monkeypatch)


def summary(book: Rulebook | None) -> Any:
    """What a rulebook decides with, in comparable form (compiled patterns compare by identity)."""
    assert book is not None
    return (book.revision, book.name, book.precedence, book.thresholds,
            [(r.id, r.file, r.line, r.mode, r.title, repr(r.when)) for r in book.rules],
            [(s.name, s.file, s.line) for s in book.scenarios], repr(book.applications))


def some_rule_file(rules: Path) -> Path:
    return sorted(p for p in (rules / "withheld").glob("*.yaml"))[0]


def test_an_unchanged_rule_set_is_read_back_without_a_second_check(rules: Path, cache: Path, checks: Checks) -> None:
    first, diagnostics = check_rulebook_cached(rules, cache, KEY, today=TODAY)
    assert checks.calls == 1 and cache.is_file()
    again, again_diagnostics = check_rulebook_cached(rules, cache, KEY, today=TODAY)
    assert checks.calls == 1
    assert summary(again) == summary(first) == summary(check_rulebook(rules, today=TODAY)[0])
    assert again_diagnostics == diagnostics


def test_the_cached_rulebook_suggests_what_the_checked_one_does(rules: Path, cache: Path) -> None:
    from engine.facts.document import document_from_record
    from engine.suggest import Suggester

    fresh, _ = check_rulebook_cached(rules, cache, KEY, today=TODAY)
    cached, _ = check_rulebook_cached(rules, cache, KEY, today=TODAY)
    assert fresh is not None and cached is not None and cached is not fresh
    a, b = Suggester(fresh, "reference"), Suggester(cached, "reference")
    for line in SAMPLES.read_text(encoding="utf-8").splitlines():
        document = document_from_record(json.loads(line))
        assert a.run(document) == b.run(document)


def test_a_changed_rule_file_is_checked_in_full(rules: Path, cache: Path, checks: Checks) -> None:
    check_rulebook_cached(rules, cache, KEY, today=TODAY)
    path = some_rule_file(rules)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "title: 改 ", 1), encoding="utf-8")
    book, _ = check_rulebook_cached(rules, cache, KEY, today=TODAY)
    assert checks.calls == 2
    assert summary(book) == summary(check_rulebook(rules, today=TODAY)[0])
    assert any(r.title.startswith("改 ") for r in book.rules) if book else False


def test_a_broken_rule_file_fails_with_its_diagnostics_and_is_never_kept(rules: Path, cache: Path,
                                                                          checks: Checks) -> None:
    good, _ = check_rulebook_cached(rules, cache, KEY, today=TODAY)
    kept = cache.read_bytes()
    path = some_rule_file(rules)
    path.write_text(path.read_text(encoding="utf-8") + "\n  - id: [\n", encoding="utf-8")
    expected = check_rulebook(rules, today=TODAY)
    checks.calls = 1
    for _ in range(2):  # and again: a broken rule set is checked at every start
        book, diagnostics = check_rulebook_cached(rules, cache, KEY, today=TODAY)
        assert book is None and diagnostics == expected[1] and any(d.severity == "error" for d in diagnostics)
    assert checks.calls == 3
    assert cache.read_bytes() == kept  # the last good one stays, for the revision it was made for
    assert good is not None


def test_another_day_is_checked_in_full(rules: Path, cache: Path, checks: Checks) -> None:
    check_rulebook_cached(rules, cache, KEY, today=TODAY)
    check_rulebook_cached(rules, cache, KEY, today=TODAY + dt.timedelta(days=1))
    assert checks.calls == 2


def test_a_cache_under_another_key_or_tampered_with_is_not_read(rules: Path, cache: Path, checks: Checks) -> None:
    check_rulebook_cached(rules, cache, KEY, today=TODAY)
    book, _ = check_rulebook_cached(rules, cache, b"another key, another service.....", today=TODAY)
    assert checks.calls == 2 and book is not None
    blob = bytearray(cache.read_bytes())
    blob[-10] ^= 0xFF  # one bit pattern changed in the pickled rulebook
    cache.write_bytes(bytes(blob))
    book, _ = check_rulebook_cached(rules, cache, KEY, today=TODAY)
    assert checks.calls == 3
    assert summary(book) == summary(check_rulebook(rules, today=TODAY)[0])
    checks.calls = 3
    cache.write_bytes(b"not a cache at all")
    book, _ = check_rulebook_cached(rules, cache, KEY, today=TODAY)
    assert checks.calls == 4 and book is not None


def test_an_unwritable_cache_only_costs_the_check(rules: Path, tmp_path: Path, checks: Checks) -> None:
    blocked = tmp_path / "a file, not a directory"
    blocked.write_text("", encoding="utf-8")
    for _ in range(2):
        book, _ = check_rulebook_cached(rules, blocked / "rulebook.cache", KEY, today=TODAY)
        assert book is not None
    assert checks.calls == 2
