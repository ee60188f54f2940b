"""Secrecy-risk cues: content that reads as secret although no marking says so.

A marking is the originator's decision (保守国家秘密法第十七条起: 定密 and 标志), but a document can
be secret and unmarked: the clerk forgot, the header was cut off, or the text came from a marked
file. 条例第十七条 asks for a secrecy review before anything is disclosed; these cues point the
reviewer at what to look at, and the service keeps a document with an open cue out of the proactive
store until the secrecy reviewer clears it (engine/workflow/publication.py). They decide nothing themselves.

Cues are instructions about *this* document (本方案不得外传, 控制知悉范围, 阅后收回) or content that
保守国家秘密法第十三条 and the 保密事项范围 name (涉密人员 and 载体, strategic reserves with their
quantities and places, defence deployments, code words, results embargoed until release). A rule
text that merely mentions secrets ("涉及国家秘密的，不予公开", "不得泄露国家秘密") is not a cue.

Everything is matched on engine/text.for_matching's text, as markings are, so invisible characters,
traditional characters and odd line breaks hide no cue, and with lines wrapped inside a phrase joined
(engine/text.unwrap); spans are in the original text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Mapping

from engine.facts.marking import STAR
from engine.facts.text import Normalized, for_matching, unwrap

_NEAR = r"[^。;!?\n]"  # within one sentence
_DOC = (r"(?:本|此|该|上述|以上)(?:文件|件|通知|通报|材料|资料|方案|报告|纪要|名单|数据|内容|信息|分析|函|表|"
        r"测算结果|评估结果|计划|预案|意见|附件|稿)")
# Each cue: an id the secrecy reviewer clears (API: clear_signals) and its pattern.
CUES: dict[str, re.Pattern[str]] = {
    # 保守国家秘密法第十五条起: a secret's 知悉范围 is fixed and kept as small as the work allows.
    "need_to_know": re.compile(r"(?:控制|限定|缩小|扩大|限制)?知悉范围"),
    "restricted_circulation": re.compile(
        rf"仅(?:限|供){_NEAR}{{0,20}}?(?:掌握|阅知|知悉|传阅|参阅)|内部掌握|只发至|专人专送|按密件管理"),
    "handling_instruction": re.compile(
        rf"(?:请勿|不得|严禁|切勿)外传|阅后{_NEAR}{{0,8}}?(?:收回|退回|清退|销毁|交回)|(?:用|会)后(?:收回|交回|退回)|"
        r"(?:不得|严禁|禁止|请勿)(?:复印|翻印|复制|摘抄)|注意保密"),
    "no_disclosure_instruction": re.compile(
        rf"{_DOC}{_NEAR}{{0,16}}?(?:不得|严禁|禁止|请勿|切勿|不宜)(?:对外|向{_NEAR}{{1,12}}?)?"
        r"(?:公开|外传|扩散|泄露|披露|翻印|复印|复制|转发|转载|传播|引用|透露|提供|发布|上网)|"
        r"不得对外(?:引用|透露|发布)"),
    # A statement that this content is a state secret, or is to be handled at a level.
    "declared_secret": re.compile(
        rf"(?:本|此|该|上述|以上){_NEAR}{{0,24}}?属(?:于)?国家秘密|按(?:绝密|机密|秘密)级?(?:管理|办理)"),
    # A marking's form in the running text, past the header where markings are read (engine/facts/marking.py):
    # a marked paragraph pasted in, or a marked file quoted. Whatever it is, the secrecy reviewer looks at it.
    "embedded_marking": re.compile(rf"(?:绝密|机密|秘密)\s*{STAR}|密级\s*[:：]\s*(?:绝密|机密|秘密)"),
    "classified_terms": re.compile(
        r"涉密(?:人员|载体|计算机|信息系统|网络|测绘成果|材料|文件|采购|事项|岗位|会议|项目|移动存储介质|设备)|"
        r"国家秘密事项|核心涉密|重要涉密|(?:核心|普通)密码|密码电报"),
    # 国防 and 人民防空: deployments, facilities' positions, mobilisation plans (保守国家秘密法第十三条第二项).
    "defence": re.compile(
        r"兵力(?:部署|配置|调动)|部队(?:驻地|番号|部署|驻扎)|驻军(?:位置|分布|番号|驻地)|"
        r"军事设施(?:的)?(?:位置|坐标|分布|布局|周边)|作战(?:方案|计划|预案|部署)|战备(?:公路|方案|计划|值班|物资)|"
        r"国防(?:交通|动员)(?:工程|潜力|预案|计划|方案|保障队伍|设施)|征兵任务数|"
        r"人防工程(?:的)?(?:位置|坐标|分布|地址|口部|布局)|人民防空(?:基本)?指挥(?:所|工程)"),
    "protective_security": re.compile(r"警卫(?:对象|任务|路线)|保卫目标|重要目标(?:防护|名单)"),
    "code_words": re.compile(r"代号[为是]?[\"“「(]|(?:任务|行动|联络)代号|暗号|联络暗语"),
    # Results and decisions embargoed until their release (统计数据 before 发布, 调价 before 公布, 开标 …).
    "embargo": re.compile(
        rf"(?:发布|公布|公开|公告|批复|审定|审议|开标|考试)(?:之)?前{_NEAR}{{0,20}}?"
        rf"(?:(?:不得|严禁|禁止|请勿){_NEAR}{{0,12}}?(?:透露|泄露|外传|外泄|公开|对外|引用|发布|扩散|提供)|"
        r"严格控制|注意保密|须保密|属(?:于)?国家秘密)|"
        r"(?:不得|严禁|禁止|防止)提前(?:公开|公布|发布|泄露|透露|外泄|对外)|提前(?:外泄|泄露|透露)"),
}
# Strategic reserves: a quantity and a place in one sentence (保守国家秘密法第十三条第三项, and the 粮食,
# 能源 保密事项范围). A reserve's size alone is often public policy (储备规模 in a 预案).
_RESERVE = re.compile(r"储备粮|储备油|(?:粮食|粮油|成品油|石油|原油|天然气|战略物资|物资)储备|储气|国家储备|战略储备")
_QUANTITY = re.compile(r"(?:\d[\d.,]*|××|XX|xx)(?:万|亿)?(?:吨|公斤|千克|桶|立方米|千升)")
_PLACE = re.compile(r"库点|库址|分库|直属库|储备库|中转库|油库|粮库|气库|罐区|基地|存放地|储存地|存放点|储存点|位置|分布|坐标|地址|位于|存放于|储存于")
_SENTENCE = re.compile(r"[。!?]")
# Words every match of a cue contains: a text without any of them is not scanned for the cue (one C
# substring search each, where a regex without a literal prefix costs 30 ns a character).
_ANCHORS: dict[str, tuple[str, ...]] = {
    "need_to_know": ("知悉范围",),
    "restricted_circulation": ("仅限", "仅供", "内部掌握", "只发至", "专人专送", "按密件"),
    "handling_instruction": ("外传", "阅后", "后收回", "后交回", "后退回", "复印", "翻印", "复制", "摘抄", "注意保密"),
    "no_disclosure_instruction": ("不得", "严禁", "禁止", "请勿", "切勿", "不宜"),
    "declared_secret": ("国家秘密", "按绝密", "按机密", "按秘密"),
    "embedded_marking": ("绝密", "机密", "秘密"),
    "classified_terms": ("涉密", "国家秘密事项", "密码"),
    "defence": ("兵力", "部队", "驻军", "军事设施", "作战", "战备", "国防", "征兵", "人防工程", "人民防空"),
    "protective_security": ("警卫", "保卫目标", "重要目标"),
    "code_words": ("代号", "暗号", "暗语"),
    "embargo": ("前",),
    "reserves": ("储",),
}
# One pass finds which cues may occur: literal alternatives, which Python's re scans for in C.
# A found anchor opens every cue with an anchor inside it (国家秘密事项 opens declared_secret's 国家秘密).
_CUES_OF_ANCHOR = {a: {cue for cue, words in _ANCHORS.items() if any(w in a for w in words)}
                   for anchors in _ANCHORS.values() for a in anchors}
_ANY_ANCHOR = re.compile("|".join(map(re.escape, sorted(_CUES_OF_ANCHOR, key=len, reverse=True))))
_PER_CUE = 10  # evidence kept per cue and field; the count is of distinct phrases
CUE_IDS = (*CUES, "reserves")
assert set(_ANCHORS) == set(CUE_IDS)


@dataclass(frozen=True)
class RiskCue:
    """One cue: its id, the field it is in, the words and their span in the original text."""

    cue: str
    field: str
    text: str
    start: int
    end: int


def _reserve_spans(text: str) -> list[tuple[int, int]]:
    """Sentences that name a strategic reserve with a quantity and a place: the reserve word's span."""
    spans: list[tuple[int, int]] = []
    last_end = -1
    for found in _RESERVE.finditer(text):
        if found.start() < last_end:
            continue  # one cue per sentence
        begin = max((m.end() for m in _SENTENCE.finditer(text, max(0, found.start() - 200), found.start())), default=0)
        stop = _SENTENCE.search(text, found.end(), found.end() + 200)
        end = stop.start() if stop else min(len(text), found.end() + 200)
        sentence = text[begin:end]
        if _QUANTITY.search(sentence) and _PLACE.search(sentence):
            spans.append(found.span())
            last_end = end
    return spans


