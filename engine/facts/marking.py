"""Secrecy markings (密级标志) wherever a document carries one: metadata, header, title, attachments.

GB/T 9704-2012 puts the marking in the 版头, above the title: 份号 (line 1), 密级和保密期限
(`机密★3年`, `秘密★正式发布前`, `绝密★考试结束前`; some write `密级：秘密`), 紧急程度 (`特急`, `加急`),
then the 发文机关标志. Agencies also mark 内部 / 工作秘密 (保守国家秘密法第六十四条). Intake writes
markings in many more ways than the standard's: brackets, `级`, ☆ and `*` for ★, traditional
characters, spaces and invisible characters inside, other line breaks, the marking only in the title
(`机密★关于…的通知`, `关于…的通知（机密）`), or at the head of an attachment, which carries its own
header. Every detector here matches on engine/text.for_matching's text, so none of that hides a
marking, and reports spans in the text the clerk wrote.

Metadata and text do not always agree (a clerk may leave the field empty), so everything is read and
the strictest level wins: a document marked anywhere is treated as marked. A sentence that talks
about secrets ("不得泄露国家秘密", "关于加强机密文件管理的通知") is not a marking: only a line that is
nothing but a marking, or a title's marked prefix or bracketed suffix, counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Mapping, get_args

from engine.facts.text import Normalized, compact, for_matching
from engine.vocabulary import SECRECY_ORDER, Secrecy

# Where a marking was found: the metadata, the body's 版头, the title, an attachment's head.
MarkingOrigin = Literal["metadata", "body", "title", "attachment"]
ORIGINS: tuple[str, ...] = get_args(MarkingOrigin)
FIELD_OF_ORIGIN = {"metadata": "secrecy_marking", "body": "body", "title": "title", "attachment": "body"}

# The 版头 ends at the title, the 主送 line or the first sentence; before it come any number of blank
# lines and at most a few dozen short ones (份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人).
HEADER_LINES = 30
ATTACHMENT_LINES = 8  # non-empty lines read at the head of each attachment
_MAX_MARKING_LINE = 40  # a marking line, compacted, is never longer (份号 + 密级 + 保密期限 + 紧急程度)
_MAX_TITLE = 200  # characters; GB/T 9704 titles run to two or three lines of 28

_LEVEL_OF = {"绝密": Secrecy.TOP_SECRET, "机密": Secrecy.SECRET, "秘密": Secrecy.CONFIDENTIAL,
             "内部": Secrecy.INTERNAL, "工作秘密": Secrecy.INTERNAL,
             # ㊙ (U+3299, NFKC 秘) alone on a line, and the English words of bilingual documents.
             "秘": Secrecy.CONFIDENTIAL, "TOPSECRET": Secrecy.TOP_SECRET, "SECRET": Secrecy.SECRET,
             "CONFIDENTIAL": Secrecy.CONFIDENTIAL}
# After for_matching: （［ are ( [, ＊ is *, ﹝ is 〔, ：is :, full-width digits are ASCII.
_OPEN = r"[(\[【〔〖「『<]"
_CLOSE = r"[)\]】〕〗」』>]"
STAR = _STAR = r"[★☆*⋆∗⁎✦✧✩-✿⭐]"
_LEVEL = r"(?P<level>绝密|机密|秘密|工作秘密|内部)"
_CLASSIFIED = r"(?P<level>绝密|机密|秘密)"
# 保密期限 (保守国家秘密法第二十条: a period, a date, or an event such as 正式发布, 考试结束).
_TERM = (r"(?:\d{1,3}个?(?:年|月|日|天)|长期|永久|"
         r"(?:正式)?(?:发布|公布|公开|印发|发出|实施)(?:之)?前|"
         r"(?:考试|开考|开标|评标|会议|谈判|活动|工作)(?:开始|结束|完成)?(?:之)?(?:前|后)|考试结束|"
         r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:前|止|以前)?|解密)")
_PERIOD = r"(?:保密期限:?)"
_SERIAL = r"(?:份号:?)?\d{3,8}"
_URGENCY = r"(?:紧急程度:?)?(?:特急|加急|特提|平急|急件)"
# The label before a level: 密级：, and the names agencies give it.
_LABEL = r"(?:(?:密级|保密等级|秘密等级|保密级别|密级标识|密级标志|文件密级):?)"
# Between ★ and the end of a line anything goes: `机密★至项目验收` is still a marking.
_LOOSE_TERM = r"[^。;!?]{0,30}?"
# What a font or a converter makes of ★ (•, ▲, ※ …), and separators typed instead of it: on a line that is
# nothing but the marking, followed by a real 保密期限 (`机密•10年`, `机密/5年`, `机密:长期`), still a marking.
_SEP = r"[•·●○◎▲△▼■□◆◇※/|:~_\-–—－]"
# Quotes around a level, on a line that is nothing but it (`“机密”`).
_LINE_OPEN = r"[(\[【〔〖「『<“‘\"'《]"
_LINE_CLOSE = r"[)\]】〕〗」』>”’\"'》]"

# A line that is nothing but a marking (compacted: spaces removed).
_LINE = re.compile(
    rf"(?:{_SERIAL})?(?:{_URGENCY})?{_LABEL}?"
    rf"(?P<mark>{_STAR}*{_LINE_OPEN}?{_STAR}*{_LEVEL}级?{_LINE_CLOSE}?"
    rf"(?:{_LINE_OPEN}?(?:{_STAR}+{_PERIOD}?(?P<term>{_LOOSE_TERM})|{_STAR}?{_PERIOD}?(?P<strict>{_TERM})"
    rf"|{_SEP}{_PERIOD}?(?P<septerm>{_TERM}))?{_LINE_CLOSE}?)?{_STAR}*)"
    rf"(?:{_URGENCY})?(?:{_SERIAL})?"
)
# ㊙ and the English levels of a bilingual document, on a line of their own (`㊙`, `SECRET ★ 10 years`).
_OTHER_LINE = re.compile(rf"(?i:(?P<mark>{_STAR}*{_LINE_OPEN}?(?P<level>秘|TOPSECRET|SECRET|CONFIDENTIAL)"
                         rf"{_LINE_CLOSE}?(?:{_STAR}(?P<term>[^。;!?]{{0,30}}?))?{_STAR}*))")
# 内部资料 注意保存, 内部（参阅件）, 内部文件: the agencies' own 内部 lines (not 内部审计工作规定).
_INTERNAL_LINE = re.compile(
    rf"{_LABEL}?(?P<mark>[(\[【〔]?(?P<level>内部|工作秘密)(?:资料|文件|事项|材料|刊物|参阅|参考|使用|发行|传阅|交流|掌握)?"
    r"[)\]】〕]?(?:[,、.]?(?:[(\[【〔][^)\]】〕]{1,12}[)\]】〕]|注意保存|妥善保存|注意保密|请勿外传|不得外传|仅供参考))*)"
)
# A line with only a 保密期限 says the document is a state secret of a level it does not give:
# 保密期限 exists only for 绝密, 机密 and 秘密 (保守国家秘密法第十五条), so it is at least 秘密.
_PERIOD_LINE = re.compile(rf"(?P<mark>{_PERIOD}(?P<strict>{_TERM}))")
# A title that begins with a marking: `【机密】关于…`, `★绝密 关于…`, `机密★10年关于…`, `绝密 关于…`.
_TITLE_PREFIX = tuple(re.compile(f"{_LABEL}?(?P<mark>{p})") for p in (
    rf"{_STAR}?{_OPEN}{_STAR}?{_LEVEL}级?(?:{_STAR}{_PERIOD}?(?P<term>{_TERM})?)?{_CLOSE}",
    rf"{_STAR}{_LEVEL}级?(?:{_STAR}?{_PERIOD}?(?P<term>{_TERM}))?",
    rf"{_LEVEL}级?{_STAR}{_PERIOD}?(?P<term>{_TERM})?",
    rf"{_LEVEL}级?{_OPEN}{_STAR}?{_PERIOD}?(?P<term>{_TERM}){_CLOSE}",
    rf"{_CLASSIFIED}级?(?=关于)",  # nobody writes 机密关于 except as a marking and a title
    rf"{_CLASSIFIED}级?[:|/\-–—－](?=[^。;!?]+$)",  # `秘密：关于…的通知`, not a sentence `机密—不得…。`
))
# A title that ends with a marking: `…的通知（机密）`, `…的通知(秘密★1年)`, `…的通知 机密★10年`. A bare
# level at the end is not one: `关于保护商业机密` ends with 机密.
_TITLE_SUFFIX = tuple(re.compile(f"(?P<mark>{p})$") for p in (
    rf"{_OPEN}{_STAR}?{_LEVEL}级?(?:{_STAR}{_PERIOD}?(?P<term>{_LOOSE_TERM})|{_PERIOD}?(?P<strict>{_TERM}))?{_CLOSE}",
    rf"{_OPEN}(?P<level>内部)(?:资料|参阅|文件){_CLOSE}",  # not （内部讨论稿）: a draft's status
    rf"{_CLASSIFIED}级?{_STAR}(?P<term>{_LOOSE_TERM})",
    rf"[|/\-–—－]{_CLASSIFIED}级?",  # `…的通知-机密`: a separator, then the level, at the very end
    # After the classified levels: `…春耕工作 秘密★10年` compacts to 工作秘密★10年, and the stricter reading wins.
    rf"{_LEVEL}级?{_STAR}(?P<term>{_LOOSE_TERM})",
))
_LATIN_LEVEL = re.compile(r"(?i)secret|confidential")
_NO_MARKING = {"", "无", "非密", "公开", "普通", "无密级", "none", "null", "密级:非密", "密级:无", "密级:公开"}
_ATTACHMENT = re.compile(r"(?m)^ ?附 ?[件表录]")
_ATTACHMENT_HEAD = re.compile(r"附[件表录](?:[0-9一二三四五六七八九十]+[:.、]?|:|$)(?P<rest>.*)")


@dataclass(frozen=True)
class Marking:
    """One marking found: its level, its 保密期限 if any, where it was found, the words and their span
    in the original text of that field (the metadata field's own text for the metadata)."""

    level: Secrecy
    term: str
    origin: str  # one of ORIGINS
    text: str
    start: int = -1
    end: int = -1

    @property
    def field(self) -> str:
        """The document field the marking is in: secrecy_marking, title or body."""
        return FIELD_OF_ORIGIN[self.origin]


def _parse_compact(line: str, patterns: tuple[re.Pattern[str], ...] = ()) -> tuple[Secrecy, str, int, int] | None:
    """Level, term and span (in `line`) of a compacted line that is nothing but a marking."""
    if not line or len(line) > _MAX_MARKING_LINE:
        return None
    for pattern in patterns or (_LINE, _INTERNAL_LINE, _PERIOD_LINE, _OTHER_LINE):
        found = pattern.fullmatch(line)
        if found:
            return _level_term(found) + found.span("mark")
    return None


def _level_term(found: re.Match[str]) -> tuple[Secrecy, str]:
    groups = found.groupdict()
    level = _LEVEL_OF[groups["level"].upper()] if groups.get("level") else Secrecy.CONFIDENTIAL  # a bare 保密期限
    return level, (groups.get("term") or groups.get("strict") or groups.get("septerm") or "").strip()


def parse_marking(text: str) -> tuple[Secrecy, str] | None:
    """Parse the metadata's marking string; None when it says there is no marking.

    An unrecognised non-empty marking is taken as 内部: a document system does not put words in the
    secrecy field for nothing, and treating it as unmarked could publish it.

    Examples:
        >>> parse_marking("秘密★1年")
        (<Secrecy.CONFIDENTIAL: 'confidential'>, '1年')
        >>> parse_marking("工作秘密")
        (<Secrecy.INTERNAL: 'internal'>, '')
        >>> parse_marking("機密\\u200b★１０年")
        (<Secrecy.SECRET: 'secret'>, '10年')
        >>> parse_marking("非密") is None
        True
    """
    line, _ = compact(for_matching(text).text.replace("\n", " "))
    if line.lower() in _NO_MARKING:
        return None
    parsed = _parse_compact(line)
    if parsed:
        return parsed[0], parsed[1]
    for word, level in _LEVEL_OF.items():  # 绝密 before 机密 before 秘密: the strictest named
        if word in line and "商业秘密" not in line and (word != "秘密" or "工作秘密" not in line):
            return level, line.partition("★")[2]
    return Secrecy.INTERNAL, ""


def _marking_in_line(line: str, *, title: bool) -> tuple[Secrecy, str, int, int] | None:
    """A marking in one normalised line: the whole line, or (title=True) a marked prefix or suffix.

    A line longer than any title (a body pasted without line breaks) is read for a prefix only, in
    its first characters: the work stays bounded however long the line.
    """
    long = len(line) > _MAX_TITLE
    packed, index = compact(line[:_MAX_TITLE])
    parsed = None if long else _parse_compact(packed)
    if parsed is None and title:
        found = next((f for p in _TITLE_PREFIX if (f := p.match(packed))), None) or (None if long else next(
            (f for p in _TITLE_SUFFIX if (f := p.search(packed))), None))
        parsed = _level_term(found) + found.span("mark") if found else None
    if parsed is None:
        return None
    level, term, start, end = parsed
    return level, term, index[start], index[end - 1] + 1


def _found(norm: Normalized, original: str, at: int, line: str, origin: str, *, title: bool) -> Marking | None:
    hit = _marking_in_line(line, title=title)
    if hit is None:
        return None
    start, end = norm.span(at + hit[2], at + hit[3])
    return Marking(hit[0], hit[1], origin, original[start:end], start, end)


def _is_header_end(packed: str) -> bool:
    """A line that is the 主送 line or body text: the 版头 is over (GB/T 9704 §7.2, 7.3)."""
    if any(mark in packed for mark in "。;!?") or len(packed) > 50:
        return True
    if packed.endswith(":") and not packed.startswith(("密级", "保密期限", "份号", "紧急程度", "签发人")):
        return True
    return "," in packed and len(packed) > 25


def _lines(text: str, start: int = 0):  # type: ignore[no-untyped-def]
    """(offset, line) from `start` on, lazily: a 10 MB body costs what is read of it."""
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield start, text[start:end]
        start = end + 1


def _scan_head(norm: Normalized, original: str, start: int, origin: str, limit: int) -> list[Marking]:
    """Markings in the first `limit` non-empty lines from `start`, up to the end of a header."""
    found: list[Marking] = []
    seen = 0
    for at, line in _lines(norm.text, start):
        packed = line.replace(" ", "")
        if not packed:
            continue
        if seen and _ATTACHMENT_HEAD.fullmatch(packed):
            break  # an attachment: read from its own heading
        # Every marking word has 密 (绝密 机密 秘密 工作秘密 保密期限) or is 内部: other lines are not parsed.
        maybe = "密" in packed or "内部" in packed or "秘" in packed or _LATIN_LEVEL.search(packed) is not None
        marking = _found(norm, original, at, line, origin, title=True) if maybe else None
        if marking:
            found.append(marking)
        seen += 1
        if seen >= limit or (marking is None and _is_header_end(packed)):
            break
    return found


def _attachment_markings(norm: Normalized, original: str) -> list[Marking]:
    """Markings at the head of each attachment (附件1 / 附件： …): an attachment carries its own 版头."""
    found: list[Marking] = []
    for heading in _ATTACHMENT.finditer(norm.text):
        end = norm.text.find("\n", heading.start())
        end = len(norm.text) if end < 0 else end
        line = norm.text[heading.start():min(end, heading.start() + _MAX_TITLE)]
        packed, index = compact(line)
        head = _ATTACHMENT_HEAD.fullmatch(packed)
        if head is None:
            continue
        rest = index[head.start("rest")] if head.group("rest") else len(line)
        same_line = _found(norm, original, heading.start() + rest, line[rest:], "attachment", title=True)
        found += [same_line] if same_line else []
        found += _scan_head(norm, original, end + 1, "attachment", ATTACHMENT_LINES)
    return found


def find_markings(metadata: str, body: str, title: str = "",
                  matched: Mapping[str, Normalized] | None = None) -> list[Marking]:
    """Every marking in the metadata field, the body's header, the title and the heads of attachments.

    Spans are in the original `body` and `title` (and `metadata`), whatever normalisation found them.
    `matched` may hold for_matching's result for "title" and "body" when the caller has it already.
    """
    matched = matched or {}
    found: list[Marking] = []
    parsed = parse_marking(metadata) if metadata.strip() else None
    if parsed:
        start = len(metadata) - len(metadata.lstrip())
        found.append(Marking(parsed[0], parsed[1], "metadata", metadata.strip(), start, start + len(metadata.strip())))
    if title:
        norm_title = matched.get("title") or for_matching(title)
        marking = _found(norm_title, title, 0, norm_title.text.replace("\n", " "), "title", title=True)
        found += [marking] if marking else []
    norm_body = matched.get("body") or for_matching(body)
    found += _scan_head(norm_body, body, 0, "body", HEADER_LINES)
    found += _attachment_markings(norm_body, body)
    return found


def strictest(markings: list[Marking]) -> Secrecy:
    """The strictest level among the markings, or none."""
    return max((m.level for m in markings), key=SECRECY_ORDER.index, default=Secrecy.NONE)
