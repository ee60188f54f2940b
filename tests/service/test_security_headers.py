"""Security headers (api/headers.py) on every answer: every route of the OpenAPI document, with and
without a token, the errors (401, 404, 405, 413, 422, 500), /docs, its static files and the HTML
reports, whose pages still work under their policy (their inline style allowed by hash only)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.headers import STRICT_POLICY, inline_hashes
from api.settings import Settings
from tests.service.conftest import Api, push_item, review_item

ALWAYS = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "no-referrer"}
MAX_BODY = 64 * 1024


@pytest.fixture
def settings(database_url: str, model_dir: Path) -> Settings:
    return Settings(database_url=database_url, model=model_dir, agency_code="11010000", max_body_bytes=MAX_BODY)


def _policy(answer: Any) -> dict[str, str]:
    text = answer.headers["content-security-policy"]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in text.split(";") if part.strip())


def _check(answer: Any, *, cached: bool = False) -> dict[str, str]:
    where = f"{answer.request.method} {answer.request.url.path} → {answer.status_code}"
    for name, value in ALWAYS.items():
        assert answer.headers.get(name) == value, (where, name, answer.headers.get(name))
    policy = _policy(answer)
    assert policy.get("frame-ancestors") == "'none'" and "default-src" in policy, (where, policy)
    assert "'unsafe-eval'" not in answer.headers["content-security-policy"], where
    if not cached:
        assert answer.headers.get("cache-control") == "no-store", (where, answer.headers.get("cache-control"))
    if answer.headers.get("content-type", "").startswith(("application/json", "application/problem+json")):
        assert answer.headers["content-security-policy"] == STRICT_POLICY, where
    return policy


def test_every_route_of_the_openapi_document(api: Api) -> None:
    paths = api.client.app.openapi()["paths"]  # type: ignore[attr-defined]
    assert len(paths) > 20
    admin = {"Authorization": f"Bearer {api.tokens['admin']}"}
    for template, operations in paths.items():
        url = re.sub(r"\{[^}]+\}", "1", template)
        for method in operations:
            if (method, template) == ("delete", "/v1/tokens/{token_id}"):
                continue  # would revoke token 1; checked below on a token made for it
            body = {"json": {}} if method in ("post", "put", "patch") else {}
            _check(api.client.request(method.upper(), url, headers=admin, **body))
            _check(api.client.request(method.upper(), url, **body))  # no token: 401 (or public)
    made = api.as_("admin").post("/v1/tokens", json={"name": "临时", "role": "clerk"}).json()
    _check(api.as_("admin").delete(f"/v1/tokens/{made['id']}"))


def test_errors_carry_the_headers(api: Api) -> None:
    pushed = api.push({"id": "h-1", "title": "关于某事的通知", "body": "正文"})
    assert pushed.status_code == 201 and _check(pushed)  # the push hot path
    checks = {
        401: api.client.get("/v1/items"),
        403: api.as_("clerk").get("/v1/audit"),
        404: api.as_("admin").get("/v1/items/999999"),
        405: api.as_("admin").put("/v1/items"),
        413: api.push({"id": "big", "body": "x" * (MAX_BODY + 1)}),
        422: api.as_("admin").get("/v1/items", params={"offset": -1}),
    }
    for status, answer in checks.items():
        assert answer.status_code == status, (status, answer.text[:200])
        _check(answer)
    assert _check(api.client.get("/no/such/path"))
    # A crash: the 500 is answered by Starlette's outermost error middleware, outside the app's own.
    app = api.client.app

    def boom() -> None:
        raise RuntimeError("boom")

    app.router.add_api_route("/boom-for-test", boom)  # type: ignore[attr-defined]
    with TestClient(app, raise_server_exceptions=False) as client:
        crash = client.get("/boom-for-test")
    assert crash.status_code == 500 and _check(crash)


def test_docs_work_under_their_own_policy(api: Api) -> None:
    page = api.client.get("/docs")
    policy = _check(page)
    html = page.text
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert len(scripts) == 1 and inline_hashes(html, "script")[0] in policy["script-src"]
    assert policy["script-src"].startswith("'self'") and "'unsafe-inline'" not in policy["script-src"]
    assert policy["connect-src"] == "'self'" and "data:" in policy["img-src"]
    for asset in re.findall(r'(?:src|href)="(/[^"]+)"', html):  # the bundle, its CSS, the icon: from here
        answer = api.client.get(asset)
        assert answer.status_code == 200, asset
        _check(answer, cached=True)
        assert "no-store" not in answer.headers.get("cache-control", "")
    _check(api.client.get("/openapi.json"))


def test_report_pages_allow_their_own_style_by_hash_only(api: Api) -> None:
    item = push_item(api, 0, "法规处", "2026-11-02")
    review_item(api, item, {"secrecy": "none"}, {})
    for kind, role in (("statistics", "office"), ("accuracy", "rule_author"), ("supervision", "supervisor")):
        page = api.as_(role).get(f"/v1/reports/{kind}", params={"format": "html"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        policy = _check(page)
        html = page.text
        assert policy["default-src"] == "'none'" and "script-src" not in policy
        assert policy["style-src"].split() == inline_hashes(html, "style") and len(inline_hashes(html, "style")) == 1
        # Nothing the policy would block: no style attribute, no script, nothing fetched.
        assert not re.search(r"<[^>]+\sstyle=", html), re.search(r"<[^>]+\sstyle=[^>]*>", html)
        assert "<script" not in html and not re.search(r'\s(src|href)="(?!#)', html)
        if kind == "statistics":
            assert html.count("<svg") >= 1 and re.search(r"#chart-1 \{ width: \d+px; \}", html)
