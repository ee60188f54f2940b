"""The model registry's page (issue 19): the model in service, every registered version with what it learnt
from and its figures, every activation; for rule authors and the admin, a version's validation against past
decisions, its activation and rollback.

The same use cases as the JSON API (api/routes/models.py → api/rulesets/classifier.py): `versions`, `validate`
(nothing changes), `activate` (validated again over every decision, secret ones included, refused when a gate
fails) and `rollback` (no gate: the way back stays open). Validation and activation read through
`app.state.readers` and `reader_engine`, never holding the SQLite writer while the comparison runs. A caller
not cleared for secret items sees what `versions` and `validate` give it: gates, not figures counted over
secret decisions; the page says why.

As the rule pages do, the page offers activation only after a validation whose gates passed; the activation
validates again in any case (the model in service may have changed since).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.access import visibility
from api.access.roles import PERMISSIONS
from api.access.sessions import Signed
from api.errors import Conflict, Invalid, NotFound
from api.pages.layout import PageRefusal, form, page, render, when
from api.pages.rules_candidate import GATES_ZH, VERDICTS_ZH, number
from api.rulesets import activation as rulesets
from api.rulesets import classifier
from engine.vocabulary import FIELD_LABELS_ZH

router = APIRouter()
READ, ACTIVATE = Depends(page("read_models")), Depends(page("activate_models"))
MODEL_ID = re.compile(r"[0-9A-Za-z._-]{1,64}")  # the API's ModelIdPath
MAX_NOTE = 2000  # the API's (classifier_schemas.ModelActivateIn.note)
ACTIONS_ZH = {"start": "启动", "activate": "启用", "rollback": "回退"}
FIELDS = ("category", "exemption", "secrecy", "column")
# The registry's gates (classifier.validate): the backtest's two counts and the two macro-F1 gates.
GATE_LABELS_ZH = {**GATES_ZH, "category.macro_f1": "公开属性的宏平均 F1 不得下降",
                  "mean.macro_f1": "四个字段宏平均 F1 的均值不得下降"}
GATE_NAMES = {"secrecy_flag.recall must not fall": "secrecy_flag.recall",
              "category.withheld.recall must not fall": "category.withheld.recall",
              "category.macro_f1 must not fall": "category.macro_f1",
              "mean macro_f1 of the four fields must not fall": "mean.macro_f1"}
FIGURES_ZH = {"forward": "留出的后续决定（未学习过）", "prior_only": "同一批决定上仅用初始语料的模型",
              "cross_validation": "初始语料交叉验证"}
DEPLOYED = " below the deployed model's"  # how engine/authoring/model_gates.anchor_gates' names end
NOTICES = {"activated": "已启用模型 {model}：此后的建议由它给出。",
           "rolled_back": "已回退到模型 {model}：此后的建议由它给出。"}
HIDDEN = ("此模型学习了本服务的审核决定，其指标是在包括涉密文件在内的决定上计算的：只向有权阅读涉密文件的角色显示"
          "（数量与指标都不显示）。")
RULES_ALONE = "本服务只用规则给出建议（GONGKAI_MODEL 为空）：没有可替换的模型。"


def _model_id(value: str) -> str:
    if not MODEL_ID.fullmatch(value):
        raise PageRefusal(404, "模型登记中没有这个模型版本。")
    return value


def _cleared(request: Request, signed: Signed) -> bool:
    return visibility.cleared(signed.actor, request.app.state.context.settings)


def _adopt(request: Request) -> None:
    """Adopt a model (or rules) another worker activated, as the API does before it answers."""
    with request.app.state.sessions() as session:
        rulesets.serving(request.app.state.context, session)


# -- the overview ---------------------------------------------------------------------------------------

def _figure_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The figures as `versions` gives them: forward beside prior_only when present, else cross-validation."""
    kinds = ["forward", "prior_only"] if "forward" in figures else ["cross_validation"]
    rows = []
    for kind in (k for k in kinds if k in figures):
        cells = [(number(f["accuracy"]), number(f["macro_f1"])) if (f := figures[kind].get(name)) else ("—", "—")
                 for name in FIELDS]
        rows.append({"kind": FIGURES_ZH[kind], "cells": cells})
    return rows


def _version_rows(versions: list[dict[str, Any]], serving: str | None, cleared: bool) -> list[dict[str, Any]]:
    rows = []
    for v in versions:
        decisions = v["decisions"] or {}
        rows.append({"id": v["model_id"], "serving": v["model_id"] == serving, "source": v["source"],
                     "registered_by": v["registered_by"], "registered_at": when(v["registered_at"]),
                     "trained_at": when(v["trained_at"]), "trained_until": when(v["trained_until"]),
                     "records": "—" if v["records"] is None else v["records"],
                     "hidden": bool(decisions) and not cleared, "from_decisions": bool(decisions),
                     "learnt_from": decisions.get("learnt_from", "—"), "held_out": decisions.get("held_out", "—"),
                     "figures": _figure_rows(v["figures"])})
    return rows


