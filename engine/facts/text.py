"""One normalisation for matching, read by every detector of markings and secret-looking content.

Text reaches us as a clerk typed, pasted or converted it: full-width and compatibility forms (`１０年`,
`＊`, `㊙`), invisible format characters (zero-width space, BOM, soft hyphen, bidi controls), every kind
of line break (`\\r\\n`, `\\r`, U+2028 …) and traditional characters (`機密`). Matched on the raw text,
any of them hides a marking, and a secret document is published. So detectors match on
`for_matching(text).text` and map what they find back with `.span()`: evidence points at what the
clerk wrote, not at our rewriting of it.

Per character, in this order:

- removed: format characters (category Cf: ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen, LRM/RLM,
  bidi embeddings and isolates, tags), combining marks (Mn, Me: variation selectors, CGJ), control
  characters (Cc) other than line breaks and tab, lone surrogates, and the Hangul fillers that
  render as nothing. None of them carries meaning in a Chinese official document;
- every line break (`\\r\\n`, `\\r`, `\\v`, `\\f`, U+001C–U+001E, U+0085, U+2028, U+2029) becomes `\\n`;
- NFKC, then traditional → simplified with OpenCC's dictionaries (t2s, then hk2s for the Hong Kong
  variants such as 衞 and 衹; not tw2s, whose variant table turns simplified 什么 into 什幺 and 显著
  into 显着), character by character: a character-level table is what matching needs, keeps the work
  to one regex pass, and maps one original character to a known piece of the result;
- runs of spaces and tabs (any Zs, the ideographic space too) become one space.

Before all that, a text that carries HTML (document systems export 正文 from rich-text editors) is
read as its words: tags go (block tags such as <p>, <br>, <div> become a line break) and character
references are decoded (`&#26426;&#23494;` is 机密, `&nbsp;` a space), so markup cannot hide a marking
either.

NFKC is applied per character, not across characters: composing a base letter with a following
combining mark changes nothing a Chinese detector looks for, and the marks are removed anyway.

`engine/normalize.normalize_text` (one-to-one, full-width letters and digits only) stays what rules,
personal data and the rest of the pipeline read; this one is for matching.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

_BREAKS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_FILLERS = "\u115f\u1160\u3164\uffa0"  # Hangul fillers: letters (Lo) that render as nothing
# Private use (Co) too: a font's private glyph inside 机密 renders as a box or nothing, and must not split it.
_REMOVED_CATEGORIES = frozenset({"Cf", "Mn", "Me", "Cc", "Cs", "Co"})
# Planes with assigned characters in any Unicode version Python ships (planes 4–13 are empty, 15–16
# are private use); plane 14 holds the tags (Cf) and variation selectors (Mn).
_SCANNED = ((0x0, 0x40000), (0xE0000, 0xF0000))
# Where OpenCC has traditional characters: radicals, CJK ideographs and their extensions, compatibility ideographs.
# Full-width punctuation fills every Chinese text (a comma every thirty characters): replaced one for
# one with str.replace, in C, before the scan, which then finds only what is rare.
_COMMON = tuple((ch, unicodedata.normalize("NFKC", ch)) for ch in "，：（）；！？\u3000")
_PLAIN_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xAC00, 0xD7A4), (0x20000, 0x2A6E0), (0x2A700, 0x2EBF0),
                 (0x30000, 0x323B0))
_HAN = ((0x2E80, 0x2FE0), (0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2FA20), (0x30000, 0x323B0))


@dataclass(frozen=True)
class Normalized:
    """Text normalised for matching, and the way back to the original's offsets.

    `regions` are the places where the length changed, as (start in text, length in text, start in
    the original, length in the original), in order; everywhere else one character is one character.
    """

    text: str
    regions: tuple[tuple[int, int, int, int], ...] = ()
    starts: tuple[int, ...] = ()  # regions' starts in text, for bisect
    base: Normalized | None = None  # when this rewrites another normalisation: the map goes on through it

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of text[start:end]: from the first original character that produced
        `start` to the end of the last one that produced `end - 1`; removed characters at either
        edge are left out.

        Examples:
            >>> n = for_matching("\\u200b機\\u200d密★１０年")
            >>> n.text, n.span(0, 2), n.span(0, len(n.text))
            ('机密★10年', (1, 4), (1, 8))
        """
        if self.base is not None:
            return self.base.span(*Normalized(self.text, self.regions, self.starts).span(start, end))
        if not self.regions:
            return start, end
        i = bisect.bisect_right(self.starts, start) - 1
        if i < 0:
            begin = start
        else:
            n, k, o, m = self.regions[i]
            begin = o if start < n + k else o + m + (start - n - k)
        j = bisect.bisect_left(self.starts, end) - 1
        if j < 0:
            finish = end
        else:
            n, k, o, m = self.regions[j]
            finish = o + m if end <= n + k else o + m + (end - n - k)
        return begin, max(begin, finish)


