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
