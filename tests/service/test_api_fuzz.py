"""No input produces a 500: schemathesis over every operation of the OpenAPI document, once as each
role (and a clerk limited to a division), against the real app on a real database.

`fuzz()` is the harness; scripts/fuzz-api runs it with many examples per operation on a fresh
database, this test with a few (on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set).

What is checked on every response: no server error (a 5xx, or an exception escaping the app), the
status code, content type, headers and body against the OpenAPI document (every operation declares
its answer's schema: api/responses.py), that negative data (values the document forbids) is refused,
that a request without its token is refused, and that unsupported methods answer 405 with an Allow
header. Positive data acceptance is not checked: the service refuses inputs the document cannot
express (a push without its id, a changed decision without a reason, a review out of order), and
says so with a 4xx problem. For the same reason generated requests seldom reach the 2xx answer of a
review or of rule validation and activation: tests/service/test_contract.py checks a real 2xx answer
of every operation against the document.
"""

from __future__ import annotations

import dataclasses
import json
import traceback
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable

import pytest

from engine.paths import PROJECT_ROOT

SAMPLES = PROJECT_ROOT / "data" / "samples" / "closures.jsonl"
# The order matters a little: documents first (so that items exist), then the reviewers (so that
# items move through the stages and reach the stores), then everyone who reads.
ORDER = ["document_system", "clerk", "clerk@division", "secrecy_reviewer", "disclosure_reviewer", "office",
         "rule_author", "supervisor", "admin"]
CLERK_DIVISION = "法规处"
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "response_headers_conformance", "negative_data_rejection",
          "ignored_auth", "unsupported_method", "allow_header_conformance", "missing_required_header",
          "use_after_free", "ensure_resource_availability"]


@dataclasses.dataclass
class Report:
    identities: list[str] = dataclasses.field(default_factory=list)
    operations: set[str] = dataclasses.field(default_factory=set)
    per_operation: Counter[str] = dataclasses.field(default_factory=Counter)
    answered: Counter[str] = dataclasses.field(default_factory=Counter)  # 2xx answers (checked against their schema)
    statuses: Counter[int] = dataclasses.field(default_factory=Counter)
    server_errors: list[str] = dataclasses.field(default_factory=list)  # 5xx responses
    crashes: list[str] = dataclasses.field(default_factory=list)  # exceptions that escaped the app, with tracebacks
    failures: Counter[str] = dataclasses.field(default_factory=Counter)  # check name -> failed responses
    failure_examples: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)
    engine_errors: list[str] = dataclasses.field(default_factory=list)
    scenarios: int = 0

    @property
    def examples(self) -> int:
        return sum(self.statuses.values())

    @property
    def conformance_failures(self) -> int:
        return sum(n for name, n in self.failures.items() if name != "not_a_server_error")

    def summary(self, all_operations: Iterable[str] = ()) -> str:
        untested = sorted(set(all_operations) - self.operations)
        lines = [f"identities:       {len(self.identities)} ({', '.join(self.identities)})",
                 f"operations:       {len(self.operations)} tested" + (f"; NOT tested: {untested}" if untested else ""),
                 f"examples run:     {self.examples} requests in {self.scenarios} scenarios",
                 "status codes:     " + ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items())),
                 f"server errors:    {len(self.server_errors)} (exceptions escaping the app: {len(self.crashes)})",
                 f"check failures:   {sum(self.failures.values())}"
                 + (" (" + ", ".join(f"{k}: {v}" for k, v in sorted(self.failures.items())) + ")" if self.failures else ""),
                 f"engine errors:    {len(self.engine_errors)}"]
        for text in self.server_errors[:20]:
            lines.append("  SERVER ERROR " + text)
        for text in self.crashes[:5]:
            lines.append("  EXCEPTION " + text)
        for (name, where), text in sorted(self.failure_examples.items())[:40]:
            lines.append(f"  FAILED {name} at {where}: {text}")
        for text in self.engine_errors[:20]:
            lines.append("  ENGINE ERROR " + text)
        lines.append("per operation (requests, 2xx answers):")
        lines += [f"  {n:7d} {self.answered[label]:6d}  {label}" for label, n in sorted(self.per_operation.items())]
        return "\n".join(lines)


