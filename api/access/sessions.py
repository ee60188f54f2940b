"""Server-side sessions of signed-in people (the pages), and the seam for single sign-on.

A session's id is 256 random bits in an HttpOnly cookie; the database holds only its SHA-256 (as for
tokens: at that entropy no slow hash is needed), so a copy of the table signs no one in. Each session
has its own CSRF secret, which every state-changing request made with the cookie must echo
(api/deps.py). A session ends at sign-out (the row is deleted), when its user is disabled, or after
IDLE of not being used. Every use is checked against the database, so sign-out takes effect at once.

Single sign-on (CAS, OIDC) later: an IdentityProvider turns whatever the provider returns (a CAS
ticket, an OIDC code) into one of our users; the rest (start, resolve, the cookie, CSRF, the Actor and so
every permission and visibility rule) stays as it is. Password sign-in is one such provider
(api/access/users.authenticate, wrapped by the sign-in page).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.context import Actor
from api.access.tokens import digest
from models import audit
from models.base import utc_now
from models.tables import UserRow, WebSessionRow

COOKIE = "gongkai_session"
IDLE = dt.timedelta(hours=8)  # a working day: a browser left signed in overnight is signed out
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_seen is written at most this often (a page load is not a write)


class IdentityProvider(Protocol):
    """How a person proves who they are. A future SSO provider (CAS, OIDC) implements this and returns
    the same user record a password sign-in does (looked up by the name the provider asserts, never
    created on the fly: an administrator gives each person a role), or None when it does not vouch for
    anyone. The caller then calls `start` exactly as the password sign-in page does."""

    def __call__(self, session: Session, credentials: dict[str, str]) -> UserRow | None: ...


@dataclass(frozen=True)
class Signed:
    """A live session: who acts, and the CSRF token their forms carry."""

    actor: Actor
    csrf: str
    session_id: int


def start(session: Session, user: UserRow) -> tuple[str, str]:
    """A new session for `user` (the caller commits): the cookie value (returned once, never stored)
    and the session's CSRF token."""
    value = secrets.token_urlsafe(32)
    now = utc_now()
    csrf = secrets.token_urlsafe(32)
    session.add(WebSessionRow(session_hash=digest(value), user_id=user.id, csrf_secret=csrf, created_at=now,
                              last_seen=now, expires_at=now + IDLE))
    session.flush()
    return value, csrf


def resolve(session: Session, value: str) -> Signed | None:
    """The session a cookie names, if it is live and its user enabled (the caller commits: its idle
    expiry moves on); None otherwise."""
    found = session.execute(select(WebSessionRow, UserRow).join(UserRow, UserRow.id == WebSessionRow.user_id)
                            .where(WebSessionRow.session_hash == digest(value))).first()
    if found is None:
        return None
    row, user = found
    now = utc_now()
    if now >= row.expires_at or user.disabled_at is not None:
        session.delete(row)
        return None
    if now - row.last_seen >= TOUCH_EVERY:
        row.last_seen, row.expires_at = now, now + IDLE
    return Signed(Actor(name=user.name, role=user.role, division=user.division), row.csrf_secret, row.id)


def csrf_matches(signed: Signed, offered: str | None) -> bool:
    """Compared in constant time: the CSRF token is a secret of the session."""
    return offered is not None and hmac.compare_digest(hashlib.sha256(signed.csrf.encode()).digest(),
                                                       hashlib.sha256(offered.encode()).digest())


def end(session: Session, value: str, actor: Actor | None = None) -> None:
    """Sign-out: the session's row is deleted, so the cookie no longer works anywhere (the caller commits)."""
    deleted = session.execute(delete(WebSessionRow).where(WebSessionRow.session_hash == digest(value)))
    if actor is not None and getattr(deleted, "rowcount", 0):
        audit.record(session, actor=actor.name, role=actor.role, action="signout")
