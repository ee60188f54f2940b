"""One rule file read into rules, every problem reported with its line: the part of the loader that document
rules (engine/rules/loader.py) and application rules (engine/rules/application_rules.py) share. A rule is
read with the vocabulary its conditions may name and the check its outcome must pass."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping

from pydantic import ValidationError

from engine.consistency import rule_problems
from engine.facts.derive import FIELDS, FieldSpec
from engine.rules.conditions import parse_condition
from engine.rules.diagnostics import Diagnostic
from engine.rules.rulebook import Example, Rule
from engine.rules.spec import RULE_FILE_SCHEMA, RuleFileSpec, RuleSpec
from engine.rules.yaml_source import Located
from engine.statutes import check_citation
from engine.vocabulary import DECIDED_FIELDS, RuleMode

MANIFEST = "_ruleset.yaml"
APPLICATION_DIR = "applications"  # the application rules: their own facts and field (engine/rules/application_rules.py)
OutcomeCheck = Callable[[RuleSpec, tuple[Any, ...], "_Collector"], None]
_ERROR_CODES = {
    "missing": "R102", "extra_forbidden": "R101", "enum": "R104", "literal_error": "R104",
    "string_pattern_mismatch": "R104", "greater_than_equal": "R104", "less_than_equal": "R104",
    "too_short": "R102", "value_error": "R104",
}
class _Collector:
    """Gathers diagnostics for one file, turning locations into line and column."""

    def __init__(self, located: Located, display: str, out: list[Diagnostic]) -> None:
        self.located, self.display, self.out = located, display, out

    def add(self, loc: tuple[Any, ...], code: str, message: str, hint: str = "", rule_id: str | None = None) -> None:
        line, column = self.located.position(loc)
        self.out.append(Diagnostic(self.display, line, column, code, message, hint, rule_id, loc))

    def pydantic(self, error: ValidationError, base: tuple[Any, ...], rule_id: str | None = None) -> None:
        for item in error.errors():
            loc = base + tuple(item["loc"])
            code = _ERROR_CODES.get(item["type"], "R105")
            field = ".".join(str(p) for p in item["loc"]) or "value"
            if item["type"] == "missing":
                message, hint = f"missing required key {field!r}", ""
            elif item["type"] == "extra_forbidden":
                message, hint = f"unknown key {field!r}", "remove it or check its spelling"
            elif item["type"] in ("enum", "literal_error"):
                message, hint = f"{field}: {item['input']!r} is not allowed", _hint_for(item)
            else:
                message, hint = f"{field}: {item['msg']}", _hint_for(item)
            if field.startswith("legal_basis") and item["type"] in ("missing", "too_short") and len(item["loc"]) == 1:
                code, message = "R204", "the rule has no legal basis"
                hint = "add legal_basis: [{source: 政府信息公开条例, article: N, excerpt: …}]"
            self.add(loc, code, message, hint, rule_id)


def _hint_for(item: Any) -> str:
    ctx = item.get("ctx") or {}
    if "expected" in ctx:
        return f"allowed: {ctx['expected']}"
    if item["type"].startswith("int"):
        return "write an Arabic number, e.g. 16 (not 十六)"
    return ""


def load_rule_file(located: Located, c: _Collector, folder: str | None, statutes: Any, today: dt.date,
                    fields: Mapping[str, FieldSpec] = FIELDS, check: OutcomeCheck | None = None) -> list[Rule]:
    """The rules of one file; `fields` and `check`: the vocabulary of its conditions and the check of its
    outcomes (a document rule's by default; an application rule's from application_rules)."""
    data = located.data
    if not isinstance(data, dict) or "schema" not in data:
        c.add((), "R010", "a rule file must start with `schema: gongkai-rules/1`", "add it as the first line")
        return []
    if data["schema"] != RULE_FILE_SCHEMA:
        c.add(("schema",), "R010", f"unknown schema {data['schema']!r}; this gongkai reads {RULE_FILE_SCHEMA!r}",
              "a newer schema needs a newer gongkai; the file is refused, not skipped")
        return []
    try:
        spec = RuleFileSpec.model_validate(data)
    except ValidationError as exc:
        c.pydantic(exc, ())
        return []
    rules = []
    for index, raw in enumerate(spec.rules):
        rule = _load_rule(raw, ("rules", index), c, folder, statutes, today, fields, check or _check_outcome)
        if rule is not None:
            rules.append(rule)
    return rules


def _load_rule(raw: Any, loc: tuple[Any, ...], c: _Collector, folder: str | None, statutes: Any,
               today: dt.date, fields: Mapping[str, FieldSpec], check: OutcomeCheck) -> Rule | None:
    rule_id = raw.get("id") if isinstance(raw, dict) else None
    rule_id = rule_id if isinstance(rule_id, str) else None
    errors_before = sum(1 for d in c.out if d.severity == "error")
    if not isinstance(raw, dict):
        c.add(loc, "R105", "each rule must be a mapping", "start it with `- id: …`")
        return None
    try:
        spec = RuleSpec.model_validate(raw)
    except ValidationError as exc:
        c.pydantic(exc, loc, rule_id)
        spec = None
    when = None
    if "when" in raw:
        when = parse_condition(raw["when"], loc + ("when",),
                               lambda l, code, msg, hint: c.add(l, code, msg, hint, rule_id), fields)
    if spec is None:
        return None
    if folder and not spec.id.startswith(folder + "."):
        c.add(loc + ("id",), "R202", f"rule id {spec.id!r} must start with its folder name {folder + '.'!r}",
              f"e.g. {folder}.{spec.id.split('.')[-1]}", spec.id)
    check(spec, loc, c)
    verified = []
    for i, basis in enumerate(spec.legal_basis):
        verifiable, problem = check_citation(statutes, basis.source, basis.article, basis.paragraph, basis.item,
                                             basis.excerpt)
        verified.append(verifiable and problem is None)
        if problem:
            c.add(loc + ("legal_basis", i), "R205", problem,
                  "quote the statute exactly (data/statutes/); join separate pieces with ……", spec.id)
    if spec.effective and spec.effective.until and dt.date.fromisoformat(spec.effective.until) < today:
        c.add(loc + ("effective", "until"), "W401", f"the rule stopped applying on {spec.effective.until}",
              "set mode: disabled or remove the rule", spec.id)
    if spec.mode is not RuleMode.DISABLED:
        expects = {e.expect for e in spec.examples}
        for needed in ("fires", "does_not_fire"):
            if needed not in expects:
                c.add(loc + ("examples",) if spec.examples else loc + ("id",), "R302",
                      f"rule {spec.id!r} has no example that {needed.replace('_', ' ')}",
                      "add an example document and `expect: " + needed + "`", spec.id)
    if when is None or sum(1 for d in c.out if d.severity == "error") > errors_before:
        return None
    line = c.located.position(loc)[0]
    examples = tuple(
        Example(e.name, e.document, e.expect, c.display, c.located.position(loc + ("examples", i))[0])
        for i, e in enumerate(spec.examples)
    )
    return Rule(
        id=spec.id, title=spec.title, mode=spec.mode, confidence=spec.confidence,
        outcome={k: v.value for k, v in spec.outcome if v is not None},
        legal_basis=tuple({**b.model_dump(exclude_none=True), "verified": ok}
                          for b, ok in zip(spec.legal_basis, verified, strict=True)),
        when=when, examples=examples, file=c.display, line=line,
        effective_from=spec.effective.from_ if spec.effective else None,
        effective_until=spec.effective.until if spec.effective else None, note=spec.note,
    )


def _check_outcome(spec: RuleSpec, loc: tuple[Any, ...], c: _Collector) -> None:
    """SCHEMA's consistency, per rule (engine/consistency.py): a rule must never suggest an impossible combination."""
    out = {name: value for name, value in spec.outcome if name in DECIDED_FIELDS}
    problems = []
    if spec.outcome.application_outcome is not None:
        problems.append(f"application_outcome is decided by the application rules only (rules/{APPLICATION_DIR}/), "
                        "never on a document")
    elif not any(v is not None for v in out.values()):
        problems.append("the outcome sets nothing: give at least one of category, exemption, secrecy, column")
    problems += rule_problems(out)
    for problem in problems:
        c.add(loc + ("outcome",), "R206", problem, "see SCHEMA's consistency rules", spec.id)
