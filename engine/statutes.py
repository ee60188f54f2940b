"""Statute texts in data/statutes/, indexed by article, paragraph (款) and item (项).

Used by `gongkai rules check` to verify that every citation names an article that exists and quotes
it faithfully: a rule that cites the wrong article is a legal error, not a typo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ARTICLE = re.compile(r"^第([一二三四五六七八九十百零]+)条\s*(.*)$")
_ITEM = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]")

# Names a rule author may use for each file (the file name before the date is the canonical name).
ALIASES = {
    "中华人民共和国政府信息公开条例": "政府信息公开条例",
    "条例": "政府信息公开条例",
    "《条例》": "政府信息公开条例",
    "中华人民共和国保守国家秘密法": "保守国家秘密法",
    "保密法": "保守国家秘密法",
    "中华人民共和国保守国家秘密法实施条例": "保守国家秘密法实施条例",
    "保密法实施条例": "保守国家秘密法实施条例",
    "中华人民共和国档案法": "档案法",
}


def chinese_number(text: str) -> int:
    """Convert a Chinese numeral up to 999.

    Examples:
        >>> chinese_number("十六"), chinese_number("二十"), chinese_number("一百零三")
        (16, 20, 103)
    """
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS[ch]
    return total + current


@dataclass
class Article:
    """One article: its paragraphs (款) and its items (项), in order."""

    number: int
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.paragraphs + self.items)


def parse_statute(text: str) -> dict[int, Article]:
    """Articles of one statute file (LawRefBook markdown: one paragraph or item per line)."""
    articles: dict[int, Article] = {}
    current: Article | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "<!--")):
            continue
        match = _ARTICLE.match(line)
        if match:
            current = articles.setdefault(chinese_number(match.group(1)), Article(chinese_number(match.group(1))))
            current.paragraphs.append(match.group(2))
        elif current is not None:
            (current.items if _ITEM.match(line) else current.paragraphs).append(line)
    return articles


@lru_cache(maxsize=4)
def load_statutes(directory: Path) -> dict[str, dict[int, Article]]:
    """Every statute in `directory`, by canonical name."""
    out: dict[str, dict[int, Article]] = {}
    for path in sorted(directory.glob("*.md")):
        name = path.stem.split("(")[0]
        if name != "README":
            out[name] = parse_statute(path.read_text(encoding="utf-8"))
    return out


def _flat(text: str) -> str:
    table = str.maketrans({"(": "（", ")": "）", "“": "\"", "”": "\"", ",": "，", ";": "；", ":": "："})
    return re.sub(r"\s+", "", text.translate(table))


def check_citation(
    statutes: dict[str, dict[int, Article]], source: str, article: int, paragraph: int | None,
    item: int | None, excerpt: str,
) -> tuple[bool, str | None]:
    """(verifiable, problem): verifiable is False for sources not kept here; problem is None if fine."""
    name = ALIASES.get(source.strip(), source.strip())
    if name not in statutes:
        return False, None
    art = statutes[name].get(article)
    if art is None:
        return True, f"{name} has no article {article}"
    unit, where = art.text, f"article {article}"
    if paragraph is not None:
        if not 1 <= paragraph <= len(art.paragraphs):
            return True, f"article {article} of {name} has {len(art.paragraphs)} paragraph(s), not {paragraph}"
        unit, where = art.paragraphs[paragraph - 1], f"article {article} paragraph {paragraph}"
    if item is not None:
        if not 1 <= item <= len(art.items):
            return True, f"article {article} of {name} has {len(art.items)} item(s), not {item}"
        unit, where = art.items[item - 1], f"article {article} item {item}"
    pieces = [p for p in re.split(r"……|…|\.\.\.", _flat(excerpt)) if p]
    if _in_order(unit, pieces):
        return True, None
    if (paragraph is not None or item is not None) and _in_order(art.text, pieces):
        return True, f"the excerpt is in article {article} but not in {where}: check the paragraph or item"
    return True, f"the excerpt does not occur in {name} {where}"


def _in_order(scope: str, pieces: list[str]) -> bool:
    """Whether every piece occurs in `scope`, each after the previous one."""
    flat, position = _flat(scope), 0
    for piece in pieces:
        at = flat.find(piece, position)
        if at < 0:
            return False
        position = at + len(piece)
    return True
