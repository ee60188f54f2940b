"""Hot reload through the API: validate (diagnostics and a backtest, nothing changes), activate,
revisions with who and when, rollback; a failed activation leaves the old set serving; a reload
under concurrent requests fails none of them; another worker follows an activation."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.access import tokens
from api.app import create_app
from api.context import Actor
from api.rulesets import activation as rulesets
from engine.paths import PROJECT_ROOT
from engine.rules.rulebook import files_of, revision_of
from tests.service.conftest import Api

RULES = PROJECT_ROOT / "rules"
NOTICE = {"doc_type": "通告", "title": "关于城区部分道路封闭施工的通告", "date": "2026-10-20", "division": "交通科",
          "body": "因地铁施工需要，自2026年11月1日起封闭人民路部分路段，请过往车辆绕行。特此通告。"}
PROJECTS = "columns.major_projects.construction_and_expropriation"


def _files(**edits: Any) -> dict[str, str]:
    """The project's rules as the API takes them, with one edit: road closures for construction
    (封闭施工) count as 重大建设项目 (条例第二十条第（十）项), so the column rule now fires on NOTICE."""
    files = files_of(RULES)
    subjects = files["columns/subjects.yaml"]
    assert subjects.count("matches: '建设项目|") == 1
    files["columns/subjects.yaml"] = subjects.replace("matches: '建设项目|", "matches: '封闭施工|建设项目|")
    files.update(edits)
    return files


def _shown(item: dict[str, Any], name: str) -> str:
    field = item["suggestion"]["suggestion"][name] if "suggestion" in item["suggestion"] else item["suggestion"][name]
    return "undecided" if field["status"] == "undecided" else field["value"] or "null"


def _hit_ids(item: dict[str, Any]) -> set[str]:
    return {h["id"] for h in item["suggestion"]["hits"]}


def _route_notice(api: Api, n: int) -> int:
    r = api.push({**NOTICE, "id": f"notice-{n}"})
    assert r.status_code == 201, r.text
    item = r.json()["id"]
    assert api.as_("secrecy_reviewer").post(f"/v1/items/{item}/secrecy_review", json={"secrecy": "none"}).status_code == 200
    r = api.as_("disclosure_reviewer").post(f"/v1/items/{item}/disclosure_review", json={})  # confirmed
    assert r.status_code == 200, r.text
    assert (r.json()["decision"]["category"], r.json()["decision"]["column"]) == ("proactive", "other")
    return int(item)


def test_validate_activate_list_and_roll_back(api: Api) -> None:
    author = api.as_("rule_author")
    old = revision_of(RULES)
    listing = author.get("/v1/rules/revisions").json()
    assert [(a["revision"], a["action"], a["current"]) for a in listing["activations"]] == [(old, "start", True)]
    routed = _route_notice(api, 1)

    # Validation: diagnostics and a backtest against the rules in service; nothing changes.
    r = author.post("/v1/rules/validate", json={"files": _files()})
    assert r.status_code == 200, r.text
    checked = r.json()
    assert checked["valid"] is True and checked["errors"] == 0
    backtest = checked["backtest"]
    assert backtest["items"] == 1 and backtest["active"]["revision"] == old
    assert backtest["rules"][PROJECTS]["change"] == "edited"
    assert backtest["rules"][PROJECTS]["new_items"] == [str(routed)] and backtest["rules"][PROJECTS]["lost_hits"] == 0
    # The active set leaves the column to the baseline (其他), which the reviewer confirmed; the edited
    # enforce rule now decides major_projects: a broken flip, the only one.
    assert backtest["flips"] == [{"item": str(routed), "title": "关于城区部分道路封闭施工的通告", "field": "column",
                                  "active": "other", "candidate": "major_projects", "decided": "other",
                                  "verdict": "broken"}]
    assert backtest["passed"] is True and checked["tests"]["failed"] == []
    predicted = {f["field"]: (f["active"], f["candidate"]) for f in backtest["flips"]}
    new = checked["revision"]
    assert new != old and author.get("/v1/rules").json()["revision"] == old

    # Activation: the next push is suggested by the new set and records its revision.
    r = author.post("/v1/rules/activate", json={"files": _files(), "note": "封闭施工的通告归重大建设项目"})
    assert r.status_code == 201, r.text
    assert r.json()["revision"] == new and r.headers["X-Ruleset-Revision"] == new
    assert author.get("/v1/rules").json()["revision"] == new
    pushed = api.push({**NOTICE, "id": "notice-after"})
    assert pushed.headers["X-Ruleset-Revision"] == new
    item = pushed.json()
    assert PROJECTS in _hit_ids(item)
    assert item["versions"][-1]["ruleset_revision"] == new
    earlier = api.as_("office").get(f"/v1/items/{routed}").json()
    assert earlier["versions"][-1]["ruleset_revision"] == old and PROJECTS not in _hit_ids(earlier)
    # The flips validation predicted for the routed item are what the new set really does to the same
    # document: the old and the new suggestion differ in exactly those fields, in those values.
    actual = {name: (_shown(earlier, name), _shown(item, name)) for name in ("category", "exemption", "secrecy", "column")
              if _shown(earlier, name) != _shown(item, name)}
    assert actual == predicted

    # Revisions: who, when, how, why; then roll back to the one before.
    activations = author.get("/v1/rules/revisions").json()["activations"]
    assert [(a["revision"], a["action"], a["actor"], a["role"], a["previous"]) for a in activations] == [
        (new, "activate", "rule_author-1", "rule_author", old), (old, "start", "service start", "admin", None)]
    assert activations[0]["note"] == "封闭施工的通告归重大建设项目" and activations[0]["at"]
    files = author.get(f"/v1/rules/revisions/{new}").json()["files"]
    assert files == _files()
    r = author.post("/v1/rules/rollback", json={"note": "回退"})
    assert r.status_code == 201, r.text
    assert r.json()["revision"] == old and r.json()["action"] == "rollback"
    assert PROJECTS not in _hit_ids(api.push({**NOTICE, "id": "notice-rolled-back"}).json())
    # Rolling forward again by a revision prefix works too; every step is in the audit log.
    assert author.post("/v1/rules/rollback", json={"to": new[:12]}).json()["revision"] == new
    assert [a["action"] for a in author.get("/v1/rules/revisions").json()["activations"]] == [
        "rollback", "rollback", "activate", "start"]
    events = api.as_("supervisor").get("/v1/audit").json()
    actions = [e["action"] for e in (events["events"] if isinstance(events, dict) else events)]
    assert actions.count("rules:rollback") == 2 and actions.count("rules:activate") == 1


def test_only_rule_authors_and_admins_change_the_rules(api: Api) -> None:
    for role in ("disclosure_reviewer", "secrecy_reviewer", "office", "document_system", "supervisor"):
        assert api.as_(role).post("/v1/rules/activate", json={"files": _files()}).status_code == 403
        assert api.as_(role).post("/v1/rules/rollback", json={}).status_code == 403
    assert api.as_("admin").post("/v1/rules/validate", json={"files": _files()}, params={"items": 0}).status_code == 200


def test_a_failed_activation_leaves_the_old_set_serving(api: Api, app: Any) -> None:
    author = api.as_("rule_author")
    old = revision_of(RULES)
    serving = app.state.context.suggester
    broken_field = _files(**{"proactive/zz_broken.yaml": (
        "schema: gongkai-rules/1\nrules:\n  - id: proactive.broken.unknown_field\n    title: 字段名写错\n"
        "    mode: enforce\n    outcome: {category: proactive}\n"
        "    legal_basis: [{source: 政府信息公开条例, article: 19, excerpt: 应当主动公开}]\n"
        "    when: {field: titel, contains_any: [通告]}\n")})
    r = author.post("/v1/rules/activate", json={"files": broken_field})
    assert r.status_code == 422
    problem = r.json()
    assert "not activated" in problem["detail"]
    assert any(e["field"].startswith("rules/proactive/zz_broken.yaml:8") and "titel" in e["message"]
               for e in problem["errors"]), problem
    # Validation of the same set names the problem and runs no backtest.
    checked = author.post("/v1/rules/validate", json={"files": broken_field}).json()
    assert checked["valid"] is False and checked["backtest"] is None and checked["errors"] >= 1

    # A set that loads but whose own scenario fails is refused whole too, and validation says so.
    failing = _files(**{"proactive/general.yaml": _files()["proactive/general.yaml"].replace(
        "  - id: proactive.general.public_notices\n    title: 公告、通告面向社会发布，属需要公众广泛知晓的信息，应主动公开\n"
        "    mode: enforce", "  - id: proactive.general.public_notices\n    title: 公告、通告面向社会发布，属需要公众广泛知晓的信息，"
        "应主动公开\n    mode: disabled")})
    assert failing != _files()
    checked = author.post("/v1/rules/validate", json={"files": failing}, params={"items": 0}).json()
    assert checked["valid"] is False and any("public_notices" in f["message"] for f in checked["tests"]["failed"])
    r = author.post("/v1/rules/activate", json={"files": failing})
    assert r.status_code == 422 and "scenario" in r.json()["detail"]
    # A path outside the rules directory is refused before anything is written.
    r = author.post("/v1/rules/activate", json={"files": {**_files(), "../escape.yaml": "x"}})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "files.../escape.yaml"

    assert app.state.context.suggester is serving
    assert author.get("/v1/rules").json()["revision"] == old
    assert len(author.get("/v1/rules/revisions").json()["activations"]) == 1
    pushed = api.push({**NOTICE, "id": "still-old"})
    assert pushed.status_code == 201 and pushed.headers["X-Ruleset-Revision"] == old
    assert PROJECTS not in _hit_ids(pushed.json())


@pytest.mark.slow  # threads of requests during reloads
def test_reload_under_concurrent_requests_fails_none(api: Api) -> None:
    """Pushers keep going while the rules are activated, rolled back and activated again. Every push
    succeeds, and each was suggested wholly by one set: the revision it records and the hits it shows
    agree (the edited column rule fires exactly under the new revision)."""
    old = revision_of(RULES)
    author = api.as_("rule_author")
    done = threading.Event()
    results: list[tuple[int, str, dict[str, Any]]] = []
    errors: list[BaseException] = []

    def push(worker: int) -> None:
        n = 0
        try:
            while not done.is_set() or n < 3:
                r = api.push({**NOTICE, "id": f"w{worker}-{n}", "body": NOTICE["body"] + f"（第{n}次）"})
                results.append((r.status_code, r.headers.get("X-Ruleset-Revision", ""), r.json()))
                n += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=push, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    steps = [author.post("/v1/rules/activate", json={"files": _files()}),
             author.post("/v1/rules/rollback", json={}),
             author.post("/v1/rules/rollback", json={})]
    done.set()
    for t in threads:
        t.join(120)
    assert not errors
    assert [s.status_code for s in steps] == [201, 201, 201], [s.text for s in steps]
    new = steps[0].json()["revision"]
    assert steps[2].json()["revision"] == new
    assert len(results) >= 12 and all(status == 201 for status, _, _ in results)
    seen = set()
    for _, header, item in results:
        revision = item["versions"][-1]["ruleset_revision"]
        assert header == revision and revision in (old, new)
        assert (PROJECTS in _hit_ids(item)) == (revision == new), item["id"]
        seen.add(revision)
    assert api.push({**NOTICE, "id": "after"}).headers["X-Ruleset-Revision"] == new


def test_another_worker_follows_an_activation(api: Api, app: Any, settings: Any, combined: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A second process on the same database (here a second app) adopts an activation on its next
    request, and a process started later serves the activated revision, not the directory."""
    monkeypatch.setattr(rulesets, "SYNC_SECONDS", 0.0)
    other = create_app(settings, suggester=combined)
    try:
        with other.state.sessions() as session:
            _, token = tokens.issue(session, name="pusher-2", role="document_system", division=None,
                                    by=Actor("test-setup", "admin"))
            session.commit()
        with TestClient(other) as client:
            headers = {"Authorization": f"Bearer {token}"}
            first = client.post("/v1/closures", json={**NOTICE, "id": "other-1"}, headers=headers)
            assert first.headers["X-Ruleset-Revision"] == revision_of(RULES)
            new = api.as_("rule_author").post("/v1/rules/activate", json={"files": _files()}).json()["revision"]
            second = client.post("/v1/closures", json={**NOTICE, "id": "other-2"}, headers=headers)
            assert second.status_code == 201 and second.headers["X-Ruleset-Revision"] == new
            assert PROJECTS in _hit_ids(second.json())
    finally:
        other.state.engine.dispose()
        other.state.reader_engine.dispose()
    later = create_app(settings, suggester=combined)
    try:
        assert later.state.context.suggester.book.revision == new
    finally:
        later.state.engine.dispose()
        later.state.reader_engine.dispose()



