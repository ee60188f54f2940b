"""The review forms of the item page: what they offer, how a posted form becomes the API's own input
(SecrecyReviewIn, DisclosureReviewIn, ReopenIn: one code path with POST /v1/items/{id}/...), and the use
cases' refusals said in Chinese on the form.

The law stays in the use cases (api/items/review.py, engine/workflow/routing.py, engine/consistency.py):
the disclosure form leaves 主动公开 out for a marked or secret item only so that nobody is offered what
will be refused; a crafted form asking for it anyway is refused by the use case's own guard, and the
page only translates the refusal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from pydantic import ValidationError
from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from api.access.visibility import Viewer
from api.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from api.items import queries
from api.pages.layout import PageRefusal
from api.schemas import DisclosureReviewIn, ReopenIn, SecrecyReviewIn
from engine.vocabulary import EXEMPTION_ARTICLE, LABELS_ZH, Category, Column, Exemption, ItemStatus, ReviewStage, Secrecy
from models.tables import ItemRow

REASON_NEEDED = "修改建议必须填写理由。"
# The use cases' refusals (English, for the API's callers) as a reviewer reads them, with the article.
# Matched on a phrase of each message: api/items/review.py, engine/consistency.REQUIREMENTS and
# engine/workflow/publication.problems write them.
MESSAGES_ZH = (
    ("can never be proactive", "有密级标志的文件不得主动公开（《保守国家秘密法》；《条例》第十七条）。"),
    ("a secrecy marking was found", "文中发现密级标志，不得主动公开（《条例》第十七条）。"),
    ("is a state secret", "国家秘密应当不予公开，不予公开理由为“属于国家秘密”（《条例》第十四条）。"),
    ("secrecy internal", "内部/工作秘密应当不予公开（《保守国家秘密法》第六十四条）。"),
    ("withheld needs an exemption", "不予公开必须选择不予公开理由（《条例》第十四条至第十六条）。"),
    ("is given only when withheld", "只有不予公开才填写不予公开理由（《条例》第十三条）。"),
    ("needs secrecy none", "主动公开或依申请公开的信息必须经保密审核为非密（《条例》第十四条）。"),
    ("has no catalog column", "非《条例》所指政府信息不设公开目录栏目（《条例》第二条）。"),
    ("needs a catalog column", "必须选择公开目录栏目（《条例》第十二条）。"),
    ("the secrecy review decided", "保密审核的结论不是非密，不得主动公开（《条例》第十四条）。"),
    ("secrecy-risk signals not cleared", "保密审核尚未排除涉密风险提示，不得主动公开（《条例》第十七条）。"),
    ("no secrecy review", "当前版本未经保密审核，不得主动公开：请先保密审核（《条例》第十七条）。"),
    ("the secrecy review was of version", "保密审核针对的不是当前版本：请重新保密审核（《条例》第十七条）。"),
    ("no category was suggested", "建议未给出公开属性：请选择公开属性。"),
    ("changed since you read it", "您阅读后此事项已有变动（版本已更新）：请查看最新情况后重新审核。"),
    ("reviewed by someone else", "他人已同时审核了此事项：请查看最新情况后重新审核。"),
    ("already done", "此环节的审核已经完成（可能已由他人审核）。"),
    ("already reviewed and routed", "此事项已审核并分发。"),
    ("must come first", "须先完成保密审核。"),
    ("only a later stage", "此事项尚未进入该环节之后，无法退回到该环节。"),
    ("needs a reason", REASON_NEEDED),
    ("entered item", "您录入或推送了此事项，按职责分离不得审核。"),
    ("did the secrecy review", "您做了此事项的保密审核，公开方式审核须由另一人进行（职责分离）。"),
)
FALLBACK_ZH = {422: "填写有误，未作任何更改。", 409: "操作冲突，未作任何更改：请刷新后重试。", 403: "您不能审核此事项。"}


def chinese(error: ServiceError) -> list[str]:
    """The refusal's sentences in Chinese (each problem of a routing refusal on its own)."""
    if isinstance(error, NotFound):
        raise PageRefusal(404, "未找到此事项。")
    found = [zh for phrase, zh in MESSAGES_ZH if phrase in error.detail]
    return list(dict.fromkeys(found)) or [FALLBACK_ZH.get(error.status, "未能完成，未作任何更改。")]


