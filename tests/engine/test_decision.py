"""From hits to a decision: precedence, strictest secrecy, monitor mode, consistency, undecided."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.authoring.evaluate import Evaluation
from engine.decision import RuleHit, decide
from engine.rules.conditions import Leaf
from engine.rules.rulebook import Rule
from engine.vocabulary import CLASSIFIED, FIELD_VOCABULARY, Category, RuleMode, Secrecy
from tests.conftest import RULES

PRECEDENCE = __import__("engine.rules.loader", fromlist=["load_rulebook"]).load_rulebook(RULES).precedence
WHEN = Leaf("doc_type", "equals", "请示")


def hit(rule_id: str, mode: RuleMode = RuleMode.ENFORCE, confidence: float = 0.9, **outcome: str) -> RuleHit:
    return RuleHit(Rule(id=rule_id, title=rule_id, mode=mode, confidence=confidence, outcome=outcome,
                        legal_basis=({"source": "政府信息公开条例", "article": 16, "excerpt": "…"},), when=WHEN,
                        examples=(), file="t.yaml", line=1))


def values(decision: Any) -> dict[str, Any]:
    return {name: (f.value if f.status != "undecided" else "undecided") for name, f in decision.fields.items()}


def test_withheld_beats_proactive_and_article_14_beats_16() -> None:
    decision = decide([hit("p", category="proactive"), hit("w16", category="withheld", exemption="process_info"),
                       hit("w14", category="withheld", exemption="state_secret")], PRECEDENCE, "none")
    assert values(decision)["category"] == "withheld"
    assert values(decision)["exemption"] == "state_secret"
    assert decision.fields["category"].contested_by == (("p", "proactive"),)
    assert decision.fields["category"].confidence < 0.9  # contested by an equally sure rule


def test_article_15_beats_16_and_proactive_beats_on_request() -> None:
    decision = decide([hit("a", category="withheld", exemption="internal_affairs"),
                       hit("b", category="withheld", exemption="third_party")], PRECEDENCE, "none")
    assert values(decision)["exemption"] == "third_party"
    assert values(decide([hit("r", category="on_request"), hit("p", category="proactive")], PRECEDENCE, "none"))["category"] == "proactive"


def test_strictest_secrecy_wins() -> None:
    decision = decide([hit("n", secrecy="none"), hit("i", secrecy="internal")], PRECEDENCE, "none")
    assert values(decision)["secrecy"] == "internal"
    assert values(decision)["category"] == "withheld"  # internal ⇒ withheld (SCHEMA consistency)


def test_monitor_hits_decide_nothing_and_unset_fields_are_undecided() -> None:
    decision = decide([hit("m", RuleMode.MONITOR, category="withheld", exemption="process_info")], PRECEDENCE, "none")
    assert values(decision) == {"category": "undecided", "exemption": "undecided", "secrecy": "undecided", "column": "undecided"}
    assert [h.rule.id for h in decision.hits] == ["m"]


def test_low_confidence_fallback_does_not_contest() -> None:
    decision = decide([hit("c", column="budget", confidence=0.8), hit("o", column="other", confidence=0.5)], PRECEDENCE, "none")
    assert (values(decision)["column"], decision.fields["column"].confidence) == ("budget", 0.8)


def test_marking_is_a_floor_and_never_proactive() -> None:
    decision = decide([hit("p", category="proactive", secrecy="none", column="budget")], PRECEDENCE, "confidential")
    assert values(decision)["category"] == "withheld"
    assert values(decision)["secrecy"] == "confidential"
    assert values(decision)["exemption"] == "state_secret"
    assert decision.adjustments


def test_not_government_info_has_no_column_and_no_exemption() -> None:
    decision = decide([hit("n", category="not_government_info"), hit("c", column="other")], PRECEDENCE, "none")
    assert (decision.fields["column"].status, decision.fields["exemption"].status) == ("not_applicable", "not_applicable")


OUTCOMES = st.fixed_dictionaries({}, optional={name: st.sampled_from(vocab) for name, vocab in FIELD_VOCABULARY.items()})
HITS = st.lists(st.tuples(OUTCOMES, st.sampled_from(list(RuleMode)), st.sampled_from([0.5, 0.8, 0.9])), max_size=6)
MARKINGS = st.sampled_from([s.value for s in Secrecy])


@settings(max_examples=400, deadline=None)
@given(HITS, MARKINGS, st.randoms())
def test_decisions_are_consistent_and_order_independent(specs: list[Any], marking: str, random: Any) -> None:
    hits = [hit(f"r{i}", mode, confidence, **outcome) for i, (outcome, mode, confidence) in enumerate(specs)]
    decision = decide(hits, PRECEDENCE, marking)
    shuffled = list(hits)
    random.shuffle(shuffled)
    assert values(decide(shuffled, PRECEDENCE, marking)) == values(decision)
    v = values(decision)
    if marking != "none":  # any marking: never proactive (nor on_request)
        assert v["category"] == "withheld"
    if v["secrecy"] not in ("undecided", "none"):
        assert v["category"] == "withheld"
        if Secrecy(v["secrecy"]) in CLASSIFIED:
            assert v["exemption"] == "state_secret"
    if v["category"] in (Category.PROACTIVE, Category.ON_REQUEST):
        assert v["exemption"] is None and v["secrecy"] in ("none", "undecided")
    if v["category"] == Category.NOT_GOVERNMENT_INFO:
        assert v["column"] is None


def test_evaluation_counts_undecided_as_wrong() -> None:
    evaluation = Evaluation()
    gold = {"category": "withheld", "exemption": "process_info", "secrecy": "internal", "column": "other"}
    evaluation.add("x", gold, {"category": None, "exemption": None, "secrecy": None, "column": "other"},
                   {"category": "undecided", "exemption": "undecided", "secrecy": "undecided", "column": "decided"}, False)
    report = evaluation.report()
    assert report["category"]["accuracy"] == 0.0
    assert report["category"]["confusion"] == {"withheld": {"undecided": 1}}
    assert report["column"]["accuracy"] == 1.0
    assert report["secrecy_flag"]["recall"] == 0.0  # an undecided secret is a missed secret


def test_secret_suggested_proactive_is_counted() -> None:
    evaluation = Evaluation()
    gold = {"category": "withheld", "exemption": "state_secret", "secrecy": "secret", "column": "other"}
    evaluation.add("x", gold, {"category": "proactive", "exemption": None, "secrecy": "none", "column": "other"},
                   dict.fromkeys(gold, "decided"), True)
    assert evaluation.report()["violations"] == {"secret_suggested_proactive": 1, "withheld_suggested_proactive": 1}
    unmarked = {"category": "withheld", "exemption": "process_info", "secrecy": "none", "column": "other"}
    evaluation.add("y", unmarked, {"category": "proactive", "exemption": None, "secrecy": "none", "column": "other"},
                   dict.fromkeys(gold, "decided"), False)
    assert evaluation.report()["violations"] == {"secret_suggested_proactive": 1, "withheld_suggested_proactive": 2}


def test_baseline_decides_only_what_no_enforce_rule_sets() -> None:
    alone = decide([hit("b", RuleMode.BASELINE, 0.5, column="other")], PRECEDENCE, "none")
    assert (alone.fields["column"].value, alone.fields["column"].source) == ("other", "baseline")
    # an enforce rule wins even with a lower confidence, and the baseline is not a contest
    both = decide([hit("b", RuleMode.BASELINE, 0.9, column="other"), hit("c", confidence=0.6, column="budget")],
                  PRECEDENCE, "none")
    assert (both.fields["column"].value, both.fields["column"].source) == ("budget", "rules")
    assert both.fields["column"].contested_by == () and both.fields["column"].confidence == 0.6
