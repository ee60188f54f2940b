"""The editor schemas (data/schema/): in step with the models, true of every real rule file, and as
strict as the loader where it matters: what the loader refuses, an editor underlines at the same key."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from pydantic import BaseModel

from engine.facts.derive import FIELDS
from engine.paths import PROJECT_ROOT
from engine.rules.conditions import MAX_PATTERN, OPERATORS, parse_condition
from engine.rules.loader import check_rulebook
from engine.rules.schema import SCHEMA_DIR, SCHEMAS, main, render
from engine.rules.spec import ExampleSpec, LegalBasisSpec, ManifestSpec, OutcomeSpec, RuleFileSpec, RuleSpec
from engine.rules.yaml_source import Located, load_located
from tests.conftest import RULES

SCHEMA = {name: json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8")) if (SCHEMA_DIR / name).exists() else {}
          for name in SCHEMAS}
RULE_FILE, RULESET, SCENARIOS = "rule-file.schema.json", "ruleset.schema.json", "scenarios.schema.json"
APPLICATION_RULE_FILE = "application-rule-file.schema.json"
YAML_FILES = sorted(RULES.rglob("*.yaml"))


def _schema_for(path: Path) -> str:
    """Which schema a file under rules/ follows, by the loader's own reading of the tree."""
    rel = path.relative_to(RULES)
    if rel.parts[0] == "tests":
        return SCENARIOS
    if rel.parts[0] == "applications":
        return APPLICATION_RULE_FILE
    return RULESET if rel.name == "_ruleset.yaml" else RULE_FILE


def _errors(schema: dict[str, Any], data: Any) -> list[ValidationError]:
    """Every error, those inside anyOf/oneOf included (an editor reports the innermost one)."""
    out: list[ValidationError] = []
    stack = list(Draft202012Validator(schema).iter_errors(data))
    while stack:
        error = stack.pop()
        out.append(error)
        stack.extend(error.context or ())
    return out


# (a) the committed files are what the generator makes now

@pytest.mark.parametrize("name", list(SCHEMAS))
def test_committed_schema_is_what_the_generator_makes(name: str) -> None:
    path = SCHEMA_DIR / name
    assert path.exists(), f"{path} is missing: run `python -m engine.rules.schema`"
    committed, generated = path.read_text(encoding="utf-8").splitlines(), render(SCHEMAS[name]()).splitlines()
    if committed != generated:
        line = next(i for i in range(len(generated) + 1) if committed[i:i + 1] != generated[i:i + 1]) + 1
        pytest.fail(f"{path.relative_to(PROJECT_ROOT)} is stale from line {line} (the rule models, the condition "
                    "grammar or the tables of rules/README.md changed): run `python -m engine.rules.schema`",
                    pytrace=False)


def test_check_names_the_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--output", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(SCHEMAS)
    assert main(["--check", "--output", str(tmp_path)]) == 0
    capsys.readouterr()
    (tmp_path / RULESET).write_text("{}\n", encoding="utf-8")
    assert main(["--check", "--output", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert RULESET in err and RULE_FILE not in err and "python -m engine.rules.schema" in err
    assert (tmp_path / RULESET).read_text(encoding="utf-8") == "{}\n"  # --check writes nothing


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    Draft202012Validator.check_schema(SCHEMA[name])
    assert SCHEMA[name]["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize(("where", "model"), [
    (("ruleset.schema.json",), ManifestSpec), (("rule-file.schema.json",), RuleFileSpec),
    (("rule-file.schema.json", "RuleSpec"), RuleSpec), (("rule-file.schema.json", "OutcomeSpec"), OutcomeSpec),
    (("rule-file.schema.json", "LegalBasisSpec"), LegalBasisSpec),
    (("rule-file.schema.json", "ExampleSpec"), ExampleSpec),
], ids=lambda v: v.__name__ if isinstance(v, type) else "/".join(v))
def test_every_model_field_is_in_the_schema_by_its_alias(where: tuple[str, ...], model: type[BaseModel]) -> None:
    schema = SCHEMA[where[0]] if len(where) == 1 else SCHEMA[where[0]]["$defs"][where[1]]
    keys = {f.alias or name for name, f in model.model_fields.items()}
    assert set(schema["properties"]) == keys
    assert set(schema.get("required", ())) == {f.alias or n for n, f in model.model_fields.items() if f.is_required()}


# (b) every real file validates, and its modeline points at its schema

@pytest.mark.parametrize("path", YAML_FILES, ids=[str(p.relative_to(RULES)) for p in YAML_FILES])
def test_real_file_validates_against_its_schema(path: Path) -> None:
    located = load_located(path, path.name)
    assert isinstance(located, Located), located
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in Draft202012Validator(SCHEMA[_schema_for(path)]).iter_errors(located.data)]
    assert problems == []


@pytest.mark.parametrize("path", YAML_FILES, ids=[str(p.relative_to(RULES)) for p in YAML_FILES])
def test_real_file_starts_with_its_modeline(path: Path) -> None:
    wanted = os.path.relpath(SCHEMA_DIR / _schema_for(path), path.parent)
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema={wanted}", (
        f"start {path.relative_to(PROJECT_ROOT)} with '# yaml-language-server: $schema={wanted}'")
    assert (path.parent / wanted).resolve() == (SCHEMA_DIR / _schema_for(path)).resolve()


