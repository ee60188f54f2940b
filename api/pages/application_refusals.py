"""The application use cases' errors and refusals as a disclosure officer reads them (issue 17).

The use cases answer in English for the API's callers; a refusal of the law (409) carries its rule and article
(api/applications/handle.py: LifecycleError and ClockRefused of engine/applications), and the page says it in
Chinese with the same rule and article, on the form that was posted, with what was typed kept. A rule this table
does not know still gets a Chinese sentence naming its rule and article: a person is never shown a bare 409.
"""

from __future__ import annotations

from typing import Any, Collection

from api.errors import Conflict, Invalid, NotFound, ServiceError
from api.pages.layout import PageRefusal

# engine/applications/lifecycle.py's rules, and engine/applications/clock.py's (named by a phrase there).
RULES_ZH = {
    "state": "当前状态下不能进行此项办理",
    "concluded": "申请已办结，除归档（或已发出答复的送达）外不能再变更",
    "archived": "申请已归档，不能再变更",
    "attributed": "每一步办理须写明经办人",
    "in_order": "办理日期早于上一步办理的日期",
    "concluded_outcome": "办结的申请须有且只有一个答复结果",
    "answer_outcome": "尚未确定答复结果，不能签发或发出答复",
    "outcome_mapping": "该答复结果在年度报表表三中没有对应栏目",
    "receipt_date": "收到日期晚于登记日期",
    "one_correction": "补正须一次性告知，不能第二次要求补正",
    "not_lapsed": "期限尚未届满",
    "delay_reasoned": "确定延迟答复的合理期限须写明理由和批准人",
    "one_fee_method": "同一申请只能按一种方式收费",
    "fee_due": "没有应缴费用（免费或已减免），不发收费通知",
    "one_extension": "答复期限只能延长一次",
    "extension_approved": "延长答复期限须写明理由，经信息公开工作机构负责人同意，并在批准后告知申请人",
    "extension_after_delay": "已按第三十五条确定合理期限，不能再延长",
    "extension_in_time": "答复期限已过或未在计算，不能延长",
    "extension_later": "延长后的期限须晚于原期限",
    "extension refused": "不能延长答复期限",
    "delayed answer refused": "不能确定延迟答复的期限",
    "answered on the spot": "已当场答复，不计算答复期限",
    "already answered": "已发出答复，期限不再变化",
    "before receipt": "日期早于收到申请之日",
    "a second correction notice is refused": "补正须一次性告知，不能第二次要求补正",
    "correction notice too late": "申请已在办理中（中止、延长或延迟），不能再要求补正",
    "correction notice": "申请人收到补正告知的日期早于发出日期",
    "correction period": "补正期限至少为一个工作日",
    "corrected copy without a correction notice": "未发出补正告知，不能记录补正材料",
    "corrected copy already received": "补正材料已经收到，答复期限已重新起算",
    "corrected copy": "补正材料的收到日期早于补正告知的发出日期",
    "the answer period is not running": "答复期限未在计算（等待补正材料）",
    "pause before the answer period": "征求意见或收费通知早于答复期限的起算日",
    "pause": "对方收到日期早于发出日期",
    "answer_letter": "答复须以书面形式作出：请先出具与答复结果相符的答复书（见“文书”）",
    "outcome": "答复书的类型与申请的答复结果不符（或尚未确定答复结果）",
    "transition": "该文书所对应的办理环节尚未发生",
    "event": "该文书与所选的办理环节不对应",
    "unknown_letter": "该文书类型未列入文书与办理环节的对应表",
    "fit_table": "有文书类型未列入文书与办理环节的对应表，暂不能出具文书",
}
# The clock's refusals share a rule name per kind ("extension refused"): the message's phrase says which.
DETAILS_ZH = (
    ("only one extension is allowed", "答复期限只能延长一次"),
    ("already replaces the Art. 33 period", "已按第三十五条确定合理期限，不能再延长"),
    ("working days, got", "延长不得超过20个工作日"),
    ("(the office head's approval)", "延长须写明理由，并经信息公开工作机构负责人同意"),
    ("notified before the extension was approved", "告知申请人的日期早于批准延长的日期"),
    ("the case is overdue", "答复期限已过，不能再延长：本申请已逾期"),
    ("a reasonable period was already fixed", "已经确定过延迟答复的合理期限"),
    ("is not later than the Art. 33 deadline", "延迟答复的期限须晚于法定答复期限"),
    ("the deadline must come after the notice", "延迟答复的期限须晚于告知申请人的日期"),
)
# What a 422 of the use cases is about: (phrase of the English message, the form field, the Chinese sentence).
INVALID_ZH = (
    ("the time it was handed in is missing", "submitted_at", "当面或口头提出的申请须填写提交时间（条例第三十一条第一项）。"),
    ("the day the agency signed for it is missing", "signed_for_on", "已签收的邮寄申请须填写签收日期（条例第三十一条第二项）。"),
    ("the day the letter arrived is missing", "arrived_on", "平常信函须填写收到日期（条例第三十一条第二项）。"),
    ("needs its confirmation record", "confirmation_at", "确认收到须写明确认时间、方式和经办人（条例第三十一条）。"),
    ("before it arrived or was sent", "confirmation_at", "确认时间早于申请到达或发出的时间。"),
    ("awaiting confirmation with the applicant", "confirmation_at",
     "尚未与申请人确认收到，没有收到申请之日，期限不起算（条例第三十一条）。"),
    ("the confirmation is dated in the future", "confirmation_at", "确认时间晚于现在。"),
    ("in the future", "on", "日期不能晚于今天。"),
    ("needs its outcome", "outcome", "请选择答复结果（条例第三十六条）。"),
    ("needs its fee", "fee_method", "请选择收费方式（金额由系统按《政府信息公开信息处理费管理办法》计算）。"),
    ("of the month in the register", "fee_basis", "按件计收的件次由登记簿计算，请不要填写（管理办法第五条）。"),
    ("needs the number of pages", "fee_basis", "按量计收须填写提供信息的页数（管理办法第五条）。"),
    ("a waiver (减免) needs its reason", "fee_waiver_reason", "减免须写明理由。"),
)
STALE = "您打开此页后，该申请已被他人办理（或同时有人办理）：未作任何更改，请查看最新情况后重试。"


