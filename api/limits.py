"""Request size limit (413) as plain ASGI middleware: checked on Content-Length before reading, and
counted while streaming for chunked bodies, so an oversized body is never held in memory."""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class TooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._refuse(send, scope)
                    return
        seen = 0
        started = refused = False

        async def limited_receive() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # Answer 413 here: FastAPI catches whatever reading the body raises and answered 400
                    # to a chunked 13 MB body; whatever the app sends after this is dropped.
                    if not started:
                        refused = True
                        await self._refuse(send, scope)
                    raise TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except TooLarge:
            pass  # answered 413 already (or the response had begun, and nothing can be said)

    async def _refuse(self, send: Send, scope: Scope) -> None:
        if _wants_page(scope):  # a person's form on a page: a page in Chinese, not the API's JSON
            kind = b"text/html; charset=utf-8"
            body = PAGE_413.format(mb=self.max_bytes / 1024 / 1024).encode()
        else:
            kind = b"application/problem+json"
            body = json.dumps({"type": "about:blank", "title": "Content too large", "status": 413,
                               "detail": f"the request body is larger than {self.max_bytes} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


PAGE_413 = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>内容过大 · 政府信息公开</title></head>
<body><main><h1>内容过大</h1><p>提交的内容超过 {mb:.0f} MB 的上限，未被接收，已录入或已保存的内容不受影响。
请返回上一页，缩小内容或分开提交。</p><p><a href="/">返回首页</a></p></main></body></html>
"""


def _wants_page(scope: Scope) -> bool:
    """A request to a page (not the API under /v1/) from a browser that reads HTML."""
    if scope.get("path", "").startswith("/v1/"):
        return False
    accept = dict(scope.get("headers", ())).get(b"accept", b"")
    return b"text/html" in accept
