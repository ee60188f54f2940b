"""条例第四十四条: 多个申请人就相同政府信息向同一行政机关提出公开申请，且该政府信息属于可以公开的，行政机关可以纳入主动
公开的范围. An on_request item that enough distinct applicants asked for within 12 months
(engine/applications/outcomes.py publication_suggestions; the number is the setting GONGKAI_ART44_APPLICANTS)
is suggested for proactive publication and sent back to its disclosure review, where a reviewer decides as for any
item: the suggestion never publishes anything by itself, and the item keeps its secrecy decision and passes the
publication guard again.

The applications are read from the links of api/applications/links.py (application_item); an application counts
from its receipt day (条例第三十一条). One open suggestion per item: while the item is back in review, more applicants
add nothing; once it is routed again the suggestion is settled (published: it went to the proactive store;
declined: anywhere else) and a later wave of applicants may raise a new one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.context import Actor, Context
from api.items.review import send_back
from engine.applications.applicant import applicant_key
from engine.applications.outcomes import Request, publication_suggestions
from engine.vocabulary import ItemStatus, ReviewStage, Store
from models import audit
from models.tables import ApplicationItemRow, ApplicationRow, ItemRow, PublicationSuggestionRow

ARTICLE = "条例第四十四条"


def settle(session: Session, item: ItemRow) -> None:
    """The item's open suggestion settled once the item has been routed again."""
    for suggestion in session.scalars(select(PublicationSuggestionRow).where(
            PublicationSuggestionRow.item_id == item.id, PublicationSuggestionRow.status == "open")):
        suggestion.status = status_of(suggestion, item)


def _requests(session: Session, item_id: int) -> list[tuple[Request, int]]:
    rows = session.execute(select(ApplicationRow.id, ApplicationRow.applicant_kind, ApplicationRow.applicant,
                                  ApplicationRow.received_on)
                           .join(ApplicationItemRow, ApplicationItemRow.application_id == ApplicationRow.id)
                           .where(ApplicationItemRow.item_id == item_id, ApplicationRow.received_on.is_not(None)))
    return [(Request(applicant_key(kind, applicant), str(item_id), Store.ON_REQUEST, received_on), app_id)
            for app_id, kind, applicant, received_on in rows]


def consider(session: Session, ctx: Context, actor: Actor, item: ItemRow, on: dt.date) -> PublicationSuggestionRow | None:
    """Raise a suggestion for `item` when 第四十四条 applies on day `on`, and send the item to disclosure review.
    None when it does not apply (not on_request, too few applicants, one already open)."""
    settle(session, item)
    if item.store != Store.ON_REQUEST:
        return None
    if session.scalar(select(PublicationSuggestionRow.id).where(PublicationSuggestionRow.item_id == item.id,
                                                                PublicationSuggestionRow.status == "open")):
        return None
    requests = _requests(session, item.id)
    found = publication_suggestions([r for r, _ in requests], on=on, threshold=ctx.settings.art44_applicants)
    if not found:
        return None
    wave = found[0]
    ids = sorted({app_id for r, app_id in requests if r.applicant in wave.applicants
                  and wave.first_on <= r.received_on <= wave.last_on})
    suggestion = PublicationSuggestionRow(item_id=item.id, applicants=len(wave.applicants), application_ids=ids,
                                          first_on=wave.first_on, last_on=wave.last_on, sent_to_review=True)
    session.add(suggestion)
    before = {"status": item.status, "store": item.store, "category": item.category}
    send_back(session, item, ReviewStage.DISCLOSURE_REVIEW)
    session.flush()
    reason = (f"{ARTICLE}：{len(wave.applicants)}名申请人在12个月内申请公开本信息"
              f"（{wave.first_on.isoformat()}至{wave.last_on.isoformat()}），建议纳入主动公开范围")
    audit.record(session, actor=actor.name, role=actor.role, action="art44", item_id=item.id, before=before,
                 after={"status": ReviewStage.DISCLOSURE_REVIEW, "reason": reason, "applications": ids})
    return suggestion


def status_of(suggestion: PublicationSuggestionRow, item: ItemRow) -> str:
    """The suggestion's status as of now: an open one whose item has been routed again is settled (a read path
    does not write: settle() stores it at the next 第四十四条 check of the item)."""
    if suggestion.status != "open" or item.status != ItemStatus.ROUTED:
        return suggestion.status
    return "published" if item.store == Store.PROACTIVE else "declined"


def view(suggestion: PublicationSuggestionRow, item: ItemRow) -> dict[str, Any]:
    return {"id": suggestion.id, "item_id": suggestion.item_id, "applicants": suggestion.applicants,
            "application_ids": list(suggestion.application_ids), "first_on": suggestion.first_on.isoformat(),
            "last_on": suggestion.last_on.isoformat(), "status": status_of(suggestion, item), "article": ARTICLE}