def refusal(error: ServiceError, present: Collection[str] = ()) -> dict[str, str]:
    """The error, by the form field it is about when the form has that field ('form': the form as a whole)."""
    if isinstance(error, NotFound):
        raise PageRefusal(404, "未找到此申请，或您无权查看。")
    if isinstance(error, Conflict):
        return {"form": law(error.extra, error.detail) if error.extra.get("rule") else STALE}
    if isinstance(error, Invalid) and error.extra.get("missing"):  # api/letters: the elements lacking, in Chinese
        return {"form": f"{error.detail}。未作任何更改。"}
    if isinstance(error, Invalid):
        found = next(((field, zh) for phrase, field, zh in INVALID_ZH if phrase in error.detail), None)
        if found is not None:
            return {found[0] if found[0] in present else "form": found[1]}
        field = next((str(e.get("field", "")).replace(".", "_") for e in error.extra.get("errors", [])), "")
        return {field if field in present else "form": "填写有误，未作任何更改。"}
    return {"form": "未能完成，未作任何更改。"}


def law(extra: dict[str, Any], detail: str = "") -> str:
    """A refusal of the law: the rule in Chinese, its article, and the rule's name as the record keeps it."""
    rule, article = str(extra.get("rule", "")), str(extra.get("article", ""))
    said = next((zh for phrase, zh in DETAILS_ZH if phrase in detail), RULES_ZH.get(rule, "办理规则不允许此项操作"))
    return f"未能办理：{said}。依据：{article or '办理流程'}（规则 {rule}）。未作任何更改。"
