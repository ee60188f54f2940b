"""People who sign in to the pages: created by an administrator (`gongkai user create`), their passwords
kept only as argon2id hashes (argon2-cffi's defaults, RFC 9106's recommended profile), locked out for a
while after repeated failures, disabled rather than deleted (the audit log names them).

A signed-in user acts as the same Actor (name, role, division) a bearer token gives, so every permission,
scope and visibility rule applies unchanged (api/deps.py). No FastAPI here: the pages and the CLI both call it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.context import Actor
from models import audit
from models.base import utc_now
from models.tables import UserRow, WebSessionRow

HASHER = PasswordHasher()
# Verified against when the name is unknown, so that an unknown name costs the same time as a wrong
# password and the answer's timing does not tell which names exist. Made on first use (an argon2 hash is
# ~0.25 s of a start), and at a served start in its loading thread (api/app.py), before any sign-in is
# answered: a first unknown name is then no slower than the next.
_DUMMY_HASH: str | None = None


def dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = HASHER.hash("gongkai: no such user")
    return _DUMMY_HASH
MIN_PASSWORD_LENGTH = 8


class UserExists(Exception):
    """A user of that name exists already (disabled or not: names stay unique for the audit log)."""


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the user on success; otherwise `locked_until` when the account is locked."""

    user: UserRow | None
    locked_until: dt.datetime | None = None


def actor(user: UserRow) -> Actor:
    return Actor(name=user.name, role=user.role, division=user.division)


def create(session: Session, *, name: str, role: str, division: str | None, password: str, by: Actor) -> UserRow:
    """A new user (the caller commits). ValueError for a short password, UserExists for a taken name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
        raise UserExists(f"a user named {name!r} exists already")
    user = UserRow(name=name, role=role, division=division, password_hash=HASHER.hash(password), failed_attempts=0,
                   created_at=utc_now())
    session.add(user)
    session.flush()
    audit.record(session, actor=by.name, role=by.role, action="user:create",
                 after={"user_id": user.id, "name": name, "role": role, "division": division})
    return user


def disable(session: Session, user: UserRow, by: Actor) -> None:
    """The user can no longer sign in; their sessions end (the caller commits)."""
    user.disabled_at = utc_now()
    session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user.id))
    audit.record(session, actor=by.name, role=by.role, action="user:disable", after={"user_id": user.id, "name": user.name})


UNKNOWN_NAME = "(unknown name)"


def find(session: Session, name: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(UserRow.name == name))


def authenticate(session: Session, name: str, password: str, *, max_failures: int, lock_minutes: int) -> SignIn:
    """Check a password (the caller commits: failures and the lock are recorded). A locked account is
    refused even with the right password, until the lock passes; `max_failures` wrong passwords in a
    row lock it for `lock_minutes`."""
    user = find(session, name)
    if user is None or user.disabled_at is not None:
        _verify(dummy_hash(), password)
        # A name that is no user's is not written down: people type their password into the name field,
        # and the audit log is read by supervisors. A disabled user's name is known, so it is recorded.
        audit.record(session, actor=UNKNOWN_NAME if user is None else user.name, role="" if user is None else user.role,
                     action="signin:failed", after={"reason": "unknown name" if user is None else "disabled"})
        return SignIn(None)
    now = utc_now()
    if user.locked_until is not None and now < user.locked_until:
        _verify(dummy_hash(), password)  # as long as any other refusal: the time does not tell it is locked
        audit.record(session, actor=user.name, role=user.role, action="signin:failed",
                     after={"user_id": user.id, "reason": "locked"})
        return SignIn(None, locked_until=user.locked_until)
    if not _verify(user.password_hash, password):
        return _failed(session, user, now, max_failures, lock_minutes)
    if HASHER.check_needs_rehash(user.password_hash):  # the parameters were raised since it was hashed
        user.password_hash = HASHER.hash(password)
    user.failed_attempts, user.locked_until = 0, None
    audit.record(session, actor=user.name, role=user.role, action="signin", after={"user_id": user.id})
    return SignIn(user)


def _failed(session: Session, user: UserRow, now: dt.datetime, max_failures: int, lock_minutes: int) -> SignIn:
    # A lock that has passed starts a fresh count.
    user.failed_attempts = (0 if user.locked_until is not None else user.failed_attempts) + 1
    user.locked_until = None
    audit.record(session, actor=user.name, role=user.role, action="signin:failed",
                 after={"user_id": user.id, "reason": "wrong password", "failures": user.failed_attempts})
    if user.failed_attempts < max_failures:
        return SignIn(None)
    user.locked_until = now + dt.timedelta(minutes=lock_minutes)
    audit.record(session, actor=user.name, role=user.role, action="signin:locked",
                 after={"user_id": user.id, "until": user.locked_until.isoformat(timespec="seconds")})
    return SignIn(None, locked_until=user.locked_until)


def _verify(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def view(user: UserRow) -> dict[str, Any]:
    """A user as the list shows them (never the hash)."""
    return {"id": user.id, "name": user.name, "role": user.role, "division": user.division,
            "created_at": user.created_at.isoformat(),
            "disabled_at": user.disabled_at.isoformat() if user.disabled_at else None,
            "locked_until": user.locked_until.isoformat() if user.locked_until else None}
