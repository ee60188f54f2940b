"""/docs (api/docs.py) without a browser: FastAPI writes an OpenAPI 3.1 document, which only Swagger UI 5
renders (4.x shows "Unable to render this definition"), so the bundle served from here must be 5.x; the
page's files come from this origin with the media types a browser needs under `nosniff`, and the page's
policy allows its one inline start-up script by the hash of exactly that script.

What the browser does with them was checked in Chromium when the files changed (all operations rendered,
no console message, no CSP violation); do it again if a new fastapi-offline brings another major version."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service.conftest import Api


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'docs.db'}"  # /docs reads no data: one database kind is enough


def _policy(answer: object) -> dict[str, str]:
    text = answer.headers["content-security-policy"]  # type: ignore[attr-defined]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in text.split(";") if part.strip())


def test_docs_serve_swagger_ui_5_for_the_openapi_3_1_document(api: Api) -> None:
    assert api.client.get("/openapi.json").json()["openapi"].startswith("3.1.")
    page = api.client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text

    scripts = re.findall(r'<script src="([^"]+)"', html)
    styles = re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', html)
    icons = re.findall(r'<link[^>]*rel="shortcut icon"[^>]*href="([^"]+)"', html)
    assert scripts == ["/docs-assets/swagger-ui-bundle.js"] and styles == ["/docs-assets/swagger-ui.css"]
    assert len(icons) == 1 and icons[0].startswith("/docs-assets/")
    assert not re.search(r'(?:src|href)="(?!/)', html)  # nothing from another origin

    media = {scripts[0]: ("text/javascript", "application/javascript"), styles[0]: ("text/css",),
             icons[0]: ("image/png",)}
    bodies = {}
    for url, types in media.items():
        answer = api.client.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["content-type"].split(";")[0] in types, (url, answer.headers["content-type"])
        assert answer.headers["x-content-type-options"] == "nosniff"
        bodies[url] = answer.content

    version = re.search(rb'PACKAGE_VERSION:"(\d+)\.(\d+)\.(\d+)"', bodies[scripts[0]])
    assert version, "no Swagger UI version in the bundle"
    assert int(version.group(1)) == 5, version.group(0)
    assert len(bodies[styles[0]]) > 100_000 and b".swagger-ui" in bodies[styles[0]]

    inline = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert len(inline) == 1 and "SwaggerUIBundle(" in inline[0] and "'/openapi.json'" in inline[0]
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    policy = _policy(page)
    assert policy["script-src"].split() == ["'self'", f"'sha256-{digest}'"]
    assert "'unsafe-eval'" not in page.headers["content-security-policy"]
