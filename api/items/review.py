"""Secrecy review (保密审核), then disclosure review (公开方式审核), then routing to one store.

Every action is a new review row and an audit event; a change from the suggestion needs a reason;
two reviewers acting at once: the second gets Conflict (409) with the current item and what they
submitted, so nothing is lost.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from api.context import Actor, Context
from api.errors import Conflict, Forbidden, Invalid, NotFound
from api.schemas import DisclosureReviewIn, ReopenIn, SecrecyReviewIn
from engine.workflow import publication
from engine.workflow.index_number import format_index_number
from engine.vocabulary import ItemStatus, ReviewStage, Secrecy, Store
from engine.workflow.routing import RoutingError, store_for
from models import audit
from models.base import utc_now
from models.counters import next_value
from models.tables import FeedEntryRow, ItemRow, ItemVersionRow, ReviewRow


def _item(session: Session, item_id: int, expected_version: int | None, submitted: dict[str, Any]
          ) -> tuple[ItemRow, dict[str, Any]]:
    """The item, and its state for a Conflict; 404 when missing, 409 when it moved on since read."""
    item = session.get(ItemRow, item_id)
    if item is None:
        raise NotFound(f"no item {item_id}")
    state = {"item_id": item.id, "status": item.status, "lock_version": item.lock_version}
    if expected_version is not None and expected_version != item.lock_version:
        raise Conflict(f"item {item_id} changed since you read it (version {expected_version}, now "
                       f"{item.lock_version}): review it again", current=state, submitted=submitted)
    return item, state


# A reviewer acts on a stage the item is not at: (the stage, where the item is) -> why not.
_NOT_AT_STAGE: dict[tuple[str, str], str] = {
    (ReviewStage.SECRECY_REVIEW, ItemStatus.DISCLOSURE_REVIEW): "the secrecy review of this item is already done",
    (ReviewStage.SECRECY_REVIEW, ItemStatus.ROUTED): "this item is already reviewed and routed",
    (ReviewStage.DISCLOSURE_REVIEW, ItemStatus.SECRECY_REVIEW): "the secrecy review (保密审核) must come first",
    (ReviewStage.DISCLOSURE_REVIEW, ItemStatus.ROUTED): "the disclosure review of this item is already done",
}


def _load(session: Session, item_id: int, expected_version: int | None, stage: ReviewStage, submitted: dict[str, Any]
          ) -> tuple[ItemRow, dict[str, Any]]:
    item, state = _item(session, item_id, expected_version, submitted)
    if item.status != stage:
        raise Conflict(f"item {item_id}: {_NOT_AT_STAGE[(stage, item.status)]}", current=state, submitted=submitted)
    version = session.scalars(select(ItemVersionRow).where(
        ItemVersionRow.item_id == item.id, ItemVersionRow.number == item.current_version)).one()
    return item, version.suggestion


def _last_secrecy_review(session: Session, item: ItemRow) -> ReviewRow | None:
    return session.scalars(select(ReviewRow)
                           .where(ReviewRow.item_id == item.id, ReviewRow.stage == ReviewStage.SECRECY_REVIEW)
                           .order_by(ReviewRow.id.desc()).limit(1)).first()


def _separate(session: Session, ctx: Context, actor: Actor, item: ItemRow, stage: ReviewStage,
              submitted: dict[str, Any]) -> None:
    """Separation of duties (GONGKAI_SEPARATE_DUTIES, on by default): whoever pushed or entered a version
    of the item does not review it, and the disclosure reviewer is not the person who did the secrecy
    review of the same item. A person is a token's holder name: one person's two tokens are one person."""
    if not ctx.settings.separate_duties:
        return
    entrants = set(session.scalars(select(ItemVersionRow.received_by).where(ItemVersionRow.item_id == item.id)))
    if actor.name in entrants:
        raise Forbidden(f"{actor.name} entered item {item.id} and may not review it (separation of duties)",
                        submitted=submitted)
    if stage == ReviewStage.DISCLOSURE_REVIEW:
        last = _last_secrecy_review(session, item)
        if last is not None and last.actor == actor.name:
            raise Forbidden(f"{actor.name} did the secrecy review of item {item.id}; the disclosure review needs "
                            "another person (separation of duties)", submitted=submitted)


@contextmanager
def _first_wins(session: Session, item_id: int, submitted: dict[str, Any]) -> Iterator[None]:
    """The item's UPDATE carries "WHERE lock_version = <read>" (at any flush, not only at commit): when
    another reviewer got there first it matches no row, and this reviewer gets 409 with what they sent."""
    try:
        yield
        session.commit()
    except StaleDataError:
        session.rollback()
        raise Conflict(f"item {item_id} was reviewed by someone else at the same moment: review it again",
                       submitted=submitted) from None


def _needs_reason(changed: list[str], reason: str | None, submitted: dict[str, Any]) -> str | None:
    reason = (reason or "").strip() or None
    if changed and reason is None:
        raise Invalid(f"changing {', '.join(changed)} from the suggestion needs a reason",
                      errors=[{"field": "reason", "message": "required when a decision differs from the suggestion"}],
                      submitted=submitted)
    return reason


def review_secrecy(session: Session, ctx: Context, actor: Actor, item_id: int, body: SecrecyReviewIn) -> ItemRow:
    submitted = body.model_dump(mode="json", exclude_unset=True)
    item, suggestion = _load(session, item_id, body.expected_version, ReviewStage.SECRECY_REVIEW, submitted)
    _separate(session, ctx, actor, item, ReviewStage.SECRECY_REVIEW, submitted)
    suggested = suggestion["suggestion"]["secrecy"]["value"]
    changed = ["secrecy"] if suggested is not None and body.secrecy != suggested else []
    # Signals of secret-looking content stay until the reviewer clears them, with a reason: until then
    # the version cannot be published (engine/workflow/publication.py).
    cues = publication.risk_cues(suggestion.get("secrecy_signals") or ())
    cleared = cues if body.clear_signals and body.secrecy == Secrecy.NONE else []
    reason = _needs_reason(changed + (["the secrecy-risk signals"] if cleared else []), body.reason, submitted)
    decided: dict[str, Any] = {"secrecy": body.secrecy.value}
    if cleared:
        decided["cleared_signals"] = cleared
    with _first_wins(session, item_id, submitted):
        item.secrecy = body.secrecy.value
        item.status = ItemStatus.DISCLOSURE_REVIEW
        _write(session, actor, item, ReviewStage.SECRECY_REVIEW, {"secrecy": suggested}, decided, changed, reason,
               body.leader_instruction)
    return item


def review_disclosure(session: Session, ctx: Context, actor: Actor, item_id: int, body: DisclosureReviewIn) -> ItemRow:
    submitted = body.model_dump(mode="json", exclude_unset=True)
    item, suggestion = _load(session, item_id, body.expected_version, ReviewStage.DISCLOSURE_REVIEW, submitted)
    _separate(session, ctx, actor, item, ReviewStage.DISCLOSURE_REVIEW, submitted)
    fields = suggestion["suggestion"]
    suggested = {name: fields[name]["value"] for name in ("category", "exemption", "column")}
    decided = {name: (getattr(body, name).value if getattr(body, name) is not None else None)
               if name in body.model_fields_set else suggested[name] for name in suggested}
    if decided["category"] is None:
        raise Invalid("no category was suggested: decide one",
                      errors=[{"field": "category", "message": "required: the suggestion left it undecided"}],
                      submitted=submitted)
    changed = [name for name in suggested if suggested[name] is not None and decided[name] != suggested[name]]
    reason = _needs_reason(changed, body.reason, submitted)
    try:
        store = store_for(secrecy=item.secrecy or Secrecy.NONE, category=decided["category"],
                          exemption=decided["exemption"], column=decided["column"], marking=item.marking)
    except RoutingError as exc:
        raise Invalid(f"item {item_id} cannot be routed: {exc}", errors=[{"field": "category", "message": str(exc)}],
                      submitted=submitted) from None
    if store == Store.PROACTIVE:
        _guard(session, item, suggestion, submitted)
    with _first_wins(session, item_id, submitted):
        item.category, item.exemption, item.column = decided["category"], decided["exemption"], decided["column"]
        _write(session, actor, item, ReviewStage.DISCLOSURE_REVIEW, suggested, decided, changed, reason,
               body.leader_instruction)
        _route(session, ctx, actor, item, store)
    return item


def _write(session: Session, actor: Actor, item: ItemRow, stage: ReviewStage, suggested: dict[str, Any],
           decided: dict[str, Any], changed: list[str], reason: str | None, leader_instruction: str | None) -> None:
    review = ReviewRow(item_id=item.id, stage=stage, version_number=item.current_version, actor=actor.name,
                       role=actor.role, suggested=suggested, decided=decided, changed=bool(changed), reason=reason,
                       leader_instruction=leader_instruction)
    session.add(review)
    audit.record(session, actor=actor.name, role=actor.role, action=stage, item_id=item.id, covers=review,
                 before={"suggested": suggested}, after={"decided": decided, "changed": changed, "reason": reason,
                                                         "leader_instruction": leader_instruction})


def _guard(session: Session, item: ItemRow, suggestion: dict[str, Any], submitted: dict[str, Any]) -> None:
    """The publication guard (engine/workflow/publication.py) on the version about to be published."""
    last = _last_secrecy_review(session, item)
    candidate = publication.Candidate(
        version=item.current_version, secrecy=item.secrecy, marking=item.marking,
        signals=suggestion.get("secrecy_signals") or (),
        secrecy_reviewed=last.version_number if last is not None else None,
        disclosure_reviewed=item.current_version,  # this review is of the current version (_load)
        cleared=(last.decided or {}).get("cleared_signals", ()) if last is not None else ())
    found = publication.problems(candidate)
    if found:
        raise Invalid(f"item {item.id} cannot be published: {'; '.join(found)}",
                      errors=[{"field": "category", "message": problem} for problem in found], submitted=submitted)


def _route(session: Session, ctx: Context, actor: Actor, item: ItemRow, store: str) -> None:
    """To exactly one store, with its 索引号 (gapless per agency and year); proactive items enter the feed."""
    if item.index_number is None:
        agency = ctx.settings.agency_code
        serial = next_value(session, f"index:{agency}:{item.closed_on.year}")
        item.index_number = format_index_number(ctx.settings.index_template, agency=agency,
                                                year=item.closed_on.year, serial=serial)
    item.store, item.status, item.routed_at = store, ItemStatus.ROUTED, utc_now()
    session.flush()
    if store == Store.PROACTIVE:
        session.add(FeedEntryRow(seq=next_value(session, "feed"), item_id=item.id, action="publish",
                                 version=item.current_version))
    audit.record(session, actor=actor.name, role=actor.role, action="routed", item_id=item.id,
                 after={"store": store, "index_number": item.index_number})


# What each stage decides: reopening a stage undoes its decisions and those of the stages after it.
DECIDED_AT = {ReviewStage.SECRECY_REVIEW: ("secrecy", "category", "exemption", "column"),
              ReviewStage.DISCLOSURE_REVIEW: ("category", "exemption", "column")}


def reopen(session: Session, ctx: Context, actor: Actor, item_id: int, body: ReopenIn) -> ItemRow:
    """A decision reopened: a routed item (or one at disclosure review) goes back to `body.stage`.

    It leaves its store at once (a proactive item gets a withdraw entry in the website's feed), keeps
    its 索引号 for when it is routed again, and the reviews already made stay in its history; the
    audit event (action "reopen") is what supervision reports as an irregular event, with who and when.
    """
    submitted = body.model_dump(mode="json", exclude_unset=True)
    item, state = _item(session, item_id, body.expected_version, submitted)
    order = tuple(ItemStatus)  # the workflow's order
    if order.index(item.status) <= order.index(body.stage):
        raise Conflict(f"item {item_id} is at {item.status}: only a later stage can be sent back to {body.stage}",
                       current=state, submitted=submitted)
    reason = body.reason.strip()
    if not reason:
        raise Invalid("reopening a decision needs a reason",
                      errors=[{"field": "reason", "message": "must not be blank"}], submitted=submitted)
    before = {"status": item.status, "store": item.store,
              **{k: getattr(item, k) for k in DECIDED_AT[ReviewStage.SECRECY_REVIEW]}}
    with _first_wins(session, item_id, submitted):
        send_back(session, item, body.stage)
        session.flush()
        audit.record(session, actor=actor.name, role=actor.role, action="reopen", item_id=item.id, before=before,
                     after={"status": body.stage, "reason": reason})
    return item


def send_back(session: Session, item: ItemRow, stage: ReviewStage) -> None:
    """Back to a review stage: out of its store (a published item gets a withdraw entry in the
    website's feed), the decisions of that stage and later ones undone. The index number stays (it is
    reused when the item is routed again) and so does the review history. Used by a reopening and by
    a marked new version of a published document (api/items/intake.py)."""
    if item.store == Store.PROACTIVE:
        session.add(FeedEntryRow(seq=next_value(session, "feed"), item_id=item.id, action="withdraw",
                                 version=item.current_version))
    for name in DECIDED_AT[stage]:
        setattr(item, name, None)
    item.store, item.status, item.routed_at = None, stage, None
