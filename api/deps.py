"""FastAPI dependencies: a database session per request, the loaded context, the caller (a bearer token or a
signed-in person's session cookie) and its role."""

from __future__ import annotations

import datetime as dt
import time
from typing import Annotated, Awaitable, Callable, Iterator
from urllib.parse import parse_qs

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.access import sessions
from api.access.roles import PERMISSIONS
from api.access.sessions import Signed
from api.access.tokens import TokenExpired, authenticate
from api.context import Actor, Context
from models.base import utc_now

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
bearer = HTTPBearer(auto_error=False, description="a token from `gongkai token create` or POST /v1/tokens")


def _session(request: Request) -> Iterator[Session]:
    """A reading session for GET and HEAD, a writing one otherwise (on SQLite they differ: see models/session.py)."""
    factory = request.app.state.readers if request.method in ("GET", "HEAD") else request.app.state.sessions
    with factory() as session:
        yield session


async def _context(request: Request) -> Context:  # async: no thread-pool hop for a plain attribute
    return request.app.state.context  # type: ignore[no-any-return]


SessionDep = Annotated[Session, Depends(_session)]
ContextDep = Annotated[Context, Depends(_context)]


class TokenCache:
    """Token -> Actor for a few seconds, so that a busy document system's pushes do not each pay a
    database read and a thread-pool hop to authenticate. A revoked token stops working within TTL
    seconds (revocation or rotation through this process drops it at once). An entry also holds the
    token's expiry, checked on every use: a cached token stops working the moment it expires, not up
    to TTL seconds later."""

    TTL = 5.0

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, Actor, dt.datetime | None]] = {}

    def get(self, token: str) -> Actor | None:
        entry = self._entries.get(token)
        if entry is None or entry[0] < time.monotonic():
            return None
        if entry[2] is not None and utc_now() >= entry[2]:
            del self._entries[token]  # expired: the database says so, with the expiry, on the way to a 401
            return None
        return entry[1]

    def put(self, token: str, actor: Actor, expires_at: dt.datetime | None = None) -> None:
        if len(self._entries) > 10_000:  # bounded: unknown tokens are never cached, so this is plenty
            self._entries.clear()
        self._entries[token] = (time.monotonic() + self.TTL, actor, expires_at)

    def clear(self) -> None:
        self._entries.clear()


def _lookup(request: Request, token: str) -> tuple[Actor, dt.datetime | None] | None:
    with request.app.state.readers() as session:
        return authenticate(session, token)


def _resolve(request: Request, value: str) -> Signed | None:
    with request.app.state.sessions() as session:  # a writer: a live session's idle expiry moves on
        signed = sessions.resolve(session, value)
        session.commit()
        return signed


async def signed_in(request: Request) -> Signed | None:
    """The live session the request's cookie names, if any (the pages and the cookie path of `allow`)."""
    if hasattr(request.state, "signed"):  # resolved once per request (a page's check, then the page)
        return request.state.signed  # type: ignore[no-any-return]
    value = request.cookies.get(sessions.COOKIE)
    request.state.signed = await run_in_threadpool(_resolve, request, value) if value else None
    return request.state.signed  # type: ignore[no-any-return]


async def csrf_offered(request: Request) -> str | None:
    """The CSRF token a request carries: the X-CSRF-Token header, or a form's `csrf` field."""
    if header := request.headers.get("x-csrf-token"):
        return header
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/x-www-form-urlencoded"):
        values = parse_qs((await request.body()).decode("utf-8", "replace")).get("csrf")
        return values[0] if values else None
    if kind.startswith("multipart/form-data"):  # a page's file upload (Starlette keeps the parsed form)
        value = (await request.form()).get("csrf")
        return value if isinstance(value, str) else None
    return None


async def _bearer_actor(request: Request, token: str) -> Actor:
    cache: TokenCache = request.app.state.tokens
    actor = cache.get(token)
    if actor is None:
        try:
            found = await run_in_threadpool(_lookup, request, token)
        except TokenExpired as exc:
            raise HTTPException(401, f"{exc}; ask an administrator to rotate it",
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
        if found is None:
            raise HTTPException(401, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
        actor, expires_at = found
        cache.put(token, actor, expires_at)
    return actor


async def _cookie_actor(request: Request) -> Actor:
    """A signed-in person: the same Actor a token gives. A state-changing request must carry the
    session's CSRF token, or another site's form could act in their name (SameSite=Strict is the
    first guard, this the second)."""
    signed = await signed_in(request)
    if signed is None:
        raise HTTPException(401, "the session has ended or is unknown: sign in again",
                            headers={"WWW-Authenticate": "Bearer"})
    if request.method not in SAFE_METHODS and not sessions.csrf_matches(signed, await csrf_offered(request)):
        raise HTTPException(403, "a missing or wrong CSRF token (X-CSRF-Token or the form's csrf field)")
    return signed.actor


def allow(action: str) -> Callable[..., Awaitable[Actor]]:
    """A dependency that authenticates the caller and requires a role allowed to do `action`. A request
    with a bearer token is the token's holder; one without, the person signed in with the session
    cookie. Both give the same Actor, so permissions, scopes and visibility are one code path."""
    roles = PERMISSIONS[action]

    async def check(request: Request,
                    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Actor:
        if credentials is not None or "authorization" in request.headers:
            if credentials is None or credentials.scheme.lower() != "bearer":
                raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})
            actor = await _bearer_actor(request, credentials.credentials)
        elif sessions.COOKIE in request.cookies:
            actor = await _cookie_actor(request)
        else:
            raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})
        if actor.role not in roles:
            raise HTTPException(403, f"role {actor.role} may not {action.replace('_', ' ')} "
                                     f"(allowed: {', '.join(sorted(roles))})")
        return actor

    check.action = action  # type: ignore[attr-defined]  (read by the role tests)
    return check
