"""The application rules (rules/applications/): each rule on the facts of a real-looking application and
what the catalog found for it; the manifest's order; the two rulebooks' fields never mixing; and the loader
refusing what it refuses for document rules (citations, examples, outcomes)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from engine.applications import proposal_facts
from engine.applications.proposal import Candidate, Description, Earlier, Search, propose
from engine.applications.proposal_facts import facts_of
from engine.facts.document import document_from_record
from engine.paths import PROJECT_ROOT
from engine.rules import application_rules
from engine.rules.application_rules import APPLICATION_FIELDS, ApplicationDecision, application_facts, decide
from engine.rules.loader import check_files
from engine.rules.rulebook import Rulebook, files_of
from engine.suggest import Suggester
from engine.vocabulary import DECIDED_FIELDS, ApplicationOutcome, Store

RULES = PROJECT_ROOT / "rules"
ROAD = Candidate(1, Store.PROACTIVE, "青川市城市道路挖掘管理办法", "青交发〔2025〕8号", "11510000/2025-00008",
                 "为加强城市道路挖掘管理，制定本办法。", url="https://example.gov.cn/8.html")
PENALTY = Candidate(2, Store.ON_REQUEST, "对青川某食品有限公司的行政处罚决定书", "青市监罚〔2025〕36号",
                    "11510000/2025-00036", "当事人青川某食品有限公司生产经营标签不符合规定的食品。")
FLOOD = Candidate(3, Store.WITHHELD, "关于追加2025年度防汛物资储备经费的请示", "青水〔2025〕21号",
                  "11510000/2025-00021", "市人民政府：为做好防汛物资储备……妥否，请批示。", exemption="process_info")
MEETING = Candidate(4, Store.NOT_GOVERNMENT_INFO, "2025年第一季度党风廉政建设工作会议纪要", "青水机党〔2025〕2号",
                    "11510000/2025-00002", "会议传达学习了上级纪委全会精神。")
UNGROUNDED = Candidate(5, Store.WITHHELD, "关于防汛物资仓库选址的报告", "青水〔2025〕30号", "11510000/2025-00030",
                       "仓库选址情况报告如下。")
CATALOG = (ROAD, PENALTY, FLOOD, MEETING, UNGROUNDED)


@lru_cache(maxsize=1)
def _book() -> Rulebook:
    book, diagnostics = check_files(files_of(RULES))
    assert book is not None, diagnostics
    return book


def _search(unread: int = 0) -> Search:
    return Search(tuple(Store), 120, 5, ("doc_number", "index_number", "title", "text"), (), (), unread)


def _decide(words: str, candidates: tuple[Candidate, ...] = CATALOG, *, unread: int = 0,
            earlier: tuple[Earlier, ...] = ()) -> tuple[ApplicationDecision, dict[str, Any]]:
    description = Description(words)
    facts = application_facts(facts_of(description, propose(description, candidates, _search(unread),
                                                                earlier=earlier)))
    return decide(_book().applications, facts), facts


@pytest.mark.parametrize(("words", "outcome", "rule"), [
    ("小区旁工地夜间施工噪声扰民，我要投诉，请依法查处并责令其停工。", "not_processed.petition",
     "applications.screening.petition"),
    ("请提供《青川统计年鉴2024》纸质版一本。", "not_processed.publication", "applications.screening.publication"),
    ("我手上有一份贵局2019年的批复复印件，请书面确认其真实性并加盖公章。", "not_processed.confirm_or_reissue",
     "applications.screening.confirm_or_reissue"),
    ("请提供青川某商贸有限公司的全部工商登记资料，包括股东名册。", "withheld.administrative_query",
     "applications.screening.administrative_query"),
    ("请将2015年至2024年全市每年的体育场馆维修经费按区汇总，并制作一份对比分析表。", "cannot_provide.needs_creation",
     "applications.screening.needs_creation"),
    ("请公开青交发[2025]8号文件", "disclosed.already_public", "applications.catalog.already_public"),
    ("申请公开对青川某食品有限公司的行政处罚决定书", "disclosed", "applications.catalog.disclosed"),
    ("申请公开青水〔2025〕21號", "withheld.process_info", "applications.catalog.withheld_process_info"),
    ("申请公开青交发〔2025〕8号和青水〔2025〕21号", "partial", "applications.catalog.partial"),
    ("青水机党〔2025〕2号会议纪要", "other.other", "applications.catalog.not_government_info"),
    ("申请公开2031年地铁三号线规划的专家评审意见", "cannot_provide.not_held", "applications.catalog.not_held"),
])
def test_each_rule_decides_a_real_looking_application(words: str, outcome: str, rule: str) -> None:
    decision, _ = _decide(words)
    assert decision.outcome == outcome, [h.rule.id for h in decision.hits]
    assert decision.rule is not None and decision.rule.id == rule
    hit = next(h for h in decision.hits if h.rule.id == rule)
    assert hit.rule.citation().startswith("政府信息公开条例第") and all(b["verified"] for b in hit.rule.legal_basis)


def test_a_withheld_match_is_re_assessed_now_under_article_18() -> None:
    decision, facts = _decide("申请公开青水〔2025〕21号")
    assert facts["withheld_exemptions"] == ("process_info",) and facts["match_strength"] == "exact"
    assert decision.rule is not None and "第18条" in decision.rule.citation() and "第16条第2款" in decision.rule.citation()


def test_the_petition_rule_shows_the_words_that_made_it_fire_and_spares_a_request_for_the_result() -> None:
    decision, _ = _decide("小区旁工地夜间施工噪声扰民，我要投诉，请依法查处并责令其停工。")
    evidence = next(h for h in decision.hits if h.rule.id == "applications.screening.petition").evidence
    assert any("我要投诉" in e.get("matched", []) for e in evidence)
    result, _ = _decide("请公开我于2025年6月投诉工地噪声一事的处理结果。")
    assert "applications.screening.petition" not in {h.rule.id for h in result.hits}


def test_needs_creation_gives_way_to_an_item_that_exists() -> None:
    decision, _ = _decide("请提供青川市城市道路挖掘管理办法的汇总文本")
    assert decision.outcome == "disclosed.already_public"
    assert "applications.screening.needs_creation" not in {h.rule.id for h in decision.hits}


def test_no_outcome_when_the_handler_must_choose() -> None:
    # a withheld match without a recorded ground
    ungrounded, facts = _decide("申请公开青水〔2025〕30号")
    assert facts["catalog_outcome"] == "none" and facts["withheld_exemptions"] == ("unrecorded",)
    assert ungrounded.outcome is None and ungrounded.rule is None
    # withheld and not government information: two answers that are not given, the handler picks
    mixed, facts = _decide("申请公开青水〔2025〕21号和青水机党〔2025〕2号")
    assert facts["catalog_outcome"] == "none" and mixed.outcome is None
    # nothing found, but secret items the searcher could not read: not held is not yet an answer
    unread, facts = _decide("申请公开2031年地铁三号线规划的专家评审意见", unread=2)
    assert facts["search_complete"] == "no" and unread.outcome is None


def test_a_repeat_of_an_answered_application_beats_the_catalog_and_a_pending_one_does_not() -> None:
    answered = Earlier("〔2025〕第0003号", "青川市城市道路挖掘管理办法", True, ApplicationOutcome.DISCLOSED_ALREADY_PUBLIC,
                       item_ids=(1,))
    decision, facts = _decide("请公开青交发[2025]8号文件", earlier=(answered,))
    assert facts["repeat"] == "answered" and decision.outcome == "not_processed.repeat"
    assert decision.contested_by == ("disclosed.already_public",)  # a surer rule said otherwise: shown
    pending = Earlier("〔2025〕第0004号", "青川市城市道路挖掘管理办法", False, item_ids=(1,))
    decision, facts = _decide("请公开青交发[2025]8号文件", earlier=(pending,))
    assert facts["repeat"] == "pending" and decision.outcome == "disclosed.already_public"


def test_the_manifest_orders_every_outcome_and_screening_wins() -> None:
    order = _book().applications.order
    assert sorted(order) == sorted(o.value for o in ApplicationOutcome)
    decision, _ = _decide("我要举报青交发〔2025〕8号文件执行不力，请求查处相关人员")
    assert {h.outcome for h in decision.hits} >= {"not_processed.petition", "disclosed.already_public"}
    assert decision.outcome == "not_processed.petition"


def test_the_facts_are_the_vocabulary_the_rules_name() -> None:
    description = Description("请公开青交发[2025]8号文件")
    derived = facts_of(description, propose(description, CATALOG, _search()))
    assert set(derived) == set(APPLICATION_FIELDS)
    assert proposal_facts.UNRECORDED == application_rules.UNRECORDED
    assert proposal_facts.NO_OUTCOME == application_rules.NO_OUTCOME
    with pytest.raises(ValueError, match="unknown application facts: category"):
        application_facts({"category": "withheld"})


# -- the two rulebooks do not mix ----------------------------------------------------------------------------

def test_a_document_never_gets_an_application_outcome_and_the_application_rules_set_nothing_else() -> None:
    book = _book()
    assert book.applications.rules and all(set(r.outcome) == {"application_outcome"} for r in book.applications.rules)
    assert all("application_outcome" not in r.outcome for r in book.rules)
    assert not {r.id for r in book.rules} & {r.id for r in book.applications.rules}
    suggester = Suggester(book, "reference")
    document = document_from_record({"title": "关于我要投诉噪声扰民并要求查处的请示", "doc_type": "请示",
                                      "body": "我要投诉，请依法查处。妥否，请批示。"})
    _, decision = suggester.run(document, rules_only=True)
    assert set(decision.fields) == set(DECIDED_FIELDS)
    assert not any(hit.rule.id.startswith("applications.") for hit in decision.hits)


def _with(files: dict[str, str], path: str, text: str) -> list[Any]:
    _, diagnostics = check_files({**files, path: text})
    return [(d.code, d.message) for d in diagnostics if d.severity == "error"]


RULE = """schema: gongkai-rules/1
rules:
  - id: {id}
    title: 测试规则
    mode: enforce
    outcome: {{{outcome}}}
    legal_basis:
      - {{source: 政府信息公开条例, article: 39, paragraph: 1, excerpt: {excerpt}}}
    when: {{field: {field}, contains_any: [我要投诉]}}
    examples:
      - {{name: 触发, document: {{{fires}}}, expect: fires}}
      - {{name: 不触发, document: {{}}, expect: does_not_fire}}
