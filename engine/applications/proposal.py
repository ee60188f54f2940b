"""The suggested outcome of a public application from the catalog (applications.md §1.7, last paragraph).

Proposals only: the handler decides, and both the suggestion and the decision are recorded. A withheld
item is never a final answer either: it is re-assessed now (条例第十八条: circumstances change).

**Matching** the description (free text, optionally its 文号, 索引号 and title) with the stores' items:
1. an exact 文号 or 索引号 beats everything, compared normalised (`number_key`: engine/facts/text.py's
   for_matching, then all brackets 〔〕［］[]【】() as one, no spaces, no 第 or leading zeros in the serial);
2. then the title (the share of the title's character bigrams found in the description) and the text (the
   share of the description's bigrams found in the item's text), the better of the two weighing most.

Why character bigrams, not jieba tokens: the segmenter (engine.classifier) is floors above and masks place
names, which are what tells documents apart here; an applicant's few words segment differently alone and
inside a title (道路挖掘, 城市道路挖掘管理办法) while their bigrams are the same; the same bigrams are the
service's SQL title prefilter on SQLite and PostgreSQL. (Overlapping bigrams are the usual unit of Chinese
search for these reasons: Lucene's CJK analyzer, pg_bigm.) Generic words (关于, 通知, 申请, 公开...) go first.

A restricted item (secret, and the caller not cleared) matches by its 索引号 only, which the caller may see
in the store lists anyway; its title, 文号 and text match nothing, as in every search (api/access/visibility).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from engine.applications.outcomes import OutcomeChoiceNeeded, OutcomeTable, application_outcome, default_table
from engine.facts.text import for_matching
from engine.vocabulary import ApplicationOutcome, Store

MATCH_THRESHOLD: Final = 0.5  # below it an item is not a match
STRONG_MARGIN: Final = 0.15  # matches this close to the best are parts of the answer too
REPEAT_THRESHOLD: Final = 0.6  # an earlier description this close (Dice of bigrams) asks for the same
EXACT_SCORE, STRONGER, WEAKER = 1.0, 0.75, 0.25  # a score: the better of the title and text overlaps counts most
# Generic words of titles and applications, and function characters: taken out before the bigrams, so that
# neither they nor the bigrams across them (知相 in 通知相关) match anything.
STOP_WORDS: Final = ("申请公开", "请求公开", "关于", "通知", "印发", "有关", "相关", "信息", "文件", "公开", "申请",
                     "请求", "要求", "提供", "政府", "我们", "本人", "一份", "获取", "查询", "复印", "内容", "材料", "请")
STOP_CHARS: Final = "的了于之与及和或等"
_STOP = re.compile("|".join(sorted(STOP_WORDS, key=len, reverse=True)) + f"|[{STOP_CHARS}]")
ARTICLE_18: Final = "条例第十八条"
ARTICLE_2: Final = "条例第二条"
NOT_GOVERNMENT_INFO_OUTCOMES: Final = frozenset({ApplicationOutcome.OTHER_OTHER} | {
    o for o in ApplicationOutcome if o.value.startswith("cannot_provide.")})
STORES_ZH: Final = {Store.PROACTIVE: "主动公开库", Store.ON_REQUEST: "依申请公开库", Store.WITHHELD: "不予公开库",
                    Store.NOT_GOVERNMENT_INFO: "非政府信息库"}
FIELDS_ZH: Final = {"doc_number": "文号", "index_number": "索引号", "title": "标题", "text": "正文"}

_BRACKETS = str.maketrans({"〔": "[", "［": "[", "【": "[", "(": "[", "〖": "[", "〕": "]", "］": "]", "】": "]",
                           ")": "]", "〗": "]"})
_SERIAL = re.compile(r"\]第?0*(\d)")
_WORD_CHARS = re.compile(r"[0-9a-z\u3400-\u9fff]+")
_DOC_NUMBER_HINT = re.compile(r"((?:19|20)\d\d)\]第?0*(\d{1,5})号")
_INDEX_HINT = re.compile(r"[0-9a-z]{4,}(?:[/\-][0-9a-z]+)+")


@dataclass(frozen=True)
class Description:
    """What the application asks for: the applicant's words, and the 文号, 索引号 or title if given."""

    text: str
    doc_number: str = ""
    index_number: str = ""
    title: str = ""

    @property
    def words(self) -> str:  # everything the applicant wrote, where a number may be
        return "\n".join(p for p in (self.title, self.text, self.doc_number, self.index_number) if p)


