"""Every report figure against the hand-counted month of tests/service/scenario.py (its table says
what happened to each item), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.service.conftest import Api
from tests.service.scenario import REPORT_DAY, Scenario, at_report_day, play

R = round


@pytest.fixture
def month(api: Api, model: Any, tmp_path: Path) -> Scenario:
    return play(api, model, tmp_path)


def _get(api: Api, role: str, path: str, **params: Any) -> dict[str, Any]:
    with at_report_day():
        r = api.as_(role).get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_statistics(month: Scenario) -> None:
    stats = _get(month.api, "office", "/v1/reports/statistics")
    # 12 items; routed A1–A5, B1–B3; pending P1, P2, W (withdrawn back to secrecy review) and O.
    assert {k: stats[k] for k in ("items", "routed", "pending", "published", "published_late", "overdue",
                                  "proactive_rate")} == {
        "items": 12, "routed": 8, "pending": 4, "published": 4, "published_late": 1, "overdue": 1,
        "proactive_rate": 0.5}  # proactive A1 B1 B2 B3 of 8 routed; late B3; overdue O (W is due today: not yet)
    assert stats["by"]["division"] == {"办公室": 4, "法规处": 5, "财务处": 3}
    assert stats["by"]["category"] == {"on_request": 2, "proactive": 4, "withheld": 2}
    assert stats["by"]["column"] == {"budget": 1, "normative_documents": 6, "work_updates": 1}
    assert stats["by"]["status"] == {"disclosure_review": 1, "routed": 8, "secrecy_review": 3}
    assert stats["by"]["month"] == {"2026-10": 2, "2026-11": 10}
    assert stats["trend"] == {
        "2026-10": {"items": 2, "routed": 1, "published": 1, "proactive_rate": 1.0},
        "2026-11": {"items": 10, "routed": 7, "published": 3, "proactive_rate": R(3 / 7, 4)}}
    office = _get(month.api, "supervisor", "/v1/reports/statistics", division="办公室")
    assert (office["items"], office["routed"], office["published"], office["proactive_rate"]) == (4, 3, 2, R(2 / 3, 4))
    october = _get(month.api, "admin", "/v1/reports/statistics", closed_from="2026-10-01", closed_to="2026-10-31")
    assert (october["items"], october["overdue"], october["published_late"]) == (2, 1, 1)


def test_accuracy(month: Scenario) -> None:
    ids = month.id
    report = _get(month.api, "office", "/v1/reports/accuracy")
    assert report["items"] == 8  # the routed ones
    category = report["category"]
    assert category["accuracy"] == R(5 / 8, 4)  # wrong: A2 A3 A5
    assert category["confusion"] == {"on_request": {"proactive": 1, "withheld": 1}, "proactive": {"proactive": 4},
                                     "withheld": {"proactive": 1, "withheld": 1}}
    assert category["per_class"]["proactive"] == {"precision": R(4 / 6, 4), "recall": 1.0,
                                                  "f1": R(2 * (4 / 6) / (4 / 6 + 1), 4), "support": 4}
    assert (category["per_class"]["withheld"]["precision"], category["per_class"]["withheld"]["recall"]) == (0.5, 0.5)
    assert category["per_class"]["on_request"]["recall"] == 0.0
    assert report["exemption"]["accuracy"] == 0.75  # wrong: A3 (none suggested), A5 (internal_affairs suggested)
    assert report["secrecy"]["accuracy"] == 0.75  # wrong: A3 (raised to internal), A5 (lowered to none)
    assert report["secrecy_flag"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert report["column"]["accuracy"] == 0.875  # wrong: B2
    assert sorted(int(w["id"]) for w in report["wrong"]) == sorted(ids(n) for n in ("A2", "A3", "A5", "B2"))
    assert report["override_rate"] == {
        "secrecy_review": {"reviews": 8, "changed": 2, "rate": 0.25, "item_ids": [ids("A3"), ids("A5")]},
        "disclosure_review": {"reviews": 8, "changed": 4, "rate": 0.5,
                              "item_ids": sorted(ids(n) for n in ("A2", "A3", "A5", "B2"))}}
    rules = report["rules"]
    expected = {  # rule: (fired, confirmed, overridden, precision)
        "proactive.normative.issuing_notice": (7, 4, 3, R(4 / 7, 4)),
        "proactive.general.release_note_public": (7, 4, 3, R(4 / 7, 4)),
        "columns.normative_documents.named_normative_documents": (7, 6, 1, R(6 / 7, 4)),
        "columns.other.fallback": (8, 0, 8, 0.0),
        "secrecy.markings.unmarked": (7, 6, 1, R(6 / 7, 4)),
        "secrecy.markings.internal": (1, 0, 1, 0.0),
        "columns.budget.budgets_and_funds": (1, 1, 0, 1.0),
        "columns.emergency.emergency_management": (1, 0, 1, 0.0),
        "withheld.process_info.requests_for_instructions": (1, 1, 0, 1.0),
    }
    assert {rid: (r["fired"], r["confirmed"], r["overridden"], r["precision"]) for rid, r in rules.items()} == expected
    notice = rules["proactive.normative.issuing_notice"]
    assert notice["modes"] == {"enforce": 4, "monitor": 3} and notice["mode"] == "monitor"  # B made it monitor
    assert notice["overridden_items"] == [ids("A2"), ids("A3"), ids("A5")]
    assert notice["last_fired"].startswith("2026-11-16")
    assert rules["columns.normative_documents.named_normative_documents"]["overridden_items"] == [ids("B2")]

    def group(items: int, category: float, exemption: float, secrecy: float, column: float) -> dict[str, Any]:
        return {"items": items, "category_correct": R(category * items), "category_accuracy": R(category, 4),
                "exemption_accuracy": R(exemption, 4), "secrecy_accuracy": R(secrecy, 4),
                "column_accuracy": R(column, 4)}

    assert report["by"]["division"] == {"办公室": group(3, 2 / 3, 2 / 3, 2 / 3, 2 / 3),  # A5 B1 B2
                                        "法规处": group(3, 2 / 3, 1, 1, 1),  # A1 A2 B3
                                        "财务处": group(2, 1 / 2, 1 / 2, 1 / 2, 1)}  # A3 A4
    revisions = report["by"]["ruleset_revision"]
    assert revisions == {month.revisions["A"]: group(5, 2 / 5, 3 / 5, 3 / 5, 1),
                         month.revisions["B"]: group(3, 1, 1, 1, 2 / 3)}
    assert [g["items"] for g in report["by"]["model_id"].values()] == [8]
    assert report["by"]["month"] == {"2026-10": group(1, 1, 1, 1, 1), "2026-11": group(7, 4 / 7, 5 / 7, 5 / 7, 6 / 7)}
    assert {w: g["items"] for w, g in report["by"]["week"].items()} == {"2026-W41": 1, "2026-W45": 5, "2026-W47": 2}
    only = _get(month.api, "office", "/v1/reports/accuracy", division="财务处")
    assert (only["items"], only["category"]["accuracy"], only["override_rate"]["secrecy_review"]["item_ids"]) == (
        2, 0.5, [ids("A3")])


def test_rule_health(month: Scenario) -> None:
    """Per rule, per review stage and had it decided, counted by hand from scenario.py.

    The routed items and what their reviewers saw (suggested) and decided, field by field
    (category / exemption / secrecy / column; "-" for none):
      A1 B1 B3  D   suggested proactive/-/none/normative_documents, decided the same
      A2        D   same suggestion, decided category on_request                (disclosure changed)
      A3        D   same suggestion, decided withheld/internal_affairs/internal (both stages changed)
      B2        D   same suggestion, decided column work_updates                 (disclosure changed)
      A5        D*  suggested withheld/internal_affairs/internal/normative_documents,
                    decided on_request/-/none/normative_documents                (both stages changed)
      A4        Q   suggested withheld/process_info/none/budget, decided the same
    Hits: D items (6): fallback (column other), named_normative_documents (column normative_documents),
    release_note_public and issuing_notice (category proactive), unmarked (secrecy none); A5 the same
    with internal (category withheld, secrecy internal) instead of unmarked; A4: fallback,
    budgets_and_funds (column budget), emergency_management (column emergency), unmarked,
    requests_for_instructions (category withheld, exemption process_info). So the disclosure reviewer
    changed 4 items: A2 A3 A5 B2; the secrecy reviewer 2: A3 A5."""
    ids = month.id
    rules = _get(month.api, "office", "/v1/reports/accuracy")["rules"]

    def stage(hits: int, overridden: int, changed: int) -> dict[str, Any]:
        return {"hits": hits, "overridden": overridden, "rate": R(overridden / hits, 4), "changed": changed}

    # rule: (secrecy_review, disclosure_review), None where the rule sets no field that stage decides.
    expected_stages = {
        # category proactive on the 7 D/D* items; decided otherwise on A2 A3 A5; disclosure changed on
        # A2 A3 A5 B2 (B2's column: a change at that stage, though not of this rule's field).
        "proactive.normative.issuing_notice": (None, stage(7, 3, 4)),
        "proactive.general.release_note_public": (None, stage(7, 3, 4)),
        # column normative_documents on the 7 D/D* items; only B2 decided another column.
        "columns.normative_documents.named_normative_documents": (None, stage(7, 1, 4)),
        # column other on all 8; no item is decided "other"; the 4 disclosure changes are all among them.
        "columns.other.fallback": (None, stage(8, 8, 4)),
        # secrecy none on A1 A2 A3 A4 B1 B2 B3: A3 decided internal, and it is the one secrecy change.
        "secrecy.markings.unmarked": (stage(7, 1, 1), None),
        # A5 only: secrecy internal decided none, category withheld decided on_request; both stages changed.
        "secrecy.markings.internal": (stage(1, 1, 1), stage(1, 1, 1)),
        # A4 only, confirmed unchanged at both stages, except emergency (A4's column stayed budget).
        "columns.budget.budgets_and_funds": (None, stage(1, 0, 0)),
        "columns.emergency.emergency_management": (None, stage(1, 1, 0)),
        "withheld.process_info.requests_for_instructions": (None, stage(1, 0, 0)),
    }
    assert {rid: (r["stages"]["secrecy_review"], r["stages"]["disclosure_review"]) for rid, r in rules.items()} == (
        expected_stages)
    # (would_change, would_fix, would_break, would_net): had the rule decided its fields.
    expected_effect = {
        # Suggested proactive everywhere but A5 (withheld): one change, and on A5 both proactive and
        # withheld are wrong (on_request decided), so neither a fix nor a break. The same for B1–B3,
        # where issuing_notice was only monitoring: release_note_public made the suggestion proactive.
        "proactive.normative.issuing_notice": (1, 0, 0, 0),
        "proactive.general.release_note_public": (1, 0, 0, 0),
        "columns.normative_documents.named_normative_documents": (0, 0, 0, 0),  # it is what was suggested
        # "other" instead of the suggested column on all 8; right nowhere; the suggestion was right on all
        # but B2 (work_updates decided): 7 broken.
        "columns.other.fallback": (8, 0, 7, -7),
        "secrecy.markings.unmarked": (0, 0, 0, 0),
        "secrecy.markings.internal": (0, 0, 0, 0),  # A5's suggestion was its withheld / internal
        "columns.budget.budgets_and_funds": (0, 0, 0, 0),
        "columns.emergency.emergency_management": (1, 0, 1, -1),  # emergency instead of A4's right budget
        "withheld.process_info.requests_for_instructions": (0, 0, 0, 0),
    }
    assert {rid: (r["would_change"], r["would_fix"], r["would_break"], r["would_net"])
            for rid, r in rules.items()} == expected_effect
    # (outranked, decided_precision): hits not in monitor mode where the suggestion showed another value
    # on a field the rule sets, and the precision over the others (where its values were the suggestion).
    expected_decided = {
        # Enforce on revision A's A1 A2 A3 A5 (monitor on B1–B3): outranked on A5 (withheld suggested);
        # where it decided, right on A1 only.
        "proactive.normative.issuing_notice": (1, R(1 / 3, 4)),
        # Enforce on all 7: outranked on A5; right on A1 B1 B2 B3, wrong on A2 A3.
        "proactive.general.release_note_public": (1, R(4 / 6, 4)),
        "columns.normative_documents.named_normative_documents": (0, R(6 / 7, 4)),  # B2 decided work_updates
        "columns.other.fallback": (8, None),  # a more specific column won on all 8
        "secrecy.markings.unmarked": (0, R(6 / 7, 4)),  # A3 decided internal
        "secrecy.markings.internal": (0, 0.0),  # A5 decided on_request / none
        "columns.budget.budgets_and_funds": (0, 1.0),
        "columns.emergency.emergency_management": (1, None),  # budget came first on A4
        "withheld.process_info.requests_for_instructions": (0, 1.0),
    }
    assert {rid: (r["outranked"], r["decided_precision"]) for rid, r in rules.items()} == expected_decided
    # At most 8 hits a rule: too few to advise on (ADVICE_MIN_HITS is 20).
    assert {r["advice"] for r in rules.values()} == {None}

    def behind(**figure: Any) -> list[int]:
        return sorted(_get(month.api, "office", "/v1/reports/accuracy/items", **figure)["item_ids"])

    def named(*names: str) -> list[int]:
        return sorted(ids(n) for n in names)

    # The items behind these figures, by the same hand count.
    assert behind(rule="columns.other.fallback", outcome="would_break") == named("A1", "A2", "A3", "A4", "A5", "B1",
                                                                                "B3")
    assert behind(rule="columns.other.fallback", outcome="would_change") == named("A1", "A2", "A3", "A4", "A5", "B1",
                                                                                 "B2", "B3")
    assert behind(rule="columns.emergency.emergency_management", outcome="would_break") == named("A4")
    assert behind(rule="columns.emergency.emergency_management", outcome="outranked") == named("A4")
    assert behind(rule="proactive.normative.issuing_notice", outcome="outranked") == named("A5")
    assert behind(rule="proactive.normative.issuing_notice", outcome="would_change") == named("A5")
    assert behind(rule="proactive.normative.issuing_notice", outcome="would_fix") == []
    assert behind(rule="secrecy.markings.unmarked", rule_stage="secrecy_review", outcome="overridden") == named("A3")
    assert behind(rule="secrecy.markings.unmarked", rule_stage="disclosure_review") == []  # sets no field there
    assert behind(rule="secrecy.markings.internal", rule_stage="disclosure_review", outcome="overridden") == named("A5")
    named_documents = "columns.normative_documents.named_normative_documents"
    assert behind(rule=named_documents, rule_stage="disclosure_review", outcome="overridden") == named("B2")
    assert behind(rule=named_documents, rule_stage="disclosure_review", stage="disclosure_review") == named(
        "A2", "A3", "A5", "B2")  # its stage's `changed`
    with at_report_day():
        bad = month.api.as_("office").get("/v1/reports/accuracy/items", params={"outcome": "would_fix"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "rule"


SHOWN = {"category": "proactive", "exemption": None, "secrecy": "none", "column": "other"}


def _reviewed(item_id: int, hits: list[tuple[str, str, dict[str, Any]]], suggested: dict[str, Any] | None = None,
              decided: dict[str, Any] | None = None, changed: tuple[bool, bool] = (False, False)) -> Any:
    import datetime as dt

    from api.reports.accuracy import Reviewed

    return Reviewed(item_id, False, {**SHOWN, **(suggested or {})}, {**SHOWN, **(decided or {})},
                    {"secrecy_review": changed[0], "disclosure_review": changed[1]}, hits,
                    dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc) + dt.timedelta(hours=item_id),
                    {"division": "法规处", "ruleset_revision": "r", "model_id": "m", "month": "2026-11",
                     "week": "2026-W45"})


def _health(monkeypatch: pytest.MonkeyPatch, items: list[Any]) -> dict[str, Any]:
    """The accuracy report over these items instead of a database's."""
    from api.reports import accuracy

    monkeypatch.setattr(accuracy, "reviewed", lambda *_, **__: iter(items))
    return accuracy.accuracy(None, closed_from=None, closed_to=None)  # type: ignore[arg-type]


