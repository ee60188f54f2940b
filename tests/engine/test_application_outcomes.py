"""The outcomes of applications and their Table 三 rows (applications.md §1.7, §3.2; data/applications/
outcomes.yaml), mixed item results (T18), and the Art. 44 suggestion (T21)."""

from __future__ import annotations

import copy
import datetime

import pytest
import yaml

from engine.applications.outcomes import (
    OutcomeChoiceNeeded,
    OutcomeMappingError,
    PublicationSuggestion,
    Request,
    application_outcome,
    default_table,
    load_outcome_table,
    parse_outcome_table,
    publication_suggestions,
)
from engine.paths import PROJECT_ROOT
from engine.vocabulary import APPLICATION_LABELS_ZH, LABELS_ZH, ApplicationOutcome

FILE = PROJECT_ROOT / "data" / "applications" / "outcomes.yaml"
RAW = yaml.safe_load(FILE.read_text(encoding="utf-8"))
d = datetime.date

# §1.7's table, exactly: outcome → the FMT21 row label.
EXPECTED = {
    "disclosed.already_public": "（一）予以公开",
    "disclosed": "（一）予以公开",
    "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld.state_secret": "（三）1.属于国家秘密",
    "withheld.law_prohibited": "（三）2.其他法律行政法规禁止公开",
    "withheld.security_stability": "（三）3.危及“三安全一稳定”",
    "withheld.third_party": "（三）4.保护第三方合法权益",
    "withheld.internal_affairs": "（三）5.属于三类内部事务信息",
    "withheld.process_info": "（三）6.属于四类过程性信息",
    "withheld.enforcement_case": "（三）7.属于行政执法案卷",
    "withheld.administrative_query": "（三）8.属于行政查询事项",
    "cannot_provide.not_held": "（四）1.本机关不掌握相关政府信息",
    "cannot_provide.not_responsible": "（四）1.本机关不掌握相关政府信息",
    "cannot_provide.needs_creation": "（四）2.没有现成信息需要另行制作",
    "cannot_provide.still_unclear": "（四）3.补正后申请内容仍不明确",
    "not_processed.petition": "（五）1.信访举报投诉类申请",
    "not_processed.repeat": "（五）2.重复申请",
    "not_processed.publication": "（五）3.要求提供公开出版物",
    "not_processed.excessive": "（五）4.无正当理由大量反复申请",
    "not_processed.confirm_or_reissue": "（五）5.要求行政机关确认或重新出具已获取信息",
    "other.no_correction": "（六）1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.fee_unpaid": "（六）2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.other": "（六）3.其他",
}


def test_every_outcome_maps_to_its_row_of_the_spec() -> None:
    table = default_table()
    assert table.format == "FMT21"
    assert {str(o): table.row_of(o).label for o in ApplicationOutcome} == EXPECTED


def test_the_rows_are_table_three_result_rows_in_order() -> None:
    """21 result rows ((一), (二), 8 + 3 + 5 + 3); with （七）总计 they are the 22 rows of 三."""
    labels = [row.label for row in default_table().rows]
    assert len(labels) == 21 and len(set(labels)) == 21
    assert labels[0] == "（一）予以公开" and labels[-1] == "（六）3.其他"
    assert set(EXPECTED.values()) == set(labels)  # every row is some outcome's


def test_every_outcome_has_a_meaning_and_the_article_of_the_spec() -> None:
    table = default_table()
    assert table.mapping("withheld.administrative_query").article == "条例第三十六条第（七）项"
    assert table.mapping("partial").article == "条例第三十七条"
    assert all(table.mapping(o).meaning for o in ApplicationOutcome)


def test_not_responsible_row_is_a_setting() -> None:
    assert load_outcome_table(FILE, not_responsible_row="（六）3").row_of("cannot_provide.not_responsible").code \
        == "（六）3"
    with pytest.raises(OutcomeMappingError, match="cannot_provide.not_responsible"):
        load_outcome_table(FILE, not_responsible_row="（九）9")


def test_an_unknown_outcome_id_is_an_error_naming_it() -> None:
    data = copy.deepcopy(RAW)
    data["outcomes"].append({"id": "withheld.dragons", "meaning": "x", "article": "", "row": "（六）3"})
    with pytest.raises(OutcomeMappingError, match="withheld.dragons"):
        parse_outcome_table(data)
    with pytest.raises(OutcomeMappingError, match="withheld.dragons"):
        default_table().row_of("withheld.dragons")


def test_an_unmapped_outcome_is_an_error_naming_it() -> None:
    data = copy.deepcopy(RAW)
    data["outcomes"] = [e for e in data["outcomes"] if e["id"] != "other.fee_unpaid"]
    with pytest.raises(OutcomeMappingError, match="without a report row: other.fee_unpaid"):
        parse_outcome_table(data)


@pytest.mark.parametrize("row", [["（一）", "（二）"], "（九）9", None])
def test_an_outcome_maps_to_exactly_one_known_row(row: object) -> None:
    data = copy.deepcopy(RAW)
    data["outcomes"][0]["row"] = row
    with pytest.raises(OutcomeMappingError, match="disclosed.already_public.*exactly one row"):
        parse_outcome_table(data)


