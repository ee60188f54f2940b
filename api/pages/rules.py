"""The rule pages (issue 16): the rules in service and their history for every role that may read them;
for rule authors, a candidate's validation, its activation and rollback.

The same use cases as the JSON API (api/routes/rules.py → api/rulesets/activation.py): `serving`,
`revisions`, `revision_files`, `validate` (diagnostics, the rule set's own tests, the backtest with its
flips and gates; nothing changes), `activate` and `rollback` (each recorded and audited there). How an
upload becomes a candidate, and how the candidate travels from the validation page to the activation
form, is api/pages/rules_candidate.py.

One thing the pages add: they offer activation only to a candidate whose backtest gates pass, and check
it again when the activation form comes back (the backtest runs a second time, on the rules then in
service). `gongkai rules bundle` through the API remains the way to activate a set despite a gate.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Awaitable, Callable, Mapping

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.access.roles import PERMISSIONS
from api.access.sessions import Signed
from api.context import Actor
from api.deps import ContextDep, SessionDep
from api.errors import Invalid, NotFound
from api.pages import rules_candidate as upload
from api.pages.layout import MAX_FIELD, PageRefusal, page, render, when
from api.rulesets import activation as rulesets
from engine.vocabulary import LABELS_ZH

router = APIRouter()
ACTIONS_ZH = {"start": "服务启动", "activate": "启用", "rollback": "回退"}
NOTICES = {"activated": "已启用规则版本 {revision}：此后的建议由它给出。",
           "rolled_back": "已回退到规则版本 {revision}：此后的建议由它给出。"}
MAX_NOTE = 2000  # the API's (api/schemas.CandidateIn.note)
MAX_REVISION = 64  # a SHA-256 in hex


def uploading(action: str) -> Callable[..., Awaitable[Signed]]:
    """`page(action)` for a form that may carry files: when it refuses, the files the CSRF check parsed are
    closed (spooled to disk past 1 MB; nothing else closes them on a refusal)."""
    check = page(action)

    async def signed_upload(request: Request) -> Signed:
        try:
            return await check(request)
        except Exception:
            await request.close()
            raise

    signed_upload.action = action  # type: ignore[attr-defined]  (as page's)
    return signed_upload


READ = Depends(page("read_rules"))
AUTHOR, ACTIVATE = Depends(uploading("author_rules")), Depends(uploading("activate_rules"))


def _activation_rows(activations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**a, "short": a["revision"][:12], "action_zh": ACTIONS_ZH.get(a["action"], a["action"]),
             "when": when(a["at"]), "note": a["note"] or "—"} for a in activations]


def _rule_rows(book: Any) -> list[dict[str, Any]]:
    rows = []
    for rule in book.rules:
        d = rule.describe()
        rows.append({"id": d["id"], "title": d["title"], "citation": d["citation"],
                     "outcome": upload.outcome_zh(d["outcome"]), "mode": LABELS_ZH.get(d["mode"], d["mode"]),
                     "file": f"{d['file'].removeprefix('rules/')}:{d['line']}"})
    return rows


def _base_files(session: Session, revision: str) -> dict[str, str]:
    try:
        return dict(rulesets.revision_files(session, revision)["files"])
    except NotFound:  # served but never recorded: no candidate can be made on top of it here
        return {}


def _overview(request: Request, signed: Signed) -> dict[str, Any]:
    """What /rules shows: the set in service, its rules, every activation, and the authors' choices."""
    ctx = request.app.state.context
    with request.app.state.sessions() as session:
        book = rulesets.serving(ctx, session).book
        history = _activation_rows(rulesets.revisions(session, ctx)["activations"])
        folders = upload.directories(_base_files(session, book.revision))
    current = next((a for a in history if a["current"]), None)
    earlier, seen = [], {book.revision}
    for a in history:
        if a["revision"] not in seen:
            seen.add(a["revision"])
            earlier.append(a)
    role = signed.actor.role
    return {"book": book, "current": current, "history": history, "rules": _rule_rows(book), "earlier": earlier,
            "folders": [(f, f or upload.ROOT_LABEL) for f in folders],
            "may_author": role in PERMISSIONS["author_rules"], "may_activate": role in PERMISSIONS["activate_rules"]}


