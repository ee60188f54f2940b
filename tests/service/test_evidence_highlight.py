"""The item page's highlighting (api/pages/evidence.py), a pure function of a text and spans: the text is
escaped piece by piece and only our <mark> is added; overlapping, nested, adjacent and out-of-range spans;
and spans found by the engine on traditional, full-width and invisible characters point at what was written."""

from __future__ import annotations

import re

from markupsafe import Markup

from api.pages.evidence import Span, field_spans, highlight, legend, personal_spans
from engine.facts.marking import find_markings
from engine.facts.secrecy_risk import find_risk_cues


def _marked(html: str) -> list[str]:
    return re.findall(r"<mark[^>]*>(.*?)</mark>", html)


def test_the_text_is_escaped_and_only_our_marks_are_markup() -> None:
    text = '<script>alert("机密")</script> & 机密'
    out = highlight(text, [Span(text.index("机密"), text.index("机密") + 2, "rule", '规则 "x" <b>')])
    assert isinstance(out, Markup)
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp; 机密" in out
    assert '<mark title="规则 &#34;x&#34; &lt;b&gt;">机密</mark>' in out  # a label is escaped too
    assert highlight(text, []) == Markup.escape(text)


def test_overlapping_and_nested_spans_mark_each_piece_once_with_the_strongest_kind() -> None:
    text = "本文件属机密级请控制知悉范围"
    spans = [Span(0, 8, "rule", "规则 a"), Span(4, 6, "marking", "密级标志"), Span(6, 14, "risk", "涉密风险提示")]
    out = str(highlight(text, spans))
    assert re.sub(r"<[^>]+>", "", out) == text  # no character lost or doubled
    assert _marked(out) == ["本文件属", "机密", "级请", "控制知悉范围"]
    assert '<mark class="marking" title="规则 a；密级标志">机密</mark>' in out
    assert '<mark class="marking" title="规则 a；涉密风险提示">级请</mark>' in out
    assert out.count("<mark") == out.count("</mark>") == 4


def test_adjacent_spans_stay_two_marks_and_odd_spans_are_dropped_or_cut() -> None:
    text = "甲乙丙丁"
    out = str(highlight(text, [Span(0, 2, "rule", "a"), Span(2, 4, "personal", "手机号")]))
    assert _marked(out) == ["甲乙", "丙丁"]
    odd = [Span(-1, -1, "risk", "模型"), Span(3, 2, "rule", "反"), Span(2, 2, "rule", "空"), Span(3, 99, "rule", "过长"),
           Span(10, 12, "rule", "之外"), Span(0, 1, "unknown", "?")]
    out = str(highlight(text, odd))
    assert _marked(out) == ["丁"] and re.sub(r"<[^>]+>", "", out) == text


def test_astral_characters_count_as_one_like_pythons_offsets() -> None:
    text = "𠮷机密"
    assert _marked(str(highlight(text, [Span(1, 3, "marking", "密级标志")]))) == ["机密"]


def test_a_marking_written_in_traditional_or_full_width_characters_is_marked_where_written() -> None:
    body = "機\u200b密★５年\n局機關各處室：\n請控制知悉範圍。"
    found = find_markings("", body)
    assert found, "the engine finds the traditional marking"
    spans = [Span(m.start, m.end, "marking", "密级标志") for m in found if m.start >= 0]
    cues = find_risk_cues({"body": body}, {"body": body})
    spans += [Span(c.start, c.end, "risk", "涉密风险提示") for c in cues]
    out = str(highlight(body, spans))
    marked = _marked(out)
    assert any(m.startswith("機\u200b密") for m in marked), marked  # the original characters, invisible one kept
    assert any("知悉範圍" in m for m in marked), marked
    assert re.sub(r"<[^>]+>", "", out) == str(Markup.escape(body))


def test_the_suggestions_spans_and_personal_data_are_gathered_per_field() -> None:
    body = "联系人电话１３８００１３８０００，机密"
    suggestion = {
        "secrecy_signals": [{"kind": "marking", "field": "body", "start": 16, "end": 18},
                            {"kind": "risk", "cue": "model", "field": "secrecy", "start": -1, "end": -1}],
        "hits": [{"id": "r1", "evidence": [
            {"field": "body", "negated": False, "matched": [{"text": "联系人", "span": [0, 3]}]},
            {"field": "addressee", "negated": False, "matched": [{"text": "x", "span": [0, 1]}]},  # not this text's
            {"field": "body", "negated": True, "matched": [{"text": "y", "span": [5, 6]}]},
            {"field": "body", "negated": False, "matched": [{"value": "no span"}]}]}],
    }
    spans = field_spans(suggestion, "body", body)
    kinds = sorted((s.kind, s.start, s.end) for s in spans)
    assert kinds == [("marking", 16, 18), ("personal", 5, 16), ("rule", 0, 3)]  # full-width digits: same offsets
    assert personal_spans(body)[0].label == "手机号"
    assert field_spans(None, "body", body) == [] and field_spans(suggestion, "addressee", body) == []
    assert legend(spans) == [("marking", "密级标志"), ("personal", "个人信息"), ("", "规则命中")]
