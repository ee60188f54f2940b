"""The contract scenario's part for the catalog's 规章 and 行政规范性文件 (tests/service/test_contract.py)."""

from __future__ import annotations

from typing import Any

from tests.service.conftest import sample_documents


def scenario(call: Any, app: Any) -> None:
    doc = {**sample_documents()[0], "id": "contract-instrument-1", "doc_number": "青交发〔2025〕30号",
           "title": "关于印发《青川市道路占用管理规定》的通知", "closed_on": "2025-06-02"}
    item = call("document_system", "post", "/v1/closures", 201, json=doc)["id"]
    call("secrecy_reviewer", "post", f"/v1/items/{item}/secrecy_review", json={"secrecy": "none"})
    call("disclosure_reviewer", "post", f"/v1/items/{item}/disclosure_review", json={})
    for role in ("admin", "office"):
        call(role, "get", "/v1/instruments/candidates")
    record = call("office", "put", f"/v1/items/{item}/instrument", json={"instrument": "normative_documents"})
    call("disclosure_reviewer", "put", f"/v1/items/{item}/instrument", json={
        "instrument": "normative_documents", "validity": "repealed", "ended_on": "2025-09-01",
        "note": "已废止", "expected_version": record["lock_version"]})
    for role in ("admin", "office"):
        call(role, "get", f"/v1/items/{item}/instrument")
        call(role, "get", "/v1/instruments", params={"validity": "repealed"})
    call("office", "delete", f"/v1/items/{item}/instrument", params={"reason": "契约测试"})
