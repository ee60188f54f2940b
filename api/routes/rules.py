"""Rule authoring through the API: the rules in service, validation of a candidate (diagnostics and
a backtest, nothing changes), activation, revisions and rollback (api/rulesets/activation.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.rulesets import activation as rulesets
from api.rulesets.schemas import ActivationOut, RevisionFiles, RevisionsOut, RulesOut, ValidationOut
from api.schemas import CandidateIn, RollbackIn

router = APIRouter(prefix="/v1/rules", tags=["rules"])


@router.get("", response_model=RulesOut, summary="The rules in service, with their revision")
def rules(session: SessionDep, ctx: ContextDep, actor: Actor = Depends(allow("read_rules"))) -> dict:
    suggester = rulesets.serving(ctx, session)
    book = suggester.book
    return {"name": book.name, "revision": book.revision, "activation": ctx.activation_id,
            "rules": [rule.describe() for rule in book.rules]}


@router.post("/validate", response_model=ValidationOut,
             summary="Check a candidate rule set and backtest it against past decisions")
def validate(body: CandidateIn, request: Request, session: SessionDep, ctx: ContextDep,
             items: Annotated[int, Query(ge=0, le=1_000_000, description="the latest routed items to backtest "
                                         "(0: every one; the command `gongkai rules backtest` suits all of them)")]
             = rulesets.VALIDATION_ITEMS,
             actor: Actor = Depends(allow("author_rules"))) -> dict:
    """Every diagnostic of `gongkai rules check`; when the candidate loads, its backtest against the
    rules in service over the latest routed items (flip list, figures before and after, new and lost
    hits per rule, the gates). A caller not cleared for secret items backtests only the items it may
    read: the others are left out entirely (`backtest.left_out.not_readable` counts them), so that no
    candidate rule can tell what a secret text holds. Nothing is changed or recorded."""
    rulesets.serving(ctx, session)
    session.rollback()
    return rulesets.validate(ctx, request.app.state.reader_engine, body.files, items or None, actor)


@router.post("/activate", status_code=201, response_model=ActivationOut, summary="Put a candidate rule set in service")
def activate(body: CandidateIn, request: Request, ctx: ContextDep,
             actor: Actor = Depends(allow("activate_rules"))) -> JSONResponse:
    """Checked, compiled and tested (its examples and scenarios) before anything changes: a set that
    fails is refused whole (422, every problem named) and the rules in service keep serving. Requests
    already running finish on the old set; the next ones use the new one."""
    out = rulesets.activate(request.app.state.context, request.app.state.sessions, actor, body.files, body.note)
    return JSONResponse(out, status_code=201, headers={"X-Ruleset-Revision": out["revision"]})


@router.post("/rollback", status_code=201, response_model=ActivationOut, summary="Serve an earlier revision again")
def rollback(body: RollbackIn, request: Request, ctx: ContextDep,
             actor: Actor = Depends(allow("activate_rules"))) -> JSONResponse:
    out = rulesets.rollback(ctx, request.app.state.sessions, actor, body.to, body.note)
    return JSONResponse(out, status_code=201, headers={"X-Ruleset-Revision": out["revision"]})


@router.get("/revisions", response_model=RevisionsOut,
            summary="Every activation, newest first: revision, who, when, how, why")
def revisions(session: SessionDep, ctx: ContextDep, actor: Actor = Depends(allow("read_rules"))) -> dict:
    return rulesets.revisions(session, ctx)


@router.get("/revisions/{revision}", response_model=RevisionFiles,
            summary="The files of a revision (to edit it, or to backtest against it)")
def revision(revision: str, session: SessionDep,
             actor: Actor = Depends(allow("read_rules"))) -> dict:
    return rulesets.revision_files(session, revision)
