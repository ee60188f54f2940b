"""The printable 办文单 (routing slip) of an item (issue 16; the spec: applications.md §4.1): one A4
page with the document's routing fields and the block 政府信息公开属性, with boxes for the leader to mark
(圈审), and a QR code of the item id so the marked slip can be scanned back.

The same authorisation and the same read as GET /v1/items/{id} (allow("read_item"), queries.item, views.full;
a person without a session is sent to sign in first): a caller who may not read the item gets the API's 403/404, and a secret item's content (title, text,
suggestion, reasons) is left out exactly as the API view leaves it out. A marked document (any secrecy
marking, or a secrecy level other than none: api/access/visibility.is_secret) prints 公开属性 fixed to
不予公开, with no other box to circle.

Autoescaped template, no script, no external address (an intranet has no internet); the page's own <style>
is allowed by its hash (api/headers.page_policy). The QR code is inline SVG made here by segno.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Depends, Path
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from api.access.visibility import Viewer, is_secret
from api.context import Actor
from api.deps import ContextDep, SessionDep
from api.pages.layout import person_or_system
from api.headers import page_policy
from api.items import queries, views
from api.schemas import MAX_ID
from engine.vocabulary import CLASSIFIED, EXEMPTION_ARTICLE, FIELD_LABELS_ZH, LABELS_ZH, Category, FieldStatus, ReviewStage, Secrecy

router = APIRouter()
READ_ITEM = person_or_system("read_item")  # a person signs in first; a system's token is checked as the API's
ItemId = Annotated[int, Path(ge=0, le=MAX_ID, description="an item's id")]

# The document's routing fields gongkai has (§4.1 keeps the OA's; the others are the OA's own); the title
# first, on a row of its own.
ROUTING_FIELDS = ("title", "doc_number", "doc_type", "secrecy_marking", "division", "agency", "date", "closed_on")
HIDDEN = "（无权查看）"  # a secret item's content, to a role not cleared for it (as the API leaves it out)
NONE = "—"
QR_PREFIX = "gongkai:item:"
QR_OPTIONS: dict[str, Any] = {"scale": 3, "border": 2}  # segno's svg_inline: 3 px a module, the quiet zone 2
MAX_HITS = 6  # 建议依据 stays short: the rules that fired, then the model's top probabilities
MAX_TEXT = 120  # a review's reason is cut here on paper (one page)
DIGITS = "零一二三四五六七八九"


def qr_svg(item_id: int) -> str:
    """The QR code of `gongkai:item:<id>` as inline SVG (no XML declaration, no namespace needed in HTML)."""
    return str(segno.make(f"{QR_PREFIX}{item_id}", error="m").svg_inline(**QR_OPTIONS))


def article_zh(number: int) -> str:
    """条例第十四条 from 14 (1 to 99)."""
    tens, ones = divmod(number, 10)
    if not tens:
        return f"第{DIGITS[ones]}条"
    return f"第{DIGITS[tens] if tens > 1 else ''}十{DIGITS[ones] if ones else ''}条"


@router.get("/items/{item_id}/slip", response_class=HTMLResponse)
def slip(item_id: ItemId, session: SessionDep, ctx: ContextDep,
         actor: Actor = Depends(READ_ITEM)) -> HTMLResponse:
    """The 办文单 of one item, to print on A4."""
    item = queries.item(session, Viewer(actor, ctx.settings), item_id)
    view = views.full(item, actor, ctx.settings)
    html = render(view, fixed=is_secret(item))
    response = HTMLResponse(html)
    response.headers["Content-Security-Policy"] = page_policy(html)
    return response


def render(view: dict[str, Any], *, fixed: bool) -> str:
    """The page of an item's API view (views.full); `fixed`: 公开属性 is 不予公开 and nothing else."""
    return _environment().get_template("pages/slip.html.j2").render(
        slip=slip_content(view, fixed=fixed), qr=Markup(qr_svg(view["id"])),  # segno's own SVG: safe
        generated_on=views.today_in_china().isoformat())


