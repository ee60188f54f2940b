"""The rulebook limits through the API: validation names the problem, activation refuses the set with
422 naming it, and the rules in service keep serving."""

from __future__ import annotations

from typing import Any

import pytest

from engine.paths import PROJECT_ROOT
from engine.rules.loader import MAX_RULES
from engine.rules.rulebook import Rulebook, files_of, revision_of
from tests.engine.test_rule_limits import _rule
from tests.service.conftest import Api

RULES = PROJECT_ROOT / "rules"


def _with(name: str, rules: list[str]) -> dict[str, str]:
    return {**files_of(RULES), f"proactive/{name}": "schema: gongkai-rules/1\nrules:\n" + "".join(rules)}


def _refused(api: Api, files: dict[str, str], code: str, says: str) -> dict[str, Any]:
    author, admin = api.as_("rule_author"), api.as_("admin")
    checked = author.post("/v1/rules/validate", json={"files": files})
    assert checked.status_code == 200, checked.text
    body = checked.json()
    assert body["valid"] is False and body["backtest"] is None
    found = [d for d in body["diagnostics"] if d["code"] == code]
    assert len(found) == 1 and says in found[0]["message"], found
    refused = admin.post("/v1/rules/activate", json={"files": files, "note": "too much"})
    assert refused.status_code == 422
    errors = [e for e in refused.json()["errors"] if e["message"].startswith(f"{code} ")]
    assert len(errors) == 1 and says in errors[0]["message"] and errors[0]["field"].startswith("rules/")
    serving = author.get("/v1/rules").json()
    assert serving["revision"] == revision_of(RULES)  # the old set keeps serving
    assert [a["action"] for a in author.get("/v1/rules/revisions").json()["activations"]] == ["start"]
    return found[0]


def test_an_expensive_pattern_is_refused(api: Api) -> None:
    probe = _rule(1, '{field: body, matches: "(.*a){20}"}')
    found = _refused(api, _with("probe.yaml", [probe]), "R110", "the pattern '(.*a){20}' repeats '(.*a){20}'")
    assert (found["file"], found["line"]) == ("rules/proactive/probe.yaml", 9)


@pytest.mark.slow  # 1,001 rules through the API
def test_too_many_rules_are_refused(api: Api, rulebook: Rulebook) -> None:
    extra = [_rule(n, f"{{field: title, contains_any: [探测{n}]}}") for n in range(MAX_RULES + 1 - len(rulebook.rules))]
    _refused(api, _with("many.yaml", extra), "R109", "the rulebook has 1,001 rules, more than the limit of 1,000")
