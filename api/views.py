"""How items are shown: in full to cleared roles, as a bare existence record to others when secret."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.context import Actor
from api.settings import Settings
from engine.working_days import published_late, today_in_china
from models.tables import ItemRow, ItemVersionRow, ReviewRow

__all__ = ["today_in_china"]  # the routes' today, re-exported


def is_secret(item: ItemRow, suggested: str | None) -> bool:
    """Any secrecy marking, or a level other than none: the decided one once secrecy review is done,
    the suggested one until then."""
    return item.marked or (item.secrecy if item.secrecy is not None else suggested or "none") != "none"


def may_read_body(actor: Actor, item: ItemRow, suggested: str | None, settings: Settings) -> bool:
    return not is_secret(item, suggested) or actor.role in settings.cleared_roles


def clock(item: ItemRow, today: dt.date | None = None) -> dict[str, Any]:
    """条例第二十六条: published within 20 working days; overdue while not routed past the due date,
    late when routed to the proactive store after it."""
    today = today or today_in_china()
    return {
        "closed_on": item.closed_on.isoformat(), "due_on": item.due_on.isoformat(),
        "overdue": item.status != "routed" and today > item.due_on,
        "published_late": item.store == "proactive" and published_late(item.routed_at, item.due_on),
        "warnings": list(item.due_warnings or []),
    }


def summary(item: ItemRow, actor: Actor, settings: Settings, suggested_secrecy: str | None = None,
            today: dt.date | None = None) -> dict[str, Any]:
    readable = may_read_body(actor, item, suggested_secrecy, settings)
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
    out: dict[str, Any] = {"number": version.number, "content_hash": version.content_hash,
                           "received_at": version.received_at.isoformat(), "received_by": version.received_by,
                           "ruleset_revision": version.ruleset_revision, "model_id": version.model_id}
    if readable:
        out["document"] = version.document
        if not current:
            out["suggestion"] = version.suggestion
    return out


def review_view(review: ReviewRow) -> dict[str, Any]:
    return {"stage": review.stage, "version": review.version_number, "actor": review.actor, "role": review.role,
            "at": review.at.isoformat(), "suggested": review.suggested, "decided": review.decided,
            "changed": review.changed, "reason": review.reason, "leader_instruction": review.leader_instruction}


def full(item: ItemRow, actor: Actor, settings: Settings) -> dict[str, Any]:
    """One item with its versions, current suggestion and evidence, and its full review history."""
    current = item.versions[-1]
    suggested = current.suggestion["suggestion"]["secrecy"]["value"]
    readable = may_read_body(actor, item, suggested, settings)
    out = summary(item, actor, settings, suggested)
    out["versions"] = [version_view(v, readable, current=v is current) for v in item.versions]
    out["suggestion"] = current.suggestion if readable else None
    out["reviews"] = [review_view(r) for r in item.reviews]
    return out
