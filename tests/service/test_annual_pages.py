"""The annual report's page (issue 18) without a browser: the list of years with status and deadline
(条例第四十九条, 逾期), the year's page (the tables in the national layout with the registers' counts, the checks
in Chinese linked to their cells), and its forms through the API's own use cases: the narrative, Table 二's
entries with their source, a correction with its reason and its withdrawal, submission refused while errors
remain and accepted after, reopening when the review did not publish it. Refusals are shown in Chinese beside
their form with what was typed kept; a clerk is refused, a supervisor reads without forms; a narrative holding
`<script>` prints as text. Real SQLite through the app, the results read back through GET /v1/annual-reports."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.headers import inline_hashes
from api.settings import Settings
from tests.service.conftest import Api, review_item
from tests.service.pages import csrf_of, person
from tests.service.test_applications import event, registered

Y = 2025
PAGE = f"/annual-reports/{Y}"
NARRATIVE = {"overview": "本年度共收到政府信息公开申请3件。", "problems": "个别申请答复不够及时，已改进。", "other": "无。"}
ENTRIES = {"licensing": "12", "penalties": "3", "coercion": "0", "fees": "0"}


@pytest.fixture
def settings(database_url: str, model_dir: Path, audit_key_file: Path) -> Settings:
    return Settings(database_url=database_url, model=model_dir, agency_code="11010000", audit_key_file=audit_key_file,
                    agency_name="北京市某某委员会")


def _text(answer: Any) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", answer.text))


def _applications(api: Api) -> list[int]:
    """Three applications of 2025 answered on the spot (予以公开 twice, 不予公开 once) and one still open."""
    ids = []
    for day, outcome in (("2025-03-03", "disclosed"), ("2025-04-01", "disclosed"),
                         ("2025-05-06", "withheld.state_secret")):
        case = registered(api, day)
        event(api, case["id"], "answer_on_the_spot", day, outcome=outcome)
        ids.append(case["id"])
    ids.append(registered(api, "2025-12-29")["id"])
    return ids


def _post(client: TestClient, what: str, **fields: str) -> Any:
    page = client.get(PAGE)
    version = re.search(r'name="expected_version" value="(\d+)"', page.text)
    data = {"csrf": csrf_of(client, PAGE), **fields}
    if version is not None:
        data.setdefault("expected_version", version.group(1))
    return client.post(f"{PAGE}/{what}", data=data, follow_redirects=False)


def _json(api: Api) -> dict[str, Any]:
    answer = api.as_("office").get(f"/v1/annual-reports/{Y}")
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _complete(office: TestClient) -> None:
    assert _post(office, "sections", title="", **NARRATIVE).status_code == 303
    for row, value in ENTRIES.items():
        assert _post(office, "entries", row=row, value=value, source="行政审批系统").status_code == 303


def test_the_list_shows_every_year_with_its_deadline_and_the_menu_links_it(api: Api, app: Any) -> None:
    office = person(app, "年报员甲", "office")
    assert 'href="/annual-reports"' in office.get("/").text  # the menu
    fresh = office.get("/annual-reports").text  # a service with no work yet: only this year, none shown late
    assert 'href="/annual-reports/2026"' in fresh and 'href="/annual-reports/2025"' not in fresh
    registered(api, "2024-03-04")  # its first work: 2024
    page = office.get("/annual-reports")
    assert page.status_code == 200
    text = _text(page)
    for year in range(2024, 2027):
        assert f'href="/annual-reports/{year}"' in page.text
    assert 'href="/annual-reports/2023"' not in page.text
    row_2025 = re.search(r"<tr>\s*<th scope=\"row\">2025年</th>(.*?)</tr>", page.text, re.S)
    assert row_2025 is not None and "2026-01-31" in row_2025.group(1) and "逾期" in row_2025.group(1)
    row_2026 = re.search(r"<tr>\s*<th scope=\"row\">2026年</th>(.*?)</tr>", page.text, re.S)
    assert row_2026 is not None and "本年度尚未结束" in row_2026.group(1) and "逾期" not in row_2026.group(1)
    assert "条例》第四十九条" in text and "国办公开办函〔2021〕30号" in text


def test_the_page_shows_the_tables_and_the_checks_linked_to_their_cells(api: Api, app: Any) -> None:
    _applications(api)
    office = person(app, "年报员甲", "office")
    page = office.get(PAGE)
    assert page.status_code == 200, page.text
    text = _text(page)
    assert "北京市某某委员会2025年政府信息公开工作年度报告" in text and "草稿" in text and "2026-01-31" in text
    assert "逾期" in text and "国办公开办函〔2021〕30号" in text
    for fmt in ("docx", "xlsx", "html", "csv"):
        assert f'href="/v1/annual-reports/{Y}?format={fmt}"' in page.text
        assert office.get(f"/v1/annual-reports/{Y}?format={fmt}").status_code == 200  # the session cookie serves it
    # Table 三 一、本年新收 for 自然人: 4 applications, each computed cell with how many are behind it
    cell = re.search(r'<td id="(c-three-\d+-3)" class="number[^"]*" title="由登记簿中 4 件申请计算">', page.text)
    assert cell is not None, page.text
    assert 'rowspan="22"' in page.text and "三、本年度办理结果" in text  # the national spans
    # the errors: the entries of Table 二 not entered, the narrative not written — in Chinese, with the original
    assert "错误（阻止提交，须更正）" in text
    assert "以下栏目尚未填报（没有发生的填 0 并注明来源）" in text and "not entered yet" in text
    assert "以下部分尚未填写（条例第五十条）：一、总体情况、五、存在的主要问题及改进情况、六、其他需要报告的事项" in text
    anchors = set(re.findall(r'<a href="#(c-[a-z]+-\d+-\d+)">', page.text))
    assert anchors, "the findings link to their cells"
    assert all(f'id="{a}"' in page.text for a in anchors)
    licensing = re.search(r'<td id="(c-two-\d+-1)" class="number finding-error entered"', page.text)
    assert licensing is not None and f'href="#{licensing.group(1)}"' in page.text
    assert "2026年尚未结束" in _text(office.get("/annual-reports/2026"))  # check 0, in Chinese
    # a figure of the narrative the tables contradict: a warning (check 9), its cells marked in yellow
    assert _post(office, "sections", overview="本年度共收到政府信息公开申请10件。", problems="无。", other="无。").status_code == 303
    warned = office.get(PAGE)
    assert "提示（不阻止提交，请核实）" in _text(warned)
    assert "一、总体情况写道“本年度共收到政府信息公开申请10件。”，与表格不一致：表三 一、本年新收政府信息公开申请数量 · 总计为 4" in _text(warned)
    marked = re.findall(r'<td id="(c-three-\d+-\d+)" class="number finding-warning"', warned.text)
    assert marked and all(f'href="#{m}"' in warned.text for m in marked)
    early = office.post("/annual-reports/2026/submit", data={"csrf": csrf_of(office)}, follow_redirects=False)
    assert early.status_code == 409 and "本年度尚未结束：年度报告在12月31日之后提交" in _text(early)
    assert 'href="#entry-licensing-value"' in page.text  # an entered cell leads to its form


def test_the_office_writes_the_narrative_and_enters_table_two(api: Api, app: Any) -> None:
    office = person(app, "年报员甲", "office")
    answer = _post(office, "sections", title="", **NARRATIVE)
    assert answer.status_code == 303 and answer.headers["location"].startswith(f"{PAGE}?done=sections")
    assert {s["key"]: s["text"] for s in _json(api)["sections"] if s["text"]} == NARRATIVE
    assert _post(office, "entries", row="licensing", value="12", source="行政审批系统").status_code == 303
    assert _post(office, "entries", row="fees", value="1.25", source="财务处").status_code == 303
    report = _json(api)
    assert report["manual"]["licensing"]["value"] == 12 and report["manual"]["fees"]["value"] == "1.25"
    assert report["manual"]["licensing"]["entered_by"] == "年报员甲"
    page = office.get(f"{PAGE}?done=entry")
    text = _text(page)
    assert "已保存表二填报的数字及其来源" in text and "年报员甲 于" in text and 'value="行政审批系统"' in page.text
    assert 'title="手工填报，来源：行政审批系统"' in page.text  # the cell in Table 二 says where it came from
    assert NARRATIVE["overview"] in page.text  # kept in the textarea
    # refused: kept as typed, said in Chinese beside the form
    bad = _post(office, "entries", row="penalties", value="三件", source="执法系统")
    assert bad.status_code == 422
    assert "须为非负整数" in _text(bad) and 'value="三件"' in bad.text and 'value="执法系统"' in bad.text
    assert 'id="entry-penalties-value" name="value" inputmode="numeric" value="三件" aria-invalid="true"' in bad.text
    fee = _post(office, "entries", row="fees", value="1.23456", source="财务处")
    assert fee.status_code == 422 and "最多 4 位小数" in _text(fee)
    nosource = _post(office, "entries", row="coercion", value="2", source=" ")
    assert nosource.status_code == 422 and "请写明数据来源" in _text(nosource)
    assert _json(api)["manual"].get("penalties") is None and _json(api)["manual"].get("coercion") is None


def test_a_correction_needs_its_reason_is_marked_on_its_cell_and_can_be_withdrawn(api: Api, app: Any) -> None:
    _applications(api)
    office = person(app, "年报员甲", "office")
    cell = "three|（一）|natural_person"
    picked = office.get(f"{PAGE}?cell=three%7C%EF%BC%88%E4%B8%80%EF%BC%89%7Cnatural_person")
    assert f'<option value="{cell}" selected>' in picked.text  # a click on the cell chooses it
    refused = _post(office, "corrections", cell=cell, value="3", reason="", action="correct")
    assert refused.status_code == 422 and "请写明理由" in _text(refused) and 'value="3"' in refused.text
    assert f'<option value="{cell}" selected>' in refused.text
    assert _post(office, "corrections", cell=cell, value="3", reason="一件重复登记，已核实", action="correct").status_code == 303
    report = _json(api)
    assert report["tables"]["three"]["（一）"]["natural_person"] == 3
    assert report["corrections"][0]["computed"] == 2 and report["corrections"][0]["reason"] == "一件重复登记，已核实"
    page = office.get(PAGE)
    assert "原值 2，更正为 3，理由：一件重复登记，已核实" in page.text and "corrected" in page.text
    assert "原值 2" in _text(page)
    wrong = _post(office, "corrections", cell="two|licensing|decisions", value="1", reason="试", action="correct")
    assert wrong.status_code == 422 and "不是由登记簿计算的单元格" in _text(wrong)
    assert _post(office, "corrections", cell=cell, value="", reason="核实无误", action="withdraw").status_code == 303
    assert _json(api)["corrections"] == []


def test_submission_is_refused_with_the_errors_then_accepted_and_reopened_after_review(api: Api, app: Any) -> None:
    _applications(api)
    office = person(app, "年报员甲", "office")
    refused = _post(office, "submit")
    assert refused.status_code == 409
    text = _text(refused)
    assert "处错误，不能提交" in text and "以下栏目尚未填报" in text
    _complete(office)
    done = _post(office, "submit")
    assert done.status_code == 303, _text(done)
    report = _json(api)
    assert report["status"] == "submitted" and report["item_id"] is not None
    page = office.get(PAGE)
    text = _text(page)
    assert "已提交审核" in text and "正在审核中" in text and "/sections" not in page.text  # frozen: no forms
    assert "退回修改的理由" not in text  # under review: the reviewers decide first
    frozen = _post(office, "sections", overview="改")
    assert frozen.status_code == 409 and "已冻结" in _text(frozen)
    review_item(api, report["item_id"], {"secrecy": "none"}, {"category": "withheld", "exemption": "internal_affairs",
                                                                "reason": "测试：审核未予公开"})
    assert "退回修改的理由" in _text(office.get(PAGE))
    empty = _post(office, "reopen", reason="")
    assert empty.status_code == 422 and "请写明退回修改的理由" in _text(empty)
    assert _post(office, "reopen", reason="审核退回：数字需核实").status_code == 303
    assert _json(api)["status"] == "draft"


def test_a_published_report_is_read_only_and_not_overdue(api: Api, app: Any) -> None:
    _applications(api)
    office = person(app, "年报员甲", "office")
    _complete(office)
    assert _post(office, "submit").status_code == 303
    review_item(api, _json(api)["item_id"], {"secrecy": "none"}, {"category": "proactive", "column": "other"})
    page = office.get(PAGE)
    text = _text(page)
    assert '<span class="tag state">已公开</span>' in page.text and "进入主动公开库，已公开" in text
    assert "退回修改的理由" not in text and "tag overdue" not in page.text
    row = re.search(r"<tr>\s*<th scope=\"row\">2025年</th>(.*?)</tr>", office.get("/annual-reports").text, re.S)
    assert row is not None and "已公开" in row.group(1) and "逾期" not in row.group(1)


def test_roles_a_clerk_is_refused_and_the_supervisor_reads_without_forms(api: Api, app: Any) -> None:
    office = person(app, "年报员甲", "office")
    _post(office, "sections", title="", **NARRATIVE)
    clerk = person(app, "处室信息员乙", "clerk", "城建科")
    assert 'href="/annual-reports"' not in clerk.get("/").text
    for path in ("/annual-reports", PAGE):
        refused = clerk.get(path)
        assert refused.status_code == 403 and "无权" in _text(refused)
    supervisor = person(app, "监察员丙", "supervisor")
    page = supervisor.get(PAGE)
    assert page.status_code == 200 and NARRATIVE["overview"] in _text(page)
    assert "<textarea" not in page.text and "/entries" not in page.text and "/submit" not in page.text
    post = supervisor.post(f"{PAGE}/sections", data={"csrf": csrf_of(supervisor), "overview": "改"},
                           follow_redirects=False)
    assert post.status_code == 403
    assert _json(api)["sections"][0]["text"] == NARRATIVE["overview"]
    assert supervisor.get(f"/v1/annual-reports/{Y}?format=docx").status_code == 200
    signed_out = TestClient(app).get(PAGE, follow_redirects=False)
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/signin")


def test_typed_script_is_inert_and_years_out_of_range_are_refused_in_chinese(api: Api, app: Any) -> None:
    office = person(app, "年报员甲", "office")
    script = "<script>alert(1)</script>"
    assert _post(office, "sections", overview=f"第一段{script}", title=f"标题{script}").status_code == 303
    page = office.get(PAGE)
    assert script not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert inline_hashes(page.text, "style")[0] in policy and len(inline_hashes(page.text, "script")) == 0
    old = office.get("/annual-reports/2019")
    assert old.status_code == 422 and "2019年试行格式" in _text(old)
    future = office.get("/annual-reports/2027")
    assert future.status_code == 422 and "尚未开始" in _text(future)


def test_a_stale_form_is_refused_and_what_was_typed_is_kept(api: Api, app: Any) -> None:
    office = person(app, "年报员甲", "office")
    assert _post(office, "sections", overview="甲").status_code == 303
    stale = office.post(f"{PAGE}/sections", data={"csrf": csrf_of(office), "expected_version": "1", "title": "",
                                                  "overview": "乙写的总体情况", "problems": "", "other": ""},
                        follow_redirects=False)
    assert _json(api)["version"] > 1
    assert stale.status_code == 409 and "已被他人修改" in _text(stale) and "乙写的总体情况" in stale.text
    assert _json(api)["sections"][0]["text"] == "甲"
    no_csrf = office.post(f"{PAGE}/sections", data={"overview": "丙"}, follow_redirects=False)
    assert no_csrf.status_code == 403
