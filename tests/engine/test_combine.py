"""Rules and model together: who decides what, disagreement, secrecy, and the rule that nothing
marked or secret is ever suggested as proactive (with any prediction, and with the real model)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.combine import DEFAULT_POLICY, combine
from engine.prediction import FieldPrediction, Prediction
from engine.suggest import Suggester
from engine.vocabulary import CLASSIFIED, FIELD_VOCABULARY, Category, RuleMode, Secrecy
from tests.conftest import make_doc
from tests.engine.test_decision import PRECEDENCE, hit

CLASSES = {
    "category": tuple(FIELD_VOCABULARY["category"]),
    "exemption": tuple(FIELD_VOCABULARY["exemption"]),
    "secrecy": tuple(FIELD_VOCABULARY["secrecy"]),
    "column": tuple(FIELD_VOCABULARY["column"]),
}


def predicted(**sure: tuple[str, float]) -> Prediction:
    """A prediction putting probability p on the given class of each field, the rest spread evenly
    (by default: surely not secret, and no opinion on the other fields)."""
    fields = {}
    defaults = {"secrecy": ("none", 0.97)}
    for name, classes in CLASSES.items():
        value, p = sure.get(name, defaults.get(name, (classes[0], 1 / len(classes))))
        rest = (1 - p) / (len(classes) - 1)
        fields[name] = FieldPrediction(classes, tuple(p if c == value else rest for c in classes), (("词", 0.1),))
    return Prediction(fields, "test", words=100)


def test_an_enforce_rule_decides_and_a_sure_model_that_disagrees_is_flagged() -> None:
    hits = [hit("w", category="withheld", exemption="process_info")]
    decision = combine(hits, PRECEDENCE, "none", predicted(category=("proactive", 0.8)))
    field = decision.fields["category"]
    assert (field.value, field.source) == ("withheld", "rules")
    assert field.disagreement and "proactive" in field.disagreement
    assert field.confidence < 0.9
    quiet = combine(hits, PRECEDENCE, "none", predicted(category=("proactive", 0.4)))
    assert quiet.fields["category"].disagreement is None and quiet.fields["category"].confidence == 0.9


def test_the_model_fills_what_no_rule_sets() -> None:
    decision = combine([], PRECEDENCE, "none", predicted(category=("on_request", 0.7), column=("budget", 0.6)))
    assert (decision.fields["category"].value, decision.fields["category"].source) == ("on_request", "model")
    assert decision.fields["category"].confidence == 0.7
    assert (decision.fields["column"].value, decision.fields["column"].source) == ("budget", "model")
    assert decision.fields["exemption"].status == "not_applicable"  # not withheld


def test_a_model_sure_of_withheld_holds_back_a_rules_proactive() -> None:
    hits = [hit("p", category="proactive", column="normative_documents")]
    held = combine(hits, PRECEDENCE, "none", predicted(category=("withheld", 0.95), exemption=("third_party", 0.8)))
    field = held.fields["category"]
    assert (field.value, field.source) == ("withheld", "model")
    assert field.disagreement and "held back" in field.disagreement and field.confidence < 0.95
    assert held.fields["exemption"].value == "third_party"  # filled, since the document is now withheld
    kept = combine(hits, PRECEDENCE, "none", predicted(category=("withheld", 0.85)))
    assert kept.fields["category"].value == "proactive" and kept.fields["category"].disagreement  # flagged only


def test_a_confident_model_replaces_a_baseline_but_not_an_unsure_one() -> None:
    baseline = [hit("b", RuleMode.BASELINE, 0.5, column="other")]
    sure = combine(baseline, PRECEDENCE, "none", predicted(category=("on_request", 0.7), column=("fees", 0.7)))
    assert (sure.fields["column"].value, sure.fields["column"].source) == ("fees", "model")
    unsure = combine(baseline, PRECEDENCE, "none", predicted(category=("on_request", 0.7), column=("fees", 0.3)))
    assert (unsure.fields["column"].value, unsure.fields["column"].source) == ("other", "baseline")


def test_the_model_alone_makes_nothing_proactive_unless_very_sure() -> None:
    unsure = combine([], PRECEDENCE, "none", predicted(category=("proactive", 0.7)))
    assert unsure.fields["category"].value != Category.PROACTIVE
    sure = combine([], PRECEDENCE, "none", predicted(category=("proactive", DEFAULT_POLICY.proactive_at)))
    assert sure.fields["category"].value == Category.PROACTIVE


def test_the_stricter_secrecy_of_rule_and_model_wins_when_the_model_is_confident() -> None:
    rule = [hit("i", secrecy="internal"), hit("w", category="withheld", exemption="internal_affairs")]
    raised = combine(rule, PRECEDENCE, "none", predicted(secrecy=("secret", 0.7)))
    assert raised.fields["secrecy"].value == "secret" and raised.fields["secrecy"].source == "model"
    assert raised.fields["exemption"].value == "state_secret"  # consistency: a state secret, 第十四条
    assert raised.fields["secrecy"].disagreement
    unsure = predicted()
    unsure.fields["secrecy"] = FieldPrediction(CLASSES["secrecy"], tuple(
        {"none": 0.1, "internal": 0.6, "secret": 0.3}.get(c, 0.0) for c in CLASSES["secrecy"]))
    kept = combine(rule, PRECEDENCE, "none", unsure)  # P(stricter than internal) = 0.3
    assert kept.fields["secrecy"].value == "internal"
    # a model that thinks a rule's level too strict never lowers it
    lower = combine(rule, PRECEDENCE, "none", predicted(secrecy=("none", 0.99)))
    assert lower.fields["secrecy"].value == "internal" and lower.fields["secrecy"].disagreement


def test_over_the_baseline_a_smaller_chance_of_secrecy_raises_the_flag() -> None:
    baseline = [hit("n", RuleMode.BASELINE, 0.6, secrecy="none")]
    flagged = combine(baseline, PRECEDENCE, "none", predicted(secrecy=("internal", DEFAULT_POLICY.secrecy_flag_at)))
    assert flagged.fields["secrecy"].value == "internal"
    assert flagged.fields["category"].value == "withheld"  # internal ⇒ withheld
    calm = combine(baseline, PRECEDENCE, "none", predicted(secrecy=("none", 0.95)))
    assert calm.fields["secrecy"].value == "none" and calm.fields["secrecy"].source == "baseline"


def test_a_model_that_read_almost_nothing_decides_nothing(combined: Suggester) -> None:
    blind = Prediction(predicted(category=("proactive", 0.99)).fields, "test", words=2)
    decision = combine([], PRECEDENCE, "none", blind)
    assert decision.fields["category"].status == "undecided" and decision.fields["category"].model is not None
    out = combined.suggest(make_doc(id="empty", title="", body=""))
    assert out["suggestion"]["category"]["status"] == "undecided"
    assert out["needs_attention"] and "category: undecided" in out["attention"]


def test_the_marking_is_the_floor_whatever_the_model_says() -> None:
    decision = combine([], PRECEDENCE, "confidential", predicted(secrecy=("none", 0.99), category=("proactive", 0.99)))
    assert decision.fields["secrecy"].value == "confidential"
    assert decision.fields["category"].value == "withheld"


PROBABILITIES = {
    name: st.lists(st.floats(0.001, 1.0), min_size=len(classes), max_size=len(classes))
    for name, classes in CLASSES.items()
}
OUTCOMES = st.dictionaries(st.sampled_from(list(CLASSES)), st.none(), max_size=0) | st.fixed_dictionaries(
    {}, optional={name: st.sampled_from([c for c in classes]) for name, classes in CLASSES.items()})


@st.composite
def predictions(draw: Any) -> Prediction:
    fields = {}
    for name, classes in CLASSES.items():
        raw = draw(PROBABILITIES[name])
        total = sum(raw)
        fields[name] = FieldPrediction(classes, tuple(x / total for x in raw))
    return Prediction(fields, "generated", words=draw(st.integers(0, 50)))


@given(predictions(), st.lists(st.tuples(OUTCOMES, st.sampled_from(list(RuleMode))), max_size=5),
       st.sampled_from(list(Secrecy)))
@settings(max_examples=400, deadline=None)
def test_no_prediction_and_no_hits_make_a_marked_or_secret_document_proactive(
        prediction: Prediction, outcomes: list[tuple[dict[str, str], RuleMode]], marking: Secrecy) -> None:
    hits = [hit(f"r{i}", mode, **outcome) for i, (outcome, mode) in enumerate(outcomes)]
    decision = combine(hits, PRECEDENCE, marking.value, prediction)
    secrecy = decision.fields["secrecy"].value
    category = decision.fields["category"].value
    if marking is not Secrecy.NONE or (secrecy is not None and secrecy != Secrecy.NONE):
        assert category != Category.PROACTIVE
    if secrecy is not None and Secrecy(secrecy) in CLASSIFIED:
        assert (category, decision.fields["exemption"].value) == ("withheld", "state_secret")
    if marking is not Secrecy.NONE:  # the marking is a floor
        assert secrecy is not None and list(Secrecy).index(Secrecy(secrecy)) >= list(Secrecy).index(marking)


SENTENCES = [
    "现将《某市城市管理办法》印发给你们，请认真贯彻执行。", "此件公开发布。", "为进一步规范政府采购行为，",
    "根据《中华人民共和国政府信息公开条例》第十九条规定，", "本办法自印发之日起施行。", "特此通知。",
    "2024年全市地区生产总值增长5.2%。", "欢迎社会各界提出意见建议。", "请各区人民政府抓好落实。",
]
MARKS = {"internal": ["内部", "工作秘密", "内部资料 注意保存"], "confidential": ["秘密", "秘密★1年"],
         "secret": ["机密", "机密★10年"], "top_secret": ["绝密", "绝密★长期"]}


@given(st.sampled_from(sorted(MARKS)), st.data(), st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=8),
       st.sampled_from(["metadata", "header", "both"]),
       st.sampled_from(["关于印发某市城市管理办法的通知", "某市2024年国民经济和社会发展统计公报", "关于公开征求意见的公告", ""]))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_generated_marked_document_is_suggested_as_proactive(combined: Suggester, level: str, data: Any,
                                                                 sentences: list[str], where: str, title: str) -> None:
    mark = data.draw(st.sampled_from(MARKS[level]))
    body = "".join(sentences)
    if where in ("header", "both"):
        body = f"{mark}\n\n{title}\n\n{body}"
    doc = make_doc(title=title, body=body, secrecy_marking=mark if where in ("metadata", "both") else None)
    out = combined.suggest(doc)
    assert out["marking"] != "none", (mark, where)
    assert out["suggestion"]["category"]["value"] != "proactive"
    assert out["suggestion"]["secrecy"]["value"] != "none"
