"""Bearer tokens: 256 random bits shown once, stored as SHA-256 (no slow hash needed at that entropy)."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.context import Actor
from models import audit
from models.base import utc_now
from models.tables import TokenRow

PREFIX = "gk_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(session: Session, *, name: str, role: str, division: str | None, by: Actor) -> tuple[TokenRow, str]:
    """A new token (the caller commits); the plain token is returned once and never stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    row = TokenRow(name=name, role=role, division=division, token_hash=digest(token), created_by=by.name)
    session.add(row)
    session.flush()
    audit.record(session, actor=by.name, role=by.role, action="token:issue",
                 after={"token_id": row.id, "name": name, "role": role, "division": division})
    return row, token


def revoke(session: Session, row: TokenRow, by: Actor) -> None:
    row.revoked_at = utc_now()
    audit.record(session, actor=by.name, role=by.role, action="token:revoke", after={"token_id": row.id, "name": row.name})


def authenticate(session: Session, token: str) -> Actor | None:
    row = session.scalar(select(TokenRow).where(TokenRow.token_hash == digest(token), TokenRow.revoked_at.is_(None)))
    if row is None:
        return None
    return Actor(name=row.name, role=row.role, division=row.division, token_id=row.id)
