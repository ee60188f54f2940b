"""How items are shown: in full to those who may read them, as a bare existence record to others
(api/access/visibility.py decides which)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.access.visibility import may_read
from api.context import Actor
from api.items.publication import of_item
from api.settings import Settings
from engine.vocabulary import ItemStatus, Store
from engine.workflow.working_days import published_late, today_in_china
from models.tables import AuditEventRow, ItemRow, ItemVersionRow, ReviewRow

__all__ = ["today_in_china"]  # the routes' today, re-exported


def clock(item: ItemRow, today: dt.date | None = None) -> dict[str, Any]:
    """条例第二十六条: published within 20 working days; overdue while not routed past the due date,
    late when routed to the proactive store after it."""
    today = today or today_in_china()
    return {
        "closed_on": item.closed_on.isoformat(), "due_on": item.due_on.isoformat(),
        "overdue": item.status != ItemStatus.ROUTED and today > item.due_on,
        "published_late": item.store == Store.PROACTIVE and published_late(item.routed_at, item.due_on),
        "warnings": list(item.due_warnings or []),
    }


def summary(item: ItemRow, actor: Actor, settings: Settings, today: dt.date | None = None) -> dict[str, Any]:
    readable = may_read(actor, item, settings)
    out: dict[str, Any] = {
        "id": item.id, "origin": item.origin, "source_id": item.source_id, "division": item.division,
        "status": item.status, "version": item.current_version, "lock_version": item.lock_version,
        "store": item.store, "index_number": item.index_number, "marked": item.marked,
        "restricted": not readable, "title": item.title if readable else None,
        "decision": {"secrecy": item.secrecy, "category": item.category, "exemption": item.exemption,
                     "column": item.column},
        "risk": item.risk, "changed_after_review": item.changed_after_review,
        "created_at": item.created_at.isoformat(),
        "routed_at": item.routed_at.isoformat() if item.routed_at else None,
    }
    out.update(clock(item, today))
    return out


def version_view(version: ItemVersionRow, readable: bool, current: bool = False) -> dict[str, Any]:
    """A version with its document; its suggestion too unless it is the current one (shown once, at the top)."""
    # The content hash confirms a guessed text: it is content, shown only with the document.
    out: dict[str, Any] = {"number": version.number, "content_hash": version.content_hash if readable else None,
                           "received_at": version.received_at.isoformat(), "received_by": version.received_by,
                           "ruleset_revision": version.ruleset_revision, "model_id": version.model_id}
    if readable:
        out["document"] = version.document
        if not current:
            out["suggestion"] = version.suggestion
    return out


def review_view(review: ReviewRow, readable: bool = True) -> dict[str, Any]:
    """A review; its reason and the leader's instruction are the item's content too (a reason may quote
    the secret it weighs), shown only to those who may read the item."""
    return {"stage": review.stage, "version": review.version_number, "actor": review.actor, "role": review.role,
            "at": review.at.isoformat(), "suggested": review.suggested, "decided": review.decided,
            "changed": review.changed, "reason": review.reason if readable else None,
            "leader_instruction": review.leader_instruction if readable else None}


# What an audit event may say of an item's content (a review's reason may quote the secret it weighs).
_CONTENT_KEYS = frozenset({"reason", "leader_instruction", "title", "body", "content_hash"})


def audit_view(event: AuditEventRow, readable: bool) -> dict[str, Any]:
    """An audit event; for an item the caller may not read, its content words are left out (the event,
    who, when and what was decided stay: supervision needs them)."""
    def shown(part: Any) -> Any:
        if readable or not isinstance(part, dict):
            return part
        return {k: (None if k in _CONTENT_KEYS else v) for k, v in part.items()}

    return {"seq": event.seq, "at": event.at.isoformat(), "actor": event.actor, "role": event.role,
            "action": event.action, "item_id": event.item_id, "before": shown(event.before),
            "after": shown(event.after), "redacted": not readable, "hash": event.hash}


def full(item: ItemRow, actor: Actor, settings: Settings) -> dict[str, Any]:
    """One item with its versions, current suggestion and evidence, and its full review history."""
    current = item.versions[-1]
    readable = may_read(actor, item, settings)
    out = summary(item, actor, settings)
    out["versions"] = [version_view(v, readable, current=v is current) for v in item.versions]
    out["suggestion"] = current.suggestion if readable else None
    out["reviews"] = [review_view(r, readable) for r in item.reviews]
    out["publication"] = of_item(item) if readable else None  # the proactive store's: what the website shows
    return out
