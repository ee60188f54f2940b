"""FastAPI dependencies: a database session per request, the loaded context, the caller and its role."""

from __future__ import annotations

from typing import Annotated, Callable, Iterator

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.context import Actor, Context
from api.roles import PERMISSIONS
from api.tokens import authenticate

bearer = HTTPBearer(auto_error=False, description="a token from `gongkai token create` or POST /v1/tokens")


def _session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def _context(request: Request) -> Context:
    return request.app.state.context  # type: ignore[no-any-return]


SessionDep = Annotated[Session, Depends(_session)]
ContextDep = Annotated[Context, Depends(_context)]


def allow(action: str) -> Callable[..., Actor]:
    """A dependency that authenticates the bearer token and requires a role allowed to do `action`."""
    roles = PERMISSIONS[action]

    def check(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Actor:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})
        with request.app.state.sessions() as session:
            actor = authenticate(session, credentials.credentials)
        if actor is None:
            raise HTTPException(401, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
        if actor.role not in roles:
            raise HTTPException(403, f"role {actor.role} may not {action.replace('_', ' ')} "
                                     f"(allowed: {', '.join(sorted(roles))})")
        return actor

    check.action = action  # type: ignore[attr-defined]  (read by the role tests)
    return check