def test_would_be_effect_of_a_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each case of the would-be effect once, with null values: the suggestion is SHOWN
    (proactive / no exemption / none / other) unless the item says otherwise."""
    from api.reports.accuracy import Figure, behind

    m = ("m", "monitor", {"category": "on_request"})
    # n sets fields of both stages, one of them to null.
    n = ("n", "enforce", {"category": "withheld", "exemption": None, "secrecy": "internal"})
    items = [
        _reviewed(1, [m, n], decided={"category": "on_request"}, changed=(False, True)),
        _reviewed(2, [m], decided={}),
        _reviewed(3, [m], suggested={"category": "withheld"}, decided={}, changed=(False, True)),
        _reviewed(4, [m], suggested={"category": "on_request"}, decided={"category": "on_request"}),
        _reviewed(5, [n], suggested={"category": "withheld", "secrecy": "internal"},
                  decided={"category": "withheld", "secrecy": "internal"}),
        _reviewed(6, [n], suggested={"category": "withheld", "exemption": "internal_affairs", "secrecy": "internal"},
                  decided={"category": "withheld", "secrecy": "internal"}, changed=(False, True)),
    ]
    rules = _health(monkeypatch, items)["rules"]
    # m (on_request): 1 proactive→on_request decided: fixed; 2 proactive decided: broken; 3 withheld
    # suggested, proactive decided: both wrong, a change only; 4 on_request suggested: no change.
    assert {k: rules["m"][k] for k in ("fired", "confirmed", "overridden", "would_change", "would_fix",
                                       "would_break", "would_net")} == {
        "fired": 4, "confirmed": 2, "overridden": 2, "would_change": 3, "would_fix": 1, "would_break": 1,
        "would_net": 0}
    # Stages of m: only disclosure (category); overridden on 2 and 3; the reviewer changed 1 and 3.
    assert rules["m"]["stages"] == {"secrecy_review": None, "disclosure_review": {
        "hits": 4, "overridden": 2, "rate": 0.5, "changed": 2}}
    # n (withheld / null / internal): 1 decided on_request and none: wrong at both stages, and the
    # suggestion was wrong too (proactive): a change only. 5 is what was suggested and decided (the
    # null exemption agrees with the none decided). 6: the suggestion's internal_affairs was decided
    # null, as n says: fixed.
    assert {k: rules["n"][k] for k in ("fired", "confirmed", "overridden", "would_change", "would_fix",
                                       "would_break", "would_net")} == {
        "fired": 3, "confirmed": 2, "overridden": 1, "would_change": 2, "would_fix": 1, "would_break": 0,
        "would_net": 1}
    assert rules["n"]["stages"] == {
        "secrecy_review": {"hits": 3, "overridden": 1, "rate": R(1 / 3, 4), "changed": 0},
        "disclosure_review": {"hits": 3, "overridden": 1, "rate": R(1 / 3, 4), "changed": 2}}  # 1 and 6

    # The drill-down reads the same cases.
    def items_behind(**figure: Any) -> list[int]:
        return [i["item_id"] for i in behind(None, Figure(**figure))]  # type: ignore[arg-type]

    assert items_behind(rule="m", outcome="would_fix") == [1]
    assert items_behind(rule="m", outcome="would_break") == [2]
    assert items_behind(rule="m", outcome="would_change") == [1, 2, 3]
    assert items_behind(rule="n", outcome="would_fix") == [6]
    assert items_behind(rule="n", rule_stage="secrecy_review", outcome="overridden") == [1]
    assert items_behind(rule="n", rule_stage="disclosure_review", stage="disclosure_review") == [1, 6]


def test_advice_on_a_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Promote: a monitor rule with precision ≥ 0.9 over ≥ 20 checked hits and net ≥ 0; fix or retire:
    precision < 0.5 over ≥ 20 (an enforce rule's over the hits where it decided); else none. Each
    rule's hits: right (its on_request is decided) on the first `right` of its items, wrong
    (proactive decided) on the rest. A monitor rule's items suggest proactive (so a wrong hit is a
    break); an enforce rule's suggest its on_request (it decided, and the reviewer overrode it)."""
    cases = {  # rule: (mode, items, right) -> advice
        "promote": ("monitor", 20, 18, "promote"),  # 18/20 = 0.9, net 18 - 2 ≥ 0
        "few": ("monitor", 19, 18, None),  # 0.947 but over 19
        "enforced": ("enforce", 20, 20, None),  # nothing to promote
        "weak": ("monitor", 20, 17, None),  # 0.85
        "wrong": ("enforce", 20, 9, "fix or retire"),  # 0.45
        "watching": ("monitor", 20, 9, "fix or retire"),
        "half": ("enforce", 20, 10, None),  # 0.5 is not below 0.5
        "default": ("baseline", 20, 0, None),  # a 兜底 default loses by design
    }
    items, next_id = [], 0
    for rule, (mode, n, right, _) in cases.items():
        for i in range(n):
            next_id += 1
            items.append(_reviewed(next_id, [(rule, mode, {"category": "on_request"})],
                                   suggested={"category": "on_request"} if mode == "enforce" else None,
                                   decided={"category": "on_request" if i < right else "proactive"}))
    rules = _health(monkeypatch, items)["rules"]
    assert {rule: rules[rule]["advice"] for rule in cases} == {rule: c[3] for rule, c in cases.items()}
    assert (rules["wrong"]["precision"], rules["wrong"]["decided_precision"], rules["wrong"]["outranked"]) == (
        0.45, 0.45, 0)
    assert (rules["promote"]["precision"], rules["promote"]["would_net"]) == (0.9, 16)
    from api.reports.registry import tables

    table = next(t for t in tables("accuracy", _health(monkeypatch, items)) if t.name == "各规则命中与精确率")
    shown = {row[0]: row[table.headers.index("建议")] for row in table.values()}
    assert (shown["promote"], shown["wrong"], shown["few"]) == ("可改为执行 promote", "应修改或停用 fix or retire", None)

    # A monitor rule at 0.95 over 20 that would break more than it fixes is not promoted: on its 19 right
    # hits its value was already the suggestion (no change, no fix); on the one wrong hit the suggestion
    # was right (a break): net -1.
    items = [_reviewed(i, [("careful", "monitor", {"category": "on_request"})], suggested=right, decided=right)
             for i, right in enumerate([{}] + [{"category": "on_request"}] * 19)]
    careful = _health(monkeypatch, items)["rules"]["careful"]
    assert (careful["precision"], careful["would_net"], careful["advice"]) == (0.95, -1, None)


