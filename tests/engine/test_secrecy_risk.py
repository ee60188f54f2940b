"""Secrecy-risk cues (engine/facts/secrecy_risk.py): content that reads as secret without a marking, found
however it is written, and not raised by the ordinary text of proactive documents."""

from __future__ import annotations

import json

import pytest

from engine.facts.secrecy_risk import CUE_IDS, find_risk_cues
from engine.paths import PROJECT_ROOT
from tests.conftest import facts_of


def _cues(body: str, title: str = "关于做好有关工作的通知") -> list[str]:
    return facts_of(title=title, body=body)["secrecy_risk"]


_CASES = [pytest.param(*case) for case in [
        ("上述数据在正式发布前，请严格控制知悉范围。", "need_to_know"),
        ("具体时刻表仅限指挥部掌握。", "restricted_circulation"),
        ("本表仅供招标人内部掌握。", "restricted_circulation"),
        ("本通知及附件只发至各单位主要负责人。", "restricted_circulation"),
        ("名单请妥善保管，请勿外传。", "handling_instruction"),
        ("本方案阅后由机要室收回。", "handling_instruction"),
        ("附件不得复印。", "handling_instruction"),
        ("本文件不得对外公开。", "no_disclosure_instruction"),
        ("本分析仅供参阅，请勿引用。", "no_disclosure_instruction"),
        ("本通知涉及征兵任务数量，属国家秘密。", "declared_secret"),
        ("本方案及附件按绝密级管理。", "declared_secret"),
        ("我局现有涉密人员30名、涉密载体18件。", "classified_terms"),
        ("处理前的原始数据只能在涉密信息系统中存储。", "classified_terms"),
        ("各部队驻地及兵力部署见附件。", "defence"),
        ("不疏散人员就近进入人防工程掩蔽，工程位置见附件4。人防工程分布另附。", "defence"),
        ("重要军事设施周边地理信息数据按要求处理。", "defence"),
        ("警卫对象一行来江视察。", "protective_security"),
        ("军民融合重大项目（代号“HY-07”）选址于北湾片区。", "code_words"),
        ("调价方案在公布前如提前外泄，可能影响听证工作。", "embargo"),
        ("开标前不得向任何单位和个人透露。", "embargo"),
        ("市级储备粮实际库存与分布：稻谷：市直属库32.6万吨，安平分库12万吨。", "reserves"),
        ("成品油储备1.8万吨存放于城东油库。", "reserves"),
]]


@pytest.mark.parametrize(("sentence", "cue"), _CASES)
def test_each_cue(sentence: str, cue: str) -> None:
    assert cue in _cues(sentence)


@pytest.mark.parametrize(
    "written",
    ["請嚴格控制知悉範圍。", "请严格控制知\u200b悉\u2060范围。", "请严格控制知\u00ad悉范围。", "控制知\r\n悉范围"],
    ids=["traditional", "zero-width", "soft-hyphen", "line-break"],
)
def test_cues_cannot_be_hidden_by_formatting(written: str) -> None:
    facts = facts_of(title="关于某事项的通知", body=written)
    assert facts["secrecy_risk"] == ["need_to_know"]
    evidence = [e for e in facts.evidence if e.fact == "secrecy_risk"]
    assert written[evidence[0].start:evidence[0].end] == evidence[0].text  # the span is in what was written


_ORDINARY = (
        "涉及国家秘密的，不予公开。", "工作人员不得泄露国家秘密。", "本解读仅供参考。",
        "一次动用中央储备粮数量在5亿公斤以下的，可直接下达动用命令。", "所属救援队伍代号用X代表消防救援。",
        "加强干部队伍建设。", "自动气象站的建设要尽量避开军事设施和军事设施保护区域。", "加强对账号密码的安全管理。",
        "涉及国家秘密、商业秘密、个人隐私等不宜公开的信息，依法确需公开的，要作适当处理后公开。",
        "新增项目在正式公布前，不得向患者收费。", "以真实姓名反映情况的，我们将严格保密。",
        "完善中央和地方粮食储备制度，保持必要的储备规模。", "各村储备风力灭火器等扑火工具。",
        "不得公开损害用户权益的内容。", "鼓励有关部队积极参与消费扶贫。",
)


@pytest.mark.parametrize("sentence", _ORDINARY)
def test_ordinary_sentences_raise_no_cue(sentence: str) -> None:
    assert _cues(sentence) == []


def test_count_is_of_distinct_phrases_and_evidence_is_bounded() -> None:
    facts = facts_of(title="关于某事项的通知", body="请控制知悉范围。" * 50 + "请勿外传。")
    assert facts["secrecy_risk"] == ["need_to_know", "handling_instruction"]
    assert facts["secrecy_risk_cues"] == 2
    assert len([e for e in facts.evidence if e.fact == "secrecy_risk"]) <= 11


