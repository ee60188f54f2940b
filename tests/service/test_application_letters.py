"""Letters issued on an application through the API (issue 17; applications.md §2, §1.7): every letter type
issued from a case in the right state, each misfit refused with its rule and article, missing elements
named, 文号 gapless and unique (two issuers at once on PostgreSQL), the stored letter read back as JSON, DOCX
and HTML whatever the templates say later, a clerk of another division kept out, and the dispatch of an
answer refused until its letter is on file."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from sqlalchemy import select

from api.access import tokens
from api.context import Actor
from api.letters import load
from api.letters.fit import NOTICES, uncovered
from api.letters.templates import LetterTemplate
from api.settings import Settings
from engine.paths import PROJECT_ROOT
from engine.workflow.working_days import today_in_china
from models.tables import AuditEventRow
from tests.service.conftest import Api, review_item
from tests.service.test_applications import event, registered
from tests.service.test_concurrency import _at_once

LETTERS = PROJECT_ROOT / "data" / "letters"
LETTER_SETTINGS: dict[str, Any] = {
    "agency_name": "北京市某某委员会", "contact_person": "王联络", "contact_phone": "010-87654321",
    "review_authority": "北京市人民政府", "court": "北京市第四中级人民法院",
    "progress_query": "https://www.example.gov.cn/ysqgk", "letter_number_pattern": "京某依申公{code}〔{year}〕{serial}号"}
TEMPLATES = load(LETTERS)
YEAR = today_in_china().year


@pytest.fixture
def letters_dir(tmp_path: Path) -> Path:
    """A copy of the templates the test may edit (GONGKAI_LETTERS)."""
    copy = tmp_path / "letters"
    shutil.copytree(LETTERS, copy)
    return copy


@pytest.fixture
def settings(database_url: str, model_dir: Path, audit_key_file: Path, letters_dir: Path) -> Settings:
    return Settings(database_url=database_url, model=model_dir, agency_code="11010000", audit_key_file=audit_key_file,
                    letters=letters_dir, **LETTER_SETTINGS)


def elements_for(template: LetterTemplate) -> dict[str, Any]:
    """Every required element of a letter type, each filled with words of its own Chinese name (a flag: yes,
    so the fuller wording prints). The receipt takes none: all it prints is the case's."""
    filled: dict[str, Any] = {}
    if template.kind == "receipt":
        return filled
    for key, element in template.elements.items():
        if element.shape == "flag":
            filled[key] = True
        elif element.shape == "list":
            filled[key] = [f"{element.name}（第一项）", f"{element.name}（第二项）"]
        elif element.shape == "records":
            filled[key] = [{field: f"{name}甲" for field, name in element.fields.items()}]
        else:
            filled[key] = f"{element.name}：经核实的情况"
    return filled


def issue(api: Api, app_id: int, kind: str, status: int = 201, role: str = "office", **body: Any) -> dict[str, Any]:
    body.setdefault("elements", elements_for(TEMPLATES.letters[kind]))
    r = api.as_(role).post(f"/v1/applications/{app_id}/letters", json={"kind": kind, **body})
    assert r.status_code == status, r.text
    return r.json()  # type: ignore[no-any-return]


def issue_answer(api: Api, app_id: int, role: str = "office") -> dict[str, Any]:
    """The answer letter for the application's outcome as it stands (so its answer may be dispatched)."""
    outcome = api.as_(role).get(f"/v1/applications/{app_id}").json()["outcome"]
    kind = next(k for k, t in TEMPLATES.letters.items() if outcome in t.outcomes and t.addressee == "applicant")
    return issue(api, app_id, kind, role=role)