"""
GOOD = dict(id="applications.test.petition", outcome="application_outcome: not_processed.petition",
            excerpt="进行信访、投诉、举报等活动", field="description", fires="description: 我要投诉")


def test_the_loader_refuses_mixed_fields_bad_citations_and_wrong_examples() -> None:
    files = files_of(RULES)
    assert _with(files, "applications/test.yaml", RULE.format(**GOOD)) == []
    mixed = _with(files, "applications/test.yaml", RULE.format(**{**GOOD, "outcome": "category: withheld"}))
    assert [code for code, _ in mixed] == ["R206"] and "application_outcome only" in mixed[0][1]
    document_field = _with(files, "applications/test.yaml", RULE.format(**{**GOOD, "field": "title"}))
    assert ("R103", "unknown field 'title' in condition") in document_field
    in_document_rules = _with(files, "withheld/test.yaml", RULE.format(
        **{**GOOD, "id": "withheld.test.petition", "field": "title", "fires": "title: 我要投诉"}))
    assert [code for code, _ in in_document_rules] == ["R206"] and "never on a document" in in_document_rules[0][1]
    misquoted = _with(files, "applications/test.yaml", RULE.format(**{**GOOD, "excerpt": "进行上访活动"}))
    assert [code for code, _ in misquoted] == ["R205"]
    wrong = _with(files, "applications/test.yaml", RULE.format(**{**GOOD, "fires": "description: 请公开文件"}))
    assert [code for code, _ in wrong] == ["R301"]
    unknown = _with(files, "applications/test.yaml", RULE.format(**{**GOOD, "fires": "title: 我要投诉"}))
    assert [code for code, _ in unknown] == ["R105"]


def test_application_rules_need_the_manifest_order() -> None:
    files = files_of(RULES)
    manifest = files["_ruleset.yaml"].split("  application_outcome:")[0]
    problems = _with({**files, "_ruleset.yaml": manifest}, "applications/test.yaml", RULE.format(**GOOD))
    assert ("R203", "precedence.application_outcome is missing") in problems
    short = files["_ruleset.yaml"].replace("    - other.fee_unpaid\n", "")
    assert any(code == "R203" and "other.fee_unpaid" in message
               for code, message in _with({**files, "_ruleset.yaml": short}, "applications/x.yaml", RULE.format(**GOOD)))


def test_a_rule_set_without_application_rules_loads_as_before(tmp_path: Path) -> None:
    files = {name: text for name, text in files_of(RULES).items() if not name.startswith("applications/")}
    book, diagnostics = check_files(files)
    assert book is not None and not [d for d in diagnostics if d.severity == "error"]
    assert book.applications.rules == () and [r.id for r in book.rules] == [r.id for r in _book().rules]
    assert decide(book.applications, application_facts({"description": "我要投诉"})).outcome is None


def test_rules_check_and_test_fail_on_a_broken_application_rule(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from engine.cli import main

    for name, text in files_of(RULES).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert main(["rules", "check", "--rules", str(tmp_path)]) == 0
    capsys.readouterr()
    broken = tmp_path / "applications" / "screening.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("excerpt: 需要行政机关对现有政府信息进行加工、分析的",
                                                                 "excerpt: 需要行政机关对现有信息进行汇总的"), encoding="utf-8")
    assert main(["rules", "check", "--rules", str(tmp_path)]) == 1
    said = capsys.readouterr().err
    assert "applications/screening.yaml" in said and "R205" in said
    assert main(["rules", "test", "--rules", str(tmp_path)]) == 1
