"""The suggested outcome of an application through the API, on the real database (SQLite and PostgreSQL):
made with the caller's visibility, recorded append-only with the rule set's revision, its items linked once,
listed newest first; read by a clerk who may see less than the office that made it without learning a secret
match's title; and counted in the accuracy report against the outcome the handler set (a hand count)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from api.access import tokens
from api.context import Actor
from api.settings import Settings
from engine.vocabulary import Role
from models.tables import ApplicationItemRow, ApplicationSuggestionRow, AuditEventRow
from tests.service.conftest import Api
from tests.service import test_application_catalog as catalog_tests
from tests.service.test_applications import event, registered

SECRET_TITLE = catalog_tests.SECRET_TITLE
stores = catalog_tests.stores  # the same fixture: one item in each store, and a secret one withheld


def _suggest(api: Api, app_id: int, role: str = "office", status: int = 201) -> dict[str, Any]:
    r = api.as_(role).post(f"/v1/applications/{app_id}/suggestion")
    assert r.status_code == status, r.text
    return r.json()  # type: ignore[no-any-return]


def _clerk(api: Api, app: Any, division: str) -> Any:
    with app.state.sessions() as session:
        _, token = tokens.issue(session, name=f"clerk-{division}", role="clerk", division=division,
                                by=Actor("t", "admin"))
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    return lambda method, url: getattr(api.client, method)(url, headers=headers)


def test_a_suggestion_is_recorded_listed_and_links_its_items_once(api: Api, app: Any, stores: dict[str, int]) -> None:
    case = registered(api, description="请公开青交发[2025]8号文件", handler_division="法规处")
    made = _suggest(api, case["id"])
    assert made["outcome"] == "disclosed.already_public" and made["current"] and made["final"] is False
    assert made["matches"][0]["item_id"] == stores["road"] and made["matches"][0]["title"]
    assert made["matches"][0]["answers"] and made["matches"][0]["field"] == "doc_number"
    deciding = next(r for r in made["rules"] if r["id"] == "applications.catalog.already_public")
    assert deciding["citation"] == "政府信息公开条例第36条第1项" and made["article"] == deciding["citation"]
    assert made["ruleset"] == app.state.context.suggester.book.revision and made["engine_version"]
    assert any("主动公开库" in reason and made["matches"][0]["index_number"] in reason for reason in made["reasons"])
    again = _suggest(api, case["id"])
    listed = api.as_("supervisor").get(f"/v1/applications/{case['id']}/suggestions").json()["suggestions"]
    assert [s["id"] for s in listed] == [again["id"], made["id"]] and [s["current"] for s in listed] == [True, False]
    with app.state.sessions() as session:
        links = list(session.scalars(select(ApplicationItemRow).where(ApplicationItemRow.application_id == case["id"])))
        assert [(link.item_id, link.source) for link in links] == [(stores["road"], "suggestion")]
        assert session.scalar(select(func.count()).select_from(ApplicationSuggestionRow)) == 2
        audited = list(session.scalars(select(AuditEventRow).where(AuditEventRow.action == "application:suggest")))
        assert len(audited) == 2 and audited[0].after["outcome"] == "disclosed.already_public"
    # the supervisor may read but not suggest; the record is not a decision: the application has no outcome
    _suggest(api, case["id"], role="supervisor", status=403)
    assert api.as_("office").get(f"/v1/applications/{case['id']}").json()["outcome"] is None


def test_the_rules_speak_for_what_the_catalog_cannot_and_leave_the_choice_when_they_disagree(
        api: Api, stores: dict[str, int]) -> None:
    petition = registered(api, description="小区旁工地夜间施工噪声扰民，我要投诉，请依法查处并责令其停工。")
    made = _suggest(api, petition["id"])
    assert made["outcome"] == "not_processed.petition" and made["article"] == "政府信息公开条例第39条第1款"
    withheld = registered(api, description="申请公开青水〔2025〕21号文件")
    made = _suggest(api, withheld["id"])
    assert made["outcome"] == "withheld.process_info" and made["reassess"] and "第18条" in made["article"]
    assert any("重新评估" in reason for reason in made["matches"][0]["reasons"])
    mixed = registered(api, description="申请公开青水〔2025〕21号和青水机党〔2025〕2号")
    made = _suggest(api, mixed["id"])
    assert made["outcome"] is None and any("经办人选择" in reason for reason in made["reasons"])
    assert {m["item_id"] for m in made["matches"] if m["answers"]} == {stores["flood"], stores["meeting"]}


def test_a_clerk_reading_the_offices_suggestion_learns_no_title_of_a_secret_match(
        api: Api, app: Any, settings: Settings, stores: dict[str, int]) -> None:
    context = app.state.context
    context.settings = settings.model_copy(update={"cleared_roles": settings.cleared_roles | {Role.OFFICE}})
    in_scope = registered(api, description="申请公开今年汛期水库调度演练部署的通知", handler_division="办公室")
    out_of_scope = registered(api, description="申请公开今年汛期水库调度演练部署的通知文件", handler_division="城建科")
    made = [_suggest(api, in_scope["id"]), _suggest(api, out_of_scope["id"])]
    context.settings = settings
    for suggestion in made:  # the office, cleared here, found it by its title
        secret = next(m for m in suggestion["matches"] if m["item_id"] == stores["secret"])
        assert secret["title"] == SECRET_TITLE and secret["field"] == "title"
    office = api.as_("office").get(f"/v1/applications/{in_scope['id']}/suggestions").text  # no longer cleared
    clerk_office, clerk_city = _clerk(api, app, "办公室"), _clerk(api, app, "城建科")
    seen = clerk_office("get", f"/v1/applications/{in_scope['id']}/suggestions")
    assert seen.status_code == 200
    shown = next(m for m in seen.json()["suggestions"][0]["matches"] if m["item_id"] == stores["secret"])
    assert shown["restricted"] and shown["title"] is None and shown["doc_number"] is None
    assert shown["field"] is None and shown["score"] is None and shown["reasons"] == ["不予公开库中的信息须现在重新评估（条例第十八条），原决定不是答复"]
    far = clerk_city("get", f"/v1/applications/{out_of_scope['id']}/suggestions")
    assert far.status_code == 200
    assert all(m["item_id"] != stores["secret"] for m in far.json()["suggestions"][0]["matches"])
    assert far.json()["suggestions"][0]["search"]["items_searched"] is None
    assert all(e["field"] == "description" for r in far.json()["suggestions"][0]["rules"] for e in r["evidence"])
    for text in (seen.text, far.text, office):
        assert SECRET_TITLE not in text and "联合调度" not in text and "青水密" not in text
    # and a clerk of another division cannot reach the application at all
    assert clerk_city("get", f"/v1/applications/{in_scope['id']}/suggestions").status_code == 404
    assert clerk_city("post", f"/v1/applications/{in_scope['id']}/suggestion").status_code == 404


def test_the_accuracy_report_counts_suggestions_against_decisions(api: Api, stores: dict[str, int]) -> None:
    def answered(description: str, outcome: str, *, before: bool = True, after: bool = False) -> str | None:
        case = registered(api, description=description)
        suggested = _suggest(api, case["id"])["outcome"] if before else None
        event(api, case["id"], "answer_on_the_spot", "2025-09-26", outcome=outcome)
        if after:  # made once the answer was known: not counted
            _suggest(api, case["id"])
        return suggested

    assert answered("请公开青交发[2025]8号文件", "disclosed.already_public") == "disclosed.already_public"
    assert answered("我要投诉楼下饭店油烟扰民，请依法查处", "disclosed") == "not_processed.petition"
    assert answered("申请公开青水〔2025〕21号和青水机党〔2025〕2号", "withheld.process_info") is None
    assert answered("对青川某食品有限公司的行政处罚决定书", "disclosed") == "disclosed"
    answered("2024年某区老旧小区改造项目清单", "cannot_provide.not_held", before=False)
    answered("某街道2023年路灯维修合同", "cannot_provide.not_held", before=False, after=True)
    pending = registered(api, description="青水机党〔2025〕2号")
    _suggest(api, pending["id"])  # no outcome yet: not counted
    report = api.as_("office").get("/v1/reports/accuracy",
                                   params={"closed_from": "2025-01-01", "closed_to": "2025-12-31"}).json()
    assert report["applications"] == {
        "concluded": 6, "suggested": 4, "no_suggestion": 2, "agreed": 2, "agreement": 0.5,
        "by_suggested": {"disclosed": {"suggested": 1, "agreed": 1, "agreement": 1.0},
                         "disclosed.already_public": {"suggested": 1, "agreed": 1, "agreement": 1.0},
                         "none": {"suggested": 1, "agreed": 0, "agreement": 0.0},
                         "not_processed.petition": {"suggested": 1, "agreed": 0, "agreement": 0.0}},
        "confusion": {"disclosed": {"disclosed": 1}, "disclosed.already_public": {"disclosed.already_public": 1},
                      "none": {"withheld.process_info": 1}, "not_processed.petition": {"disclosed": 1}},
    }
    page = api.as_("office").get("/v1/reports/accuracy", params={"closed_from": "2025-01-01", "closed_to": "2025-12-31",
                                                               "format": "html"}).text
    assert "依申请公开建议一致率" in page and "50.0%" in page and "无建议 2 件" in page
    sheet = api.as_("office").get("/v1/reports/accuracy", params={"closed_from": "2025-01-01", "format": "xlsx"})
    assert sheet.status_code == 200
    later = api.as_("office").get("/v1/reports/accuracy", params={"closed_from": "2026-01-01"}).json()
    assert later["applications"]["concluded"] == 0 and later["applications"]["agreement"] is None


@pytest.mark.parametrize("role", ["clerk", "supervisor"])
def test_who_may_suggest(api: Api, role: str) -> None:
    case = registered(api, description="请公开青交发[2025]8号文件")
    status = 404 if role == "clerk" else 403  # a clerk without the division does not see it at all
    _suggest(api, case["id"], role=role, status=status)


def test_a_repeat_of_the_same_applicant_is_found_by_identity_and_quoted(api: Api, stores: dict[str, int]) -> None:
    first = registered(api, description="请公开青交发[2025]8号文件")
    _suggest(api, first["id"])  # links the item: the repeat is found by it too
    event(api, first["id"], "answer_on_the_spot", "2025-09-26", outcome="disclosed.already_public")
    again = registered(api, "2025-10-09", description="再次申请公开城市道路挖掘管理办法（青交发〔2025〕8号）")
    made = _suggest(api, again["id"])
    assert made["outcome"] == "not_processed.repeat" and made["article"] == "政府信息公开条例第36条第6项"
    assert made["repeats"] == [{"application_id": first["id"], "reg_no": first["reg_no"], "answered": True,
                                "outcome": "disclosed.already_public"}]
    other = {"kind": "natural_person", "name": "李某", "id_number": "110101199202022345"}
    stranger = registered(api, "2025-10-09", description="再次申请公开城市道路挖掘管理办法（青交发〔2025〕8号）",
                          applicant=other)
    made = _suggest(api, stranger["id"])
    assert made["outcome"] == "disclosed.already_public" and made["repeats"] == []
