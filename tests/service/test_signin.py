"""Sign-in to the pages (issue 16): users made by `gongkai user create`, argon2 hashes, the lock-out, the
session cookie reaching the API as the same Actor a token gives (roles and visibility unchanged), CSRF on
every state-changing request made with the cookie, sign-out, disabled users."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from api.access import sessions, users
from api.access.roles import Role
from api.access.users import UNKNOWN_NAME
from api.context import Actor
from models.tables import ROLES, AuditEventRow, UserRow
from tests.service.conftest import Api, sample_documents

PASSWORD = "长城-correct-horse-7"
SETUP = Actor("test-setup", "admin")


def _make_user(app: Any, name: str, role: str, division: str | None = None) -> None:
    with app.state.sessions() as session:
        users.create(session, name=name, role=role, division=division, password=PASSWORD, by=SETUP)
        session.commit()


def _sign_in(api: Api, name: str, password: str = PASSWORD) -> Any:
    return api.client.post("/signin", data={"name": name, "password": password}, follow_redirects=False)


def _csrf(api: Api) -> str:
    page = api.client.get("/", follow_redirects=False)
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def _actions(app: Any) -> list[tuple[str, str]]:
    with app.state.sessions() as session:
        return [(e.actor, e.action) for e in session.scalars(select(AuditEventRow).order_by(AuditEventRow.seq))]


def test_the_users_table_knows_every_role() -> None:
    assert ROLES == tuple(role.value for role in Role)


@pytest.mark.slow  # three CLI processes (create, list, disable), each importing the whole service
def test_a_user_made_by_the_command_signs_in_and_out(api: Api, app: Any, database_url: str) -> None:
    env = {**os.environ, "GONGKAI_DATABASE_URL": database_url}
    made = subprocess.run([sys.executable, "-m", "api.cli", "user", "create", "--name", "张三", "--role", "clerk",
                           "--division", "法规处", "--password-stdin"], input=PASSWORD + "\n", capture_output=True,
                          text=True, env=env, timeout=120)
    assert made.returncode == 0, made.stderr
    with app.state.sessions() as session:
        stored = session.scalar(select(UserRow).where(UserRow.name == "张三"))
        assert stored is not None and stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
        # made by the command with the production parameters (the in-process tests use a quicker hasher,
        # tests/service/conftest.py): at least OWASP's floor for argon2id, 19 MiB and 2 passes
        work = re.search(r"\$m=(\d+),t=(\d+),p=\d+\$", stored.password_hash)
        assert work is not None and int(work.group(1)) >= 19 * 1024 and int(work.group(2)) >= 2, stored.password_hash
    form = api.client.get("/signin")
    assert form.status_code == 200 and '<html lang="zh-CN">' in form.text
    for text in ('<label for="name">用户名</label>', '<label for="password">密码</label>', "登录", "autofocus"):
        assert text in form.text
    policy = form.headers["content-security-policy"]  # the pages' own script and stylesheet, nothing inline
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "sha256" not in policy

    signed = _sign_in(api, "张三")
    assert signed.status_code == 303 and signed.headers["location"] == "/"
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.COOKIE}=") and "HttpOnly" in cookie and "Path=/" in cookie
    assert re.search(r"SameSite=strict", cookie, re.I) and "Secure" not in cookie  # plain HTTP, no setting
    home = api.client.get("/", follow_redirects=False)
    assert home.status_code == 200 and "张三" in home.text and "处室信息员" in home.text and "法规处" in home.text
    assert ("cli", "user:create") in _actions(app) and ("张三", "signin") in _actions(app)

    old = api.client.cookies[sessions.COOKIE]
    assert api.client.post("/signout", follow_redirects=False).status_code == 403  # no CSRF token
    out = api.client.post("/signout", data={"csrf": _csrf(api)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/signin"
    api.client.cookies.set(sessions.COOKIE, old)  # the old cookie, kept: the session is gone all the same
    assert api.client.get("/v1/whoami").status_code == 401
    assert api.client.get("/", follow_redirects=False).headers["location"] == "/signin"

    # Disabled: the sessions end and signing in fails like a wrong password.
    assert _sign_in(api, "张三").status_code == 303
    disabled = subprocess.run([sys.executable, "-m", "api.cli", "user", "disable", "张三"], capture_output=True,
                              text=True, env=env, timeout=120)
    assert disabled.returncode == 0, disabled.stderr
    assert api.client.get("/v1/whoami").status_code == 401
    refused = _sign_in(api, "张三")
    assert refused.status_code == 401 and "用户名或密码错误" in refused.text


def test_a_wrong_password_is_refused_in_chinese_and_audited(api: Api, app: Any) -> None:
    _make_user(app, "李四", "office")
    for name in ("李四", "无此人"):
        wrong = _sign_in(api, name, "not-the-password")
        assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text and "set-cookie" not in wrong.headers
    assert ("李四", "signin:failed") in _actions(app) and (UNKNOWN_NAME, "signin:failed") in _actions(app)
    # What was typed as an unknown name is not written down (it is often the password).
    assert not any(actor == "无此人" for actor, _ in _actions(app))


def _error(page: str) -> str:
    found = re.search(r'<p class="error"[^>]*>(.*?)</p>', page, re.S)
    assert found is not None, page[:500]
    return found.group(1)


def test_five_failures_lock_the_account_until_the_time_passes(api: Api, app: Any) -> None:
    _make_user(app, "王五", "office")
    start = dt.datetime.now(dt.timezone.utc)
    with time_machine.travel(start, tick=True):
        for _ in range(4):
            assert "用户名或密码错误" in _sign_in(api, "王五", "wrong-password").text
        locked = _sign_in(api, "王五", "wrong-password")
        with app.state.sessions() as session:
            user = users.find(session, "王五")
            assert user is not None and user.locked_until is not None
            until = user.locked_until.astimezone(dt.timezone(dt.timedelta(hours=8)))
            assert until > start
        # The locked account answers exactly as an unknown name does: no oracle for which names are users'.
        unknown = _sign_in(api, "王五x", "wrong-password")
        assert locked.status_code == unknown.status_code == 401
        assert _error(locked.text) == _error(unknown.text).replace("王五x", "王五") and "锁定 15 分钟" in locked.text
        right = _sign_in(api, "王五")  # the right password, while locked
        assert right.status_code == 401 and _error(right.text) == _error(locked.text)
    assert ("王五", "signin:locked") in _actions(app)
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=True):
        assert _sign_in(api, "王五").status_code == 303


def test_the_cookie_reaches_the_api_with_the_roles_visibility(api: Api, app: Any) -> None:
    docs = sample_documents()
    ours, theirs = (api.push(docs[n]).json()["id"] for n in (0, 1))
    assert docs[0]["division"] != docs[1]["division"]
    _make_user(app, "某处信息员", "clerk", docs[0]["division"])
    assert _sign_in(api, "某处信息员").status_code == 303
    assert api.client.get("/v1/whoami").json()["name"] == "某处信息员"
    listed = api.client.get("/v1/items").json()
    assert [i["id"] for i in listed["items"]] == [ours] and listed["total"] == 1
    assert api.client.get(f"/v1/items/{theirs}").status_code == 404
    assert api.client.get(f"/v1/items/{ours}").status_code == 200
    assert api.client.get("/v1/queues/secrecy_review").status_code == 403  # the clerk's role, as with a token


def test_a_state_change_with_the_cookie_needs_the_csrf_token(api: Api, app: Any) -> None:
    _make_user(app, "管理员甲", "admin")
    assert _sign_in(api, "管理员甲").status_code == 303
    new_token = {"name": "某系统", "role": "document_system"}
    refused = api.client.post("/v1/tokens", json=new_token)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert api.client.post("/v1/tokens", json=new_token, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert api.client.post("/v1/tokens", json=new_token, headers={"X-CSRF-Token": _csrf(api)}).status_code == 201
    # A request with a bearer token is the token's holder, cookie or not, and needs no CSRF token.
    assert api.as_("admin").post("/v1/tokens", json=new_token).status_code == 201
    assert api.as_("clerk").get("/v1/whoami").json()["role"] == "clerk"


def test_the_cookie_is_secure_over_https_and_the_session_ends_when_idle(api: Api, app: Any) -> None:
    _make_user(app, "赵六", "supervisor")
    start = dt.datetime.now(dt.timezone.utc)
    with time_machine.travel(start, tick=True):
        over_https = api.client.post("https://testserver/signin", data={"name": "赵六", "password": PASSWORD},
                                     follow_redirects=False)
        assert over_https.status_code == 303 and "Secure" in over_https.headers["set-cookie"]
        api.client.cookies.clear()
        assert _sign_in(api, "赵六").status_code == 303
        assert api.client.get("/", follow_redirects=False).status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=8, minutes=1), tick=True):
        assert api.client.get("/", follow_redirects=False).headers["location"] == "/signin"
        assert api.client.get("/v1/whoami").status_code == 401


def test_a_sign_in_form_posted_from_another_site_is_refused(api: Api, app: Any) -> None:
    _make_user(app, "钱七", "office")
    r = api.client.post("/signin", data={"name": "钱七", "password": PASSWORD}, follow_redirects=False,
                        headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403 and "set-cookie" not in r.headers
    assert api.client.post("/signin", data={"name": "钱七", "password": PASSWORD}, follow_redirects=False,
                           headers={"Sec-Fetch-Site": "same-origin"}).status_code == 303
