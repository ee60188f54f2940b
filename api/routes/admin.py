"""Tokens (admin), the audit log (supervisors, admin), and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import select

from api import tokens, views
from api.visibility import may_read
from api.context import Actor
from api.deps import SessionDep, allow
from api.errors import NotFound
from api.schemas import MAX_ID, TokenIn
from models.audit import verify_chain
from models.tables import AuditEventRow, ItemRow, TokenRow

router = APIRouter(prefix="/v1", tags=["admin"])


def _token_view(row: TokenRow) -> dict:
    return {"id": row.id, "name": row.name, "role": row.role, "division": row.division, "created_by": row.created_by,
            "created_at": row.created_at.isoformat(), "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None}


@router.post("/tokens", status_code=201, summary="Issue a token (shown once)")
def issue_token(body: TokenIn, session: SessionDep, actor: Actor = Depends(allow("manage_tokens"))) -> dict:
    row, token = tokens.issue(session, name=body.name, role=body.role, division=body.division, by=actor)
    session.commit()
    return {**_token_view(row), "token": token}


@router.get("/tokens", summary="List tokens (never their values)")
def list_tokens(session: SessionDep, actor: Actor = Depends(allow("manage_tokens"))) -> dict:
    return {"tokens": [_token_view(r) for r in session.scalars(select(TokenRow).order_by(TokenRow.id))]}


@router.delete("/tokens/{token_id}", summary="Revoke a token")
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


@router.get("/audit", summary="The audit log, in order")
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


@router.get("/audit/verify", summary="Verify the audit log's hash chain")
def verify_audit(session: SessionDep, actor: Actor = Depends(allow("read_audit"))) -> dict:
    report = verify_chain(session)
    return {"events": report.events, "intact": report.intact, "broken_at": report.broken_at, "problem": report.problem}


@router.get("/whoami", summary="The caller's name and role")
def whoami(actor: Actor = Depends(allow("whoami"))) -> dict:
    return {"name": actor.name, "role": actor.role, "division": actor.division}
