"""The masked text: each accepted span replaced by a mask, a customary partial form or a kind label.

A mask has as many characters as the span shows (one per visible character: a combining mark or an
invisible format character inside a span is dropped with it, never left to sit on a mask character),
so the released copy keeps the layout of the original. Spans are first widened to whole characters (a
span cut between a letter and its combining mark, or between the halves of a surrogate pair read from
bad UTF-16, takes both), then overlapping spans are merged: of one kind, the merged span takes that
kind's form; of several, it is masked in full. Only the accepted spans change: everything else is copied
as written.

The partial forms (MaskStyle.PARTIAL), by kind, with the practice they follow:

- names: 张三 → 张某, 张三丰 → 张某某, 欧阳娜娜 → 欧阳某某, 买买提·艾力 → 买某某某某某: the surname kept and
  the given name replaced by 某, a minority name keeping its first character (最高人民法院关于人民法院在
  互联网公布裁判文书的规定, 法释〔2016〕19号, 第九条（一）（二）); one 某 per character, so the length stays;
- ID numbers: 110101********1234, the first six (the area of registration) and the last four kept, the
  birth date and sequence hidden: the form agencies use in published 行政处罚 and 公示 lists;
- mobile phones 138****5678 (first three, last four: the operators' and apps' display form); fixed
  phones their area code and last four digits (010-****5678);
- bank accounts keep the last four digits (尾号), as banks' own statements show them;
- addresses keep the administrative divisions down to the county (北京市东城区×××…), as published
  decisions commonly do;
- e-mail keeps the first character and the domain (z***@example.com); number plates the province and the
  issuing letter (京A·*****).

法释〔2016〕19号 第十条 deletes home addresses, contact details, ID numbers, bank accounts and number plates
outright in court judgments: choose MaskStyle.FULL or MaskStyle.LABEL per kind for that stricter practice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from engine.applications.redaction_spans import LABELS, MaskStyle, RedactionKind, RedactionSpan

K = RedactionKind
DEFAULT_MASK = "×"
DEFAULT_STYLES: Mapping[RedactionKind, MaskStyle] = {kind: MaskStyle.PARTIAL for kind in RedactionKind} | {
    K.OFFICIAL_NUMBER: MaskStyle.FULL, K.OTHER: MaskStyle.FULL}

_INVISIBLE = frozenset({"Mn", "Me", "Cf"})
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 西门 南宫 独孤 澹台 公羊 "
    "闻人 万俟 申屠 太史 钟离 呼延 赫连 拓跋 百里 东郭 左丘 第五 单于 司空 濮阳 淳于 仲孙 亓官 鲜于 闾丘".split())
_ADMIN_PREFIX = re.compile(r"(?:[^省市区县旗\d]{1,7}?(?:省|自治区|特别行政区))?(?:[^省市区县旗\d]{1,7}?(?:市|自治州|州|盟|地区))?"
                           r"(?:[^省市区县旗\d]{1,7}?(?:区|县|旗|市))?")


@dataclass(frozen=True)
class MaskedRegion:
    """One masked place: [start, end) in the original, [masked_start, masked_end) in the released copy."""

    start: int
    end: int
    masked_start: int
    masked_end: int
    kind: RedactionKind


@dataclass(frozen=True)
class MaskedText:
    """The released text and where its masks lie (for showing them on a page)."""

    text: str
    regions: tuple[MaskedRegion, ...]


def _high(ch: str) -> bool:
    return "\ud800" <= ch <= "\udbff"


def _low(ch: str) -> bool:
    return "\udc00" <= ch <= "\udfff"


def _attached(ch: str) -> bool:
    """A character that belongs to the one before it: a combining mark, a variation selector, ZWJ."""
    return unicodedata.category(ch) in ("Mn", "Me") or ch == "\u200d" or _low(ch)


def whole_characters(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) widened so that it neither starts nor ends inside a character as seen.

    Examples:
        >>> whole_characters("ae\\u0301b", 1, 2), whole_characters("a\\u0301b", 1, 3)
        ((1, 3), (0, 3))
    """
    start, end = max(0, start), min(len(text), end)
    while 0 < start < len(text) and _attached(text[start]):
        start -= 1
    while end < len(text) and (_attached(text[end]) or (end > 0 and text[end - 1] == "\u200d")):
        end += 1
    if end > 0 and _high(text[end - 1]) and end < len(text) and _low(text[end]):
        end += 1
    return start, end


def _visible(segment: str) -> list[str]:
    """The characters of `segment` as seen: marks and format characters dropped, a surrogate pair one."""
    out: list[str] = []
    for ch in segment:
        if unicodedata.category(ch) in _INVISIBLE or (_low(ch) and out and _high(out[-1][-1])):
            if _low(ch) and out:
                out[-1] += ch
            continue
        out.append(ch)
    return out


def _keep(chars: list[str], first: int, last: int, mask: str, significant: str = r"[^\W_]") -> str:
    """Of the significant characters, the first `first` and last `last` kept, the others masked; the
    rest (spaces, hyphens, brackets) kept as written."""
    positions = [i for i, ch in enumerate(chars) if re.fullmatch(significant, ch)]
    hidden = set(positions[first:len(positions) - last if last else None])
    if not hidden:  # too short for the form: hide it all rather than show it all
        hidden = set(positions) or set(range(len(chars)))
    return "".join(mask if i in hidden else ch for i, ch in enumerate(chars))


