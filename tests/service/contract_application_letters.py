"""The contract scenario's part for letters issued on an application (tests/service/test_contract.py): an
answer letter issued, listed, read as JSON, DOCX and HTML, then the answer dispatched."""

from __future__ import annotations

from typing import Any

LETTER_SETTINGS = {"agency_name": "某委员会", "contact_person": "王联络", "contact_phone": "010-1",
                   "review_authority": "某人民政府", "court": "某人民法院",
                   "letter_number_pattern": "某依申公{code}〔{year}〕{serial}号"}


def scenario(call: Any, app: Any) -> None:
    context = app.state.context
    context.settings = context.settings.model_copy(update=LETTER_SETTINGS)
    application = call("office", "post", "/v1/applications", 201, json={
        "applicant": {"kind": "natural_person", "name": "答复申请人"}, "description": "某项目清单",
        "form_requested": "paper", "delivery": "post", "channel": "in_person",
        "submitted_at": "2025-09-26T09:30:00+08:00"})
    url = f"/v1/applications/{application['id']}"
    for kind, on, extra in (("start", "2025-09-29", {}),
                            ("draft_answer", "2025-10-10", {"outcome": "cannot_provide.not_held"}),
                            ("approve_answer", "2025-10-13", {})):
        call("office", "post", f"{url}/events", json={"kind": kind, "on": on, **extra})
    letter = call("office", "post", f"{url}/letters", 201, json={
        "kind": "not_held", "elements": {"search": "检索了本机关公文系统和档案室2020年至2025年的文件"}})
    for role in ("office", "supervisor"):
        call(role, "get", f"{url}/letters")
        for output in ("json", "docx", "html"):
            call(role, "get", f"{url}/letters/{letter['id']}", params={"output": output})
    call("office", "post", f"{url}/events", json={"kind": "dispatch_answer", "on": "2025-10-14"})
