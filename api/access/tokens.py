"""Bearer tokens: 256 random bits shown once, stored as SHA-256 (no slow hash needed at that entropy).

Every token expires (GONGKAI_TOKEN_DAYS after it is issued, default 180, or the days asked for it):
a token copied into a script or a mail long ago stops working by itself. Rotation issues a new token
for the same holder, role and division with a fresh expiry and revokes the old one at once. Tokens
issued before expiry existed (migration 0004: expires_at NULL) keep working until they are rotated
or revoked; the token list says "no expiry: rotate" beside them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.context import Actor
from models import audit
from models.base import utc_now
from models.tables import TokenRow

PREFIX = "gk_"
DEFAULT_DAYS = 180
MAX_DAYS = 3650  # ten years: beyond it "expires" means nothing (and a date past 9999 cannot be stored)
NO_EXPIRY = "no expiry: rotate"


class TokenExpired(Exception):
    """A known, unrevoked token past its expiry."""

    def __init__(self, expires_at: dt.datetime) -> None:
        self.expires_at = expires_at
        super().__init__(f"expired token: it expired at {expires_at.isoformat(timespec='seconds')}")


class TokenRevoked(Exception):
    """Rotation of a token that no longer works."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new(session: Session, *, name: str, role: str, division: str | None, by: Actor, days: int) -> tuple[TokenRow, str]:
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a token lives 1 to {MAX_DAYS} days, not {days}")
    token = PREFIX + secrets.token_urlsafe(32)
    now = utc_now()
    row = TokenRow(name=name, role=role, division=division, token_hash=digest(token), created_by=by.name,
                   created_at=now, expires_at=now + dt.timedelta(days=days))
    session.add(row)
    session.flush()
    return row, token


def issue(session: Session, *, name: str, role: str, division: str | None, by: Actor,
          days: int = DEFAULT_DAYS) -> tuple[TokenRow, str]:
    """A new token that works for `days` days (the caller commits); the plain token is returned once
    and never stored."""
    row, token = _new(session, name=name, role=role, division=division, by=by, days=days)
    audit.record(session, actor=by.name, role=by.role, action="token:issue",
                 after={"token_id": row.id, "name": name, "role": role, "division": division,
                        "expires_at": _iso(row.expires_at)})
    return row, token


def revoke(session: Session, row: TokenRow, by: Actor) -> None:
    row.revoked_at = utc_now()
    audit.record(session, actor=by.name, role=by.role, action="token:revoke", after={"token_id": row.id, "name": row.name})


def rotate(session: Session, row: TokenRow, by: Actor, days: int = DEFAULT_DAYS) -> tuple[TokenRow, str]:
    """A new token for the same holder, role and division, with a fresh expiry; the old one is revoked
    at once (the caller commits). An expired token may be rotated; a revoked one may not (issue a new
    one instead, knowing why it was revoked)."""
    if row.revoked_at is not None:
        raise TokenRevoked(f"token {row.id} was revoked at {_iso(row.revoked_at)}: issue a new one instead")
    new, token = _new(session, name=row.name, role=row.role, division=row.division, by=by, days=days)
    row.revoked_at = utc_now()
    audit.record(session, actor=by.name, role=by.role, action="token:rotate",
                 before={"token_id": row.id, "expires_at": _iso(row.expires_at)},
                 after={"token_id": new.id, "name": new.name, "role": new.role, "division": new.division,
                        "expires_at": _iso(new.expires_at)})
    return new, token


def authenticate(session: Session, token: str) -> tuple[Actor, dt.datetime | None] | None:
    """The token's holder and its expiry (None: issued before expiry existed); None when the token is
    unknown or revoked. TokenExpired when it is known but past its expiry."""
    row = session.scalar(select(TokenRow).where(TokenRow.token_hash == digest(token), TokenRow.revoked_at.is_(None)))
    if row is None:
        return None
    if row.expires_at is not None and utc_now() >= row.expires_at:
        raise TokenExpired(row.expires_at)
    return Actor(name=row.name, role=row.role, division=row.division, token_id=row.id), row.expires_at


def status(row: TokenRow, now: dt.datetime | None = None) -> str:
    """revoked, expired, active, or NO_EXPIRY for a token issued before expiry existed."""
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is None:
        return NO_EXPIRY
    return "expired" if (now or utc_now()) >= row.expires_at else "active"


def view(row: TokenRow) -> dict[str, Any]:
    """A token as the list shows it (never its value)."""
    return {"id": row.id, "name": row.name, "role": row.role, "division": row.division, "created_by": row.created_by,
            "created_at": row.created_at.isoformat(), "expires_at": _iso(row.expires_at),
            "revoked_at": _iso(row.revoked_at), "status": status(row)}


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
