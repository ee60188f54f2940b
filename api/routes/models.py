"""The model registry through the API (api/rulesets/classifier.py): the versions and activations, a candidate's
validation against past decisions (nothing changes), activation (validated, refused when a gate fails), rollback.
A candidate enters the registry from the operator's side (`gongkai train --from-database`, `gongkai model
register`), never through the API: a model's files are as sensitive as the decisions it learnt from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from api.access import visibility
from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.rulesets import activation as rulesets
from api.rulesets import classifier
from api.rulesets.classifier_schemas import (ModelActivateIn, ModelActivationOut, ModelRollbackIn, ModelsOut,
                                             ModelValidationOut)

router = APIRouter(prefix="/v1/models", tags=["models"])
ModelIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z._-]+$",
                                  description="a registered model's id (GET /v1/models)")]


@router.get("", response_model=ModelsOut, summary="The registered models, their activations, the one in service")
def models(session: SessionDep, ctx: ContextDep, actor: Actor = Depends(allow("read_models"))) -> dict:
    rulesets.serving(ctx, session)
    return classifier.versions(session, ctx, visibility.cleared(actor, ctx.settings))


@router.post("/{model_id}/validate", response_model=ModelValidationOut,
             summary="Compare a registered model with the one in service on past decisions")
def validate(model_id: ModelIdPath, request: Request, session: SessionDep, ctx: ContextDep,
             items: Annotated[int, Query(ge=0, le=1_000_000, description="the latest routed items to compare on "
                                         "(0: every one)")] = 0,
             actor: Actor = Depends(allow("activate_models"))) -> dict:
    """The same rules combined with the model in service and with the candidate, over the decisions made after
    the candidate's training data ended (all of them, said, when fewer than 30): figures before and after, the
    flips, the gates an activation must pass. A caller not cleared for secret items compares on the items it may
    read only (`left_out.not_readable` counts the others)."""
    rulesets.serving(ctx, session)
    session.rollback()  # a long read: the writer is not held through it
    with request.app.state.readers() as reading:
        return classifier.validate(ctx, request.app.state.reader_engine, reading, model_id, items or None,
                                   cleared=visibility.cleared(actor, ctx.settings))


@router.post("/{model_id}/activate", status_code=201, response_model=ModelActivationOut,
             summary="Put a registered model in service, if it passes its validation")
def activate(model_id: ModelIdPath, body: ModelActivateIn, request: Request, ctx: ContextDep,
             actor: Actor = Depends(allow("activate_models"))) -> JSONResponse:
    """Validated over every past decision, secret ones included, before anything changes: a model that finds
    fewer secret or withheld documents, or decides with a lower macro-F1, is refused (409 naming the gates) and
    the model in service keeps serving. Requests already running finish on the old model."""
    state = request.app.state
    out = classifier.activate(ctx, state.sessions, state.readers, state.reader_engine, actor, model_id, body.note)
    return JSONResponse(out, status_code=201, headers={"X-Model-Id": out["model_id"]})


@router.post("/rollback", status_code=201, response_model=ModelActivationOut,
             summary="Serve again a model served before")
def rollback(body: ModelRollbackIn, request: Request, ctx: ContextDep,
             actor: Actor = Depends(allow("activate_models"))) -> JSONResponse:
    out = classifier.rollback(ctx, request.app.state.sessions, actor, body.to, body.note)
    return JSONResponse(out, status_code=201, headers={"X-Model-Id": out["model_id"]})
