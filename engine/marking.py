"""Secrecy markings (密级标志) from the document system's metadata and from the body's header.

GB/T 9704 puts the marking in the header, above the issuing authority: `机密★3年`, `秘密★正式发布前`,
`绝密★考试结束`, sometimes `密级：秘密`. Agencies also mark 内部 / 工作秘密 (保守国家秘密法第六十四条).
Metadata and body do not always agree (a clerk may leave the field empty), so both are read and the
stricter wins: a document marked anywhere is treated as marked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.vocabulary import SECRECY_ORDER, Secrecy

# Only the first lines of the body can be header lines; a marking word inside a sentence
# ("不得泄露国家秘密") is not a marking.
HEADER_LINES = 8
_MAX_HEADER_LINE = 24
# 内部, 内部★1年, 内部（参阅件）, 内部资料 注意保存, 工作秘密★…; not 内部审计工作规定 (a title).
_INTERNAL_LINE = re.compile(r"^(内部|工作秘密)(★.*|[（(][^）)]*[）)]|资料.*|文件|事项|注意保存|请勿外传)?$")

_LEVELS = (("绝密", Secrecy.TOP_SECRET), ("机密", Secrecy.SECRET), ("秘密", Secrecy.CONFIDENTIAL))
_INTERNAL_WORDS = ("工作秘密", "内部资料", "内部文件", "内部事项", "内部")
_NO_MARKING = {"", "无", "非密", "公开", "普通", "无密级", "none", "null"}

_STAR = re.compile(r"^(?:密级[:：]?\s*)?(绝密|机密|秘密)\s*(?:★\s*(.*))?$")
_LABELLED = re.compile(r"^密\s*级\s*[:：]\s*(绝密|机密|秘密|内部|工作秘密|非密)")


@dataclass(frozen=True)
class Marking:
    """One marking found: its level, the term after ★ if any, where it was found and the text."""

    level: Secrecy
    term: str
    origin: str  # "metadata" | "body"
    text: str
    start: int = -1  # span in the body, -1 for metadata
    end: int = -1


def parse_marking(text: str) -> tuple[Secrecy, str] | None:
    """Parse one marking string; None when it says there is no marking.

    An unrecognised non-empty marking is taken as 内部: a document system does not put words in the
    secrecy field for nothing, and treating it as unmarked could publish it.

    Examples:
        >>> parse_marking("秘密★1年")
        (<Secrecy.CONFIDENTIAL: 'confidential'>, '1年')
        >>> parse_marking("工作秘密")
        (<Secrecy.INTERNAL: 'internal'>, '')
        >>> parse_marking("非密") is None
        True
    """
    cleaned = re.sub(r"\s+", "", text)
    if cleaned.lower() in _NO_MARKING:
        return None
    labelled = _LABELLED.match(cleaned)
    if labelled:
        cleaned = labelled.group(1)
        if cleaned == "非密":
            return None
    star = _STAR.match(cleaned)
    if star:
        return dict((w, lvl) for w, lvl in _LEVELS)[star.group(1)], (star.group(2) or "").strip()
    for word in _INTERNAL_WORDS:
        if cleaned.startswith(word):
            return Secrecy.INTERNAL, cleaned.partition("★")[2]
    for word, level in _LEVELS:
        if word in cleaned and "工作秘密" not in cleaned and "商业秘密" not in cleaned:
            return level, cleaned.partition("★")[2]
    return Secrecy.INTERNAL, ""


def _header_marking(line: str) -> tuple[Secrecy, str] | None:
    """A body header line is a marking only if it is short and is nothing but the marking."""
    cleaned = re.sub(r"\s+", "", line)
    if not cleaned or len(cleaned) > _MAX_HEADER_LINE:
        return None
    if _STAR.match(cleaned) or _LABELLED.match(cleaned):
        return parse_marking(cleaned)
    # 内部, 内部★1年, 内部（参阅件）, 内部资料注意保存, 工作秘密★…: a short line that starts with the word.
    if _INTERNAL_LINE.match(cleaned):
        return parse_marking(cleaned)
    return None


def find_markings(metadata: str, body: str) -> list[Marking]:
    """Every marking in the metadata field and in the body's header lines."""
    found: list[Marking] = []
    parsed = parse_marking(metadata) if metadata.strip() else None
    if parsed:
        found.append(Marking(parsed[0], parsed[1], "metadata", metadata.strip()))
    offset = 0
    for index, line in enumerate(body.split("\n")):
        if index >= HEADER_LINES:
            break
        header = _header_marking(line)
        if header:
            start = offset + (len(line) - len(line.lstrip()))
            found.append(Marking(header[0], header[1], "body", line.strip(), start, start + len(line.strip())))
        offset += len(line) + 1
    return found


def strictest(markings: list[Marking]) -> Secrecy:
    """The strictest level among the markings, or none."""
    return max((m.level for m in markings), key=SECRECY_ORDER.index, default=Secrecy.NONE)
