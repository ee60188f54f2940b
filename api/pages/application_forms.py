"""The application pages' forms (issue 17): what each form asks, how a posted form becomes the API's own input
(ApplicationIn, ConfirmIn, AssignIn, EventIn of api/applications/schemas.py: one code path with the JSON routes),
and the use cases' errors and refusals said in Chinese, next to the field they are about.

The law stays in the use cases (api/applications/register.py, handle.py) and the lifecycle
(engine/applications/lifecycle.py): a transition form is offered only where an arrow leaves the current status,
but a crafted form for another one is refused by the lifecycle itself, and the page only translates the refusal
(its rule and article). A form field is named after the input's field, nested ones joined by "_"
(applicant_name is ApplicationIn.applicant.name), so a pydantic error finds its field by its location.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from pydantic import BaseModel, ValidationError

from api.applications.schemas import ApplicantIn, ApplicationIn, AssignIn, ConfirmIn, ConfirmationIn, EventIn, FeeIn
from api.pages.entry_form import message
from engine.applications.lifecycle import ARROWS
from engine.vocabulary import (APPLICATION_LABELS_ZH, ApplicantKind, ApplicationOutcome, Delivery, FeeMethod,
                               FormRequested, OrgSubtype)
from engine.workflow.working_days import CHINA_TIME

CHANNEL_ZH = {"in_person": "当面提交", "oral": "口头提出（当场记录）", "post_signed": "邮寄（挂号、EMS、快递，已签收）",
              "post_ordinary": "平常信函", "online": "网上申请（平台）", "email": "电子邮件", "fax": "传真"}
BASIS_ZH = {"handed_in": "提交之日（条例第三十一条第一项）", "signed_for": "签收之日（条例第三十一条第二项）",
            "confirmed": "双方确认之日（条例第三十一条第二项、第三项）"}

FIELD_ZH = {
    "channel": "申请方式", "submitted_at": "提交（发出）时间", "arrived_on": "信函收到日期", "signed_for_on": "签收日期",
    "confirmation_at": "确认时间", "confirmation_way": "确认方式", "confirmation_staff": "确认经办人",
    "applicant_kind": "申请人类型", "applicant_org_subtype": "组织类别", "applicant_name": "申请人姓名或名称",
    "applicant_id_type": "身份证件类型", "applicant_id_number": "身份证件号码", "applicant_phone": "联系电话",
    "applicant_address": "通信地址", "applicant_email": "电子邮箱", "agent_name": "代理人", "agent_contact": "代理人联系方式",
    "description": "申请获取的政府信息", "items": "申请件数", "form_requested": "获取信息的方式", "delivery": "送达方式",
    "purpose": "申请用途（可不填）", "handler_division": "承办处室",
    "on": "办理日期", "why": "说明", "outcome": "答复结果", "approved_by": "批准人", "notice_sent_on": "告知申请人日期",
    "working_days": "延长工作日数", "applicant_received_on": "申请人收到日期", "period_working_days": "补正期限（工作日）",
    "received_on": "补正材料收到日期", "recipient_received_on": "对方收到征求意见函日期", "replied_on": "对方答复日期",
    "delayed_until": "延迟答复的合理期限", "fee_method": "收费方式", "fee_basis": "页数（按量计收）",
    "fee_amount": "金额（元）", "fee_waiver_reason": "减免理由",
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text | date | moment (datetime-local, Beijing time) | number | textarea | select
    hint: str = ""
    required: bool = False


CHOICES: dict[str, list[tuple[str, str]]] = {
    "channel": list(CHANNEL_ZH.items()),
    "applicant_kind": [(k.value, APPLICATION_LABELS_ZH[k]) for k in ApplicantKind],
    "applicant_org_subtype": [("", "（自然人不填）")] + [(k.value, APPLICATION_LABELS_ZH[k]) for k in OrgSubtype],
    "form_requested": [(k.value, APPLICATION_LABELS_ZH[k]) for k in FormRequested],
    "delivery": [(k.value, APPLICATION_LABELS_ZH[k]) for k in Delivery],
    "outcome": [("", "（请选择）")] + [(k.value, APPLICATION_LABELS_ZH[k]) for k in ApplicationOutcome],
    "fee_method": [("", "（请选择）")] + [(k.value, APPLICATION_LABELS_ZH[k]) for k in FeeMethod],
}

# The registration form, in groups: how it came (条例第三十一条), who asks (第二十九条第二款第（一）项),
# what and how (第（二）项、第（三）项), and who handles it.
REGISTER_GROUPS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    ("收件（条例第三十一条：收到申请之日）", (
        Field("channel", "select", required=True),
        Field("submitted_at", "moment", "当面、口头提交的时间；网上、电子邮件、传真为发出时间（北京时间）"),
        Field("arrived_on", "date", "平常信函到达本机关的日期"),
        Field("signed_for_on", "date", "挂号信、EMS、快递：本机关签收的日期"),
        Field("confirmation_at", "moment", "平常信函、网上、电子邮件、传真：与申请人确认收到的时间；未确认的留空，登记后再确认"),
        Field("confirmation_way", "text", "如：电话、短信、平台回复"),
        Field("confirmation_staff", "text", "与申请人确认的工作人员"))),
    ("申请人", (
        Field("applicant_kind", "select", required=True),
        Field("applicant_org_subtype", "select", "法人或其他组织须选择（年度报表表三的栏目）"),
        Field("applicant_name", "text", required=True),
        Field("applicant_id_type", "text", "如：居民身份证；组织填统一社会信用代码"),
        Field("applicant_id_number", "text"),
        Field("applicant_phone", "text"), Field("applicant_address", "text"), Field("applicant_email", "text"),
        Field("agent_name", "text", "委托代理人的，填写代理人姓名"), Field("agent_contact", "text"))),
    ("申请内容", (
        Field("description", "textarea", "申请获取的政府信息的名称、文号或者便于查询的其他特征性描述", required=True),
        Field("items", "number", "一份申请中包含的事项数，默认 1"),
        Field("form_requested", "select", required=True), Field("delivery", "select", required=True),
        Field("purpose", "text"))),
    ("办理", (Field("handler_division", "text", "可登记后再交办"),)),
)
REGISTER_NAMES = tuple(f.name for _, group in REGISTER_GROUPS for f in group)

CONFIRM_FIELDS = (Field("confirmation_at", "moment", "北京时间", True), Field("confirmation_way", "text", "如：电话、短信", True),
                  Field("confirmation_staff", "text", required=True))
ASSIGN_FIELDS = (Field("handler_division", "text", required=True), Field("why", "text"))

_ON = Field("on", "date", "默认今天，不能晚于今天")
_WHY = Field("why", "textarea")


@dataclass(frozen=True)
class Transition:
    label: str
    basis: str
    fields: tuple[Field, ...]


# Every arrow of the lifecycle a person posts (confirm has its own form), with the facts it needs.
TRANSITIONS: dict[str, Transition] = {
    "start": Transition("开始办理", "", (_ON, _WHY)),
    "answer_on_the_spot": Transition("当场答复", "条例第三十三条第一款", (_ON, Field("outcome", "select", required=True), _WHY)),
    "request_correction": Transition("一次性告知补正", "条例第三十条", (
        _ON, Field("applicant_received_on", "date", "申请人收到补正告知的日期（补正期限由此起算）"),
        Field("period_working_days", "number", "合理的补正期限，默认 15 个工作日"), _WHY)),
    "correction_received": Transition("收到补正材料", "条例第三十条：答复期限重新起算",
                                      (_ON, Field("received_on", "date", "默认为办理日期"), _WHY)),
    "correction_lapsed": Transition("逾期未补正，视为放弃", "条例第三十条", (_ON, _WHY)),
    "request_reason": Transition("要求说明理由", "条例第三十五条", (_ON, _WHY)),
    "reason_unreasonable": Transition("理由不合理，不予处理", "条例第三十五条", (_ON, _WHY)),
    "reason_accepted": Transition("理由合理，继续办理", "条例第三十五条", (
        _ON, Field("delayed_until", "date", "不能在法定期限内答复的，确定延迟答复的合理期限（须写理由和批准人）"),
        Field("approved_by", "text"), _WHY)),
    "consult_third_party": Transition("征求第三方意见", "条例第三十二条（所需时间不计算在期限内）", (
        _ON, Field("recipient_received_on", "date", "第三方收到征求意见书的日期"), _WHY)),
    "consult_agency": Transition("征求其他机关意见", "条例第三十四条（所需时间不计算在期限内）", (
        _ON, Field("recipient_received_on", "date", "对方收到征求意见函的日期"), _WHY)),
    "consultation_ended": Transition("征求意见结束", "条例第三十二条、第三十四条", (
        _ON, Field("replied_on", "date", "对方答复的日期；逾期未答复的留空"),
        Field("recipient_received_on", "date", "之前未记录的，补记对方收到日期"), _WHY)),
    "send_fee_notice": Transition("发出收费通知", "条例第四十二条、《政府信息公开信息处理费管理办法》", (
        _ON, Field("fee_method", "select", required=True),
        Field("fee_basis", "number", "按量计收：提供信息的页数；按件计收不填，由登记簿按申请人当月申请件次计算"),
        Field("fee_waiver_reason", "text", "减免的，写明理由"),
        Field("applicant_received_on", "date", "申请人收到收费通知的日期"), _WHY)),
    "fee_paid": Transition("已缴费", "《政府信息公开信息处理费管理办法》", (_ON, _WHY)),
    "fee_lapsed": Transition("逾期未缴费，视为放弃", "《政府信息公开信息处理费管理办法》", (_ON, _WHY)),
    "extend": Transition("延长答复期限", "条例第三十三条第二款：经信息公开工作机构负责人同意，延长不超过20个工作日", (
        _ON, Field("approved_by", "text", "信息公开工作机构负责人", True),
        Field("notice_sent_on", "date", "告知申请人的日期，默认为办理日期"),
        Field("working_days", "number", "默认 20，最多 20"), Field("why", "textarea", "延长的理由", True))),
    "draft_answer": Transition("答复拟稿", "", (_ON, Field("outcome", "select", "已确定的可先选择"), _WHY)),
    "set_outcome": Transition("确定或修改答复结果", "条例第三十六条", (_ON, Field("outcome", "select", required=True), _WHY)),
    "approve_answer": Transition("审核签发答复", "", (_ON, _WHY)),
    "dispatch_answer": Transition("发出答复", "条例第三十三条：以发出之日计算是否按期", (_ON, _WHY)),
    "serve": Transition("记录送达", "申请人已收到答复", (_ON, _WHY)),
    "withdraw": Transition("申请人撤回", "", (_ON, Field("why", "textarea", "默认“申请人撤回”"))),
    "archive": Transition("归档", "条例第四十五条", (_ON, _WHY)),
}
assert set(TRANSITIONS) == set(ARROWS) - {"confirm"}, "every arrow of the lifecycle has its form"


def offered(status: str) -> list[str]:
    """The transitions the lifecycle allows from `status`, in the lifecycle's order."""
    return [kind for kind, (sources, _) in ARROWS.items() if kind in TRANSITIONS and status in sources]


