"""The suggested outcome of an application from the four stores, on the real database (SQLite and
PostgreSQL): real sample documents pushed and reviewed into each store are found by their 文号 (in any
bracket style) and by their title words and propose their store's outcome; a description matching nothing
proposes 'not held' with the search that was done; a secret item is never proposed with its content to a
role not cleared, and its words find nothing for that role."""

from __future__ import annotations

from typing import Any

import pytest

from api.access.visibility import Viewer
from api.applications.catalog import suggest_outcome
from api.context import Actor
from api.settings import Settings
from engine.applications.proposal import Description, Proposal
from engine.vocabulary import ApplicationOutcome
from tests.service.conftest import Api, push_item, review_item, sample_documents

OTHER = {"column": "other", "reason": "测试分库"}
SECRET_TITLE = "关于汛期水库联合调度演练部署的通知"


@pytest.fixture
def stores(api: Api) -> dict[str, int]:
    """One item in each store, and a secret one withheld."""
    ids = {"road": push_item(api, 0, "法规处", "2026-11-02"), "penalty": push_item(api, 3, "执法稽查处", "2026-11-02"),
           "flood": push_item(api, 1, "规划财务处", "2026-11-02"), "meeting": push_item(api, 4, "机关党委", "2026-11-02")}
    review_item(api, ids["road"], {"secrecy": "none"},
                {"category": "proactive", "exemption": None, "column": "normative_documents", "reason": "规范性文件"})
    review_item(api, ids["penalty"], {"secrecy": "none"}, {"category": "on_request", "exemption": None, **OTHER})
    review_item(api, ids["flood"], {"secrecy": "none"}, {"category": "withheld", "exemption": "process_info", **OTHER})
    review_item(api, ids["meeting"], {"secrecy": "none"}, {"category": "not_government_info", "exemption": None, "column": None, "reason": "党内事务"})
    secret = {**sample_documents()[1], "id": "catalog-secret", "division": "办公室", "secrecy_marking": "机密★10年",
              "title": SECRET_TITLE, "doc_number": "青水密〔2025〕3号", "body": "联合调度演练的集结地点和时间如下。",
              "closed_on": "2026-11-02"}
    pushed = api.push(secret)
    assert pushed.status_code == 201, pushed.text
    ids["secret"] = int(pushed.json()["id"])
    review_item(api, ids["secret"], {"secrecy": "secret", "reason": "定密"},
                {"category": "withheld", "exemption": "state_secret", "column": "other", "reason": "涉密"})
    return ids


def _suggest(app: Any, settings: Settings, role: str, description: Description) -> Proposal:
    with app.state.sessions() as session:
        return suggest_outcome(session, Viewer(Actor(f"{role}-1", role), settings), description)


def _index(api: Api, item: int) -> str:
    return str(api.as_("secrecy_reviewer").get(f"/v1/items/{item}").json()["index_number"])


def test_each_store_is_found_by_its_doc_number_and_proposes_its_outcome(api: Api, app: Any, settings: Settings,
                                                                        stores: dict[str, int]) -> None:
    cases = [("road", "请公开青交发[2025]8号文件", ApplicationOutcome.DISCLOSED_ALREADY_PUBLIC),
             ("penalty", "申请公开青市监罚（２０２５）第36号决定书", ApplicationOutcome.DISCLOSED),
             ("flood", "青水〔2025〕21號", ApplicationOutcome.WITHHELD_PROCESS_INFO),
             ("meeting", "青水机党 [2025] 2号", ApplicationOutcome.OTHER_OTHER)]
    for name, words, outcome in cases:
        proposal = _suggest(app, settings, "office", Description(words))
        assert proposal.outcome == outcome, (name, proposal.reasons)
        assert proposal.parts[0].match.candidate.id == stores[name] and proposal.parts[0].match.exact
        assert proposal.reassess == (name == "flood") and not proposal.final
    road = _suggest(app, settings, "office", Description("请公开青交发[2025]8号文件"))
    assert road.parts[0].where["index_number"] == _index(api, stores["road"])
    assert road.parts[0].where["published_on"]
    chosen = _suggest(app, settings, "office", Description("青水机党〔2025〕2号"))
    assert chosen.search.items_searched == 5 and chosen.search.restricted_unread == 1


