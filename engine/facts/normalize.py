"""Text normalisation and 文种 inference.

Normalisation maps each character to exactly one character, so a span found in normalised text is
the same span in the original: evidence can point at what the clerk wrote.
"""

from __future__ import annotations

import re

from engine.vocabulary import DOCUMENT_TYPES

# Full-width ASCII (U+FF01..U+FF5E) to half width, and the ideographic space to a space. Chinese
# punctuation proper (（）《》〔〕：，。) has no half-width twin in 公文 and is kept as written; the
# full-width parentheses are the exception, so ( ) and （ ） are both accepted in 附注 lines.
_KEEP = set("（），：；！？")
_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP}
_TABLE[0x3000] = 0x20
# str.translate looks every character up in a dict; most texts need no change at all, and one
# regex scan (in C) says so far faster. A text that needs some (an ideographic space to indent each
# paragraph, a full-width digit) has the few characters replaced where the scan finds them: translate
# over a whole 4 KB body cost 0.05 ms for its half-dozen characters.
_NEEDS = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_TABLE)) + "]")
_HALF = {chr(cp): chr(half) for cp, half in _TABLE.items()}


def normalize_text(text: str) -> str:
    """Return `text` with full-width letters, digits and spaces made half width.

    Examples:
        >>> normalize_text("２０２４年ＡＢ　号（公开）")
        '2024年AB 号（公开）'
        >>> normalize_text(normalize_text("１２"))
        '12'
    """
    return _NEEDS.sub(_half_width, text) if _NEEDS.search(text) else text


def _half_width(found: re.Match[str]) -> str:
    return _HALF[found.group()]


# Title endings that name the 文种, most specific first (纪要 before 要, 复函 before 函, 公报 before 报告).
_TITLE_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (doc_type, re.compile(pattern))
    for doc_type, pattern in (
        ("纪要", r"纪要(（[^）]*）)?$"),
        ("请示", r"请示$"),
        ("批复", r"批复$"),
        ("函", r"(复函|的函|函)$"),
        ("公报", r"公报$"),
        ("报告", r"报告$"),
        ("通报", r"通报$"),
        ("通知", r"通知$"),
        ("公告", r"公告$"),
        ("通告", r"通告$"),
        ("决定", r"决定$"),
        ("决议", r"决议$"),
        ("意见", r"意见$"),
        ("议案", r"议案$"),
        ("命令", r"(命令|令)$"),
        ("公示", r"公示$"),
    )
)
assert {t for t, _ in _TITLE_TYPES} - {"公示"} == set(DOCUMENT_TYPES)


def infer_doc_type(title: str) -> str | None:
    """Infer the 文种 from how a title ends, or None.

    Examples:
        >>> infer_doc_type("关于申请2025年度专项经费的请示")
        '请示'
        >>> infer_doc_type("关于某某事项的复函")
        '函'
        >>> infer_doc_type("2024年统计公报") is None
        False
        >>> infer_doc_type("工作动态") is None
        True
    """
    stripped = title.strip().rstrip("。")
    for doc_type, pattern in _TITLE_TYPES:
        if pattern.search(stripped):
            return doc_type
    return None
