"""The clerk's pages (issue 16) without a browser: hand entry through the form (validated by the API's own
model, stored by the API's own use case, refused in Chinese field by field), and the list of items (the
API's query and view: a clerk sees their own division, a secret title stays hidden, filters and paging,
hostile filter values answered in Chinese, one query for the page whatever its length)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from api.items import views
from api.pages.layout import MAX_FIELD
from tests.service.pages import person
from tests.service.conftest import Api, push_item, sample_documents

FORM_LABELS = ("标题", "发文字号", "文种", "处室", "机关", "成文日期", "密级标志", "办结日期", "来源编号", "正文")
GOOD = {"title": "关于开展2026年道路安全检查的工作动态", "doc_number": "青交〔2026〕3号", "doc_type": "通知",
        "agency": "青川市交通运输局", "date": "2026-11-30", "secrecy_marking": "", "closed_on": "2026-12-01",
        "body": "  近日，局里组织开展道路安全检查。\n检查覆盖全市主要道路。", "id": ""}



def _csrf(client: TestClient, path: str = "/entry") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def _enter(client: TestClient, **fields: str) -> Any:
    return client.post("/entry", data={"csrf": _csrf(client), **GOOD, **fields}, follow_redirects=False)


def _stored(api: Api) -> list[dict[str, Any]]:
    answer = api.as_("office").get("/v1/items", params={"limit": 500})
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def _field(page: str, name: str) -> str:
    """The input (or textarea) of the entry form's field `name`, as rendered."""
    found = re.search(rf'<(input|textarea)[^>]*id="f-{name}"[^>]*>', page)
    assert found is not None, name
    return found.group(0)


def test_the_form_names_every_field_and_starts_with_the_clerks_division_and_today(app: Any, api: Api) -> None:
    clerk = person(app, "录入员甲", "clerk", "法规处")
    page = clerk.get("/entry")
    assert page.status_code == 200 and '<html lang="zh-CN">' in page.text
    for name, text in zip(("title", "doc_number", "doc_type", "division", "agency", "date", "secrecy_marking",
                           "closed_on", "id", "body"), FORM_LABELS, strict=True):
        assert re.search(rf'<label for="f-{name}">{text}', page.text), name
    assert 'value="法规处"' in _field(page.text, "division") and "readonly" in _field(page.text, "division")
    assert f'value="{views.today_in_china().isoformat()}"' in _field(page.text, "closed_on")
    assert 'type="date"' in _field(page.text, "date") and "required" in _field(page.text, "title")
    assert 'aria-current="page"' in page.text and "style=" not in page.text and "<script>" not in page.text
    policy = page.headers["content-security-policy"]
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize(("fields", "name", "message"), [
    ({"title": "  "}, "title", "请填写标题。"),
    ({"date": "2026-02-30"}, "date", "成文日期不是有效的日期"),
    ({"date": "30/11/2026"}, "date", "成文日期不是有效的日期"),
    ({"closed_on": "1800-01-01"}, "closed_on", "办结日期超出范围：应在 1900-01-01 至 2999-12-31 之间"),
    ({"doc_number": "青交\x00〔2026〕3号"}, "doc_number", "发文字号含有空字符"),
    ({"body": "正文\x00"}, "body", "正文含有空字符"),
    ({"doc_number": "号" * 201}, "doc_number", "发文字号过长：最多 200 字，现有 201 字"),
    ({"title": "题" * 2001}, "title", "标题过长：最多 2,000 字"),
    ({"body": "文" * (MAX_FIELD + 10)}, "body", "正文过长：网页录入最多 99,999 字"),
    ({"id": "编号\n换行"}, "id", "来源编号格式不正确"),
])
def test_a_wrong_field_is_named_in_chinese_next_to_it_and_nothing_is_stored(
        app: Any, api: Api, fields: dict[str, str], name: str, message: str) -> None:
    clerk = person(app, "录入员乙", "clerk", "法规处")
    answer = _enter(clerk, **fields)
    assert answer.status_code == 422 and message in html.unescape(answer.text), answer.text[-3000:]
    control = _field(answer.text, name)
    assert 'aria-invalid="true"' in control and f"e-{name}" in control  # the error is the field's description
    assert re.search(rf'<p class="field-error" id="e-{name}">', answer.text)
    assert f'<a href="#f-{name}">' in answer.text  # the summary at the top links to the field
    assert "English" not in answer.text and "Input should" not in answer.text and "Value error" not in answer.text
    for other in ("doc_number", "agency", "doc_type"):  # what was typed elsewhere is still there
        if other not in fields:
            assert f'value="{html.escape(GOOD[other])}"' in _field(answer.text, other), other
    if name != "body":
        assert html.escape(GOOD["body"], quote=False) in answer.text
    assert _stored(api) == []


