"""The contract scenario's part for the annual report (tests/service/test_contract.py): a year written,
entered, corrected and withdrawn, read in every format, submitted, withheld by its review and reopened."""

from __future__ import annotations

from typing import Any

YEAR = "/v1/annual-reports/2023"  # a year no other part of the scenario fills


def scenario(call: Any, app: Any) -> None:
    call("office", "put", f"{YEAR}/sections", json={
        "title": "某委员会2023年政府信息公开工作年度报告", "overview": "2023年，本机关未收到政府信息公开申请。",
        "problems": "公开平台栏目设置有待优化。", "other": "本年度未收取信息处理费。"})
    for row, value in (("licensing", 3), ("penalties", 0), ("coercion", 0), ("fees", "0.25")):
        call("office", "put", f"{YEAR}/entries/{row}", json={"value": value, "source": "业务系统"})
    cell = {"table": "four", "row": "reconsideration", "column": "pending"}
    call("office", "post", f"{YEAR}/corrections", json={**cell, "value": 1, "reason": "复议机关已受理、系统未登记"})
    call("office", "post", f"{YEAR}/corrections", json={**cell, "value": None, "reason": "已补录，撤回更正"})
    for role in ("office", "supervisor", "admin"):
        call(role, "get", "/v1/annual-reports")
        for fmt in ("json", "csv", "xlsx", "docx", "html"):
            call(role, "get", YEAR, params={"format": fmt})
    item = call("office", "post", f"{YEAR}/submit")["item_id"]
    call("secrecy_reviewer", "post", f"/v1/items/{item}/secrecy_review", json={"secrecy": "none"})
    call("disclosure_reviewer", "post", f"/v1/items/{item}/disclosure_review",
         json={"category": "on_request", "reason": "数据核实后再公开"})
    call("office", "post", f"{YEAR}/reopen", json={"reason": "按审核意见修改"})
