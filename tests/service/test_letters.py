"""Letters and receipts of public applications (api/letters; applications.md §1.8, §2, §4.2): every letter
type renders to DOCX and HTML with its elements in both, refuses when any element it needs is missing and
names it, prints the remedies from the agency's settings, escapes the applicant's words, and the template
data is checked when it is loaded. Pure: no database, no app."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from markupsafe import escape

from api.letters import MissingElements, TemplateError, answer_kind, load, render, to_docx, to_html
from api.letters.elements import OUTCOMES, SETTINGS, entry_number, text_of
from api.letters.render import required
from api.settings import Settings

LETTERS = Path(__file__).resolve().parents[2] / "data" / "letters"
TEMPLATES = load(LETTERS)
CONFIGURED = Settings(agency_name="北京市某某委员会", contact_person="王联络", contact_phone="010-87654321",
                      review_authority="北京市人民政府", court="北京市第四中级人民法院",
                      letter_number_pattern="京某依申公{code}〔{year}〕{serial}号",
                      progress_query="https://www.example.gov.cn/ysqgk 查询码 A7K2", letters=LETTERS)

FRAME = {"reg_no": "〔2025〕第0123号", "applicant": "张某某", "received_on": dt.date(2025, 9, 26), "channel": "in_person",
         "description": "2024年某区老旧小区改造项目清单", "date": dt.date(2025, 10, 20), "serial": 37}

# Each letter type with sample values (and each variant where a flag chooses the wording).
SAMPLES: dict[str, dict[str, dict[str, Any]]] = {
    "receipt": {"in_person": {"receipt_basis": "handed_in", "items": 2, "form_requested": "paper",
                              "delivery": "post", "deadline": dt.date(2025, 10, 30), "clerk": "李登记"}},
    "correction": {"": {"points": ["请写明所需文件的名称或者文号", "请写明所需信息的时间范围"],
                        "guidance": "可参考本机关网站政府信息公开目录中的名称", "period": "15个工作日",
                        "period_end": dt.date(2025, 10, 31), "how_to_submit": "邮寄或者当面提交"}},
    "reason_request": {"": {"facts": "您在2025年3月内提出政府信息公开申请56件", "reply_end": dt.date(2025, 4, 10),
                            "how_to_reply": "书面邮寄"}},
    "extension": {"": {"reason": "申请的信息数量较多需要逐件检索", "original_deadline": dt.date(2025, 12, 18),
                       "new_deadline": dt.date(2026, 1, 16)}},
    "delay": {"": {"reason": "申请的信息达三百余件", "new_deadline": dt.date(2025, 6, 30)}},
    "third_party_consultation": {"": {"third_party": "某某建筑有限公司", "information": "2024年施工合同",
                                      "effect": "包含贵方的报价明细", "how_to_reply": "书面寄送至本机关办公室"}},
    "third_party_decision": {"": {"third_party": "某某建筑有限公司", "information": "2024年施工合同的合同价款",
                                  "objection": "不同意公开，理由为涉及商业秘密",
                                  "reasons": "合同价款涉及财政资金使用，公众知情利益重大",
                                  "disclose_on": dt.date(2025, 11, 20)}},
    "agency_consultation": {"": {"other_agency": "北京市某某局", "information": "两机关联合印发的通知"}},
    "fee_notice": {"": {"method": "per_page", "quantity": "250页", "standard": "31至100页每页10元，101至200页每页20元，"
                        "201页以上每页40元", "amount": "4700", "how_to_pay": "银行转账至非税收入账户"}},
    "already_public": {"": {"title_published": "关于2024年老旧小区改造计划的通知", "published_on": dt.date(2024, 3, 5),
                            "where": "本机关门户网站“通知公告”栏目（索引号 11010000/2024-00012）"}},
    "disclosed": {
        "enclosed": {"enclosed": True, "other_form": "原件为纸质档案，无电子文档",
                     "attachments": [{"title": "某区改造项目清单", "pages": 12, "form": "纸质复印件"},
                                     {"title": "某区改造资金安排表", "pages": 3, "form": "纸质复印件"}]},
        "access": {"enclosed": False, "access": "请于2025年10月27日至31日工作时间到本机关一层查阅室查阅"}},
    "withheld": {"": {"outcome": "withheld.third_party", "ground": "涉及个人隐私的信息",
                      "article": "《中华人民共和国政府信息公开条例》第十五条", "facts": "所申请信息为某某个人的住址和收入"}},
    "partial": {"": {"given": "改造项目清单随本答复书提供",
                     "withheld_parts": [{"part": "清单中居民的身份证号码", "ground": "个人隐私",
                                         "article": "《中华人民共和国政府信息公开条例》第十五条"}],
                     "not_government_info": "居民自行填写的意见表"}},
    "not_held": {"": {"search": "检索了本机关公文系统、档案室2019年至2025年的档案，关键词“改造计划”"}},
    "not_responsible": {
        "known": {"reason": "该信息由区政府制作并保存", "responsible_agency_known": True,
                  "responsible_agency": "北京市某区人民政府", "responsible_agency_contact": "010-11112222"},
        "unknown": {"reason": "本机关未制作或者获取该信息", "responsible_agency_known": False}},
    "repeat": {"": {"earlier_date": dt.date(2025, 8, 1), "earlier_number": "京某依申公复〔2025〕21号"}},
    "special_access": {"": {"law": "《不动产登记暂行条例》", "where": "请到不动产登记中心依法查询"}},
    "needs_creation": {"": {"reason": "需汇总统计十年间的项目数据"}},
    "still_unclear": {"": {"correction_notice_date": dt.date(2025, 3, 6), "corrected_on": dt.date(2025, 3, 14),
                           "unclear": "所需“相关文件”的名称和时间仍未写明"}},
    "petition": {"": {"nature": "对工作人员的投诉", "channel_hint": "北京市12345热线"}},
    "publication": {"": {"publication": "《北京市人民政府公报》2024年第10期", "how_to_obtain": "北京市人民政府网站公报栏目"}},
    "excessive": {"": {"facts": "您在一个月内提出申请120件", "reason_given": "未说明理由"}},
    "lapsed": {"no_correction": {"outcome": "other.no_correction", "notice": "补正告知书（京某依申公补〔2025〕3号）",
                                 "notice_served_on": dt.date(2025, 3, 7), "lapsed_on": dt.date(2025, 3, 28)},
               "fee_unpaid": {"outcome": "other.fee_unpaid", "notice": "收费通知书（京某依申公费〔2025〕2号）",
                              "notice_served_on": dt.date(2025, 6, 3), "lapsed_on": dt.date(2025, 7, 1)}},
    "confirm_or_reissue": {"": {"request": "重新出具2019年已向您送达的处罚决定书并加盖公章"}},
    "not_government_info": {"": {"reason": "所申请的是某某公司的内部会议记录，不是行政机关制作或者获取的信息"}},
}
CASES = [(kind, variant) for kind, variants in SAMPLES.items() for variant in variants]


def values(kind: str, variant: str = "", **changes: Any) -> dict[str, Any]:
    return {**FRAME, **SAMPLES[kind][variant or next(iter(SAMPLES[kind]))], **changes}


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def printed(value: Any, key: str) -> list[str]:
    """The texts a value prints as (a list's entries, a record's fields)."""
    if isinstance(value, list):
        return [text_of(v) for entry in value for v in (entry.values() if isinstance(entry, dict) else [entry])]
    return [text_of(value, TEMPLATES.common.labels.get(key))]


def test_every_letter_type_of_the_spec_has_a_template() -> None:
    assert set(TEMPLATES.letters) == set(SAMPLES)
    assert all(t.elements for t in TEMPLATES.letters.values())


def test_every_outcome_has_exactly_one_answer_letter() -> None:
    answering = {o: [k for k, t in TEMPLATES.letters.items() if o in t.outcomes and t.addressee == "applicant"]
                 for o in OUTCOMES}
    assert {o: kinds for o, kinds in answering.items() if len(kinds) != 1} == {}
    assert answer_kind("withheld.third_party", TEMPLATES) == "withheld"
    assert answer_kind("cannot_provide.not_responsible", TEMPLATES) == "not_responsible"


@pytest.mark.parametrize(("kind", "variant"), CASES)
def test_renders_to_docx_and_html_with_every_element(kind: str, variant: str) -> None:
    given = values(kind, variant)
    letter = render(kind, given, CONFIGURED)
    text, page = docx_text(to_docx(letter)), to_html(letter)
    for key in required(kind, given, CONFIGURED):
        if key in SETTINGS:
            assert getattr(CONFIGURED, {"agency": "agency_name"}.get(key, key)) in text
        elif not isinstance(given[key], bool) and key != "outcome":
            for shown in printed(given[key], key):
                assert shown in text, (key, shown)
    for shown in (letter.title, letter.addressee, letter.date, letter.contact, *letter.paragraphs):
        assert shown in text and str(escape(shown)) in page
    if letter.number:
        assert letter.number in text and letter.number in page


def test_the_docx_is_an_official_letter_on_a4() -> None:
    document = Document(io.BytesIO(to_docx(render("withheld", values("withheld"), CONFIGURED))))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # twips: not exact
    title, *rest = document.paragraphs
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and title.text.endswith("答复书")
    east_asian = {run._element.rPr.rFonts.get(qn("w:eastAsia")) for p in document.paragraphs for run in p.runs}
    assert east_asian == {"方正小标宋简体", "仿宋_GB2312"}
    body = [p for p in rest if p.text.startswith(("本机关于", "经审查", "依照", "如对"))]
    assert len(body) == 4
    assert all(p.paragraph_format.first_line_indent is not None
               and p._p.pPr.ind.get(qn("w:firstLineChars")) == "200" for p in body)
    signed = [p for p in rest if p.text in ("北京市某某委员会", "2025年10月20日")]
    assert len(signed) == 2 and all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in signed)


REFUSALS = sorted({(kind, variant, key) for kind, variant in CASES
                   for key in required(kind, values(kind, variant), CONFIGURED) if key not in SETTINGS})


@pytest.mark.parametrize(("kind", "variant", "key"), REFUSALS)
def test_refuses_a_letter_without_an_element_and_names_it(kind: str, variant: str, key: str) -> None:
    given = values(kind, variant)
    for empty in (None, "  ", []):
        with pytest.raises(MissingElements) as refused:
            render(kind, {**given, key: empty}, CONFIGURED)
        assert [m.key for m in refused.value.missing] == [key]
        names = {**TEMPLATES.letters[kind].elements, **TEMPLATES.letters[kind].optional}
        name = names[key].name if key in names else None
        assert f"（{key}）" in str(refused.value) and (name is None or name in str(refused.value))


def test_every_element_of_every_type_is_checked_by_some_sample() -> None:
    for kind, letter in TEMPLATES.letters.items():
        checked = {key for k, _, key in REFUSALS if k == kind}
        assert set(letter.elements) <= checked, kind


def test_list_entries_are_numbered_in_chinese() -> None:
    assert [entry_number(i) for i in (0, 9, 10, 19, 20, 98, 99)] == [
        "（一）", "（十）", "（十一）", "（二十）", "（二十一）", "（九十九）", "（100）"]


def test_a_list_entry_without_a_field_is_named() -> None:
    parts = [{"part": "身份证号码", "ground": "个人隐私", "article": " "}]
    with pytest.raises(MissingElements, match=r"不予公开的部分第1项的依据（withheld_parts\[0\]\.article）"):
        render("partial", values("partial", withheld_parts=parts), CONFIGURED)


def test_t25_withheld_without_an_article_is_refused() -> None:
    with pytest.raises(MissingElements, match="不予公开的法律依据（条款）（article）"):
        render("withheld", values("withheld", article=""), CONFIGURED)


def test_t25_not_responsible_names_the_agency_and_its_contact_when_known() -> None:
    with pytest.raises(MissingElements, match="负责公开该信息的机关联系方式（responsible_agency_contact）"):
        render("not_responsible", values("not_responsible", "known", responsible_agency_contact=None), CONFIGURED)
    with pytest.raises(MissingElements, match="能否确定负责公开的机关（responsible_agency_known）"):
        render("not_responsible", values("not_responsible", "known", responsible_agency_known=None), CONFIGURED)
    known = render("not_responsible", values("not_responsible", "known"), CONFIGURED)
    assert any("北京市某区人民政府" in p and "010-11112222" in p for p in known.paragraphs)
    unknown = render("not_responsible", values("not_responsible", "unknown"), CONFIGURED)
    assert any("无法确定" in p for p in unknown.paragraphs) and not any("负责公开，联系方式" in p for p in
                                                                     unknown.paragraphs)


def test_the_remedy_comes_from_settings_and_changes_with_them() -> None:
    first = render("disclosed", values("disclosed"), CONFIGURED).paragraphs[-1]
    other = CONFIGURED.model_copy(update={"review_authority": "某省人民政府", "court": "某市中级人民法院"})
    second = render("disclosed", values("disclosed"), other).paragraphs[-1]
    assert "北京市人民政府申请行政复议" in first and "北京市第四中级人民法院提起行政诉讼" in first
    assert "某省人民政府申请行政复议" in second and "某市中级人民法院提起行政诉讼" in second
    assert "上一级" not in first + second
    assert "也可以" in first  # an answer that gives the information: review or suit, either
    withheld = render("withheld", values("withheld"), CONFIGURED).paragraphs[-1]
    assert "对行政复议决定不服的" in withheld and "也可以" not in withheld  # 复议前置 (行政复议法 Art. 23)


def test_the_remedy_clause_is_template_data_keyed_by_outcome(tmp_path: Path) -> None:
    shutil.copytree(LETTERS, tmp_path, dirs_exist_ok=True)
    common = tmp_path / "common.yaml"
    common.write_text(common.read_text(encoding="utf-8").replace(
        "remedies:\n", "remedies:\n  withheld.third_party: 第三方条款，向{review_authority}。\n"), encoding="utf-8")
    templates = load(tmp_path)
    assert render("withheld", values("withheld"), CONFIGURED, templates).paragraphs[-1] == "第三方条款，向北京市人民政府。"
    secret = values("withheld", outcome="withheld.state_secret")
    assert "对行政复议决定不服的" in render("withheld", secret, CONFIGURED, templates).paragraphs[-1]


def test_a_deciding_letter_is_refused_while_the_authorities_are_not_configured() -> None:
    bare = CONFIGURED.model_copy(update={"review_authority": "", "court": " "})
    with pytest.raises(MissingElements) as refused:
        render("withheld", values("withheld"), bare)
    assert [m.key for m in refused.value.missing] == ["review_authority", "court"]
    assert "GONGKAI_REVIEW_AUTHORITY" in str(refused.value) and "GONGKAI_COURT" in str(refused.value)
    assert "未配置" in str(refused.value)
    render("correction", values("correction"), bare)  # a notice decides nothing: no remedy clause needed


def test_nothing_is_printed_by_default_settings() -> None:
    with pytest.raises(MissingElements) as refused:
        render("receipt", values("receipt"), Settings(letters=LETTERS))
    assert {m.setting for m in refused.value.missing} == {
        "GONGKAI_AGENCY_NAME", "GONGKAI_PROGRESS_QUERY", "GONGKAI_CONTACT_PERSON", "GONGKAI_CONTACT_PHONE"}
    with pytest.raises(MissingElements, match="GONGKAI_LETTER_NUMBER_PATTERN"):
        render("correction", values("correction"), CONFIGURED.model_copy(update={"letter_number_pattern": ""}))


def test_a_letter_number_pattern_with_an_unknown_placeholder_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"GONGKAI_LETTER_NUMBER_PATTERN.*\['agency'\]"):
        render("correction", values("correction"),
               CONFIGURED.model_copy(update={"letter_number_pattern": "{agency}〔{year}〕{serial}号"}))
    assert render("correction", values("correction"), CONFIGURED).number == "京某依申公补〔2025〕37号"


def test_an_outcome_must_be_the_letters_own() -> None:
    with pytest.raises(MissingElements, match="outcome"):
        render("withheld", values("withheld", outcome=None), CONFIGURED)
    with pytest.raises(ValueError, match="disclosed"):
        render("withheld", values("withheld", outcome="disclosed"), CONFIGURED)


def test_the_applicants_words_are_escaped_in_html_and_never_read_as_placeholders() -> None:
    given = values("withheld", applicant="<script>alert(1)</script>", description="{agency} & {court}")
    letter = render("withheld", given, CONFIGURED)
    page = to_html(letter)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "“{agency} &amp; {court}”" in page
    assert "<script>alert(1)</script>" in docx_text(to_docx(letter))


def test_control_characters_in_the_applicants_words_do_not_stop_the_docx() -> None:
    letter = render("withheld", values("withheld", description="清单\x0b第二页\x00"), CONFIGURED)
    assert "清单\ufffd第二页\ufffd" in docx_text(to_docx(letter))


def test_a_value_of_the_wrong_shape_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="points"):
        render("correction", values("correction", points="请写明文号"), CONFIGURED)
    with pytest.raises(TypeError, match="guidance"):
        render("correction", values("correction", guidance=["a", "b"]), CONFIGURED)


def test_an_answer_recites_what_happened_on_the_way() -> None:
    story = {"correction_notice_on": dt.date(2025, 3, 6), "correction_received_on": "2025-03-14",
             "extension_notice": "京某依申公延〔2025〕4号", "extension_notice_on": dt.date(2025, 4, 8),
             "consultation": "第三方某某公司于2025年4月20日书面回复不同意公开"}
    letter = render("withheld", values("withheld", **story), CONFIGURED)
    assert letter.paragraphs[1:4] == (
        "本机关于2025年3月6日向您发出补正告知，于2025年3月14日收到您补正后的申请。",
        "本机关于2025年4月8日告知您延期答复（京某依申公延〔2025〕4号）。",
        "本机关依照《中华人民共和国政府信息公开条例》的规定征求了意见：第三方某某公司于2025年4月20日书面回复不同意公开。")
    with pytest.raises(MissingElements, match=r"补正告知日期（correction_notice_on）"):
        render("withheld", values("withheld", correction_received_on=dt.date(2025, 3, 14)), CONFIGURED)
    notice = render("extension", values("extension", **story), CONFIGURED)  # a notice is not an answer
    assert not any("补正" in p for p in notice.paragraphs)
    plain = render("withheld", values("withheld"), CONFIGURED)
    assert plain.paragraphs[1].startswith("经审查")


def test_the_receipt_follows_4_2() -> None:
    letter = render("receipt", values("receipt"), CONFIGURED)
    text = "\n".join(letter.paragraphs)
    assert letter.number is None and letter.title == "北京市某某委员会政府信息公开申请收件回执"
    assert letter.paragraphs[0] == ("本机关于2025年9月26日收到您（单位）通过“当面提交”方式提出的政府信息公开申请，"
                                    "申请获取“2024年某区老旧小区改造项目清单”。")
    for part in ("〔2025〕第0123号", "当面提交之日", "共2项", "纸质文本", "邮寄", "2025年10月30日前作出答复",
                 "重新计算", "不计算在答复期限内", "不超过20个工作日", "A7K2", "李登记", "申请人签收"):
        assert part in text, part
    posted = render("receipt", values("receipt", channel="post_signed", receipt_basis="signed_for"), CONFIGURED)
    assert not any("申请人签收" in p for p in posted.paragraphs) and "通过“邮寄”方式" in posted.paragraphs[0]


def test_dates_given_as_text_print_as_dates_and_the_lapse_cites_its_cause() -> None:
    letter = render("lapsed", values("lapsed", "fee_unpaid", date="2025-07-03", lapsed_on="2025-07-01"), CONFIGURED)
    assert letter.date == "2025年7月3日" and "2025年7月1日前缴纳信息处理费" in letter.paragraphs[1]
    assert "第三十条" in render("lapsed", values("lapsed", "no_correction"), CONFIGURED).paragraphs[1]


def _broken(tmp_path: Path, name: str, old: str, new: str) -> Path:
    shutil.copytree(LETTERS, tmp_path, dirs_exist_ok=True)
    path = tmp_path / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("name", "old", "new", "problem"), [
    ("withheld.yaml", "依照{article}", "依照{artikel}", "unknown placeholders ['artikel']"),
    ("common.yaml", "{review_authority}申请", "{reviewer}申请", "unknown placeholders ['reviewer']"),
    ("needs_creation.yaml", "elements:\n  reason: 需要加工、分析的情况\n", "elements: {}\n",
     "needs its required elements"),
    ("needs_creation.yaml", "形成：{reason}。", "形成。", "required elements ['reason'] are never printed"),
    ("petition.yaml", "    when: channel_hint\n", "", "optional “channel_hint” is printed without"),
    ("petition.yaml", "not_processed.petition", "not_processed.complaint", "not outcomes of applications.md"),
    ("correction.yaml", "each: points", "each: guidance", "not a list element"),
    ("repeat.yaml", "（{earlier_number}）", "（{earlier_number:>5}）", "写法有误"),
    ("delay.yaml", "kind: delay", "kind: delayed", "kind must be the file's name"),
    ("common.yaml", "  default:", "  fallback:", "remedies"),
    ("common.yaml", "    when: fee_paid_on", "    when: paid", "history: each paragraph needs"),
])
def test_template_mistakes_are_errors_at_load_naming_the_file(tmp_path: Path, name: str, old: str, new: str,
                                                              problem: str) -> None:
    with pytest.raises(TemplateError) as error:
        load(_broken(tmp_path, name, old, new))
    assert str(error.value).startswith(f"{name}: ") and problem in str(error.value)
