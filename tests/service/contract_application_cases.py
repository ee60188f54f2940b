"""The contract scenario's part for the 行政复议 / 行政诉讼 case register (tests/service/test_contract.py)."""

from __future__ import annotations

from typing import Any


def scenario(call: Any, app: Any) -> None:
    application = call("office", "post", "/v1/applications", 201, json={
        "applicant": {"kind": "natural_person", "name": "复议申请人"}, "description": "某告知书",
        "form_requested": "paper", "delivery": "post", "channel": "in_person",
        "submitted_at": "2025-03-03T09:30:00+08:00"})
    recon = call("office", "post", "/v1/cases", 201, json={
        "kind": "reconsideration", "case_number": "契约复〔2025〕1号", "body": "某区人民政府",
        "application_id": application["id"], "subject": "不予公开告知书", "filed_on": "2025-04-10"})
    done = call("office", "post", f"/v1/cases/{recon['id']}/conclude", json={
        "decision": "维持", "concluded_on": "2025-06-01", "lock_version": recon["lock_version"]})
    call("office", "post", f"/v1/cases/{recon['id']}/correct", json={
        "changes": {"decision": "撤销"}, "reason": "误录", "lock_version": done["lock_version"]})
    suit = call("office", "post", "/v1/cases", 201, json={
        "kind": "litigation_after_reconsideration", "case_number": "契约诉〔2025〕1号", "body": "某区人民法院",
        "reconsideration_id": recon["id"], "filed_on": "2025-05-20"})  # before the 复议 ended: a warning
    for role in ("office", "supervisor"):
        call(role, "get", "/v1/cases", params={"year": 2025})
        call(role, "get", f"/v1/cases/{suit['id']}")
        call(role, "get", "/v1/cases/table", params={"year": 2025})
        call(role, "get", f"/v1/applications/{application['id']}/cases")