def for_matching(text: str | Normalized) -> Normalized:
    """`text` normalised for matching (see the module), with its offset map.

    Linear in the text: the punctuation every Chinese text is full of (，：（）；) is replaced in C,
    one-to-one; one regex scan of a single character class finds the rest, which is rare, and one
    substring search finds runs of spaces. A text with nothing else to change (simplified Chinese and
    ASCII, single spaces, `\\n`) is not copied again.

    Examples:
        >>> for_matching("機密\\u2028\\u200b第１２號").text
        '机密\\n第12号'
        >>> for_matching("（机 \\u3000密）\\r\\n★").text
        '(机 密)\\n★'
        >>> for_matching(for_matching("㊙密").text).text
        '秘密'
    """
    if isinstance(text, Normalized):
        return text
    markup = _markup(text) if ("<" in text or "&" in text) else None
    if markup is not None:
        text = markup.text
    mapping, pattern = _tables()
    for old, new in _COMMON:
        if old in text:
            text = text.replace(old, new)
    first = pattern.search(text)
    folded = Normalized(text) if first is None else _fold(text, first.start(), mapping, pattern)
    if markup is not None:
        folded = Normalized(folded.text, folded.regions, folded.starts, markup)
    return _collapse_spaces(folded)


_MARKUP = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9]{0,15}(?:[\s/][^<>]{0,500})?|!--[^<>]{0,2000}?--)>"
                     r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BLOCK = re.compile(r"</?(?:p|br|div|li|tr|td|th|h[1-6]|table|ul|ol|section|article|hr|pre|blockquote)\b", re.I)


def _markup(text: str) -> Normalized | None:
    r"""HTML tags removed (block tags made a line break) and character references decoded; None when
    the text has neither. The first map of the chain (for_matching's others go over it).

    Examples:
        >>> _markup("<p>&#26426;&#23494;&nbsp;★10年</p>").text
        '\n机密\xa0★10年\n'
        >>> _markup("温度<5℃ & 湿度>80%") is None
        True
    """
    pieces: list[str] = []
    regions: list[tuple[int, int, int, int]] = []
    last = length = 0
    for match in _MARKUP.finditer(text):
        start, end = match.span()
        found = match.group()
        if found[0] == "&":
            replacement = html.unescape(found)
        else:
            replacement = "\n" if _BLOCK.match(found) else ""
        if replacement == found:
            continue
        pieces.append(text[last:start])
        length += start - last
        pieces.append(replacement)
        regions.append((length, len(replacement), start, end - start))
        length += len(replacement)
        last = end
    if not regions:
        return None
    pieces.append(text[last:])
    return Normalized("".join(pieces), tuple(regions), tuple(r[0] for r in regions))


def _fold(text: str, first: int, mapping: dict[str, str], pattern: re.Pattern[str]) -> Normalized:
    """Every character `pattern` finds replaced by its `mapping`, `\\r\\n` made one `\\n`."""
    pieces: list[str] = []
    regions: list[tuple[int, int, int, int]] = []
    last = length = 0
    for match in pattern.finditer(text, first):
        start = match.start()
        found = match.group()
        if found == "\r":
            replacement = "" if text.startswith("\n", start + 1) else "\n"  # \r\n: the \n stays
        else:
            replacement = mapping.get(found, found)
            if replacement == found:
                continue  # an astral character that stays (all are found: see _tables)
        if start > last:
            pieces.append(text[last:start])
            length += start - last
        pieces.append(replacement)
        if len(replacement) != 1:
            regions.append((length, len(replacement), start, 1))
        length += len(replacement)
        last = start + 1
    pieces.append(text[last:])
    return Normalized("".join(pieces), tuple(regions), tuple(r[0] for r in regions))


