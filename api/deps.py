"""FastAPI dependencies: a database session per request, the loaded context, the caller and its role."""

from __future__ import annotations

import datetime as dt
import time
from typing import Annotated, Awaitable, Callable, Iterator

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.access.roles import PERMISSIONS
from api.access.tokens import TokenExpired, authenticate
from api.context import Actor, Context
from models.base import utc_now

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


def allow(action: str) -> Callable[..., Awaitable[Actor]]:
    """A dependency that authenticates the bearer token and requires a role allowed to do `action`."""
    roles = PERMISSIONS[action]

    async def check(request: Request,
                    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Actor:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})
        cache: TokenCache = request.app.state.tokens
        actor = cache.get(credentials.credentials)
        if actor is None:
            try:
                found = await run_in_threadpool(_lookup, request, credentials.credentials)
            except TokenExpired as exc:
                raise HTTPException(401, f"{exc}; ask an administrator to rotate it",
                                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
            if found is None:
                raise HTTPException(401, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
            actor, expires_at = found
            cache.put(credentials.credentials, actor, expires_at)
        if actor.role not in roles:
            raise HTTPException(403, f"role {actor.role} may not {action.replace('_', ' ')} "
                                     f"(allowed: {', '.join(sorted(roles))})")
        return actor

    check.action = action  # type: ignore[attr-defined]  (read by the role tests)
    return check
