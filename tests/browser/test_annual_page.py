"""The annual report's page (issue 18) in a real Chromium: the office opens 年度报告 from the menu, opens 2025
(applications registered and answered through the API), reads the errors that block submission in Chinese,
follows a finding's link to its cell, writes the narrative (一、五、六), enters Table 二's cells with their
source (a mistyped amount refused beside its field, what was typed kept), sees the checks change, corrects a
computed cell by clicking it, and submits; the report is then frozen and shown without forms. No serious or
critical axe-core violation on the list, the draft and the submitted report; screenshots kept in
tests/browser/artifacts/ (annual_report_draft.png, annual_report_submitted.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from tests.browser.helpers import ARTIFACTS, axe_violations, pdf_text, print_pdf, screenshot
from tests.server_process import ServerProcess, issue_token

pytestmark = pytest.mark.browser

AGENCY = {"GONGKAI_AGENCY_NAME": "青川市交通运输局"}
APPLICANT = {"kind": "natural_person", "name": "年报申请人", "phone": "13700000000"}
ANSWERED = (("2025-03-03", "disclosed"), ("2025-04-14", "partial"), ("2025-06-02", "withheld.third_party"),
            ("2025-09-01", "not_processed.repeat"))
NARRATIVE = {"overview": "2025年，本局认真贯彻《中华人民共和国政府信息公开条例》，全年共收到政府信息公开申请5件。",
             "problems": "一是个别申请答复时间偏长；二是主动公开栏目更新不够及时。2026年将加强培训。",
             "other": "无。"}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, audit_key_file: Path) -> Iterator[ServerProcess]:
    """conftest's live server, with the agency's name (the report's title)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'gongkai.db'}"
    issue_token(url, "admin", "browser-tests-setup")
    with ServerProcess(url, None, extra_env={"GONGKAI_AUDIT_KEY_FILE": str(audit_key_file), **AGENCY}) as server:
        yield server


@pytest.fixture(scope="module")
def year_with_data(live_server: ServerProcess, token: Callable[..., str]) -> int:
    """Four applications of 2025 answered on the spot and one still open at the year's end."""
    with live_server.client(token("office", "annual-office-api")) as http:
        for day, outcome in (*ANSWERED, ("2025-12-29", None)):
            answer = http.post("/v1/applications", json={
                "channel": "in_person", "submitted_at": f"{day}T09:30:00+08:00", "applicant": APPLICANT,
                "description": "2025年度本市公路养护工程合同", "form_requested": "paper", "delivery": "post",
                "handler_division": "公路科"})
            assert answer.status_code == 201, answer.text
            if outcome is not None:
                done = http.post(f"/v1/applications/{answer.json()['id']}/events",
                                 json={"kind": "answer_on_the_spot", "on": day, "outcome": outcome})
                assert done.status_code == 200, done.text
    return 2025


def _checked(watched: Any, name: str) -> None:
    assert axe_violations(watched.page) == [], name
    assert [e for e in watched.console_errors if "status of 4" not in e] == [] and watched.page_errors == [], name
    watched.console_errors.clear()
    screenshot(watched.page, name)


def _errors(page: Any) -> int:
    return int(page.locator("ul.errors-list").first.locator("li").count()) if page.locator("ul.errors-list").count() else 0


def _enter(page: Any, row: str, value: str, source: str) -> None:
    page.fill(f"#entry-{row}-value", value)
    page.fill(f"#entry-{row}-source", source)
    with page.expect_navigation():
        page.locator(f"form:has(#entry-{row}-value) button[type=submit]").click()


def test_the_office_completes_checks_and_submits_the_year(sign_in: Callable[..., Any], year_with_data: int) -> None:
    watched = sign_in("office", "年报编写员", bypass_csp=True)
    page = watched.page
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="年度报告").click()
    page.wait_for_url("**/annual-reports")
    row = page.locator("table.annual-years tr", has_text="2025年")
    assert "逾期" in row.inner_text() and "2026-01-31" in row.inner_text()
    _checked(watched, "annual_reports_list")

    row.get_by_role("link").click()
    page.wait_for_url("**/annual-reports/2025")
    main = page.locator("main")
    assert "青川市交通运输局2025年政府信息公开工作年度报告" in page.locator("h1").inner_text()
    assert "以下栏目尚未填报" in main.inner_text() and "以下部分尚未填写（条例第五十条）" in main.inner_text()
    before = _errors(page)
    assert before == 2
    # Table 三 一、本年新收 · 自然人: five applications of 2025, said on hover
    first = page.locator("table.annual-three tbody tr").first.locator("td").first
    assert first.inner_text().strip() == "5" and "5 件申请" in (first.get_attribute("title") or "")
    link = page.locator("ul.errors-list a[href^='#c-two-']").first
    target = link.get_attribute("href")
    link.click()
    assert page.evaluate("location.hash") == target and "finding-error" in (page.locator(target).get_attribute("class") or "")
    page.evaluate("window.scrollTo(0, 0)")
    _checked(watched, "annual_report_draft")  # the errors, their cells marked in red

    page.fill("#s-overview", NARRATIVE["overview"])
    page.fill("#s-problems", NARRATIVE["problems"])
    page.fill("#s-other", NARRATIVE["other"])
    with page.expect_navigation():
        page.get_by_role("button", name="保存正文").click()
    assert "已保存正文" in page.locator("p.notice[role=status]").inner_text()
    assert page.locator("#s-overview").input_value() == NARRATIVE["overview"]
    assert _errors(page) == 1 and "以下部分尚未填写" not in main.inner_text()  # the checks changed

    _enter(page, "licensing", "36", "市政务服务中心审批系统")
    _enter(page, "penalties", "128", "执法办案系统")
    _enter(page, "coercion", "7", "执法办案系统")
    _enter(page, "fees", "3.5万", "财务处")
    assert page.locator("#e-entry-fees-value").inner_text().startswith("收费金额须为非负的万元数")
    assert page.locator("#entry-fees-value").input_value() == "3.5万"  # kept as typed
    assert page.locator("#entry-fees-source").input_value() == "财务处"
    _enter(page, "fees", "0", "财务处")
    assert _errors(page) == 0 and "错误（阻止提交" not in main.inner_text()

    # a click on a computed cell chooses it in the correction form
    page.locator("table.annual-three tbody tr").nth(3).locator("td a").first.click()  # （二）部分公开 · 自然人
    assert "（二）部分公开" in page.locator("#k-cell option:checked").inner_text()
    page.fill("#k-value", "1")
    page.fill("#k-reason", "核对登记簿：与台账一致，仅作演示更正")
    with page.expect_navigation():
        page.get_by_role("button", name="保存更正").click()
    assert "已保存更正" in page.locator("p.notice[role=status]").inner_text()
    assert page.locator("td.corrected").count() == 1  # marked, the same value (no check fails)
    _checked(watched, "annual_report_draft_complete")

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核").click()
    assert "已提交" in page.locator("p.notice[role=status]").inner_text()
    assert page.locator(".status-line .tag.state").inner_text() == "已提交审核"
    assert page.locator("main form").count() == 0 and "正在审核中" in main.inner_text()
    assert NARRATIVE["problems"] in main.inner_text()
    _checked(watched, "annual_report_submitted")
    page.set_viewport_size({"width": 760, "height": 900})  # a narrow window: Table 三 scrolls in its own region
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.evaluate("(() => { const r = document.querySelector('.annual-three').closest('.table-scroll');"
                         " return r.scrollWidth > r.clientWidth; })()")
    screenshot(page, "annual_report_narrow")