def test_cue_ids_are_the_documented_vocabulary() -> None:
    assert len(set(CUE_IDS)) == len(CUE_IDS) == 12
    assert find_risk_cues({"body": ""}, {"body": ""}) == []


@pytest.mark.parametrize("line", ["机密★1年 某项目选址方案已报上级审定。", "附：秘密☆ 项目清单", "（密级：绝密）以下内容",
                                  "摘自机密*文件"])
def test_a_marking_past_the_header_is_a_cue_and_the_header_marking_is_not(line: str) -> None:
    """A marked paragraph pasted into the running text (e.g. an annual report's narrative) is read nowhere as a
    marking; the secrecy reviewer is pointed at it. A marking in the header is the marking, not a cue."""
    from engine.facts.derive import derive_facts as derive
    from engine.facts.document import Document

    body = "一、总体情况\n本年度工作稳步推进。\n二、存在的问题\n" + line + "\n三、下一步工作\n继续做好公开工作。"
    facts = derive(Document(id="d", title="某局2025年工作总结", body=body)).values
    assert "embedded_marking" in facts["secrecy_risk"] and facts["marking_level"] == "none"
    headed = derive(Document(id="d", title="关于某项目的通知", body="机密★1年\n某局文件\n" + body.replace(line, "无"))).values
    assert headed["marking_level"] == "secret" and "embedded_marking" not in headed["secrecy_risk"]


def _records(name: str) -> list[dict[str, object]]:
    path = PROJECT_ROOT / "data" / name / "records.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("corpus", ["published", "holdout", "training"])
def test_no_proactive_document_of_any_corpus_raises_a_cue(corpus: str) -> None:
    """The 60 real published State Council documents and every document labelled proactive or
    on_request: none reads as secret (checked one by one when the cues were written)."""
    raised = [r["id"] for r in _records(corpus) if r["labels"]["category"] in ("proactive", "on_request")  # type: ignore[index]
              and facts_of(**{k: v for k, v in r.items() if k != "labels"})["secrecy_risk"]]
    assert raised == []


def test_classified_documents_of_the_holdout_all_raise_a_cue() -> None:
    classified = [r for r in _records("holdout") if r["labels"]["secrecy"] in ("confidential", "secret", "top_secret")]  # type: ignore[index]
    assert classified
    for record in classified:
        unmarked = {k: v for k, v in record.items() if k not in ("labels", "secrecy_marking")}
        assert facts_of(**unmarked)["secrecy_risk"], record["id"]


def test_gating_by_anchor_words_loses_no_cue() -> None:
    """find_risk_cues runs a cue's pattern only when one of its anchor words occurs: on every corpus
    document and every case above, that finds exactly what running every pattern finds."""
    from engine.facts.secrecy_risk import CUES, _reserve_spans
    from engine.facts.text import for_matching, unwrap

    texts = [str(r.get(f) or "") for c in ("published", "holdout", "training") for r in _records(c) for f in ("title", "body")]
    texts += [case.values[0] for case in _CASES] + list(_ORDINARY)
    for text in texts:
        joined = unwrap(for_matching(text)).text
        every = {cue for cue, pattern in CUES.items() if pattern.search(joined)} | (
            {"reserves"} if _reserve_spans(joined) else set())
        gated = {c.cue for c in find_risk_cues({"body": text}, {"body": text})}
        assert gated == every, text[:80]


def _unmarked(record: dict) -> dict:  # type: ignore[type-arg]
    """The record with its marking taken out of the metadata and the header: what a careless intake sends."""
    header = ("工作秘密", "内部", "机密", "秘密", "绝密")
    body = "\n".join(line for line in record["body"].split("\n") if not any(w in line[:8] for w in header))
    return {**record, "secrecy_marking": None, "body": body}


def test_the_model_is_heard_as_a_secrecy_signal_and_only_where_it_should_be(combined) -> None:  # type: ignore[no-untyped-def]
    """The model's own signal (engine/suggest.model_signals): raised on some secret documents whose
    markings were removed, on none of the 60 real published documents."""
    from engine.facts.document import document_from_record

    def model_cue(record: dict) -> bool:
        signals = combined.suggest(document_from_record(record))["secrecy_signals"]
        return any(s["kind"] == "risk" and s["cue"] == "model" for s in signals)

    secret = [_unmarked(r) for r in _records("holdout")
              if r["labels"]["secrecy"] in ("confidential", "secret")]  # type: ignore[index]
    assert sum(map(model_cue, secret)) >= 1
    assert not any(model_cue(r) for r in _records("published"))
