"""Hypothesis strategies: documents that carry a secrecy marking spelled and placed the ways intake
writes them, and documents that only talk about secrets.

`marked_records()` draws `(record, level)`: a SCHEMA document dict (id, title, doc_number, doc_type,
division, agency, date, secrecy_marking, body) whose text carries a marking of `level` (internal,
confidential, secret or top_secret) while its metadata field is empty, None or 非密. The rest is a
real proactive document (data/published, or labelled proactive in data/training), so that without
the marking the suggestion would be proactive. The marking is placed in the 版头 after 0–5 blank, 份号,
紧急程度 or 发文机关 lines, as the title's prefix or suffix, or at the head of an attachment; spelled
with simplified or traditional characters, ★ ☆ * ＊ or none, brackets, 级, `密级：` labels and 保密期限
forms, full-width digits and spaces inside; any line break; invisible format characters (ZWSP,
bidi controls, BOM …) inserted inside and around it.

`unmarked_lookalikes()` draws records that mention secrets in ordinary text and titles ("不得泄露国家
秘密", "关于加强机密文件管理的通知"), with the same line breaks and invisible characters: none is marked.

Used by tests/engine/test_marking.py and by the API's end-to-end publication test.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Sequence

from hypothesis import strategies as st

from engine.paths import PROJECT_ROOT

LEVELS = ("internal", "confidential", "secret", "top_secret")
_WORDS = {"top_secret": ("绝密", "絕密"), "secret": ("机密", "機密"), "confidential": ("秘密", "祕密"),
          "internal": ("内部", "內部", "工作秘密", "工作祕密")}
_INTERNAL_LINES = ("内部资料 注意保存", "內部資料 注意保存", "内部（参阅件）", "内部资料", "内部文件")
_STARS = ("★", "☆", "*", "＊")
# What a font or converter makes of ★, or a separator typed instead of it, before a 保密期限.
_SEPARATORS = ("•", "·", "▲", "※", "/", "—", "-", "：", "●")
_TERMS = ("10年", "１０年", "1年", "5年", "20年", "长期", "長期", "正式发布前", "正式發布前", "考试结束前", "6个月", "公布前")
_BRACKETS = (("【", "】"), ("〔", "〕"), ("（", "）"), ("(", ")"), ("[", "]"), ("［", "］"), ("﹝", "﹞"))
_LABELS = ("密级：", "密级:", "密級：", "密级 ")
_GRADE = ("", "级", "級")
BREAKS = ("\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\v", "\f")
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u061c",
             *(chr(cp) for cp in range(0x202A, 0x202F)), *(chr(cp) for cp in range(0x2066, 0x206A)), "\U000e0001")
_SPACES = (" ", "\u3000", "\u00a0", "  ")
_BEFORE = ("", "", "000123", "份号：000045", "特急", "加急", "某市人民政府文件", "某市财政局", "  ")
PLACES = ("header", "title_prefix", "title_suffix", "attachment")


@functools.cache
def proactive_bases() -> tuple[dict[str, Any], ...]:
    """Real proactive documents without any marking: the 60 published ones and the training set's."""
    out = []
    for corpus in ("published", "training"):
        for line in (PROJECT_ROOT / "data" / corpus / "records.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line) if line.strip() else None
            if record and record["labels"]["category"] == "proactive" and not record.get("secrecy_marking"):
                out.append({k: v for k, v in record.items() if k not in ("labels", "basis", "note")})
    return tuple(out)


@st.composite
def _scatter(draw: st.DrawFn, text: str, alphabet: Sequence[str], max_inserts: int = 4) -> str:
    """`text` with up to `max_inserts` characters of `alphabet` inserted at drawn positions."""
    chars = list(text)
    for _ in range(draw(st.integers(0, max_inserts))):
        chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(alphabet)))
    return "".join(chars)


@st.composite
def _classified_line(draw: st.DrawFn, word: str) -> str:
    """A 绝密/机密/秘密 marking as a line of its own."""
    grade, term = draw(st.sampled_from(_GRADE)), draw(st.sampled_from(_TERMS))
    open_, close = draw(st.sampled_from((("", ""), *_BRACKETS)))
    label = draw(st.sampled_from(("", "", *_LABELS)))
    star = draw(st.sampled_from(("", *_STARS)))
    form = draw(st.sampled_from(("plain", "star_first", "term_in_brackets", "period_label", "bare", "separator",
                                 "quoted")))
    if form == "separator":
        return f"{label}{word}{grade}{draw(st.sampled_from(_SEPARATORS))}{term}"
    if form == "quoted":
        return f"“{word}{grade}”"
    if form == "star_first":
        return f"{label}{star or '★'}{word}{grade}{draw(st.sampled_from(('', term)))}"
    if form == "term_in_brackets":
        return f"{label}{word}{grade}（{star}{term}）"
    if form == "period_label":
        return f"{label}{word}{grade} 保密期限：{term}"
    if form == "bare":
        return f"{label}{open_}{word}{grade}{close}"
    return f"{label}{open_}{word}{grade}{close}{star}{term}"


@st.composite
def _marking_line(draw: st.DrawFn, level: str) -> str:
    word = draw(st.sampled_from(_WORDS[level]))
    if level != "internal":
        return draw(_classified_line(word))
    forms = (word, f"{word}★{draw(st.sampled_from(_TERMS))}", f"【{word}】", f"密级：{word}", *_INTERNAL_LINES,
             "内部使用", "内部发行")
    return draw(st.sampled_from(forms))


