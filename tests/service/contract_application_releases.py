"""The contract scenario's part for redacted copies (条例第三十七条; tests/service/test_contract.py): an answer's
copy and a public copy, each proposed, decided, a span added, confirmed and read in every output; the feed
then serves the public copy."""

from __future__ import annotations

from typing import Any

from tests.service.conftest import push_item, review_item, sample_documents

PRIVATE = "\n联系人：张三丰，身份证号11010519491231002X，联系电话13912345678。\n备注：高血压。"
PROACTIVE = {"category": "proactive", "exemption": None, "column": "normative_documents",
             "reason": "规范性文件应当主动公开，个人信息区分处理后公开"}


def _through(call: Any, release: dict[str, Any], redactor: str, confirmer: str) -> None:
    start = release["original_text"].index("高血压")
    release = call(redactor, "post", f"/v1/releases/{release['id']}/spans", json={
        "start": start, "end": start + 3, "kind": "other", "lock_version": release["lock_version"]})
    first, *rest = release["spans"]
    release = call(redactor, "post", f"/v1/releases/{release['id']}/decisions", json={
        "decisions": [{"index": first["index"], "verdict": "change", "span": {
            "start": first["start"], "end": first["end"], "kind": first["kind"]}}]
        + [{"index": s["index"], "verdict": "accept"} for s in rest], "lock_version": release["lock_version"]})
    call(redactor, "get", f"/v1/releases/{release['id']}")
    call(confirmer, "post", f"/v1/releases/{release['id']}/confirm", json={"lock_version": release["lock_version"]})
    for output in ("json", "html", "docx"):
        call("office", "get", f"/v1/releases/{release['id']}/copy", params={"output": output})


def scenario(call: Any, app: Any) -> None:
    body = sample_documents()[0]["body"] + PRIVATE
    answered = push_item(call.api, 0, "城建科", "2026-11-02", id="contract-release-answer", body=body)
    case = call("office", "post", "/v1/applications", 201, json={
        "applicant": {"kind": "natural_person", "name": "申请人", "id_number": "11010119900101002X"},
        "description": "某规范性文件", "form_requested": "paper", "delivery": "post", "channel": "in_person",
        "submitted_at": "2026-11-20T09:30:00+08:00", "handler_division": "城建科"})
    release = call("office", "post", f"/v1/applications/{case['id']}/releases", 201, json={"item_id": answered})
    _through(call, release, "office", "office")

    public = push_item(call.api, 0, "城建科", "2026-11-02", id="contract-release-public", body=body)
    review_item(call.api, public, {"secrecy": "none"}, PROACTIVE)
    release = call("disclosure_reviewer", "post", f"/v1/items/{public}/releases", 201)
    _through(call, release, "disclosure_reviewer", "disclosure_reviewer")
    call("office", "get", "/v1/feed/proactive")
    call("office", "get", "/v1/stores/proactive")
