"""Secrecy markings however intake writes them, and nothing that merely talks about secrets.

The first rule of the product is that nothing secret is published. Each case below is a way a real
document system, a paste or a careless clerk writes a marking (GB/T 9704 版头: 份号, 密级和保密期限,
紧急程度; titles; attachments with their own header) that the detector once missed, so that a document
came out secrecy none / proactive.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from engine.classifier.model import Model
from engine.facts.derive import derive_facts
from engine.facts.document import document_from_record
from engine.suggest import Suggester
from engine.vocabulary import secrecy_rank
from tests.conftest import facts_of, make_doc
from tests.marking_spellings import marked_records, proactive_bases, unmarked_lookalikes

TITLE = "关于做好2024年政府信息公开工作的通知"
TEXT = "各区人民政府，市政府各委、办、局：\n现将有关事项通知如下。\n一、加强政策解读。\n特此通知。"


def _marking(title: str = TITLE, body: str = TEXT, secrecy_marking: str | None = None) -> tuple[str, list[str]]:
    facts = facts_of(title=title, body=body, secrecy_marking=secrecy_marking, doc_type="通知")
    return facts["marking_level"], facts["marking_origin"]


# Line breaks: the header lines separated by another kind of break than \n.
@pytest.mark.parametrize(
    "brk", ["\r", "\u2028", "\r\n", "\u2029", "\x85", "\v", "\f"],
    ids=["CR", "LINE-SEPARATOR", "CRLF", "PARAGRAPH-SEPARATOR", "NEL", "VT", "FF"],
)
def test_header_lines_separated_by_any_line_break(brk: str) -> None:
    body = brk.join(["000123", "机密★10年", "特急", "", "某市人民政府文件", TITLE, *TEXT.split("\n")])
    assert _marking(body=body) == ("secret", ["body"])


# Blank lines, 份号, 紧急程度 and 发文机关标志 lines before the marking.
@pytest.mark.parametrize(
    "before",
    [
        "\n" * 12,
        "  \n\t\n\u3000\u3000\n" * 5,
        "000123\n",
        "份号：000123\n",
        "特急\n",
        "加急\n\n",
        "某市人民政府文件\n",
        "000123\n\n特急\n\n\n某市财政局文件\n\n",
        "\n" * 40 + "000007\n" + "\n" * 40,
    ],
    ids=["12-blank", "blank-with-spaces", "serial", "serial-labelled", "urgent", "expedited", "issuer-banner",
         "all-of-them", "80-blank-lines"],
)
def test_lines_before_the_marking_do_not_hide_it(before: str) -> None:
    assert _marking(body=before + "秘密★1年\n" + TITLE + "\n" + TEXT) == ("confidential", ["body"])


# Zero-width and bidi controls inside or before 机密 (every Unicode category Cf character).
@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u202a", "\u202b",
     "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u180e", "\U000e0001", "\u061c"],
    ids=["ZWSP", "ZWNJ", "ZWJ", "WJ", "BOM", "SHY", "LRM", "RLM", "LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI",
         "FSI", "PDI", "MVS", "TAG", "ALM"],
)
def test_invisible_characters_inside_and_before_the_marking(invisible: str) -> None:
    inside = f"{invisible}机{invisible}密{invisible}★10年{invisible}"
    assert _marking(body=f"{inside}\n{TITLE}\n{TEXT}") == ("secret", ["body"])
    assert _marking(body=f"{invisible}\n{invisible}绝{invisible}密\n{TEXT}") == ("top_secret", ["body"])


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("★机密", "secret"),
        ("【机密】", "secret"),
        ("机密级", "secret"),
        ("機密★10年", "secret"),
        ("絕密★長期", "top_secret"),
        ("祕密★1年", "confidential"),
        ("內部", "internal"),
        ("工作祕密", "internal"),
        ("密級：機密", "secret"),
        ("机密☆10年", "secret"),
        ("机密*10年", "secret"),
        ("机密＊10年", "secret"),
        ("机密★１０年", "secret"),
        ("机 密 ★ 1 0 年", "secret"),
        ("机　密　★　10年", "secret"),
        ("机\u00a0密", "secret"),
        ("密级：机密", "secret"),
        ("密级:机密★长期", "secret"),
        ("秘密★正式发布前", "confidential"),
        ("绝密★考试结束前", "top_secret"),
        ("机密 ★ 5年", "secret"),
        ("〔机密〕", "secret"),
        ("（机密）", "secret"),
        ("(机密)", "secret"),
        ("[机密]", "secret"),
        ("［机密］", "secret"),
        ("机密（★10年）", "secret"),
        ("密级：机密 保密期限：10年", "secret"),
        ("机密 保密期限：20年", "secret"),
        ("保密期限：10年", "confidential"),
        ("内部", "internal"),
        ("工作秘密", "internal"),
        ("内部资料 注意保存", "internal"),
        ("内部（参阅件）", "internal"),
        ("【内部】", "internal"),
        ("密级：内部", "internal"),
        ("000123 机密★1年", "secret"),
        ("机密★1年 特急", "secret"),
        ("㊙密", "confidential"),
    ],
)
def test_spellings_of_a_header_marking(line: str, level: str) -> None:
    assert _marking(body=f"{line}\n{TITLE}\n{TEXT}") == (level, ["body"])


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("机密★关于调整2024年成品油储备的通知", "secret"),
        ("机密★10年 关于调整成品油储备的通知", "secret"),
        ("【机密】关于调整成品油储备的通知", "secret"),
        ("〔秘密〕关于某事项的请示", "confidential"),
        ("★绝密 关于某事项的报告", "top_secret"),
        ("绝密 关于某事项的报告", "top_secret"),
        ("秘密★正式发布前关于2024年第二季度经济数据的报告", "confidential"),
        ("关于调整成品油储备的通知（机密）", "secret"),
        ("关于调整成品油储备的通知(秘密★1年)", "confidential"),
        ("关于调整成品油储备的通知【绝密】", "top_secret"),
        ("关于调整成品油储备的通知 机密★10年", "secret"),
        ("关于机关食堂就餐时间的通知（内部）", "internal"),
        ("關於調整成品油儲備的通知（機密）", "secret"),
        ("关于调整成品油储备的通知\u200b（\u200d机\u2060密\u202e）", "secret"),
        ("市农业农村局检查指导春耕备耕工作 秘密★10年", "confidential"),
        ("关于机关食堂就餐时间的通知 内部★1年", "internal"),
    ],
)
def test_a_marking_only_in_the_title(title: str, level: str) -> None:
    assert _marking(title=title) == (level, ["title"])


@pytest.mark.parametrize(
    "attachment",
    [
        "附件1\n机密★10年\n某市成品油储备库点及数量表\n",
        "附件1\n\n\n秘密\n某市成品油储备库点及数量表\n",
        "附件：\n机密\n某市成品油储备库点及数量表\n",
        "附件2\r\n機密★10年\r\n某市成品油储备库点及数量表\r\n",
        "附件 1\u2028机\u200b密\u2028某市成品油储备库点及数量表\u2028",
        "附件1：机密★10年\n某市成品油储备库点及数量表\n",
        "附件1\n某市成品油储备库点及数量表（机密）\n",
    ],
    ids=["numbered", "blank-lines", "colon", "traditional-crlf", "spaced-ls-zwsp", "same-line", "title-suffix"],
)
def test_a_marking_at_the_head_of_an_attachment(attachment: str) -> None:
    body = f"{TITLE}\n{TEXT}\n附件：1.某市成品油储备库点及数量表\n某市发展和改革委员会\n2024年3月1日\n{attachment}库点一……"
    level, origin = _marking(body=body)
    assert level in ("secret", "confidential") and origin == ["attachment"]


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("<p>机密★10年</p>", "secret"),
        ("&#26426;&#23494;★10年", "secret"),
        ("机密&nbsp;★&nbsp;10年", "secret"),
        ("<p style=\"text-align:right\"><span>秘密</span>★<b>1年</b></p>", "confidential"),
        ("机密•10年", "secret"),
        ("机密▲10年", "secret"),
        ("机密/10年", "secret"),
        ("机密：10年", "secret"),
        ("机密—10年", "secret"),
        ("“机密”", "secret"),
        ("㊙", "confidential"),
        ("TOP SECRET", "top_secret"),
        ("Confidential", "confidential"),
        ("内部使用", "internal"),
        ("【内部资料】注意保存", "internal"),
        ("内部资料，注意保存", "internal"),
        ("保密等级：机密", "secret"),
        ("文件密级：秘密", "confidential"),
        ("机\ue000密★10年", "secret"),
    ],
)
def test_spellings_found_after_the_issue(line: str, level: str) -> None:
    """Found by trying what the issue did not list: rich-text markup and character references, what a font
    makes of ★, quotes, ㊙, English levels, a private-use glyph inside the word."""
    assert _marking(title=TITLE, body=line + "\n" + TEXT)[0] == level


@pytest.mark.parametrize(
    ("title", "level"),
    [("关于做好防汛工作的通知-机密", "secret"), ("秘密：关于做好防汛工作的通知", "confidential")],
)
def test_title_markings_with_a_separator(title: str, level: str) -> None:
    assert _marking(title=title, body=TEXT)[0] == level


@pytest.mark.parametrize(
    ("title", "body"),
    [
        (TITLE, "各单位：\n要严格遵守保密纪律，不得泄露国家秘密。"),
        (TITLE, "不得泄露国家秘密\n" + TEXT),
        (TITLE, "保守工作秘密\n" + TEXT),
        (TITLE, "涉及商业秘密的除外。\n" + TEXT),
        (TITLE, "机密性\n" + TEXT),
        (TITLE, "保密工作\n" + TEXT),
        ("内部审计工作规定", "第一条 为规范内部审计工作，制定本规定。"),
        ("关于加强机密文件管理的通知", TEXT),
        ("关于做好保密工作的通知", "保密期限届满的，自行解密。\n" + TEXT),
        ("机密文件管理办法", TEXT),
        ("工作秘密管理暂行办法", TEXT),
        ("秘密级以上涉密载体管理规定", TEXT),
        ("关于保护商业机密的指导意见", TEXT),
        ("关于印发《某市内部控制规范》的通知", "内部控制\n" + TEXT),
        (TITLE, TEXT + "\n附件：1.关于涉及国家秘密事项的说明\n附件1\n关于涉及国家秘密事项的说明\n"),
        (TITLE, "密级：非密\n" + TEXT),
        ("关于调整养老服务补贴标准的测算说明（内部讨论稿）", "关于调整养老服务补贴标准的测算说明\n（内部讨论稿）\n" + TEXT),
        (TITLE, "温度<5℃ & 湿度>80%\n" + TEXT),
        (TITLE, "<p>内部控制</p>\n" + TEXT),
        ("关于加强机密-文件管理的通知", TEXT),
    ],
    ids=["sentence", "sentence-line", "keep-work-secrets", "trade-secret", "confidentiality", "secrecy-work",
         "internal-audit-title", "title-about-secret-files", "expiry-sentence", "secret-files-title",
         "work-secret-rules-title", "rules-about-classified-carriers", "trade-secret-title", "internal-control",
         "attachment-about-secrets", "declared-unclassified", "internal-draft", "less-than-in-text", "html-heading",
         "dash-inside-title"],
)
def test_talking_about_secrets_is_not_a_marking(title: str, body: str) -> None:
    assert _marking(title=title, body=body) == ("none", [])


# --- The suggestion: every marking is a secrecy signal, and one outside the metadata needs attention.

SIGNAL_KEYS = {"kind", "level", "origin", "field", "text", "start", "end"}


def test_every_marking_is_a_signal_with_its_span_in_what_was_written(suggester: Suggester) -> None:
    title = "关于调整成品油储备的通知（機\u200b密）"
    body = "\n\n000123\n秘\u2060密★1年\n特急\n" + TEXT + "\n附件1\r\n绝密★长期\r\n库点表\r\n……"
    out = suggester.suggest(make_doc(title=title, body=body, secrecy_marking=" 内部 ", doc_type="通知"))
    marks = [s for s in out["secrecy_signals"] if s["kind"] == "marking"]
    assert [(s["origin"], s["field"], s["level"]) for s in marks] == [
        ("metadata", "secrecy_marking", "internal"), ("title", "title", "secret"), ("body", "body", "confidential"),
        ("attachment", "body", "top_secret")]
    written = {"title": title, "body": body, "secrecy_marking": " 内部 "}
    for signal in marks:
        assert set(signal) == SIGNAL_KEYS
        assert written[signal["field"]][signal["start"]:signal["end"]] == signal["text"]
    assert [s["text"] for s in marks] == ["内部", "（機\u200b密）", "秘\u2060密★1年", "绝密★长期"]
    assert out["marking"] == "top_secret"
    assert "secrecy: marked 机密 in the title, stricter than the metadata's 内部" in out["attention"]
    assert "secrecy: marked 绝密 in an attachment, stricter than the metadata's 内部" in out["attention"]
    assert out["suggestion"]["category"]["value"] == "withheld"


def test_a_marking_only_in_the_title_needs_secrecy_attention(suggester: Suggester) -> None:
    out = suggester.suggest(make_doc(title="机密★关于调整成品油储备的通知", body=TEXT, doc_type="通知"))
    assert out["attention"][-1:] == ["secrecy: marked 机密 in the title, not in the metadata"]
    assert out["needs_attention"] and out["secrecy_flag"]


def test_no_signal_is_an_empty_list(suggester: Suggester) -> None:
    out = suggester.suggest(make_doc(title=TITLE, body=TEXT, doc_type="通知"))
    assert out["secrecy_signals"] == []
    assert not any(a.startswith("secrecy:") for a in out["attention"])


def test_a_risk_cue_is_a_signal_and_needs_attention(suggester: Suggester) -> None:
    body = TEXT + "\n本方案属国家秘密，请严格控制知悉范围。"
    out = suggester.suggest(make_doc(title=TITLE, body=body, doc_type="通知"))
    risks = [s for s in out["secrecy_signals"] if s["kind"] == "risk"]
    assert {s["cue"] for s in risks} == {"need_to_know", "declared_secret"}
    for signal in risks:
        assert set(signal) == {"kind", "cue", "field", "text", "start", "end"}
        assert body[signal["start"]:signal["end"]] == signal["text"]
    assert ("secrecy: reads as secret without a marking (need_to_know, declared_secret); the secrecy review must "
            "clear it") in out["attention"]


# --- Properties over the spellings and places intake uses (tests/marking_spellings.py).


@pytest.mark.slow  # 3,000 generated documents
@given(marked_records())
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_every_generated_marking_is_found(marked: tuple[dict[str, Any], str]) -> None:
    record, level = marked
    facts = derive_facts(document_from_record(record))
    assert secrecy_rank(facts["marking_level"]) >= secrecy_rank(level), (record["title"], record["body"][:200])
    assert any(s["kind"] == "marking" and s["origin"] != "metadata" for s in facts.signals)


@pytest.mark.slow  # 2,000 generated documents
@given(unmarked_lookalikes())
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_talking_about_secrets_in_real_documents_is_never_a_marking(record: dict[str, Any]) -> None:
    facts = derive_facts(document_from_record(record))
    assert facts["marking_level"] == "none", [e.text for e in facts.evidence if e.fact == "marking_level"]


def test_the_real_documents_marked_records_start_from_are_suggested_proactive(combined: Suggester) -> None:
    """So that the property below means something: without the marking, rules and model publish them."""
    bases = proactive_bases()
    proactive = [combined.suggest(document_from_record(b))["suggestion"]["category"]["value"] == "proactive"
                 for b in bases]
    assert sum(proactive) >= 0.8 * len(bases)


@pytest.mark.slow  # 600 generated documents through rules and model
@given(marked_records())
@settings(max_examples=600, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
def test_no_generated_marked_document_is_ever_proactive(combined: Suggester, marked: tuple[dict[str, Any], str]) -> None:
    record, level = marked
    out = combined.suggest(document_from_record(record))
    assert out["suggestion"]["category"]["value"] != "proactive"
    assert secrecy_rank(out["marking"]) >= secrecy_rank(level)
    assert any(s["kind"] == "marking" for s in out["secrecy_signals"])
    assert any(a.startswith("secrecy: marked") for a in out["attention"])


def test_the_model_reads_the_text_as_the_detectors_do(model: Model) -> None:
    """A marking hidden from the detectors was hidden from the classifier too: jieba cut 机\\u200b密 in
    two and never saw 机密. The model now segments the normalised text."""
    from engine.classifier.features import text_terms

    plain = text_terms(model.segmenter, "关于调整成品油储备的通知", "机密★10年\n各承储企业：\n现将储备库点通知如下。")
    for title, body in [("关于调整成品油\u200b储备的通知", "机\u200b密★１０年\r\n各承储企业：\r\n现将储备库\u2060点通知如下。"),
                        ("關於調整成品油儲備的通知", "機密★10年\u2028各承儲企業：\u2028現將儲備庫點通知如下。")]:
        assert text_terms(model.segmenter, title, body) == plain


@pytest.mark.slow  # a 10 MB body
def test_a_ten_megabyte_body_on_one_line_is_read_in_bounded_time() -> None:
    """A body pasted without line breaks: its marked beginning is found, and nothing reads it whole
    character by character (the 版头 scan looks at the first characters of a long line only)."""
    import time

    sentence = "为规范管理，制定本办法，请各单位认真贯彻执行，"
    body = "机密★10年 关于调整成品油储备的通知 " + sentence * (10 * 1024 * 1024 // len(sentence))
    started = time.perf_counter()
    facts = facts_of(title="关于调整成品油储备的通知", body=body)
    assert (facts["marking_level"], facts["marking_origin"]) == ("secret", ["body"])
    assert time.perf_counter() - started < 20  # about 1 s here, most of it the other facts
