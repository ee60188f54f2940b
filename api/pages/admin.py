"""The administrator's pages (issue 16): the people who sign in and the systems' bearer tokens.

The same use cases as `gongkai user …` (api/commands.py) and the token routes (api/routes/admin.py):
users.create / users.disable (a disabled user's sessions end at once) and tokens.issue / revoke / rotate,
each audited there in the administrator's name. As the routes do, a revocation or rotation empties this
process's token cache, so the old token stops working here at once (in other workers within
TokenCache.TTL). Lists never show a password hash, a token or a token's hash; a new token is shown once,
on the page that answers the form (every answer but /assets/ is Cache-Control: no-store, api/headers.py).

People get every role but the document system's, which is a system and signs in with a token. A clerk's
division is optional, as for the command: without one the clerk sees the items they entered.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.access import tokens, users
from api.access.sessions import Signed
from api.pages.layout import ROLE_LABELS_ZH, PageRefusal, form, page, render, when
from api.schemas import MAX_ID
from engine.vocabulary import Role
from models.tables import AuditEventRow, TokenRow, UserRow

router = APIRouter()
MANAGE = Depends(page("manage_users"))
Ident = Annotated[int, Path(ge=0, le=MAX_ID)]
MAX_NAME = 100  # the users' and tokens' columns
MAX_PASSWORD = 1000  # as the sign-in form reads it (api/pages/signin.py)
USER_ROLES = [role for role in Role if role != Role.DOCUMENT_SYSTEM]
STATUS_ZH = {"active": "有效", "expired": "已过期", "revoked": "已撤销", tokens.NO_EXPIRY: "无期限（请轮换）"}
NOTICES = {"user_created": "已创建用户“{name}”：其可在登录页登录。",
           "user_disabled": "已停用用户“{name}”：其不能再登录，已登录的会话已全部结束。",
           "token_revoked": "已撤销令牌“{name}”（编号 {id}）：它已不能使用。"}


def _user_rows(session: Session) -> list[dict[str, Any]]:
    last = dict(session.execute(select(AuditEventRow.actor, func.max(AuditEventRow.at))
                                .where(AuditEventRow.action == "signin").group_by(AuditEventRow.actor)).all())
    rows = []
    for user in session.scalars(select(UserRow).order_by(UserRow.id)):
        view = users.view(user)
        locked = user.locked_until is not None and user.locked_until > dt.datetime.now(dt.timezone.utc)
        rows.append({**view, "role_zh": ROLE_LABELS_ZH.get(Role(user.role), user.role), "created": when(user.created_at),
                     "status": f"已停用（{when(user.disabled_at)}）" if user.disabled_at else
                     f"锁定至 {when(user.locked_until)}" if locked else "正常",
                     "last_signin": when(last.get(user.name)) if user.name in last else "从未登录"})
    return rows


def _token_rows(session: Session) -> list[dict[str, Any]]:
    rows = []
    for row in session.scalars(select(TokenRow).order_by(TokenRow.id)):
        view = tokens.view(row)
        rows.append({**view, "role_zh": ROLE_LABELS_ZH.get(Role(row.role), row.role), "created": when(row.created_at),
                     "expires": when(row.expires_at), "status_zh": STATUS_ZH.get(view["status"], view["status"])})
    return rows


def _notice(session: Session, request: Request) -> str | None:
    kind, ident = request.query_params.get("notice", ""), request.query_params.get("id", "")
    if kind not in NOTICES or not ident.isdigit() or int(ident) > MAX_ID:
        return None
    row = session.get(TokenRow if kind.startswith("token") else UserRow, int(ident))
    return NOTICES[kind].format(name=row.name, id=row.id) if row is not None else None


def _admin_page(request: Request, signed: Signed, status: int = 200, **values: Any) -> HTMLResponse:
    """/admin: the users and the tokens, with the forms (`user_form`, `token_form`: values and errors)."""
    blank: dict[str, Any] = {"values": {}, "errors": {}}
    with request.app.state.sessions() as session:
        listed = {"users": _user_rows(session), "tokens": _token_rows(session), "notice": _notice(session, request)}
    return render("admin.html.j2", signed, status, here="/admin", **listed, **{
        "user_roles": [(r.value, ROLE_LABELS_ZH[r]) for r in USER_ROLES],
        "token_roles": [(r.value, ROLE_LABELS_ZH[r]) for r in Role], "min_password": users.MIN_PASSWORD_LENGTH,
        "token_days": request.app.state.context.settings.token_days, "max_days": tokens.MAX_DAYS,
        "me": signed.actor.name, "user_form": blank, "token_form": blank, **values})


@router.get("/admin", response_class=HTMLResponse)
async def admin_page(request: Request, signed: Signed = MANAGE) -> HTMLResponse:
    return await run_in_threadpool(_admin_page, request, signed)


# -- users ----------------------------------------------------------------------------------------------------

def _name_error(name: str, what: str) -> str | None:
    if not name:
        return f"请填写{what}。"
    return f"{what}最多 {MAX_NAME} 个字符。" if len(name) > MAX_NAME else None


def user_problems(fields: dict[str, str]) -> dict[str, str]:
    """What is wrong with the new-user form, by field (Chinese, the rules users.create and the command keep)."""
    problems = {}
    if error := _name_error(fields["name"], "用户名"):
        problems["name"] = error
    if fields["role"] not in {r.value for r in USER_ROLES}:
        problems["role"] = "请选择角色。"
    if len(fields["division"]) > MAX_NAME:
        problems["division"] = f"处室最多 {MAX_NAME} 个字符。"
    password = fields["password"]
    if len(password) < users.MIN_PASSWORD_LENGTH:
        problems["password"] = f"密码至少 {users.MIN_PASSWORD_LENGTH} 个字符。"
    elif len(password) > MAX_PASSWORD:
        problems["password"] = f"密码最多 {MAX_PASSWORD} 个字符。"
    if fields["password2"] != password:
        problems["password2"] = "两次输入的密码不一致。"
    return problems


def _create_user(request: Request, signed: Signed, fields: dict[str, str]) -> Response:
    problems = user_problems(fields)
    if not problems:
        with request.app.state.sessions() as session:
            try:
                user = users.create(session, name=fields["name"], role=fields["role"], by=signed.actor,
                                    division=fields["division"] or None, password=fields["password"])
            except users.UserExists:
                problems["name"] = f"用户名“{fields['name']}”已被使用（已停用的用户也占用其用户名）。"
            except ValueError as exc:  # users.create's own rules, should they grow stricter than this form's
                problems["password"] = f"密码不符合要求：{exc}"
            else:
                session.commit()
                return RedirectResponse(f"/admin?notice=user_created&id={user.id}", 303)
    kept = {k: fields[k] for k in ("name", "role", "division")}  # never a password, back into the page
    return _admin_page(request, signed, 422, user_form={"values": kept, "errors": problems})


@router.post("/admin/users", response_class=HTMLResponse)
async def create_user(request: Request, signed: Signed = MANAGE) -> Response:
    fields = await form(request)
    cleaned = {k: fields.get(k, "").strip() for k in ("name", "role", "division")}
    cleaned |= {k: fields.get(k, "")[:MAX_PASSWORD + 1] for k in ("password", "password2")}
    return await run_in_threadpool(_create_user, request, signed, cleaned)


def _disable_user(request: Request, signed: Signed, user_id: int) -> Response:
    with request.app.state.sessions() as session:
        user = session.get(UserRow, user_id)
        if user is None:
            raise PageRefusal(404, f"没有编号为 {user_id} 的用户。")
        if user.name == signed.actor.name:
            raise PageRefusal(409, "不能停用自己的账户：请由另一位系统管理员停用。")
        if user.disabled_at is None:
            users.disable(session, user, signed.actor)
            session.commit()
    return RedirectResponse(f"/admin?notice=user_disabled&id={user_id}", 303)


@router.post("/admin/users/{user_id}/disable")
async def disable_user(request: Request, user_id: Ident, signed: Signed = MANAGE) -> Response:
    """The user can no longer sign in; their open sessions end at once."""
    return await run_in_threadpool(_disable_user, request, signed, user_id)


# -- tokens ---------------------------------------------------------------------------------------------------

def _days(value: str, default: int) -> int | None:
    if not value.strip():
        return default
    days = int(value) if value.strip().isdigit() and len(value.strip()) <= 5 else 0
    return days if 1 <= days <= tokens.MAX_DAYS else None


def _shown_once(signed: Signed, row: TokenRow, token: str, replaces: TokenRow | None = None) -> HTMLResponse:
    return render("admin_token.html.j2", signed, here="/admin", token=token, row=tokens.view(row),
                  role_zh=ROLE_LABELS_ZH.get(Role(row.role), row.role), expires=when(row.expires_at),
                  replaces=tokens.view(replaces) if replaces is not None else None)


def _issue(request: Request, signed: Signed, fields: dict[str, str]) -> Response:
    problems = {}
    if error := _name_error(fields["name"], "令牌名称"):
        problems["name"] = error
    if fields["role"] not in {r.value for r in Role}:
        problems["role"] = "请选择角色。"
    if len(fields["division"]) > MAX_NAME:
        problems["division"] = f"处室最多 {MAX_NAME} 个字符。"
    days = _days(fields["days"], request.app.state.context.settings.token_days)
    if days is None:
        problems["days"] = f"有效天数应为 1 到 {tokens.MAX_DAYS} 之间的整数。"
    if problems or days is None:
        return _admin_page(request, signed, 422, token_form={"values": fields, "errors": problems})
    with request.app.state.sessions() as session:
        row, token = tokens.issue(session, name=fields["name"], role=fields["role"],
                                  division=fields["division"] or None, by=signed.actor, days=days)
        session.commit()
        return _shown_once(signed, row, token)


@router.post("/admin/tokens", response_class=HTMLResponse)
async def issue_token(request: Request, signed: Signed = MANAGE) -> Response:
    """A new token, shown on the answer only."""
    fields = await form(request)
    cleaned = {k: fields.get(k, "").strip()[:MAX_NAME + 1] for k in ("name", "role", "division", "days")}
    return await run_in_threadpool(_issue, request, signed, cleaned)


def _token(session: Session, token_id: int) -> TokenRow:
    row = session.get(TokenRow, token_id)
    if row is None:
        raise PageRefusal(404, f"没有编号为 {token_id} 的令牌。")
    return row


def _revoke(request: Request, signed: Signed, token_id: int) -> Response:
    with request.app.state.sessions() as session:
        row = _token(session, token_id)
        if row.revoked_at is None:
            tokens.revoke(session, row, signed.actor)
            session.commit()
            request.app.state.tokens.clear()  # at once in this process (others within TokenCache.TTL)
    return RedirectResponse(f"/admin?notice=token_revoked&id={token_id}", 303)


@router.post("/admin/tokens/{token_id}/revoke")
async def revoke_token(request: Request, token_id: Ident, signed: Signed = MANAGE) -> Response:
    return await run_in_threadpool(_revoke, request, signed, token_id)


def _rotate(request: Request, signed: Signed, token_id: int) -> Response:
    with request.app.state.sessions() as session:
        row = _token(session, token_id)
        try:
            new, token = tokens.rotate(session, row, signed.actor, days=request.app.state.context.settings.token_days)
        except tokens.TokenRevoked:
            raise PageRefusal(409, f"令牌 {token_id} 已撤销，不能轮换：如仍需要，请签发新令牌。") from None
        session.commit()
        request.app.state.tokens.clear()  # the old token: at once in this process (others within TokenCache.TTL)
        return _shown_once(signed, new, token, replaces=row)


@router.post("/admin/tokens/{token_id}/rotate", response_class=HTMLResponse)
async def rotate_token(request: Request, token_id: Ident, signed: Signed = MANAGE) -> Response:
    """A new token for the same holder, role and division (shown once); the old one stops working."""
    return await run_in_threadpool(_rotate, request, signed, token_id)