def test_the_three_kinds_of_file_are_all_checked() -> None:
    assert {_schema_for(p) for p in YAML_FILES} == set(SCHEMAS)


# (c) broken rule files: refused by the loader, and the schema points at the broken part

GOOD: dict[str, Any] = {
    "schema": "gongkai-rules/1",
    "owner": "办公室（政务公开科）",
    "rules": [{
        "id": "withheld.process_info.requests",
        "title": "请示属于过程性信息",
        "mode": "enforce",
        "confidence": 0.85,
        "effective": {"from": "2019-05-15"},
        "outcome": {"category": "withheld", "exemption": "process_info"},
        "legal_basis": [{"source": "政府信息公开条例", "article": 16, "paragraph": 2, "excerpt": "请示报告等过程性信息"}],
        "when": {"all": [
            {"field": "doc_type", "in": ["请示"]},
            {"none": [{"field": "title", "contains_any": ["公告"]}, {"field": "year", "lt": 2019},
                      {"field": "marking_level", "in": ["secret", "top_secret"]}]},
        ]},
        "examples": [
            {"name": "请示", "document": {"doc_type": "请示", "title": "关于经费的请示", "date": "2024-03-01"},
             "expect": "fires"},
            {"name": "公告", "document": {"doc_type": "公告", "title": "关于某事的公告"}, "expect": "does_not_fire"},
        ],
    }],
}


def _rule(data: dict[str, Any]) -> dict[str, Any]:
    return data["rules"][0]


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def _rename(old: str, new: str) -> Callable[[dict[str, Any]], None]:
    return lambda data: _rule(data).__setitem__(new, _rule(data).pop(old))


WHEN = ("rules", 0, "when")
BROKEN = [
    # name, change, loader code, where the schema error is, its keyword, a word its message names
    ("unknown field", _set(WHEN + ("all", 0, "field"), "document_type"), "R103", WHEN + ("all", 0, "field"),
     "enum", "document_type"),
    ("operator not for the field's type",
     _set(WHEN + ("all", 1, "none", 1), {"field": "year", "contains_any": ["2019"]}), "R107",
     WHEN + ("all", 1, "none", 1), "additionalProperties", "contains_any"),
    ("value not of an enum field", _set(WHEN + ("all", 1, "none", 2, "in"), ["classified"]), "R104",
     WHEN + ("all", 1, "none", 2, "in", 0), "enum", "classified"),
    ("two operators", _set(WHEN + ("all", 0, "equals"), "请示"), "R108", WHEN + ("all", 0), "maxProperties", ""),
    ("combinator with another key", _set(WHEN + ("field",), "title"), "R108", WHEN, "maxProperties", ""),
    ("exists takes a boolean", _set(WHEN + ("all", 1, "none", 0), {"field": "title", "exists": "yes"}), "R105",
     WHEN + ("all", 1, "none", 0, "exists"), "type", "yes"),
    ("misspelled operator", _set(WHEN + ("all", 0), {"field": "doc_type", "equal": "请示"}), "R101", WHEN + ("all", 0),
     "additionalProperties", "equal"),
    ("bad category", _set(("rules", 0, "outcome", "category"), "public"), "R104", ("rules", 0, "outcome", "category"),
     "enum", "public"),
    ("missing legal_basis", lambda data: _rule(data).pop("legal_basis"), "R204", ("rules", 0), "required",
     "legal_basis"),
    ("empty legal_basis", _set(("rules", 0, "legal_basis"), []), "R204", ("rules", 0, "legal_basis"), "minItems", ""),
    ("misspelled rule key", _rename("examples", "exampels"), "R101", ("rules", 0), "additionalProperties", "exampels"),
    ("misspelled file key", _set(("owners",), "办公室"), "R101", (), "additionalProperties", "owners"),
    ("article in Chinese numerals", _set(("rules", 0, "legal_basis", 0, "article"), "十六"), "R105",
     ("rules", 0, "legal_basis", 0, "article"), "type", "十六"),
    ("id not dotted lower case", _set(("rules", 0, "id"), "Withheld.Requests"), "R104", ("rules", 0, "id"), "pattern",
     "Withheld"),
    ("unknown schema version", _set(("schema",), "gongkai-rules/2"), "R010", ("schema",), "const", ""),
]


