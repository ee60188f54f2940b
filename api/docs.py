"""API documentation served from the installed Swagger UI files, not a CDN: an agency's intranet
usually cannot reach one, and /docs should work where the service runs.

The files are Swagger UI 5 (FastAPI's OpenAPI 3.1 document needs 5.x: 4.x shows only "Unable to render
this definition"), as shipped in the static/ folder of the fastapi-offline package. Only that folder is
used: its Python code is never imported (find_spec locates a package without running it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.headers import page_policy

ASSETS = "/docs-assets"


def swagger_ui_path() -> Path:
    """The folder of swagger-ui-bundle.js, swagger-ui.css and favicon.png in the installed fastapi-offline."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("fastapi-offline is not installed: /docs needs its Swagger UI files")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def docs_policy(page: str) -> str:
    """/docs' looser Content-Security-Policy (api/headers.py has the strict default): the Swagger UI files
    from this origin, its one inline start-up script by hash, the OpenAPI document fetched from here,
    and what Swagger UI itself needs: inline style attributes (React sets them) and data: images (its
    CSS icons). Nothing from another origin; its bundle's eval-like calls (Function("return this"))
    are fallbacks a current browser never reaches, so no 'unsafe-eval'."""
    return page_policy(page, default_src="'self'", script_src="'self'", style_src="'self' 'unsafe-inline'",
                       img_src="'self' data:", connect_src="'self'", object_src="'none'")


async def _docs(request: Request) -> HTMLResponse:
    app = request.app
    page = get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} — API",
                               swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                               swagger_css_url=f"{ASSETS}/swagger-ui.css",
                               swagger_favicon_url=f"{ASSETS}/favicon.png")
    page.headers["Content-Security-Policy"] = docs_policy(bytes(page.body).decode())
    return page


def install(app: FastAPI) -> None:
    """The endpoint is one module-level function reading request.app, not a closure per app: FastAPI
    caches facts about every endpoint it has seen in module-level caches, so a closure over the app
    would keep every app ever made alive (the tests make hundreds)."""
    app.mount(ASSETS, StaticFiles(directory=swagger_ui_path()), name="docs-assets")
    app.add_api_route("/docs", _docs, methods=["GET"], include_in_schema=False)