def test_an_entry_is_stored_by_the_apis_use_case_and_its_suggestion_shown(app: Any, api: Api) -> None:
    clerk = person(app, "录入员丙", "clerk", "法规处")
    answer = _enter(clerk)
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    item_id = int(re.fullmatch(r"/entry/(\d+)/done\?outcome=created", location).group(1))  # type: ignore[union-attr]
    stored = api.as_("office").get(f"/v1/items/{item_id}").json()
    assert stored["origin"] == "manual" and stored["division"] == "法规处" and stored["closed_on"] == "2026-12-01"
    document = stored["versions"][-1]["document"]
    assert document["title"] == GOOD["title"] and document["body"] == GOOD["body"]  # the body as typed
    assert document["secrecy_marking"] is None and document["date"] == "2026-11-30"
    done = clerk.get(location)
    assert done.status_code == 200 and "已录入" in done.text and GOOD["title"] in done.text
    category = stored["suggestion"]["suggestion"]["category"]["value"]
    for text in ("公开属性", "密级", "栏目", stored["due_on"], f'href="/items/{item_id}"', f'href="/items/{item_id}/slip"'):
        assert text in done.text, text
    if category:
        assert {"proactive": "主动公开", "on_request": "依申请公开", "withheld": "不予公开"}.get(category, "") in done.text
    assert clerk.get(f"/items/{item_id}/slip").status_code == 200
    # The same own id twice is one item: the use case says so, the page too.
    first = _enter(clerk, id="法规-2026-001")
    again = _enter(clerk, id="法规-2026-001")
    assert again.headers["location"].endswith("outcome=unchanged") and first.headers["location"].split("?")[0] == \
        again.headers["location"].split("?")[0]
    assert "未重复录入" in clerk.get(again.headers["location"]).text
    assert len(_stored(api)) == 2


def test_another_accounts_id_and_another_division_are_refused_in_chinese(app: Any, api: Api) -> None:
    first = person(app, "录入员丁", "clerk", "法规处")
    other = person(app, "录入员戊", "clerk", "法规处")
    assert _enter(first, id="共用-1").status_code == 303
    taken = _enter(other, id="共用-1", title="改写别人的文件")
    assert taken.status_code == 409 and "该自编号已被其他账户或处室的文件使用" in taken.text
    assert 'value="改写别人的文件"' in _field(taken.text, "title")
    moved = _enter(other, division="办公室")
    assert moved.status_code == 403 and "您只能录入本处室（法规处）的文件。" in moved.text
    assert [i["title"] for i in _stored(api)] == [GOOD["title"]]


def test_a_form_without_its_csrf_token_stores_nothing(app: Any, api: Api) -> None:
    clerk = person(app, "录入员己", "clerk", "法规处")
    for token in (None, "forged"):
        data = {**GOOD, **({"csrf": token} if token else {})}
        refused = clerk.post("/entry", data=data, follow_redirects=False)
        assert refused.status_code == 403 and "表单已过期或来源不明" in refused.text
    assert _stored(api) == []