# The transitions that put a new application where each notice fits (applications.md §1.3).
FEE = {"method": "by_pages", "basis": 120, "amount": 1100}
BEFORE: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "receipt": [],
    "correction": [("request_correction", "2025-09-29", {"applicant_received_on": "2025-09-30"})],
    "reason_request": [("request_reason", "2025-09-29", {})],
    "delay": [("request_reason", "2025-09-29", {}),
              ("reason_accepted", "2025-10-09", {"delayed_until": "2025-12-31", "approved_by": "李主任",
                                                 "why": "申请的信息须逐件调档核对"})],
    "extension": [("start", "2025-09-29", {}), ("extend", "2025-10-20", {"why": "申请的信息数量较多",
                                                                         "approved_by": "李主任"})],
    "third_party_consultation": [("start", "2025-09-29", {}),
                                 ("consult_third_party", "2025-10-09", {"recipient_received_on": "2025-10-10"})],
    "third_party_decision": [("start", "2025-09-29", {}),
                             ("consult_third_party", "2025-10-09", {"recipient_received_on": "2025-10-10"}),
                             ("consultation_ended", "2025-10-20", {"replied_on": "2025-10-20"})],
    "agency_consultation": [("start", "2025-09-29", {}),
                            ("consult_agency", "2025-10-09", {"recipient_received_on": "2025-10-10"})],
    "fee_notice": [("start", "2025-09-29", {}),
                   ("send_fee_notice", "2025-10-09", {"fee": FEE, "applicant_received_on": "2025-10-10"})],
}


def prepared(api: Api, kind: str) -> int:
    """A new application moved to where a letter of `kind` fits: a notice's transition, an answer's outcome."""
    case = registered(api, "2025-09-26")
    template = TEMPLATES.letters[kind]
    steps = BEFORE[kind] if kind in BEFORE else [("start", "2025-09-29", {}),
                                                 ("draft_answer", "2025-10-10", {"outcome": template.outcomes[0]})]
    for transition, on, fields in steps:
        event(api, case["id"], transition, on, **fields)
    return int(case["id"])


def test_every_letter_type_has_a_place_in_the_fit_table() -> None:
    assert uncovered(TEMPLATES) == []
    assert set(NOTICES) <= set(TEMPLATES.letters)


@pytest.mark.parametrize("kind", sorted(TEMPLATES.letters))
def test_every_letter_type_is_issued_from_a_case_in_its_state(api: Api, app: Any, kind: str) -> None:
    app_id = prepared(api, kind)
    template = TEMPLATES.letters[kind]
    letter = issue(api, app_id, kind)
    assert letter["kind"] == kind and letter["title"].startswith("北京市某某委员会")
    assert letter["agency"] == "北京市某某委员会" and "010-87654321" in letter["contact"]
    if template.code:
        assert letter["number"] == f"京某依申公{template.code}〔{YEAR}〕1号"
    else:
        assert letter["number"] is None
    text = "".join([letter["addressee"], *letter["paragraphs"]])
    assert "〔2025〕第0001号" in text and "2025年9月26日" in text  # the case's frame, not the issuer's
    flags = {key for key, element in template.elements.items() if element.shape == "flag"}
    for key, value in letter["elements"].items():
        if isinstance(value, str) and not flags:  # a flag's other wording does not print its elements
            assert value in text, key
    if template.outcomes:
        assert letter["outcome"] == template.outcomes[0]
    listed = api.as_("supervisor").get(f"/v1/applications/{app_id}/letters").json()["letters"]
    assert [x["id"] for x in listed] == [letter["id"]]
    with app.state.sessions() as session:
        audited = session.scalars(select(AuditEventRow).where(AuditEventRow.action == "application:letter")).all()
    assert len(audited) == 1


MISFITS = [
    # (letter, the case's transitions, the rule, the article named)
    ("correction", [("start", "2025-09-29", {})], "transition", "条例第三十条"),
    ("extension", [("start", "2025-09-29", {})], "transition", "条例第三十三条第二款"),
    ("fee_notice", [("start", "2025-09-29", {})], "transition", "条例第四十二条"),
    ("third_party_consultation", [("start", "2025-09-29", {})], "transition", "条例第三十二条"),
    ("third_party_decision", BEFORE["third_party_consultation"], "transition", "条例第三十二条"),
    ("agency_consultation", BEFORE["third_party_consultation"], "transition", "条例第三十四条"),
    ("delay", [("request_reason", "2025-09-29", {}), ("reason_accepted", "2025-10-09", {})], "transition",
     "条例第三十五条"),
    ("reason_request", [("start", "2025-09-29", {})], "transition", "条例第三十五条"),
    ("withheld", [("start", "2025-09-29", {}), ("draft_answer", "2025-10-10", {"outcome": "partial"})], "outcome",
     "第三十六条第（三）项"),
    ("disclosed", [("start", "2025-09-29", {}), ("draft_answer", "2025-10-10", {})], "outcome", "条例第三十六条"),
    ("not_held", [("start", "2025-09-29", {})], "outcome", "条例第三十六条"),
]