def _loader_codes(data: dict[str, Any], rules_dir: Path) -> list[str]:
    (rules_dir / "withheld").mkdir(exist_ok=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (rules_dir / "withheld" / "case.yaml").write_text(text, encoding="utf-8")
    _, diagnostics = check_rulebook(rules_dir)
    return [d.code for d in diagnostics if d.severity == "error"]


def test_the_good_file_passes_both(tmp_rules: Path) -> None:
    assert _errors(SCHEMA[RULE_FILE], GOOD) == []
    assert _loader_codes(copy.deepcopy(GOOD), tmp_rules) == []


@pytest.mark.parametrize(("name", "change", "code", "where", "keyword", "word"), BROKEN, ids=[c[0] for c in BROKEN])
def test_broken_file_is_refused_by_schema_and_loader(name: str, change: Callable[[dict[str, Any]], None], code: str,
                                                    where: tuple[Any, ...], keyword: str, word: str,
                                                    tmp_rules: Path) -> None:
    data = copy.deepcopy(GOOD)
    change(data)
    assert code in _loader_codes(data, tmp_rules)
    errors = _errors(SCHEMA[RULE_FILE], data)
    found = [(tuple(e.absolute_path), e.validator, e.message) for e in errors]
    assert any(path == where and validator == keyword and word in message for path, validator, message in found), found


# the condition grammar: the schema takes a leaf exactly when parse_condition does

_CANDIDATES: list[Any] = [True, "yes", 3, 2.5, "请示", "", "请示$", "x" * (MAX_PATTERN + 1), [], ["请示"], [3], [""]]


def _leaf_cases() -> list[tuple[str, str, Any]]:
    cases = []
    for name, spec in FIELDS.items():
        values = [*_CANDIDATES, *spec.values[:1], list(spec.values[:1]) or None]
        cases += [(name, op, value) for op in OPERATORS for value in values if value is not None]
    return cases


def _loader_reports(condition: Any) -> list[str]:
    """The codes parse_condition reports for `condition`; a refusal with no report would be a bug."""
    reports: list[str] = []
    parsed = parse_condition(condition, (), lambda loc, code, msg, hint: reports.append(code))
    return reports if reports or parsed is not None else ["refused without a report"]


def test_schema_and_loader_agree_on_every_field_operator_and_value_kind() -> None:
    schema = SCHEMA[RULE_FILE]
    condition = Draft202012Validator({"$ref": "#/$defs/Condition", "$defs": schema["$defs"]})
    disagreements = []
    for name, op, value in _leaf_cases():
        leaf = {"field": name, op: value}
        reports = _loader_reports(leaf)
        if condition.is_valid(leaf) != (reports == []):
            disagreements.append((leaf if len(repr(leaf)) < 80 else (name, op, "long string"), reports))
    assert disagreements == []
    assert condition.is_valid({"any": [{"field": "title", "matches": "通知$"},
                                       {"none": [{"field": "year", "gte": 2024}]}]})
    for bad in ({"all": []}, {"all": {"field": "title", "exists": True}}, {}, {"field": "title"}, ["title"]):
        assert not condition.is_valid(bad), bad


# scenario files: the keys the loader keeps are the keys the schema offers

def _scenario_diagnostics(cases: list[dict[str, Any]], rules_dir: Path) -> list[str]:
    (rules_dir / "tests").mkdir(exist_ok=True)
    (rules_dir / "tests" / "case.yaml").write_text(yaml.safe_dump(cases, allow_unicode=True), encoding="utf-8")
    _, diagnostics = check_rulebook(rules_dir)
    return [d.code for d in diagnostics]


def test_scenario_expect_keys_agree_with_the_loader(tmp_rules: Path) -> None:
    schema = SCHEMA[SCENARIOS]
    offered = schema["$defs"]["Expect"]["properties"]
    assert {"category", "exemption", "secrecy", "column", "fired", "not_fired"} <= set(offered)
    sample = {"category": "withheld", "exemption": None, "secrecy": "undecided", "column": "other",
              "fired": ["withheld.process_info.requests"], "not_fired": []}
    good = [{"name": f"expect {key}", "document": {"title": "关于经费的请示"}, "expect": {key: sample.get(key)},
             "note": "a note"} for key in offered]
    assert _errors(schema, good) == []
    assert _scenario_diagnostics(good, tmp_rules) == []
    for broken, code in (({"expect": {"categroy": "withheld"}}, "R101"), ({"expect": None}, "R102"),
                         ({"notes": "x"}, "R101")):
        case = {"name": "broken", "document": {"title": "通知"}, "expect": {"category": "withheld"}, **broken}
        case = {k: v for k, v in case.items() if v is not None}
        assert code in _scenario_diagnostics([case], tmp_rules), broken
        assert _errors(schema, [case]), broken


def test_readme_settings_map_every_rule_folder() -> None:
    """The `yaml.schemas` alternative in README.md lists the rule folders one by one: keep it complete."""
    section = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8").split(
        "## Editing rules with completion and inline errors")[1].split("\n## ")[0]
    mapping = json.loads("{" + section.split("```json\n")[1].split("```")[0] + "}")["yaml.schemas"]
    folders = {p.name for p in RULES.iterdir() if p.is_dir() and p.name not in ("tests", "applications")}
    assert mapping[f"data/schema/{RULE_FILE}"] == [f"rules/{name}/*.yaml" for name in sorted(folders)]
    assert mapping[f"data/schema/{APPLICATION_RULE_FILE}"] == "rules/applications/*.yaml"
    assert mapping[f"data/schema/{SCENARIOS}"] == "rules/tests/*.yaml"
    assert mapping[f"data/schema/{RULESET}"] == "rules/_ruleset.yaml"
