"""The typed HTTP contract (issue 15): /openapi.json says what every operation answers, and the service
answers exactly that.

- Every 2xx answer of every operation has a schema naming its fields (not `{}`, not an open object);
  a list or report that also answers as a file names those media types too.
- A scenario calls every operation until it answers 2xx, as the roles that may call it (one cleared
  for secret items and one not, so that hidden values are seen hidden). Each answer is
  - the dict its route built, unchanged (`faithful`): FastAPI checks a route's dict against its
    response model and sends only the model's fields, so a key missing from a model would silently
    vanish, and a value re-rendered by the wrong type would change (3 sent as 3.0, a timestamp's
    +00:00 as Z). Compared value by value as JSON text;
  - valid against the operation's schema in /openapi.json, by schemathesis' own check (the fuzz test
    runs it on generated requests; this runs it on answers that reach every operation's 2xx).

`faithful` is also a pytest plugin (`pytest -p tests.service.test_contract tests/service`) that runs
the check under every service test.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any, Iterator

import pytest
from fastapi.encoders import jsonable_encoder
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError

from api.items.schemas import Suggestion
from api.routes import MODULES
from tests.service.conftest import Api, review_item, sample_documents

FILE_TYPES = {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


# -- the OpenAPI document -------------------------------------------------------------------------------------

def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_operation_documents_its_answer(app: Any) -> None:
    document = app.openapi()
    untyped, unlisted_files = [], []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            answers = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
            assert answers, where
            for code, answer in answers.items():
                schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
                fields = _resolve(document, schema).get("properties")
                if not fields:  # {} or {"type": "object", "additionalProperties": true}: says nothing
                    untyped.append(f"{where} {code}")
            if any(p["name"] == "format" for p in operation.get("parameters", [])) and \
                    not FILE_TYPES <= set(answers.get("200", {}).get("content", {})):
                unlisted_files.append(where)
    assert not untyped, f"answers without a schema naming their fields: {untyped}"
    assert not unlisted_files, f"format= without the file media types in its 200: {unlisted_files}"


# -- the answers are the views, unchanged ----------------------------------------------------------------------

def _difference(built: Any, sent: Any, at: str = "") -> str | None:
    """Where two JSON values first differ (None: the same). Key order is not compared: it means nothing
    in JSON, and PostgreSQL's JSONB gives a stored suggestion back in an order of its own (the models
    send their declared order, which is the order the views write)."""
    if isinstance(built, dict) and isinstance(sent, dict):
        missing, added = [k for k in built if k not in sent], [k for k in sent if k not in built]
        if missing or added:
            return f"{at or '.'}: keys dropped {missing}, added {added}"
        for key in built:
            found = _difference(built[key], sent[key], f"{at}.{key}")
            if found:
                return found
        return None
    if isinstance(built, list) and isinstance(sent, list):
        if len(built) != len(sent):
            return f"{at}: {len(built)} elements → {len(sent)}"
        return next((d for i, (b, s) in enumerate(zip(built, sent, strict=True)) if (d := _difference(b, s, f"{at}[{i}]"))), None)
    same = json.dumps(built, ensure_ascii=False) == json.dumps(sent, ensure_ascii=False)
    return None if same else f"{at}: {built!r} → {sent!r}"


@contextlib.contextmanager
def faithful() -> Iterator[list[str]]:
    """Collects every answer of a route with a response model that differs from the dict the route built."""
    import fastapi.routing

    original = fastapi.routing.serialize_response
    differences: list[str] = []

    async def checked(**kwargs: Any) -> Any:
        sent = await original(**kwargs)
        if kwargs.get("field") is not None:
            served = json.loads(sent) if isinstance(sent, bytes) else sent
            found = _difference(jsonable_encoder(kwargs["response_content"]), served)
            if found:
                where = kwargs.get("endpoint_ctx") or {}
                differences.append(f"{where.get('function', '?')} ({where.get('path', '?')}) {found}")
        return sent

    fastapi.routing.serialize_response = checked  # type: ignore[assignment]
    try:
        yield differences
    finally:
        fastapi.routing.serialize_response = original


@pytest.fixture(autouse=True)
def _answers_unchanged(request: pytest.FixtureRequest) -> Iterator[None]:
    """As a plugin (-p tests.service.test_contract), every service test's answers are checked too."""
    if "api" not in request.fixturenames:
        yield
        return
    with faithful() as differences:
        yield
    assert not differences, "answers that differ from what their routes built:\n" + "\n".join(differences[:20])


