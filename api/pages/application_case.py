"""What the application pages show, in Chinese, from the API's own views of an application
(api/applications/views.summary and full): a list row with its days left and badges, the case's record, its
answer clock (both deadlines, the pauses, the extension, working days left, warnings), and its timeline.
Nothing here decides who sees what or what the law allows: the views and the use cases have done that."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping

from api.applications.queries import OPEN_STATUSES
from api.pages.application_forms import BASIS_ZH, CHANNEL_ZH, TRANSITIONS
from api.pages.layout import when
from engine.applications.clock_events import ClockSettings
from engine.applications.clock_report import warning_level
from engine.applications.lifecycle import PAUSED
from engine.vocabulary import APPLICATION_LABELS_ZH
from engine.workflow.working_days import WorkingCalendar

NONE = "—"
SHORT = 60  # characters of a description in the list
WARN_AT = ClockSettings().warn_working_days_before
KIND_ZH = {"receive": "登记收件", "confirm": "确认收到申请", "assign": "交办处室",
           **{kind: t.label for kind, t in TRANSITIONS.items()}}
DETAIL_ZH = {"received_on": "收到申请之日", "deadline": "原答复期限", "extended_to": "延长至", "approved_by": "批准人",
             "notice_sent_on": "告知申请人日期", "outcome": "答复结果", "method": "收费方式", "basis": "计费基数",
             "amount": "金额（元）", "period_ends_on": "补正期限届满", "pay_by": "缴费期限届满", "delayed_until": "延迟至",
             "from": "原承办处室", "to": "承办处室", "reg_no": "登记号", "warnings": "提示",
             "report_row": "年度报表表三"}
PAUSE_ZH = {"third_party": "征求第三方意见", "other_agency": "征求其他机关意见", "fee": "收费通知（待缴费）"}
PAUSE_STATUS_ZH = {"waiting": "等待中", "replied": "已答复", "replied_late": "逾期答复", "no_reply": "期满未答复",
                   "paid": "已缴费", "paid_late": "逾期缴费", "lapsed": "逾期未缴费"}
SILENCE_ZH = {"third_party": "第三方逾期未提出意见的，由本机关依照条例决定（条例第三十二条）",
              "other_agency": "逾期未提出意见的视为同意公开（条例第三十四条）"}
_UNKNOWN_YEAR = re.compile(r"(\d{4}) (?:is outside the known holiday calendar|has no official holiday data)")
ROLE_ZH = {"office": "信息公开工作机构", "clerk": "处室信息员", "supervisor": "监察考核", "admin": "系统管理员"}


def label(value: Any) -> str:
    if value is None or value == "":
        return NONE
    return APPLICATION_LABELS_ZH.get(value, str(value))


def days_left(calendar: WorkingCalendar, today: dt.date, summary: Mapping[str, Any]) -> int | None:
    """Working days from today to the effective deadline of an open application (negative: overdue)."""
    due = summary["effective_deadline"]
    if due is None or summary["status"] not in OPEN_STATUSES:
        return None
    return calendar.working_days_between(today, dt.date.fromisoformat(due))


def row_view(summary: Mapping[str, Any], calendar: WorkingCalendar, today: dt.date) -> dict[str, Any]:
    """A list row: the summary with its shortened description, days left and badges."""
    left = days_left(calendar, today, summary)
    text = summary["description"]
    return {**summary, "short": text if len(text) <= SHORT else text[:SHORT] + "…",
            "channel_zh": CHANNEL_ZH.get(summary["channel"], summary["channel"]), "left": left,
            "warning": not summary["overdue"] and warning_level(left, WARN_AT) is not None,
            "paused": summary["status"] in PAUSED}


def warnings_zh(warnings: list[str]) -> list[str]:
    out = []
    for text in warnings:
        year = _UNKNOWN_YEAR.search(text)
        out.append(f"{year.group(1)}年的节假日安排尚未录入工作日历：只跳过了周末，期限可能偏早，暂定。" if year
                   else f"系统提示：{text}")
    return list(dict.fromkeys(out))


def clock_view(clock: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if clock is None:
        return None
    pauses = [{"kind": PAUSE_ZH.get(p["kind"], p["kind"]), "started_on": p["started_on"], "ends_on": p["ends_on"] or NONE,
               "reply_due_on": p["reply_due_on"] or NONE, "answered_on": p["answered_on"] or NONE,
               "status": PAUSE_STATUS_ZH.get(p["status"], p["status"]), "working_days": p["working_days"],
               "silence": SILENCE_ZH.get(p["kind"]) if p["status"] == "no_reply" else None} for p in clock["pauses"]]
    return {**clock, "pauses": pauses, "warnings_zh": warnings_zh(clock["warnings"])}


def timeline_view(timeline: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for e in timeline:
        details = [(DETAIL_ZH.get(k, k), label(v) if k == "outcome" else (v or NONE)) for k, v in e["details"].items()
                   if k != "warnings" or v not in ("[]", "()")]
        out.append({"seq": e["seq"], "kind": KIND_ZH.get(e["kind"], e["kind"]), "on": e["on"], "at": when(e["at"]),
                    "actor": e["actor"], "role": ROLE_ZH.get(e["role"], e["role"]), "why": e["why"],
                    "from": label(e["from_status"]) if e["from_status"] else NONE, "to": label(e["to_status"]),
                    "details": details})
    return out


def record_view(case: Mapping[str, Any]) -> dict[str, Any]:
    """The record's facts, each as (label, value), in the order of the paper 登记表."""
    applicant = case["applicant"]
    who = [("申请人", applicant.get("name", NONE)), ("申请人类型", label(applicant.get("kind")))]
    if applicant.get("org_subtype"):
        who.append(("组织类别", label(applicant["org_subtype"])))
    who += [(name, applicant[key]) for key, name in (("id_type", "身份证件类型"), ("id_number", "身份证件号码"),
                                                   ("phone", "联系电话"), ("address", "通信地址"), ("email", "电子邮箱"))
            if applicant.get(key)]
    agent = case["agent"] or {}
    if agent:
        who.append(("代理人", "，".join(v for v in (agent.get("name"), agent.get("contact")) if v)))
    confirmation = case["confirmation"]
    receipt = [("申请方式", CHANNEL_ZH.get(case["channel"], case["channel"])),
               ("提交（发出）时间", when(case["submitted_at"])), ("信函收到日期", case["arrived_on"] or NONE),
               ("签收日期", case["signed_for_on"] or NONE),
               ("与申请人确认", NONE if confirmation is None else
                f"{when(confirmation['at'])}，{confirmation['way']}，经办人 {confirmation['staff']}"),
               ("收到申请之日", case["received_on"] or "尚未确定（待确认收到）"),
               ("依据", BASIS_ZH.get(case["receipt_basis"], case["receipt_basis"] or NONE)),
               ("登记人", case["recorded_by"]), ("登记时间", when(case["created_at"]))]
    request = [("申请获取的政府信息", case["description"]), ("申请件数", str(case["items"])),
               ("获取信息的方式", label(case["form_requested"])), ("送达方式", label(case["delivery"])),
               ("申请用途", case["purpose"] or NONE), ("承办处室", case["handler_division"] or "尚未交办")]
    return {"who": who, "receipt": receipt, "request": request}