def _overview_page(request: Request, signed: Signed, status: int = 200, **values: Any) -> HTMLResponse:
    values = {"notice": None, "problems": [], "chosen": {"directory": "", "paste_name": "", "paste_text": ""},
              "rollback": {"to": "", "note": "", "errors": {}}, **values}
    return render("rules.html.j2", signed, status, here="/rules", **_overview(request, signed), **values)


@router.get("/rules", response_class=HTMLResponse)
async def rules_page(request: Request, signed: Signed = READ) -> HTMLResponse:
    notice = NOTICES.get(request.query_params.get("notice", ""))
    revision = request.query_params.get("revision", "")
    shown = notice.format(revision=revision) if notice and re.fullmatch(r"[0-9a-f]{12}", revision) else None
    return await run_in_threadpool(_overview_page, request, signed, notice=shown)


@router.get("/rules/revisions/{revision}", response_class=HTMLResponse)
def revision_page(revision: str, session: SessionDep, ctx: ContextDep, signed: Signed = READ) -> HTMLResponse:
    """A revision's files, read-only."""
    try:
        if len(revision) > MAX_REVISION:
            raise NotFound(revision)
        found = rulesets.revision_files(session, revision)
    except NotFound:
        raise PageRefusal(404, f"没有规则版本 {revision[:64]}。") from None
    history = [a for a in _activation_rows(rulesets.revisions(session, ctx)["activations"]) if a["revision"] == revision]
    return render("rules_revision.html.j2", signed, here="/rules", revision=found["revision"], name=found["name"],
                  files=sorted(found["files"].items()), history=history)


# -- validation ---------------------------------------------------------------------------------------------

def _serving_base(request: Request) -> tuple[str, dict[str, str]]:
    with request.app.state.sessions() as session:
        revision = rulesets.serving(request.app.state.context, session).book.revision
        return revision, _base_files(session, revision)


def _validate(request: Request, actor: Actor, files: Mapping[str, str]) -> dict[str, Any]:
    """The API's validation of the whole candidate (nothing changes)."""
    ctx = request.app.state.context
    with request.app.state.sessions() as session:
        rulesets.serving(ctx, session)
    try:
        return rulesets.validate(ctx, request.app.state.reader_engine, files, rulesets.VALIDATION_ITEMS, actor)
    except Invalid as exc:  # a path the upload's own checks let through: say so all the same
        raise upload.CandidateProblem([f"{e['field']}：{e['message']}" for e in exc.extra.get("errors") or []]
                                      or [exc.detail]) from None


def _validation_page(signed: Signed, candidate: upload.Candidate, base_files: Mapping[str, str],
                     out: dict[str, Any], status: int = 200, **values: Any) -> HTMLResponse:
    backtest = out["backtest"]
    changed = sorted(backtest["rules"].items()) if backtest else []
    return render("rules_validation.html.j2", signed, status, here="/rules", **{
        "out": out, "base": candidate.base, "carried": candidate.carried(), "reasons": upload.refusals(out),
        "sent": [(path, "替换" if path in base_files else "新增") for path in sorted(candidate.files)],
        "diagnostics": [{**d, "severity_zh": upload.SEVERITY_ZH.get(d["severity"], d["severity"])}
                        for d in out["diagnostics"]],
        "backtest": backtest, "flips": upload.flip_rows(backtest["flips"]) if backtest else [],
        "gates": upload.gate_rows(backtest["gates"]) if backtest else [], "changed": changed,
        "may_activate": signed.actor.role in PERMISSIONS["activate_rules"], "limit": rulesets.VALIDATION_ITEMS,
        "error": None, "note": "",
        "note_error": None, **values})


@router.post("/rules/validate", response_class=HTMLResponse)
async def validate(request: Request, signed: Signed = AUTHOR) -> HTMLResponse:
    """Check an uploaded candidate and backtest it against the rules in service; nothing changes."""
    fields = await request.form()
    base, base_files = await run_in_threadpool(_serving_base, request)
    chosen = {"directory": str(fields.get("directory") or ""), "paste_name": str(fields.get("paste_name") or ""),
              "paste_text": str(fields.get("paste_text") or "")[:MAX_FIELD]}
    try:  # the uploads are closed (their spooled files freed) however this ends
        if not base_files:
            raise upload.CandidateProblem([f"现行规则版本 {base[:12]} 的文件未记录在数据库中，无法在其上组成候选规则集："
                                           "请用 gongkai rules bundle 通过接口提交完整的规则目录。"])
        candidate = await upload.from_form(fields, base, base_files)
        out = await run_in_threadpool(_validate, request, signed.actor, candidate.on(base_files))
    except upload.CandidateProblem as exc:
        return await run_in_threadpool(_overview_page, request, signed, 422, problems=exc.problems, chosen=chosen)
    finally:
        await fields.close()
    return _validation_page(signed, candidate, base_files, out)


