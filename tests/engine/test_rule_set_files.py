"""One loader for a rule set given as files (path → text): a directory is read into the same mapping,
so both give the same rulebook, the same revision and the same diagnostics, with nothing written."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from engine.rules.loader import check_files, check_rulebook, load_files, load_rulebook
from engine.rules.rulebook import files_of, read_files, revision, revision_of
from tests.conftest import RULES

BAD = Path(__file__).parents[1] / "rule_files" / "bad"


def _as_found(diagnostics: list) -> list[tuple[str, int, int, str, str]]:  # type: ignore[type-arg]
    return [(d.file, d.line, d.column, d.code, d.message) for d in diagnostics]


def test_the_project_rules_as_files_are_the_directory() -> None:
    from_directory, from_files = load_rulebook(RULES), load_files(files_of(RULES))
    assert from_files.revision == from_directory.revision == revision_of(RULES)
    assert [r.id for r in from_files.rules] == [r.id for r in from_directory.rules]
    assert [(r.file, r.line) for r in from_files.rules] == [(r.file, r.line) for r in from_directory.rules]
    assert from_files.rules[0].file.startswith("rules/")
    assert len(from_files.scenarios) == len(from_directory.scenarios) > 0


@pytest.mark.parametrize("fixture", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_a_bad_file_is_reported_alike_from_a_directory_and_from_files(fixture: Path, tmp_rules: Path) -> None:
    target = tmp_rules / "_ruleset.yaml" if "manifest" in fixture.name else tmp_rules / "withheld" / fixture.name
    target.parent.mkdir(exist_ok=True)
    shutil.copy(fixture, target)
    _, on_disk = check_rulebook(tmp_rules)
    _, as_text = check_files(files_of(tmp_rules))
    assert _as_found(as_text) == _as_found(on_disk)
    if not fixture.name.startswith("R301"):  # an example's failure is found by running it (rules check)
        shown = target.relative_to(tmp_rules.parent).as_posix()
        assert any(d.file == shown for d in as_text), (shown, _as_found(as_text))


def test_a_file_that_is_not_utf8_is_r001(tmp_rules: Path) -> None:
    (tmp_rules / "withheld").mkdir()
    (tmp_rules / "withheld" / "latin1.yaml").write_bytes("schema: gongkai-rules/1\n# caf\xe9\n".encode("latin-1"))
    book, diagnostics = check_rulebook(tmp_rules)
    assert book is None
    assert _as_found(diagnostics) == [("rules/withheld/latin1.yaml", 1, 1, "R001",
                                       "the file is not valid UTF-8 (byte 29)")]


def test_the_revision_orders_paths_part_by_part_as_before(tmp_path: Path) -> None:
    """The revision is what the stored revisions were hashed with: paths sorted as pathlib sorts them
    (`a/x` before `a-b/x`, though '-' sorts before '/')."""
    for name in ("a-b/x.yaml", "a/x.yaml", "a.yaml", "tests/a.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"# {name}\r\n", encoding="utf-8")  # line ends kept as written
    digest = hashlib.sha256()
    for path in sorted(p for p in tmp_path.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(tmp_path)).encode() + b"\0" + path.read_bytes() + b"\0")
    assert revision_of(tmp_path) == revision(files_of(tmp_path)) == revision(read_files(tmp_path)) == digest.hexdigest()
