"""Calibrated confidence (engine/calibrate.py, issue 19): the map's shape and its fit on small samples,
and, with the really trained model and maps really fitted on data/real/dev.jsonl, that calibration
changes what a person is shown and nothing the suggestion decides."""

from __future__ import annotations

import argparse
import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from engine.authoring.calibration import expected_calibration_error
from engine.calibrate import IDENTITY, MIN_POINTS, Calibrator, PlattMap, calibrator_of, fit_platt
from engine.classifier.build import fit_calibration
from engine.classifier.model import Model, load_model
from engine.cli import main
from engine.commands.model import calibrate_model
from engine.paths import PROJECT_ROOT
from engine.suggest import Suggester
from engine.vocabulary import DECIDED_FIELDS
from tests.conftest import make_doc

DEV = PROJECT_ROOT / "data" / "real" / "dev.jsonl"
GRID = [i / 200 for i in range(201)]


def _overconfident(n: int, seed: int) -> list[tuple[float, bool]]:
    """Raw confidences between 0.5 and 1 that promise too much: right with 0.5 + 0.4·(c − 0.5)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        c = rng.uniform(0.5, 1.0)
        out.append((c, rng.random() < 0.5 + 0.4 * (c - 0.5)))
    return out


@pytest.mark.parametrize("mapping", [PlattMap(), PlattMap(0.2, -0.6), PlattMap(2.05, 2.6), PlattMap(40.0, -3.0),
                                     fit_platt(_overconfident(80, 1)), fit_platt([(0.6, True)] * 83)])
def test_a_map_is_monotone_and_bounded(mapping: PlattMap) -> None:
    shown = [mapping(c) for c in GRID]
    assert all(0.0 <= s <= 1.0 for s in shown)
    assert all(a <= b for a, b in zip(shown, shown[1:], strict=False))
    if not mapping.is_identity:
        assert all(0.0 < s < 1.0 for s in shown)  # nothing shown as certain, nor as impossible


def test_too_few_points_keep_the_identity() -> None:
    few = [(0.6, True)] * (MIN_POINTS - 1)
    assert fit_platt(few).is_identity and fit_platt(few).points == MIN_POINTS - 1
    calibrator = Calibrator.fit({"secrecy": {"baseline": few}})
    assert [calibrator.map("secrecy", "baseline")(c) for c in GRID] == GRID  # exactly the raw figure
    assert calibrator.map("category", "model") is calibrator.map("secrecy", None)  # no map, no group: identity


def test_all_right_at_a_declared_point_six_is_shown_near_but_below_one() -> None:
    # the secrecy baseline on the real development part: 83 unmarked documents, none secret
    mapped = fit_platt([(0.6, True)] * 83)(0.6)
    assert 0.95 < mapped < 0.995


def test_fitting_on_an_overconfident_sample_lowers_ece_on_a_fresh_one() -> None:
    for n in (80, 200, 500):
        mapping = fit_platt(_overconfident(n, seed=n))
        fresh = _overconfident(4000, seed=10_000 + n)
        raw = expected_calibration_error(fresh)
        shown = expected_calibration_error([(mapping(c), right) for c, right in fresh])
        assert raw > 0.1 and shown < raw / 2, (n, raw, shown)


def test_a_calibrator_survives_its_dict_form() -> None:
    calibrator = Calibrator.fit({"category": {"rules": _overconfident(60, 2), "model": _overconfident(5, 3)}},
                                {"file": "x.jsonl", "records": 60})
    again = Calibrator.from_dict(json.loads(json.dumps(calibrator.as_dict())))
    assert again.as_dict() == calibrator.as_dict()
    assert again.maps["category"]["model"].is_identity and not again.maps["category"]["rules"].is_identity
    assert again.fitted_on == {"file": "x.jsonl", "records": 60}
    assert Calibrator.from_dict(None) is IDENTITY and calibrator_of(None) is IDENTITY


# -- with the real model and rules ------------------------------------------------------------------


@pytest.fixture(scope="module")
def calibrated(model: Model, combined: Suggester) -> Model:
    """The trained model with maps fitted on the real development part (a copy: the session's model
    keeps none)."""
    fitted = fit_calibration(model, combined, DEV)
    out = copy.copy(model)
    out.metadata = dict(model.metadata, calibration=fitted.as_dict())
    return out


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_maps_are_fitted_on_the_development_part_and_say_so(calibrated: Model) -> None:
    calibration = calibrated.metadata["calibration"]
    assert calibration["file"] == "data/real/dev.jsonl" and len(calibration["sha256"]) == 64
    assert calibration["records"] == len(_records(DEV))
    # every unmarked development document's secrecy is set by the baseline rule (declared 0.6)
    assert calibration["points"]["secrecy"]["baseline"] == calibration["records"]
    assert not calibrated.calibrator.map("secrecy", "baseline").is_identity


def test_calibration_changes_no_suggested_value_only_confidences(calibrated: Model, combined: Suggester) -> None:
    with_maps = copy.copy(combined)
    with_maps.model = calibrated
    changed = 0
    for record in _records(DEV):
        document = make_doc(**record)
        raw, shown = combined.suggest(document), with_maps.suggest(document)
        for name in DECIDED_FIELDS:
            a, b = raw["suggestion"][name], shown["suggestion"][name]
            assert {k: v for k, v in a.items() if k != "confidence"} == \
                {k: v for k, v in b.items() if k != "confidence"}
            assert a["confidence"] == a["raw_confidence"] == b["raw_confidence"]
            changed += a["confidence"] != b["confidence"]
        for key in ("secrecy_flag", "secrecy_signals", "needs_attention", "hits", "adjustments", "marking"):
            assert raw[key] == shown[key], key
        # the same reasons; only the figure in "the model suggests X (c)" may differ
        assert [r.rsplit(" (", 1)[0] for r in raw["attention"]] == [r.rsplit(" (", 1)[0] for r in shown["attention"]]
    assert changed > len(_records(DEV))  # the secrecy baseline alone changes on every record


def test_a_marked_documents_secrecy_confidence_is_not_calibrated(calibrated: Model, combined: Suggester) -> None:
    with_maps = copy.copy(combined)
    with_maps.model = calibrated
    body = "各县（市、区）人民政府：现将有关事项通知如下。一、加强组织领导。二、落实工作责任。"
    marked = with_maps.suggest(make_doc(title="关于做好储备粮轮换工作的通知", body=body, doc_type="通知",
                                        secrecy_marking="秘密"))
    secrecy = marked["suggestion"]["secrecy"]
    assert marked["marking"] == "confidential" and secrecy["value"] != "none"
    assert secrecy["confidence"] == secrecy["raw_confidence"]
    unmarked = with_maps.suggest(make_doc(title="关于做好储备粮轮换工作的通知", body=body, doc_type="通知"))
    assert unmarked["suggestion"]["secrecy"]["confidence"] != unmarked["suggestion"]["secrecy"]["raw_confidence"]


def test_a_document_that_reads_as_secret_is_never_shown_surer_it_is_not(calibrated: Model, combined: Suggester) -> None:
    """The baseline's 0.6 is shown near 0.99 on ordinary documents; not on one with a secrecy-risk cue (here a
    marking's form in the body, past the header) or a marking outside the metadata."""
    with_maps = copy.copy(combined)
    with_maps.model = calibrated
    for body in ("各县（市、区）人民政府：现将有关事项通知如下。一、加强组织领导。附件：机密★1年 部署方案。",
                 "各县（市、区）人民政府：本件仅限内部传阅，不得外传。现将有关事项通知如下。"):
        shown = with_maps.suggest(make_doc(title="关于做好储备粮轮换工作的通知", body=body, doc_type="通知"))
        assert shown["secrecy_signals"], body
        secrecy = shown["suggestion"]["secrecy"]
        assert secrecy["confidence"] <= secrecy["raw_confidence"], body


