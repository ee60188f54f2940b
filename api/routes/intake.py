"""Push at closure (document system) and hand entry (clerks): the same path."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.context import Actor
from api.deps import ContextDep, allow
from api.errors import Invalid
from api.items import intake, views
from api.items.schemas import Received
from api.schemas import DocumentIn
from engine.vocabulary import Origin

router = APIRouter(prefix="/v1", tags=["intake"])
# 201 for a new item; 200 for the same document again (unchanged) or a changed one (new_version).
AGAIN: dict[int | str, dict[str, Any]] = {200: {
    "model": Received, "description": "The same document again (`outcome`: unchanged) or a changed one (new_version)"}}


def _answer(app, ctx, actor, doc: DocumentIn, origin: Origin) -> Response:  # type: ignore[no-untyped-def]
    with app.state.readers() as reader, app.state.sessions() as session:
        item, outcome = intake.receive(session, ctx, actor, doc, origin, reader=reader)
        out = views.full(item, actor, ctx.settings)
        revision = item.versions[-1].ruleset_revision  # the rules this suggestion was made with
    out["outcome"] = outcome
    # Rendered here with json.dumps: the answer is plain JSON already, and FastAPI's generic encoder
    # costs more than the rest of the HTTP layer for a 10 KB suggestion (bench/service_bench.py).
    return Response(json.dumps(out, ensure_ascii=False), status_code=201 if outcome == "created" else 200,
                    media_type="application/json",
                    headers={"Location": f"/v1/items/{item.id}", "X-Ruleset-Revision": revision})


# The two intake routes are async and run their whole use case in ONE worker thread (session,
# suggestion, storage, answer): each thread-pool hop costs a context switch on a busy 2-core machine,
# and a sync route with a sync session dependency makes three of them (bench/service_bench.py).

@router.post("/closures", status_code=201, response_model=Received, responses=AGAIN,
             summary="Push a closed (办结) document")
async def push(doc: DocumentIn, request: Request, ctx: ContextDep, actor: Actor = Depends(allow("push"))) -> dict:
    """The document system sends a closed document; the answer is the stored item with its suggestion.
    The same document again: 200 and the same item. A changed one: 200 and a new version."""
    if doc.id is None:
        raise Invalid("a pushed document needs its id", errors=[{"field": "id", "message": "required for pushes"}])
    return await run_in_threadpool(_answer, request.app, ctx, actor, doc, Origin.CLOSURE)  # type: ignore[no-any-return]


@router.post("/entries", status_code=201, response_model=Received, responses=AGAIN,
             summary="Enter an item by hand")
async def enter(doc: DocumentIn, request: Request, ctx: ContextDep, actor: Actor = Depends(allow("enter"))) -> dict:
    """A clerk's hand entry (工作动态, 机构职能, 法规 …): suggested and reviewed like a pushed document."""
    return await run_in_threadpool(_answer, request.app, ctx, actor, doc, Origin.MANUAL)  # type: ignore[no-any-return]