@dataclass(frozen=True)
class Candidate:
    """One item of a store as the matcher sees it. A restricted item has no title, 文号 or text."""

    id: int | str
    store: Store
    title: str | None
    doc_number: str | None
    index_number: str | None
    text: str = ""  # the start of the current version's text
    exemption: str | None = None
    published_on: dt.date | None = None
    url: str | None = None
    closed_on: dt.date | None = None
    restricted: bool = False


@dataclass(frozen=True)
class Match:
    """A candidate with its score and why: the field that matched and the words it shares."""

    candidate: Candidate
    score: float
    field: str  # doc_number | index_number | title | text
    words: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def exact(self) -> bool:
        return self.field in ("doc_number", "index_number")


@dataclass(frozen=True)
class Search:
    """The search that was done, as a court looks for it before believing 'not held' (经检索没有)."""

    stores: tuple[Store, ...]
    items_searched: int
    candidates_scored: int
    fields: tuple[str, ...]
    keywords: tuple[str, ...]
    numbers: tuple[str, ...]
    restricted_unread: int = 0  # secret items in scope whose content the caller may not search

    def summary_zh(self) -> str:
        stores = "、".join(STORES_ZH[s] for s in self.stores)
        said = (f"经检索{stores}共{self.items_searched}件信息（检索字段：{'、'.join(FIELDS_ZH[f] for f in self.fields)}"
                f"{'' if 'text' in self.fields else '，正文仅与候选信息比对'}；"
                f"检索字组（申请内容相邻两字）：{'、'.join(self.keywords) or '无'}；文号、索引号：{'、'.join(self.numbers) or '无'}），"
                f"比对{self.candidates_scored}件")
        if self.restricted_unread:
            said += (f"；另有{self.restricted_unread}件涉密信息的内容不在当前角色的检索范围内，"
                     "须由有权阅读的人员检索后方可答复本机关不掌握")
        return said


@dataclass(frozen=True)
class Earlier:
    """An earlier application of the same applicant (the caller matches the applicant's identity, §1.5)."""

    reg_no: str
    description: str
    answered: bool  # answered already (条例第三十六条第（六）项), or still pending
    outcome: ApplicationOutcome | None = None
    concluded_on: dt.date | None = None
    item_ids: tuple[int | str, ...] = ()  # the stored items its answer concerned


@dataclass(frozen=True)
class Part:
    """What one matched item proposes."""

    match: Match
    outcome: ApplicationOutcome | None  # None: a withheld item without a recorded ground
    article: str
    reasons: tuple[str, ...]
    reassess: bool = False
    where: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Proposal:
    """The suggested outcome, with the matched items and the reasons in Chinese. Never a decision. `outcome`
    is None when the catalog cannot name one (parts that disagree, a withheld item without a ground): the
    handler chooses. `reassess`: a withheld item is part of it, to be re-assessed now (条例第十八条)."""

    outcome: ApplicationOutcome | None
    article: str
    reasons: tuple[str, ...]
    parts: tuple[Part, ...]
    matches: tuple[Match, ...]
    search: Search
    reassess: bool = False
    final: bool = False  # always False: the handler decides
    repeats: tuple[Earlier, ...] = ()  # the same applicant's earlier applications for the same information



def number_key(number: str) -> str:
    """A 文号 or 索引号 as it is compared.

    Examples:
        >>> number_key("青交发〔2025〕8号") == number_key("青交发[2025]8号") == number_key("青交發（２０２５）第08號")
        True
        >>> number_key(" 11010000 / 2025-00017 ")
        '11010000/2025-00017'
    """
    text = for_matching(number).text.translate(_BRACKETS).lower()
    text = re.sub(r"\s+", "", text)
    return _SERIAL.sub(r"]\1", text)


