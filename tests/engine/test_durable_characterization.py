"""Characterisation of durable-rules 2.0.28: the behaviours engine/rules/durable_backend.py relies on.

If a future build changes any of these, this file says which assumption broke. (No test here calls
delete_state after a no-match: that segfaults the process, which is why the backend never does.)
"""

from __future__ import annotations

import itertools
import json
import threading

import durable_rules_engine as dre
import pytest

from engine.facts.derive import derive_facts
from engine.facts.document import document_from_record
from engine.rules.conditions import parse_condition
from engine.rules.durable_backend import DurableBackend
from engine.rules.reference_backend import ReferenceBackend
from engine.rules.rulebook import Rule
from engine.suggest import Suggester
from engine.vocabulary import RuleMode
from tests.conftest import facts_of

_names = itertools.count()


def _ruleset(rules: dict[str, dict[str, object]]) -> int:
    definition = {name: {"all": [{"m": {"$and": [{"__kind": "doc"}, cond]}}]} for name, cond in rules.items()}
    return int(dre.create_ruleset(f"characterise_{next(_names)}", json.dumps(definition, ensure_ascii=False)))


def _fired_by_fact(handle: int, fact: dict[str, object], fact_id: str = "1") -> list[str]:
    code, state = dre.assert_fact(handle, json.dumps({**fact, "__kind": "doc", "sid": "s", "id": fact_id}, ensure_ascii=False))
    fired = []
    if code == 0:
        result = dre.start_action_for_state(handle, state)
        message = result[1] if result else None
        while message:
            fired.append(next(iter(json.loads(message))))
            message = dre.complete_and_start_action(handle, state)
    dre.retract_fact(handle, json.dumps({"sid": "s", "id": fact_id}))
    return fired


TWO_RULES = {"a": {"doc_type": "请示"}, "b": {"$gte": {"year": 2020}}}


def test_a_fact_fires_every_matching_rule() -> None:
    handle = _ruleset(TWO_RULES)
    assert sorted(_fired_by_fact(handle, {"doc_type": "请示", "year": 2024})) == ["a", "b"]


def test_an_event_is_consumed_by_one_rule_only() -> None:
    """Why the backend asserts facts: an event would report only the first matching rule."""
    handle = _ruleset(TWO_RULES)
    code, state = dre.assert_event(handle, json.dumps({"doc_type": "请示", "year": 2024, "__kind": "doc", "sid": "e", "id": "1"}))
    fired = []
    result = dre.start_action_for_state(handle, state)
    message = result[1] if result else None
    while message:
        fired.append(next(iter(json.loads(message))))
        message = dre.complete_and_start_action(handle, state)
    assert len(fired) == 1


def test_no_match_returns_code_1() -> None:
    handle = _ruleset(TWO_RULES)
    code, _ = dre.assert_fact(handle, json.dumps({"doc_type": "函", "year": 2010, "__kind": "doc", "sid": "s", "id": "1"}))
    assert code == 1
    dre.retract_fact(handle, json.dumps({"sid": "s", "id": "1"}))


def test_neq_on_a_missing_field_is_false() -> None:
    """Why every field is always present: a missing field fails $neq, so a negation would be lost."""
    handle = _ruleset({"not_request": {"$neq": {"doc_type": "请示"}}})
    assert _fired_by_fact(handle, {"year": 2024}) == []
    assert _fired_by_fact(handle, {"doc_type": "", "year": 2024}) == ["not_request"]


def test_types_are_compared_loosely() -> None:
    """Why fact values are normalised to their declared types before they reach the engine."""
    handle = _ruleset({"is_one": {"n": 1}, "at_least": {"$gte": {"x": 0.8}}})
    assert _fired_by_fact(handle, {"n": True, "x": 0}) == ["is_one"]  # true == 1
    assert _fired_by_fact(handle, {"n": 0, "x": "0.9"}) == ["at_least"]  # "0.9" >= 0.8


def test_an_or_fires_once_per_matching_branch() -> None:
    """Why the backend de-duplicates hits."""
    handle = _ruleset({"either": {"$or": [{"a": True}, {"b": True}]}})
    assert _fired_by_fact(handle, {"a": True, "b": True}) == ["either", "either"]


def test_a_retracted_fact_leaves_the_session_empty() -> None:
    handle = _ruleset(TWO_RULES)
    for _ in range(3):  # the same id again would raise if the first fact were still there
        assert _fired_by_fact(handle, {"doc_type": "请示", "year": 2024}, fact_id="same") == ["a", "b"]


def test_one_session_survives_ten_thousand_documents() -> None:
    handle = _ruleset(TWO_RULES)
    for i in range(10_000):
        assert len(_fired_by_fact(handle, {"doc_type": "请示" if i % 2 else "函", "year": 2024}, f"d{i}")) == 1 + i % 2


def _rule(i: int, when: dict[str, object]) -> Rule:
    cond = parse_condition(when, (), lambda *problem: pytest.fail(str(problem)))
    assert cond is not None
    return Rule(id=f"t.r{i}", title="t", mode=RuleMode.ENFORCE, confidence=0.9, outcome={}, legal_basis=(),
                when=cond, examples=(), file="t.yaml", line=1)


def test_the_locked_adapter_is_correct_under_four_threads() -> None:
    rules = [_rule(0, {"field": "doc_type", "equals": "请示"}), _rule(1, {"field": "year", "gte": 2022}),
             _rule(2, {"none": [{"field": "title", "contains_any": ["公告"]}]}),
             _rule(3, {"field": "personal_data", "contains_any": ["mobile"]})]
    backend, oracle = DurableBackend(rules), ReferenceBackend(rules)
    docs = [derive_facts(document_from_record({
        "title": "关于某事的" + ("公告" if i % 3 == 0 else "请示"), "doc_type": "请示" if i % 2 else "公告",
        "date": f"{2019 + i % 6}-03-01", "body": "联系13912345678" if i % 5 == 0 else "正文"})) for i in range(60)]
    expected = [oracle.evaluate(f) for f in docs]
    wrong: list[int] = []

    def work() -> None:
        for _ in range(30):
            for i, facts in enumerate(docs):
                if backend.evaluate(facts) != expected[i]:
                    wrong.append(i)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []


def test_payload_templates_give_what_json_dumps_gives(suggester: Suggester) -> None:
    """The formatted fact is the very JSON object a json.dumps of the same values would give."""
    import json

    from engine.rules.compiler import GUARD, fact_values

    backend = suggester.backend
    facts = facts_of(title="关于江州市2024年部分节假日安排的通知", secrecy_marking="内部", doc_number="江府办〔2024〕3号",
                     body="各区人民政府：\n现将有关事项通知如下……联系人：张三，电话13800138000\n\n（此件公开发布）")
    values = fact_values(facts, backend.predicates.evaluate(facts))
    for chunk, template in zip(backend.chunks, backend._payloads, strict=True):
        rendered = json.loads(template.render("f7", values))
        expected = {**{k: values[k] for k in chunk.keys}, GUARD: "doc", "sid": "evaluation", "id": "f7"}
        assert rendered == expected
        # == would take False for 0: the types must match too (durable compares them)
        assert {k: type(v) for k, v in rendered.items()} == {k: type(v) for k, v in expected.items()}
    assert any(isinstance(values[k], int) and not isinstance(values[k], bool) for c in backend.chunks for k in c.keys)