def _name(chars: list[str]) -> str:
    plain = "".join(chars)
    keep = 2 if plain[:2] in _COMPOUND_SURNAMES and len(chars) > 2 else 1
    if chars and chars[0].isdecimal():  # not a name as written: nothing of it is kept
        keep = 0
    return "".join(chars[:keep]) + "某" * (len(chars) - keep)


def _phone(chars: list[str], mask: str) -> str:
    digits = "".join(str(unicodedata.digit(ch)) for ch in chars if ch.isdecimal())
    if re.fullmatch(r"(?:86)?1[3-9][0-9]{9}", digits):
        first = len(digits) - 8  # 138****5678
    elif digits.startswith(("01", "02")) and len(digits) > 8:
        first = 3  # 010-****5678: the area code says only the city
    elif digits.startswith("0") and len(digits) > 8:
        first = 4  # 0755-***4567
    else:
        first = 0
    return _keep(chars, first, 4, mask, r"\d")


def _address(chars: list[str], mask: str) -> str:
    plain = "".join(chars)
    match = _ADMIN_PREFIX.match(plain)
    kept = match.end() if match else 0
    if kept >= len(plain):  # nothing but divisions: hide it all
        return mask * len(chars)
    out, seen = [], 0
    for ch in chars:
        out.append(ch if seen < kept else mask)
        seen += len(ch)
    return "".join(out)


def _partial(chars: list[str], kind: RedactionKind, mask: str) -> str:
    if kind in (K.PERSON_NAME, K.REPRESENTATIVE_NAME, K.OFFICIAL_NAME):
        return _name(chars)
    if kind is K.ID_CARD:
        return _keep(chars, 6, 4, mask)
    if kind is K.PHONE:
        return _phone(chars, mask)
    if kind is K.BANK_ACCOUNT:
        return _keep(chars, 0, 4, mask, r"\d")
    if kind is K.ADDRESS:
        return _address(chars, mask)
    if kind is K.EMAIL and "@" in chars:
        at = chars.index("@")
        return _keep(chars[:at], 1, 0, mask, r"[^.]") + "".join(chars[at:]) if at > 1 else mask + "".join(chars[at:])
    if kind is K.PLATE and len(chars) > 2 and not any(ch.isdecimal() for ch in chars[:2]):
        return "".join(chars[:2]) + _keep(chars[2:], 0, 0, mask)
    return mask * len(chars)


def render(segment: str, kind: RedactionKind, style: MaskStyle, mask: str = DEFAULT_MASK) -> str:
    """What a masked span reads in the released copy.

    Examples:
        >>> render("张三丰", K.PERSON_NAME, MaskStyle.PARTIAL), render("13812345678", K.PHONE, MaskStyle.PARTIAL, "*")
        ('张某某', '138****5678')
        >>> render("11010519491231002X", K.ID_CARD, MaskStyle.PARTIAL, "*"), render("张三", K.PERSON_NAME, MaskStyle.LABEL)
        ('110105********002X', '（姓名已隐去）')
    """
    if style is MaskStyle.LABEL:
        return f"（{LABELS[kind]}已隐去）"
    chars = _visible(segment)
    if style is MaskStyle.FULL:
        return mask * len(chars)
    return _partial(chars, kind, mask)


def merged(text: str, spans: Iterable[RedactionSpan]) -> list[tuple[int, int, RedactionKind, bool]]:
    """The places to mask: spans widened to whole characters, overlapping ones merged, in order, each
    with its kind and whether it merged spans of different kinds (then it is masked in full)."""
    out: list[tuple[int, int, RedactionKind, bool]] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        start, end = whole_characters(text, span.start, span.end)
        if out and start < out[-1][1]:
            last_start, last_end, kind, mixed = out[-1]
            out[-1] = (last_start, max(end, last_end), kind, mixed or kind is not span.kind)
        else:
            out.append((start, end, span.kind, False))
    return out


def mask_text(text: str, spans: Iterable[RedactionSpan], styles: Mapping[RedactionKind, MaskStyle] | None = None,
              mask: str = DEFAULT_MASK) -> MaskedText:
    """`text` with each span masked (by its kind's style in `styles`, DEFAULT_STYLES for the others)."""
    if len(mask) != 1 or unicodedata.category(mask) in _INVISIBLE or mask.isspace():
        raise ValueError(f"the mask is one visible character, not {mask!r}")
    chosen = {**DEFAULT_STYLES, **(styles or {})}
    pieces: list[str] = []
    regions: list[MaskedRegion] = []
    last = length = 0
    for start, end, kind, mixed in merged(text, spans):
        pieces.append(text[last:start])
        length += start - last
        style = MaskStyle.FULL if mixed and chosen[kind] is MaskStyle.PARTIAL else chosen[kind]
        rendered = render(text[start:end], K.OTHER if mixed else kind, style, mask)
        pieces.append(rendered)
        regions.append(MaskedRegion(start, end, length, length + len(rendered), K.OTHER if mixed else kind))
        length += len(rendered)
        last = end
    pieces.append(text[last:])
    return MaskedText("".join(pieces), tuple(regions))
