"""What the annual report's page says in Chinese (issue 18): the checks' findings, the cells' names, the forms'
inputs read into the use cases' bodies, and the use cases' refusals.

The checks (engine/annual/checks.py, applications.md §3.4) and the use cases (api/annual/drafts.py,
submission.py) answer in English for the API's callers; a disclosure officer reads each finding as a Chinese
sentence naming the cells in the national format's own labels, with the check's original text kept beside it
(what the API and the CLI say, for anyone comparing). A message this module does not recognise still gets a
Chinese sentence: a person is never shown a bare 409.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from api.annual.schemas import CorrectionIn, EntryIn, ReopenIn, SectionsIn
from api.errors import Conflict, Invalid, NotFound, ServiceError
from api.pages.layout import PageRefusal
from engine.annual import fmt21

STATUS_ZH = {"draft": "草稿", "submitted": "已提交审核", "published": "已公开"}
TABLE_ZH = {"two": "表二", "three": "表三", "four": "表四"}
ROLE_OF_ROW = {"licensing": "行政许可", "penalties": "行政处罚", "coercion": "行政强制", "fees": "行政事业性收费"}
SECTION_FIELDS = ("title", "overview", "problems", "other")
FIELD_ZH = {"title": "标题", "overview": "一、总体情况", "problems": "五、存在的主要问题及改进情况",
            "other": "六、其他需要报告的事项", "value": "数值", "source": "数据来源", "cell": "单元格", "reason": "理由"}
STALE = "您打开此页后，年度报告已被他人修改（或同时有人修改）：未作任何更改，请查看最新内容后重试。"


class FormError(Exception):
    """What a form's fields lack, by field, in Chinese (nothing reached the use case)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# -- the cells' names ------------------------------------------------------------------------------------

def cell_names(layout: Mapping[str, Any]) -> dict[tuple[str, str, str], str]:
    """{(table, row, column): its name as a person finds it on the page: 表三 （三）1.属于国家秘密 · 自然人}."""
    names: dict[tuple[str, str, str], str] = {}
    for block in layout["two"]["blocks"]:
        for line in block["rows"]:
            for column in block["columns"]:
                extra = f" · {column['label']}" if len(block["columns"]) > 1 else ""
                names[("two", line["key"], column["key"])] = f"表二 {line['label']}{extra}"
    for line in layout["three"]["rows"]:
        for column in layout["three"]["columns"]:
            names[("three", line["code"], column["key"])] = f"表三 {line['label']} · {column['label']}"
    for group in layout["four"]["groups"]:
        parent = "" if group["label"] == group["parent"] else f"{group['parent']} "
        for column in layout["four"]["columns"]:
            names[("four", group["key"], column["key"])] = f"表四 {parent}{group['label']} · {column['label']}"
    return names


def cell_key(cell: Mapping[str, str]) -> tuple[str, str, str]:
    return (cell["table"], cell["row"], cell["column"])


# -- the findings in Chinese -----------------------------------------------------------------------------

def _column(cells: list[Mapping[str, str]]) -> str:
    labels = {c.key: c.label for c in fmt21.THREE_COLUMNS}
    return labels.get(cells[0]["column"], cells[0]["column"]) if cells else ""


def _check_seven(finding: Mapping[str, Any], names: str) -> str:
    message = finding["message"]
    if "no outcome" in message:
        return f"{len(finding['ids'])} 件本年办结的申请没有答复结果，未计入表三任何办理结果栏目：请在申请办理页补记答复结果。"
    if "corrected to" in message:
        return f"{names}：更正之后，登记簿统计的数字又发生了变化，请核实后重新更正或撤回更正。"
    if "needs a reason" in message:
        return f"{names}：更正须写明理由。"
    return f"{names}：与登记簿统计的数字不一致，且没有写明理由的更正。"


QUOTED = re.compile(r"^(?P<section>.+?) says “(?P<sentence>.+)”(?::|, but)")
LEDGER = re.compile(r"the fee ledger has (?P<fees>[\d.]+) 元")
TABLE_VALUE = re.compile(r" is (?P<value>\d+)$")


