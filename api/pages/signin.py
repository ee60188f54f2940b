"""Sign-in, sign-out and the home page (issue 16).

A person signs in with a user name and password (api/access/users.py: argon2, lock-out) and gets a
server-side session (api/access/sessions.py) in a cookie: HttpOnly (no script reads it), SameSite=Strict
(no other site's form or link sends it), Path=/, Secure over HTTPS (or GONGKAI_COOKIE_SECURE=true behind
a proxy that ends TLS). From then on the cookie authenticates to the same Actor a bearer token gives
(api/deps.py), so the pages and the API share one authorisation path; every form that changes something
carries the session's CSRF token.

The forms are plain HTML: the pages work without JavaScript (api/pages/layout.py gives their policy).
After sign-in the person goes back to the page that sent them here (`next`, a path of this site only).
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.access import sessions, users
from api.deps import csrf_offered, signed_in
from api.pages.layout import MAX_FIELD, form, nav, render, safe_next
from api.settings import Settings

router = APIRouter()
MAX_NAME = 1000  # a name or password longer than this is no one's (and argon2 need not hash a megabyte)
WRONG = "用户名或密码错误"
assert MAX_NAME <= MAX_FIELD


@router.get("/signin", response_class=HTMLResponse)
async def signin_page(request: Request) -> Response:
    target = safe_next(request.query_params.get("next"))
    if await signed_in(request) is not None:
        return RedirectResponse(target, 303)
    return render("signin.html.j2", name="", error=None, next=target)

def _sign_in(request: Request, name: str, password: str) -> tuple[str | None, dt.datetime | None]:
    """The new session's cookie value, or None and when the account's lock ends (None: a wrong name or
    password); the lock's end is not shown (see signin), only audited."""
    settings: Settings = request.app.state.context.settings
    with request.app.state.sessions() as session:
        outcome = users.authenticate(session, name, password, max_failures=settings.signin_max_failures,
                                     lock_minutes=settings.signin_lock_minutes)
        value = sessions.start(session, outcome.user)[0] if outcome.user is not None else None
        session.commit()  # a failure is recorded too: the count and the lock
        return value, outcome.locked_until


@router.post("/signin", response_class=HTMLResponse)
async def signin(request: Request) -> Response:
    # Before sign-in there is no session to hold a CSRF token: the browser's own Sec-Fetch-Site says
    # whether the form came from another site, which could otherwise sign a person in as the attacker
    # (what they then enter would be the attacker's to read). Browsers that do not send it are let through.
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return render("message.html.j2", status=403, title="请求无效", message="请从本系统的登录页登录。")
    fields = await form(request)
    name, target = fields.get("name", "").strip()[:MAX_NAME], safe_next(fields.get("next"))
    value, locked_until = await run_in_threadpool(_sign_in, request, name, fields.get("password", "")[:MAX_NAME])
    if value is None:
        # One answer for a wrong password, an unknown name and a locked account: "locked" would tell anyone
        # who types five wrong passwords that the name is a user's (the lock itself is audited, and the
        # rule is stated here so the person knows why the right password may fail for a while).
        settings: Settings = request.app.state.context.settings
        error = f"{WRONG}。连续输错 {settings.signin_max_failures} 次，账户将锁定 {settings.signin_lock_minutes} 分钟。"
        return render("signin.html.j2", status=401, name=name, error=error, next=target)
    response = RedirectResponse(target, 303)
    secure = request.url.scheme == "https" or request.app.state.context.settings.cookie_secure
    response.set_cookie(sessions.COOKIE, value, httponly=True, samesite="strict", path="/", secure=secure)
    return response


def _sign_out(request: Request, value: str, signed: sessions.Signed) -> None:
    with request.app.state.sessions() as session:
        sessions.end(session, value, signed.actor)
        session.commit()


@router.post("/signout")
async def signout(request: Request) -> Response:
    signed = await signed_in(request)
    if signed is not None:
        if not sessions.csrf_matches(signed, await csrf_offered(request)):
            return render("message.html.j2", signed, 403, title="请求无效", message="表单已过期或来源不明，请返回首页后重试。")
        await run_in_threadpool(_sign_out, request, request.cookies[sessions.COOKIE], signed)
    response = RedirectResponse("/signin", 303)
    response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    """The person's desk: what their role does, one link each (the menu's pages, described)."""
    signed = await signed_in(request)
    if signed is None:
        return RedirectResponse("/signin", 303)
    return render("home.html.j2", signed, here="/", links=nav(signed.actor.role))
