"""The normalisation for matching (engine/facts/text.py): what it folds, that it is idempotent, and that
spans found in its text point back at what the clerk wrote."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.facts.text import _PLAIN_BLOCKS, for_matching, unwrap

FORMAT_CHARACTERS = [chr(cp) for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf"]


def test_every_format_character_is_removed() -> None:
    assert len(FORMAT_CHARACTERS) > 150
    for ch in FORMAT_CHARACTERS:
        assert for_matching(f"机{ch}密{ch}").text == "机密", f"U+{ord(ch):04X}"


@pytest.mark.parametrize("brk", ["\r\n", "\r", "\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"],
                         ids=["CRLF", "CR", "LF", "VT", "FF", "FS", "GS", "RS", "NEL", "LS", "PS"])
def test_every_line_break_becomes_a_newline(brk: str) -> None:
    assert for_matching(f"机密{brk}正文").text == "机密\n正文"


@pytest.mark.parametrize(
    ("written", "matched"),
    [("機密★１０年", "机密★10年"), ("絕密", "绝密"), ("祕密", "秘密"), ("內部", "内部"), ("工作祕密", "工作秘密"),
     ("密級：機密", "密级:机密"), ("（机密）", "(机密)"), ("［机密］", "[机密]"), ("﹝机密﹞", "〔机密〕"),
     ("机密＊10年", "机密*10年"), ("机\u3000\u3000密", "机 密"), ("机 \t \u00a0密", "机 密"), ("㊙密", "秘密"),
     ("衞生", "卫生"), ("什么显著", "什么显著")],
    ids=["traditional", "top-secret", "variant-mi", "internal", "work-secret", "labelled", "fullwidth-parens",
         "fullwidth-brackets", "small-tortoise", "fullwidth-asterisk", "ideographic-spaces", "mixed-spaces",
         "circled-ideograph", "hong-kong-variant", "simplified-stays"],
)
def test_forms_folded_for_matching(written: str, matched: str) -> None:
    assert for_matching(written).text == matched


def test_plain_text_is_not_copied() -> None:
    plain = "关于做好政府信息公开工作的通知\n现将有关事项通知如下。"
    assert for_matching(plain).text is plain
    assert for_matching(plain).span(2, 4) == (2, 4)


def test_the_skipped_blocks_hold_only_letters_nfkc_leaves_alone() -> None:
    for low, high in _PLAIN_BLOCKS:
        for cp in range(low, high):
            ch = chr(cp)
            assert unicodedata.category(ch) in ("Lo", "Cn"), f"U+{cp:04X}"
            assert unicodedata.normalize("NFKC", ch) == ch, f"U+{cp:04X}"


ALPHABET = st.sampled_from(
    list("机密秘绝内部★☆*年10 \n关于通知。，：（）") + ["\u200b", "\u200d", "\ufeff", "\u00ad", "\u202e", "\u2066",
                                                     "\r", "\r\n", "\u2028", "\u2029", "\x85", "\v", "\f", "\t",
                                                     "\u3000", "\u00a0", "機", "絕", "祕", "內", "１", "＊", "⑴",
                                                     "㊙", "\U0001d400", "\U000e0041", "\u0301", "¨", "\x00"])
TEXTS = st.lists(ALPHABET, max_size=40).map("".join)


@pytest.mark.slow  # 2,000 generated texts
@given(TEXTS)
@settings(max_examples=2000, deadline=None)
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = for_matching(text).text
    assert for_matching(once).text == once


@pytest.mark.slow  # 2,000 generated texts
@given(TEXTS, st.data())
@settings(max_examples=2000, deadline=None)
def test_spans_point_back_at_what_produced_them(text: str, data: st.DataObject) -> None:
    norm = for_matching(text)
    start = data.draw(st.integers(0, len(norm.text)))
    end = data.draw(st.integers(start, len(norm.text)))
    begin, finish = norm.span(start, end)
    assert 0 <= begin <= finish <= len(text)
    assert norm.text[start:end] in for_matching(text[begin:finish]).text
    if start == 0 and end == len(norm.text) and norm.text:
        # the whole text maps to everything but removed characters at the edges
        assert for_matching(text[:begin] + text[finish:]).text.strip() == ""


@pytest.mark.slow  # 1,000 generated texts
@given(TEXTS, st.data())
@settings(max_examples=1000, deadline=None)
def test_unwrapped_spans_point_back_at_what_produced_them(text: str, data: st.DataObject) -> None:
    joined = unwrap(for_matching(text))
    han = "[\u3400-\u9fff]"
    assert re.search(f"{han}\n{han}", joined.text) is None
    start = data.draw(st.integers(0, len(joined.text)))
    end = data.draw(st.integers(start, len(joined.text)))
    begin, finish = joined.span(start, end)
    assert 0 <= begin <= finish <= len(text)
    assert joined.text[start:end] in unwrap(for_matching(text[begin:finish])).text
