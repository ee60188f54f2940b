"""What storing a document does to its item, in one place for a push (intake.py) and a batch (bulk.py), so the
two paths cannot drift apart: a new item in secrecy review; a changed document as the next version, which sends
a reviewed item back to secrecy review and out of its store and never lowers its marking; the version row; what
the audit event says after; the rule hits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from api.context import Context
from api.items.review import send_back
from engine.vocabulary import ItemStatus, ReviewStage, Secrecy, secrecy_rank
from engine.workflow.priority import review_priority
from models.tables import ItemRow, ItemVersionRow


def marking_of(suggestion: dict[str, Any]) -> str:
    return str(suggestion.get("marking") or Secrecy.NONE)


def new_item(ctx: Context, origin: str, source_id: str, record: dict[str, Any], suggestion: dict[str, Any],
             closed_on: dt.date, owner: str) -> ItemRow:
    """A new item, in secrecy review, owned by the account that sent it first (intake.ownership_problem)."""
    due = ctx.due(closed_on)
    marking = marking_of(suggestion)
    return ItemRow(origin=origin, source_id=source_id, division=record.get("division"), agency=record.get("agency"),
                   title=record.get("title") or "", closed_on=closed_on, due_on=due.due_on,
                   due_warnings=list(due.warnings), status=ItemStatus.SECRECY_REVIEW, current_version=1,
                   marking=marking, marked=marking != Secrecy.NONE, risk=review_priority(suggestion),
                   changed_after_review=False, owner=owner, suggested_secrecy=suggestion["suggestion"]["secrecy"]["value"])


def next_version(session: Session, item: ItemRow, record: dict[str, Any], suggestion: dict[str, Any]
                 ) -> dict[str, Any]:
    """A changed document: the item moves to its next version; returns the audit event's `before`."""
    before = {"version": item.current_version, "status": item.status, "marking": item.marking, "store": item.store}
    item.current_version += 1
    item.title = record.get("title") or ""
    item.agency = record.get("agency")
    item.suggested_secrecy = suggestion["suggestion"]["secrecy"]["value"]
    if item.status != ItemStatus.SECRECY_REVIEW or item.secrecy is not None:
        # The reviews were of the old text. A new version is a new document: back to secrecy review,
        # and out of its store at once (a published one is withdrawn from the website's feed) before
        # anything of the new text can be served (engine/workflow/publication.py: both reviews of this version).
        item.changed_after_review = True
        send_back(session, item, ReviewStage.SECRECY_REVIEW)
    # A marking is sticky: the strictest any version carried (a later unmarked copy does not lift it).
    strictest = max(item.marking, marking_of(suggestion), key=secrecy_rank)
    item.marking, item.marked = strictest, strictest != Secrecy.NONE
    item.risk = review_priority(suggestion)
    return before


def version_row(item: ItemRow, digest: str, record: dict[str, Any], suggestion: dict[str, Any], *,
                ruleset_revision: str, model_id: str | None, received_by: str) -> ItemVersionRow:
    """The item's current version (item_id set by the caller, or through `item` when both are new)."""
    return ItemVersionRow(number=item.current_version, content_hash=digest, document=record, suggestion=suggestion,
                          ruleset_revision=ruleset_revision, model_id=model_id, received_by=received_by)


def audit_after(item: ItemRow, digest: str, suggestion: dict[str, Any]) -> dict[str, Any]:
    return {"version": item.current_version, "status": item.status, "marking": item.marking, "store": item.store,
            "content_hash": digest, "suggested": {k: v["value"] for k, v in suggestion["suggestion"].items()}}


def rule_hit_rows(version: ItemVersionRow, item_id: int, suggestion: dict[str, Any]) -> list[dict[str, Any]]:
    """The rules that fired, one small row each: what the accuracy report reads (models/tables.RuleHitRow)."""
    return [{"version_id": version.id, "item_id": item_id, "version_number": version.number, "rule_id": hit["id"],
             "mode": hit.get("mode"), "outcome": hit.get("outcome") or {}} for hit in suggestion.get("hits", ())]
