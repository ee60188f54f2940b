"""Rule validation is not an oracle: a rule author (not cleared for secret items) who sends candidate
rules probing a secret body learns nothing from the answers, end to end through the API, on SQLite
and PostgreSQL. A probe that would hit only if the secret body holds a string gets the same answer
for a true string and a false one; non-secret items are still backtested, flips and all."""

from __future__ import annotations

import json
from typing import Any

from tests.service.conftest import Api, sample_documents
from tests.service.test_rule_reload import NOTICE, PROJECTS, _files, _route_notice

SECRET = "蓝鲸七号"  # only in the secret item's body
WRONG = "蓝鲸八号"  # in no body at all
BASIS = "{source: 政府信息公开条例, article: 19, excerpt: 需要公众广泛知晓或者需要公众参与决策的政府信息，行政机关应当主动公开}"


def _route_secret(api: Api) -> int:
    doc = {**sample_documents()[1], "id": "secret-body", "secrecy_marking": "机密★10年",
           "body": f"本件涉及专项工程核心参数。代号{SECRET}，试验数据见附件。"}
    r = api.push(doc)
    assert r.status_code == 201, r.text
    item = int(r.json()["id"])
    r = api.as_("secrecy_reviewer").post(f"/v1/items/{item}/secrecy_review", json={"secrecy": "secret", "reason": "机密件"})
    assert r.status_code == 200, r.text
    r = api.as_("disclosure_reviewer").post(f"/v1/items/{item}/disclosure_review", json={
        "category": "withheld", "exemption": "state_secret", "reason": "国家秘密"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["store"]) == ("routed", "withheld")
    return item


def _probe(text: str) -> str:
    """Three probes on the secret text: a monitor rule (new hits), an enforce rule that would raise
    the secrecy (a flip and changed figures), and one that would move the category."""
    rules = []
    outcomes = (("monitor", "{category: on_request}"),
                ("enforce", "{category: withheld, exemption: state_secret, secrecy: top_secret}"),
                ("enforce", "{category: not_government_info}"))
    for n, (mode, outcome) in enumerate(outcomes):
        rules.append(f"  - id: proactive.probe.p{n}\n    title: 探测{n}\n    mode: {mode}\n    outcome: {outcome}\n"
                     f"    legal_basis:\n      - {BASIS}\n    when: {{field: body, contains_any: [{text}]}}\n"
                     f"    examples:\n"
                     f"      - {{name: 命中, document: {{title: 通知, body: 含{text}的正文}}, expect: fires}}\n"
                     f"      - {{name: 不中, document: {{title: 通知, body: 无关正文}}, expect: does_not_fire}}\n")
    return "schema: gongkai-rules/1\nrules:\n" + "".join(rules)


def _validate(api: Api, role: str, text: str) -> dict[str, Any]:
    r = api.as_(role).post("/v1/rules/validate", json={"files": {**_files(), "proactive/probe.yaml": _probe(text)}})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["valid"] is True, out["diagnostics"] or out["tests"]
    return out  # type: ignore[no-any-return]


def _normalised(answer: dict[str, Any], text: str) -> str:
    """The whole answer with what the author wrote taken out: the probe's text and the revision (a
    hash of the candidate's files)."""
    dumped = json.dumps(answer, ensure_ascii=False, sort_keys=True)
    return dumped.replace(answer["revision"], "<revision>").replace(text, "<probe>")


def test_probes_on_a_secret_body_learn_nothing(api: Api) -> None:
    notice = _route_notice(api, 1)
    secret = _route_secret(api)

    right, wrong = _validate(api, "rule_author", SECRET), _validate(api, "rule_author", WRONG)
    assert _normalised(right, SECRET) == _normalised(wrong, WRONG)  # zero information gained
    backtest = right["backtest"]
    assert backtest["items"] == 1 and backtest["left_out"] == {"not_readable": 1}
    shown = {f["item"] for f in backtest["flips"]} | {i for r in backtest["rules"].values()
                                                     for i in r["new_items"] + r["lost_items"]}
    assert str(secret) not in shown and shown == {str(notice)}
    # The non-secret item is backtested as before: its flip is listed, with its title.
    assert [(f["item"], f["field"], f["verdict"]) for f in backtest["flips"]] == [(str(notice), "column", "broken")]
    assert backtest["flips"][0]["title"] == NOTICE["title"]
    assert backtest["rules"][PROJECTS]["new_items"] == [str(notice)]
    assert not [r for r in backtest["rules"] if r.startswith("proactive.probe")] or all(
        backtest["rules"][r]["new_hits"] == 0 for r in backtest["rules"] if r.startswith("proactive.probe"))

    # A cleared role (admin) backtests every routed item: the true probe hits the secret one.
    cleared = _validate(api, "admin", SECRET)["backtest"]
    assert cleared["items"] == 2 and cleared["left_out"] == {"not_readable": 0}
    assert cleared["rules"]["proactive.probe.p0"]["new_items"] == [str(secret)]
    assert _validate(api, "admin", WRONG)["backtest"]["rules"].get("proactive.probe.p0", {}).get("new_items") in (None, [])


def _monitor(name: str, text: str) -> str:
    """A monitor rule (decides nothing, reported in the accuracy report's per-rule figures) on `text`."""
    return ("schema: gongkai-rules/1\nrules:\n"
            f"  - id: proactive.probe.{name}\n    title: 探测{name}\n    mode: monitor\n    outcome: {{category: on_request}}\n"
            f"    legal_basis:\n      - {BASIS}\n    when: {{field: body, contains_any: [{text}]}}\n"
            f"    examples:\n"
            f"      - {{name: 命中, document: {{title: 通知, body: 含{text}的正文}}, expect: fires}}\n"
            f"      - {{name: 不中, document: {{title: 通知, body: 无关正文}}, expect: does_not_fire}}\n")


def test_probe_rules_put_live_learn_nothing_from_the_accuracy_report(api: Api) -> None:
    """The slower oracle: a rule author activates probe rules, waits for secret documents to be pushed
    and decided, and reads which ones each probe fired on in the accuracy report. For a role that can
    put rules live and is not cleared, rule and accuracy figures are over readable items only."""
    files = {**_files(), "proactive/probe_right.yaml": _monitor("right", SECRET),
             "proactive/probe_wrong.yaml": _monitor("wrong", WRONG)}
    r = api.as_("rule_author").post("/v1/rules/activate", json={"files": files, "note": "探测"})
    assert r.status_code == 201, r.text
    plain = api.push({**sample_documents()[0], "id": "plain-routed"}).json()["id"]
    assert api.as_("secrecy_reviewer").post(f"/v1/items/{plain}/secrecy_review", json={"secrecy": "none"}).status_code == 200
    assert api.as_("disclosure_reviewer").post(f"/v1/items/{plain}/disclosure_review", json={}).status_code == 200
    secret = _route_secret(api)

    def figures(role: str, rule: str) -> tuple[Any, Any]:
        report = api.as_(role).get("/v1/reports/accuracy").json()
        behind = api.as_(role).get("/v1/reports/accuracy/items", params={"rule": rule, "outcome": "fired"}).json()
        return report["rules"].get(rule), behind["item_ids"]

    right, wrong = figures("rule_author", "proactive.probe.right"), figures("rule_author", "proactive.probe.wrong")
    assert right == wrong == (None, [])  # zero information gained: neither probe fired on anything readable
    report = api.as_("rule_author").get("/v1/reports/accuracy").json()
    assert report["readable_only"] is True and report["rules"]  # the rest of the figures are still there
    # A cleared role sees the hit: the probe did fire, and only the narrowing hid it.
    assert figures("admin", "proactive.probe.right")[1] == [secret]
    assert figures("admin", "proactive.probe.wrong") == (None, [])
    assert api.as_("office").get("/v1/reports/accuracy").json()["readable_only"] is False
