"""Training: labelled records → terms → blocks and heads → a Model (deterministic for a seed).

Which documents each head learns from follows SCHEMA: exemption only from withheld records (it is
null otherwise), column only from records that are government information (null otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from engine.classifier.features import Terms
from engine.classifier.heads import Head, fit_linear, fit_temperature
from engine.classifier.model import HEAD_FIELDS, Model
from engine.classifier.segment import Segmenter
from engine.classifier.vectors import Block, matrix
from engine.decision import Decision
from engine.facts.derive import Facts
from engine.facts.document import Document
from engine.vocabulary import Category

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Params:
    C: float = 8.0
    min_df: int = 2
    meta_weight: float = 0.7
    calibration_folds: int = 3

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


DEFAULT_PARAMS = Params()


@dataclass
class Example:
    """One labelled record, read once: everything folds and heads need."""

    id: str
    document: Document
    facts: Facts
    decision: Decision  # the rules' decision alone
    terms: Terms
    gold: Mapping[str, str]  # SCHEMA labels as strings, "null" for null
    group: str
    provenance: str = ""
    weight: float = 1.0  # in fitting: a reviewer's decision may weigh more than a starter record (learn.py)


def head_subset(name: str, gold: Mapping[str, str]) -> bool:
    """Whether a record teaches the head of `name` (SCHEMA: null fields carry nothing to learn)."""
    if name == "exemption":
        return gold["category"] == Category.WITHHELD
    if name == "column":
        return gold["category"] != Category.NOT_GOVERNMENT_INFO and gold["column"] != "null"
    return True


def fit(examples: Sequence[Example], params: Params, seed: int, segmenter: Segmenter | None,
        progress: Progress | None = None) -> Model:
    say = progress or (lambda _: None)
    say("vocabulary")
    text = Block.fit([e.terms.text for e in examples], min_df=params.min_df, use_idf=True)
    meta = Block.fit([e.terms.meta for e in examples], min_df=params.min_df, use_idf=False, weight=params.meta_weight)
    blocks = (text, meta)
    X = matrix(blocks, [(e.terms.text, e.terms.meta) for e in examples])
    heads: dict[str, Head] = {}
    for name in HEAD_FIELDS:
        say(f"head {name}")
        rows = [i for i, e in enumerate(examples) if head_subset(name, e.gold)]
        y = [examples[i].gold[name] for i in rows]
        weights = [examples[i].weight for i in rows]
        uniform = all(w == 1.0 for w in weights)
        head = fit_linear(X[rows], y, C=params.C, seed=seed, weights=None if uniform else weights)
        head.field = name
        head.temperature = _temperature(X[rows], y, head.classes, params, seed, None if uniform else weights)
        heads[name] = head
    return Model(blocks, heads, {}, segmenter)


def _temperature(X, y: Sequence[str], classes: tuple[str, ...], params: Params, seed: int,  # type: ignore[no-untyped-def]
                 weights: Sequence[float] | None = None) -> float:
    """Fit the head's temperature on out-of-fold scores of its own training rows."""
    from sklearn.model_selection import KFold

    if len(classes) < 2 or len(y) < 2 * params.calibration_folds:
        return 1.0
    y_arr = np.asarray(y)
    scores = np.zeros((len(y), len(classes)), np.float64)
    folds = KFold(params.calibration_folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in folds.split(X):
        head = fit_linear(X[train_idx], y_arr[train_idx].tolist(), C=params.C, seed=seed,
                          weights=None if weights is None else [weights[i] for i in train_idx])
        fold_scores = head.score_matrix(X[test_idx])
        full = np.full((len(test_idx), len(classes)), np.nan)
        for j, cls in enumerate(head.classes):
            full[:, classes.index(cls)] = fold_scores[:, j]
        # a class absent from this fold's training part gets a score well below the others
        floor = np.nanmin(full, axis=1, keepdims=True) - 5.0
        scores[test_idx] = np.where(np.isnan(full), floor, full)
    gold = [classes.index(v) for v in y]
    return fit_temperature(scores, gold)


def cross_validate(examples: Sequence[Example], params: Params, seed: int, folds: int, segmenter: Segmenter | None,
                   evaluate_fold: Callable[[Model, Sequence[Example]], None], progress: Progress | None = None) -> int:
    """Grouped, stratified k-fold: fit on k-1 folds, hand the held-out fold to `evaluate_fold`.

    Stratified on the category so every fold sees every category; grouped so that near-duplicates
    and declared matter clusters stay on one side. Returns the number of folds run.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    say = progress or (lambda _: None)
    labels = [e.gold["category"] for e in examples]
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    n = 0
    for n, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(examples)), labels,
                                                             [e.group for e in examples]), 1):
        say(f"fold {n}/{folds}: fitting on {len(train_idx)}, testing on {len(test_idx)}")
        model = fit([examples[i] for i in train_idx], params, seed, segmenter)
        evaluate_fold(model, [examples[i] for i in test_idx])
    return n


def across_provenance(examples: Sequence[Example], params: Params, seed: int, segmenter: Segmenter | None,
                      evaluate_fold: Callable[[str, Model, Sequence[Example]], None],
                      progress: Progress | None = None) -> list[str]:
    """Train on every other provenance, test on one: a corpus written in another voice, elsewhere."""
    sources = sorted({e.provenance for e in examples})
    if len(sources) < 2:
        return []
    say = progress or (lambda _: None)
    for source in sources:
        say(f"across provenance: testing on {source}")
        model = fit([e for e in examples if e.provenance != source], params, seed, segmenter)
        evaluate_fold(source, model, [e for e in examples if e.provenance == source])
    return sources
