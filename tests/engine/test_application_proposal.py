"""The suggested outcome from the catalog (applications.md §1.7, last paragraph): numbers compared
normalised, titles and text by character bigrams, each store's proposal, the search recorded for 'not
held', partial answers and the re-assessment of withheld items (条例第十八条)."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.applications.proposal import (
    Candidate,
    Description,
    Earlier,
    Search,
    best_matches,
    bigrams,
    keywords,
    number_hints,
    number_key,
    propose,
)
from engine.vocabulary import ApplicationOutcome, Store

SEARCH = Search(stores=tuple(Store), items_searched=42, candidates_scored=3, fields=("doc_number", "title"),
                keywords=("道路", "挖掘"), numbers=())
ROAD = Candidate(1, Store.PROACTIVE, "关于印发《青川市城市道路挖掘管理办法》的通知", "青交发〔2025〕8号",
                 "11010000/2025-00001", "《青川市城市道路挖掘管理办法》已经局务会审议通过，现印发给你们。",
                 published_on=dt.date(2025, 3, 20))
PENALTY = Candidate(2, Store.ON_REQUEST, "行政处罚决定书", "青市监罚〔2025〕36号", "11010000/2025-00002",
                    "当事人：青川某食品有限公司。经查，当事人生产销售不符合食品安全标准的食品。")
FLOOD = Candidate(3, Store.WITHHELD, "关于追加2025年度防汛物资储备经费的请示", "青水〔2025〕21号",
                  "11010000/2025-00003", "入汛以来我市降雨偏多，现有防汛物资储备不足，拟申请追加经费860万元。",
                  exemption="process_info")
CANTEEN = Candidate(4, Store.NOT_GOVERNMENT_INFO, "关于调整机关食堂就餐时间的通知", None, "11010000/2025-00004",
                    "自4月7日起，机关食堂午餐时间调整为11:30—12:30。")
ALL = (ROAD, PENALTY, FLOOD, CANTEEN)


@pytest.mark.parametrize("variant", ["青交发〔2025〕8号", "青交发[2025]8号", "青交发（2025）8号", "青交发(2025)8号",
                                     "青交发［２０２５］８号", "青交發〔2025〕第8號", "青交发 〔2025〕 08号",
                                     "青交发【2025】8号", "青\u200b交发〔2025〕8号"])
def test_a_doc_number_is_one_number_whatever_its_brackets_digits_script_and_spaces(variant: str) -> None:
    assert number_key(variant) == number_key("青交发〔2025〕8号") == "青交发[2025]8号"
    match = best_matches(Description(f"申请公开{variant}文件"), ALL)[0]
    assert match.candidate is ROAD and match.exact and match.field == "doc_number"
    assert match.reasons == ("文号一致：青交发〔2025〕8号",)


def test_serials_that_differ_are_different_numbers() -> None:
    assert number_key("青交发〔2025〕18号") != number_key("青交发〔2025〕8号")
    assert not any(m.exact for m in best_matches(Description("青交发〔2025〕18号"), ALL))


def test_an_index_number_matches_exactly_and_beats_a_better_title() -> None:
    description = Description("城市道路挖掘管理办法", index_number=" 11010000 / 2025-00002 ")
    matches = best_matches(description, ALL)
    assert matches[0].candidate is PENALTY and matches[0].field == "index_number" and matches[0].score == 1.0
    assert matches[1].candidate is ROAD  # the title match is still listed, after it


def test_hints_for_the_database_are_found_in_the_applicants_words() -> None:
    docs, indexes = number_hints(Description("请提供青交發（２０２５）第08號及索引号11010000/2025-00017的信息"))
    assert docs == (("2025", "8"),) and indexes == ("11010000/2025-00017",)


def test_traditional_and_full_width_text_matches_the_simplified_title() -> None:
    assert bigrams("關於城市道路的通知") == ["城市", "市道", "道路"]
    match = best_matches(Description("請公開《青川市城市道路挖掘管理辦法》"), ALL)[0]
    assert match.candidate is ROAD and match.field == "title"
    assert "青川市城市道路挖掘管理办法" in match.words
    assert "标题与申请内容相符100%" in match.reasons[0]


def test_the_generic_words_of_an_application_match_nothing() -> None:
    assert keywords(Description("申请公开关于的通知相关文件信息")) == ()
    assert best_matches(Description("申请公开有关政府信息的通知文件"), ALL) == []


def test_text_tells_apart_items_with_the_same_title() -> None:
    other = Candidate(5, Store.WITHHELD, "行政处罚决定书", "青市监罚〔2025〕40号", "11010000/2025-00005",
                      "当事人：张某某。经查，当事人无证经营。", exemption="third_party")
    matches = best_matches(Description("请公开对青川某食品有限公司的行政处罚决定书"), (*ALL, other))
    assert [m.candidate.id for m in matches[:2]] == [2, 5] and matches[0].score > matches[1].score
    assert any("青川某食品有限公司" in r for r in matches[0].reasons)


def test_the_text_alone_can_match_when_all_the_applicants_words_are_in_it() -> None:
    match = best_matches(Description("生产销售不符合食品安全标准的食品"), ALL)[0]
    assert match.candidate is PENALTY and match.field == "text" and match.score >= 0.5
    assert "食品安全标准" in match.reasons[0] and "正文" in match.reasons[0]


def test_a_proactive_item_proposes_already_public_with_where() -> None:
    proposal = propose(Description("青交发〔2025〕8号"), ALL, SEARCH)
    assert proposal.outcome == ApplicationOutcome.DISCLOSED_ALREADY_PUBLIC and not proposal.final
    assert proposal.article == "条例第三十六条第（一）项" and not proposal.reassess
    assert proposal.parts[0].where == {"index_number": "11010000/2025-00001", "title": ROAD.title,
                                       "published_on": "2025-03-20"}
    assert any("索引号：11010000/2025-00001" in r and "发布日期：2025-03-20" in r for r in proposal.reasons)


def test_an_on_request_item_proposes_disclosed() -> None:
    proposal = propose(Description("青市监罚〔2025〕36号行政处罚决定书"), ALL, SEARCH)
    assert proposal.outcome == ApplicationOutcome.DISCLOSED and proposal.article == "条例第三十六条第（二）项"


def test_a_withheld_item_proposes_its_ground_but_to_be_reassessed_now() -> None:
    proposal = propose(Description("关于追加2025年度防汛物资储备经费的请示"), ALL, SEARCH)
    assert proposal.outcome == ApplicationOutcome.WITHHELD_PROCESS_INFO
    assert proposal.reassess and proposal.parts[0].reassess and not proposal.final
    assert "条例第十八条" in proposal.article and "条例第十六条" in proposal.article
    assert any("重新评估" in r for r in proposal.reasons)


def test_a_withheld_item_without_a_recorded_ground_leaves_the_outcome_to_the_handler() -> None:
    bare = Candidate(6, Store.WITHHELD, "防汛物资储备请示", None, "11010000/2025-00006", "", exemption=None)
    proposal = propose(Description("索引号11010000/2025-00006"), (bare,), SEARCH)
    assert proposal.outcome is None and proposal.reassess
    assert any("具体理由" in r for r in proposal.parts[0].reasons)


def test_a_not_government_info_item_proposes_other_or_the_setting() -> None:
    description = Description("机关食堂就餐时间调整的通知")
    assert propose(description, ALL, SEARCH).outcome == ApplicationOutcome.OTHER_OTHER
    chosen = propose(description, ALL, SEARCH, not_government_info=ApplicationOutcome.CANNOT_PROVIDE_NOT_RESPONSIBLE)
    assert chosen.outcome == ApplicationOutcome.CANNOT_PROVIDE_NOT_RESPONSIBLE
    assert "条例第三十六条第（五）项" in chosen.article
    with pytest.raises(ValueError, match="not_government_info"):
        propose(description, ALL, SEARCH, not_government_info=ApplicationOutcome.DISCLOSED)


def test_nothing_matched_proposes_not_held_with_the_search_that_was_done() -> None:
    proposal = propose(Description("请公开2019年本市养老院建设补贴发放名单"), ALL, SEARCH)
    assert proposal.outcome == ApplicationOutcome.CANNOT_PROVIDE_NOT_HELD and proposal.parts == ()
    assert proposal.article == "条例第三十六条第（四）项"
    said = proposal.reasons[0]
    for piece in ("主动公开库", "依申请公开库", "不予公开库", "非政府信息库", "共42件", "文号", "标题", "道路、挖掘",
                  "比对3件", "未发现"):
        assert piece in said, piece
    assert proposal.search.items_searched == 42 and not proposal.final


def test_not_held_lists_the_nearest_items_below_the_threshold_for_the_handler_to_check() -> None:
    proposal = propose(Description("城市道路照明设施维护计划"), ALL, SEARCH)
    assert proposal.outcome == ApplicationOutcome.CANNOT_PROVIDE_NOT_HELD and proposal.parts == ()
    assert [m.candidate.id for m in proposal.matches] == [1] and proposal.matches[0].score < 0.5
    assert "最接近的1件" in proposal.reasons[0]


def test_not_held_says_when_secret_items_were_not_searched() -> None:
    search = Search(tuple(Store), 10, 0, ("title",), ("养老",), (), restricted_unread=2)
    proposal = propose(Description("养老院补贴名单"), (), search)
    assert "另有2件涉密信息" in proposal.reasons[0] and "方可答复本机关不掌握" in proposal.reasons[0]


def test_strong_matches_given_and_withheld_propose_partial_with_each_part() -> None:
    description = Description("请公开青交发〔2025〕8号和青水〔2025〕21号两份文件")
    proposal = propose(description, ALL, SEARCH)
    assert proposal.outcome == ApplicationOutcome.PARTIAL and proposal.reassess
    assert [(p.match.candidate.id, p.outcome) for p in proposal.parts] == [
        (1, ApplicationOutcome.DISCLOSED_ALREADY_PUBLIC), (3, ApplicationOutcome.WITHHELD_PROCESS_INFO)]
    assert proposal.article.startswith("条例第三十七条") and "条例第十八条" in proposal.article
    assert any("区分处理" in r for r in proposal.reasons)


def test_parts_that_are_all_given_but_differ_are_for_the_handler_to_choose() -> None:
    proposal = propose(Description("青交发〔2025〕8号、青市监罚〔2025〕36号"), ALL, SEARCH)
    assert proposal.outcome is None and len(proposal.parts) == 2
    assert any("由经办人选择" in r for r in proposal.reasons)


def test_a_restricted_item_matches_by_its_index_number_only_and_shows_no_content() -> None:
    hidden = Candidate(7, Store.WITHHELD, None, None, "11010000/2025-00007", "", exemption="state_secret",
                       restricted=True)
    assert best_matches(Description("机密部署的通知"), (hidden,)) == []
    proposal = propose(Description("索引号11010000/2025-00007"), (hidden,), SEARCH)
    assert proposal.outcome == ApplicationOutcome.WITHHELD_STATE_SECRET and proposal.reassess
    assert proposal.matches[0].candidate.title is None and proposal.matches[0].field == "index_number"


def test_an_answered_application_for_the_same_information_proposes_no_repeat_handling() -> None:
    """§1.5, 条例第三十六条第（六）项: the same applicant, the same information, answered already."""
    earlier = (Earlier("依申2025-0007", "请公开城市道路挖掘管理办法全文", answered=True,
                       outcome=ApplicationOutcome.DISCLOSED_ALREADY_PUBLIC, concluded_on=dt.date(2025, 5, 6)),
               Earlier("依申2025-0009", "养老院补贴名单", answered=True))
    proposal = propose(Description("申请公开《城市道路挖掘管理办法》"), ALL, SEARCH, earlier=earlier)
    assert proposal.outcome == ApplicationOutcome.NOT_PROCESSED_REPEAT
    assert proposal.article == "条例第三十六条第（六）项" and [e.reg_no for e in proposal.repeats] == ["依申2025-0007"]
    assert "依申2025-0007" in proposal.reasons[0] and "2025-05-06" in proposal.reasons[0]
    assert proposal.parts[0].match.candidate is ROAD  # the catalog's match stays, for the handler to compare


def test_an_earlier_answer_about_the_matched_item_is_a_repeat_whatever_its_words() -> None:
    earlier = (Earlier("依申2025-0011", "交通局去年印发的那个挖路的规定", answered=True, item_ids=(1,)),)
    proposal = propose(Description("青交发〔2025〕8号"), ALL, SEARCH, earlier=earlier)
    assert proposal.outcome == ApplicationOutcome.NOT_PROCESSED_REPEAT


def test_a_pending_application_for_the_same_information_is_flagged_not_decided() -> None:
    earlier = (Earlier("依申2025-0012", "城市道路挖掘管理办法", answered=False),)
    proposal = propose(Description("城市道路挖掘管理办法"), ALL, SEARCH, earlier=earlier)
    assert proposal.outcome == ApplicationOutcome.DISCLOSED_ALREADY_PUBLIC
    assert proposal.repeats == earlier and "尚在办理的申请（登记号依申2025-0012）" in proposal.reasons[-1]
