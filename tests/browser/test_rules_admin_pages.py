"""The rule author's and the administrator's pages in a real browser: a candidate uploaded with the file
input, its diagnostics, flips and gates, activated with a note and rolled back; a user made, signed in
elsewhere and disabled; a token issued, used and revoked. Each page has no serious axe violation and
leaves a screenshot in tests/browser/artifacts/."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from engine.paths import PROJECT_ROOT
from tests.browser.helpers import axe_violations, screenshot
from tests.server_process import ServerProcess

SUBJECTS = (PROJECT_ROOT / "rules" / "columns" / "subjects.yaml").read_text(encoding="utf-8")
EDITED = SUBJECTS.replace("matches: '建设项目|", "matches: '封闭施工|建设项目|")
BROKEN = "schema: gongkai-rules/1\nrules:\n  - id: [\n"
NOTICE = {"id": "notice-browser", "doc_type": "通告", "title": "关于城区部分道路封闭施工的通告", "date": "2026-10-20",
          "division": "交通科", "body": "因地铁施工需要，自2026年11月1日起封闭人民路部分路段，请过往车辆绕行。特此通告。"}
NEW_PASSWORD = "浏览器新用户-2026-口令"


@pytest.fixture(scope="module")
def routed(live_server: ServerProcess, token: Callable[..., str]) -> int:
    """A routed notice whose column the edited rule would change (the backtest's flip)."""
    with live_server.client(token("document_system", "ds-rules")) as http:
        answer = http.post("/v1/closures", json=NOTICE)
        assert answer.status_code == 201, answer.text
        item = int(answer.json()["id"])
    with live_server.client(token("secrecy_reviewer", "sr-rules")) as s, \
            live_server.client(token("disclosure_reviewer", "dr-rules")) as d:
        assert s.post(f"/v1/items/{item}/secrecy_review", json={"secrecy": "none"}).status_code == 200
        answer = d.post(f"/v1/items/{item}/disclosure_review", json={"category": "proactive", "column": "other"})
        assert answer.status_code == 200, answer.text
    return item


def _checked(page: Any, name: str) -> None:
    assert axe_violations(page) == [], name
    screenshot(page, name)


def _upload(page: Any, directory: str, name: str, text: str) -> None:
    page.goto("/rules")
    page.select_option("#directory", directory)
    page.set_input_files("#files", files=[{"name": name, "mimeType": "application/yaml", "buffer": text.encode()}])
    with page.expect_navigation():
        page.click("form[action='/rules/validate'] button[type=submit]")


def test_a_rule_author_validates_activates_and_rolls_back(sign_in: Callable[..., Any], routed: int) -> None:
    watched = sign_in("rule_author", "浏览器规则编写", bypass_csp=True)
    page = watched.page
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm: activate, roll back
    with page.expect_navigation():
        page.click("nav.menu >> text=规则")
    old = page.locator("dl code").first.inner_text()
    assert page.locator("h1").inner_text() == "规则" and "服务启动" in page.inner_text("main")
    _checked(page, "rules")

    _upload(page, "proactive", "zz_broken.yaml", BROKEN)
    text = page.inner_text("main")
    assert "rules/proactive/zz_broken.yaml:4:1" in text and "R001" in text and "不可启用" in text
    assert page.locator("form[action='/rules/activate']").count() == 0
    _checked(page, "rules-validation-broken")

    _upload(page, "columns", "subjects.yaml", EDITED)
    text = page.inner_text("main")
    assert "可以启用" in text and "关于城区部分道路封闭施工的通告" in text and "重大建设项目" in text and "改错" in text
    assert "通过" in page.inner_text("table[aria-labelledby=gates-heading]")
    _checked(page, "rules-validation")
    page.fill("#note", "封闭施工的通告归重大建设项目")
    with page.expect_navigation():
        page.click("form[action='/rules/activate'] button[type=submit]")
    text = page.inner_text("main")
    assert "已启用规则版本" in text and "封闭施工的通告归重大建设项目" in text
    new = page.locator("dl code").first.inner_text()
    assert new != old
    _checked(page, "rules-activated")

    with page.expect_navigation():
        page.click(f"table >> text={new}")
    assert "columns/subjects.yaml" in page.inner_text("main")
    page.click("summary >> text=columns/subjects.yaml")
    assert "封闭施工|建设项目" in page.inner_text("main")
    _checked(page, "rules-revision")

    page.goto("/rules")
    page.select_option("#rollback-to", page.locator("#rollback-to option", has_text=old).get_attribute("value"))
    page.fill("#rollback-note", "回退：再议")
    with page.expect_navigation():
        page.click("form[action='/rules/rollback'] button[type=submit]")
    assert "已回退到规则版本" in page.inner_text("main") and page.locator("dl code").first.inner_text() == old
    _checked(page, "rules-rolled-back")
    assert watched.csp_violations() == [] and watched.page_errors == []


def test_an_admin_makes_and_disables_a_user_and_issues_and_revokes_a_token(
        sign_in: Callable[..., Any], browser: Any, live_server: ServerProcess) -> None:
    watched = sign_in("admin", "浏览器管理员", bypass_csp=True)
    page = watched.page
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm: disable, revoke
    with page.expect_navigation():
        page.click("nav.menu >> text=用户与令牌")
    _checked(page, "admin")

    page.fill("#user-name", "浏览器新用户")
    page.select_option("#user-role", "office")
    page.fill("#user-password", NEW_PASSWORD)
    page.fill("#user-password2", NEW_PASSWORD + "x")
    with page.expect_navigation():
        page.click("form[action='/admin/users'] button[type=submit]")
    assert "两次输入的密码不一致" in page.inner_text("main")
    _checked(page, "admin-user-errors")
    page.fill("#user-password", NEW_PASSWORD)
    page.fill("#user-password2", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/admin/users'] button[type=submit]")
    assert "已创建用户“浏览器新用户”" in page.inner_text("main")

    other = browser.new_context(base_url=live_server.url, locale="zh-CN")
    try:
        theirs = other.new_page()
        theirs.goto("/signin")
        theirs.fill("#name", "浏览器新用户")
        theirs.fill("#password", NEW_PASSWORD)
        with theirs.expect_navigation():
            theirs.click("button[type=submit]")
        assert "浏览器新用户" in theirs.inner_text("header")
        page.goto("/admin")
        with page.expect_navigation():
            page.click("button[aria-label='停用用户 浏览器新用户']")
        assert "已停用用户“浏览器新用户”" in page.inner_text("main")
        theirs.goto("/items")
        assert "/signin" in theirs.url
    finally:
        other.close()

    page.fill("#token-name", "浏览器公文系统")
    page.select_option("#token-role", "document_system")
    page.fill("#token-days", "30")
    with page.expect_navigation():
        page.click("form[action='/admin/tokens'] button[type=submit]")
    assert "只显示这一次" in page.inner_text("main")
    token = page.input_value("#token")
    _checked(page, "admin-token-issued")
    with live_server.client(token) as http:
        assert http.get("/v1/whoami").json()["name"] == "浏览器公文系统"
        page.goto("/admin")
        assert token not in page.content()
        row = page.locator("tr", has_text="浏览器公文系统")
        with page.expect_navigation():
            row.locator("button", has_text="撤销").click()
        assert "已撤销令牌“浏览器公文系统”" in page.inner_text("main")
        _checked(page, "admin-token-revoked")
        assert http.get("/v1/whoami").status_code == 401
    assert watched.csp_violations() == [] and watched.page_errors == []