@pytest.mark.parametrize("role", ["secrecy_reviewer", "office", "document_system"])
def test_only_a_clerk_enters(app: Any, api: Api, role: str) -> None:
    other = person(app, f"非录入员-{role}", role)
    assert other.get("/entry").status_code == 403 and "无权访问" in other.get("/entry").text
    refused = other.post("/entry", data={**GOOD, "csrf": _csrf(other, "/")}, follow_redirects=False)
    assert refused.status_code == 403 and _stored(api) == []


def test_a_clerk_lists_their_own_division_only(app: Any, api: Api) -> None:
    own = push_item(api, 0, "法规处", "2026-11-02")
    office = push_item(api, 1, "办公室", "2026-11-03")
    titles = {d["id"]: d["title"] for d in sample_documents()}
    clerk = person(app, "录入员庚", "clerk", "法规处")
    listed = clerk.get("/items")
    assert listed.status_code == 200 and "共 1 件" in listed.text
    assert f'href="/items/{own}"' in listed.text and html.escape(titles["s-001"], quote=False) in listed.text
    assert f'href="/items/{office}"' not in listed.text and titles["s-002"] not in listed.text
    assert 'name="division"' not in listed.text  # a clerk's list is their division's: no such filter
    stored = api.as_("office").get(f"/v1/items/{own}").json()
    for text in ("发文字号", "第二十六条公开期限", stored["due_on"], "保密审核", "公开属性：", "密级：", "栏目："):
        assert text in listed.text, text
    assert clerk.get(f"/items/{office}/slip").status_code == 404
    assert clerk.get(f"/entry/{office}/done").status_code == 404 and "没有这个文件" in clerk.get(f"/entry/{office}/done").text
    assert clerk.get("/entry/99999999999999/done").status_code == 404
    # 办公室's clerk, and the office, see theirs
    assert f'href="/items/{office}"' in person(app, "录入员辛", "clerk", "办公室").get("/items").text
    everyone = person(app, "公开办", "office").get("/items", params={"division": "办公室"})
    assert f'href="/items/{office}"' in everyone.text and f'href="/items/{own}"' not in everyone.text


def test_a_secret_items_title_and_suggestion_stay_hidden_as_in_the_api(app: Any, api: Api) -> None:
    secret = push_item(api, 0, "法规处", "2026-11-02", id="secret-1", secrecy_marking="秘密★1年",
                       title="关于某绝密工程选址的请示")
    clerk = person(app, "录入员壬", "clerk", "法规处")
    listed = clerk.get("/items").text
    assert f'href="/items/{secret}"' in listed and "（无权查看）" in listed and "涉密" in listed
    assert "绝密工程" not in listed and "青交发" not in listed
    assert api.as_("office").get("/v1/items").json()["items"][0]["title"] is None  # as the API shows it
    cleared = person(app, "保密员", "secrecy_reviewer").get("/items").text
    assert "关于某绝密工程选址的请示" in cleared


