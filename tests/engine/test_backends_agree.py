"""Property: durable-rules, the flag evaluator (backtests) and the reference evaluator report the same
hits for generated rules and documents, including negations (`none:`) over every field type."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.facts.derive import FIELDS, Facts, derive_facts
from engine.facts.document import document_from_record
from engine.rules.conditions import parse_condition
from engine.rules.durable_backend import DurableBackend
from engine.rules.flag_backend import FlagBackend
from engine.rules.reference_backend import ReferenceBackend
from engine.rules.rulebook import Rule
from engine.vocabulary import RuleMode

WORDS = ["请示", "报告", "公告", "征求意见", "向社会", "党组", "工会", "内部", "此件公开发布", "处罚", "许可", "面对面",
         "对面", "一对一", "一对"]
TEXT = st.lists(st.sampled_from(WORDS + ["，", "。", "\n", "某市", "13912345678", "110105194912310028"]), max_size=12).map("".join)
DOC_TYPES = ["请示", "报告", "公告", "函", "通知", "", "工作动态"]
DIVISIONS = ["办公室", "机关党委", "机关工会", "法规处", ""]
MARKINGS = ["", "秘密★1年", "内部", "机密", "非密"]


@st.composite
def documents(draw: st.DrawFn) -> Facts:
    record: dict[str, Any] = {
        "title": draw(TEXT), "body": draw(st.sampled_from(["", "机密★5年\n", "各单位：\n"])) + draw(TEXT),
        "doc_type": draw(st.sampled_from(DOC_TYPES)), "division": draw(st.sampled_from(DIVISIONS)),
        "secrecy_marking": draw(st.sampled_from(MARKINGS)), "source": draw(st.sampled_from(["closure", "manual"])),
        "date": draw(st.sampled_from(["2019-05-15", "2024-02-29", "", "bad"])), "doc_number": draw(TEXT),
    }
    return derive_facts(document_from_record(record))


def _values(field: str) -> st.SearchStrategy[Any]:
    spec = FIELDS[field]
    if spec.type in ("enum", "list"):
        return st.sampled_from(spec.values)
    if field == "doc_type":
        return st.sampled_from([t for t in DOC_TYPES if t])
    if field == "division":
        return st.sampled_from([d for d in DIVISIONS if d])
    return st.sampled_from(WORDS)


@st.composite
def leaves(draw: st.DrawFn) -> dict[str, Any]:
    field = draw(st.sampled_from(sorted(FIELDS)))
    kind = FIELDS[field].type
    if kind == "number":
        op = draw(st.sampled_from(["equals", "gt", "gte", "lt", "lte"]))
        return {"field": field, op: draw(st.integers(-1, 3) | st.sampled_from([2019, 2024]))}
    ops = {"text": ["equals", "in", "contains_any", "contains_all", "matches", "exists"],
           "keyword": ["equals", "in", "contains_any", "contains_all", "matches", "exists"],
           "enum": ["equals", "in"], "list": ["contains_any", "contains_all", "exists"]}[kind]
    op = draw(st.sampled_from(ops))
    if op == "exists":
        return {"field": field, op: draw(st.booleans())}
    if op in ("in", "contains_any", "contains_all"):
        return {"field": field, op: draw(st.lists(_values(field), min_size=1, max_size=3, unique=True))}
    if op == "matches":
        return {"field": field, op: draw(st.sampled_from(["请示|报告", "^公告", "1[3-9][0-9]{9}", "对面.*一对", "党(组|委)$"]))}
    return {"field": field, op: draw(_values(field))}


conditions = st.recursive(
    leaves(),
    lambda inner: st.dictionaries(st.sampled_from(["all", "any", "none"]), st.lists(inner, min_size=1, max_size=3),
                                  min_size=1, max_size=1),
    max_leaves=6,
)


def _rule(i: int, when: dict[str, Any]) -> Rule:
    problems: list[Any] = []
    cond = parse_condition(when, (), lambda *p: problems.append(p))
    assert cond is not None and not problems, problems
    return Rule(id=f"gen.r{i}", title="generated", mode=RuleMode.ENFORCE, confidence=0.9, outcome={},
                legal_basis=(), when=cond, examples=(), file="generated.yaml", line=1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(conditions, min_size=1, max_size=6), st.lists(documents(), min_size=1, max_size=8))
def test_durable_and_reference_agree(whens: list[dict[str, Any]], docs: list[Facts]) -> None:
    rules = [_rule(i, when) for i, when in enumerate(whens)]
    durable, reference = DurableBackend(rules, chunk_size=2), ReferenceBackend(rules)
    flags = FlagBackend(rules + rules[:1])  # a repeated condition is evaluated once, reported for both rules
    for facts in docs:
        expected = reference.evaluate(facts)
        assert durable.evaluate(facts) == expected, facts.summary()
        assert flags.evaluate(facts) == expected + (["gen.r0"] if "gen.r0" in expected else []), facts.summary()


def test_generated_facts_cover_every_field() -> None:
    facts = derive_facts(document_from_record({"title": "x"}))
    assert set(facts.values) == set(FIELDS)