def _check_nine(message: str, named: str) -> str:
    """A figure quoted in the narrative against the tables or the fee ledger: the sentence and the figure."""
    quoted, ledger, value = QUOTED.search(message), LEDGER.search(message), TABLE_VALUE.search(message)
    said = f"{quoted['section']}写道“{quoted['sentence']}”，" if quoted else "正文引用的数字"
    if ledger:
        return f"{said}但信息处理费台账记载本年实收 {ledger['fees']} 元，请核实。"
    return f"{said}与表格不一致：{named}为 {value['value']}，请核实。" if value else f"{said}与表格不一致：{named}。"


def finding_zh(finding: Mapping[str, Any], names: Mapping[tuple[str, str, str], str], year: int) -> str:
    """One finding of the checks as a Chinese sentence (the English message is shown beside it)."""
    check, message, cells = finding["check"], finding["message"], finding["cells"]
    named = "、".join(names.get(cell_key(c), cell_key(c)[1]) for c in cells)
    sentences = {
        0: f"{year}年尚未结束：12月31日前各项数字还会变化，年度结束后才能提交。",
        1: f"表三“{_column(cells)}”列：第一项与第二项之和不等于（七）总计与第四项之和（一+二≠（七）+四）。",
        2: f"表三“{_column(cells)}”列：（七）总计不等于22项办理结果之和。",
        3: f"{named.rsplit(' · ', 1)[0]}：总计不等于六类申请人之和。",
        4: f"表四：总计与各栏之和不符（{named}）。",
        5: (f"以下栏目尚未填报（没有发生的填 0 并注明来源）：{named}。" if "not entered" in message
            else f"以下单元格须为非负整数（收费金额为非负的万元数）：{named}。"),
        6: f"表三“{_column(cells)}”列：上年结转数与上年度报告的“结转下年度继续办理”不一致。",
        8: f"{named.split(' · ')[0]}：现行有效件数不等于上年现行有效件数加本年制发件数减本年废止件数（修订的文件可能造成此差异）。",
        9: _check_nine(message, named),
        10: "表四的行政复议、行政诉讼案件与其所涉申请的记录不一致。",
        11: f"本年有 {len(finding['ids'])} 件申请逾期答复，第五部分“存在的主要问题及改进情况”未提及。",
        12: ("报告没有标题：请在“标题”中填写（或请系统管理员设置机关名称）。" if "no title" in message
             else f"以下部分尚未填写（条例第五十条）：{message.split(': ', 1)[-1]}。"),
    }
    if check == 7:
        return _check_seven(finding, named)
    return sentences.get(check, f"校验 {check}：{named or '见原文'}。")


# -- the forms ---------------------------------------------------------------------------------------------