def find_risk_cues(fields: Mapping[str, str | Normalized], originals: Mapping[str, str]) -> list[RiskCue]:
    """Every secrecy-risk cue in the given fields (title, body), at most _PER_CUE of each per field.

    Examples:
        >>> found = find_risk_cues({"body": "本方案属国家秘密，请严格控制知\\u200b悉范围。"},
        ...                        {"body": "本方案属国家秘密，请严格控制知\\u200b悉范围。"})
        >>> [(c.cue, c.text) for c in found]
        [('need_to_know', '控制知\\u200b悉范围'), ('declared_secret', '本方案属国家秘密')]
    """
    found: list[RiskCue] = []
    for field, value in fields.items():
        norm, original = unwrap(for_matching(value)), originals[field]
        present = set().union(*(_CUES_OF_ANCHOR[a] for a in set(_ANY_ANCHOR.findall(norm.text))))
        for cue, pattern in CUES.items():
            if cue not in present:
                continue
            spans = [m.span() for m in itertools.islice(pattern.finditer(norm.text), _PER_CUE)]
            found += _cues(cue, field, norm, original, spans)
        if "reserves" in present:
            found += _cues("reserves", field, norm, original, _reserve_spans(norm.text)[:_PER_CUE])
    return found


def _cues(cue: str, field: str, norm: Normalized, original: str, spans: list[tuple[int, int]]) -> list[RiskCue]:
    out = []
    for start, end in spans:
        begin, finish = norm.span(start, end)
        out.append(RiskCue(cue, field, original[begin:finish], begin, finish))
    return out


def distinct_count(cues: list[RiskCue]) -> int:
    """How many distinct (cue, words) there are: a phrase repeated is one cue."""
    return len({(c.cue, for_matching(c.text).text) for c in cues})