class FormError(Exception):
    """The form cannot become the input: each field's message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _text(fields: Mapping[str, str], name: str) -> str:
    return fields.get(name, "").strip()


def _moment(fields: Mapping[str, str], name: str, errors: dict[str, str]) -> dt.datetime | str | None:
    """A datetime-local value, in Beijing time unless it says its zone."""
    value = _text(fields, name)
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        errors[name] = f"{FIELD_ZH[name]}不是有效的时间：请按 年-月-日 时:分 填写，如 2026-12-07 09:30。"
        return value
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA_TIME)


def _validated(model: type[BaseModel], data: dict[str, Any], errors: dict[str, str]) -> Any:
    try:
        value = model.model_validate(data)
    except ValidationError as exc:
        errors.update({k: v for k, v in chinese(exc, model).items() if k not in errors})
        return None
    return None if errors else value


def chinese(exc: ValidationError, model: type[BaseModel]) -> dict[str, str]:
    """Each field's first error in Chinese, by form field name (a nested location joined by "_")."""
    nested = {"applicant": ApplicantIn, "confirmation": ConfirmationIn, "fee": FeeIn}
    out: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        inner, rest = model, loc
        if len(loc) > 1 and loc[0] in nested:
            inner, rest = nested[loc[0]], loc[1:]
        name = "_".join(loc) if len(loc) > 1 else (loc[0] if loc else "")
        if loc == ["applicant"]:  # the model's own check: a legal person's column, and only theirs
            name = "applicant_org_subtype"
            out.setdefault(name, "法人或其他组织须选择组织类别；自然人不选。")
            continue
        if loc[:1] == ["agent"]:
            name = "agent_name"
        out.setdefault(name, message({**error, "loc": tuple(rest)}, inner, FIELD_ZH.get(name, name)))
    return out