class Harness:
    """ASGI wrapper around the app under test.

    An exception escaping the app becomes the 500 a real server sends (Starlette sends the 500 and
    then re-raises; an in-process client would turn that into a client error) and is kept, with its
    traceback, for the report. And the fuzzer's own tokens are un-revoked after every revocation
    (DELETE /v1/tokens/{id} with a small id revokes them, and every later request would be a 401).
    """

    def __init__(self, app: Any, protected_token_ids: Iterable[int]) -> None:
        self.app = app
        self.protected = sorted(protected_token_ids)
        self.crashes: list[str] = []

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            self.crashes.append(f"{scope.get('method')} {scope.get('path')}: {traceback.format_exc(limit=-8)}")
            if not started:
                body = b'{"type":"about:blank","title":"Internal server error","status":500}'
                await send({"type": "http.response.start", "status": 500,
                            "headers": [(b"content-type", b"application/problem+json")]})
                await send({"type": "http.response.body", "body": body})
        finally:
            if scope.get("method") == "DELETE" and scope.get("path", "").startswith("/v1/tokens/"):
                self._unrevoke()

    def _unrevoke(self) -> None:
        from sqlalchemy import update

        from models.tables import TokenRow

        with self.app.state.sessions() as session:
            session.execute(update(TokenRow).where(TokenRow.id.in_(self.protected)).values(revoked_at=None))
            session.commit()


def issue_tokens(app: Any, existing: dict[str, str] | None = None) -> dict[str, str]:
    """A token per role (reusing `existing` ones) and one for a clerk limited to a division."""
    from api.access import tokens
    from api.access.roles import Role
    from api.context import Actor

    out = dict(existing or {})
    with app.state.sessions() as session:
        for name in ORDER:
            if name in out:
                continue
            role, _, division = name.partition("@")
            _, token = tokens.issue(session, name=f"fuzz-{name}", role=Role(role).value,
                                    division=CLERK_DIVISION if division else None, by=Actor("fuzz-setup", "admin"))
            out[name] = token
        session.commit()
    return out


def token_ids(app: Any, role_tokens: dict[str, str]) -> list[int]:
    from sqlalchemy import select

    from api.access.tokens import digest
    from models.tables import TokenRow

    with app.state.sessions() as session:
        return list(session.scalars(select(TokenRow.id).where(
            TokenRow.token_hash.in_([digest(t) for t in role_tokens.values()]))))