def bigrams(text: str) -> list[str]:
    """The character bigrams of `text`'s words (Han, digits, letters), normalised for matching, in order,
    once the generic words are taken out (STOP_WORDS).

    Examples:
        >>> bigrams("關於城市道路的通知")
        ['城市', '市道', '道路']
    """
    out: list[str] = []
    for run in _WORD_CHARS.findall(_STOP.sub(" ", for_matching(text).text.lower())):
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def keywords(description: Description, limit: int = 24) -> tuple[str, ...]:
    """The description's distinct bigrams in order of appearance (the service's title prefilter)."""
    return tuple(dict.fromkeys(bigrams(description.title + "\n" + description.text)))[:limit]


def number_hints(description: Description) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """The description's 文号 as (year, serial) pairs and its 索引号, normalised: the service's exact lookups."""
    text = number_key(description.words.replace("\n", " ; "))
    doc = tuple(dict.fromkeys(_DOC_NUMBER_HINT.findall(text)))
    index = [number_key(description.index_number)] if description.index_number else []
    index += [m for m in _INDEX_HINT.findall(text) if sum(ch.isdigit() for ch in m) >= 6]
    return doc, tuple(dict.fromkeys(i for i in index if i))


def _runs(sequence: str, shared: set[str]) -> tuple[str, ...]:
    """The words of `sequence` made of consecutive shared bigrams (城市、道路 → 城市道路)."""
    runs: list[str] = []
    for word in _WORD_CHARS.findall(for_matching(sequence).text.lower()):
        start = None
        for i in range(len(word)):
            inside = i < len(word) - 1 and word[i:i + 2] in shared
            if inside and start is None:
                start = i
            elif not inside and start is not None:
                runs.append(word[start:i + 1])
                start = None
    return tuple(dict.fromkeys(runs))


def _exact(description: Description, candidate: Candidate) -> Match | None:
    asked = number_key(description.words)
    numbers = [("index_number", candidate.index_number)] + [("doc_number", candidate.doc_number)] * (not candidate.restricted)
    for name, value in numbers:
        key = number_key(value or "")
        given = number_key(getattr(description, name))
        if len(key) >= 5 and (key == given or key in asked):
            return Match(candidate, EXACT_SCORE, name, (value or "",), (f"{FIELDS_ZH[name]}一致：{value}",))
    return None


def score(description: Description, candidate: Candidate) -> Match | None:
    """How well `candidate` answers `description`, and why; None when nothing is shared."""
    exact = _exact(description, candidate)
    if exact is not None or candidate.restricted:
        return exact
    asked, title = set(bigrams(description.title + "\n" + description.text)), set(bigrams(candidate.title or ""))
    text = for_matching(candidate.text).text.lower()  # the description's bigrams looked up in it: no set of its own
    shared_title, shared_text = title & asked, {gram for gram in asked if gram in text}
    title_score = len(shared_title) / len(title) if title and len(shared_title) >= 2 else 0.0
    text_score = len(shared_text) / len(asked) if asked and len(shared_text) >= 2 else 0.0
    total = STRONGER * max(title_score, text_score) + WEAKER * min(title_score, text_score)
    if total <= 0:
        return None
    reasons: list[str] = []
    words: tuple[str, ...] = ()
    if title_score:
        words = _runs(candidate.title or "", shared_title)
        reasons.append(f"标题与申请内容相符{title_score:.0%}（相同词语：{'、'.join(words)}）")
    if text_score:
        text_words = _runs(description.title + "\n" + description.text, shared_text)
        reasons.append(f"申请内容{text_score:.0%}见于正文（{'、'.join(text_words)}）")
        words = words or text_words
    field_name = "title" if title_score >= text_score else "text"
    return Match(candidate, round(total, 4), field_name, words, tuple(reasons))


def best_matches(description: Description, candidates: Sequence[Candidate], *, threshold: float = MATCH_THRESHOLD,
                 limit: int = 10) -> list[Match]:
    """The candidates at or above `threshold`, best first (exact numbers first, then score, then id)."""
    found = [m for m in (score(description, c) for c in candidates) if m is not None and m.score >= threshold]
    found.sort(key=lambda m: (not m.exact, -m.score, str(m.candidate.id)))
    return found[:limit]