def _gates_held(validation: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [{"label": _gate_label(g), "passed": g["passed"]} for g in (validation or {}).get("gates", [])]


def _gate_label(gate: dict[str, Any]) -> str:
    return _label(gate["gate"], gate.get("metric"))


def _label(name: str, metric: str | None = None) -> str:
    """A gate's Chinese label, by its metric or its name; the gates held against the deployed model
    (engine/authoring/model_gates.anchor_gates) say so."""
    metric = metric or GATE_NAMES.get(name.removesuffix(DEPLOYED), "")
    label = GATE_LABELS_ZH.get(metric, name)
    return f"{label}（对照部署时的模型）" if name.endswith(DEPLOYED) and label != name else label


def _activation_rows(activations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": a["model_id"], "current": a["current"], "when": when(a["at"]), "actor": a["actor"],
             "action_zh": ACTIONS_ZH.get(a["action"], a["action"]), "action": a["action"], "note": a["note"] or "—",
             "gates": _gates_held(a["validation"]),
             "decisions": (a["validation"] or {}).get("decisions"),
             "in_sample": (a["validation"] or {}).get("in_sample")} for a in activations]


def _overview(request: Request, signed: Signed) -> dict[str, Any]:
    ctx, cleared = request.app.state.context, _cleared(request, signed)
    _adopt(request)
    with request.app.state.readers() as session:
        listing = classifier.versions(session, ctx, cleared)
    serving = listing["serving"]["model_id"]
    versions = _version_rows(listing["versions"], serving, cleared)
    history = _activation_rows(listing["activations"])
    earlier = list(dict.fromkeys(a["id"] for a in history if a["id"] != serving))
    return {"serving": serving, "current": next((v for v in versions if v["serving"]), None),
            "activation": next((a for a in history if a["current"]), None), "versions": versions,
            "history": history, "earlier": earlier, "cleared": cleared,
            "any_hidden": any(v["hidden"] for v in versions),
            "may_activate": signed.actor.role in PERMISSIONS["activate_models"]}


def _overview_page(request: Request, signed: Signed, status: int = 200, **values: Any) -> HTMLResponse:
    values = {"notice": None, "refused": None, "rollback": {"to": "", "note": "", "errors": {}}, **values}
    return render("models.html.j2", signed, status, here="/models", rules_alone=RULES_ALONE, hidden_why=HIDDEN,
                  **_overview(request, signed), **values)


@router.get("/models", response_class=HTMLResponse)
async def models_page(request: Request, signed: Signed = READ) -> HTMLResponse:
    notice = NOTICES.get(request.query_params.get("notice", ""))
    model = request.query_params.get("model", "")
    shown = notice.format(model=model) if notice and MODEL_ID.fullmatch(model) else None
    return await run_in_threadpool(_overview_page, request, signed, notice=shown)


# -- validation -----------------------------------------------------------------------------------------

def _validate(request: Request, signed: Signed, model_id: str) -> dict[str, Any]:
    """The API's validation (classifier.validate) over every decision the caller may read; nothing changes."""
    ctx = request.app.state.context
    _adopt(request)
    if ctx.suggester.model is None:
        raise PageRefusal(409, RULES_ALONE)
    with request.app.state.readers() as reading:  # a long read: the writer is not held through it
        try:
            return classifier.validate(ctx, request.app.state.reader_engine, reading, model_id, None,
                                       cleared=_cleared(request, signed))
        except NotFound:
            raise PageRefusal(404, f"模型登记中没有模型 {model_id}。") from None
        except Invalid as exc:
            raise PageRefusal(422, f"模型 {model_id} 无法在本机载入：{exc.detail}") from None


def _scope(out: dict[str, Any], cleared: bool) -> str:
    readable = "" if cleared else "您可阅读的"
    if out["in_sample"]:
        return f"{readable}全部已分发文件的人工决定"
    return f"候选模型训练数据截止（{when(out['trained_until'])}）之后决定的{readable}已分发文件"