def seed(client: Any, role_tokens: dict[str, str]) -> None:
    """The sample closures, half of them reviewed and routed, so that reads, queues, stores and the
    feed have something to show and reviews find items at each stage."""
    def auth(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {role_tokens[role]}"}

    docs = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    for n, doc in enumerate(docs):
        doc.pop("source", None)
        answer = client.post("/v1/closures", json=doc, headers=auth("document_system"))
        assert answer.status_code == 201, answer.text
        if n % 2:
            continue
        item = client.get(answer.headers["Location"], headers=auth("secrecy_reviewer")).json()
        suggested = item["suggestion"]["suggestion"]["secrecy"]["value"] or "none"
        client.post(f"/v1/items/{item['id']}/secrecy_review", json={"secrecy": suggested},
                    headers=auth("secrecy_reviewer"))
        client.post(f"/v1/items/{item['id']}/disclosure_review", json={}, headers=auth("disclosure_reviewer"))


def authorised_operations(identity: str) -> set[str]:
    """The operations an identity may call (public ones aside), from the routes' actions and api/access/roles.py."""
    from api.access.roles import PERMISSIONS
    from api.routes import MODULES

    role = identity.partition("@")[0]

    out = set()
    for module in MODULES:
        for route in module.router.routes:
            actions = [getattr(d.call, "action", None) for d in route.dependant.dependencies]
            action = next((a for a in actions if a), None)
            if action is not None and role in PERMISSIONS[action]:
                out |= {f"{method} {route.path}" for method in route.methods}
    return out


def fuzz(app: Any, role_tokens: dict[str, str], *, examples: int, seed_value: int | None = None,
         identities: Iterable[str] = ORDER, checks: Iterable[str] = CHECKS,
         operations: Callable[[str], set[str]] | None = None,
         progress: Callable[[str], None] | None = None) -> Report:
    """Run schemathesis (all phases: examples, coverage, fuzzing, stateful) once per identity, over every
    operation of the OpenAPI document, or over `operations(identity)` when given."""
    import schemathesis
    from schemathesis.config import SchemathesisConfig
    from schemathesis.engine import Status, events, from_schema

    harness = Harness(app, token_ids(app, role_tokens))
    report = Report()
    seen_cases: set[str] = set()
    enabled = set(checks)
    for name in identities:
        config = SchemathesisConfig.from_dict({
            "headers": {"Authorization": f"Bearer {role_tokens[name]}"},
            **({"seed": seed_value} if seed_value is not None else {}),
            "cache": {"enabled": False},
            "generation": {"max-examples": examples, "database": "none", "mode": "all"},
            "checks": {"enabled": False, **{check: {"enabled": True} for check in enabled}},
        })
        schema = schemathesis.openapi.from_asgi("/openapi.json", harness, config=config)
        if operations is not None:
            schema = schema.include(name=sorted(operations(name)))
        report.identities.append(name)
        crashes_before = len(harness.crashes)
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                report.scenarios += 1
                _record(report, event.recorder, name, seen_cases, Status.FAILURE)
            elif isinstance(event, events.NonFatalError):
                report.engine_errors.append(f"[{name}] {event.label}: {event.info.title}: {event.info}")
            elif isinstance(event, events.FatalError):
                report.engine_errors.append(f"[{name}] fatal: {event.exception!r}")
        report.crashes += [f"[{name}] {text}" for text in harness.crashes[crashes_before:]]
        if progress is not None:
            progress(f"{name}: {report.examples} requests so far, {len(report.server_errors)} server errors")
    return report


def _record(report: Report, recorder: Any, identity: str, seen: set[str], failure: Any) -> None:
    for case_id, interaction in recorder.interactions.items():
        if case_id in seen or interaction.response is None:
            continue
        seen.add(case_id)
        label = recorder.cases[case_id].value.operation.label
        status = interaction.response.status_code
        report.operations.add(label)
        report.per_operation[label] += 1
        report.statuses[status] += 1
        if 200 <= status < 300:
            report.answered[label] += 1
        if status >= 500:
            body = interaction.response.content[:300] if interaction.response.content else b""
            report.server_errors.append(f"[{identity}] {status} {interaction.request.method} "
                                        f"{interaction.request.uri} {body!r}")
    for case_id, nodes in recorder.checks.items():
        for node in nodes:
            if node.status != failure or node.failure_info is None:
                continue
            report.failures[node.name] += 1
            label = recorder.cases[case_id].value.operation.label if case_id in recorder.cases else "?"
            key = (node.name, f"{label} [{identity}]")
            if key not in report.failure_examples:
                info = node.failure_info
                message = " ".join(f"{info.failure.title}: {info.failure.message}".split())[:400]
                report.failure_examples[key] = f"{message}\n      {info.code_sample.strip()[:600]}"


def all_operations(app: Any) -> list[str]:
    return [f"{method.upper()} {path}" for path, item in app.openapi()["paths"].items() for method in item]


def main(argv: list[str] | None = None) -> int:
    """scripts/fuzz-api: a fresh database (or GONGKAI_DATABASE_URL), the real rules and model."""
    import argparse
    import os
    import sys
    import tempfile

    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings
    from engine.paths import model_dir

    parser = argparse.ArgumentParser(prog="scripts/fuzz-api", description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", 200)),
                        help="examples per operation and phase, for each identity (default 200)")
    parser.add_argument("--seed", type=int, default=None, help="schemathesis seed (default: random, printed)")
    parser.add_argument("--identity", action="append", choices=ORDER,
                        help="only these identities (repeatable; default: all)")
    args = parser.parse_args(argv)
    seed_value = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    with tempfile.TemporaryDirectory(prefix="gongkai-fuzz-") as tmp:
        url = os.environ.get("GONGKAI_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'fuzz.db'}"
        app = create_app(Settings(database_url=url, model=model_dir()))
        try:
            role_tokens = issue_tokens(app)
            with TestClient(app) as client:
                seed(client, role_tokens)
            print(f"fuzzing {url.split('@')[-1]} with seed {args.seed if args.seed is not None else seed_value}, "
                  f"{args.examples} examples per operation", file=sys.stderr)
            report = fuzz(app, role_tokens, examples=args.examples, seed_value=seed_value,
                          identities=args.identity or ORDER, progress=lambda s: print(s, file=sys.stderr, flush=True))
        finally:
            app.state.engine.dispose()
    print(report.summary(all_operations(app)))
    failed = bool(report.server_errors or report.crashes or report.engine_errors or report.conformance_failures)
    print("FAILED" if failed else "OK: no server errors, every response as documented")
    return 1 if failed else 0


def quick_selection(identity: str) -> set[str]:
    """For the test, to stay well under a minute (scripts/fuzz-api sends everything as everyone): each
    identity's writes and who it is; reads as a role cleared for bodies (admin) and one that is not
    (office), which is what changes what a read shows; the public operations once."""
    allowed = authorised_operations(identity)
    if identity in ("admin", "office"):
        return allowed | ({"GET /healthz", "GET /v1/version"} if identity == "admin" else set())
    return {op for op in allowed if not op.startswith("GET ")} | (allowed & {"GET /v1/whoami"})


@pytest.mark.slow  # schemathesis over every operation: about 20 s
def test_no_input_gives_a_server_error(app: Any, api: Any) -> None:
    role_tokens = issue_tokens(app, {role: token for role, token in api.tokens.items() if role in ORDER})
    seed(api.client, role_tokens)
    report = fuzz(app, role_tokens, examples=5, seed_value=20250301, operations=quick_selection)
    text = report.summary(all_operations(app))
    assert not report.server_errors and not report.crashes, text
    assert not report.engine_errors, text
    assert not report.conformance_failures, text
    assert report.operations == set(all_operations(app)), text



def _chunks(total: int) -> Any:
    yield b'{"id": "big", "body": "'
    for _ in range(total // 2**20):
        yield b"x" * 2**20
    yield b'"}'


BIG = 13 * 2**20
DOC = {"id": "d-1", "title": "t", "body": "b"}
# (what, role, method, url, request arguments, status, field named in the problem's errors)
HOSTILE = [
    ("13 MB body", "document_system", "POST", "/v1/closures",
     {"content": b'{"id": "big", "body": "' + b"x" * BIG + b'"}'}, 413, None),
    ("13 MB chunked body", "document_system", "POST", "/v1/closures", {"content": _chunks}, 413, None),
    ("invalid JSON", "document_system", "POST", "/v1/closures", {"content": b'{"id": "a", '}, 422, "body"),
    ("JSON array", "document_system", "POST", "/v1/closures", {"json": [DOC]}, 422, "body"),
    ("impossible date", "document_system", "POST", "/v1/closures", {"json": {**DOC, "date": "2025-02-30"}}, 422, "date"),
    ("date as a number", "document_system", "POST", "/v1/closures", {"json": {**DOC, "closed_on": 0}}, 422, "closed_on"),
    ("closure in 9999", "document_system", "POST", "/v1/closures", {"json": {**DOC, "closed_on": "9999-12-31"}},
     422, "closed_on"),
    ("long title", "document_system", "POST", "/v1/closures", {"json": {**DOC, "title": "字" * 5000}}, 422, "title"),
    ("long id", "document_system", "POST", "/v1/closures", {"json": {**DOC, "id": "a" * 500}}, 422, "id"),
    ("NUL in id", "document_system", "POST", "/v1/closures", {"json": {**DOC, "id": "a\x00b"}}, 422, "id"),
    ("NUL in body", "clerk", "POST", "/v1/entries", {"json": {**DOC, "body": "a\x00b"}}, 422, "body"),
    ("lone surrogate", "document_system", "POST", "/v1/closures",
     {"content": b'{"id": "s-1", "title": "\\ud800"}'}, 422, "title"),
    ("huge item id", "admin", "GET", "/v1/items/99999999999999999999", {}, 422, "path.item_id"),
    ("item id past INTEGER", "admin", "GET", f"/v1/items/{2**31}", {}, 422, "path.item_id"),
    ("huge item id in a review", "secrecy_reviewer", "POST", "/v1/items/99999999999999999999/secrecy_review",
     {"json": {"secrecy": "none"}}, 422, "path.item_id"),
    ("huge token id", "admin", "DELETE", "/v1/tokens/99999999999999999999", {}, 422, "path.token_id"),
    ("negative offset", "admin", "GET", "/v1/items?offset=-1", {}, 422, "query.offset"),
    ("feed cursor past INTEGER", "office", "GET", f"/v1/feed/proactive?after={2**31}", {}, 422, "query.after"),
    ("audit item past INTEGER", "admin", "GET", f"/v1/audit?item_id={2**31}", {}, 422, "query.item_id"),
    ("NUL in a search", "admin", "GET", "/v1/items?q=a%00b", {}, 422, "query.q"),
    ("NUL in a division", "office", "GET", "/v1/stores/proactive?division=a%00b", {}, 422, "query.division"),
    ("date filter as a number", "admin", "GET", "/v1/items?closed_from=0", {}, 422, "query.closed_from"),
    ("NUL in a token name", "admin", "POST", "/v1/tokens", {"json": {"name": "a\x00b", "role": "clerk"}}, 422, "name"),
    ("NUL in a reason", "secrecy_reviewer", "POST", "/v1/items/1/secrecy_review",
     {"json": {"secrecy": "secret", "reason": "a\x00"}}, 422, "reason"),
    ("NUL in a leader's instruction", "disclosure_reviewer", "POST", "/v1/items/1/disclosure_review",
     {"json": {"leader_instruction": "a\x00"}}, 422, "leader_instruction"),
]


@pytest.mark.parametrize("what, role, method, url, kwargs, status, field", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_input_is_refused_with_a_problem_naming_the_field(api: Any, what: str, role: str, method: str,
                                                                  url: str, kwargs: dict, status: int,
                                                                  field: str | None) -> None:
    kwargs = {**kwargs, "content": kwargs["content"](BIG)} if callable(kwargs.get("content")) else kwargs
    headers = {"Authorization": f"Bearer {api.tokens[role]}", "Content-Type": "application/json"}
    answer = api.client.request(method, url, headers=headers, **kwargs)
    assert answer.status_code == status, answer.text[:500]
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    if field is not None:
        assert field in [e["field"] for e in problem["errors"]], problem


if __name__ == "__main__":
    import sys

    sys.exit(main())