def _collapse_spaces(norm: Normalized) -> Normalized:
    """Runs of spaces made one; a second map over the first (most texts have none: one C search)."""
    text = norm.text
    if "  " not in text:
        return norm
    pieces: list[str] = []
    regions: list[tuple[int, int, int, int]] = []
    last = length = 0
    for run in _SPACE_RUN.finditer(text):
        start, end = run.span()
        pieces.append(text[last:start])
        length += start - last
        pieces.append(" ")
        regions.append((length, 1, start, end - start))
        length += 1
        last = end
    pieces.append(text[last:])
    return Normalized("".join(pieces), tuple(regions), tuple(r[0] for r in regions), norm)


_SPACE_RUN = re.compile("  +")


def unwrap(norm: Normalized) -> Normalized:
    """`norm` with each single line break between two Han characters removed: a line wrapped inside a
    phrase (控制知\\n悉范围), as text copied from a PDF or a fixed-width editor is. Spans still map to
    the original. Blank lines, and breaks after punctuation, stay.

    Examples:
        >>> joined = unwrap(for_matching("严格控制知\\r\\n悉范围。\\n一、"))
        >>> joined.text, joined.span(4, 8)
        ('严格控制知悉范围。\\n一、', (4, 10))
    """
    text = norm.text
    cut = [m.start() for m in _BREAK.finditer(text)
           if 0 < m.start() < len(text) - 1 and _is_han(text[m.start() - 1]) and _is_han(text[m.start() + 1])]
    if not cut:
        return norm
    pieces, regions, last = [], [], 0
    for removed, at in enumerate(cut):
        pieces.append(text[last:at])
        regions.append((at - removed, 0, at, 1))
        last = at + 1
    pieces.append(text[last:])
    return Normalized("".join(pieces), tuple(regions), tuple(r[0] for r in regions), norm)


_BREAK = re.compile("\n")


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U000323af"


def compact(line: str) -> tuple[str, list[int]]:
    """A short line without its spaces, and for each kept character its index in `line`.

    Markings are written with spaces anywhere (`机 密 ★ 1 0 年`); grammars match the compact form.

    Examples:
        >>> compact("机 密 ★1年")
        ('机密★1年', [0, 2, 4, 5, 6])
    """
    kept = [i for i, ch in enumerate(line) if ch != " "]
    return "".join(line[i] for i in kept), kept


@functools.cache
def _tables() -> tuple[dict[str, str], re.Pattern[str]]:
    """Per character, what it becomes (built once per process, about 0.2 s), and the pattern that
    finds every character that may change."""
    t2s = _traditional_to_simplified()
    chars = [chr(cp) for low, high in _scanned() for cp in range(low, high)]
    # One C call for every character's NFKC; NUL composes with nothing, so each is folded alone.
    folded = unicodedata.normalize("NFKC", "\0".join(chars)).split("\0")
    removed: list[str] = list(_FILLERS)
    spaces: list[str] = ["\t"]
    mapping: dict[str, str] = {ch: "\n" for ch in _BREAKS}
    for ch, nfkc in zip(chars, folded, strict=True):
        category = unicodedata.category(ch)
        if ch in mapping or ch in "\n\t":
            continue
        if category in _REMOVED_CATEGORIES:
            removed.append(ch)
        elif category == "Zs":
            spaces.append(ch)
        elif nfkc != ch:
            mapping[ch] = nfkc
    removed.append("\0")
    mapping.update({ch: t2s.get(ch, ch) for ch in t2s if ch not in mapping})
    mapping.update({ch: "" for ch in removed})
    mapping.update({ch: " " for ch in spaces if ch != " "})
    # NFKC output may be traditional, a space or removable (a compatibility form with a combining
    # mark): settle every value, so that normalising twice changes nothing.
    for ch, value in mapping.items():
        while any(c in mapping for c in value):
            value = "".join(mapping.get(c, c) for c in value)
        mapping[ch] = value
    # Python's re finds a character of one class fast (a bitmap for the BMP, one range beyond);
    # alternatives would be tried one by one at every position, five times slower.
    bmp = [ch for ch in mapping if ord(ch) < 0x10000 and ch not in dict(_COMMON)]
    pattern = re.compile(_char_class([*bmp, "\r"])[:-1] + "\U00010000-\U0010FFFF]")
    return mapping, pattern


