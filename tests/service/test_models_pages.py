"""The model registry's page (issue 19): every role sees /models or the refusal its permission says; a rule
author validates a twin of the model in service and activates it, then rolls back; a candidate that decides
categories wrongly shows 未通过 and its activation is refused with the model in service unchanged; a form without
the session's CSRF token changes nothing; a rule author (not cleared) sees no figure of a model trained on
decisions; a note's markup is shown as text."""

from __future__ import annotations

import re
from typing import Any

from api.access.roles import PERMISSIONS
from api.pages.models_page import HIDDEN
from api.rulesets import classifier
from engine.suggest import Suggester
from engine.vocabulary import Role
from tests.service.conftest import Api
from tests.service.pages import sign_in_on
from tests.service.test_model_registry import _records, _register, _route, _variant

ROLES = [Role.CLERK, Role.SECRECY_REVIEWER, Role.DISCLOSURE_REVIEWER, Role.OFFICE, Role.RULE_AUTHOR,
         Role.SUPERVISOR, Role.ADMIN]


def serving(api: Api) -> str:
    return str(api.as_("admin").get("/v1/models").json()["serving"]["model_id"])


def routed(api: Api, n: int) -> None:
    for i, record in enumerate(_records(n)):
        _route(api, record, i)


def test_each_role_sees_the_page_or_its_refusal(api: Api, app: Any, combined: Suggester) -> None:
    for role in ROLES:
        sign_in_on(api.client, app, f"模型页-{role}", role, "法规处" if role == Role.CLERK else None)
        page = api.client.get("/models")
        if role in PERMISSIONS["read_models"]:
            assert page.status_code == 200, (role, page.status_code)
            assert combined.model.model_id in page.text and "启动" in page.text and 'href="/models"' in page.text
            may_activate = role in PERMISSIONS["activate_models"]
            assert 'action="/models/rollback"' not in page.text  # no model was served before this one
            assert ("“验证”" in page.text) is may_activate, role
        else:
            assert page.status_code == 403 and "无权" in page.text, role
            assert 'href="/models"' not in page.text  # not offered in the menu
    sign_in_on(api.client, app, "规则读者-模型", "office")
    assert "模型版本见" in api.client.get("/rules").text


