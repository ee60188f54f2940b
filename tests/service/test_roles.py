"""Every endpoint is authorised by role, and each role is checked against every endpoint."""

from __future__ import annotations

import re
from typing import Any

import pytest

from api.access.roles import PERMISSIONS, Role
from api.routes import MODULES
from tests.service.conftest import Api, sample_documents

PUBLIC = {("GET", "/healthz"), ("GET", "/v1/version")}


def endpoints() -> list[tuple[str, str, str | None]]:
    """(method, path, action) of every route, read from the routers and their dependencies."""
    out = []
    for module in MODULES:
        for route in module.router.routes:
            actions = [getattr(d.call, "action", None) for d in route.dependant.dependencies]
            action = next((a for a in actions if a), None)
            for method in sorted(route.methods):
                out.append((method, route.path, action))
    return out


def _call(api: Api, role: str | None, method: str, path: str) -> Any:
    url = re.sub(r"\{[a-z_]+\}", "1", path).replace("/stores/1", "/stores/proactive")
    headers = {"Authorization": f"Bearer {api.tokens[role]}"} if role else {}
    kwargs: dict[str, Any] = {"headers": headers}
    if method == "POST":
        kwargs["json"] = {}
    return api.client.request(method, url, **kwargs)


def test_every_endpoint_names_an_action_or_is_public() -> None:
    for method, path, action in endpoints():
        assert action in PERMISSIONS or (method, path) in PUBLIC, (method, path)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_is_allowed_exactly_what_the_table_says(api: Api, role: str) -> None:
    api.push(sample_documents()[0])  # item 1 exists, so allowed reads answer 200
    for method, path, action in endpoints():
        if action is None:
            continue
        status = _call(api, role, method, path).status_code
        if role in PERMISSIONS[action]:
            assert status not in (401, 403), (role, method, path, status)
        else:
            assert status == 403, (role, method, path, status)


def test_no_token_or_a_wrong_or_revoked_one_is_401(api: Api) -> None:
    for method, path, action in endpoints():
        if action is None:
            assert _call(api, None, method, path).status_code == 200
            continue
        assert _call(api, None, method, path).status_code == 401, path
    r = api.client.get("/v1/whoami", headers={"Authorization": "Bearer gk_not-a-token"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    issued = api.as_("admin").post("/v1/tokens", json={"name": "临时", "role": "office"}).json()
    assert api.client.get("/v1/whoami", headers={"Authorization": f"Bearer {issued['token']}"}).status_code == 200
    api.as_("admin").delete(f"/v1/tokens/{issued['id']}")
    assert api.client.get("/v1/whoami", headers={"Authorization": f"Bearer {issued['token']}"}).status_code == 401


def test_the_policy_itself(api: Api) -> None:
    """What the disclosure office expects of the table, stated plainly."""
    assert PERMISSIONS["push"] == {Role.DOCUMENT_SYSTEM}
    assert PERMISSIONS["secrecy_review"] == {Role.SECRECY_REVIEWER}
    assert PERMISSIONS["disclosure_review"] == {Role.DISCLOSURE_REVIEWER}
    assert PERMISSIONS["manage_tokens"] == {Role.ADMIN}
    assert Role.DOCUMENT_SYSTEM not in PERMISSIONS["list_items"]  # the document system sees only what it pushed


def test_tokens_are_stored_hashed(api: Api) -> None:
    from sqlalchemy import select

    from models.tables import TokenRow

    with api.client.app.state.sessions() as session:  # type: ignore[attr-defined]
        stored = set(session.scalars(select(TokenRow.token_hash)))
    assert not stored & set(api.tokens.values())
    assert all(len(h) == 64 for h in stored)


def test_a_clerk_with_a_division_enters_only_for_it(api: Api) -> None:
    issued = api.as_("admin").post("/v1/tokens", json={"name": "法规处信息员", "role": "clerk", "division": "法规处"}).json()
    headers = {"Authorization": f"Bearer {issued['token']}"}
    other = api.client.post("/v1/entries", json={"title": "工作动态", "division": "财务处"}, headers=headers)
    assert other.status_code == 403 and "法规处" in other.json()["detail"]
    own = api.client.post("/v1/entries", json={"title": "法规处工作动态", "body": "本月……"}, headers=headers)
    assert own.status_code == 201 and own.json()["division"] == "法规处"


def test_secret_bodies_are_shown_only_to_cleared_roles(api: Api) -> None:
    doc = {**sample_documents()[0], "id": "secret-1", "secrecy_marking": "机密★10年"}
    pushed = api.push(doc).json()
    assert pushed["restricted"] is True and pushed["suggestion"] is None  # the document system is not cleared
    # A clerk reads its own division's items (or, without a division, its own entries): not this one at all.
    assert api.as_("clerk").get(f"/v1/items/{pushed['id']}").status_code == 404
    assert api.as_("clerk").get("/v1/items").json()["total"] == 0
    for role in ("office", "supervisor"):
        seen = api.as_(role).get(f"/v1/items/{pushed['id']}").json()
        assert seen["restricted"] is True and seen["title"] is None and seen["suggestion"] is None
        assert all("document" not in v for v in seen["versions"]) and seen["status"] == "secrecy_review"
        listed = api.as_(role).get("/v1/items").json()["items"]
        assert [(i["id"], i["title"]) for i in listed] == [(pushed["id"], None)]
    for role in ("secrecy_reviewer", "disclosure_reviewer"):
        seen = api.as_(role).get(f"/v1/items/{pushed['id']}").json()
        assert seen["restricted"] is False and seen["versions"][0]["document"]["body"] == doc["body"]