def _scanned() -> list[tuple[int, int]]:
    """The code points whose category and NFKC are looked at: the planes with assigned characters
    (planes 4–13 are empty, 15–16 private use; plane 14 holds tags and variation selectors), less
    the big blocks of letters (CJK unified ideographs, Hangul syllables) that NFKC leaves alone
    (a test checks that they hold nothing else)."""
    out, low = [], 1  # NUL separates characters below; it is removed like any control character
    for skip_low, skip_high in _PLAIN_BLOCKS:
        out.append((low, skip_low))
        low = skip_high
    return out + [(low, 0x40000), (0xE0000, 0xF0000)]


@functools.cache
def _simplifier() -> tuple[dict[int, int], re.Pattern[str]]:
    t2s = _traditional_to_simplified()
    # The counting pattern holds the BMP's characters only: Python's re tests a BMP class by bitmap, while one
    # with characters beyond it was tested range by range, 4 ms a 4 KB document on the suggestion's hot path
    # (31 µs now). The few traditional characters beyond the BMP are still folded, by the table.
    return {ord(k): ord(v) for k, v in t2s.items()}, re.compile(_char_class([c for c in t2s if ord(c) < 0x10000]))


_HAN_CHAR = re.compile(r"[\u3400-\u9fff]")


def simplified(texts: tuple[str, ...]) -> tuple[str, ...]:
    """The texts with traditional characters folded to simplified, one character for one (so every span found
    in them is the same span in the original), when together they are written in traditional characters: at
    least 3 such characters and 5% of their Han characters. A simplified text keeps the few characters that
    are traditional only by OpenCC's table (著 in 著作) as written. The rules read text this way; markings and
    the model read engine.facts.text.for_matching's, which folds every character.

    Examples:
        >>> simplified(("關於印發《某縣預算管理辦法》的通知", "各鄉鎮人民政府"))
        ('关于印发《某县预算管理办法》的通知', '各乡镇人民政府')
        >>> simplified(("關於某項目有關問題的函", "經研究，現函覆如下。特此函覆。"))
        ('关于某项目有关问题的函', '经研究，现函复如下。特此函复。')
        >>> simplified(("显著成绩", "著作权登记"))
        ('显著成绩', '著作权登记')
    """
    table, pattern = _simplifier()
    joined = "\n".join(texts)
    found = len(pattern.findall(joined))
    if found < 3 or found < 0.05 * len(_HAN_CHAR.findall(joined)):
        return texts
    return tuple(_t2s(text, table) for text in texts)


@functools.cache
def _phrases() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _t2s(text: str, table: dict[int, int]) -> str:
    """OpenCC's phrase-aware conversion (函覆 → 函复, 乾燥 → 干燥, 乾隆 kept) where it keeps the length, as it does
    for nearly every text; otherwise one character for one by the table."""
    converted = _phrases().convert(text)
    return converted if len(converted) == len(text) else text.translate(table)


@functools.cache
def _traditional_to_simplified() -> dict[str, str]:
    """OpenCC's traditional → simplified conversion of every Han character, one character each.

    Each character is converted on its own line, so no phrase rule joins neighbours; a character
    whose conversion is not one character is left alone.
    """
    import opencc

    chars = [chr(cp) for low, high in _HAN for cp in range(low, high)]
    table: dict[str, str] = {}
    for config in ("t2s", "hk2s"):  # t2s first; the Hong Kong variants fill in what it keeps
        converted = opencc.OpenCC(config).convert("\n".join(chars)).split("\n")
        if len(converted) != len(chars):  # a dictionary that joins lines would shift every character
            raise RuntimeError(f"OpenCC {config} changed the number of lines; cannot build the table")
        for ch, out in zip(chars, converted, strict=True):
            if out != ch and len(out) == 1 and ch not in table:
                table[ch] = out
    return table


def _char_class(chars: list[str]) -> str:
    """A regex character class of `chars`, as ranges."""
    points = sorted({ord(c) for c in chars})
    parts: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        low, high = re.escape(chr(points[i])), re.escape(chr(points[j]))
        parts.append(low if i == j else f"{low}-{high}")
        i = j + 1
    return "[" + "".join(parts) + "]"
