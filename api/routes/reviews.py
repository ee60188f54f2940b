"""保密审核 and 公开方式审核 actions."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.items import review
from api.items.schemas import Item
from api.routes.items import ItemId, read_item
from api.schemas import DisclosureReviewIn, ReopenIn, SecrecyReviewIn

router = APIRouter(prefix="/v1/items/{item_id}", tags=["reviews"])


def _reload(session, ctx, actor, item) -> dict:  # type: ignore[no-untyped-def]
    session.expire_all()  # the answer shows the committed item with its new review
    return read_item(item.id, session, ctx, actor)


@router.post("/secrecy_review", response_model=Item, summary="Confirm or change the secrecy level (a change needs a reason)")
def secrecy_review(item_id: ItemId, body: SecrecyReviewIn, session: SessionDep, ctx: ContextDep,
                   actor: Actor = Depends(allow("secrecy_review"))) -> dict:
    item = review.review_secrecy(session, ctx, actor, item_id, body)
    return _reload(session, ctx, actor, item)


@router.post("/disclosure_review", response_model=Item,
             summary="Confirm or change category, exemption and column; route the item")
def disclosure_review(item_id: ItemId, body: DisclosureReviewIn, session: SessionDep, ctx: ContextDep,
                      actor: Actor = Depends(allow("disclosure_review"))) -> dict:
    """After the secrecy review. Fields left out are confirmed as suggested; a change needs a reason;
    a leader's instruction (领导批示意见) may be recorded. On success the item is routed to one store
    with its 索引号."""
    item = review.review_disclosure(session, ctx, actor, item_id, body)
    return _reload(session, ctx, actor, item)



@router.post("/reopen", response_model=Item,
             summary="Reopen a decision: send the item back to a review stage (a reason is required)")
def reopen(item_id: ItemId, body: ReopenIn, session: SessionDep, ctx: ContextDep,
           actor: Actor = Depends(allow("reopen"))) -> dict:
    """The item leaves its store (a published one is withdrawn from the website's feed) and waits at
    the stage again; its 索引号 and review history stay. Supervision lists every reopening."""
    item = review.reopen(session, ctx, actor, item_id, body)
    return _reload(session, ctx, actor, item)