def _version(fields: Mapping[str, str]) -> int | None:
    value = fields.get("expected_version", "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


def _text(fields: Mapping[str, str], name: str) -> str | None:
    return (fields.get(name) or "").strip() or None


class FormError(Exception):
    """The form as posted cannot become the API's input: the messages, by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _validated(model: Any, data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for problem in exc.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "form"
            errors[field] = ("内容过长（最多 4000 字）。" if problem["type"] == "string_too_long"
                             else "请从列表中选择。" if field in ("secrecy", "category", "exemption", "column", "stage")
                             else "填写有误。")
        raise FormError(errors) from None


def secrecy_input(fields: Mapping[str, str]) -> SecrecyReviewIn:
    """确认 sends the suggested level as is; 修改 a level, perhaps the signals cleared, and a reason."""
    change = fields.get("mode") == "change"
    reason = _text(fields, "reason")
    if change and reason is None:  # the page asks a reason for every 修改, even one that changes nothing
        raise FormError({"reason": REASON_NEEDED})
    return _validated(SecrecyReviewIn, {
        "secrecy": fields.get("secrecy", ""), "clear_signals": change and fields.get("clear_signals") == "1",
        "reason": reason, "leader_instruction": _text(fields, "leader_instruction") if change else None,
        "expected_version": _version(fields)})


def disclosure_input(fields: Mapping[str, str]) -> DisclosureReviewIn:
    """确认 leaves the three fields out (confirmed as suggested); 修改 sends all three ('' is none)."""
    data: dict[str, Any] = {"expected_version": _version(fields)}
    if fields.get("mode") == "change":
        reason = _text(fields, "reason")
        if reason is None:
            raise FormError({"reason": REASON_NEEDED})
        data.update({name: fields.get(name) or None for name in ("category", "exemption", "column")},
                    reason=reason, leader_instruction=_text(fields, "leader_instruction"))
    return _validated(DisclosureReviewIn, data)


def reopen_input(fields: Mapping[str, str]) -> ReopenIn:
    reason = _text(fields, "reason")
    if reason is None:
        raise FormError({"reason": "退回重审必须填写理由。"})
    return _validated(ReopenIn, {"stage": fields.get("stage", ""), "reason": reason,
                                 "expected_version": _version(fields)})


def error_field(error: ServiceError) -> str:
    """Where on the form a refusal belongs (its first field, else the form as a whole)."""
    listed = error.extra.get("errors") or []
    return str(listed[0].get("field", "form")) if listed and isinstance(error, Invalid) else "form"


def refusal_status(error: ServiceError) -> int:
    return 409 if isinstance(error, Conflict) else 403 if isinstance(error, Forbidden) else 422


# -- what the forms offer ---------------------------------------------------------------------------------

def options(no_proactive: bool) -> dict[str, list[tuple[str, str]]]:
    """The selects' values and Chinese labels. 主动公开 is not offered for a marked or secret item
    (保守国家秘密法; 条例第十四条、第十七条); the use case refuses it anyway if sent."""
    categories = [c for c in Category if not (no_proactive and c == Category.PROACTIVE)]
    return {
        "secrecy": [(s.value, LABELS_ZH[s]) for s in Secrecy],
        "category": [(c.value, LABELS_ZH[c]) for c in categories],
        "exemption": [("", "无（不予公开时必选）")] + [
            (e.value, f"{LABELS_ZH[e]}（《条例》第{EXEMPTION_ARTICLE[e]}条）") for e in Exemption],
        "column": [("", "无（非政府信息不设栏目）")] + [(c.value, LABELS_ZH[c]) for c in Column],
        "stage": [(s.value, LABELS_ZH[s]) for s in ReviewStage],
    }


def reopen_stages(status: str) -> list[tuple[str, str]]:
    """The stages an item at `status` can be sent back to (only earlier ones)."""
    order = tuple(ItemStatus)
    return [(s.value, LABELS_ZH[s]) for s in ReviewStage if order.index(ItemStatus(s.value)) < order.index(ItemStatus(status))]


# -- the queue's next item ----------------------------------------------------------------------------------

def next_in_queue(session: Session, viewer: Viewer, stage: str, after: ItemRow | None, today: dt.date) -> int | None:
    """The item after `after` in the queue's own order (queries.queue: overdue first, then the riskiest,
    then the oldest), else the queue's first other than it: one indexed query, not a walk of the queue."""
    overdue = case((ItemRow.due_on < today, 0), else_=1)
    base = queries.filtered(select(ItemRow.id).where(ItemRow.status == stage), viewer)
    order = [overdue, ItemRow.risk.desc(), ItemRow.closed_on, ItemRow.id]
    if after is not None:
        mine = 0 if after.due_on < today else 1
        later = or_(overdue > mine, and_(overdue == mine, or_(
            ItemRow.risk < after.risk, and_(ItemRow.risk == after.risk, or_(
                ItemRow.closed_on > after.closed_on,
                and_(ItemRow.closed_on == after.closed_on, ItemRow.id > after.id))))))
        found = session.scalar(base.where(later).order_by(*order).limit(1))
        if found is not None:
            return int(found)
        base = base.where(ItemRow.id != after.id)
    first = session.scalar(base.order_by(*order).limit(1))
    return int(first) if first is not None else None


# After a form: where the person lands, and what the notice there says (codes only: no text is carried).
NOTICES = {
    "secrecy_confirm": "事项 {item} 的保密审核已完成：确认建议的密级，已转公开方式审核。",
    "secrecy_change": "事项 {item} 的保密审核已完成：已修改密级并记录理由，已转公开方式审核。",
    "disclosure_confirm": "事项 {item} 的公开方式审核已完成：确认建议，已分发至{store}。",
    "disclosure_change": "事项 {item} 的公开方式审核已完成：已修改并记录理由，已分发至{store}。",
    "reopen": "事项 {item} 已退回重审，理由已记录。",
}
