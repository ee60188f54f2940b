"""SCHEMA's consistency, stated once (engine/consistency.py), and its three readers: the rule loader
(R206), the suggestion's corrections (decision.make_consistent) and routing."""

from __future__ import annotations

import itertools
import re

import pytest

from engine.consistency import REQUIREMENTS, STORE_OF, final_problems, rule_problems
from engine.decision import FieldDecision, make_consistent
from engine.vocabulary import Category, Column, Exemption, FieldStatus, Secrecy, Store
from engine.workflow.routing import RoutingError, store_for

UNCORRECTED = {r.name for r in REQUIREMENTS if r.correction is None}
UNCHECKED_IN_RULES = {r.name for r in REQUIREMENTS if r.rule_problem is None}


def _broken(values: dict[str, str | None]) -> set[str]:
    return {r.name for r in REQUIREMENTS if not r.implied and r.broken(values)}


def test_every_requirement_cites_its_article_and_can_be_reported() -> None:
    for r in REQUIREMENTS:
        assert re.search(r"第[一二三四五六七八九十]+条|SCHEMA", r.basis), r.name
        assert r.problem and (r.correction is None) == (not r.reason), r.name
    assert len({r.name for r in REQUIREMENTS}) == len(REQUIREMENTS)


def test_each_category_goes_to_its_own_store() -> None:
    assert sorted(STORE_OF.values()) == sorted(Store) and all(STORE_OF[c] == c.value for c in Category)


@pytest.mark.parametrize(("outcome", "problems"), [
    ({"category": "proactive", "exemption": "process_info"}, ["an exemption needs category: withheld"]),
    ({"exemption": "process_info"}, ["an exemption needs category: withheld"]),
    ({"secrecy": "secret", "category": "withheld"},
     ["a classified secrecy level needs category: withheld and exemption: state_secret"]),
    ({"secrecy": "internal"}, []),
    ({"secrecy": "internal", "category": "on_request"},
     ["secrecy internal needs category withheld (or no category)", "a disclosable category needs secrecy none"]),
    ({"category": "not_government_info", "column": "other"}, ["not_government_info has no catalog column"]),
    ({"category": "withheld"}, []),  # a rule may leave the exemption to others
], ids=["exemption-not-withheld", "exemption-alone", "classified-without-state-secret", "internal-alone",
        "internal-on-request", "ngi-with-column", "withheld-alone"])
def test_rule_outcomes_keep_their_r206_messages(outcome: dict[str, str], problems: list[str]) -> None:
    assert rule_problems({"category": None, "exemption": None, "secrecy": None, "column": None, **outcome}) == problems


def test_a_rule_outcome_the_loader_accepts_fails_routing_only_on_what_rules_may_leave_open() -> None:
    """Every complete outcome a rule may state is routable but for the fields rules are not asked about
    (an exemption for withheld, a column for government information)."""
    for category, exemption, secrecy, column in itertools.product(
            Category, [None, *Exemption], [None, *Secrecy], [None, *Column]):
        outcome = {"category": category, "exemption": exemption, "secrecy": secrecy, "column": column}
        if not rule_problems(outcome):
            assert _broken({**outcome, "marking": "none"}) <= UNCHECKED_IN_RULES, outcome


def _decided(value: str | None) -> FieldDecision:
    if value is None:
        return FieldDecision(None, FieldStatus.UNDECIDED, 0.0)
    return FieldDecision(value, FieldStatus.DECIDED, 0.9)


def test_a_corrected_suggestion_breaks_only_what_is_left_to_the_reviewer() -> None:
    """make_consistent and routing read one table: after the corrections, routing finds nothing a
    correction exists for, whatever the rules, the model and the marking said."""
    for category, exemption, secrecy, column, marking in itertools.product(
            [None, *Category], [None, *Exemption], [None, *Secrecy], [None, *Column], Secrecy):
        fields = {"category": _decided(category), "exemption": _decided(exemption), "secrecy": _decided(secrecy),
                  "column": _decided(column)}
        fixed, _ = make_consistent(fields, marking)
        values = {name: fd.value for name, fd in fixed.items()}
        if values["category"] is None or values["secrecy"] is None:
            continue  # undecided: the reviewer decides it before anything is routed
        assert _broken({**values, "marking": marking}) <= UNCORRECTED, (fields, marking)


def test_routing_names_every_problem_and_refuses_a_marked_document_on_the_website() -> None:
    with pytest.raises(RoutingError) as refused:
        store_for(secrecy="secret", category="proactive", exemption=None, column="budget", marking="secret")
    assert str(refused.value) == (
        "secrecy secret is a state secret: category must be withheld with exemption state_secret; "
        "the document carries a secrecy marking (secret): it can never be proactive")
    # a marking nobody foresaw is a marking
    unforeseen = {"secrecy": "none", "category": "proactive", "exemption": None, "column": "budget", "marking": "绝密★"}
    assert final_problems(unforeseen) == ["the document carries a secrecy marking (绝密★): it can never be proactive"]
    assert store_for(secrecy="internal", category="withheld", exemption="internal_affairs", column="other",
                     marking="internal") == "withheld"