def test_a_saved_model_keeps_its_maps_and_an_older_one_loads_as_identity(calibrated: Model, model: Model,
                                                                          tmp_path: Path) -> None:
    calibrated.save(tmp_path / "with")
    loaded = load_model(tmp_path / "with")
    assert loaded.calibrator.as_dict() == calibrated.calibrator.as_dict()
    assert loaded.calibrator.map("secrecy", "baseline") == calibrated.calibrator.map("secrecy", "baseline")
    older = copy.copy(model)
    older.metadata = {k: v for k, v in model.metadata.items() if k != "calibration"}
    older.save(tmp_path / "older")
    assert load_model(tmp_path / "older").calibrator is IDENTITY


def test_train_calibrates_on_the_file_given_and_on_none_with_an_empty_name(model: Model, rulebook: Any) -> None:
    fresh = copy.copy(model)
    fresh.metadata = {k: v for k, v in model.metadata.items() if k != "calibration"}
    assert calibrate_model(argparse.Namespace(calibrate_on=""), fresh, rulebook, [])
    assert "calibration" not in fresh.metadata
    assert calibrate_model(argparse.Namespace(calibrate_on=str(DEV)), fresh, rulebook, [])
    assert fresh.metadata["calibration"]["records"] == len(_records(DEV))
    assert not calibrate_model(argparse.Namespace(calibrate_on=str(DEV.with_name("no-such.jsonl"))), fresh, rulebook, [])


def test_evaluate_reports_raw_calibrated_and_the_floor(calibrated: Model, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    calibrated.save(tmp_path / "model")
    assert main(["evaluate", str(DEV), "--model", str(tmp_path / "model"), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)["calibration"]
    for name in DECIDED_FIELDS:
        for rel in report[name].values():
            assert {"ece", "floor", "calibrated"} <= set(rel)
            assert rel["calibrated"]["count"] == rel["count"] and "floor" in rel["calibrated"]
            assert 0.0 <= rel["floor"] <= 1.0
    secrecy = report["secrecy"]["combined"]
    assert secrecy["ece"] > 0.3 and secrecy["calibrated"]["ece"] < 0.05  # in-sample: the fit's own data
    assert main(["evaluate", str(DEV), "--model", str(tmp_path / "model")]) == 0
    text = capsys.readouterr().out
    assert "floor" in text and f"  {'':<11}{'calibrated':<10}" in text
