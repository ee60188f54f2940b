"""Bad rule files: each is refused with its stable code at the right line, never a traceback."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from engine.cli import main
from engine.rules.diagnostics import CODES, RuleFileError
from engine.rules.loader import check_rulebook, load_rulebook

BAD = Path(__file__).parents[1] / "rule_files" / "bad"
FIXTURES = sorted(BAD.glob("*.yaml"))


def _expected(path: Path) -> tuple[str, int]:
    match = re.match(r"# expect: (\w+) line (\d+)", path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name} must start with '# expect: CODE line N'"
    return match.group(1), int(match.group(2))


def _install(fixture: Path, rules: Path) -> None:
    if "manifest" in fixture.name:
        shutil.copy(fixture, rules / "_ruleset.yaml")
    else:
        (rules / "withheld").mkdir(exist_ok=True)
        shutil.copy(fixture, rules / "withheld" / fixture.name)


def test_every_code_has_a_fixture() -> None:
    covered = {p.name.split("_")[0] for p in FIXTURES}
    # R207: durable refusing our compiled JSON, not reachable from YAML; R109: more than a thousand rules,
    # made by tests/engine/test_rule_limits.py rather than kept as a fixture.
    assert covered == set(CODES) - {"R207", "R109"}


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_bad_file_is_reported_with_code_and_line(fixture: Path, tmp_rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = _expected(fixture)
    _install(fixture, tmp_rules)
    exit_code = main(["rules", "check", "--rules", str(tmp_rules), "--format", "json"])
    diagnostics = json.loads(capsys.readouterr().out)
    found = [(d["code"], d["line"]) for d in diagnostics]
    assert (code, line) in found, found
    assert exit_code == (0 if code.startswith("W") else 1)
    for d in diagnostics:
        assert d["file"].endswith(".yaml") and d["line"] >= 1 and d["column"] >= 1
        assert d["message"] and "Traceback" not in d["message"]


def test_all_problems_of_all_files_are_reported_at_once(tmp_rules: Path) -> None:
    for fixture in FIXTURES:
        if "manifest" not in fixture.name:
            _install(fixture, tmp_rules)
    book, diagnostics = check_rulebook(tmp_rules)
    assert book is None
    files = {d.file for d in diagnostics}
    assert len(files) >= 15
    with pytest.raises(RuleFileError) as raised:
        load_rulebook(tmp_rules)
    assert len(raised.value.diagnostics) == len(diagnostics)


def test_text_format_points_at_the_line_with_a_hint(tmp_rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _install(BAD / "R103_unknown_field.yaml", tmp_rules)
    assert main(["rules", "check", "--rules", str(tmp_rules)]) == 1
    err = capsys.readouterr().err
    assert "R103 unknown field 'document_type' in condition" in err
    assert "did you mean 'doc_type'?" in err
    assert ">>   16 |       field: document_type" in err


def test_a_broken_rulebook_never_half_loads(tmp_rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _install(BAD / "R205_wrong_paragraph.yaml", tmp_rules)
    good = (BAD / "R001_syntax.yaml").read_text(encoding="utf-8").replace("equals: [请示", "equals: 请示")
    (tmp_rules / "withheld" / "good.yaml").write_text(good.replace("withheld.process_info.requests", "withheld.process_info.good"), encoding="utf-8")
    assert main(["suggest", "--rules", str(tmp_rules), str(BAD / "R001_syntax.yaml")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nothing was evaluated" in captured.err
