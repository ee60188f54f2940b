"""Reliability of confidence (engine/authoring/calibration.py): the binning and ECE arithmetic on
hand-made sets whose answer is known, and the sources read off real decision values."""

from __future__ import annotations

import pytest

from engine.authoring.calibration import (
    Calibration,
    bin_of,
    expected_calibration_error,
    overconfidence,
    reliability,
    reliability_bins,
)
from engine.decision import Decision, FieldDecision
from engine.prediction import FieldPrediction
from engine.vocabulary import DecisionSource, FieldStatus


def _pairs(confidence: float, right: int, wrong: int) -> list[tuple[float, bool]]:
    return [(confidence, True)] * right + [(confidence, False)] * wrong


def test_a_perfectly_calibrated_set_has_ece_zero() -> None:
    pairs = _pairs(0.7, 7, 3) + _pairs(0.25, 1, 3) + _pairs(1.0, 5, 0) + _pairs(0.5, 2, 2)
    assert expected_calibration_error(pairs) == 0.0
    assert overconfidence(pairs) == 0.0


def test_always_ninety_percent_sure_and_right_half_the_time_has_ece_point_four() -> None:
    pairs = _pairs(0.9, 50, 50)
    assert expected_calibration_error(pairs) == pytest.approx(0.4)
    assert overconfidence(pairs) == pytest.approx(0.4)
    # the other way round: underconfident by as much, the same ECE, negative overconfidence
    under = _pairs(0.1, 50, 50)
    assert expected_calibration_error(under) == pytest.approx(0.4)
    assert overconfidence(under) == pytest.approx(-0.4)


def test_ece_weighs_each_bin_by_its_share_of_the_items() -> None:
    # 4 of 5 items in a perfect bin, 1 in a bin 0.8 off (conf 0.8, wrong): ECE = 1/5 · 0.8
    pairs = _pairs(0.25, 1, 3) + [(0.8, False)]
    assert expected_calibration_error(pairs) == pytest.approx(0.16)
    # within a bin the gaps cancel before the absolute value: 0.91 right and 0.99 wrong share bin 9
    assert expected_calibration_error([(0.91, True), (0.99, False)]) == pytest.approx(abs(0.5 - 0.95))


def test_bins_are_equal_width_and_only_the_nonempty_are_listed() -> None:
    assert [bin_of(c) for c in (0.0, 0.09, 0.1, 0.55, 0.99, 1.0)] == [0, 0, 1, 5, 9, 9]
    rows = reliability_bins(_pairs(0.95, 3, 1) + _pairs(1.0, 4, 0) + _pairs(0.15, 0, 2))
    assert rows == [
        {"low": 0.1, "high": 0.2, "count": 2, "confidence": 0.15, "accuracy": 0.0},
        {"low": 0.9, "high": 1.0, "count": 8, "confidence": 0.975, "accuracy": 0.875},
    ]
    with pytest.raises(ValueError, match="1.2 is not in"):
        bin_of(1.2)


def test_reliability_of_nothing_is_an_empty_measurement() -> None:
    assert reliability([]) == {"count": 0, "ece": 0.0, "overconfidence": 0.0, "confidence": 0.0,
                               "accuracy": 0.0, "bins": []}


def _decision(**fields: FieldDecision) -> Decision:
    return Decision(fields, ())


CATEGORY_MODEL = FieldPrediction(("not_government_info", "on_request", "proactive", "withheld"), (0.1, 0.1, 0.7, 0.1))
EXEMPTION_MODEL = FieldPrediction(("internal_affairs", "process_info"), (0.4, 0.6))


def test_sources_combined_rules_and_model_from_decisions() -> None:
    calibration = Calibration()
    decided_by_rules = _decision(
        category=FieldDecision("proactive", FieldStatus.DECIDED, 0.9, ("r1",), source=DecisionSource.RULES,
                               model=CATEGORY_MODEL),
        exemption=FieldDecision(None, FieldStatus.NOT_APPLICABLE, 0.9, source=DecisionSource.NONE,
                                model=EXEMPTION_MODEL),
        secrecy=FieldDecision("none", FieldStatus.DECIDED, 0.6, source=DecisionSource.BASELINE),
        column=FieldDecision(None, FieldStatus.UNDECIDED, 0.0, source=DecisionSource.NONE),
    )
    calibration.add({"category": "withheld", "exemption": "process_info", "secrecy": "none", "column": "null"},
                    decided_by_rules)
    by_model = _decision(
        category=FieldDecision("proactive", FieldStatus.DECIDED, 0.7, source=DecisionSource.MODEL,
                               model=CATEGORY_MODEL),
        exemption=FieldDecision(None, FieldStatus.NOT_APPLICABLE, 0.7, source=DecisionSource.NONE,
                                model=EXEMPTION_MODEL),
        secrecy=FieldDecision("none", FieldStatus.DECIDED, 0.6, source=DecisionSource.BASELINE),
        column=FieldDecision("budget", FieldStatus.DECIDED, 0.8, source=DecisionSource.RULES),
    )
    calibration.add({"category": "proactive", "exemption": "null", "secrecy": "none", "column": "budget"}, by_model)
    pairs = calibration.pairs
    assert pairs["category"] == {"combined": [(0.9, False), (0.7, True)], "rules": [(0.9, False)],
                                 "model": [(0.7, False), (0.7, True)]}
    # not applicable is a decision (null) as sure as the category; the exemption head has no null
    # class, so the model is judged only where the gold exemption is a real one
    assert pairs["exemption"] == {"combined": [(0.9, False), (0.7, True)], "rules": [], "model": [(0.6, True)]}
    assert pairs["secrecy"] == {"combined": [(0.6, True), (0.6, True)], "rules": [(0.6, True), (0.6, True)],
                                "model": []}
    # an undecided field promises nothing: it is left out
    assert pairs["column"] == {"combined": [(0.8, True)], "rules": [(0.8, True)], "model": []}
    report = calibration.report()
    assert report["secrecy"]["rules"]["ece"] == pytest.approx(0.4)
    assert report["category"]["combined"]["overconfidence"] == pytest.approx(0.3)