def test_an_outranked_rule_is_judged_where_it_decided(monkeypatch: pytest.MonkeyPatch) -> None:
    """A withheld rule on security grounds that fires on documents marked 机密: state_secret comes first
    (SCHEMA: a classified level means state_secret), the reviewer confirms it, and the rule's own
    exemption is "wrong" on every such hit. Those hits are `outranked`, not held against it: its
    advice comes from the hits where its values were the suggestion."""
    from api.reports.accuracy import Figure, behind

    rule = ("security", "enforce", {"category": "withheld", "exemption": "security_stability"})
    secret = {"category": "withheld", "exemption": "state_secret", "secrecy": "confidential"}
    own = {"category": "withheld", "exemption": "security_stability"}
    items = ([_reviewed(i, [rule], suggested=secret, decided=secret) for i in range(1, 26)]  # outranked, kept
             + [_reviewed(i, [rule], suggested=own, decided=own) for i in range(26, 46)]  # decided, confirmed
             + [_reviewed(46, [rule], suggested=secret, decided=own, changed=(False, True))])  # outranked, it was right
    figures = _health(monkeypatch, items)["rules"]["security"]
    # Over every hit: 21 of 46 right (0.4565 would have said "fix or retire"); where it decided: 20 of 20.
    assert (figures["fired"], figures["confirmed"], figures["overridden"], figures["precision"]) == (46, 21, 25, 0.4565)
    assert (figures["outranked"], figures["decided_precision"], figures["advice"]) == (26, 1.0, None)
    assert (figures["would_change"], figures["would_fix"], figures["would_break"]) == (26, 1, 25)

    # Always outranked: no precision where it decided, and no advice either way.
    always = _health(monkeypatch, items[:25])["rules"]["security"]
    assert (always["precision"], always["outranked"], always["decided_precision"], always["advice"]) == (
        0.0, 25, None, None)
    # Where it decided and was overridden, it is judged as before.
    overridden = [_reviewed(i, [rule], suggested=own, decided={"category": "on_request"}) for i in range(1, 21)]
    assert _health(monkeypatch, overridden)["rules"]["security"]["advice"] == "fix or retire"
    # A monitor rule never decides: nothing is outranked and its advice is its precision's.
    watching = [_reviewed(i, [("security", "monitor", rule[2])], suggested=secret, decided=secret) for i in range(1, 21)]
    figures = _health(monkeypatch, watching)["rules"]["security"]
    assert (figures["outranked"], figures["decided_precision"], figures["advice"]) == (0, None, "fix or retire")

    # The drill-down names the outranked hits (none of a monitor rule's), as the figure counts them.
    assert behind(None, Figure(rule="security", outcome="outranked")) == []  # type: ignore[arg-type]
    monkeypatch.setattr("api.reports.accuracy.reviewed", lambda *_, **__: iter(items))
    assert [i["item_id"] for i in behind(None, Figure(rule="security", outcome="outranked"))] == [  # type: ignore[arg-type]
        *range(1, 26), 46]


