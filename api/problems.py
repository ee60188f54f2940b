"""Errors as RFC 9457 problem details: every refusal says what is wrong and where."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import ServiceError
from api.schemas import Problem

log = logging.getLogger("gongkai.api")
MEDIA = "application/problem+json"
# Every refusal, in the OpenAPI document: any 4xx is a problem+json body (app.py adds this to every route).
RESPONSES: dict[int | str, dict[str, Any]] = {"4XX": {
    "description": "Refused: the problem says what is wrong and where (RFC 9457)",
    "content": {MEDIA: {"schema": Problem.model_json_schema()}}}}


def problem(status: int, title: str, detail: str | None = None, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(jsonable_encoder(body), status_code=status, media_type=MEDIA, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def _error(e: dict[str, Any]) -> dict[str, Any]:
    loc = tuple(e.get("loc", ()))
    if e.get("type") == "json_invalid":  # loc is ("body", character offset): name the body, say where
        at = loc[1] if len(loc) > 1 else "?"
        reason = (e.get("ctx") or {}).get("error") or e.get("msg", "")
        return {"field": "body", "message": f"invalid JSON at character {at}: {reason}", "type": "json_invalid"}
    return {"field": _field(loc), "message": e.get("msg", ""), "type": e.get("type")}


def _allowed(request: Request) -> str | None:
    """The path's methods as the OpenAPI document lists them: Starlette's 405 names only the first
    matching route's (GET and POST /v1/tokens are two routes, so OPTIONS answered `Allow: POST`)."""
    for template, operations in request.app.openapi()["paths"].items():
        pattern = "".join("[^/]+" if part.startswith("{") else re.escape(part)
                          for part in re.split(r"(\{[^}]*\})", template))
        if re.fullmatch(pattern, request.url.path):
            return ", ".join(sorted(method.upper() for method in operations))
    return None


def install(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service(_request: Request, exc: ServiceError) -> JSONResponse:
        return problem(exc.status, exc.title, exc.detail, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_error(e) for e in exc.errors()]
        where = ", ".join(sorted({e["field"] for e in errors}))
        return problem(422, "Unprocessable content", f"invalid request: {where}", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
                 405: "Method not allowed", 413: "Content too large"}.get(exc.status_code, "Error")
        headers = getattr(exc, "headers", None)
        allowed = _allowed(request) if exc.status_code == 405 else None
        if allowed:
            headers = {**(headers or {}), "Allow": allowed}
        return problem(exc.status_code, title, str(exc.detail), headers=headers)

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return problem(500, "Internal server error", "the error was logged; nothing was changed")
