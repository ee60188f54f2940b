"""A document written in traditional characters gets the suggestion of its simplified twin from the rules
(issue 19, robustness): the rules read the text folded one character for one (engine/facts/text.simplified),
so 印發 fires what 印发 fires and evidence spans stay those of the original. A simplified document is read as
written, even where a character is traditional by OpenCC's table (著作)."""

from __future__ import annotations

import json

import pytest

from engine.authoring.perturb import traditional
from engine.facts.derive import derive_facts
from engine.facts.document import document_from_record
from engine.paths import PROJECT_ROOT
from engine.suggest import Suggester

REAL = [json.loads(line) for line in (PROJECT_ROOT / "data" / "real" / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
TRAINING = [json.loads(line) for line in
            (PROJECT_ROOT / "data" / "training" / "records.jsonl").read_text(encoding="utf-8").splitlines()[:150]]


def _decided(suggester: Suggester, record: dict) -> tuple[tuple[str, str | None], ...]:
    _, decision = suggester.run(document_from_record(record), rules_only=True)
    return tuple((name, field.value) for name, field in decision.fields.items())


@pytest.mark.parametrize("records", [REAL, TRAINING], ids=["real-dev", "starter"])
def test_the_traditional_twin_gets_the_same_suggestion_from_the_rules(suggester: Suggester, records: list[dict]) -> None:
    differ = [r["id"] for r in records if _decided(suggester, r) != _decided(suggester, traditional(r))]
    assert len(differ) <= 0.03 * len(records), differ  # OpenCC's s2t ↔ t2s round trip is not exact for every word


def test_evidence_spans_are_those_of_the_original_text() -> None:
    doc = document_from_record({"id": "t", "title": "關於印發《某縣部門預算管理辦法》的通知",
                                "body": "各鄉鎮人民政府：\n現將《某縣部門預算管理辦法》印發給你們，請認真貫徹執行。"})
    facts = derive_facts(doc)
    assert facts["title"] == "关于印发《某县部门预算管理办法》的通知"
    assert len(facts["title"]) == len(doc.title) and len(facts["body"]) == len(doc.body)


def test_a_simplified_document_is_read_as_written() -> None:
    doc = document_from_record({"id": "s", "title": "关于著作权登记工作的通知", "body": "各区县：\n现将著作权登记有关事项通知如下。"})
    assert derive_facts(doc)["title"] == "关于著作权登记工作的通知"
