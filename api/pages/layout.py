"""What every web page shares (issue 16): the templates, the sign-in check, the navigation, forms.

Authorisation is the API's own: `page(action)` runs the very dependency a JSON route runs (api/deps.allow:
the session cookie resolves to the same Actor a bearer token gives, the same PERMISSIONS table decides, a
form that changes something must carry the session's CSRF token), and only turns its refusals into pages a
person can read: not signed in → the sign-in page; a refusal → a page in Chinese with the status.

Every page links one stylesheet and one script served from here (/assets/, api/pages/assets.py): no CDN, an
intranet has no internet. The policy (`policy`) allows nothing else: no inline script, no style attribute,
forms posted to this origin only. The pages work without the script; it adds keyboard shortcuts.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Annotated, Any, Awaitable, Callable
from urllib.parse import parse_qs, quote

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined

from api.access.roles import PERMISSIONS
from api.access.sessions import Signed
from api.context import Actor
from api.deps import allow, bearer
from api.headers import page_policy
from api.pages.assets import asset_url
from engine.vocabulary import Role
from engine.workflow.working_days import CHINA_TIME

MAX_FIELD = 100_000  # a form field longer than this is no one's (a document's text is the longest)
ROLE_LABELS_ZH = {
    Role.DOCUMENT_SYSTEM: "公文管理系统", Role.CLERK: "处室信息员", Role.SECRECY_REVIEWER: "保密审核",
    Role.DISCLOSURE_REVIEWER: "公开方式审核", Role.OFFICE: "信息公开工作机构", Role.RULE_AUTHOR: "规则编写",
    Role.SUPERVISOR: "监察考核", Role.ADMIN: "系统管理员",
}


@dataclass(frozen=True)
class NavLink:
    path: str
    label: str
    action: str  # shown to the roles PERMISSIONS lets do it: the menu never offers a page that would refuse
    hint: str = ""  # one line on the home page


# The menu, in the order of the work: enter, review, keep, publish, watch, write rules, administer.
NAV = (
    NavLink("/entry", "手工录入", "enter", "录入不经公文系统办结的文件，系统给出公开属性建议"),
    NavLink("/items", "文件", "list_items", "可查看的文件：状态、建议与第二十六条公开期限"),
    NavLink("/queues/secrecy_review", "保密审核", "secrecy_queue", "待保密审核的文件，风险高的在前"),
    NavLink("/queues/disclosure_review", "公开方式审核", "disclosure_queue", "待公开方式审核的文件，风险高的在前"),
    NavLink("/stores", "四库", "read_store", "主动公开、依申请公开、不予公开、非政府信息四库：检索、筛选、导出"),
    NavLink("/applications", "依申请公开办理", "read_applications", "政府信息公开申请：登记、答复期限、办理与答复"),
    NavLink("/feed", "网站发布预览", "feed", "门户网站将要显示的主动公开信息"),
    NavLink("/overdue", "逾期督办", "read_supervision", "逾期未审、逾期未公开与漏报"),
    NavLink("/annual-reports", "年度报告", "read_annual_report", "政府信息公开工作年度报告：填写、校验、提交（条例第四十九条、第五十条）"),
    NavLink("/reports", "统计报表", "read_accuracy", "统计、准确率、督办报表"),  # read_accuracy: any report
    NavLink("/rules", "规则", "read_rules", "规则版本、候选规则校验、启用与回退"),
    NavLink("/models", "模型版本", "read_models", "模型版本与指标、候选模型验证、启用与回退"),
    NavLink("/admin", "用户与令牌", "manage_users", "用户账户与系统令牌"),
)

STATUS_TITLES = {400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "未找到", 409: "操作冲突",
                 413: "内容过大", 422: "填写有误"}
POLICY = {"style_src": "'self'", "script_src": "'self'", "img_src": "'self' data:", "form_action": "'self'",
          "connect_src": "'self'"}


class PageRefusal(Exception):
    """A page's refusal, shown as a page (api/app.py installs `refusal_page` for it)."""

    def __init__(self, status: int, message: str, title: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.title = status, message, title or STATUS_TITLES.get(status, "无法完成")


class SignInNeeded(Exception):
    """No live session: the person is sent to sign in, and back here after."""


@functools.cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("api", "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["asset_url"] = asset_url
    return env


def policy(html: str) -> str:
    return page_policy(html, **POLICY)


def when(moment: str | dt.datetime | None) -> str:
    """A stored moment (UTC, or its ISO text) as Beijing time to the minute, as every page shows times."""
    if not moment:
        return "—"
    value = dt.datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


def nav(role: str) -> list[NavLink]:
    return [link for link in NAV if role in PERMISSIONS.get(link.action, ())]


def render(template: str, signed: Signed | None = None, status: int = 200, *, here: str = "",
           **values: Any) -> HTMLResponse:
    """A page of api/templates/pages/: `signed` gives the menu, the person's name and the forms' CSRF token."""
    context: dict[str, Any] = {"here": here, "signed": signed, "menu": [], "csrf": "", "who": None}
    if signed is not None:
        actor = signed.actor
        context.update(menu=nav(actor.role), csrf=signed.csrf,
                       who={"name": actor.name, "role": ROLE_LABELS_ZH.get(Role(actor.role), actor.role),
                            "division": actor.division})
    html = environment().get_template(f"pages/{template}").render(**context, **values)
    return HTMLResponse(html, status, headers={"Content-Security-Policy": policy(html)})


def page(action: str) -> Callable[..., Awaitable[Signed]]:
    """A dependency for a page: the signed-in person, if `allow(action)` lets them (one authorisation path)."""
    check = allow(action)

    async def signed_page(request: Request) -> Signed:
        try:
            await check(request, None)  # no bearer: a page is a person's, by the session cookie
        except HTTPException as exc:
            await request.close()  # a multipart form parsed for its CSRF field holds temporary files
            if exc.status_code == 401:
                raise SignInNeeded() from None
            raise PageRefusal(exc.status_code, _refusal(exc)) from None
        signed: Signed | None = getattr(request.state, "signed", None)
        if signed is None:  # a bearer header reached a page: pages are for signed-in people
            raise SignInNeeded()
        return signed

    signed_page.action = action  # type: ignore[attr-defined]  (read by the page role tests)
    return signed_page


def person_or_system(action: str) -> Callable[..., Awaitable[Actor]]:
    """For a page a system may fetch too (the 办文单): a bearer token is checked as the API checks it (its
    refusals are the API's), anyone else as a person by `page(action)` (sent to sign in, refusals as pages)."""
    api_check, page_check = allow(action), page(action)

    async def caller(request: Request,
                     credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Actor:
        if credentials is not None or "authorization" in request.headers:
            return await api_check(request, credentials)
        return (await page_check(request)).actor

    caller.action = action  # type: ignore[attr-defined]  (read by the page tests)
    return caller


def _refusal(exc: HTTPException) -> str:
    """What the person is told of an authorisation refusal (allow's words are the API's, in English)."""
    if exc.status_code == 403 and "CSRF" in str(exc.detail):
        return "表单已过期或来源不明：请返回上一页刷新后重试。"
    if exc.status_code == 403:
        return "您的角色无权使用此页面。"
    if exc.status_code == 413:
        return "提交的内容过大。"
    return f"无法完成请求（{exc.status_code}）。"


async def form(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body (the pages' forms post nothing else, files aside);
    the first value of each field, cut at MAX_FIELD characters."""
    fields = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0][:MAX_FIELD] for name, values in fields.items()}


def refusal_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, SignInNeeded):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/signin?next={quote(target, safe='')}", 303)
    assert isinstance(exc, PageRefusal)
    return render("message.html.j2", getattr(request.state, "signed", None), exc.status, title=exc.title,
                  message=exc.message)


def safe_next(value: str | None) -> str:
    """Where to go after sign-in: a path of this site only (never //host or a scheme: an open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or "\n" in value:
        return "/"
    return value