def _where(c: Candidate) -> dict[str, str]:
    where = {"index_number": c.index_number, "title": c.title, "url": c.url,
             "published_on": c.published_on.isoformat() if c.published_on else None}
    return {k: v for k, v in where.items() if v}


def _withheld(match: Match, table: OutcomeTable) -> Part:
    c = match.candidate
    known = f"withheld.{c.exemption}" in {o.value for o in ApplicationOutcome}
    outcome = ApplicationOutcome(f"withheld.{c.exemption}") if known else None
    reasons = [f"该信息在不予公开库（索引号{c.index_number or '未编'}）"]
    if outcome is None:  # e.g. routed there by its marking alone
        reasons.append("库中未记录不予公开的具体理由：经办人须确定理由（条例第三十六条第（三）项须告知理由）")
        article = ARTICLE_18
    else:
        article = f"{table.mapping(outcome).article}、{ARTICLE_18}"
        reasons.append(f"原定理由：{table.mapping(outcome).meaning}")
    reasons.append("须现在重新评估：情况变化后原不予公开的信息可能可以公开（条例第十八条），原决定不是答复")
    return Part(match, outcome, article, tuple(reasons), reassess=True, where=_where(c))


def _part(match: Match, table: OutcomeTable, not_government_info: ApplicationOutcome) -> Part:
    c = match.candidate
    if c.store == Store.WITHHELD:
        return _withheld(match, table)
    if c.store == Store.PROACTIVE:
        outcome = ApplicationOutcome.DISCLOSED_ALREADY_PUBLIC
        where = _where(c)
        said = "，".join(f"{k}：{v}" for k, v in (("索引号", c.index_number), ("标题", c.title),
                                                  ("发布日期", where.get("published_on")), ("网址", c.url)) if v)
        reasons = ("该信息已主动公开，告知申请人获取的方式和途径", said)
        return Part(match, outcome, table.mapping(outcome).article, reasons, where=where)
    if c.store == Store.ON_REQUEST:
        outcome = ApplicationOutcome.DISCLOSED
        return Part(match, outcome, table.mapping(outcome).article,
                    (f"该信息在依申请公开库（索引号{c.index_number or '未编'}），予以提供",), where=_where(c))
    article = ARTICLE_2 if not_government_info == ApplicationOutcome.OTHER_OTHER else \
        f"{table.mapping(not_government_info).article}、{ARTICLE_2}"
    return Part(match, not_government_info, article,
                (f"该信息已认定不属于条例第二条所指的政府信息（索引号{c.index_number or '未编'}）",), where=_where(c))


def _strong(matches: Sequence[Match]) -> list[Match]:
    """The matches that answer the application: the exact ones if any, else those near the best."""
    exact = [m for m in matches if m.exact]
    return exact or [m for m in matches if m.score >= matches[0].score - STRONG_MARGIN]


def _not_held(search: Search, table: OutcomeTable, matches: tuple[Match, ...]) -> Proposal:
    outcome = ApplicationOutcome.CANNOT_PROVIDE_NOT_HELD
    reasons = [search.summary_zh() + "，未发现与申请内容相符的信息"
               + (f"（最接近的{len(matches)}件相符程度未达到{MATCH_THRESHOLD:.0%}，列后供核对）" if matches else ""),
               "建议：本机关不掌握相关政府信息（经办人须确认检索范围是否充分，必要时向有关处室核实）"]
    return Proposal(outcome, table.mapping(outcome).article, tuple(reasons), (), matches, search)


def repeats(description: Description, earlier: Sequence[Earlier], matched: Sequence[int | str] = ()
            ) -> tuple[Earlier, ...]:
    """The same applicant's earlier applications for the same information (§1.5): a description sharing at
    least REPEAT_THRESHOLD of its bigrams (Dice), or an answer about an item matched now."""
    asked = set(bigrams(description.title + "\n" + description.text))
    found = []
    for e in earlier:
        theirs = set(bigrams(e.description))
        dice = 2 * len(asked & theirs) / (len(asked) + len(theirs)) if asked and theirs else 0.0
        if dice >= REPEAT_THRESHOLD or set(e.item_ids) & set(matched):
            found.append(e)
    return tuple(found)


