"""Cues in the text that the Regulations care about, computed once per document.

Each detector returns plain values plus the evidence (field, span, words) that an explanation shows.
"""

from __future__ import annotations

import re

from engine.facts.document import Document
from engine.facts.evidence import Evidence

Cue = Evidence  # a cue is evidence for the fact it sets


# 条例第二条: the agency's Party organisation, discipline inspection, trade union and Youth League
# are not administrative organs; what they make is not government information.
_ISSUER_WORDS: dict[str, tuple[str, ...]] = {
    "party": ("党组", "机关党委", "党委", "党支部", "党总支", "党工委", "党群工作", "党建工作办公室", "中共"),
    "discipline": ("纪检监察组", "机关纪委", "纪委", "纪检组"),
    "union": ("工会",),
    "league": ("团委", "共青团", "团支部", "团工委"),
}
# Prefixes of 发文字号 such as 某财党组〔2025〕3号, 某环机党〔2023〕9号, 某区教工会〔2023〕4号, 某统团〔2021〕2号.
_NUMBER_CUES: dict[str, re.Pattern[str]] = {
    "party": re.compile(r"(党组|机党|党委|党工委|党发)[^〔\[(（]*[〔\[(（]"),
    "discipline": re.compile(r"(纪驻|机纪|纪检|纪发)[^〔\[(（]*[〔\[(（]"),
    "union": re.compile(r"(工会)[^〔\[(（]*[〔\[(（]"),
    "league": re.compile(r"(团委?|团发)[〔\[(（]"),
}
_SUBJECT_WORDS: dict[str, tuple[str, ...]] = {
    "party": (
        "党组", "党委", "党支部", "党总支", "党员", "党费", "党日", "党建", "党风廉政", "主题教育", "民主生活会",
        "组织生活会", "入党", "预备党员", "发展对象", "党内", "党史", "党课", "党组织", "党务",
    ),
    "discipline": ("纪检", "纪委", "函询", "廉政提醒", "党纪"),
    "union": ("工会", "职工之家", "疗休养", "会员代表大会", "困难职工", "职工趣味运动会", "三八", "妇女节"),
    "league": ("团委", "共青团", "团员", "青年理论学习", "五四", "青年节"),
}

TRADE_SECRET_CUES = (
    "商业秘密", "技术秘密", "核心技术", "专有技术", "工艺参数", "生产工艺", "工艺流程", "配方", "源代码", "投标报价",
    "报价明细", "成本构成", "成本数据", "客户名单", "经营数据", "经营信息", "财务数据", "技术参数", "图纸",
)

_COMMENT_WORDS = ("征求意见", "意见征集", "征集意见", "听证", "征询意见")
_PUBLIC_AUDIENCE = (
    "公开征求", "向社会", "社会公众", "社会各界", "广大市民", "各界人士", "公众意见", "市民群众", "广大群众", "社会公开",
    "网站公开", "公民、法人和其他组织",
)
_RELEASE_NOTES = (
    ("此件公开发布", "public"),
    ("此件主动公开", "public"),
    ("此件依申请公开", "on_request"),
    ("此件不予公开", "not_public"),
    ("此件不公开", "not_public"),
)
CLOSING_CHARS = 300
_ADDRESSEE_LINES = 12


def _first_hit(text: str, words: tuple[str, ...]) -> tuple[int, str] | None:
    best: tuple[int, str] | None = None
    for word in words:
        at = text.find(word)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, word)
    return best


def _edge_lines(body: str) -> list[tuple[int, str]]:
    """The body's first and last three non-empty lines with their offsets (header and 落款).

    Walks in from both ends instead of splitting the whole body: a 10 MB body costs what its
    edges cost. Short bodies (where the two ends meet) give every non-empty line.
    """
    head: list[tuple[int, str]] = []
    start = 0
    while start <= len(body) and len(head) < 3:
        end = body.find("\n", start)
        end = len(body) if end < 0 else end
        if body[start:end].strip():
            head.append((start, body[start:end]))
        start = end + 1
    tail: list[tuple[int, str]] = []
    end = len(body)
    while end >= 0 and len(tail) < 3:
        begin = body.rfind("\n", 0, end) + 1
        if body[begin:end].strip():
            tail.append((begin, body[begin:end]))
        end = begin - 1
    tail.reverse()
    if head and tail and tail[0][0] > head[-1][0]:
        return head + tail
    return sorted(set(head + tail))  # the ends meet: every non-empty line, once


