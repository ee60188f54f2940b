"""Tokens (admin), the audit log (supervisors, admin), and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import select

from api.access import tokens
from api.access.visibility import may_read
from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.errors import Conflict, NotFound
from api.items import views
from api.access.schemas import (AuditCheckOut, AuditOut, IssuedTokenOut, RotatedTokenOut, TokenListOut, TokenOut,
                                WhoamiOut)
from api.schemas import MAX_ID, RotateIn, TokenIn
from models.audit import verify_chain
from models.tables import AuditEventRow, ItemRow, TokenRow

router = APIRouter(prefix="/v1", tags=["admin"])


def _token_view(row: TokenRow) -> dict:
    return tokens.view(row)


@router.post("/tokens", status_code=201, response_model=IssuedTokenOut, summary="Issue a token (shown once)")
def issue_token(body: TokenIn, session: SessionDep, ctx: ContextDep,
                actor: Actor = Depends(allow("manage_tokens"))) -> dict:
    """The token works for `days` days (default GONGKAI_TOKEN_DAYS)."""
    row, token = tokens.issue(session, name=body.name, role=body.role, division=body.division, by=actor,
                              days=body.days or ctx.settings.token_days)
    session.commit()
    return {**_token_view(row), "token": token}


@router.get("/tokens", response_model=TokenListOut,
            summary="List tokens (never their values), with expiry and status")
def list_tokens(session: SessionDep, actor: Actor = Depends(allow("manage_tokens"))) -> dict:
    return {"tokens": [_token_view(r) for r in session.scalars(select(TokenRow).order_by(TokenRow.id))]}


@router.delete("/tokens/{token_id}", response_model=TokenOut, summary="Revoke a token")
def revoke_token(token_id: Annotated[int, Path(ge=0, le=MAX_ID)], session: SessionDep, request: Request,
                 actor: Actor = Depends(allow("manage_tokens"))) -> dict:
    row = session.get(TokenRow, token_id)
    if row is None:
        raise NotFound(f"no token {token_id}")
    if row.revoked_at is None:
        tokens.revoke(session, row, actor)
        session.commit()
        request.app.state.tokens.clear()  # at once in this process (others within TokenCache.TTL)
    return _token_view(row)


@router.post("/tokens/{token_id}/rotate", status_code=201, response_model=RotatedTokenOut,
             summary="Rotate a token: a new one (shown once), the old one revoked")
def rotate_token(token_id: Annotated[int, Path(ge=0, le=MAX_ID)], session: SessionDep, request: Request,
                 ctx: ContextDep, body: RotateIn | None = None,
                 actor: Actor = Depends(allow("manage_tokens"))) -> dict:
    """A new token for the same holder, role and division with a fresh expiry (`days`, default
    GONGKAI_TOKEN_DAYS); the old token stops working at once (in other worker processes within 5
    seconds). Expired tokens may be rotated, revoked ones may not (409)."""
    row = session.get(TokenRow, token_id)
    if row is None:
        raise NotFound(f"no token {token_id}")
    try:
        new, token = tokens.rotate(session, row, actor, days=(body.days if body else None) or ctx.settings.token_days)
    except tokens.TokenRevoked as exc:
        raise Conflict(str(exc)) from None
    session.commit()
    request.app.state.tokens.clear()  # the old token: at once in this process (others within TokenCache.TTL)
    return {**_token_view(new), "token": token, "replaces": _token_view(row)}


@router.get("/audit", response_model=AuditOut, summary="The audit log, in order")
def read_audit(request: Request, session: SessionDep, actor: Actor = Depends(allow("read_audit")),
               item_id: int | None = Query(None, ge=0, le=MAX_ID), after: int = Query(0, ge=0, le=MAX_ID),
               limit: int = Query(100, ge=1, le=1000)) -> dict:
    query = select(AuditEventRow).where(AuditEventRow.seq > after)
    if item_id is not None:
        query = query.where(AuditEventRow.item_id == item_id)
    rows = list(session.scalars(query.order_by(AuditEventRow.seq).limit(limit)))
    ids = {r.item_id for r in rows if r.item_id is not None}
    items = {i.id: i for i in session.scalars(select(ItemRow).where(ItemRow.id.in_(ids)))} if ids else {}
    settings = request.app.state.context.settings
    return {"events": [views.audit_view(r, r.item_id is None or r.item_id not in items
                                        or may_read(actor, items[r.item_id], settings)) for r in rows],
            "cursor": rows[-1].seq if rows else after}


@router.get("/audit/verify", response_model=AuditCheckOut, summary="Verify the audit log's hash chain")
def verify_audit(session: SessionDep, actor: Actor = Depends(allow("read_audit"))) -> dict:
    report = verify_chain(session)
    return {"events": report.events, "intact": report.intact, "broken_at": report.broken_at, "problem": report.problem}


@router.get("/whoami", response_model=WhoamiOut, summary="The caller's name and role")
def whoami(actor: Actor = Depends(allow("whoami"))) -> dict:
    return {"name": actor.name, "role": actor.role, "division": actor.division}