def test_an_outcome_mapped_twice_and_another_format_are_errors() -> None:
    data = copy.deepcopy(RAW)
    data["outcomes"].append(dict(data["outcomes"][0]))
    with pytest.raises(OutcomeMappingError, match="mapped twice"):
        parse_outcome_table(data)
    with pytest.raises(OutcomeMappingError, match="FMT19"):
        parse_outcome_table({**RAW, "format": "FMT19"})


def test_T18_an_item_given_and_an_item_withheld_is_partial_counted_once() -> None:
    outcome = application_outcome(["disclosed", "withheld.third_party"])
    assert outcome == ApplicationOutcome.PARTIAL
    row = default_table().row_of(outcome)
    assert row.code == "（二）" and row.label != "（三）4.保护第三方合法权益"


def test_items_that_agree_give_their_outcome_and_disagreeing_ones_need_a_choice() -> None:
    assert application_outcome(["cannot_provide.not_held"] * 2) == ApplicationOutcome.CANNOT_PROVIDE_NOT_HELD
    assert application_outcome(["disclosed", "cannot_provide.not_held"]) == ApplicationOutcome.PARTIAL
    with pytest.raises(OutcomeChoiceNeeded, match="handler must choose") as refused:
        application_outcome(["withheld.state_secret", "cannot_provide.not_held"])
    assert refused.value.outcomes == ("cannot_provide.not_held", "withheld.state_secret")
    assert application_outcome(["withheld.state_secret", "cannot_provide.not_held"],
                               chosen="cannot_provide.not_held") == ApplicationOutcome.CANNOT_PROVIDE_NOT_HELD
    with pytest.raises(ValueError, match="none of the items"):
        application_outcome(["withheld.state_secret", "cannot_provide.not_held"], chosen="disclosed")
    with pytest.raises(ValueError, match="the items decide"):
        application_outcome(["disclosed", "withheld.state_secret"], chosen="withheld.state_secret")
    with pytest.raises(OutcomeMappingError, match="nonsense"):
        application_outcome(["nonsense"])


def test_T21_three_distinct_applicants_for_one_on_request_item_raise_an_art_44_suggestion() -> None:
    asked = [Request("张三", "item-7", "on_request", d(2025, 2, 1)), Request("李四", "item-7", "on_request", d(2025, 5, 3)),
             Request("张三", "item-7", "on_request", d(2025, 6, 1)), Request("王五", "item-7", "on_request", d(2025, 9, 9)),
             Request("张三", "item-8", "on_request", d(2025, 9, 9)), Request("李四", "item-8", "on_request", d(2025, 9, 9))]
    assert publication_suggestions(asked, on=d(2025, 10, 1)) == [
        PublicationSuggestion("item-7", ("张三", "李四", "王五"), d(2025, 2, 1), d(2025, 9, 9))]
    assert publication_suggestions(asked, on=d(2025, 10, 1), threshold=2)[1].item_id == "item-8"
    # the same applicant three times is one applicant
    assert publication_suggestions(asked[:1] * 3, on=d(2025, 10, 1)) == []


def test_art_44_counts_the_12_months_ending_on_the_day_and_on_request_items_only() -> None:
    asked = [Request("甲", "i", "on_request", d(2024, 10, 1)), Request("乙", "i", "on_request", d(2025, 3, 1)),
             Request("丙", "i", "on_request", d(2025, 9, 30))]
    assert len(publication_suggestions(asked, on=d(2025, 9, 30))) == 1  # (2024-09-30, 2025-09-30]
    assert publication_suggestions(asked, on=d(2025, 10, 1)) == []  # 甲's request is over 12 months old
    assert publication_suggestions(asked, on=d(2025, 9, 29)) == []  # 丙's is not yet made
    assert len(publication_suggestions(asked[1:], on=d(2028, 2, 29), threshold=1)) == 0
    elsewhere = [Request(a, "p", store, d(2025, 3, 1)) for a in "甲乙丙" for store in ("proactive", "withheld")]
    assert publication_suggestions(elsewhere, on=d(2025, 9, 30)) == []
    with pytest.raises(ValueError, match="at least one"):
        publication_suggestions(asked, on=d(2025, 9, 30), threshold=0)


def test_every_application_value_has_a_chinese_label_that_does_not_contradict_labels_zh() -> None:
    from engine import vocabulary as v
    for vocabulary in (v.ApplicationStatus, v.ApplicationOutcome, v.ApplicantKind, v.OrgSubtype, v.FormRequested, v.Delivery,
                       v.FeeMethod):
        assert set(vocabulary) <= set(APPLICATION_LABELS_ZH), vocabulary
    assert len(list(v.ApplicationStatus)) == 15 and len(list(v.ApplicationOutcome)) == 23
    clashes = {k for k in APPLICATION_LABELS_ZH if k in LABELS_ZH and LABELS_ZH[k] != APPLICATION_LABELS_ZH[k]}
    assert clashes == {"public_welfare"}  # 社会公益组织 vs the column 民生政策: why the tables are apart
