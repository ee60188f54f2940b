"""What the website and the proactive store show of a proactive item: the released text of its confirmed public
copy (条例第三十七条; api/applications/releases.py) when it has one, never the original; otherwise the text as
reviewed, unless that text holds a private person's resident ID number, mobile number or bank card number
(engine/facts/personal_data, checked by check digit and Luhn): then the item is held back until a public copy
is confirmed (条例第十五条: 个人隐私 is not disclosed without consent; the safe reading, since publishing
cannot be undone), and the feed and the store say why.

Held back, not withdrawn: nothing of its text goes out, the feed entry says `held` with the reason, and the
confirmation of its public copy adds a new publish entry (the website reads the feed by cursor). Landlines,
unverified ID-like numbers and names are left to the reviewer (an office number is published on purpose).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, object_session

from engine.facts.personal_data import find_personal_data
from engine.facts.text import for_matching
from engine.vocabulary import Store
from models.application_records import ReleaseRow
from models.tables import ItemRow, ItemVersionRow

HELD_KINDS = ("id_card", "mobile", "bank_card")  # a private person's, by their checks; see the docstring
LABELS = {"id_card": "居民身份证号码", "mobile": "手机号码", "bank_card": "银行卡号"}


def private_data(text: str) -> list[str]:
    """The kinds of HELD_KINDS found in `text` (as prepared for matching: full-width digits count), in order."""
    found = {f.kind for f in find_personal_data(for_matching(text).text, "")}
    return [kind for kind in HELD_KINDS if kind in found]


def held_reason(item_id: int, document: Mapping[str, Any], release: ReleaseRow | None) -> str | None:
    """Why the item is held back from the website, or None when it may be shown."""
    in_title = private_data(str(document.get("title") or ""))
    if in_title:  # a public copy masks the body: a title holding such data needs a corrected version
        return (f"条例第十五条: the title holds {'、'.join(LABELS[k] for k in in_title)} of a private person; "
                "a redacted copy masks the text only: correct the title (a new version)")
    if release is not None:
        return None
    in_body = private_data(str(document.get("body") or ""))
    if not in_body:
        return None
    return (f"条例第十五条: the text holds {'、'.join(LABELS[k] for k in in_body)} of a private person; held back "
            f"from the website until a redacted public copy is confirmed (POST /v1/items/{item_id}/releases)")


def confirmed_copies(session: Session, pairs: Iterable[tuple[int, int | None]]) -> dict[tuple[int, int], ReleaseRow]:
    """The latest confirmed public copy of each (item, version), in one query."""
    wanted = {(item_id, version) for item_id, version in pairs if version is not None}
    if not wanted:
        return {}
    rows = session.scalars(select(ReleaseRow).where(
        ReleaseRow.purpose == "publication", ReleaseRow.status == "confirmed",
        tuple_(ReleaseRow.item_id, ReleaseRow.item_version).in_(sorted(wanted))).order_by(ReleaseRow.id))
    return {(row.item_id, row.item_version): row for row in rows  # the latest wins
            if row.item_id is not None and row.item_version is not None}


def shown(item_id: int, document: Mapping[str, Any], release: ReleaseRow | None) -> dict[str, Any]:
    """What goes out of one version: `state` original | redacted | held, its reason, the release, the text."""
    reason = held_reason(item_id, document, release)
    if reason is not None:
        return {"state": "held", "reason": reason, "release_id": release.id if release else None, "text": None}
    if release is not None:
        return {"state": "redacted", "reason": None, "release_id": release.id, "text": release.released_text}
    return {"state": "original", "reason": None, "release_id": None, "text": document.get("body")}


def in_store(session: Session, items: list[ItemRow]) -> dict[int, dict[str, Any]]:
    """`shown` for the proactive store's items of one page (their current version), in two queries."""
    proactive = [item for item in items if item.store == Store.PROACTIVE]
    if not proactive:
        return {}
    documents: dict[int, Any] = {item_id: document for item_id, document in session.execute(
        select(ItemVersionRow.item_id, ItemVersionRow.document).where(tuple_(ItemVersionRow.item_id, ItemVersionRow.number)
                                                                      .in_(sorted((i.id, i.current_version) for i in proactive))))}
    copies = confirmed_copies(session, [(i.id, i.current_version) for i in proactive])
    return {item.id: shown(item.id, documents.get(item.id) or {}, copies.get((item.id, item.current_version)))
            for item in proactive}


def of_item(item: ItemRow) -> dict[str, Any] | None:
    """`shown` for one item of the proactive store (its current version), None for any other item: the item's
    own page says what the website shows of it, and why when it is held back."""
    session = object_session(item)
    if item.store != Store.PROACTIVE or session is None or not item.versions:
        return None
    current = max(item.versions, key=lambda v: v.number)
    copies = confirmed_copies(session, [(item.id, current.number)])
    return shown(item.id, current.document or {}, copies.get((item.id, current.number)))
