"""The contract scenario's part for the suggested outcome of an application (tests/service/test_contract.py)."""

from __future__ import annotations

from typing import Any


def scenario(call: Any, app: Any) -> None:
    application = call("office", "post", "/v1/applications", 201, json={
        "applicant": {"kind": "natural_person", "name": "建议申请人"}, "description": "城市道路挖掘管理办法",
        "form_requested": "paper", "delivery": "post", "channel": "in_person",
        "submitted_at": "2025-03-03T09:30:00+08:00"})
    call("office", "post", f"/v1/applications/{application['id']}/suggestion", 201)
    for role in ("office", "supervisor"):
        call(role, "get", f"/v1/applications/{application['id']}/suggestions")