def test_workers_reading_their_own_shards_give_the_serial_report(api: Api, app: Any, database_url: str) -> None:
    """`gongkai rules backtest --against URL` hands each worker process its slices of the database."""
    from api.rulesets.backtest_source import RoutedCases, routed_cases
    from engine.authoring.backtest import Comparer, run
    from engine.rules.loader import load_files, load_rulebook

    routed = [_route_notice(api, n) for n in range(3)]
    comparer = Comparer(load_rulebook(RULES), load_files(_files()), app.state.context.suggester.model)
    serial = run(comparer, routed_cases(app.state.engine), "db", jobs=1).report()
    sharded = run(comparer, RoutedCases(database_url), "db", jobs=2).report()
    assert sharded == serial
    assert [f["item"] for f in serial["flips"]] == [str(i) for i in routed]


def test_a_backtest_against_the_database_compares_with_the_rules_it_serves(
        api: Api, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`gongkai rules backtest --against URL`: the active side is the revision the database serves (its
    latest activation through the API), not whatever the project's rules/ holds; --active overrides."""
    import json

    from api import cli

    routed = _route_notice(api, 1)  # decided column other, as the project's rules suggested
    r = api.as_("rule_author").post("/v1/rules/activate", json={"files": _files(), "note": "封闭施工归重大建设项目"})
    assert r.status_code == 201, r.text
    served, project = r.json()["revision"], revision_of(RULES)
    assert served != project

    # The project's rules as the candidate against what the database serves: undoing the edit would
    # move the notice back to the column its reviewer decided.
    code = cli.main(["rules", "backtest", "--rules", str(RULES), "--against", database_url, "--format", "json",
                     "--jobs", "1"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert (report["active"]["revision"], report["candidate"]["revision"]) == (served, project)
    assert f"the active rules are those the database serves: revision {served[:12]} (activate by rule_author-1" in err
    assert [(f["item"], f["field"], f["active"], f["candidate"], f["decided"], f["verdict"]) for f in report["flips"]] == [
        (str(routed), "column", "major_projects", "other", "other", "fixed")]
    assert code == 0

    code = cli.main(["rules", "backtest", "--rules", str(RULES), "--against", database_url, "--format", "json",
                     "--active", str(RULES), "--jobs", "1"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["active"]["revision"] == project and report["flips"] == [] and "database serves" not in err


def test_a_backtest_against_a_missing_database_says_so_and_creates_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`--against sqlite:///data/gongkai.db` where there is none: said so, exit 1, and neither the file
    nor its folder is left behind (connecting would make an empty database)."""
    from api import cli

    monkeypatch.chdir(tmp_path)
    code = cli.main(["rules", "backtest", "--rules", str(RULES), "--against", "sqlite:///data/gongkai.db",
                     "--rules-only"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert "there is no database at data/gongkai.db" in err and "schema" not in err
    assert list(tmp_path.iterdir()) == []