_NOT_A_NAME = ("抄送", "主送", "分送", "抄报", "报送", "列席", "出席", "附件", "联系人", "联系电话", "经", "根据")


def _is_name_line(line: str) -> bool:
    """A header or signature line: short, no sentence punctuation, not a distribution list."""
    return (
        0 < len(line) <= 30
        and not any(mark in line for mark in "，。；：:、")
        and not line.startswith(_NOT_A_NAME)
    )


def issuer_bodies(doc: Document) -> list[Cue]:
    """Party, discipline, union and League bodies named as the issuer."""
    cues: list[Cue] = []
    name_lines = [(offset, line, line.strip()) for offset, line in _edge_lines(doc.body) if _is_name_line(line.strip())]
    for kind, words in _ISSUER_WORDS.items():
        for field in ("division", "agency"):
            hit = _first_hit(getattr(doc, field), words)
            if hit:
                cues.append(Cue("issuer_bodies", kind, field, hit[0], hit[0] + len(hit[1]), hit[1]))
        number = _NUMBER_CUES[kind].search(doc.doc_number)
        if number:
            cues.append(Cue("issuer_bodies", kind, "doc_number", number.start(1), number.end(1), number.group(1)))
        for offset, line, stripped in name_lines:
            for word in words:
                at = stripped.find(word)
                # 中共 alone names a Party body only with 委员会, 党组 and the like on the same line.
                if at < 0 or (word == "中共" and not any(w in stripped for w in ("委员会", "党组", "党委", "工委"))):
                    continue
                start = offset + line.find(stripped) + at
                cues.append(Cue("issuer_bodies", kind, "body", start, start + len(word), word))
                break
    return cues


def subject_bodies(doc: Document) -> list[Cue]:
    """Party, discipline, union and League business named in the title."""
    cues: list[Cue] = []
    for kind, words in _SUBJECT_WORDS.items():
        hit = _first_hit(doc.title, words)
        if hit:
            cues.append(Cue("subject_bodies", kind, "title", hit[0], hit[0] + len(hit[1]), hit[1]))
    return cues


def trade_secret_cues(doc: Document) -> list[Cue]:
    """Distinct trade-secret cue words in title and body (条例第十五条 商业秘密)."""
    cues: list[Cue] = []
    for field in ("title", "body"):
        text = getattr(doc, field)
        for word in TRADE_SECRET_CUES:
            at = text.find(word)
            if at >= 0 and all(c.text != word for c in cues):
                cues.append(Cue("trade_secret_cues", word, field, at, at + len(word), word))
    return cues


def public_comment(doc: Document) -> tuple[str, list[Cue]]:
    """Whether the document calls for comment, and from whom (条例第十九条 public participation)."""
    evidence: list[Cue] = []
    for field in ("title", "body"):
        hit = _first_hit(getattr(doc, field), _COMMENT_WORDS)
        if hit:
            evidence.append(Cue("public_comment", "call", field, hit[0], hit[0] + len(hit[1]), hit[1]))
    if not evidence:
        return "none", []
    for field in ("title", "body"):
        hit = _first_hit(getattr(doc, field), _PUBLIC_AUDIENCE)
        if hit:
            evidence.append(Cue("public_comment", "public", field, hit[0], hit[0] + len(hit[1]), hit[1]))
            return "public", evidence
    if doc.doc_type in ("公告", "通告"):
        return "public", evidence
    return "agencies", evidence


def release_note(doc: Document) -> tuple[str, list[Cue]]:
    """The 附注 that says how the document is to be disclosed, if any."""
    for word, value in _RELEASE_NOTES:
        at = doc.body.find(word)
        if at >= 0:
            return value, [Cue("release_note", value, "body", at, at + len(word), word)]
    return "none", []


def addressee(body: str) -> str:
    """The 主送机关 line: the first short line among the first ones that ends with a colon."""
    for index, line in enumerate(body.split("\n")):
        if index >= _ADDRESSEE_LINES:
            break
        stripped = line.strip()
        if 1 < len(stripped) <= 80 and stripped.endswith(("：", ":")) and "。" not in stripped:
            return stripped
    return ""


def closing(body: str) -> str:
    """The end of the body, where 附注, closing formulas and the signature live."""
    return body[-CLOSING_CHARS:]