def _with_repeats(proposal: Proposal, found: tuple[Earlier, ...], table: OutcomeTable) -> Proposal:
    """条例第三十六条第（六）项 for what was answered already; a possible duplicate for what is pending."""
    said = tuple(f"申请人已就相同信息提出申请并已答复（登记号{e.reg_no}，{e.concluded_on or '日期未记'}，{e.outcome or '结果未记'}）"
                 "：建议告知不予重复处理并引用原答复；是否同一信息须经办人确认" if e.answered else
                 f"可能与尚在办理的申请（登记号{e.reg_no}）为同一信息：经办人可合并答复（引用两个登记号）或分别办理"
                 for e in found)
    if not any(e.answered for e in found):
        return replace(proposal, reasons=proposal.reasons + said, repeats=found)
    outcome = ApplicationOutcome.NOT_PROCESSED_REPEAT
    return replace(proposal, outcome=outcome, article=table.mapping(outcome).article, reasons=said + proposal.reasons,
                   repeats=found)


def propose(description: Description, candidates: Sequence[Candidate], search: Search, *,
            not_government_info: ApplicationOutcome = ApplicationOutcome.OTHER_OTHER,
            threshold: float = MATCH_THRESHOLD, table: OutcomeTable | None = None,
            earlier: Sequence[Earlier] = ()) -> Proposal:
    """The outcome the catalog suggests for `description` (applications.md §1.7): the best match's store's;
    strong matches mixing given and not given ⇒ partial (条例第三十七条); nothing at or above `threshold` ⇒
    not held, with the search done. `not_government_info`: what that store proposes (other.other, or a
    cannot_provide.* outcome by setting). `earlier`: the applicant's earlier applications (§1.5); one answered
    for the same information ⇒ not_processed.repeat (第三十六条第（六）项), one pending ⇒ a possible duplicate.
    A proposal, never a decision: the handler decides (and a withheld match is always to be re-assessed)."""
    if not_government_info not in NOT_GOVERNMENT_INFO_OUTCOMES:
        raise ValueError(f"not_government_info must be other.other or cannot_provide.*, not {not_government_info}")
    table = table or default_table()
    proposal = _from_catalog(description, candidates, search, not_government_info, threshold, table)
    found = repeats(description, earlier, [m.candidate.id for m in proposal.matches if m.score >= threshold])
    return _with_repeats(proposal, found, table)


def _from_catalog(description: Description, candidates: Sequence[Candidate], search: Search,
                  not_government_info: ApplicationOutcome, threshold: float, table: OutcomeTable) -> Proposal:
    every = best_matches(description, candidates, threshold=0.0, limit=len(candidates))
    matches = tuple(m for m in every if m.score >= threshold)[:10]
    strong = _strong(matches)
    if not strong:  # the closest items below the threshold go with it: the handler sees what was near
        return _not_held(search, table, tuple(every[:5]))
    parts = tuple(_part(m, table, not_government_info) for m in strong)
    reassess = any(p.reassess for p in parts)
    reasons = [search.summary_zh()] + [f"匹配{FIELDS_ZH[p.match.field]}：{'；'.join(p.match.reasons)}" for p in parts]
    outcomes = [p.outcome for p in parts]
    if any(o is None for o in outcomes):
        return Proposal(None, ARTICLE_18, tuple(reasons + ["须由经办人确定不予公开的理由"]), parts, matches, search,
                        reassess=True)
    try:
        outcome = application_outcome([str(o) for o in outcomes])
    except OutcomeChoiceNeeded as choice:
        reasons.append(f"相符的信息分属不同情形（{'、'.join(choice.outcomes)}），由经办人选择答复类型")
        return Proposal(None, "", tuple(reasons), parts, matches, search, reassess=reassess)
    if outcome == ApplicationOutcome.PARTIAL:
        reasons.append("相符的信息部分可以公开、部分不予公开：区分处理，提供可以公开的部分并说明其余部分的理由")
        article = table.mapping(outcome).article + ("、" + ARTICLE_18 if reassess else "")
    else:
        article = parts[0].article
    reasons.extend(r for p in parts for r in p.reasons)
    return Proposal(outcome, article, tuple(reasons), parts, matches, search, reassess=reassess)
