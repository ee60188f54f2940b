"""Learning from reviewers (engine/classifier/learn.py, issue 19), on the real starter corpus and rules and real
decisions of data/real: the order and deduplication of decisions, the forward hold-out, the starter prior giving
way to a decision on the same text, the weight of a decision, and what `gongkai train --from-database` records."""

from __future__ import annotations

import dataclasses
from typing import Any, Iterator, Sequence

import pytest

from engine.classifier import learn as learn_module
from engine.classifier.build import default_segmenter
from engine.classifier.corpus import read_labelled
from engine.classifier.learn import (Decided, content_key, deduplicated, examples_of, forward_split, learn,
                                     learn_from_decisions, prior_examples)
from engine.classifier.model import Model
from engine.classifier.segment import Segmenter
from engine.classifier.train import Example
from engine.paths import PROJECT_ROOT
from engine.rules.loader import load_rulebook
from engine.suggest import Suggester

STARTER = PROJECT_ROOT / "data" / "training" / "records.jsonl"
REAL = PROJECT_ROOT / "data" / "real" / "records.jsonl"
# Real requests answered "disclosed on request" (依申请公开): land taking and compensation records. The starter
# model gives the hearing minutes of a land taking (dc-0029) almost no chance of on_request (3e-5); these five
# decisions teach it.
TAUGHT = ("dc-0004", "dc-0017", "dc-0021", "dc-0022", "dc-0028")
SIMILAR = "dc-0029"


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> Iterator[None]:
    """The fits on one BLAS thread: small L-BFGS problems, 7 times slower when the libraries' threads fight
    over a busy machine's cores (bench/replay_bench.py). scikit-learn first, or the limit misses its libraries."""
    import sklearn.linear_model  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    return Suggester(load_rulebook(PROJECT_ROOT / "rules"), "reference")


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return default_segmenter()


@pytest.fixture(scope="module")
def prior(suggester: Suggester, segmenter: Segmenter) -> list[Example]:
    _records, examples = prior_examples([STARTER], suggester, segmenter)
    return examples


@pytest.fixture(scope="module")
def real() -> dict[str, Decided]:
    """The real records as decisions, at times in file order."""
    records, problems = read_labelled([REAL])
    assert not problems
    return {r.record["id"]: Decided(r.record["id"], r.document, r.gold, f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}Z")
            for n, r in enumerate(records)}


def _at(decided: Decided, at: str, **gold: str) -> Decided:
    return dataclasses.replace(decided, at=at, gold={**decided.gold, **gold})


def test_deduplicated_keeps_the_latest_decision_per_text_in_time_order(real: dict[str, Decided]) -> None:
    a, b, c = real["la-0001"], real["la-0002"], real["dc-0029"]
    spaced = dataclasses.replace(a.document, id="pushed-again", title=" ".join(a.document.title),
                                 body=a.document.body + "\n\n")
    again = Decided("pushed-again", spaced, {**a.gold, "column": "other"}, "2026-03-01T00:00:00Z")
    stream = [_at(c, "2026-02-01T00:00:00Z"), _at(a, "2026-01-01T00:00:00Z"), again, _at(b, "2026-01-15T00:00:00Z")]
    kept, replaced = deduplicated(stream)
    # The same text (white space aside) under another id is one document: its later decision wins, in its place.
    assert content_key(again.document) == content_key(a.document)
    assert [d.id for d in kept] == ["la-0002", "dc-0029", "pushed-again"]
    assert kept[-1].gold["column"] == "other" and replaced == 1
    # A decision changed later on the very same record replaces the earlier one too.
    kept, replaced = deduplicated([_at(c, "2026-02-02T00:00:00Z", category="withheld"), _at(c, "2026-02-01T00:00:00Z")])
    assert [(d.at, d.gold["category"]) for d in kept] == [("2026-02-02T00:00:00Z", "withheld")] and replaced == 1


def test_forward_split_keeps_the_latest_share_out(real: dict[str, Decided]) -> None:
    ordered, _ = deduplicated(real.values())
    learn_from, test_on = forward_split(ordered, 0.2)
    assert len(test_on) == round(len(ordered) * 0.2) and learn_from + test_on == ordered
    assert max(d.at for d in learn_from) < min(d.at for d in test_on)
    assert forward_split(ordered, 0.0) == (ordered, [])
    for holdout in (-0.1, 1.0, 1.5):
        with pytest.raises(ValueError, match="must be at least 0 and below 1"):
            forward_split(ordered, holdout)


