"""The administrator's pages (issue 16): users made and disabled, tokens issued (shown once), revoked and
rotated through the same use cases as the command and the API, each audited in the administrator's name;
Chinese field errors that create nothing; no one else may use them."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.access import sessions
from models.tables import AuditEventRow, TokenRow, UserRow
from tests.service.conftest import Api
from tests.service.pages import PASSWORD, sign_in_on

NEW_PASSWORD = "新用户-password-2026"


def _new_user(csrf: str, name: str = "新信息员", **changes: str) -> dict[str, str]:
    return {"csrf": csrf, "name": name, "role": "clerk", "division": "法规处", "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD, **changes}


def _count(app: Any, table: Any) -> int:
    with app.state.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(table)))


def _actions(app: Any, actor: str) -> list[str]:
    with app.state.sessions() as session:
        return list(session.scalars(select(AuditEventRow.action).where(AuditEventRow.actor == actor)
                                    .order_by(AuditEventRow.seq)))


def test_an_admin_creates_a_user_who_signs_in_then_disables_them(api: Api, app: Any) -> None:
    csrf = sign_in_on(api.client, app, "管理员", "admin")
    page = api.client.get("/admin")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "管理员" in page.text and "系统管理员" in page.text and "$argon2" not in page.text
    made = api.client.post("/admin/users", data=_new_user(csrf), follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith("/admin?notice=user_created")
    listing = api.client.get(made.headers["location"]).text
    assert "已创建用户“新信息员”" in listing and "处室信息员" in listing and "法规处" in listing and "从未登录" in listing

    # The new user signs in in another browser, and is signed out the moment they are disabled.
    with TestClient(app) as other:
        assert other.post("/signin", data={"name": "新信息员", "password": NEW_PASSWORD},
                          follow_redirects=False).status_code == 303
        assert other.get("/v1/whoami").json() == {"name": "新信息员", "role": "clerk", "division": "法规处"}
        assert "从未登录" not in api.client.get("/admin").text.split("新信息员")[1].split("</tr>")[0]
        with app.state.sessions() as session:
            user_id = session.scalar(select(UserRow.id).where(UserRow.name == "新信息员"))
        assert api.client.post(f"/admin/users/{user_id}/disable", data={}).status_code == 403  # no CSRF token
        off = api.client.post(f"/admin/users/{user_id}/disable", data={"csrf": csrf}, follow_redirects=False)
        assert off.status_code == 303
        assert "已停用用户“新信息员”" in api.client.get(off.headers["location"]).text
        assert other.get("/v1/whoami").status_code == 401
        assert other.get("/items", follow_redirects=False).headers["location"].startswith("/signin")
        refused = other.post("/signin", data={"name": "新信息员", "password": NEW_PASSWORD}, follow_redirects=False)
        assert refused.status_code == 401
    assert _actions(app, "管理员")[-2:] == ["user:create", "user:disable"]
    # One's own account is not offered, and not disabled if asked.
    with app.state.sessions() as session:
        me = session.scalar(select(UserRow.id).where(UserRow.name == "管理员"))
    assert api.client.post(f"/admin/users/{me}/disable", data={"csrf": csrf}).status_code == 409


def test_form_errors_are_chinese_and_create_no_one(api: Api, app: Any) -> None:
    csrf = sign_in_on(api.client, app, "管理员乙", "admin")
    assert api.client.post("/admin/users", data=_new_user(csrf, "已有")).status_code == 200  # followed to /admin
    before = _count(app, UserRow)
    cases = [
        (_new_user(csrf, password2="另一个密码-2026"), "两次输入的密码不一致"),
        (_new_user(csrf, password="短", password2="短"), f"密码至少 {8} 个字符"),
        (_new_user(csrf, "已有"), "用户名“已有”已被使用"),
        (_new_user(csrf, " "), "请填写用户名"),
        (_new_user(csrf, role="nobody"), "请选择角色"),
    ]
    for data, expected in cases:
        page = api.client.post("/admin/users", data=data)
        assert page.status_code == 422 and expected in page.text, expected
        assert 'aria-invalid="true"' in page.text and NEW_PASSWORD not in page.text and 'value="短"' not in page.text
    assert _count(app, UserRow) == before
    bad_days = api.client.post("/admin/tokens", data={"csrf": csrf, "name": "系统", "role": "office", "days": "0"})
    assert bad_days.status_code == 422 and "有效天数应为 1 到 3650" in bad_days.text


def test_a_token_is_shown_once_works_and_stops_when_revoked(api: Api, app: Any) -> None:
    csrf = sign_in_on(api.client, app, "管理员丙", "admin")
    tokens_before = _count(app, TokenRow)
    issued = api.client.post("/admin/tokens", data={"csrf": csrf, "name": "公文系统", "role": "document_system",
                                                    "division": "", "days": "30"})
    assert issued.status_code == 200 and issued.headers["cache-control"] == "no-store"
    assert "只显示这一次" in issued.text
    found = re.search(r'id="token" class="token" value="(gk_[^"]+)"', issued.text)
    assert found is not None
    token = found.group(1)
    assert _count(app, TokenRow) == tokens_before + 1
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/v1/whoami", headers=bearer).json()["name"] == "公文系统"
    listing = api.client.get("/admin").text
    assert "公文系统" in listing and token not in listing and "有效" in listing
    with app.state.sessions() as session:
        row = session.scalars(select(TokenRow).where(TokenRow.name == "公文系统")).one()
        assert row.token_hash not in listing

    rotated = api.client.post(f"/admin/tokens/{row.id}/rotate", data={"csrf": csrf})
    assert rotated.status_code == 200 and "令牌已轮换" in rotated.text
    new = re.search(r'value="(gk_[^"]+)"', rotated.text)
    assert new is not None and new.group(1) != token
    assert api.client.get("/v1/whoami", headers=bearer).status_code == 401  # the old one, at once
    bearer = {"Authorization": f"Bearer {new.group(1)}"}
    assert api.client.get("/v1/whoami", headers=bearer).status_code == 200
    with app.state.sessions() as session:
        new_id = session.scalars(select(TokenRow.id).where(TokenRow.name == "公文系统", TokenRow.revoked_at.is_(None))).one()
    revoked = api.client.post(f"/admin/tokens/{new_id}/revoke", data={"csrf": csrf}, follow_redirects=False)
    assert revoked.status_code == 303
    assert "已撤销令牌“公文系统”" in api.client.get(revoked.headers["location"]).text
    assert api.client.get("/v1/whoami", headers=bearer).status_code == 401
    assert api.client.post(f"/admin/tokens/{new_id}/rotate", data={"csrf": csrf}).status_code == 409
    assert api.client.post("/admin/tokens/999999/revoke", data={"csrf": csrf}).status_code == 404
    assert _actions(app, "管理员丙")[-3:] == ["token:issue", "token:rotate", "token:revoke"]


def test_no_one_but_an_admin_may_use_the_pages(api: Api, app: Any) -> None:
    for role in ("office", "supervisor", "rule_author", "clerk"):
        csrf = sign_in_on(api.client, app, f"非管理员-{role}", role)
        assert api.client.get("/admin").status_code == 403
        refused = api.client.post("/admin/users", data=_new_user(csrf, f"x-{role}"))
        assert refused.status_code == 403 and "无权" in refused.text
        assert api.client.post("/admin/tokens", data={"csrf": csrf, "name": "x", "role": "admin"}).status_code == 403
    api.client.cookies.clear()
    assert api.client.get("/admin", follow_redirects=False).headers["location"] == "/signin?next=%2Fadmin"
    assert sessions.COOKIE not in api.client.cookies and PASSWORD
