"""The model registry's page (issue 19) in a real Chromium: a rule author opens 模型版本 from the menu, validates
a twin of the model in service (the same weights under another id, registered by `gongkai model register`),
reads the gates, activates it with a note and sees it in service. No serious or critical axe-core violation
on the list and the validation; screenshots kept in tests/browser/artifacts/ (models.png,
models_validation.png, models_activated.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from engine.classifier.model import Model, load_model
from tests.browser.helpers import axe_violations, screenshot
from tests.server_process import ServerProcess, gongkai, issue_token

pytestmark = pytest.mark.browser

TWIN = "twin-browser-1"
DOCUMENTS = [
    {"doc_type": "通告", "title": "关于城区部分道路封闭施工的通告", "division": "交通科",
     "body": "因地铁施工需要，自2026年11月1日起封闭人民路部分路段，请过往车辆绕行。特此通告。"},
    {"doc_type": "通知", "title": "关于做好2026年冬季道路除雪工作的通知", "division": "公路科",
     "body": "各区县交通运输局：为保障冬季道路安全畅通，现就做好除雪保通工作通知如下。"},
    {"doc_type": "函", "title": "关于商请提供公交线路调整意见的函", "division": "运输科",
     "body": "市公交集团：为优化城区公交线网，请于11月30日前提供线路调整意见。"},
]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, audit_key_file: Path,
                trained_model_dir: Path) -> Iterator[ServerProcess]:
    """conftest's live server, serving the trained model (the registry has a model to replace)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'gongkai.db'}"
    issue_token(url, "admin", "browser-tests-setup")
    with ServerProcess(url, trained_model_dir, extra_env={"GONGKAI_AUDIT_KEY_FILE": str(audit_key_file)}) as server:
        yield server


@pytest.fixture(scope="module")
def twin(live_server: ServerProcess, token: Callable[..., str], trained_model_dir: Path,
         tmp_path_factory: pytest.TempPathFactory) -> str:
    """Three routed decisions, and the model in service registered again under another id."""
    with live_server.client(token("document_system", "ds-models")) as ds, \
            live_server.client(token("secrecy_reviewer", "sr-models")) as s, \
            live_server.client(token("disclosure_reviewer", "dr-models")) as d:
        for n, doc in enumerate(DOCUMENTS):
            answer = ds.post("/v1/closures", json={**doc, "id": f"models-browser-{n}", "date": "2026-10-20"})
            assert answer.status_code == 201, answer.text
            item = int(answer.json()["id"])
            assert s.post(f"/v1/items/{item}/secrecy_review", json={"secrecy": "none"}).status_code == 200
            answer = d.post(f"/v1/items/{item}/disclosure_review", json={})  # the suggestion kept
            assert answer.status_code == 200, answer.text
    model = load_model(trained_model_dir)
    directory = tmp_path_factory.mktemp("twin")
    Model(model.blocks, dict(model.heads), {**model.metadata, "model_id": TWIN}, model.segmenter).save(directory)
    done = gongkai(["model", "register", str(directory), "--database", live_server.database_url],
                   live_server.database_url)
    assert done.returncode == 0, done.stderr
    return TWIN


def _checked(watched: Any, name: str) -> None:
    assert axe_violations(watched.page) == [], name
    assert watched.console_errors == [] and watched.page_errors == [], name
    assert watched.csp_violations() == [], name
    screenshot(watched.page, name)


def test_a_rule_author_validates_and_activates_a_twin(sign_in: Callable[..., Any], twin: str) -> None:
    watched = sign_in("rule_author", "浏览器模型编写", bypass_csp=True)
    page = watched.page
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm on the activation form
    with page.expect_navigation():
        page.click("nav.menu >> text=模型版本")
    assert page.locator("h1").inner_text() == "模型版本"
    serving = page.locator("#serving-heading + dl code").first.inner_text()
    assert serving != twin and twin in page.inner_text("main") and "启动" in page.inner_text("main")
    _checked(watched, "models")

    with page.expect_navigation():
        page.click(f"button[aria-label='验证 {twin}']")
    text = page.inner_text("main")
    assert "可以启用" in text and "✗ 未通过" not in text and "涉密文件的识别不得减少" in text
    assert page.locator("table[aria-labelledby=gates-heading] .tag.passed").count() == 4
    _checked(watched, "models_validation")

    page.fill("#note", "同一权重的孪生模型，验证启用流程")
    with page.expect_navigation():
        page.click(f"form[action='/models/{twin}/activate'] button[type=submit]")
    text = page.inner_text("main")
    assert f"已启用模型 {twin}" in text and "同一权重的孪生模型，验证启用流程" in text
    assert page.locator("#serving-heading + dl code").first.inner_text() == twin
    _checked(watched, "models_activated")