def test_a_rule_author_validates_activates_and_rolls_back_a_twin(api: Api, app: Any, combined: Suggester) -> None:
    original = combined.model.model_id
    routed(api, 8)
    _register(app, _variant(combined.model, "twin-page-1", False))
    csrf = sign_in_on(api.client, app, "模型编写甲", "rule_author")
    listing = api.client.get("/models").text
    assert 'action="/models/twin-page-1/validate"' in listing

    page = api.client.post("/models/twin-page-1/validate", data={"csrf": csrf})
    assert page.status_code == 200, page.text
    text = page.text
    assert "可以启用" in text and "✗ 未通过" not in text and text.count("✓ 通过") == 4
    assert "涉密文件的识别不得减少" in text and "公开属性的宏平均 F1 不得下降" in text
    assert re.search(r"共 \d+ 件", text) and "结果偏乐观" in text and "改错 0 处" in text
    assert 'action="/models/twin-page-1/activate"' in text and serving(api) == original  # nothing changed

    no_note = api.client.post("/models/twin-page-1/activate", data={"csrf": csrf, "note": " "})
    assert no_note.status_code == 422 and "请填写启用说明" in no_note.text and serving(api) == original
    done = api.client.post("/models/twin-page-1/activate", data={"csrf": csrf, "note": "同一权重的孪生模型"},
                           follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/models?notice=activated&model=twin-page-1"
    assert serving(api) == "twin-page-1"
    shown = api.client.get(done.headers["location"]).text
    assert "已启用模型 twin-page-1" in shown and "同一权重的孪生模型" in shown and "模型编写甲" in shown
    current = re.search(r'<dt>模型版本</dt><dd><code>([^<]+)</code>', shown)
    assert current is not None and current.group(1) == "twin-page-1"
    assert "✓ 通过：不予公开文件的识别不得减少" in shown  # the activation's gates, in the history

    assert api.client.post("/models/rollback", data={"csrf": csrf, "to": "", "note": ""}).status_code == 422
    back = api.client.post("/models/rollback", data={"csrf": csrf, "to": original, "note": "回到原模型"},
                           follow_redirects=False)
    assert back.status_code == 303 and serving(api) == original
    assert "已回退到模型" in api.client.get(back.headers["location"]).text


def test_a_bad_candidate_fails_and_its_activation_is_refused(api: Api, app: Any, combined: Suggester) -> None:
    original = combined.model.model_id
    routed(api, 16)
    _register(app, _variant(combined.model, "bad-page-1", True))
    csrf = sign_in_on(api.client, app, "模型管理员", "admin")
    page = api.client.post("/models/bad-page-1/validate", data={"csrf": csrf})
    assert page.status_code == 200, page.text
    assert "不可启用" in page.text and "✗ 未通过" in page.text and "公开属性的宏平均 F1 不得下降" in page.text
    assert 'action="/models/bad-page-1/activate"' not in page.text  # not offered
    forced = api.client.post("/models/bad-page-1/activate", data={"csrf": csrf, "note": "硬来"})
    assert forced.status_code == 409, forced.text
    assert "未启用" in forced.text and "现行模型未作任何改变" in forced.text and "公开属性的宏平均 F1 不得下降" in forced.text
    assert serving(api) == original
    assert api.client.post("/models/nosuch/validate", data={"csrf": csrf}).status_code == 404
    assert api.client.post("/models/%3Cb%3E/validate", data={"csrf": csrf}).status_code == 404


def test_a_form_without_the_csrf_token_changes_nothing(api: Api, app: Any, combined: Suggester) -> None:
    original = combined.model.model_id
    _register(app, _variant(combined.model, "twin-page-2", False))
    sign_in_on(api.client, app, "模型编写乙", "rule_author")
    for path in ("/models/twin-page-2/activate", "/models/rollback", "/models/twin-page-2/validate"):
        for data in ({"note": "n"}, {"note": "n", "csrf": "forged"}):
            answer = api.client.post(path, data=data)
            assert answer.status_code == 403 and "表单已过期" in answer.text, path
    assert serving(api) == original
    sign_in_on(api.client, app, "模型监察", "supervisor")  # may read, not activate
    csrf = re.search(r'name="csrf" value="([^"]+)"', api.client.get("/models").text)
    assert csrf is not None
    assert api.client.post("/models/twin-page-2/activate", data={"csrf": csrf.group(1), "note": "n"}).status_code == 403
    assert serving(api) == original


def test_a_rule_author_sees_no_figure_of_a_model_trained_on_decisions(api: Api, app: Any,
                                                                       combined: Suggester) -> None:
    twin = _variant(combined.model, "learnt-page-1", False)
    def measured(accuracy: float, f1: float) -> dict[str, Any]:
        return {"combined": {name: {"accuracy": accuracy, "macro_f1": f1} for name in
                             ("category", "exemption", "secrecy", "column")}, "decisions": 5}

    twin.metadata["metrics"] = {**twin.metadata.get("metrics", {}), "forward": measured(0.8123, 0.7012),
                                "prior_only": measured(0.6543, 0.5432)}
    twin.metadata["training_data"] = {**twin.metadata["training_data"], "decisions": {
        "source": "decisions", "learnt_from": 47, "held_out": 5, "duplicates": 0, "weight": 2.0,
        "trained_until": "2026-11-30T08:00:00+00:00", "held_out_from": "2026-12-01T08:00:00+00:00"}}
    _register(app, twin)
    sign_in_on(api.client, app, "模型编写丙", "rule_author")
    hidden = api.client.get("/models").text
    assert "learnt-page-1" in hidden and HIDDEN in hidden
    assert "0.812" not in hidden and "0.701" not in hidden and "0.654" not in hidden and "47 / 5" not in hidden
    sign_in_on(api.client, app, "模型管理员乙", "admin")
    shown = api.client.get("/models").text
    assert "0.812 / 0.701" in shown and "0.654 / 0.543" in shown and ">47 / 5<" in shown and HIDDEN not in shown


def test_markup_in_a_note_is_shown_as_text(api: Api, app: Any, combined: Suggester) -> None:
    _register(app, _variant(combined.model, "twin-page-3", False))
    csrf = sign_in_on(api.client, app, "模型编写丁", "rule_author")
    note = '<script>alert("x")</script><b onmouseover=alert(1)>粗</b>'
    done = api.client.post("/models/twin-page-3/activate", data={"csrf": csrf, "note": note}, follow_redirects=False)
    assert done.status_code == 303, done.text
    page = api.client.get("/models").text
    assert "<script>alert" not in page and "<b onmouseover" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "&lt;b onmouseover=alert(1)&gt;粗&lt;/b&gt;" in page
    assert api.client.get("/models?notice=activated&model=<b>x</b>").text.count("已启用模型") == 0
    with app.state.readers() as session:
        assert classifier.versions(session, app.state.context)["serving"]["model_id"] == "twin-page-3"