def application_input(fields: Mapping[str, str]) -> ApplicationIn:
    """The registration form as ApplicationIn, or FormError with each field's message."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {k: _text(fields, k) or None for k in ("channel", "arrived_on", "signed_for_on",
                                                                 "form_requested", "delivery", "handler_division")}
    data |= {"submitted_at": _moment(fields, "submitted_at", errors),
             "description": fields.get("description", "").strip(), "purpose": _text(fields, "purpose"),
             "items": _text(fields, "items") or 1}
    if any(_text(fields, f"confirmation_{k}") for k in ("at", "way", "staff")):
        data["confirmation"] = {"at": _moment(fields, "confirmation_at", errors),
                                "way": _text(fields, "confirmation_way"), "staff": _text(fields, "confirmation_staff")}
    if _text(fields, "agent_name") or _text(fields, "agent_contact"):
        data["agent"] = {"name": _text(fields, "agent_name"), "contact": _text(fields, "agent_contact")}
        if not data["agent"]["name"]:
            errors["agent_name"] = "填写了代理人联系方式的，请填写代理人姓名。"
    data["applicant"] = {k: _text(fields, f"applicant_{k}") for k in
                         ("kind", "name", "id_type", "id_number", "phone", "address", "email")}
    data["applicant"]["org_subtype"] = _text(fields, "applicant_org_subtype") or None
    data = {k: v for k, v in data.items() if v is not None}
    kind, subtype = data["applicant"]["kind"], data["applicant"]["org_subtype"]
    if kind and (kind == ApplicantKind.LEGAL_PERSON) != (subtype is not None):  # said with the others at once
        errors["applicant_org_subtype"] = "法人或其他组织须选择组织类别；自然人不选。"
    result = _validated(ApplicationIn, data, errors)
    if result is None:
        raise FormError(errors)
    return result  # type: ignore[no-any-return]


def lock_version(fields: Mapping[str, str]) -> int | None:
    value = fields.get("lock_version", "")
    return int(value) if value.isdigit() and int(value) < 2**31 else None


def confirm_input(fields: Mapping[str, str]) -> ConfirmIn:
    errors: dict[str, str] = {}
    data = {"confirmation": {"at": _moment(fields, "confirmation_at", errors), "way": _text(fields, "confirmation_way"),
                             "staff": _text(fields, "confirmation_staff")}, "lock_version": lock_version(fields)}
    result = _validated(ConfirmIn, data, errors)
    if result is None:
        raise FormError(errors)
    return result  # type: ignore[no-any-return]


def assign_input(fields: Mapping[str, str]) -> AssignIn:
    errors: dict[str, str] = {}
    data = {"handler_division": _text(fields, "handler_division"), "why": _text(fields, "why"),
            "lock_version": lock_version(fields)}
    result = _validated(AssignIn, data, errors)
    if result is None:
        raise FormError(errors)
    return result  # type: ignore[no-any-return]


def event_input(fields: Mapping[str, str]) -> EventIn:
    """A transition form as EventIn: only the fields of its kind are read (an empty one is left out)."""
    kind = fields.get("kind", "")
    if kind not in TRANSITIONS:
        raise FormError({"kind": "没有这项办理操作。"})
    data: dict[str, Any] = {"kind": kind, "lock_version": lock_version(fields)}
    fee: dict[str, Any] = {}
    for spec in TRANSITIONS[kind].fields:
        value = fields.get(spec.name, "").strip() if spec.name != "why" else fields.get("why", "").strip()
        if not value:
            continue
        if spec.name.startswith("fee_"):
            fee[spec.name.removeprefix("fee_")] = value
        else:
            data[spec.name] = value
    if fee:
        data["fee"] = fee
    errors: dict[str, str] = {}
    result = _validated(EventIn, data, errors)
    if result is None:
        raise FormError(errors)
    return result  # type: ignore[no-any-return]