@pytest.mark.parametrize(("kind", "steps", "rule", "article"), MISFITS, ids=[m[0] for m in MISFITS])
def test_a_letter_that_does_not_fit_the_case_is_refused(api: Api, kind: str, steps: list[Any], rule: str,
                                                         article: str) -> None:
    case = registered(api, "2025-09-26")
    for transition, on, fields in steps:
        event(api, case["id"], transition, on, **fields)
    refused = issue(api, case["id"], kind, status=409)
    assert refused["rule"] == rule and article in refused["article"], refused
    assert api.as_("office").get(f"/v1/applications/{case['id']}/letters").json()["letters"] == []


def test_nothing_is_issued_while_the_receipt_day_awaits_confirmation(api: Api) -> None:
    online = api.as_("office").post("/v1/applications", json={
        "channel": "online", "submitted_at": "2025-09-26T20:00:00+08:00",
        "applicant": {"kind": "natural_person", "name": "李某"}, "description": "某区停车场收费标准",
        "form_requested": "electronic", "delivery": "email"}).json()
    assert online["status"] == "awaiting_confirmation"
    for kind in ("receipt", "correction", "not_held"):
        refused = issue(api, online["id"], kind, status=409)
        assert refused["rule"] == "state" and refused["article"] == "条例第三十一条"


def test_a_notice_names_the_transition_it_goes_with(api: Api) -> None:
    app_id = prepared(api, "extension")
    events = api.as_("office").get(f"/v1/applications/{app_id}").json()["timeline"]
    extend = next(e["seq"] for e in events if e["kind"] == "extend")
    assert issue(api, app_id, "extension")["event_seq"] == extend
    wrong = issue(api, app_id, "extension", status=409, event_seq=1)  # the receipt, not the extension
    assert wrong["rule"] == "event"
    assert issue(api, app_id, "extension", status=409, event_seq=99)["rule"] == "event"


def test_missing_elements_are_named_with_their_chinese_names(api: Api) -> None:
    app_id = prepared(api, "withheld")
    refused = issue(api, app_id, "withheld", status=422, elements={"ground": "属于过程性信息"})
    assert {m["key"] for m in refused["missing"]} == {"article", "facts"}
    assert "不予公开的法律依据（条款）（article）" in refused["detail"] and "适用的事实和理由" in refused["detail"]
    unknown = issue(api, app_id, "withheld", status=422, elements={**elements_for(TEMPLATES.letters["withheld"]),
                                                                    "reg_no": "〔2025〕第9999号"})
    assert "reg_no" in unknown["detail"]  # the frame comes from the case, never from the issuer
    blank = issue(api, app_id, "withheld", status=422, elements={"ground": " ", "article": "条例第十六条第二款",
                                                                  "facts": "系内部研究过程稿"})
    assert [m["key"] for m in blank["missing"]] == ["ground"]
    assert api.as_("office").get(f"/v1/applications/{app_id}/letters").json()["letters"] == []
    issued = issue(api, app_id, "withheld", elements={"ground": "属于过程性信息", "article": "条例第十六条第二款",
                                                      "facts": "所申请的材料系内部研究过程稿"})
    assert issued["number"] == f"京某依申公不告〔{YEAR}〕1号"  # the refusals took no number


@pytest.mark.parametrize("setting", ["review_authority", "letter_number_pattern"])
def test_a_missing_agency_setting_is_named_with_its_variable(api: Api, app: Any, setting: str) -> None:
    app_id = prepared(api, "not_held")
    app.state.context.settings = app.state.context.settings.model_copy(update={setting: ""})
    refused = issue(api, app_id, "not_held", status=422)
    named = next(m for m in refused["missing"] if m["key"] == setting)
    assert named["setting"] == f"GONGKAI_{setting.upper()}"