def _validation_view(out: dict[str, Any], cleared: bool) -> dict[str, Any]:
    fields = [{"label": FIELD_LABELS_ZH.get(name, name),
               "accuracy": (number(f["accuracy"]["active"]), number(f["accuracy"]["candidate"])),
               "macro_f1": (number(f["macro_f1"]["active"]), number(f["macro_f1"]["candidate"]))}
              for name, f in out["fields"].items()]
    gates = [{"label": _gate_label(g), "gate": g["gate"], "metric": g.get("metric") or "",
              "active": number(g.get("active")), "candidate": number(g.get("candidate")), "passed": g["passed"],
              "found": f"现行 {g['found']['active']} 件，候选 {g['found']['candidate']} 件" if g.get("found") else ""}
             for g in out["gates"]]
    flips = [(label, out["flip_counts"].get(verdict, 0)) for verdict, label in VERDICTS_ZH.items()]
    return {"out": out, "scope": _scope(out, cleared), "fields": fields, "gates": gates, "flips": flips,
            "failed": [g["label"] for g in gates if not g["passed"]], "min_unseen": classifier.MIN_UNSEEN}


def _validation_page(request: Request, signed: Signed, out: dict[str, Any], status: int = 200,
                     **values: Any) -> HTMLResponse:
    return render("models_validation.html.j2", signed, status, here="/models",
                  **_validation_view(out, _cleared(request, signed)), **{"note": "", "note_error": None, **values})


@router.post("/models/{model_id}/validate", response_class=HTMLResponse)
async def validate(model_id: str, request: Request, signed: Signed = ACTIVATE) -> HTMLResponse:
    """Compare a registered model with the one in service on past decisions (the API's validation)."""
    out = await run_in_threadpool(_validate, request, signed, _model_id(model_id))
    return _validation_page(request, signed, out)


# -- activation and rollback ----------------------------------------------------------------------------

def _refused(exc: Conflict) -> list[str]:
    """The gates a refused activation names (classifier.activate's Conflict carries them), in Chinese."""
    return [_label(name) for name in exc.extra.get("failed", ())] or [exc.detail]


def _activate(request: Request, signed: Signed, model_id: str, note: str) -> Response:
    state = request.app.state
    if not note.strip():
        return _validation_page(request, signed, _validate(request, signed, model_id), 422, note=note,
                                note_error="请填写启用说明：为什么要启用这个模型。")
    _adopt(request)
    try:
        done = classifier.activate(state.context, state.sessions, state.readers, state.reader_engine, signed.actor,
                                   model_id, note.strip())
    except NotFound:
        raise PageRefusal(404, f"模型登记中没有模型 {model_id}。") from None
    except Invalid as exc:
        raise PageRefusal(422, f"模型 {model_id} 无法在本机载入：{exc.detail}") from None
    except Conflict as exc:
        if state.context.suggester.model is None:
            raise PageRefusal(409, RULES_ALONE) from None
        return _overview_page(request, signed, 409, refused={"model": model_id, "gates": _refused(exc)})
    return RedirectResponse(f"/models?notice=activated&model={done['model_id']}", 303)


@router.post("/models/{model_id}/activate", response_class=HTMLResponse)
async def activate(model_id: str, request: Request, signed: Signed = ACTIVATE) -> Response:
    """Put a registered model in service with the author's note, if its validation over every decision
    passes every gate (the API's activation)."""
    fields = await form(request)
    note = fields.get("note", "")[:MAX_NOTE]
    return await run_in_threadpool(_activate, request, signed, _model_id(model_id), note)


def _rollback(request: Request, signed: Signed, to: str, note: str) -> Response:
    problems = {}
    if to and not MODEL_ID.fullmatch(to):
        problems["to"] = "请从列表中选择要回退到的模型。"
    if not note.strip():
        problems["note"] = "请填写回退说明：为什么要回退。"
    if not problems:
        _adopt(request)
        try:
            done = classifier.rollback(request.app.state.context, request.app.state.sessions, signed.actor,
                                       to or None, note.strip())
            return RedirectResponse(f"/models?notice=rolled_back&model={done['model_id']}", 303)
        except NotFound:
            problems["to"] = f"模型 {to} 从未在服务中使用过：请先验证再启用它。"
        except Invalid:
            problems["to"] = "没有可以回退到的模型：在现行模型之前没有用过别的模型。"
        except Conflict:
            problems["to"] = RULES_ALONE
    return _overview_page(request, signed, 422, rollback={"to": to, "note": note, "errors": problems})


@router.post("/models/rollback", response_class=HTMLResponse)
async def rollback(request: Request, signed: Signed = ACTIVATE) -> Response:
    """Serve again a model served before (the API's rollback; no gate), with the author's note."""
    fields = await form(request)
    to, note = fields.get("to", "")[:64], fields.get("note", "")[:MAX_NOTE]
    return await run_in_threadpool(_rollback, request, signed, to, note)
