"""Rulebook limits (R109) and the cost of `matches` patterns (R110), through `gongkai rules check`;
the project's own rules stay inside both with room to spare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.rules import loader
from engine.rules.conditions import leaves
from engine.rules.loader import MAX_RULES, check_rulebook
from engine.rules.pattern_cost import MAX_PROGRAM_SIZE, MAX_UNROLLED, cost
from engine.rules.reference_backend import compiled, evidence
from engine.rules.rulebook import Rulebook
from tests.conftest import facts_of

BASIS = "{source: 政府信息公开条例, article: 19, excerpt: 需要公众广泛知晓或者需要公众参与决策的政府信息，行政机关应当主动公开}"


def _rule(n: int, when: str) -> str:
    return (f"  - id: proactive.probe.r{n:04d}\n    title: 探测规则{n}\n    mode: monitor\n"
            f"    outcome: {{category: proactive}}\n    legal_basis:\n      - {BASIS}\n    when: {when}\n")


def _write(rules_dir: Path, name: str, rules: list[str]) -> Path:
    (rules_dir / "proactive").mkdir(exist_ok=True)
    path = rules_dir / "proactive" / name
    path.write_text("schema: gongkai-rules/1\nrules:\n" + "".join(rules), encoding="utf-8")
    return path


def _check(rules_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    code = main(["rules", "check", "--rules", str(rules_dir), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_more_rules_than_the_limit_are_refused(tmp_rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = [_rule(n, f"{{field: title, contains_any: [探测{n}]}}") for n in range(MAX_RULES + 1)]
    _write(tmp_rules, "a.yaml", rules[:600])
    _write(tmp_rules, "b.yaml", rules[600:])
    code, diagnostics = _check(tmp_rules, capsys)
    too_many = [d for d in diagnostics if d["code"] == "R109"]
    assert code == 1 and len(too_many) == 1
    d = too_many[0]
    assert d["message"] == "the rulebook has 1,001 rules, more than the limit of 1,000 (this is rule 1,001)"
    # At the first rule past the limit: the 401st rule of b.yaml (each rule takes 7 lines after 2 of header).
    assert d["file"].endswith("proactive/b.yaml") and d["line"] == 2 + 400 * 7 + 1 and d["rule_id"] == "proactive.probe.r1000"


EXPENSIVE = [
    ("(.*a){20}", "repeats '(.*a){20}', which holds an unbounded repetition"),
    ("(a|b|c|d|e|f|g|h|i|j){50}", "unrolls to 500 positions"),
    (".{1000}", "compiles to an RE2 program of 8,004 instructions, more than the limit of 2,000"),
    ("((a{10}){10}){10}", "unrolls to 1,000 positions"),
    ("公布(.{0,40}施行){3}", "unrolls to 126 positions"),
    (r"\p{Han}{150}", "compiles to an RE2 program of"),
]


@pytest.mark.parametrize(("pattern", "says"), EXPENSIVE, ids=[p for p, _ in EXPENSIVE])
def test_expensive_patterns_are_refused_at_their_line(pattern: str, says: str, tmp_rules: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    quoted = pattern.replace("\\", "\\\\")
    _write(tmp_rules, "probe.yaml", [_rule(1, '{field: title, contains_any: [公告]}'),
                                     _rule(2, f'{{field: body, matches: "{quoted}"}}')])
    code, diagnostics = _check(tmp_rules, capsys)
    costly = [d for d in diagnostics if d["code"] == "R110"]
    assert code == 1 and len(costly) == 1, diagnostics
    d = costly[0]
    assert d["file"].endswith("proactive/probe.yaml") and d["line"] == 2 + 7 + 7  # rule 2's `when:` line
    assert d["message"].startswith(f"the pattern {pattern!r} ") and says in d["message"], d["message"]
    assert d["hint"]


def test_the_projects_rules_are_well_inside_the_limits(rulebook: Rulebook) -> None:
    patterns = {leaf.value for rule in rulebook.rules for leaf in leaves(rule.when) if leaf.op == "matches"}
    costs = {p: cost(p) for p in patterns}
    largest = max(costs, key=lambda p: costs[p].program_size)
    print(f"largest RE2 program of the project's rules: {costs[largest].program_size} ({largest!r}); "
          f"largest counted repetition: {max(c.unrolled for c in costs.values())} positions")
    assert costs[largest].program_size == 1668 <= 0.85 * MAX_PROGRAM_SIZE
    assert max(c.unrolled for c in costs.values()) == 80 <= 0.8 * MAX_UNROLLED
    assert not [p for p, c in costs.items() if c.unbounded_inside]
    assert len(rulebook.rules) <= MAX_RULES / 5
    assert sum(c.program_size for c in costs.values()) <= loader.MAX_PATTERN_PROGRAMS / 4


def test_the_total_size_of_the_patterns_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real rulebook against a budget lowered to 10,000 instructions: refused at the rule that crosses it."""
    monkeypatch.setattr(loader, "MAX_PATTERN_PROGRAMS", 10_000)
    book, diagnostics = check_rulebook(Path(__file__).parents[2] / "rules")
    assert book is None
    [d] = [d for d in diagnostics if d.code == "R109"]
    assert d.message.startswith("the rulebook's matches patterns compile to more than 10,000 RE2 instructions")
    assert d.rule_id and d.line > 1


def test_evidence_finds_the_span_without_capture_groups() -> None:
    assert compiled("(关于)(.{0,20})(通知)").groups == 0
    facts = facts_of(title="关于印发管理办法的通知", body="正文")
    from engine.rules.conditions import Leaf

    [found] = evidence(Leaf("title", "matches", "(关于)(.{0,20})(通知)"), facts)
    assert found["matched"] == [{"text": "关于印发管理办法的通知", "span": [0, 11]}]
