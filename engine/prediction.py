"""The model's output for one document, as the pure core sees it (no numpy, no scikit-learn)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping


@dataclass(frozen=True)
class FieldPrediction:
    """The model's view of one field: a calibrated probability per class, and the terms that weighed most."""

    classes: tuple[str, ...]
    probabilities: tuple[float, ...]
    terms: tuple[tuple[str, float], ...] = ()

    @cached_property
    def value(self) -> str:
        return self.classes[max(range(len(self.classes)), key=self.probabilities.__getitem__)]

    @cached_property
    def confidence(self) -> float:
        return max(self.probabilities)

    def p(self, cls: str) -> float:
        return self.probabilities[self.classes.index(cls)] if cls in self.classes else 0.0

    def best_of(self, allowed: set[str] | frozenset[str]) -> tuple[str | None, float]:
        """The most probable class among `allowed`, with the probability mass of all of them."""
        pairs = [(c, p) for c, p in zip(self.classes, self.probabilities, strict=True) if c in allowed]
        if not pairs:
            return None, 0.0
        return max(pairs, key=lambda cp: cp[1])[0], sum(p for _, p in pairs)

    def as_dict(self) -> dict[str, Any]:
        shown = sorted(((c, p) for c, p in zip(self.classes, self.probabilities, strict=True) if p >= 0.005),
                       key=lambda cp: -cp[1])
        return {
            "value": self.value, "probability": round(self.confidence, 4),
            "probabilities": {c: round(p, 4) for c, p in shown},
            "terms": [{"term": t, "weight": round(w, 4)} for t, w in self.terms],
        }


@dataclass(frozen=True)
class Prediction:
    fields: Mapping[str, FieldPrediction]
    model_id: str
    words: int = 0  # distinct words of the text the model knows: how much it actually read