def test_the_handling_history_comes_from_the_stored_events(api: Api) -> None:
    case = registered(api, "2025-09-26")
    for transition, on, fields in [*BEFORE["extension"],
                                   ("consult_third_party", "2025-10-21", {"recipient_received_on": "2025-10-22"}),
                                   ("consultation_ended", "2025-10-30", {"replied_on": "2025-10-30"})]:
        event(api, case["id"], transition, on, **fields)
    notice = issue(api, case["id"], "extension")
    event(api, case["id"], "draft_answer", "2025-11-03", outcome="disclosed")
    answer = issue(api, case["id"], "disclosed")
    text = "".join(answer["paragraphs"])
    assert f"本机关于2025年10月20日告知您延期答复（{notice['number']}）" in text
    assert "2025年10月21日向第三方征求意见，于2025年10月30日收到回复" in text
    assert "补正" not in text and "信息处理费" not in text  # only what happened


def test_numbers_are_gapless_per_year_and_code(api: Api) -> None:
    numbers = [issue(api, prepared(api, "not_held"), "not_held")["number"] for _ in range(3)]
    other = issue(api, prepared(api, "correction"), "correction")["number"]
    assert numbers == [f"京某依申公无〔{YEAR}〕{n}号" for n in (1, 2, 3)]
    assert other == f"京某依申公补〔{YEAR}〕1号"