# -- activation and rollback -----------------------------------------------------------------------------------

def _activate(request: Request, signed: Signed, candidate: upload.Candidate, validated: str, note: str) -> Response:
    """Validate again on the rules in service now; activate only what was validated, on what it was built on."""
    serving, _ = _serving_base(request)
    if serving != candidate.base:
        raise PageRefusal(409, f"您校验之后，现行规则已变为版本 {serving[:12]}；候选规则集是在版本 {candidate.base[:12]} "
                               "上组成的，直接启用会撤销那次更改。请重新上传并校验。", "规则已被更新")
    with request.app.state.sessions() as session:
        base_files = _base_files(session, candidate.base)
    files = candidate.on(base_files)
    out = _validate(request, signed.actor, files)
    if out["revision"] != validated:
        raise PageRefusal(409, "候选规则集与校验时不同：请重新上传并校验。", "规则集不一致")
    page_of = functools.partial(_validation_page, signed, candidate, base_files, out, 422, note=note)
    if reasons := upload.refusals(out):
        return page_of(error="不能启用：" + "".join(reasons) + "现行规则未作任何改变。")
    if not note.strip():
        return page_of(note_error="请填写启用说明：为什么要启用这些规则。")
    try:
        done = rulesets.activate(request.app.state.context, request.app.state.sessions, signed.actor, files,
                                 note.strip())
    except Invalid as exc:
        problems = "；".join(f"{e['field']} {e['message']}" for e in exc.extra.get("errors") or [])
        return page_of(error=f"启用失败，现行规则未作任何改变：{exc.detail}" + (f"（{problems}）" if problems else ""))
    return RedirectResponse(f"/rules?notice=activated&revision={done['revision'][:12]}", 303)


@router.post("/rules/activate", response_class=HTMLResponse)
async def activate(request: Request, signed: Signed = ACTIVATE) -> Response:
    """Put a validated candidate in service, with the author's note (the API's activation)."""
    fields = await request.form()
    base, validated = str(fields.get("base") or "")[:MAX_REVISION], str(fields.get("revision") or "")[:MAX_REVISION]
    note = str(fields.get("note") or "")[:MAX_NOTE]
    try:
        candidate = upload.carried(base, str(fields.get("files") or ""))
    except upload.CandidateProblem as exc:
        raise PageRefusal(422, "".join(exc.problems)) from None
    try:
        return await run_in_threadpool(_activate, request, signed, candidate, validated, note)
    except upload.CandidateProblem as exc:
        raise PageRefusal(422, "".join(exc.problems)) from None


def _rollback(request: Request, signed: Signed, to: str, note: str) -> Response:
    problems = {}
    if not to:
        problems["to"] = "请选择要回退到的版本。"
    if not note.strip():
        problems["note"] = "请填写回退说明：为什么要回退。"
    if not problems:
        try:
            done = rulesets.rollback(request.app.state.context, request.app.state.sessions, signed.actor, to,
                                     note.strip())
            return RedirectResponse(f"/rules?notice=rolled_back&revision={done['revision'][:12]}", 303)
        except NotFound:
            problems["to"] = f"没有以 {to[:64]} 开头的唯一规则版本。"
        except Invalid as exc:
            problems["to"] = f"回退失败，现行规则未作任何改变：{exc.detail}"
    return _overview_page(request, signed, 422, rollback={"to": to, "note": note, "errors": problems})


@router.post("/rules/rollback", response_class=HTMLResponse)
async def rollback(request: Request, signed: Signed = ACTIVATE) -> Response:
    """Serve an earlier revision again (the API's rollback), with the author's note."""
    fields = await request.form()
    to, note = str(fields.get("to") or "")[:MAX_REVISION], str(fields.get("note") or "")[:MAX_NOTE]
    return await run_in_threadpool(_rollback, request, signed, to, note)
