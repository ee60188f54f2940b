"""bench/replay_bench.py, the prequential replay of issue 19: its suggestions are the service's, its violations
are the ones that matter, and a --quick run replays, retrains and writes its figures."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from engine.classifier.build import default_segmenter
from engine.classifier.corpus import read_labelled
from engine.classifier.learn import Decided, content_key, examples_of
from engine.classifier.model import Model
from engine.paths import PROJECT_ROOT
from engine.suggest import Suggester
from engine.vocabulary import DECIDED_FIELDS


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("replay_bench", PROJECT_ROOT / "bench" / "replay_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["replay_bench"] = module
    spec.loader.exec_module(module)
    return module


def test_the_bench_suggests_what_the_service_suggests(bench: ModuleType, combined: Suggester, model: Model) -> None:
    """The bench combines the rules' hits computed once with each model's prediction; the service runs the
    whole Suggester. Same shown values on real documents, decided withheld, on request and proactive."""
    records, _ = read_labelled([PROJECT_ROOT / "data" / "real" / "records.jsonl"])
    chosen = [r for r in records if r.record["id"] in {"dc-0001", "dc-0002", "dc-0029", "la-0001", "lb-0050"}]
    assert len(chosen) == 5
    rules_only = Suggester(combined.book, "reference")
    examples = examples_of([Decided(r.record["id"], r.document, r.gold, "") for r in chosen], rules_only,
                           default_segmenter())
    for record, example in zip(chosen, examples, strict=True):
        _facts, decision = combined.run(record.document)
        assert bench.suggest(model, example, combined.book) == bench.shown(decision), record.record["id"]


def test_a_violation_is_a_closed_document_suggested_proactive(bench: ModuleType, combined: Suggester) -> None:
    records, _ = read_labelled([PROJECT_ROOT / "data" / "real" / "records.jsonl"])
    by_gold = {r.gold["category"]: r for r in records}
    suggested = dict.fromkeys(DECIDED_FIELDS, "null")
    rules_only = Suggester(combined.book, "reference")
    for category, record in by_gold.items():
        example = examples_of([Decided(record.record["id"], record.document, record.gold, "")], rules_only,
                              default_segmenter())[0]
        proactive = tuple({**suggested, "category": "proactive"}.values())
        withheld = tuple({**suggested, "category": "withheld"}.values())
        assert bench.violation(example, proactive) is (category == "withheld"), category
        assert bench.violation(example, withheld) is False
        secret = examples_of([Decided("s", record.document, {**record.gold, "secrecy": "internal"}, "")],
                             rules_only, default_segmenter())[0]
        assert bench.violation(secret, proactive) is True


@pytest.mark.slow  # fits three models
def test_a_quick_replay_retrains_and_reports(bench: ModuleType, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "replay.json"
    assert bench.main(["--quick", "--backend", "reference", "--ungated", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "la-0018 = lb-0099" in printed and "safety violations" in printed
    figures = json.loads(out.read_text(encoding="utf-8"))
    records, _ = read_labelled([PROJECT_ROOT / f for f in bench.STREAM])
    assert figures["stream"] == len(records) >= 227  # the real corpus grows (data/real/README.md)
    # The same page read by two collections, filed under two columns by two sites: found as one text.
    assert ["la-0018", "lb-0099"] in figures["exact_duplicates"]
    keys = {r.record["id"]: content_key(r.document) for r in records}
    for ids in figures["exact_duplicates"]:
        assert len({keys[i] for i in ids}) == 1
    assert len({content_key(r.document) for r in records}) == len(records) - sum(
        len(ids) - 1 for ids in figures["exact_duplicates"])
    windows = figures["windows"]
    assert [(w["from"], w["to"], w["trained_on"]) for w in windows] == [(1, 8, 0), (9, 16, 8), (17, 24, 16)]
    # Before the first retraining the learning model is the starter model: the same suggestions, the same rates.
    assert windows[0]["learning"] == windows[0]["baseline"]
    for w in windows:
        for who in ("learning", "baseline"):
            rates = w[who]
            assert rates["documents"] == 8 and 0 <= rates["category"] <= rates["any"] <= 1
    head = figures["headline"]
    assert head["late"]["learning"]["documents"] == 8 and head["first_window"]["learning"]["documents"] == 8
    assert head["violations"]["learning"] == sum(w["learning"]["violations"] for w in windows)
    for who in ("learning", "baseline"):
        late = head["late"][who]
        assert 0 <= late["withheld_on_request"] <= late["withheld_missed"] <= late["withheld"]


def test_the_replay_serves_a_retrained_model_only_through_the_registrys_gates(bench: ModuleType, combined: Suggester,
                                                                           model: Model) -> None:
    """As `gongkai model activate` does: a candidate that decides the category worse (its category head's classes
    rotated) is refused on the held-out decisions; the same weights under another id pass every gate."""
    import numpy as np

    from engine.classifier.heads import Head

    records, _ = read_labelled([PROJECT_ROOT / "data" / "real" / "dev.jsonl"])
    held = examples_of([Decided(r.record["id"], r.document, r.gold, "") for r in records[:40]],
                       combined, default_segmenter())
    h = model.heads["category"]
    rotated = Model(model.blocks, {**model.heads, "category": Head(h.field, h.classes, np.roll(h.coef, 1, axis=0),
                                                                    np.roll(h.intercept, 1), h.temperature)},
                    {**model.metadata, "model_id": "rotated"}, model.segmenter)
    twin = Model(model.blocks, model.heads, {**model.metadata, "model_id": "twin"}, model.segmenter)
    refused = bench.gate(model, rotated, held, combined.book)
    assert not bench.passed(refused)
    assert "category.macro_f1 must not fall" in [g["gate"] for g in refused if not g["passed"]]
    assert bench.passed(bench.gate(model, twin, held, combined.book))


def test_a_candidate_may_not_find_fewer_withheld_than_the_deployed_model(bench: ModuleType, combined: Suggester,
                                                                       model: Model) -> None:
    """Models replaced one after another may each lose a refusal too few to show: the deployed model is the anchor.
    A model in service that never says withheld lets its twin through its own gates, not the deployed model's."""
    import numpy as np

    from engine.classifier.heads import Head

    records, _ = read_labelled([PROJECT_ROOT / "data" / "real" / "dev.jsonl"])
    held = examples_of([Decided(r.record["id"], r.document, r.gold, "") for r in records], combined,
                       default_segmenter())
    h = model.heads["category"]
    never = np.array(h.intercept, copy=True)
    never[h.classes.index("withheld")] = -50.0

    def weak(name: str) -> Model:
        return Model(model.blocks, {**model.heads, "category": Head(h.field, h.classes, h.coef, never, h.temperature)},
                     {**model.metadata, "model_id": name}, model.segmenter)

    drifted, candidate = weak("drifted"), weak("candidate")
    against_drifted = bench.gate(drifted, candidate, held, combined.book)
    assert bench.passed(against_drifted)  # no worse than the drifted model in service
    anchored = bench.gate(drifted, candidate, held, combined.book, deployed=model)
    withheld = next(g for g in anchored if g["gate"] == "category.withheld.recall must not fall below the deployed "
                                                          "model's")
    assert withheld["found"]["active"] > withheld["found"]["candidate"]  # the deployed model finds more
    assert not withheld["passed"] and not bench.passed(anchored)
