"""The shared frame of the pages in a real browser: sign-in through the form, the menu per role, the policy."""

from __future__ import annotations

from typing import Any, Callable

from tests.browser.helpers import axe_violations, screenshot


def test_each_role_signs_in_and_sees_only_its_own_menu(sign_in: Callable[..., Any]) -> None:
    expected = {
        "clerk": {"手工录入", "文件", "依申请公开办理"},
        "secrecy_reviewer": {"文件", "保密审核", "四库"},
        "office": {"文件", "四库", "网站发布预览", "逾期督办", "统计报表", "规则"},
        "rule_author": {"规则"},
        "admin": {"用户与令牌"},
    }
    for role, needed in expected.items():
        watched = sign_in(role, f"home-{role}", division="法规处" if role == "clerk" else None, bypass_csp=True)
        page = watched.page
        menu = set(page.locator("nav.menu a").all_inner_texts())
        assert needed <= menu, (role, menu)
        if role == "clerk":  # a clerk is offered no review, store, rule or user page (applications: its division's)
            assert menu == {"手工录入", "文件", "依申请公开办理"}
        if role == "rule_author":
            assert "用户与令牌" not in menu and "保密审核" not in menu
        assert page.locator("h1").inner_text().startswith("您好")
        assert axe_violations(page) == [], role
        screenshot(page, f"home-{role}")


def test_the_frame_loads_its_own_assets_under_its_policy(sign_in: Callable[..., Any]) -> None:
    watched = sign_in("office", "home-policy")
    page = watched.page
    assert page.evaluate("getComputedStyle(document.querySelector('header.site')).backgroundColor") == "rgb(139, 26, 26)"
    assert watched.csp_violations() == [] and watched.console_errors == [] and watched.page_errors == []
    # signing out ends the session: the home page sends the person back to sign in
    with page.expect_navigation():
        page.click("header.site button")
    assert page.url.endswith("/signin")
    page.goto("/")
    assert page.url.endswith("/signin")
