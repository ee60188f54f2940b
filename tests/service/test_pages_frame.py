"""The pages' shared frame without a browser: refusals as pages, the way back after sign-in, the assets."""

from __future__ import annotations

from api.pages.layout import NAV, safe_next
from api.access.roles import PERMISSIONS


def test_every_menu_entry_names_an_action_the_permissions_know() -> None:
    assert {link.action for link in NAV} <= set(PERMISSIONS)


def test_after_sign_in_only_a_path_of_this_site_is_followed() -> None:
    assert safe_next("/items?status=x") == "/items?status=x"
    for hostile in ("//evil.example/x", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "", None,
                    "/x\nSet-Cookie: a=b"):
        assert safe_next(hostile) == "/", hostile


def test_assets_are_served_with_a_long_cache_and_nothing_else_is(api) -> None:  # type: ignore[no-untyped-def]
    css = api.client.get("/assets/pages.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "immutable" in css.headers["cache-control"]
    for name in ("../settings.py", "pages.css.bak", "%2e%2e%2fapp.py", "base.html.j2"):
        assert api.client.get(f"/assets/{name}").status_code == 404, name


def test_a_form_too_large_gets_a_page_in_chinese_and_the_api_keeps_its_json(api, settings) -> None:  # type: ignore[no-untyped-def]
    big = "x" * (settings.max_body_bytes + 1)
    page = api.client.post("/entry", content=f"body={big}", headers={
        "content-type": "application/x-www-form-urlencoded", "accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    assert "内容过大" in page.text and '<html lang="zh-CN">' in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]  # the strict policy: nothing runs
    pushed = api.push({"id": "big", "body": big})
    assert pushed.status_code == 413 and pushed.headers["content-type"] == "application/problem+json"