def test_a_starter_record_with_the_text_of_a_decision_gives_way(prior: list[Example], suggester: Suggester,
                                                               segmenter: Segmenter,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    starter = prior[0]
    decided = examples_of([Decided("decision-1", starter.document, {**starter.gold, "column": "other"}, "t")],
                          suggester, segmenter)
    fitted: list[Sequence[Example]] = []

    def fit(examples: Sequence[Example], *_: Any) -> str:
        fitted.append(examples)
        return "model"

    monkeypatch.setattr(learn_module, "fit", fit)
    learn(prior, decided)
    ids = [e.id for e in fitted[0]]
    assert starter.id not in ids and "decision-1" in ids and len(ids) == len(prior)
    learn(prior, [])
    assert [e.id for e in fitted[1]] == [e.id for e in prior]


def _p(model: Model, example: Example, category: str) -> float:
    return model.predict_terms(example.terms, top_terms=0).fields["category"].p(category)


@pytest.mark.slow  # fits two models
def test_a_heavier_decision_moves_the_model_more(prior: list[Example], real: dict[str, Decided],
                                                 suggester: Suggester, segmenter: Segmenter) -> None:
    target = examples_of([real[SIMILAR]], suggester, segmenter)[0]
    assert target.gold["category"] == "on_request"
    taught = [real[i] for i in TAUGHT]
    light = learn(prior, examples_of(taught, suggester, segmenter, 1.0), segmenter=segmenter)
    heavy = learn(prior, examples_of(taught, suggester, segmenter, 4.0), segmenter=segmenter)
    # Measured: starter alone 0.00003, weight 1 about 0.045, weight 4 about 0.17.
    assert 0.01 < _p(light, target, "on_request") < _p(heavy, target, "on_request") / 2


@pytest.fixture(scope="module")
def decisions(real: dict[str, Decided]) -> list[Decided]:
    """Twenty real decisions, one of them pushed again later under another id: 20 distinct texts."""
    texts: dict[str, Decided] = {}
    for i in sorted(real)[::8]:
        texts.setdefault(content_key(real[i].document), real[i])
    chosen = sorted(texts.values(), key=lambda d: d.at)[:20]
    return [*chosen, dataclasses.replace(chosen[3], id="pushed-again", at="2026-06-01T00:00:00Z")]


@pytest.fixture(scope="module")
def learnt(decisions: list[Decided], suggester: Suggester) -> learn_module.Learnt:
    return learn_from_decisions([STARTER], decisions, suggester=suggester, holdout=0.2, source="test")


@pytest.mark.slow  # fits two models (the learnt one and the prior alone, its baseline)
def test_learning_from_decisions_records_what_it_learnt_from(learnt: learn_module.Learnt,
                                                             decisions: list[Decided]) -> None:
    kept, _ = deduplicated(decisions)
    assert (learnt.decisions, learnt.duplicates, learnt.learnt_from, learnt.held_out) == (20, 1, 16, 4)
    meta = learnt.model.metadata
    said = meta["training_data"]["decisions"]
    assert said["learnt_from"] == 16 and said["held_out"] == 4 and said["duplicates"] == 1
    assert said["trained_until"] == kept[15].at and said["held_out_from"] == kept[16].at
    assert said["source"] == "test" and said["weight"] == learn_module.DECISION_WEIGHT
    assert meta["metrics"]["forward"]["decisions"] == 4 and meta["metrics"]["prior_only"]["decisions"] == 4
    assert meta["training_data"]["records"] == 440


@pytest.mark.slow  # fits four models
def test_the_model_id_changes_when_a_decision_changes(learnt: learn_module.Learnt, decisions: list[Decided],
                                                      suggester: Suggester) -> None:
    kept, _ = deduplicated(decisions)
    first = next(d for d in kept if d.gold["column"] != "null")  # a decision on a column, learnt from
    assert kept.index(first) < 16
    other = "budget" if first.gold["column"] != "budget" else "other"
    changed = [dataclasses.replace(d, gold={**d.gold, "column": other}) if d is first else d for d in decisions]
    again = learn_from_decisions([STARTER], changed, suggester=suggester, holdout=0.2, source="test")
    before, after = learnt.model.model_id.rsplit("-", 1)[1], again.model.model_id.rsplit("-", 1)[1]
    assert before != after
    # The starter data are the same: only the decision changed the id.
    assert learnt.model.metadata["training_data"]["sha256"] == again.model.metadata["training_data"]["sha256"]
    assert (again.learnt_from, again.held_out) == (learnt.learnt_from, learnt.held_out)