@st.composite
def _title_prefix(draw: st.DrawFn, level: str, title: str) -> str:
    word = draw(st.sampled_from(_WORDS[level]))
    star, term = draw(st.sampled_from(_STARS)), draw(st.sampled_from(("", *_TERMS)))
    open_, close = draw(st.sampled_from(_BRACKETS))
    forms = [f"{word}{star}{term}", f"{open_}{word}{close}", f"{star}{word}"]
    if level != "internal" and title.startswith("关于"):
        forms.append(word)  # 机密 关于…: nobody writes 机密关于 except as a marking
    return draw(st.sampled_from(forms)) + draw(st.sampled_from(("", " ", "\u3000"))) + title


@st.composite
def _title_suffix(draw: st.DrawFn, level: str, title: str) -> str:
    word = draw(st.sampled_from(_WORDS[level]))
    open_, close = draw(st.sampled_from(_BRACKETS))
    star, term = draw(st.sampled_from(_STARS)), draw(st.sampled_from(_TERMS))
    forms = [f"{open_}{word}{close}", f"{open_}{word}{star}{term}{close}", f" {word}{star}{term}"]
    if level == "internal":
        forms.append(f"{open_}内部资料{close}")
    return title + draw(st.sampled_from(forms))


@st.composite
def marked_records(draw: st.DrawFn, bases: Sequence[dict[str, Any]] | None = None,
                   levels: Sequence[str] = LEVELS, places: Sequence[str] = PLACES) -> tuple[dict[str, Any], str]:
    """(record, level): a real proactive document carrying a marking of `level` only in its text."""
    base = dict(draw(st.sampled_from(tuple(bases) if bases is not None else proactive_bases())))
    level, place = draw(st.sampled_from(tuple(levels))), draw(st.sampled_from(tuple(places)))
    brk = draw(st.sampled_from(BREAKS))
    body = str(base.get("body") or "")
    if draw(st.booleans()):
        body = body.replace("\n", brk)
    line = draw(_marking_line(level))
    line = draw(_scatter(line, _SPACES, 2)) if draw(st.booleans()) else line
    title = str(base.get("title") or "")
    if place == "header":
        before = draw(st.lists(st.sampled_from(_BEFORE), max_size=5))
        line = draw(_scatter(line, INVISIBLE))
        # Rich-text exports: the line in tags, or its characters as HTML character references.
        line = draw(st.sampled_from((line, line, f"<p>{line}</p>", f'<p style="text-align:center">{line}</p>',
                                     "".join(f"&#{ord(ch)};" if "\u4e00" <= ch <= "\u9fff" else ch for ch in line))))
        body = brk.join([*before, line, body])
    elif place == "attachment":
        heading = draw(st.sampled_from(("附件1", "附件 2", "附件：", "附件", "附件3")))
        blank = brk * draw(st.integers(0, 3))
        body = brk.join([body, heading + blank, draw(_scatter(line, INVISIBLE)), "某市成品油储备库点及数量表", "……"])
    elif place == "title_prefix":
        title = draw(_scatter(draw(_title_prefix(level, title)), INVISIBLE))
    else:
        title = draw(_scatter(draw(_title_suffix(level, title)), INVISIBLE))
    base.update(title=title, body=body, secrecy_marking=draw(st.sampled_from(("", None, "非密"))))
    return base, level


_LOOKALIKE_LINES = (
    "不得泄露国家秘密。", "不得泄露国家秘密", "保守工作秘密", "涉及商业秘密的除外。", "机密性", "保密工作",
    "秘密级以上涉密载体管理", "内部审计", "内部控制", "（内部讨论稿）", "（征求意见稿）", "保密期限届满的，自行解密。",
    "要严格遵守保密纪律，不得泄露国家秘密。", "关于加强机密文件管理的通知", "工作秘密管理暂行办法",
    "<p>内部控制</p>", "温度<5℃ & 湿度>80%", "内部—外部协调机制", "机密—不得外传的规定解读。",
)
_LOOKALIKE_TITLES = (
    "内部审计工作规定", "关于加强机密文件管理的通知", "关于做好保密工作的通知", "机密文件管理办法",
    "工作秘密管理暂行办法", "关于保护商业机密的指导意见", "秘密级以上涉密载体管理规定", "关于印发《某市内部控制规范》的通知",
    "关于调整养老服务补贴标准的测算说明（内部讨论稿）", "关于公开征求《某市保密工作规定（征求意见稿）》意见的公告",
)


@st.composite
def unmarked_lookalikes(draw: st.DrawFn, bases: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A real proactive document with sentences and a title about secrets, but no marking."""
    base = dict(draw(st.sampled_from(tuple(bases) if bases is not None else proactive_bases())))
    brk = draw(st.sampled_from(BREAKS))
    lines = [draw(_scatter(line, INVISIBLE, 2)) for line in draw(st.lists(st.sampled_from(_LOOKALIKE_LINES),
                                                                           min_size=1, max_size=4))]
    body = str(base.get("body") or "")
    place = draw(st.sampled_from(("header", "attachment", "both")))
    if place in ("header", "both"):
        body = brk.join([*lines, body])
    if place in ("attachment", "both"):
        body = brk.join([body, "附件1", *lines, "……"])
    title = draw(st.sampled_from((str(base.get("title") or ""), *_LOOKALIKE_TITLES)))
    base.update(title=draw(_scatter(title, INVISIBLE, 2)), body=body, secrecy_marking=draw(st.sampled_from(("", None))))
    return base