def test_filters_and_paging(app: Any, api: Api) -> None:
    first = push_item(api, 2, "法规处", "2026-10-01")
    for n in range(50):
        push_item(api, n % 8, "法规处", "2026-11-05", id=f"page-{n}", title=f"分页测试文件{n:02d}")
    clerk = person(app, "录入员癸", "clerk", "法规处")
    one = clerk.get("/items")
    assert "共 51 件，第 1 / 2 页" in one.text and one.text.count("<tr>") == 51  # the header and 50 rows
    assert "分页测试文件49" in one.text and f'href="/items/{first}"' not in one.text  # newest first
    assert 'rel="next"' in one.text and 'rel="prev"' not in one.text
    two = clerk.get("/items", params={"page": "2"})
    assert f'href="/items/{first}"' in two.text and two.text.count("<tr>") == 2 and 'rel="prev"' in two.text
    beyond = clerk.get("/items", params={"page": "9"})  # past the end: empty, and the way back is to the last page
    assert beyond.status_code == 200 and "没有符合条件的文件" in beyond.text
    assert '<a href="/items?page=2" rel="prev">' in beyond.text and 'rel="next"' not in beyond.text
    # A search matches the items the person may read (a secret-looking sample is not among them), as the API's.
    matched = api.as_("office").get("/v1/items", params={"q": "分页测试文件0"}).json()["total"]
    found = clerk.get("/items", params={"q": "分页测试文件0"})
    assert 0 < matched <= 10 and f"共 {matched} 件" in found.text and 'value="分页测试文件0"' in found.text
    dated = clerk.get("/items", params={"closed_from": "2026-09-01", "closed_to": "2026-10-31"})
    assert "共 1 件" in dated.text and f'href="/items/{first}"' in dated.text
    assert "共 0 件" in clerk.get("/items", params={"status": "routed"}).text
    assert "共 51 件" in clerk.get("/items", params={"status": "secrecy_review"}).text
    assert "没有符合条件的文件" in clerk.get("/items", params={"category": "proactive"}).text
    kept = clerk.get("/items", params={"status": "secrecy_review", "closed_to": "2026-12-31"})  # along the pages
    assert 'href="/items?status=secrecy_review&amp;closed_to=2026-12-31&amp;page=2"' in kept.text


@pytest.mark.parametrize(("params", "message"), [
    ({"q": "a\x00b"}, "标题检索含有空字符"),
    ({"q": "长" * 201}, "标题检索过长：最多 200 字"),
    ({"status": "<script>alert(1)</script>"}, "状态不是可选的值"),
    ({"category": "'; DROP TABLE item; --"}, "公开属性（审核决定）不是可选的值"),
    ({"closed_from": "2026-13-01"}, "办结日期（起）不是有效的日期"),
    ({"closed_to": "tomorrow"}, "办结日期（止）不是有效的日期"),
    ({"page": "0"}, "页码超出范围"),
    ({"page": "abc"}, "页码应为整数"),
    ({"page": "99999999999"}, "页码超出范围"),
    ({"division": "法规处\x00"}, "处室含有空字符"),
])
def test_a_hostile_filter_is_answered_in_chinese(app: Any, api: Api, params: dict[str, str], message: str) -> None:
    push_item(api, 0, "法规处", "2026-11-02")
    office = person(app, "公开办乙", "office")
    answer = office.get("/items", params=params)
    assert answer.status_code == 400 and message in answer.text, answer.text[-2000:]
    assert "<script>alert" not in answer.text and "\x00" not in answer.text
    assert "page" in params or 'aria-invalid="true"' in answer.text  # the page number has no field of its own


def test_a_harmless_odd_search_is_only_a_search(app: Any, api: Api) -> None:
    push_item(api, 0, "法规处", "2026-11-02")
    clerk = person(app, "录入员子", "clerk", "法规处")
    for q in ("<script>alert(1)</script>", "%_\\", "' OR 1=1 --", "〔2025〕"):
        answer = clerk.get("/items", params={"q": q})
        assert answer.status_code == 200 and "<script>alert" not in answer.text, q
    assert "共 0 件" in clerk.get("/items", params={"q": "%"}).text  # a LIKE wildcard is a character here


def test_the_list_reads_a_page_in_the_same_few_queries_however_long(app: Any, api: Api) -> None:
    clerk = person(app, "录入员丑", "clerk", "法规处")
    counts, seen = [], []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    for n in range(2):
        for k in range(1 if n == 0 else 20):
            push_item(api, k % 8, "法规处", "2026-11-05", id=f"n1-{n}-{k}")
        seen.clear()
        engine = app.state.reader_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert clerk.get("/items").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len([s for s in seen if "item" in s.lower()]))
    assert counts[0] == counts[1] and counts[1] <= 3, counts