def _model(model: type[BaseModel], body: dict[str, Any]) -> BaseModel:
    """The API's own input contract: a field it refuses is named in Chinese, by field."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            limit = (error.get("ctx") or {}).get("max_length")
            errors.setdefault(name, f"“{FIELD_ZH.get(name, name)}”" + (f"不能超过 {limit} 个字。" if limit
                                                                        else "填写有误。"))
        raise FormError(errors) from None


def version_of(fields: Mapping[str, str]) -> int | None:
    text = fields.get("expected_version", "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


def sections_input(fields: Mapping[str, str]) -> dict[str, Any]:
    body = {name: fields.get(name, "") for name in SECTION_FIELDS} | {"expected_version": version_of(fields)}
    return _model(SectionsIn, body).model_dump(mode="json", exclude_unset=True)


def entry_input(fields: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """(row, body) of an entry of Table 二: a count as a whole number, the fee income as the typed decimal."""
    row, text = fields.get("row", ""), fields.get("value", "").strip()
    if row not in fmt21.MANUAL_ROWS:
        raise FormError({"form": "所选栏目不是表二中手工填报的栏目。"})
    errors = {}
    if not text:
        errors["value"] = "请填写数值（没有发生的填 0）。"
    if not fields.get("source", "").strip():
        errors["source"] = "请写明数据来源（保存该数据的系统或处室）。"
    if errors:
        raise FormError(errors)
    value: Any = int(text) if text.isascii() and text.isdigit() and row != "fees" else text
    body = {"value": value, "source": fields.get("source", "").strip(), "expected_version": version_of(fields)}
    return row, _model(EntryIn, body).model_dump(mode="json")


def correction_input(fields: Mapping[str, str]) -> dict[str, Any]:
    """A correction (the cell as table|row|column, the value, the reason), or its withdrawal (`withdraw`)."""
    table, _, rest = fields.get("cell", "").partition("|")
    row, _, column = rest.partition("|")
    withdraw, text = fields.get("action") == "withdraw", fields.get("value", "").strip()
    errors = {}
    if not (table and row and column):
        errors["cell"] = "请选择要更正的单元格（也可以在表格中点击数字）。"
    if not withdraw and not (text.isascii() and text.isdigit()):
        errors["value"] = "请填写更正后的数值：非负整数。" if text else "请填写更正后的数值（撤回更正请点“撤回更正”）。"
    if not fields.get("reason", "").strip():
        errors["reason"] = "请写明理由（将记入审计记录）。"
    if errors:
        raise FormError(errors)
    body = {"table": table, "row": row, "column": column, "value": None if withdraw else int(text),
            "reason": fields["reason"].strip(), "expected_version": version_of(fields)}
    return _model(CorrectionIn, body).model_dump(mode="json")


def reopen_input(fields: Mapping[str, str]) -> str:
    if not fields.get("reason", "").strip():
        raise FormError({"reason": "请写明退回修改的理由。"})
    return str(_model(ReopenIn, {"reason": fields["reason"].strip()}).model_dump()["reason"])


# -- the refusals ------------------------------------------------------------------------------------------

INVALID_ZH = (  # (a phrase of the use case's message, the field, the Chinese sentence)
    ("is not an amount of 万元", "value", "收费金额须为非负的万元数，最多 4 位小数（例如 12.5）。"),
    ("is not a count", "value", "须为非负整数（没有发生的填 0）。"),
    ("say where the figure comes from", "source", "请写明数据来源（保存该数据的系统或处室）。"),
    ("is not a computed cell", "cell", "所选单元格不是由登记簿计算的单元格：表二手工填报的栏目请在“表二填报”中修改。"),
    ("needs a reason", "reason", "更正须写明理由（将记入审计记录）。"),
    ("say why the report is reopened", "reason", "请写明退回修改的理由。"),
    ("is not entered by hand", "form", "所选栏目不是表二中手工填报的栏目。"),
)
CONFLICT_ZH = (
    ("is frozen", "本年度报告已提交，内容已冻结：须先退回修改（仅在审核未予公开时可以）。"),
    ("changed since it was read", STALE),
    ("changed by someone else", STALE),
    ("has not ended", "本年度尚未结束：年度报告在12月31日之后提交。"),
    ("is already submitted", "本年度报告已经提交审核。"),
    ("is already published", "本年度报告已经公开。"),
    ("is not submitted", "本年度报告尚未提交，无需退回。"),
    ("is published", "本年度报告已经公开：已公开的报告不再修改（条例第四十九条）。"),
    ("is under review", "本年度报告正在审核中：须待审核人员作出决定。"),
    ("has no draft", "本年度报告尚未填写。"),
)


def refusal(error: ServiceError, fields: Mapping[str, str]) -> dict[str, str]:
    """The use case's refusal, by the form's field it is about ('form': the form as a whole), in Chinese."""
    if isinstance(error, NotFound):
        raise PageRefusal(404, "未找到此年度报告。")
    if isinstance(error, Invalid):
        found = next(((field, zh) for phrase, field, zh in INVALID_ZH if phrase in error.detail), None)
        if found is None:
            return {"form": f"填写有误，未作任何更改（{error.detail}）。"}
        return {found[0] if found[0] in fields or found[0] == "form" else "form": found[1]}
    if isinstance(error, Conflict) and error.extra.get("findings"):
        return {"form": f"报告还有 {len(error.extra['findings'])} 处错误，不能提交：请先更正下列错误（见“校验结果”）。"}
    if isinstance(error, Conflict):
        said = next((zh for phrase, zh in CONFLICT_ZH if phrase in error.detail), "未能完成，未作任何更改。")
        return {"form": said}
    return {"form": "未能完成，未作任何更改。"}
