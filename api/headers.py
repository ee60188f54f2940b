"""Security headers on every response, as plain ASGI middleware (like api/limits.py: Starlette's
BaseHTTPMiddleware runs each request through an extra task and memory stream, a cost the push path
does not need; this one only adds to the header list of `http.response.start`).

Every answer, errors included, carries:
- `X-Content-Type-Options: nosniff`: a browser never guesses a type (a JSON body holding HTML stays JSON);
- `X-Frame-Options: DENY` and CSP `frame-ancestors 'none'`: no page of the service can be framed
  (clickjacking a review button);
- `Referrer-Policy: no-referrer`: a link followed from a report or /docs does not carry its address;
- `Content-Security-Policy`: by default `default-src 'none'`, nothing may load or run: JSON, CSV and
  XLSX need nothing. A page that needs more sets its own, narrowly: the HTML reports allow their
  own inline <style> by its hash (api/routes/reports.py), /docs the Swagger UI served from here
  with its one inline script by hash (api/docs.py);
- `Cache-Control: no-store`: answers carry item data (titles, bodies, reasons, exports), which must
  not stay in a browser's or proxy's cache; the Swagger UI's static files may be cached.

Installed outside Starlette's ServerErrorMiddleware (see `install`), so a 500 carries them too.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any, Awaitable, Callable

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STRICT_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
ALWAYS = ((b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
          (b"referrer-policy", b"no-referrer"))
CACHED_PREFIXES = ("/docs-assets/", "/assets/")  # static files of the Swagger UI and the pages: no item data


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cached = scope.get("path", "").startswith(CACHED_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                added = [*ALWAYS, (b"content-security-policy", STRICT_POLICY.encode())]
                if not cached:
                    added.append((b"cache-control", b"no-store"))
                # A route's own value (a page's narrower policy) stands; the rest is added.
                headers += [(name, value) for name, value in added if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: Any) -> None:
    """Wrap the whole middleware stack of a Starlette/FastAPI app. app.add_middleware would put the
    middleware inside ServerErrorMiddleware, which answers a crash (500) straight to the server."""
    build = app.build_middleware_stack

    def outermost() -> ASGIApp:
        return SecurityHeaders(build())

    app.build_middleware_stack = outermost


def inline_hashes(html: str, tag: str) -> list[str]:
    """CSP sources ('sha256-…') for the inline <script> or <style> elements of a page (not those with
    src=): the hash of exactly the text between the tags, as a browser computes it."""
    pattern = rf"<{tag}(?![^>]*\bsrc=)[^>]*>(.*?)</{tag}\s*>"
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
            for body in re.findall(pattern, html, flags=re.S | re.I)]


def page_policy(html: str, **directives: str) -> str:
    """A page's policy: nothing beyond what `directives` allow (keys with _ for -), its own inline
    styles and scripts by hash, never framed."""
    parts = {"default-src": "'none'", **{k.replace("_", "-"): v for k, v in directives.items()}}
    for tag in ("style", "script"):
        key, hashes = f"{tag}-src", inline_hashes(html, tag)
        # A hash beside 'unsafe-inline' would switch 'unsafe-inline' off (CSP level 2): a page that needs
        # it (Swagger UI's style attributes) keeps it and gets no hashes.
        if hashes and "'unsafe-inline'" not in parts.get(key, ""):
            parts[key] = " ".join([parts[key], *hashes] if key in parts else hashes)
    parts.update({"frame-ancestors": "'none'", "base-uri": "'none'"})
    parts.setdefault("form-action", "'none'")
    return "; ".join(f"{k} {v}" for k, v in parts.items())
