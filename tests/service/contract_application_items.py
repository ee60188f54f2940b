"""The contract scenario's part for linked items and 条例第四十四条 suggestions (tests/service/test_contract.py)."""

from __future__ import annotations

from typing import Any

from tests.service.conftest import push_item, review_item

ON_REQUEST = {"category": "on_request", "exemption": None, "column": "other", "reason": "依申请公开"}


def scenario(call: Any, app: Any) -> None:
    item = push_item(call.api, 3, "执法稽查处", "2026-11-02", id="contract-art44")
    review_item(call.api, item, {"secrecy": "none"}, ON_REQUEST)
    for n in range(3):
        case = call("office", "post", "/v1/applications", 201, json={
            "applicant": {"kind": "natural_person", "name": f"申请人{n}", "id_number": f"1101011990010100{n}X"},
            "description": "某处罚决定书", "form_requested": "paper", "delivery": "post", "channel": "in_person",
            "submitted_at": "2026-11-20T09:30:00+08:00", "handler_division": "执法稽查处"})
        call("office", "post", f"/v1/applications/{case['id']}/items", json={"item_id": item})
    for role in ("office", "supervisor"):
        call(role, "get", f"/v1/applications/{case['id']}/items")
        call(role, "get", "/v1/publication-suggestions")
