"""The redacted copy in a real Chromium (条例第三十七条): the office links the item an application asks for, makes
its copy, decides each span on the page (遮盖 / 保留原文) and confirms the whole; the copy's page then shows the copy
with the private person's numbers masked. No serious or critical axe-core violation on the case page's items and
on the copy's page; screenshots kept in tests/browser/artifacts/."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from tests.browser.helpers import axe_violations, screenshot
from tests.server_process import ServerProcess
from tests.service.conftest import sample_documents

pytestmark = pytest.mark.browser

ID_NUMBER = "11010519491231002X"  # a valid GB 11643 number (check digit X)
BODY = ("青川市某区市场监督管理局\n行政处罚决定书\n当事人：张三丰，身份证号码：" + ID_NUMBER + "，联系电话：13912345678，"
        "住址：青川市某区某街道某小区3号楼2单元501室。\n经查，当事人销售不符合食品安全标准的食品。\n执法人员：王建国。")


@pytest.fixture(scope="module")
def world(live_server: ServerProcess, token: Callable[..., str]) -> dict[str, int]:
    """An on_request 行政处罚决定书 with a private person's data, and an application of 城建科 asking for it."""
    doc = {**sample_documents()[3], "id": "browser-release", "division": "城建科", "body": BODY,
           "closed_on": "2026-11-02"}
    with live_server.client(token("document_system", "release-ds")) as http:
        pushed = http.post("/v1/closures", json=doc)
        assert pushed.status_code == 201, pushed.text
        item = pushed.json()["id"]
    with live_server.client(token("secrecy_reviewer", "release-sr")) as http:
        assert http.post(f"/v1/items/{item}/secrecy_review", json={"secrecy": "none"}).status_code == 200
    with live_server.client(token("disclosure_reviewer", "release-dr")) as http:
        routed = http.post(f"/v1/items/{item}/disclosure_review", json={
            "category": "on_request", "exemption": None, "column": "enforcement", "reason": "含个人信息，依申请公开"})
        assert routed.status_code == 200, routed.text
    with live_server.client(token("office", "release-office-api")) as http:
        case = http.post("/v1/applications", json={
            "channel": "in_person", "submitted_at": "2026-11-20T09:30:00+08:00",
            "applicant": {"kind": "natural_person", "name": "李申请"}, "description": "张三丰的行政处罚决定书",
            "form_requested": "paper", "delivery": "post", "handler_division": "城建科"})
        assert case.status_code == 201, case.text
    return {"item": item, "application": case.json()["id"]}


def _checked(watched: Any, name: str) -> None:
    assert axe_violations(watched.page) == [], name
    assert [e for e in watched.console_errors if "status of 4" not in e] == [] and watched.page_errors == [], name
    screenshot(watched.page, name)


def test_the_office_makes_and_confirms_a_redacted_copy(sign_in: Callable[..., Any], world: dict[str, int]) -> None:
    watched = sign_in("office", "浏览器副本员", bypass_csp=True)
    page = watched.page
    page.goto(f"/applications/{world['application']}")
    page.fill("#link-item", str(world["item"]))
    with page.expect_navigation():
        page.get_by_role("button", name="关联", exact=True).click()
    links = page.locator("section.links")
    assert "依申请公开库" in links.inner_text() and "行政处罚决定书" in links.inner_text()
    _checked(watched, "application-linked")
    with page.expect_navigation():
        links.get_by_role("button", name="制作副本").click()
    assert "已生成建议的遮盖范围" in page.locator("p.notice").inner_text()
    rows = page.locator("table.spans tbody tr")
    assert rows.count() >= 3
    _checked(watched, "release-proposed")
    for index in range(rows.count()):  # mask everything proposed but the official's name
        row = rows.nth(index)
        keep = "王建国" in row.inner_text()
        row.get_by_label("保留原文" if keep else "遮盖").check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存决定").click()
    assert "已保存决定" in page.locator("p.notice").inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="确认副本").click()
    assert "已确认" in page.locator("p.notice").inner_text()
    copy = page.locator("pre.preview").inner_text()
    assert ID_NUMBER not in copy and "13912345678" not in copy and "王建国" in copy
    _checked(watched, "release-confirmed")
