"""One linear head per suggested field: logistic regression, temperature-calibrated.

Probabilities: a softmax over the head's scores divided by a temperature fitted on out-of-fold
scores (Guo et al. 2017, "On calibration of modern neural networks"): one number per head, so it
cannot over-fit a corpus this small, and it keeps the ranking of the classes unchanged.

`balanced` class weights, because the costly mistakes are on the rare classes (secret levels,
exemptions other than process information): unweighted, the model would hardly ever say them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

TEMPERATURES = np.exp(np.linspace(np.log(0.05), np.log(5.0), 121))


@dataclass
class Head:
    """A fitted head: classes, weights (classes × features), intercepts, temperature."""

    field: str
    classes: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    temperature: float = 1.0

    def scores(self, idx: np.ndarray, vals: np.ndarray) -> np.ndarray:
        return self.coef[:, idx] @ vals + self.intercept

    def proba(self, idx: np.ndarray, vals: np.ndarray) -> np.ndarray:
        return softmax(self.scores(idx, vals) / self.temperature)

    def score_matrix(self, X) -> np.ndarray:  # type: ignore[no-untyped-def]
        """Scores of many rows at once (a sparse matrix), before the temperature."""
        return np.asarray(X @ self.coef.T) + self.intercept


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def softmax_rows(z: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = z / temperature
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def fit_linear(X, y: Sequence[str], *, C: float, seed: int,  # type: ignore[no-untyped-def]
               weights: Sequence[float] | None = None) -> Head:
    """Fit logistic regression; a two-class model becomes two rows so every head is a softmax. `weights`:
    one per row (a reviewer's decision may count more than a starter record: engine/classifier/learn.py)."""
    from sklearn.linear_model import LogisticRegression

    classes = sorted(set(y))
    if len(classes) == 1:  # nothing to learn: always that class
        width = X.shape[1]
        return Head("", (classes[0],), np.zeros((1, width), np.float32), np.zeros(1, np.float32))
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=seed)
    model.fit(X, list(y), sample_weight=None if weights is None else np.asarray(weights, np.float64))
    coef = model.coef_.astype(np.float32)
    intercept = model.intercept_.astype(np.float32)
    if len(classes) == 2:  # sigmoid(z) == softmax([0, z])
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.array([0.0, intercept[0]], np.float32)
    return Head("", tuple(str(c) for c in model.classes_), np.asfortranarray(coef), intercept)


def fit_temperature(scores: np.ndarray, gold: Sequence[int]) -> float:
    """The temperature minimising the negative log-likelihood of out-of-fold scores."""
    gold_idx = np.asarray(gold)
    best, best_nll = 1.0, np.inf
    for t in TEMPERATURES:
        p = softmax_rows(scores, t)
        nll = -np.mean(np.log(np.clip(p[np.arange(len(gold_idx)), gold_idx], 1e-12, 1.0)))
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best
