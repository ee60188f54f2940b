"""The answers of access (tokens, the audit log, who am I): api/access/tokens.py and the admin routes
build them (api/responses.py says how answers are declared)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from api.access.roles import Role
from api.responses import Out, Timestamp


class TokenOut(Out):
    """A token as listed: never its value."""

    id: int
    name: str
    role: Role
    division: str | None
    created_by: str
    created_at: Timestamp
    expires_at: Timestamp | None = Field(description="null: issued before tokens expired (rotate it)")
    revoked_at: Timestamp | None
    status: Literal["active", "expired", "revoked", "no expiry: rotate"]


class IssuedTokenOut(TokenOut):
    token: str = Field(description="the token itself: shown this once, only its hash is kept")


class RotatedTokenOut(IssuedTokenOut):
    replaces: TokenOut = Field(description="the token it replaces, now revoked")


class TokenListOut(Out):
    tokens: list[TokenOut]


class AuditEventOut(Out):
    seq: int
    at: Timestamp
    actor: str
    # The log is kept for good: a role is shown as it was recorded, whatever the roles are today.
    role: str
    action: str = Field(description="e.g. closure:created, secrecy_review, token:issue, rules:activate")
    item_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    redacted: bool = Field(description="the item's content words (reasons, title, hash) are left out: "
                                       "the caller may not read the item")
    hash: str


class AuditOut(Out):
    events: list[AuditEventOut]
    cursor: int = Field(description="`after` for the next page")


class AuditCheckOut(Out):
    events: int
    intact: bool
    broken_at: int | None = Field(description="seq of the first event whose link, hash or MAC does not hold")
    problem: str | None


class WhoamiOut(Out):
    name: str
    role: Role
    division: str | None
