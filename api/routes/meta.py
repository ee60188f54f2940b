"""Health and versions (no token needed: they say nothing about any item)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ContextDep
from api.responses import HealthOut, VersionOut

router = APIRouter(tags=["meta"])


@router.get("/healthz", response_model=HealthOut, summary="Liveness")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/v1/version", response_model=VersionOut, summary="Service, ruleset and model versions")
def version(ctx: ContextDep) -> dict:
    from engine.version import __version__

    model = ctx.suggester.model
    return {"gongkai": __version__, "ruleset": {"name": ctx.suggester.book.name, "revision": ctx.suggester.book.revision},
            "model": model.model_id if model is not None else None}