def test_the_supervisor_reads_the_report_under_the_pages_policy(sign_in: Callable[..., Any],
                                                                 year_with_data: int) -> None:
    """No bypass here: the page's own <style> is allowed by its hash (a blocked style would leave the cells
    unmarked), and the supervisor gets the tables and checks without a form."""
    watched = sign_in("supervisor", "年报监察员")
    page = watched.page
    page.goto("/annual-reports/2025")
    assert watched.csp_violations() == [] and watched.page_errors == []
    assert page.locator("main form").count() == 0 and page.locator("table.annual-three").is_visible()
    caption = page.locator("table.annual-two th.caption").first
    assert caption.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(228, 228, 228)"  # the page's style



def test_the_printable_report_prints_the_national_tables_on_a4(open_page: Callable[..., Any], token: Callable[..., str],
                                                               year_with_data: int) -> None:
    """The report as published (?format=html): its own page, under its own policy (the style by its hash),
    no serious axe violation, and printed by Chromium to A4 with Table 三 whole: every one of its 25 row labels
    and its note in the PDF's text, in three pages or four."""
    watched = open_page(f"/v1/annual-reports/{year_with_data}?format=html", token("supervisor", "annual-print"))
    page = watched.page
    assert watched.csp_violations() == [] and watched.page_errors == []
    assert page.locator("h1").inner_text().endswith("2025年政府信息公开工作年度报告")
    screenshot(page, "annual_report_print")
    pdf = print_pdf(page, ARTIFACTS / "annual_report_print.pdf")
    text = "".join(pdf_text(pdf).split())
    for label in ("本列数据的勾稽关系为", "一、本年新收政府信息公开申请数量", "1.属于国家秘密", "（七）总计",
                  "四、结转下年度继续办理", "未经复议直接起诉", "复议后起诉", "第二十条第（八）项"):
        assert label in text, label
    pages = pdf.read_bytes().count(b"/Type /Page") - pdf.read_bytes().count(b"/Type /Pages")
    assert 2 <= pages <= 4, pages
    bypass = open_page(f"/v1/annual-reports/{year_with_data}?format=html", token("supervisor", "annual-print-axe"),
                       bypass_csp=True)
    assert axe_violations(bypass.page) == []