@functools.cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("api", "templates"), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def slip_content(view: dict[str, Any], *, fixed: bool) -> dict[str, Any]:
    """What the slip shows, as labelled texts (the template only lays them out)."""
    readable = not view["restricted"]
    suggested = _suggested(view)
    # The disclosure review decides category, exemption and column together: once it has, its values
    # (an exemption left empty stays empty), else the suggestion's.
    decided = view["decision"]
    current = decided if decided["category"] is not None else {**decided, **suggested}
    exemption = current["exemption"]
    routing = _routing(view, readable)
    return {
        "id": view["id"], "index_number": view["index_number"] or "未编号", "readable": readable,
        "title": routing[0], "routing": routing[1:],
        "secrecy": _secrecy(view, suggested, readable),
        "category": _boxes(current["category"], fixed),
        "fixed": fixed,
        "exemption": (f"{LABELS_ZH[exemption]}（《条例》{article_zh(EXEMPTION_ARTICLE[exemption])}）"
                      if exemption else NONE),
        "column": LABELS_ZH[current["column"]] if current["column"] else NONE,
        "timing": NONE if fixed or current["category"] != Category.PROACTIVE else
        f"政府网站等；应于 {view['due_on']} 前公开（《条例》{article_zh(26)}：形成或者变更之日起20个工作日内）",
        "basis": _basis(view["suggestion"], fixed) if readable else [HIDDEN],
        "disclosure_review": _reviewed(view, ReviewStage.DISCLOSURE_REVIEW, with_reason=True),
        "labels": {k: FIELD_LABELS_ZH[k] for k in ("category", "exemption", "column")},
    }


def _suggested(view: dict[str, Any]) -> dict[str, str | None]:
    """The suggested value of each decided field (none for a caller who may not read the suggestion)."""
    if view["suggestion"] is None:
        return {}
    return {name: field["value"] for name, field in view["suggestion"]["suggestion"].items()}


def _routing(view: dict[str, Any], readable: bool) -> list[tuple[str, str]]:
    document = view["versions"][-1].get("document") or {}
    rows = []
    for name in ROUTING_FIELDS:
        if name in ("division", "closed_on"):  # the item's own, shown to every reader like the API's summary
            value = view[name]
        elif not readable:
            value = HIDDEN
        else:
            value = document.get(name)
        rows.append((FIELD_LABELS_ZH[name], str(value) if value not in (None, "") else NONE))
    return rows


def _secrecy(view: dict[str, Any], suggested: dict[str, str | None], readable: bool) -> dict[str, str]:
    level = suggested.get("secrecy")
    if not readable:
        proposal = HIDDEN
    elif level is None:
        proposal = "未定（由保密审查决定）"
    else:
        proposal = "非密" if level == Secrecy.NONE else f"{'涉密' if level in CLASSIFIED else '非密'}（{LABELS_ZH[level]}）"
    decided = view["decision"]["secrecy"]
    return {"suggested": proposal, "decided": LABELS_ZH[decided] if decided else "未审查",
            "review": _reviewed(view, ReviewStage.SECRECY_REVIEW)}


def _boxes(value: str | None, fixed: bool) -> list[dict[str, Any]]:
    """The boxes of 公开属性: the four, the current one ticked; a marked document only 不予公开."""
    shown = [Category.WITHHELD] if fixed else list(Category)
    return [{"label": LABELS_ZH[c], "ticked": fixed or c == value} for c in shown]


def _reviewed(view: dict[str, Any], stage: str, *, with_reason: bool = False) -> str:
    """Who reviewed at `stage` and when (the latest review), and why the suggestion was changed."""
    done = [r for r in view["reviews"] if r["stage"] == stage]
    if not done:
        return "未审查"
    last = done[-1]
    text = f"{last['actor']}，{last['at'][:10]}"
    if with_reason and last["changed"]:
        reason = last["reason"] if last["reason"] is not None else HIDDEN
        text += f"；改变建议的理由：{_short(reason)}"
    return text


def _short(text: str) -> str:
    """A long text cut so the slip stays one page (the whole is in the item's history)."""
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…（全文见系统）"


def _basis(suggestion: dict[str, Any] | None, fixed: bool) -> list[str]:
    """The rules that fired (id and article) and the model's likeliest value per field, short. On a marked
    document the model's 公开属性 is left out: no other value than 不予公开 may be printed to circle."""
    if suggestion is None:
        return [NONE]
    lines = [f"规则 {hit['id']}（{hit['citation']}）" for hit in suggestion["hits"][:MAX_HITS]]
    scores = []
    for name, field in suggestion["suggestion"].items():
        model = field.get("model")
        if model and field["status"] != FieldStatus.NOT_APPLICABLE and not (fixed and name == "category"):
            scores.append(f"{FIELD_LABELS_ZH[name]} {LABELS_ZH.get(model['value'], model['value'])} "
                          f"{model['probability']:.2f}")
    if scores:
        lines.append("模型：" + "；".join(scores))
    return lines or [NONE]