class Calls:
    """The scenario's requests, each expected to succeed; every answer is kept."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.answers: list[Any] = []

    def __call__(self, role: str | None, method: str, url: str, status: int = 200, **kwargs: Any) -> Any:
        client = self.api.client if role is None else self.api.as_(role)
        answer = getattr(client, method)(url, **kwargs)
        assert answer.status_code == status, f"{role} {method.upper()} {url}: {answer.status_code} {answer.text[:800]}"
        self.answers.append(answer)
        return answer.json() if answer.headers["content-type"].startswith("application/json") else answer


READERS = ("admin", "office")  # cleared for secret items, and not


def _items(call: Calls) -> list[int]:
    """The samples pushed (one again unchanged, one changed), a clerk's entry; reviewed into the stores,
    one decided secret, one with a leader's instruction, one with its secrecy-risk signals cleared, one
    published and then reopened (withdrawn from the feed)."""
    docs = sample_documents()
    ids = [call("document_system", "post", "/v1/closures", 201, json=doc)["id"] for doc in docs]
    call("document_system", "post", "/v1/closures", json=docs[0])
    call("document_system", "post", "/v1/closures", json={**docs[1], "body": docs[1]["body"] + "（修订稿）"})
    ids.append(call("clerk", "post", "/v1/entries", 201, json={
        "title": "法规处2026年1月工作动态", "division": "法规处", "body": "本月完成规范性文件合法性审核5件。"})["id"])
    for n, item_id in enumerate(ids):
        suggested = call("secrecy_reviewer", "get", f"/v1/items/{item_id}")["suggestion"]
        if n == 2:
            call("secrecy_reviewer", "post", f"/v1/items/{item_id}/secrecy_review",
                 json={"secrecy": "secret", "reason": "涉及未公开的调度安排"})
        elif n < 7:
            risky = any(s["kind"] == "risk" for s in suggested.get("secrecy_signals", []))
            level = suggested["suggestion"]["secrecy"]["value"] or "none"
            body = {"secrecy": "none", "clear_signals": True, "reason": "已公开的内容，不涉密"} if risky and level == "none" \
                else {"secrecy": level}
            call("secrecy_reviewer", "post", f"/v1/items/{item_id}/secrecy_review", json=body)
        if n in (0, 1, 3, 5):
            call("disclosure_reviewer", "post", f"/v1/items/{item_id}/disclosure_review",
                 json={"leader_instruction": "同意"} if n == 1 else {})
    risky = call("document_system", "post", "/v1/closures", 201, json={
        **docs[0], "id": "risky-1", "body": docs[0]["body"] + "\n本通知控制知悉范围，不得对外公开。一号库点储备成品油3000吨。"})["id"]
    call("secrecy_reviewer", "post", f"/v1/items/{risky}/secrecy_review",
         json={"secrecy": "none", "clear_signals": True, "reason": "储备数据已公开发布，不涉密"})
    published = ids[-1]
    review_item(call.api, published, {"secrecy": "none"}, {"category": "proactive", "exemption": None,
                                                            "column": "work_updates", "reason": "工作动态，主动公开"})
    call("office", "post", f"/v1/items/{ids[0]}/reopen", json={"stage": "disclosure_review", "reason": "复核"})
    call("office", "post", f"/v1/items/{published}/reopen", json={"stage": "secrecy_review", "reason": "撤回复核"})
    return ids + [risky]


def _reads(call: Calls, ids: list[int]) -> None:
    call(None, "get", "/healthz")
    call(None, "get", "/v1/version")
    for role in READERS:
        for item_id in ids:
            call(role, "get", f"/v1/items/{item_id}")
    call("document_system", "get", f"/v1/items/{ids[0]}")  # the items it pushed
    for role in READERS:
        call(role, "get", "/v1/items", params={"limit": 500})
        call(role, "get", "/v1/reviews", params={"limit": 500})
        for store in ("proactive", "on_request", "withheld", "not_government_info"):
            call(role, "get", f"/v1/stores/{store}")
        call(role, "get", "/v1/feed/proactive")
    for stage in ("secrecy_review", "disclosure_review"):
        call("admin", "get", f"/v1/queues/{stage}")
    for report in ("statistics", "accuracy", "accuracy/items", "supervision"):
        for role in READERS:
            call(role, "get", f"/v1/reports/{report}")


def _access(call: Calls) -> None:
    issued = call("admin", "post", "/v1/tokens", 201, json={"name": "李某", "role": "clerk", "division": "法规处"})
    call("admin", "get", "/v1/tokens")
    rotated = call("admin", "post", f"/v1/tokens/{issued['id']}/rotate", 201, json={"days": 30})
    call("admin", "delete", f"/v1/tokens/{rotated['id']}")
    for role in ("supervisor", "admin"):  # supervisors are not cleared: events of secret items are redacted
        call(role, "get", "/v1/audit", params={"limit": 1000})
    call("admin", "get", "/v1/audit/verify")
    for role in call.api.tokens:
        call(role, "get", "/v1/whoami")


def _rules(call: Calls) -> None:
    served = call("rule_author", "get", "/v1/rules")
    call("rule_author", "get", "/v1/rules/revisions")
    files = call("rule_author", "get", f"/v1/rules/revisions/{served['revision']}")["files"]
    call("rule_author", "post", "/v1/rules/validate", json={"files": {**files, "proactive/broken.yaml": "rules: [1"}})
    edited = {**files, "columns/subjects.yaml": files["columns/subjects.yaml"].replace(
        "matches: '建设项目|", "matches: '封闭施工|建设项目|")}
    assert edited != files
    for role in ("rule_author", "admin"):  # the author backtests only the items it may read
        call(role, "post", "/v1/rules/validate", params={"items": 0}, json={"files": edited})
    # Requests (请示) on request, without the proactive rules, with thresholds: flips, failed scenarios,
    # a gate with nothing to measure.
    gated = {name: text for name, text in files.items() if not name.startswith("proactive/")}
    rule = "id: withheld.process_info.requests_for_instructions"
    head, tail = gated["withheld/process_info.yaml"].split(rule)
    gated["withheld/process_info.yaml"] = head + rule + tail.replace(
        "category: withheld\n      exemption: process_info", "category: on_request", 1)
    gated["_ruleset.yaml"] += ("\nbacktest:\n  thresholds:\n    - {metric: category.not_government_info.recall, at_least: 0.5}"
                               "\n    - {metric: violations.withheld_suggested_proactive, at_most: 0}\n")
    checked = call("admin", "post", "/v1/rules/validate", params={"items": 0}, json={"files": gated})
    assert checked["backtest"]["flips"] and checked["tests"]["failed"]
    assert any("unmeasured" in gate for gate in checked["backtest"]["gates"])
    call("rule_author", "post", "/v1/rules/activate", 201, json={"files": edited, "note": "封闭施工归重大建设项目"})
    call("rule_author", "post", "/v1/rules/rollback", 201, json={"note": "回退"})


def _applications(call: Calls, app: Any) -> None:
    """Public applications: one handed in, one online confirmed later, a transition, the list, the case
    and the receipt in its three forms (with the letters' settings configured for it)."""
    applicant = {"kind": "legal_person", "org_subtype": "research", "name": "某研究院"}
    request = {"applicant": applicant, "description": "某项目清单", "form_requested": "paper", "delivery": "post"}
    handed = call("office", "post", "/v1/applications", 201, json={
        **request, "channel": "in_person", "submitted_at": "2025-09-26T09:30:00+08:00", "handler_division": "城建科"})
    online = call("office", "post", "/v1/applications", 201, json={
        **request, "channel": "online", "submitted_at": "2025-09-30T22:00:00+08:00"})
    call("office", "post", f"/v1/applications/{online['id']}/confirm", json={
        "confirmation": {"at": "2025-10-09T09:30:00+08:00", "way": "平台回复", "staff": "王敏"}})
    call("office", "post", f"/v1/applications/{handed['id']}/events", json={"kind": "start", "on": "2025-09-29"})
    call("office", "post", f"/v1/applications/{online['id']}/assign", json={"handler_division": "财务科"})
    for role in READERS:
        call(role, "get", "/v1/applications", params={"overdue": "true"})
        call(role, "get", f"/v1/applications/{handed['id']}")
    context = app.state.context
    configured = {"agency_name": "某委员会", "contact_person": "王联络", "contact_phone": "010-1",
                  "review_authority": "某人民政府", "court": "某人民法院", "progress_query": "电话查询"}
    context.settings = context.settings.model_copy(update=configured)
    for output in ("json", "docx", "html"):
        call("office", "get", f"/v1/applications/{handed['id']}/receipt", params={"output": output})


def _more_scenarios() -> list[Any]:
    """The scenario's further parts, one module per feature so that features built side by side do not edit
    one function: every tests/service/contract_*.py defines `scenario(call: Calls, app) -> None`, which calls
    its routes until each answers 2xx (its own applications and items: it cannot rely on another part's)."""
    import importlib
    from pathlib import Path

    names = sorted(p.stem for p in Path(__file__).parent.glob("contract_*.py"))
    return [importlib.import_module(f"tests.service.{name}").scenario for name in names]


@pytest.mark.slow  # walks every operation as two roles, validating each answer with schemathesis (as the fuzz, slow)
def test_every_answer_is_what_its_route_built_and_as_documented(api: Api, app: Any) -> None:
    import schemathesis
    from schemathesis.core.failures import Failure, FailureGroup

    call = Calls(api)
    ids = _items(call)
    _reads(call, ids)
    _access(call)
    _rules(call)
    _applications(call, app)
    for part in _more_scenarios():
        part(call, app)

    schema = schemathesis.openapi.from_dict(app.openapi())
    models = {(method, route.path): route.response_model for module in MODULES for route in module.router.routes
              if isinstance(route, APIRoute) for method in route.methods}
    answered, invalid = set(), []
    for answer in call.answers:
        operation = schema.find_operation_by_path(answer.request.method, answer.request.url.path)
        assert operation is not None, answer.request.url
        where = f"{operation.method.upper()} {operation.path}"
        answered.add(where)
        try:
            operation.validate_response(answer)
        except (Failure, FailureGroup) as failed:
            failures = failed.exceptions if isinstance(failed, FailureGroup) else (failed,)
            invalid.append(f"{where}: " + "; ".join(" ".join(f"{f.title}: {f.message}".split())[:600] for f in failures))
        # A route that answers with a Response of its own (intake, activation: for speed or headers) is not
        # filtered by FastAPI: its body must still be exactly its model (no undeclared key, nothing re-typed).
        model = models.get((operation.method.upper(), operation.path))
        if model is not None and answer.headers["content-type"].startswith("application/json"):
            adapter = TypeAdapter(model)
            try:
                found = _difference(answer.json(), adapter.dump_python(adapter.validate_python(answer.json()),
                                                                       mode="json", by_alias=True))
            except ValidationError as exc:
                found = " ".join(str(exc).split())[:600]
            if found:
                invalid.append(f"{where}: not its model: {found}")
    everything = {f"{m.upper()} {p}" for p, ops in app.openapi()["paths"].items() for m in ops}
    assert answered == everything, f"no 2xx answer in the scenario: {sorted(everything - answered)}"
    assert not invalid, "answers not as /openapi.json says:\n" + "\n".join(invalid[:20])


def test_a_suggestion_stored_before_secrecy_signals_is_answered_as_stored() -> None:
    """Suggestions are stored as made (item_version.suggestion): one from before `secrecy_signals`
    existed comes back without it, rather than failing the answer or growing an empty list."""
    stored = {"id": "s-1", "title": "t", "suggestion": {name: {
        "value": None, "label": None, "status": "undecided", "confidence": 0.0, "rules": [], "contested_by": [],
        "adjustment": None, "source": "none", "model": None, "disagreement": None}
        for name in ("category", "exemption", "secrecy", "column")},
        "secrecy_flag": None, "marking": "none", "needs_attention": True, "attention": ["category: undecided"],
        "hits": [], "adjustments": [], "warnings": [], "ruleset": {"name": "r", "revision": "abc"}, "model": None}
    adapter = TypeAdapter(Suggestion)
    answered = adapter.dump_python(adapter.validate_python(stored), mode="json")
    assert json.dumps(answered, ensure_ascii=False) == json.dumps(stored, ensure_ascii=False)
