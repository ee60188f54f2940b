"""A title read from the body when the record has none (engine/facts/title.py, issue 19)."""

from __future__ import annotations

import pytest

from engine.facts.derive import derive_facts
from engine.facts.document import Document
from engine.facts.title import derive_title

NOTICE_BODY = "关于做好2025年汛期安全工作的\n通知\n各区水务局：\n为做好汛期安全工作，现通知如下……\n某市水务局\n2025年5月6日"


def test_a_given_title_is_kept() -> None:
    facts = derive_facts(Document(title="某市水务局关于防汛的通知", body=NOTICE_BODY))
    assert facts["title"] == "某市水务局关于防汛的通知"
    assert facts["title_source"] == "given"
    assert not any(e.fact == "title" for e in facts.evidence)
    assert not any(w.startswith("title:") for w in facts.warnings)


def test_title_read_from_the_first_lines_and_marked_derived() -> None:
    facts = derive_facts(Document(body=NOTICE_BODY))
    assert facts["title"] == "关于做好2025年汛期安全工作的通知"
    assert facts["title_source"] == "body"
    # the 文种 follows from the derived title, as from a given one
    assert (facts["doc_type"], facts["doc_type_source"]) == ("通知", "title")
    [ev] = [e for e in facts.evidence if e.fact == "title"]
    assert (ev.value, ev.field, ev.text) == ("body", "body", "关于做好2025年汛期安全工作的通知")
    assert NOTICE_BODY[ev.start:ev.end] == "关于做好2025年汛期安全工作的\n通知"
    assert any("read from the body" in w for w in facts.warnings)


def test_issuer_line_doc_number_and_addressee() -> None:
    body = ("洋发改发〔2023〕43号\n洋县发展和改革局\n关于洋县洋州街道梁家村稻虾种养农旅综合\n项目建议书的批复\n"
            "洋州街道办事处:\n你单位报来……文件及附件收悉。经研究，同意实施该项目。")
    # the 发文机关标志 line above the 关于… line is the 版头, not part of the title
    assert derive_title(body).text == "关于洋县洋州街道梁家村稻虾种养农旅综合项目建议书的批复"
    # without a 关于… line, the run that ends with a kind, from its first line
    assert derive_title("某县人民政府\n2024年度部门决算\n目 录").text == "某县人民政府2024年度部门决算"


def test_guan_yu_line_above_the_addressee_without_a_known_kind() -> None:
    body = "关于2024年度农机购置补贴资金的分配\n各乡镇人民政府：\n现将资金分配如下……"
    assert derive_title(body).text == "关于2024年度农机购置补贴资金的分配"


@pytest.mark.parametrize("body", [
    "4月16日，市生态环境局召开2024年大气污染防治攻坚推进会，通报一季度全市空气质量。\n会议指出……",
    "各区财政局：\n现将有关事项通知如下……\n某市财政局",  # the 主送 line first: no title in the body
    "当事人：某化工有限公司\n统一社会信用代码：91xxxxxxxxxxxxxx6K\n法定代表人：周某某",
    "",
])
def test_a_body_without_a_title_line_gives_none(body: str) -> None:
    assert derive_title(body) is None
    facts = derive_facts(Document(body=body))
    assert facts["title"] == "" and facts["title_source"] == "missing"


@pytest.mark.parametrize("marking", ["机密★1年", "秘密★6个月", "绝密", "【机密】", "密级：秘密", "份号：000123",
                                     "000123", "特急", "签发人：张某某", "某市人民政府文件", "某政发〔2024〕12号"])
def test_a_marking_or_header_line_is_never_the_title(marking: str) -> None:
    body = f"{marking}\n关于调整最低生活保障标准的通知\n各区民政局：\n……"
    assert derive_title(body).text == "关于调整最低生活保障标准的通知"
    # alone, before the 主送 line, it is still not a title
    assert derive_title(f"{marking}\n各区民政局：\n现通知如下……") is None


def test_a_title_mentioning_secrets_is_not_skipped_as_a_marking() -> None:
    assert derive_title("关于做好保守国家秘密工作的通知\n各处室：\n……").text == "关于做好保守国家秘密工作的通知"


def test_the_marking_of_a_derived_document_is_still_read() -> None:
    facts = derive_facts(Document(body="机密★1年\n关于某专项行动部署的通知\n各分局：\n……"))
    assert facts["title"] == "关于某专项行动部署的通知"
    assert facts["marking_level"] == "secret"
