"""Tokens expire and rotate (api/access/tokens.py): an expired token gets its own 401, the 5-second cache
does not keep it alive, rotation revokes the old token and issues a new one (API and CLI), tokens
issued before expiry existed keep working and are listed as "no expiry: rotate"."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from api.context import Actor
from api.deps import TokenCache
from api.settings import Settings
from models.base import utc_now
from models.tables import AuditEventRow, TokenRow
from tests.service.conftest import Api

DAY = dt.timedelta(days=1)


def _whoami(api: Api, token: str) -> Any:
    return api.client.get("/v1/whoami", headers={"Authorization": f"Bearer {token}"})


def _issue(api: Api, **body: Any) -> dict[str, Any]:
    r = api.as_("admin").post("/v1/tokens", json={"name": "王某", "role": "clerk", "division": "法规处", **body})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def test_a_token_expires_after_its_days_with_its_own_message(api: Api) -> None:
    default = _issue(api)
    short = _issue(api, name="李某", days=2)
    issued = dt.datetime.fromisoformat(default["created_at"])
    assert dt.datetime.fromisoformat(default["expires_at"]) - issued == 180 * DAY  # GONGKAI_TOKEN_DAYS
    assert dt.datetime.fromisoformat(short["expires_at"]) - dt.datetime.fromisoformat(short["created_at"]) == 2 * DAY
    assert _whoami(api, short["token"]).status_code == 200  # now cached for 5 seconds
    with time_machine.travel(issued + 2 * DAY + dt.timedelta(seconds=1), tick=False):
        expired = _whoami(api, short["token"])
        assert expired.status_code == 401
        assert expired.json()["detail"].startswith("expired token: it expired at ")
        assert "rotate" in expired.json()["detail"]
        assert _whoami(api, default["token"]).status_code == 200
        listed = {t["id"]: t for t in api.as_("admin").get("/v1/tokens").json()["tokens"]}
        assert (listed[short["id"]]["status"], listed[default["id"]]["status"]) == ("expired", "active")
    with time_machine.travel(issued + 180 * DAY + dt.timedelta(seconds=1), tick=False):
        assert _whoami(api, default["token"]).status_code == 401
    assert _whoami(api, "gk_not-a-token").json()["detail"] == "unknown or revoked token"


def test_the_cache_does_not_keep_an_expired_token_alive() -> None:
    cache = TokenCache()
    actor = Actor("王某", "clerk")
    now = utc_now()
    with time_machine.travel(now, tick=False) as clock:
        cache.put("t", actor, now + dt.timedelta(seconds=2))
        cache.put("old", actor, None)  # issued before expiry existed
        assert cache.get("t") == actor
        clock.shift(dt.timedelta(seconds=3))  # within the cache's 5 seconds, past the token's expiry
        assert cache.get("t") is None and cache.get("old") == actor


@pytest.mark.slow  # CLI processes
def test_rotation_revokes_the_old_token_and_issues_a_new_one(api: Api, database_url: str) -> None:
    first = _issue(api)
    assert _whoami(api, first["token"]).status_code == 200
    r = api.as_("admin").post(f"/v1/tokens/{first['id']}/rotate", json={"days": 30})
    assert r.status_code == 201, r.text
    second = r.json()
    assert (second["name"], second["role"], second["division"]) == ("王某", "clerk", "法规处")
    assert second["replaces"]["id"] == first["id"] and second["replaces"]["status"] == "revoked"
    assert dt.datetime.fromisoformat(second["expires_at"]) - dt.datetime.fromisoformat(second["created_at"]) == 30 * DAY
    old = _whoami(api, first["token"])
    assert old.status_code == 401 and old.json()["detail"] == "unknown or revoked token"  # at once, cache or not
    assert _whoami(api, second["token"]).json() == {"name": "王某", "role": "clerk", "division": "法规处"}
    again = api.as_("admin").post(f"/v1/tokens/{first['id']}/rotate")
    assert again.status_code == 409 and "revoked" in again.json()["detail"]
    assert api.as_("clerk").post(f"/v1/tokens/{second['id']}/rotate").status_code == 403
    assert api.as_("admin").post("/v1/tokens/99999/rotate").status_code == 404

    # The command: the same, printing the new token once.
    env = {**os.environ, "GONGKAI_DATABASE_URL": database_url}
    out = subprocess.run([sys.executable, "-m", "api.cli", "token", "rotate", str(second["id"]), "--days", "7"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    third = out.stdout.strip()
    assert third.startswith("gk_") and f"replaces token {second['id']}" in out.stderr
    assert _whoami(api, third).json()["name"] == "王某"
    api.client.app.state.tokens.clear()  # type: ignore[attr-defined]  (another process: within 5 seconds)
    assert _whoami(api, second["token"]).status_code == 401
    listed = subprocess.run([sys.executable, "-m", "api.cli", "token", "list"], capture_output=True, text=True,
                            env=env, timeout=120)
    rows = {row["id"]: row for row in map(json.loads, listed.stdout.splitlines())}
    assert [rows[t]["status"] for t in (first["id"], second["id"])] == ["revoked", "revoked"]
    newest = max(rows)
    assert rows[newest]["status"] == "active" and rows[newest]["expires_at"]

    with api.client.app.state.sessions() as session:  # type: ignore[attr-defined]
        rotations = session.scalars(select(AuditEventRow).where(AuditEventRow.action == "token:rotate")
                                    .order_by(AuditEventRow.seq)).all()
    assert [(e.before["token_id"], e.after["token_id"]) for e in rotations] == [
        (first["id"], second["id"]), (second["id"], newest)]


def test_tokens_from_before_expiry_keep_working_and_are_listed_for_rotation(api: Api) -> None:
    made = _issue(api)
    with api.client.app.state.sessions() as session:  # type: ignore[attr-defined]
        session.get(TokenRow, made["id"]).expires_at = None  # as migration 0004 left it
        session.commit()
    with time_machine.travel(utc_now() + 3650 * DAY, tick=False):
        assert _whoami(api, made["token"]).status_code == 200
    listed = {t["id"]: t for t in api.as_("admin").get("/v1/tokens").json()["tokens"]}
    assert listed[made["id"]]["expires_at"] is None and listed[made["id"]]["status"] == "no expiry: rotate"


@pytest.mark.slow  # CLI processes
def test_days_are_bounded_everywhere(api: Api, database_url: str) -> None:
    for days in (0, 3651, "x"):
        assert api.as_("admin").post("/v1/tokens", json={"name": "a", "role": "clerk", "days": days}).status_code == 422
    env = {**os.environ, "GONGKAI_DATABASE_URL": database_url}
    out = subprocess.run([sys.executable, "-m", "api.cli", "token", "create", "--role", "clerk", "--name", "a",
                          "--days", "0"], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 2 and "1 to 3650" in out.stderr
    assert Settings(database_url=database_url, token_days=30).token_days == 30
    out = subprocess.run([sys.executable, "-m", "api.cli", "token", "create", "--role", "clerk", "--name", "b"],
                         capture_output=True, text=True, env={**env, "GONGKAI_TOKEN_DAYS": "0"}, timeout=120)
    assert out.returncode != 0 and "token_days" in out.stderr.lower()