def test_each_store_is_found_by_its_title_words(app: Any, settings: Settings, stores: dict[str, int]) -> None:
    cases = [("road", "城市道路挖掘管理办法", ApplicationOutcome.DISCLOSED_ALREADY_PUBLIC),
             ("penalty", "对青川某食品有限公司的行政处罚决定书", ApplicationOutcome.DISCLOSED),
             ("flood", "追加2025年度防汛物资储备经费的请示", ApplicationOutcome.WITHHELD_PROCESS_INFO),
             ("meeting", "2025年第一季度党风廉政建设工作会议", ApplicationOutcome.OTHER_OTHER)]
    for name, words, outcome in cases:
        proposal = _suggest(app, settings, "office", Description(words))
        assert proposal.outcome == outcome, (name, proposal.reasons)
        assert [p.match.candidate.id for p in proposal.parts] == [stores[name]]
        assert proposal.parts[0].match.words, proposal.parts[0].match


def test_a_description_matching_nothing_proposes_not_held_with_the_search_done(
        app: Any, settings: Settings, stores: dict[str, int]) -> None:
    proposal = _suggest(app, settings, "office", Description("请公开2019年本市养老院建设补贴发放名单"))
    assert proposal.outcome == ApplicationOutcome.CANNOT_PROVIDE_NOT_HELD and proposal.parts == ()
    record = proposal.search
    assert record.items_searched == 5 and record.restricted_unread == 1 and "养老" in record.keywords
    assert record.fields == ("doc_number", "index_number", "title", "text")  # the text too, before 'not held'
    assert "共5件" in proposal.reasons[0] and "另有1件涉密信息" in proposal.reasons[0]


def test_a_secret_item_is_never_proposed_with_its_content_to_a_role_not_cleared(
        api: Api, app: Any, settings: Settings, stores: dict[str, int]) -> None:
    by_words = Description(SECRET_TITLE + " 青水密〔2025〕3号")
    office = _suggest(app, settings, "office", by_words)
    assert stores["secret"] not in [m.candidate.id for m in office.matches]
    assert office.outcome == ApplicationOutcome.CANNOT_PROVIDE_NOT_HELD
    assert "集结地点" not in repr(office) and "调度演练" not in repr(office.matches)  # the matches carry no item of it
    by_index = _suggest(app, settings, "office", Description("索引号" + _index(api, stores["secret"])))
    assert by_index.outcome == ApplicationOutcome.WITHHELD_STATE_SECRET and by_index.reassess
    hidden = by_index.parts[0].match.candidate
    assert hidden.id == stores["secret"] and hidden.restricted and hidden.title is None and hidden.doc_number is None
    assert "演练" not in repr(by_index.parts) and "青水密" not in repr(by_index.parts)
    cleared = _suggest(app, settings, "secrecy_reviewer", by_words)
    assert cleared.outcome == ApplicationOutcome.WITHHELD_STATE_SECRET and cleared.reassess
    assert cleared.parts[0].match.candidate.title == SECRET_TITLE and cleared.search.restricted_unread == 0


def test_words_of_the_text_alone_are_searched_before_proposing_not_held(
        app: Any, settings: Settings, stores: dict[str, int]) -> None:
    proposal = _suggest(app, settings, "office", Description("生产销售不符合食品安全标准的食品被罚款的那份"))
    assert proposal.outcome == ApplicationOutcome.DISCLOSED, proposal.reasons
    assert proposal.parts[0].match.candidate.id == stores["penalty"] and proposal.parts[0].match.field == "text"
    assert "text" in proposal.search.fields and "正文" in proposal.reasons[0]
    quick = _suggest(app, settings, "office", Description("城市道路挖掘管理办法"))
    assert "text" not in quick.search.fields and "正文仅与候选信息比对" in quick.reasons[0]


def test_the_search_never_goes_beyond_the_callers_scope(app: Any, settings: Settings, stores: dict[str, int]) -> None:
    """A clerk (scoped to what it entered: nothing here) finds nothing, even by an exact 文号."""
    proposal = _suggest(app, settings, "clerk", Description("青交发〔2025〕8号 城市道路挖掘管理办法"))
    assert proposal.outcome == ApplicationOutcome.CANNOT_PROVIDE_NOT_HELD and proposal.matches == ()
    assert proposal.search.items_searched == 0
