"""The suggested outcome of an application from the four stores (applications.md §1.7): the read side.

The database narrows, the engine scores (engine/applications/proposal.py):

1. exact lookups: a 索引号 in the description against the item's unique index number; a 文号 (its year
   and serial) against the current version's 文号, compared exactly by the engine afterwards;
2. a bounded keyword prefilter: the description's character bigrams against the titles of routed items,
   the items sharing the most bigrams first, at most CANDIDATE_LIMIT of them;
3. the pure scoring of those few hundred candidates, with their titles and the start of their text;
4. only when that finds nothing (the proposal would be 'not held'): the same prefilter over the current
   versions' text too (one streamed pass over the stores' readable texts) before saying 经检索没有.
   The search record says which fields were searched across every item.

Everything happens inside what the caller may see, as in the store lists (api/access/visibility.py): items
out of its scope are not searched at all, and a secret item the caller may not read matches by nothing
but its 索引号 (shown to the caller in the lists anyway) and is proposed without its title, 文号 or text;
how many such items there are is part of the search record: 'not held' is not an answer while a cleared
person has not searched them. The handler (the office) decides; this only proposes.

The prefilter compares the normalised (simplified, half-width) bigrams with the titles as stored: a title
stored in traditional characters or full-width digits is found by its 索引号 (and by its 文号 when its
digits are half-width), not by its words
(a normalised title column, or a pg_bigm/pg_trgm index, would lift this).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import Integer, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from api.access.visibility import Viewer, may_read
from api.items.queries import CURRENT_VERSION
from engine.applications.proposal import (
    Candidate,
    Description,
    Earlier,
    Proposal,
    Search,
    keywords,
    number_hints,
    propose,
)
from engine.facts.text import for_matching
from engine.vocabulary import ApplicationOutcome, Store
from engine.workflow.working_days import china_date
from models.tables import ItemRow, ItemVersionRow

CANDIDATE_LIMIT: Final = 300
EXCERPT: Final = 20_000  # characters of an item's text the engine compares
QUICK_FIELDS: Final = ("doc_number", "index_number", "title")
KEYWORDS: Final = 16  # bigrams of the description searched for, in its order (each is a LIKE per item)


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _routed(viewer: Viewer) -> Any:
    return select(ItemRow.id).where(ItemRow.store.is_not(None), viewer.scope)


def _exact_ids(session: Session, viewer: Viewer, description: Description) -> set[int]:
    doc_hints, index_hints = number_hints(description)
    ids: set[int] = set()
    if index_hints:
        variants = {v for hint in index_hints for v in (hint, hint.upper())}
        ids |= set(session.scalars(_routed(viewer).where(ItemRow.index_number.in_(variants))))
    if doc_hints:
        doc_number = ItemVersionRow.document["doc_number"].as_string()
        wanted = or_(*(doc_number.like(f"%{year}%{serial}{mark}%") for year, serial in doc_hints for mark in "号號"))
        query = _routed(viewer).join(ItemVersionRow, CURRENT_VERSION).where(viewer.text_match(wanted))
        ids |= set(session.scalars(query.order_by(ItemRow.id.desc()).limit(CANDIDATE_LIMIT)))
    return ids


def _keyword_ids(session: Session, viewer: Viewer, words: tuple[str, ...], limit: int) -> list[int]:
    """The routed items whose titles share the most of `words`, at most `limit`, readable ones only."""
    if not words:
        return []
    hits = sum((cast(ItemRow.title.like(_like(w), escape="\\"), Integer) for w in words), literal(0))
    query = (select(ItemRow.id, hits.label("hits")).where(ItemRow.store.is_not(None), viewer.scope)
             .where(viewer.text_match(or_(*(ItemRow.title.like(_like(w), escape="\\") for w in words))))
             .order_by(hits.desc(), ItemRow.id.desc()).limit(limit))
    return [row.id for row in session.execute(query)]


def _text_ids(session: Session, viewer: Viewer, words: tuple[str, ...], limit: int) -> list[int]:
    """The routed items whose current text, normalised for matching (so a traditional or full-width text is
    found too), holds the most of `words`, at most `limit`, readable ones only. One pass over the stores'
    texts, streamed: a LIKE per word per item costs more than reading each text once (SQLite re-parses the
    JSON for every LIKE)."""
    if not words:
        return []
    body = ItemVersionRow.document["body"].as_string()
    query = (select(ItemRow.id, body).join(ItemVersionRow, CURRENT_VERSION)
             .where(ItemRow.store.is_not(None), viewer.scope, viewer.readable).execution_options(yield_per=500))
    scored = []
    for item_id, text in session.execute(query):
        normalised = for_matching(text or "").text.lower()
        found = sum(word in normalised for word in words)
        if found:
            scored.append((found, item_id))
    return [item_id for _, item_id in heapq.nlargest(limit, scored)]


def candidate_of(viewer: Viewer, item: ItemRow, document: dict[str, Any] | None) -> Candidate:
    """An item as the matcher sees it for `viewer`: without its title, 文号 and text when it may not read it."""
    readable = may_read(viewer.actor, item, viewer.settings)
    document = document or {}
    published = china_date(item.routed_at) if item.store == Store.PROACTIVE and item.routed_at else None
    return Candidate(id=item.id, store=Store(item.store), title=item.title if readable else None,
                     doc_number=(document.get("doc_number") or None) if readable else None,
                     index_number=item.index_number, text=str(document.get("body") or "")[:EXCERPT] if readable else "",
                     exemption=item.exemption, published_on=published, closed_on=item.closed_on,
                     restricted=not readable)


def _counts(session: Session, viewer: Viewer) -> tuple[int, int]:
    """Items in the four stores within the caller's scope, and how many of them it may not read."""
    routed = (ItemRow.store.is_not(None), viewer.scope)
    total = session.scalar(select(func.count()).select_from(ItemRow).where(*routed)) or 0
    unread = session.scalar(select(func.count()).select_from(ItemRow).where(*routed, ~viewer.readable)) or 0
    return int(total), int(unread)


