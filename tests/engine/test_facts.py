"""Derived facts: markings, 文种, personal data, issuers, comment calls, release notes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.facts.document import document_from_record
from engine.facts.marking import parse_marking
from engine.facts.normalize import infer_doc_type, normalize_text
from engine.facts.personal_data import find_personal_data, id_check_digit, luhn_ok
from engine.vocabulary import Secrecy
from tests.conftest import facts_of


def _id(first17: str) -> str:
    return first17 + id_check_digit(first17)


@pytest.mark.parametrize(
    ("metadata", "body", "level", "origin"),
    [
        ("秘密★1年", "正文", "confidential", ["metadata"]),
        ("", "000126\n机密★3年\n特急\n\n江州市公安局文件", "secret", ["body"]),
        ("内部", "绝密★考试结束\n关于……", "top_secret", ["body", "metadata"]),
        ("秘密", "机密★10年\n正文", "secret", ["body", "metadata"]),
        ("", "密级：秘密\n正文", "confidential", ["body"]),
        ("工作秘密", "各处室：\n现将有关事项通知如下。", "internal", ["metadata"]),
        ("", "内部\n关于调整机关食堂就餐时间的通知", "internal", ["body"]),
        ("", "各单位：\n要严格遵守保密纪律，不得泄露国家秘密。", "none", []),
        ("非密", "正文", "none", []),
        ("", "内部（参阅件）\n\n2024年1—9月收支执行情况分析", "internal", ["body"]),
        ("", "内部资料 注意保存\n关于……", "internal", ["body"]),
        ("", "内部审计工作规定\n第一条 ……", "none", []),
        ("", "关于加强内部管理的通知", "none", []),
    ],
    ids=["metadata-confidential", "body-header-secret", "stricter-of-both", "body-stricter-than-metadata",
         "labelled-header", "work-secret", "internal-header", "sentence-is-not-a-marking", "non-secret-word",
         "internal-variant-parenthesis", "internal-variant-keep-safe", "internal-title-is-not-a-marking",
         "long-line-is-not-a-marking"],
)
def test_marking_from_metadata_and_body_header(metadata: str, body: str, level: str, origin: list[str]) -> None:
    facts = facts_of(title="关于某事项的通知", secrecy_marking=metadata, body=body)
    assert facts["marking_level"] == level
    assert facts["marking_origin"] == origin


def test_unknown_marking_text_is_treated_as_internal() -> None:
    assert parse_marking("限国内发行") == (Secrecy.INTERNAL, "")


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [("关于申请专项经费的请示", "请示"), ("关于同意设立分支机构的批复", "批复"), ("关于商请提供数据的函", "函"),
     ("关于某事项的复函", "函"), ("局长办公会议纪要", "纪要"), ("2024年国民经济和社会发展统计公报", "公报"),
     ("关于2024年工作情况的报告", "报告"), ("关于拟任职人员的公示", "公示"), ("某市生态环境局主要职责", None)],
)
def test_doc_type_inferred_from_title(title: str, doc_type: str | None) -> None:
    assert infer_doc_type(title) == doc_type


def test_doc_type_given_wins_and_inference_is_reported() -> None:
    assert facts_of(title="关于某事的请示", doc_type="报告")["doc_type"] == "报告"
    inferred = facts_of(title="关于某事的请示")
    assert (inferred["doc_type"], inferred["doc_type_source"]) == ("请示", "title")
    assert facts_of(title="工作动态")["doc_type_source"] == "missing"


def test_resident_id_needs_a_valid_check_digit_and_birth_date() -> None:
    good = _id("11010519491231002")
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    bad_birth = _id("11010519491331002")
    kinds = [f.kind for f in find_personal_data(f"甲{good}乙{bad_check}丙{bad_birth}", "body")]
    assert kinds == ["id_card", "id_card_unverified"]


def test_digits_glued_to_other_digits_are_not_personal_data() -> None:
    assert find_personal_data("编号9" + _id("11010519491231002") + "7", "body") == []
    assert find_personal_data("订单号2139123456789", "body") == []


def _card(first15: str) -> str:
    return next(first15 + d for d in "0123456789" if luhn_ok(first15 + d))


def test_mobile_landline_and_bank_card() -> None:
    card = _card("622200000000001")
    assert not luhn_ok(card[:15] + str((int(card[15]) + 1) % 10))
    grouped = " ".join(card[i:i + 4] for i in range(0, 16, 4))
    text = f"联系人手机13912345678，办公电话010-87654321，电话：83126645，卡号{grouped}"
    found = find_personal_data(text, "body")
    assert [f.kind for f in found] == ["mobile", "landline", "landline", "bank_card"]
    assert all("*" in f.masked for f in found)  # evidence never repeats a full number
    assert text[found[0].start:found[0].end] == "13912345678"


def test_personal_data_counts_and_spans_in_facts() -> None:
    body = f"申请人张某某，身份证号{_id('32010219800101123')}，手机13812345678、13987654321。"
    facts = facts_of(title="低保申请核对表", body=body)
    assert (facts["id_card_count"], facts["mobile_count"], facts["personal_data_count"]) == (1, 2, 3)
    assert facts["personal_data"] == ["id_card", "mobile"]
    spans = [e for e in facts.evidence if e.fact == "personal_data"]
    assert body[spans[0].start:spans[0].start + 6] == body[spans[0].start:spans[0].end][:6]


@pytest.mark.parametrize(
    ("fields", "issuers", "subjects"),
    [
        ({"title": "关于收缴党费的通知", "division": "机关党委", "doc_number": "某交机党〔2023〕31号"}, ["party"], ["party"]),
        ({"title": "关于组织职工疗休养的通知", "division": "机关工会"}, ["union"], ["union"]),
        ({"title": "关于开展五四青年节活动的通知", "division": "团委", "doc_number": "某统团〔2021〕2号"}, ["league"], ["league"]),
        ({"title": "关于廉洁过节的提醒", "division": "驻局纪检监察组"}, ["discipline"], []),
        ({"title": "关于开展主题教育的通知", "body": "各党支部：\n……\n中共某市某局机关委员会\n2023年4月20日"}, ["party"], ["party"]),
        ({"title": "关于印发财政专项资金管理办法的通知", "division": "预算处", "body": "抄送：中共某市委员会办公室"}, [], []),
    ],
    ids=["party", "union", "league", "discipline", "party-signature", "cc-line-is-not-an-issuer"],
)
def test_party_union_league_issuers_and_subjects(fields: dict[str, str], issuers: list[str], subjects: list[str]) -> None:
    facts = facts_of(**fields)
    assert facts["issuer_bodies"] == issuers
    assert facts["subject_bodies"] == subjects


@pytest.mark.parametrize(
    ("title", "body", "doc_type", "audience"),
    [
        ("关于《某办法（征求意见稿）》公开征求意见的公告", "现向社会公开征求意见。", "公告", "public"),
        ("关于征求《某办法（征求意见稿）》意见的函", "各区财政局：\n请于5月10日前反馈我局。", "函", "agencies"),
        ("关于召开价格听证会的公告", "欢迎广大市民报名参加。", "公告", "public"),
        ("关于印发某办法的通知", "请认真贯彻执行。", "通知", "none"),
    ],
)
def test_public_comment_audience(title: str, body: str, doc_type: str, audience: str) -> None:
    assert facts_of(title=title, body=body, doc_type=doc_type)["public_comment"] == audience


def test_release_note_and_closing_and_addressee() -> None:
    facts = facts_of(title="关于印发某办法的通知", body="各区财政局：\n现印发给你们。\n某市财政局\n（此件公开发布）")
    assert facts["release_note"] == "public"
    assert facts["addressee"] == "各区财政局："
    assert facts["closing"].endswith("（此件公开发布）")
    assert facts_of(body="（此件不予公开）")["release_note"] == "not_public"


def test_trade_secret_cues_are_counted_once_each() -> None:
    facts = facts_of(title="关于某公司申请材料中商业秘密的说明", body="涉及生产工艺和配方，以及商业秘密。")
    assert facts["trade_secret_cues"] == 3


def test_normalisation_is_idempotent_and_keeps_spans() -> None:
    text = "２０２４年　第１２号（此件公开发布）"
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert len(once) == len(text)
    assert once == "2024年 第12号（此件公开发布）"


@pytest.mark.parametrize(
    ("record", "warning"),
    [
        ({"title": 12345, "body": "正文"}, "title: expected a string, got a number"),
        ({"title": ["a"], "body": "正文"}, "title: expected a string, got list"),
        ({"title": "某通知", "date": "2024-13-45"}, "date: '2024-13-45' is not a YYYY-MM-DD date"),
        ({"doc_type": "通知"}, "title and body are both missing"),
        ({"title": "某通知", "source": "fax"}, "source: 'fax' is not one of closure, manual"),
    ],
)
def test_mistyped_records_are_evaluated_with_a_warning(record: dict[str, object], warning: str) -> None:
    document = document_from_record(record)
    assert any(w.startswith(warning) for w in document.warnings), document.warnings
    facts = facts_of(**record)
    assert facts["year"] == 0 or record.get("date") is None


@pytest.mark.slow  # a 10 MB body
def test_ten_megabyte_body_is_evaluated() -> None:
    body = ("第一条 为规范管理，制定本办法。联系电话010-87654321。\n" * 350_000)[: 10 * 1024 * 1024]
    facts = facts_of(title="关于印发某办法的通知", body=body)
    assert facts["body_chars"] == len(body)
    assert facts["landline_count"] > 100_000


@given(st.lists(st.sampled_from(["", " ", "中共某市委员会", "乙丙", "\t", "某市人民政府 ", "2024年1月1日"]), max_size=14))
@settings(max_examples=500)
def test_edge_lines_walk_in_from_both_ends_like_a_full_split(parts: list[str]) -> None:
    from engine.facts.cues import _edge_lines

    body = "\n".join(parts)
    lines, offset = [], 0
    for line in body.split("\n"):
        if line.strip():
            lines.append((offset, line))
        offset += len(line) + 1
    assert _edge_lines(body) == (lines[:3] + lines[-3:] if len(lines) > 6 else lines)