def test_two_issuers_at_once_get_gapless_unique_numbers(api: Api, database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("concurrent writers: PostgreSQL (SQLite serialises the whole file)")
    apps = [prepared(api, "not_held") for _ in range(2)]
    office = api.as_("office")
    body = {"kind": "not_held", "elements": elements_for(TEMPLATES.letters["not_held"])}
    numbers: list[str] = []
    for _ in range(4):  # several rounds, so the two really overlap at least sometimes
        results = _at_once([lambda a=a: office.post(f"/v1/applications/{a}/letters", json=body) for a in apps])
        assert [r.status_code for r in results] == [201, 201], [r.text for r in results]
        numbers += [r.json()["number"] for r in results]
    assert sorted(numbers, key=lambda n: int(n.split("〕")[1][:-1])) == [
        f"京某依申公无〔{YEAR}〕{n}号" for n in range(1, 9)]


def test_the_docx_and_html_say_what_the_json_says(api: Api) -> None:
    app_id = prepared(api, "partial")
    letter = issue(api, app_id, "partial", elements={
        "given": "项目清单的公开部分随本答复书提供（纸质，3页）",
        "withheld_parts": [{"part": "清单中个人住址一栏", "ground": "个人隐私", "article": "条例第十五条"}]})
    url = f"/v1/applications/{app_id}/letters/{letter['id']}"
    assert api.as_("office").get(url).json() == letter
    docx = api.as_("supervisor").get(url, params={"output": "docx"})
    assert docx.status_code == 200 and docx.headers["content-type"].startswith("application/vnd.openxml")
    lines = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs if p.text]
    assert lines[:3] == [letter["title"], letter["number"], f"{letter['addressee']}："]
    assert all(paragraph in lines for paragraph in letter["paragraphs"])
    assert lines[-3:] == [letter["agency"], letter["date"], f"（{letter['contact']}）"]
    assert any("（一）清单中个人住址一栏" in line for line in lines)
    html = api.as_("office").get(url, params={"output": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert letter["number"] in html.text and "清单中个人住址一栏" in html.text


def test_a_template_changed_later_does_not_change_a_letter_issued(api: Api, letters_dir: Path) -> None:
    app_id = prepared(api, "not_held")
    letter = issue(api, app_id, "not_held")
    path = letters_dir / "not_held.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("政府信息公开申请答复书", "改过的答复书"),
                    encoding="utf-8")
    from api.letters.render import templates_at
    templates_at.cache_clear()
    try:
        url = f"/v1/applications/{app_id}/letters/{letter['id']}"
        assert api.as_("office").get(url).json()["title"] == letter["title"]
        docx = api.as_("office").get(url, params={"output": "docx"})
        assert Document(io.BytesIO(docx.content)).paragraphs[0].text == letter["title"]
        assert "改过的答复书" in issue(api, prepared(api, "not_held"), "not_held")["title"]  # new letters use it
    finally:
        templates_at.cache_clear()


def test_a_clerk_of_another_division_gets_404(api: Api, app: Any) -> None:
    app_id = prepared(api, "not_held")
    letter = issue(api, app_id, "not_held")
    with app.state.sessions() as session:
        _, other = tokens.issue(session, name="clerk-财务", role="clerk", division="财务科", by=Actor("t", "admin"))
        _, own = tokens.issue(session, name="clerk-城建", role="clerk", division="城建科", by=Actor("t", "admin"))
        session.commit()
    client, outsider = api.client, {"Authorization": f"Bearer {other}"}
    body = {"kind": "not_held", "elements": elements_for(TEMPLATES.letters["not_held"])}
    assert client.post(f"/v1/applications/{app_id}/letters", headers=outsider, json=body).status_code == 404
    assert client.get(f"/v1/applications/{app_id}/letters", headers=outsider).status_code == 404
    for output in ("json", "docx", "html"):
        r = client.get(f"/v1/applications/{app_id}/letters/{letter['id']}", headers=outsider,
                       params={"output": output})
        assert r.status_code == 404 and "不予公开" not in r.text
    insider = {"Authorization": f"Bearer {own}"}
    mine = client.post(f"/v1/applications/{app_id}/letters", headers=insider, json=body)
    assert mine.status_code == 201 and mine.json()["issued_by"] == "clerk-城建"
    other_app = prepared(api, "not_held")  # a letter of one application is not found under another
    assert api.as_("office").get(f"/v1/applications/{other_app}/letters/{letter['id']}").status_code == 404
    assert api.as_("supervisor").post(f"/v1/applications/{app_id}/letters", json=body).status_code == 403


def test_dispatch_is_refused_without_the_answer_letter_and_accepted_with_it(api: Api) -> None:
    app_id = prepared(api, "withheld")
    event(api, app_id, "approve_answer", "2025-10-14")
    issue(api, app_id, "correction", status=409)  # no correction on file: nothing issued
    refused = event(api, app_id, "dispatch_answer", "2025-10-15", status=409)
    assert refused["rule"] == "answer_letter" and refused["article"] == "条例第三十六条"
    answer = issue_answer(api, app_id)
    assert answer["kind"] == "withheld" and answer["outcome"] == "withheld.state_secret"
    done = event(api, app_id, "dispatch_answer", "2025-10-15")
    assert done["status"] == "answered"


def test_an_answer_letter_for_an_outcome_since_changed_does_not_open_the_dispatch(api: Api) -> None:
    app_id = prepared(api, "withheld")
    issue(api, app_id, "withheld")
    event(api, app_id, "set_outcome", "2025-10-13", outcome="partial")
    event(api, app_id, "approve_answer", "2025-10-14")
    assert event(api, app_id, "dispatch_answer", "2025-10-15", status=409)["rule"] == "answer_letter"
    assert issue(api, app_id, "withheld", status=409)["rule"] == "outcome"
    issue_answer(api, app_id)
    assert event(api, app_id, "dispatch_answer", "2025-10-15")["outcome"] == "partial"


def test_an_applicants_words_print_as_text(api: Api) -> None:
    case = registered(api, "2025-09-26", description="{agency}<script>alert(1)</script>")
    for transition, on, fields in [("start", "2025-09-29", {}),
                                   ("draft_answer", "2025-10-10", {"outcome": "cannot_provide.not_held"})]:
        event(api, case["id"], transition, on, **fields)
    letter = issue(api, case["id"], "not_held", elements={"search": "检索了{court}与<b>档案</b>"})
    text = "".join(letter["paragraphs"])
    assert "{agency}<script>" in text and "检索了{court}与<b>档案</b>" in text
    html = api.as_("office").get(f"/v1/applications/{case['id']}/letters/{letter['id']}", params={"output": "html"})
    assert "<script>alert" not in html.text and "&lt;script&gt;" in html.text


def test_a_letter_prints_no_item_the_issuer_may_not_read(api: Api, app: Any) -> None:
    """The letter prints the case and what its issuer wrote: a secret item linked to the application (its title
    unreadable to the clerk who issues) appears nowhere in the letter, its refusals or its copies."""
    secret = api.push({"id": "letter-secret", "title": "关于某型装备部署调整的通知", "body": "部署地点如下。",
                       "division": "城建科", "closed_on": "2025-09-01", "secrecy_marking": "机密★10年",
                       "doc_type": "通知"})
    assert secret.status_code == 201, secret.text
    item = int(secret.json()["id"])
    review_item(api, item, {"secrecy": "confidential", "reason": "定密"},
                {"category": "withheld", "exemption": "state_secret", "column": "other", "reason": "国家秘密"})
    app_id = prepared(api, "withheld")
    linked = api.as_("office").post(f"/v1/applications/{app_id}/items", json={"item_id": item})
    assert linked.status_code == 200, linked.text
    with app.state.sessions() as session:
        _, token = tokens.issue(session, name="clerk-城建", role="clerk", division="城建科", by=Actor("t", "admin"))
        session.commit()
    clerk = {"Authorization": f"Bearer {token}"}
    url = f"/v1/applications/{app_id}/letters"
    refused = api.client.post(url, headers=clerk, json={"kind": "withheld", "elements": {"ground": "国家秘密"}})
    assert refused.status_code == 422 and "装备" not in refused.text
    issued = api.client.post(url, headers=clerk, json={"kind": "withheld", "elements": {
        "ground": "属于国家秘密", "article": "条例第十四条", "facts": "所申请的信息经依法确定为国家秘密"}})
    assert issued.status_code == 201, issued.text
    letter_id = issued.json()["id"]
    for output in ("json", "docx", "html"):
        got = api.client.get(f"{url}/{letter_id}", headers=clerk, params={"output": output})
        assert got.status_code == 200
        text = got.text if output != "docx" else "".join(p.text for p in Document(io.BytesIO(got.content)).paragraphs)
        assert "装备" not in text and "部署" not in text


def test_a_notice_takes_what_its_transition_holds(api: Api) -> None:
    """The deadlines the clock computed, the date fixed for a delayed answer and the fee assessed are not
    retyped: a notice prints them from its transition."""
    extension = issue(api, prepared(api, "extension"), "extension", elements={"reason": "申请的信息数量较多"})
    assert "不能在2025年10月30日前作出答复" in "".join(extension["paragraphs"])
    assert "答复期限延长至2025年11月27日" in "".join(extension["paragraphs"])
    delay = issue(api, prepared(api, "delay"), "delay", elements={"reason": "须逐件调档核对"})
    assert "将于2025年12月31日前作出答复" in "".join(delay["paragraphs"])
    fee = issue(api, prepared(api, "fee_notice"), "fee_notice", elements={
        "standard": "31至100页每页10元，101至200页每页20元", "how_to_pay": "到本机关财务处缴纳"})
    assert "计收方式：按量计收；计费数量：120页" in "".join(fee["paragraphs"])
    assert "应缴金额：人民币1100元" in "".join(fee["paragraphs"])
    assert fee["elements"] == {"standard": "31至100页每页10元，101至200页每页20元", "how_to_pay": "到本机关财务处缴纳"}


def test_a_pattern_without_serial_and_a_stale_version_are_refused(api: Api, app: Any) -> None:
    app_id = prepared(api, "not_held")
    case = api.as_("office").get(f"/v1/applications/{app_id}").json()
    stale = issue(api, app_id, "not_held", status=409, lock_version=case["lock_version"] - 1)
    assert "changed since you read it" in stale["detail"]
    app.state.context.settings = app.state.context.settings.model_copy(
        update={"letter_number_pattern": "京某依申公{code}〔{year}〕号"})
    refused = issue(api, app_id, "not_held", status=422, lock_version=case["lock_version"])
    assert refused["missing"][0]["setting"] == "GONGKAI_LETTER_NUMBER_PATTERN"
    assert api.as_("office").get(f"/v1/applications/{app_id}/letters").json()["letters"] == []