def test_the_items_behind_each_accuracy_figure(month: Scenario) -> None:
    ids = month.id

    def behind(**figure: Any) -> list[int]:
        return sorted(_get(month.api, "office", "/v1/reports/accuracy/items", **figure)["item_ids"])

    def named(*names: str) -> list[int]:
        return sorted(ids(n) for n in names)

    assert behind(field="category", gold="on_request", suggested="proactive") == named("A2")  # a confusion cell
    assert behind(field="category", gold="on_request") == named("A2", "A5")
    assert behind(field="secrecy", correct="false") == named("A3", "A5")
    assert behind(field="exemption", suggested="null", gold="internal_affairs") == named("A3")
    assert behind(rule="proactive.normative.issuing_notice", outcome="overridden") == named("A2", "A3", "A5")
    assert behind(rule="secrecy.markings.internal") == named("A5")
    assert behind(stage="disclosure_review") == named("A2", "A3", "A5", "B2")
    assert behind(group="ruleset_revision", value=month.revisions["B"]) == named("B1", "B2", "B3")
    assert behind(group="week", value="2026-W45", field="category", correct="true") == named("A1", "A4")
    assert behind(group="division", value="财务处", stage="secrecy_review") == named("A3")
    one = _get(month.api, "office", "/v1/reports/accuracy/items", field="column", correct="false")["items"]
    assert one == [{"item_id": ids("B2"), "division": "办公室", "ruleset_revision": month.revisions["B"],
                    "model_id": one[0]["model_id"], "month": "2026-11", "week": "2026-W47",
                    "suggested": {"category": "proactive", "exemption": None, "secrecy": "none",
                                  "column": "normative_documents"},
                    "decided": {"category": "proactive", "exemption": None, "secrecy": "none", "column": "work_updates"},
                    "changed": {"secrecy_review": False, "disclosure_review": True}}]
    sheet = _sheets(_download(month.api, "office", "/v1/reports/accuracy/items", format="xlsx",
                              stage="secrecy_review").content)["图表背后的信息"]
    assert sorted(row[0] for row in sheet[1:]) == named("A3", "A5") and sheet[0][0] == "信息编号"
    with at_report_day():
        bad = month.api.as_("office").get("/v1/reports/accuracy/items", params={"gold": "proactive"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "field"


def test_supervision(month: Scenario) -> None:
    ids = month.id
    report = _get(month.api, "supervisor", "/v1/reports/supervision")
    assert report["today"] == REPORT_DAY.isoformat()
    assert report["counts"] == {"never_reviewed": 2, "overdue": 2, "published_late": 1, "reopened": 1,
                                "secrecy_lowered": 1, "waiting": 5, "withdrawn": 1}
    events = {(r["kind"], r["item_id"]): r for r in report["rows"]}
    assert {(kind, item, r["on"], r["stage"], r["who"]) for (kind, item), r in events.items()} == {
        ("overdue", ids("B3"), "2026-11-06", None, None),  # pushed after its due date
        ("overdue", ids("O"), "2026-11-06", None, None),
        ("waiting", ids("A4"), "2026-11-08", "secrecy_review", "secrecy_reviewer-1"),
        ("waiting", ids("W"), "2026-11-16", "secrecy_review", None),  # since the withdrawal on 11-10
        ("waiting", ids("P1"), "2026-11-22", "secrecy_review", None),
        ("waiting", ids("O"), "2026-11-22", "secrecy_review", None),
        ("waiting", ids("P2"), "2026-11-23", "disclosure_review", None),
        ("never_reviewed", ids("P1"), "2026-11-22", "secrecy_review", None),
        ("never_reviewed", ids("O"), "2026-11-22", "secrecy_review", None),
        ("secrecy_lowered", ids("A5"), "2026-11-03", "secrecy_review", "secrecy_reviewer-1"),
        ("reopened", ids("B2"), "2026-11-20", "disclosure_review", "office-1"),
        ("published_late", ids("B3"), "2026-11-18", "disclosure_review", "disclosure_reviewer-1"),
        ("withdrawn", ids("W"), "2026-11-10", None, "document_system-1"),
    }
    assert events[("overdue", ids("B3"))]["detail"] == {"due_on": "2026-11-05", "pushed_on": "2026-11-16",
                                                         "routed_on": "2026-11-18", "status": "routed"}
    assert events[("waiting", ids("A4"))]["detail"] == {"since": "2026-11-02", "ended_on": "2026-11-10", "days": 8,
                                                         "threshold": 5}
    assert events[("published_late", ids("B3"))]["detail"] == {"due_on": "2026-11-05", "days_late": 13}
    assert events[("secrecy_lowered", ids("A5"))]["detail"] == {
        "suggested": "internal", "marking": "internal", "decided": "none", "reason": "内部标志已由定密单位撤销"}
    assert events[("reopened", ids("B2"))]["detail"] == {"reason": "栏目归类有误，重新审核", "from_status": "routed",
                                                          "from_store": "proactive"}
    assert events[("withdrawn", ids("W"))]["detail"] == {"marking": "confidential"}  # 秘密
    assert [r["on"] for r in report["rows"]] == sorted(r["on"] for r in report["rows"])
    assert len({r["event_id"] for r in report["rows"]}) == 13

    # Incremental by date: two windows that meet give every event exactly once.
    first = _get(month.api, "supervisor", "/v1/reports/supervision", until="2026-11-10")
    rest = _get(month.api, "supervisor", "/v1/reports/supervision", since="2026-11-11", until="2026-11-30")
    assert first["counts"] == {"overdue": 2, "secrecy_lowered": 1, "waiting": 1, "withdrawn": 1}
    assert sorted(r["event_id"] for r in first["rows"] + rest["rows"]) == sorted(r["event_id"] for r in report["rows"])
    day = _get(month.api, "office", "/v1/reports/supervision", since="2026-11-22", until="2026-11-22")
    assert sorted((r["kind"], r["item_id"]) for r in day["rows"]) == sorted(
        [("never_reviewed", ids("P1")), ("never_reviewed", ids("O")), ("waiting", ids("P1")), ("waiting", ids("O"))])
    office = _get(month.api, "admin", "/v1/reports/supervision", division="办公室")
    assert office["counts"] == {"reopened": 1, "secrecy_lowered": 1, "waiting": 1, "withdrawn": 1}


def test_reopened_item_left_the_website_and_came_back(month: Scenario) -> None:
    """B2 was published, reopened (a withdraw entry), and published again after its new review."""
    feed = month.api.as_("office").get("/v1/feed/proactive", params={"limit": 100}).json()["entries"]
    actions = [e["action"] for e in feed if e["item_id"] == month.id("B2")]
    assert actions == ["publish", "withdraw", "publish"]
    item = month.api.as_("office").get(f"/v1/items/{month.id('B2')}").json()
    assert (item["status"], item["store"], item["decision"]["column"]) == ("routed", "proactive", "work_updates")


def _download(api: Api, role: str, path: str, **params: Any) -> Any:
    with at_report_day():
        r = api.as_(role).get(path, params=params)
    assert r.status_code == 200, r.text
    return r


def _sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_reports_as_spreadsheets_and_csv(month: Scenario) -> None:
    r = _download(month.api, "office", "/v1/reports/accuracy", format="xlsx")
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in r.headers["content-disposition"]
    sheets = _sheets(r.content)
    assert list(sheets)[:5] == ["各字段准确率", "各类精确率召回率", "混淆矩阵", "各审核环节改判率", "各规则命中与精确率"]
    assert sheets["各字段准确率"][0] == ("字段", "准确率", "宏平均F1")
    assert sheets["各字段准确率"][1][:2] == ("公开属性 category", 0.625)
    rules = {row[0]: row for row in sheets["各规则命中与精确率"][1:]}
    assert rules["proactive.normative.issuing_notice"][1:6] == ("观察 monitor", 7, 4, 3, R(4 / 7, 4))
    header = sheets["各规则命中与精确率"][0]
    unmarked = dict(zip(header, rules["secrecy.markings.unmarked"], strict=True))
    fallback = dict(zip(header, rules["columns.other.fallback"], strict=True))
    # test_rule_health counts these: unmarked is overridden once (A3) of 7 at secrecy review and sets
    # nothing disclosure review decides; fallback's "other" would have broken 7 right columns of 8.
    assert {k: unmarked[k] for k in ("保密审核命中", "保密审核被改判", "保密审核改判率", "保密审核人员改动",
                                     "公开方式审核改判率", "若由本规则决定：改变", "建议")} == {
        "保密审核命中": 7, "保密审核被改判": 1, "保密审核改判率": R(1 / 7, 4), "保密审核人员改动": 1,
        "公开方式审核改判率": None, "若由本规则决定：改变": 0, "建议": None}
    assert [fallback[f"若由本规则决定：{k}"] for k in ("改变", "改对", "改错", "净改对")] == [8, 0, 7, -7]
    assert fallback["公开方式审核改判率"] == 1.0 and fallback["保密审核命中"] is None
    confusion = {row[1:3]: row[3] for row in sheets["混淆矩阵"][1:] if row[0] == "公开属性"}
    assert confusion[("依申请公开 on_request", "不予公开 withheld")] == 1  # A5
    assert len(sheets["建议有误的信息"]) == 1 + 4

    stats = _sheets(_download(month.api, "office", "/v1/reports/statistics", format="xlsx").content)
    overview = {row[0]: row[1] if len(row) > 1 else None for row in stats["概览"][1:]}  # empty cells are not stored
    assert (overview["信息总数"], overview["主动公开率"], overview["超期公开"]) == (12, 0.5, 1)
    assert stats["按处室"][0] == ("处室", "标识", "件数", "占比") and ("法规处", "法规处", 5, R(5 / 12, 4)) in stats["按处室"]

    csv_text = _download(month.api, "supervisor", "/v1/reports/supervision", format="csv").text
    lines = csv_text.splitlines()
    assert lines[0] == "event_id,kind,on,item_id,index_number,division,stage,who,at,detail"
    assert len(lines) == 1 + 13
    assert f"reopened:{month.id('B2')}:" in csv_text and "栏目归类有误" in csv_text


def test_reports_as_html_pages(month: Scenario) -> None:
    pages = {kind: _download(month.api, "supervisor", f"/v1/reports/{kind}", format="html")
             for kind in ("statistics", "accuracy", "supervision")}
    for r in pages.values():
        assert r.headers["content-type"] == "text/html; charset=utf-8" and "inline" in r.headers["content-disposition"]
    statistics, accuracy, supervision = (pages[k].text for k in ("statistics", "accuracy", "supervision"))
    assert "统计报表" in statistics and "50.0%" in statistics  # proactive rate: 4 of 8 routed
    assert "建议准确率报告" in accuracy and "62.5%" in accuracy and "proactive.normative.issuing_notice" in accuracy
    # The rules table with its per-stage and would-be columns; rates as percent, an empty cell where the
    # rule sets no field of the stage (fallback: column only), numbers as numbers.
    assert all(f"<th>{h}</th>" in accuracy for h in ("保密审核改判率", "公开方式审核改判率", "若由本规则决定：改错", "建议"))
    fallback = re.search(r"<tr>\s*<td[^>]*>columns\.other\.fallback</td>(.*?)</tr>", accuracy, flags=re.S)
    assert fallback is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", fallback.group(1), flags=re.S)
    # mode, fired, confirmed, overridden, precision, outranked, decided precision (none: it never decided);
    # secrecy review's 4; disclosure review's 4; would 4; advice
    assert cells[:20] == ["兜底 baseline", "8", "0", "8", "0.0%", "8", "", "", "", "", "", "8", "8", "100.0%", "4",
                          "8", "0", "7", "-7", ""]
    assert "监察考核报告" in supervision and "决定被重新打开" in supervision and "栏目归类有误" in supervision
    assert all("<script" not in page for page in (statistics, accuracy, supervision))


def test_export_and_search_of_lists(month: Scenario) -> None:
    import csv
    import io

    ids = month.id
    api = month.api
    found = _get(api, "office", "/v1/items", changed="true")  # some decision differs from the suggestion
    assert sorted(i["id"] for i in found["items"]) == sorted(ids(n) for n in ("A2", "A3", "A5", "B2"))
    assert [i["id"] for i in _get(api, "office", "/v1/items", category="on_request")["items"]] == [ids("A5"), ids("A2")]
    assert [i["id"] for i in _get(api, "office", "/v1/items", column="work_updates")["items"]] == [ids("B2")]
    by_reviewer = _get(api, "office", "/v1/items", reviewer="secrecy_reviewer-1", status="secrecy_review")
    assert [i["id"] for i in by_reviewer["items"]] == [ids("W")]  # reviewed once, back after its withdrawal

    history = _get(api, "supervisor", "/v1/reviews", limit=100)
    assert history["total"] == 20  # 10 secrecy reviews (A1–A5, W, B1–B3, P2) and 10 disclosure (B2 twice)
    changed = _get(api, "supervisor", "/v1/reviews", stage="secrecy_review", changed="true")
    assert sorted(r["item_id"] for r in changed["reviews"]) == [ids("A3"), ids("A5")]
    # Both items are secret (A3 decided internal, A5 marked 内部): their reasons are content, shown to the
    # cleared reviewers and not to supervision (issue 14), which still sees who changed what.
    assert {r["reason"] for r in changed["reviews"]} == {None}
    cleared = _get(api, "secrecy_reviewer", "/v1/reviews", stage="secrecy_review", changed="true")
    assert {r["reason"] for r in cleared["reviews"]} == {"涉及内部工作秘密", "内部标志已由定密单位撤销"}

    rows = list(csv.DictReader(io.StringIO(_download(api, "office", "/v1/items", format="csv", division="办公室",
                                                     limit=1).text)))
    assert len(rows) == 4  # the whole list, not the page of one
    assert sorted(int(r["信息编号"]) for r in rows) == sorted(ids(n) for n in ("A5", "W", "B1", "B2"))
    b2 = next(r for r in rows if int(r["信息编号"]) == ids("B2"))
    assert (b2["信息库"], b2["栏目"], b2["处室"]) == ("主动公开 proactive", "工作动态 work_updates", "办公室")
    store = _sheets(_download(api, "office", "/v1/stores/proactive", format="xlsx").content)["信息列表"]
    assert store[0][:3] == ("信息编号", "索引号", "标题") and len(store) == 1 + 4
    queue = _sheets(_download(api, "secrecy_reviewer", "/v1/queues/secrecy_review", format="xlsx").content)["信息列表"]
    assert sorted(row[0] for row in queue[1:]) == sorted(ids(n) for n in ("W", "P1", "O"))
    reviews = _sheets(_download(api, "supervisor", "/v1/reviews", format="xlsx", changed="true").content)["审核记录"]
    assert reviews[0][:6] == ("审核记录编号", "信息编号", "索引号", "处室", "审核环节", "审核人") and len(reviews) == 1 + 6


@pytest.mark.slow  # a CLI process per format
def test_report_command_writes_every_format(month: Scenario, database_url: str, tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "GONGKAI_DATABASE_URL": database_url}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "api.cli", "report", *args], capture_output=True, text=True,
                              env=env, timeout=300)

    out = run("accuracy", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["category"]["accuracy"] == 0.625
    book = tmp_path / "accuracy.xlsx"
    out = run("accuracy", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "xlsx", "--output", str(book))
    assert out.returncode == 0, out.stderr
    assert "accuracy report built in" in out.stderr and "bytes of xlsx" in out.stderr
    assert _sheets(book.read_bytes())["各字段准确率"][1][1] == R(4 / 7, 4)  # November closings only: B3 left out
    events = run("supervision", "--from", "2026-11-01", "--to", "2026-11-10", "--format", "csv")
    assert events.returncode == 0, events.stderr
    assert sorted(line.split(",")[1] for line in events.stdout.splitlines()[1:]) == [
        "overdue", "overdue", "secrecy_lowered", "waiting", "withdrawn"]
    page = tmp_path / "accuracy.html"
    out = run("accuracy", "--format", "html", "--output", str(page))
    assert out.returncode == 0, out.stderr
    html = page.read_text(encoding="utf-8")
    assert "建议准确率报告" in html and html.count("<svg") >= 5 and "62.5%" in html  # category 5 of 8
    bad = run("supervision", "--from", "2026-11-10", "--to", "2026-11-01")
    assert bad.returncode == 2 and "is after --to" in bad.stderr
