"""The rule pages (issue 16): the rules in service and their history; a rule author uploads a candidate,
reads its diagnostics, tests and backtest (flips and gates), activates it with a note, and rolls back,
all through the API's own use cases; every refusal leaves the rules in service as they were."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from markupsafe import escape

from api.rulesets import activation as rulesets
from engine.paths import PROJECT_ROOT
from engine.rules.rulebook import files_of, revision_of
from tests.service.pages import sign_in_on
from tests.service.conftest import Api

RULES = PROJECT_ROOT / "rules"
NOTICE = {"doc_type": "通告", "title": "关于城区部分道路封闭施工的通告", "date": "2026-10-20", "division": "交通科",
          "body": "因地铁施工需要，自2026年11月1日起封闭人民路部分路段，请过往车辆绕行。特此通告。"}
SUBJECTS = (RULES / "columns" / "subjects.yaml").read_text(encoding="utf-8")
EDITED = SUBJECTS.replace("matches: '建设项目|", "matches: '封闭施工|建设项目|")  # tests/service/test_rule_reload.py
BROKEN = "schema: gongkai-rules/1\nrules:\n  - id: [\n"
GATE = "\nbacktest:\n  thresholds:\n    - metric: column.accuracy\n      at_least: 1.0\n      note: 栏目准确率不得下降\n"



def route_notice(api: Api) -> int:
    """A routed item the edited column rule flips (its reviewer kept the column 其他)."""
    item = api.push({**NOTICE, "id": "notice-1"}).json()["id"]
    assert api.as_("secrecy_reviewer").post(f"/v1/items/{item}/secrecy_review", json={"secrecy": "none"}).status_code == 200
    assert api.as_("disclosure_reviewer").post(f"/v1/items/{item}/disclosure_review", json={}).status_code == 200
    return int(item)


def upload(api: Api, csrf: str | None, files: list[tuple[str, bytes]], directory: str = "", **fields: str) -> Any:
    data = {"directory": directory, **fields} | ({"csrf": csrf} if csrf is not None else {})
    parts = [("files", (name, content, "application/yaml")) for name, content in files] or \
        [("files", ("", b"", "application/octet-stream"))]  # what a browser sends for an empty file input
    return api.client.post("/rules/validate", data=data, files=parts, follow_redirects=False)


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found is not None, name
    return html.unescape(found.group(1))


def serving(api: Api) -> str:
    return str(api.as_("office").get("/v1/rules").json()["revision"])


def test_the_rules_page_shows_the_set_in_service_its_rules_and_history(api: Api, app: Any) -> None:
    sign_in_on(api.client, app, "规则读者", "office")
    page = api.client.get("/rules")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    old = revision_of(RULES)
    assert old[:12] in page.text and "服务启动" in page.text and "gongkai-default" in page.text
    assert "columns.major_projects.construction_and_expropriation" in page.text and "重大建设项目" in page.text
    assert 'action="/rules/validate"' not in page.text and 'action="/rules/rollback"' not in page.text  # not an author
    files = api.client.get(f"/rules/revisions/{old}")
    assert files.status_code == 200 and "columns/subjects.yaml" in files.text and "<pre" in files.text
    assert str(escape("matches: '建设项目|")) in files.text
    assert api.client.get("/rules/revisions/0000").status_code == 404
    assert "没有规则版本" in api.client.get(f"/rules/revisions/{'f' * 100}").text
    assert "已启用" not in api.client.get("/rules?notice=activated&revision=<b>假的</b>").text  # not a revision


def test_a_broken_file_shows_diagnostics_and_activates_nothing(api: Api, app: Any) -> None:
    csrf = sign_in_on(api.client, app, "规则编写甲", "rule_author")
    old = serving(api)
    page = upload(api, csrf, [("zz_broken.yaml", BROKEN.encode())], directory="proactive")
    assert page.status_code == 200, page.text
    assert "rules/proactive/zz_broken.yaml:4:1" in page.text and "R001" in page.text and "YAML syntax error" in page.text
    assert "不可启用" in page.text and 'action="/rules/activate"' not in page.text
    assert serving(api) == old


def test_upload_problems_are_named_in_chinese_and_change_nothing(api: Api, app: Any) -> None:
    csrf = sign_in_on(api.client, app, "规则编写乙", "rule_author")
    old = serving(api)
    cases = [
        ([], {}, "没有选择文件"),
        ([("subjects.yaml", b"")], {}, "“subjects.yaml”是空的"),
        ([("subjects.yaml", "规则".encode("gb18030"))], {}, "不是 UTF-8 编码"),
        ([("../subjects.yaml", EDITED.encode())], {}, "含有路径"),
        ([("notes.txt", b"x")], {}, "不是规则文件"),
        ([], {"paste_text": EDITED}, "需要一个文件名"),
    ]
    for files, fields, expected in cases:
        page = upload(api, csrf, files, directory="columns", **fields)
        assert page.status_code == 422 and expected in page.text, (expected, page.text[-2000:])
        assert 'role="alert"' in page.text
    assert serving(api) == old
    assert upload(api, None, [("subjects.yaml", EDITED.encode())]).status_code == 403  # no CSRF token
    assert "表单已过期" in upload(api, "forged", [("subjects.yaml", EDITED.encode())]).text


def test_validate_activate_and_roll_back_through_the_pages(api: Api, app: Any) -> None:
    routed = route_notice(api)
    csrf = sign_in_on(api.client, app, "规则编写丙", "rule_author")
    old = serving(api)
    page = upload(api, csrf, [("subjects.yaml", EDITED.encode())], directory="columns")
    assert page.status_code == 200, page.text
    text = page.text
    assert "可以启用" in text and "columns/subjects.yaml</code>（替换）" in text
    assert "关于城区部分道路封闭施工的通告" in text and "重大建设项目" in text and "改错" in text  # the flip
    assert f"<td>{routed}</td>" in text and "通过" in text  # the gates
    new = hidden(text, "revision")
    assert new != old and hidden(text, "base") == old and serving(api) == old  # validation changes nothing

    form = {"csrf": csrf, "base": old, "revision": new, "files": hidden(text, "files")}
    no_note = api.client.post("/rules/activate", data={**form, "note": " "}, follow_redirects=False)
    assert no_note.status_code == 422 and "请填写启用说明" in no_note.text and serving(api) == old
    assert api.client.post("/rules/activate", data={**form, "csrf": "", "note": "x"}).status_code == 403
    done = api.client.post("/rules/activate", data={**form, "note": "封闭施工的通告归重大建设项目"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/rules?notice=activated&revision={new[:12]}"
    assert serving(api) == new
    pushed = api.push({**NOTICE, "id": "notice-after"})
    assert pushed.headers["X-Ruleset-Revision"] == new
    listing = api.client.get(done.headers["location"]).text
    assert f"已启用规则版本 {new[:12]}" in listing and "封闭施工的通告归重大建设项目" in listing and "规则编写丙" in listing

    # The same form again is refused: the rules in service moved on since it was validated.
    again = api.client.post("/rules/activate", data={**form, "note": "再来一次"}, follow_redirects=False)
    assert again.status_code == 409 and "重新上传" in again.text and serving(api) == new

    assert api.client.post("/rules/rollback", data={"csrf": csrf, "to": old, "note": ""}).status_code == 422
    unknown = api.client.post("/rules/rollback", data={"csrf": csrf, "to": "0" * 12, "note": "回退"})
    assert unknown.status_code == 422 and "没有以 000000000000 开头的唯一规则版本" in unknown.text and serving(api) == new
    back = api.client.post("/rules/rollback", data={"csrf": csrf, "to": old, "note": "回退：再议"}, follow_redirects=False)
    assert back.status_code == 303 and serving(api) == old
    history = api.as_("office").get("/v1/rules/revisions").json()["activations"]
    assert [(a["action"], a["actor"], a["note"]) for a in history[:2]] == [
        ("rollback", "规则编写丙", "回退：再议"), ("activate", "规则编写丙", "封闭施工的通告归重大建设项目")]


def test_a_failing_gate_is_not_offered_for_activation_nor_activated(api: Api, app: Any) -> None:
    route_notice(api)
    csrf = sign_in_on(api.client, app, "规则编写丁", "rule_author")
    old = serving(api)
    manifest = (RULES / "_ruleset.yaml").read_text(encoding="utf-8") + GATE
    page = upload(api, csrf, [("subjects.yaml", EDITED.encode()), ("_ruleset.yaml", manifest.encode())],
                  directory="columns")
    assert page.status_code == 200, page.text
    assert "不可启用" in page.text and "回测门槛未通过" in page.text and "未通过" in page.text
    assert 'action="/rules/activate"' not in page.text and "_ruleset.yaml</code>（替换）" in page.text
    # A form made by hand is refused the same way: validated again, the gate fails again.
    carried = {"columns/subjects.yaml": EDITED, "_ruleset.yaml": manifest}
    book = rulesets.check({**files_of(RULES), **carried})[0]
    assert book is not None and book.revision[:12] in page.text
    forced = api.client.post("/rules/activate", data={"csrf": csrf, "base": old, "revision": book.revision,
                                                      "files": json.dumps(carried), "note": "硬来"})
    assert forced.status_code == 422 and "不能启用" in forced.text and "回测门槛未通过" in forced.text
    assert serving(api) == old


def test_a_reviewer_reads_the_rules_but_may_not_validate(api: Api, app: Any) -> None:
    csrf = sign_in_on(api.client, app, "审核员", "disclosure_reviewer")
    assert api.client.get("/rules").status_code == 200
    refused = upload(api, csrf, [("subjects.yaml", EDITED.encode())], directory="columns")
    assert refused.status_code == 403 and "无权" in refused.text
    assert api.client.post("/rules/rollback", data={"csrf": csrf, "to": "x" * 12, "note": "n"}).status_code == 403
    sign_in_on(api.client, app, "信息员", "clerk")
    assert api.client.get("/rules").status_code == 403