def candidates(session: Session, viewer: Viewer, description: Description, *, limit: int = CANDIDATE_LIMIT,
               text: bool = False) -> list[Candidate]:
    """The items worth scoring: the exact number lookups, then the best title prefilter hits (and, with
    `text`, text hits), at most `limit` of each, each with its current version's 文号 and text (one query)."""
    ids = _exact_ids(session, viewer, description)
    words = keywords(description, KEYWORDS)
    ids |= set(_keyword_ids(session, viewer, words, limit))
    if text:
        ids |= set(_text_ids(session, viewer, words, limit))
    if not ids:
        return []
    rows = session.execute(select(ItemRow, ItemVersionRow.document).outerjoin(ItemVersionRow, CURRENT_VERSION)
                           .where(ItemRow.id.in_(ids), ItemRow.store.is_not(None), viewer.scope)
                           .order_by(ItemRow.id))
    return [candidate_of(viewer, item, document) for item, document in rows]


def suggest_outcome(session: Session, viewer: Viewer, description: Description, *,
                    not_government_info: ApplicationOutcome = ApplicationOutcome.OTHER_OTHER,
                    earlier: Sequence[Earlier] = (), limit: int = CANDIDATE_LIMIT) -> Proposal:
    """The outcome the catalog suggests for an application describing `description`, with the matched
    items, the reasons and the search that was done; `not_government_info` is the agency's setting for
    what an item of that store proposes (other.other or a cannot_provide.* outcome); `earlier` the same
    applicant's earlier applications, which the caller reads (§1.5: repeats). A proposal only: the
    handler decides, and a withheld match is to be re-assessed now (条例第十八条)."""
    total, unread = _counts(session, viewer)
    doc_hints, index_hints = number_hints(description)
    numbers = tuple(f"{year}年{serial}号" for year, serial in doc_hints) + index_hints

    def search(text: bool) -> Proposal:
        found = candidates(session, viewer, description, limit=limit, text=text)
        record = Search(stores=tuple(Store), items_searched=total, candidates_scored=len(found),
                        fields=QUICK_FIELDS + (("text",) if text else ()), keywords=keywords(description, KEYWORDS),
                        numbers=numbers, restricted_unread=unread)
        return propose(description, found, record, not_government_info=not_government_info, earlier=earlier)

    quick = search(text=False)
    return quick if quick.parts else search(text=True)  # the text too before proposing 'not held'


__all__ = ["CANDIDATE_LIMIT", "Description", "Earlier", "candidate_of", "candidates", "suggest_outcome"]
