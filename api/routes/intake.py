"""Push at closure (document system) and hand entry (clerks): the same path."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from api import intake, views
from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.schemas import DocumentIn

router = APIRouter(prefix="/v1", tags=["intake"])


def _answer(session, ctx, actor, doc: DocumentIn, origin: str, response: Response) -> dict:  # type: ignore[no-untyped-def]
    item, outcome = intake.receive(session, ctx, actor, doc, origin)
    session.refresh(item)
    response.status_code = 201 if outcome == "created" else 200
    response.headers["Location"] = f"/v1/items/{item.id}"
    response.headers["X-Ruleset-Revision"] = ctx.suggester.book.revision
    out = views.full(item, actor, ctx.settings)
    out["outcome"] = outcome
    return out


@router.post("/closures", status_code=201, summary="Push a closed (办结) document")
def push(doc: DocumentIn, session: SessionDep, ctx: ContextDep, response: Response,
         actor: Actor = Depends(allow("push"))) -> dict:
    """The document system sends a closed document; the answer is the stored item with its suggestion.
    The same document again: 200 and the same item. A changed one: 200 and a new version."""
    if doc.id is None:
        from api.errors import Invalid

        raise Invalid("a pushed document needs its id", errors=[{"field": "id", "message": "required for pushes"}])
    return _answer(session, ctx, actor, doc, "closure", response)


@router.post("/entries", status_code=201, summary="Enter an item by hand")
def enter(doc: DocumentIn, session: SessionDep, ctx: ContextDep, response: Response,
          actor: Actor = Depends(allow("enter"))) -> dict:
    """A clerk's hand entry (工作动态, 机构职能, 法规 …): suggested and reviewed like a pushed document."""
    return _answer(session, ctx, actor, doc, "manual", response)
