"""The pages' stylesheet and script, served by the application itself (an intranet has no CDN).

A fixed list of files from api/static/ (a name is looked up, never joined into a path), each with a
content hash in its address (?v=…, `asset_url`) so a browser may keep it: a new release changes the
address. They hold no item data, so api/headers.py lets them be cached."""

from __future__ import annotations

import functools
import hashlib
from importlib import resources

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

router = APIRouter()
TYPES = {"pages.css": "text/css; charset=utf-8", "pages.js": "text/javascript; charset=utf-8"}


@functools.cache
def _content(name: str) -> bytes:
    return (resources.files("api") / "static" / name).read_bytes()


@functools.cache
def asset_url(name: str) -> str:
    return f"/assets/{name}?v={hashlib.sha256(_content(name)).hexdigest()[:12]}"


@router.get("/assets/{name}")
def asset(name: str) -> Response:
    if name not in TYPES:
        raise HTTPException(404, "no such asset")
    return Response(_content(name), media_type=TYPES[name],
                    headers={"Cache-Control": "public, max-age=31536000, immutable"})
