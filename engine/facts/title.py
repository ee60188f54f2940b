"""A title read from the body when the record has none (issue 19: robustness to a missing title).

Many rules decide on the title (文种 endings such as 的通知/的批复, exceptions such as 印发 or 政府工作报告):
a hand-entered item or a scan whose first page was not read loses all of that. A 公文 prints its title in its
head (GB/T 9704 版头 → 标题 → 主送机关), so the first lines of the body usually hold it, often broken over two
or three lines. This module reads it back, conservatively: only a short line (or a few consecutive short lines)
before the 主送 line and before any prose, that ends with a document kind (通知, 决定, 意见, 批复 …) or that is
the 关于… line right above the 主送 line. 份号, 密级 (机密★1年), 紧急程度, 签发人 and 发文字号 lines are skipped,
never taken for the title; a 版头 such as 某市人民政府文件 is skipped too. A given title always wins (derive.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# How far into the body a title may sit: the 版头 block is a handful of lines.
_HEAD_LINES: Final = 8
# A title line is short; a line longer than this is prose, and the title search stops there.
_MAX_LINE: Final = 40
# A title is at most this many printed lines (GB/T 9704: 标题 may be broken over lines).
_MAX_PARTS: Final = 3
_MAX_TITLE: Final = 100

# Document kinds a title ends with (the 文种 of 党政机关公文处理工作条例第八条, and the kinds of
# records agencies publish under 条例第二十条: 决算, 预算, 清单, 公报 …), optionally followed by a bracket
# such as （试行） or （2024年第3期）.
_KIND_END: Final = re.compile(
    r"(通知|决定|决议|意见|办法|报告|请示|批复|函|公告|通告|通报|方案|规划|纪要|规定|细则|规则|公示|公报|"
    r"答复|命令|议案|计划|要点|总结|决算|预算|清单|目录|指南|条例|章程|规程|标准|判决书|裁定书|决定书)"
    r"([(（][^()（）]{1,20}[)）])?$")
# Lines of the 版头 that are never the title (GB/T 9704: 份号, 密级和保密期限, 紧急程度, 发文机关标志, 发文字号,
# 签发人). A marking is matched as a whole line, so a title that merely mentions 秘密 is not skipped.
_HEADER_LINE: Final = re.compile(
    r"(份号|编号)?[:：]?\s*[A-Za-z]?\d{2,8}"                                         # 份号 000123
    r"|(密级[:：]?\s*)?[【\[(（]?(绝密|机密|秘密|内部|工作秘密|内部资料|内部文件|内部明电)(级)?[】\])）]?"
    r"\s*([★☆*]\s*[^\s]{0,12})?"                                                    # 机密★1年, 【机密】
    r"|(特急|加急|特提|平急|急件|急)(\s*[·.]\s*\S{0,6})?"                              # 紧急程度
    r"|签发人[:：].*|.{0,30}[〔\[(（［]\d{4}[〕\])）］]\s*\d{1,5}\s*号"                      # 签发人, 发文字号
    r"|.{2,30}文件")                                                                  # 版头 某市人民政府文件
_PROSE_END: Final = ("。", "；", ";", "！", "？")


@dataclass(frozen=True)
class DerivedTitle:
    """The title read from the body, and the span of the body it was read from (start of its first line to the
    end of its last): an explanation shows where it came from."""

    text: str
    start: int
    end: int


def _head_lines(body: str) -> list[tuple[int, str]]:
    """The first non-empty lines of `body`, stripped, each with its offset in the body."""
    out: list[tuple[int, str]] = []
    offset = 0
    for raw in body.split("\n"):
        stripped = raw.strip()
        if stripped:
            out.append((offset + raw.index(stripped[0]), stripped))
            if len(out) >= _HEAD_LINES:
                break
        offset += len(raw) + 1
    return out


def _is_addressee(line: str) -> bool:
    # The 主送 line (cues.addressee): short, ends with a colon, not a sentence.
    return 1 < len(line) <= 80 and line.endswith(("：", ":")) and "。" not in line


def _title_block(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], bool]:
    """The short lines before the 主送 line and before any prose, headers skipped; and whether the 主送 line
    follows them."""
    block: list[tuple[int, str]] = []
    for offset, line in lines:
        if _is_addressee(line):
            return block, True
        if _HEADER_LINE.fullmatch(line):
            if _holds_title(block):  # a 发文字号 under the title ends the title block (e.g. 国发〔2019〕5号)
                break
            block = []  # lines above a 版头 line are more 版头 (类别:B, a 份号 of another form), not the title
            continue
        if len(line) > _MAX_LINE or line.endswith(_PROSE_END):
            break
        block.append((offset, line))
    return block, False


def _holds_title(block: list[tuple[int, str]]) -> bool:
    text = "".join(line for _, line in block)
    return bool(block) and len(text) <= _MAX_TITLE * _MAX_PARTS and bool(_KIND_END.search(text))


def derive_title(body: str) -> DerivedTitle | None:
    """The title printed in the body's head, or None when no line there reads as one.

    Examples:
        >>> derive_title("机密★1年\\n关于做好汛期安全工作的通知\\n各区水务局：\\n……").text
        '关于做好汛期安全工作的通知'
        >>> derive_title("国务院关于印发国家职业教育改革\\n实施方案的通知\\n国发〔2019〕4号\\n各省：").text
        '国务院关于印发国家职业教育改革实施方案的通知'
        >>> derive_title("4月16日，市生态环境局召开推进会，通报一季度全市空气质量。") is None
        True
        >>> derive_title("类 别：B\\n签发人：马某\\n某交函〔2023〕34号\\n关于对第14号提案的\\n复函\\n崔某委员：").text
        '关于对第14号提案的复函'
    """
    block, before_addressee = _title_block(_head_lines(body))
    # The shortest run of consecutive lines that ends with a document kind: the title, possibly broken over
    # lines. A run that starts with 关于 comes first (GB/T 9704: a line above it, such as 中共某局机关委员会 or
    # 洋县发展和改革局, is the 发文机关标志, and rules read the issuer there, not in the title); else the earliest.
    for i in sorted(range(len(block)), key=lambda k: (not block[k][1].startswith("关于"), k)):
        for j in range(i, min(i + _MAX_PARTS, len(block))):
            text = "".join(line for _, line in block[i:j + 1])
            if len(text) <= _MAX_TITLE and _KIND_END.search(text):
                return DerivedTitle(text, block[i][0], block[j][0] + len(block[j][1]))
    # No kind at the end, but a 关于… line right above the 主送 line is the title (a kind the list lacks).
    if before_addressee and block:
        tail = block[-_MAX_PARTS:]
        text = "".join(line for _, line in tail)
        start = next((k for k, (_, line) in enumerate(tail) if "关于" in line), None)
        if start is not None and len(text) <= _MAX_TITLE:
            text = "".join(line for _, line in tail[start:])
            return DerivedTitle(text, tail[start][0], tail[-1][0] + len(tail[-1][1]))
    return None
