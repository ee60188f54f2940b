"""Calibrated confidence: the figure a person is shown, per field and per decision source (issue 19).

A rule's confidence is declared by its author ("secrecy none" 0.6), the model's is its temperature-
scaled probability fitted on the starter corpus; on real documents neither means "right this often"
(the baseline rule is right 99 times in 100, the model's confident categories far less). A map per
field and per group turns the raw figure into a probability, fitted on labelled records the rules
and the model never saw (data/real/dev.jsonl by default, `gongkai train --calibrate-on`).

The map: Platt scaling on the logit, p = σ(a·logit(c) + b), fitted by maximum a posteriori with a
Gaussian prior centred on the identity (a ~ N(1, s²), b ~ N(0, s²)). Why this and not the others:
- two parameters, and a prior that pulls them to "leave the figure as it is": on 15–80 points it
  moves as far as the evidence carries and no further, where isotonic regression or fine histogram
  binning follow every accident of a small sample (and give the ties and steps a queue then sorts on);
- it is monotone (a > 0 is kept) and bounded in (0, 1): a higher raw confidence is never shown lower,
  so the order of the review queue inside a group is the raw order, and nothing is shown as certain;
- rule confidences sit on a few declared values (0.6, 0.83, 0.92): one curve over a field's rules
  keeps their order and lends strength across them, where per-value binning would fit each alone.
With the prior, 83 points all right at a raw 0.6 come out near 0.99, not 1.0.

Groups (engine/vocabulary.DecisionSource, and the status): the field decided by enforce `rules`, by a
`baseline` rule (兜底), by the `model`, or `not_applicable` (its confidence is the category's); `head`
is the model's own top probability, measured in `gongkai evaluate`'s model row but not shown as a
field's confidence. A group with fewer than MIN_POINTS labelled points keeps the identity.

What calibration never touches: which value is suggested, any secrecy signal or flag, the publication
guard, and combine's policy, which compares the raw numbers it always compared (engine/combine.py).
A marked document's secrecy comes from its marking (条例第十四条; 保守国家秘密法): it is right by law,
not by estimate, and its confidence is shown as it is. An undecided field promises nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Protocol

from engine.vocabulary import DecisionSource, FieldStatus, Secrecy

# Chosen by 5-fold cross-validation grouped by agency on the real development part only (the test part
# is never used to tune): a prior of spread 0.5–1.0 held the maps too close to the identity (secrecy's
# held-out ECE 0.04–0.10), 3.0–5.0 let them follow the sample (secrecy "none" shown at 0.997 on 83
# documents); 2.0 gave held-out ECE category 0.067, exemption 0.04–0.09, secrecy 0.013, column 0.12–0.16
# (raw: 0.080, 0.135, 0.400, 0.179). Between 10, 15 and 20 points the held-out figures differed by noise.
MIN_POINTS = 15  # below this a group keeps the identity: too few to say anything about it
PRIOR_SD = 2.0  # the prior's spread on slope and intercept, in logit units
_EDGE = 1e-4  # raw confidences are clipped to [_EDGE, 1 − _EDGE] before the logit

Pair = tuple[float, bool]  # (raw confidence, right)


class FieldDecision(Protocol):
    """What calibration reads of engine/decision.FieldDecision (a protocol: this module sits on the
    vocabulary's floor, below the decisions it calibrates)."""

    @property
    def status(self) -> str: ...

    @property
    def source(self) -> str: ...

    @property
    def confidence(self) -> float: ...


def _logit(c: float) -> float:
    c = min(max(c, _EDGE), 1.0 - _EDGE)
    return math.log(c / (1.0 - c))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


@dataclass(frozen=True)
class PlattMap:
    """p = σ(slope·logit(c) + intercept); the identity (1, 0) returns c itself, unrounded."""

    slope: float = 1.0
    intercept: float = 0.0
    points: int = 0

    @property
    def is_identity(self) -> bool:
        return self.slope == 1.0 and self.intercept == 0.0

    def __call__(self, confidence: float) -> float:
        if self.is_identity:
            return confidence
        # rounded as every confidence is, but never to 0 or 1: a fitted map is an estimate, not a certainty
        return min(max(round(_sigmoid(self.slope * _logit(confidence) + self.intercept), 4), _EDGE), 1.0 - _EDGE)

    def as_dict(self) -> dict[str, Any]:
        return {"slope": round(self.slope, 6), "intercept": round(self.intercept, 6), "points": self.points}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PlattMap":
        return cls(float(data["slope"]), float(data["intercept"]), int(data.get("points", 0)))


IDENTITY_MAP = PlattMap()


def _neg_log_posterior(data: list[tuple[float, float]], a: float, b: float, precision: float) -> float:
    total = 0.5 * precision * ((a - 1.0) ** 2 + b ** 2)
    for x, y in data:
        z = a * x + b
        # −log σ(z) for y = 1, −log(1 − σ(z)) for y = 0, in a form that does not overflow
        total += (max(z, 0.0) - z * y) + math.log1p(math.exp(-abs(z)))
    return total


def _newton_step(data: list[tuple[float, float]], a: float, b: float, precision: float) -> tuple[float, float]:
    """Newton's direction (Δa, Δb) for the negative log posterior at (a, b)."""
    ga, gb = precision * (a - 1.0), precision * b
    haa, hab, hbb = precision, 0.0, precision
    for x, y in data:
        p = _sigmoid(a * x + b)
        w = p * (1.0 - p)
        ga, gb = ga + (p - y) * x, gb + p - y
        haa, hab, hbb = haa + w * x * x, hab + w * x, hbb + w
    det = haa * hbb - hab * hab  # > 0: the prior makes the Hessian positive definite
    return (hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det


def fit_platt(pairs: Iterable[Pair], prior_sd: float = PRIOR_SD, min_points: int = MIN_POINTS) -> PlattMap:
    """The MAP Platt map of (raw confidence, right) pairs under the identity-centred prior; the
    identity with fewer than `min_points` pairs. Newton's method with step halving from the identity
    (the posterior is log-concave, so the step halving only guards against overshooting)."""
    data = [(_logit(c), 1.0 if right else 0.0) for c, right in pairs]
    if len(data) < min_points:
        return PlattMap(points=len(data))
    a, b, precision = 1.0, 0.0, 1.0 / prior_sd ** 2
    loss = _neg_log_posterior(data, a, b, precision)
    for _ in range(100):
        da, db = _newton_step(data, a, b, precision)
        step = 1.0
        while step > 1e-6:
            trial = _neg_log_posterior(data, a - step * da, b - step * db, precision)
            if trial <= loss:
                break
            step /= 2
        else:
            break
        a, b, loss = a - step * da, b - step * db, trial
        if abs(step * da) < 1e-9 and abs(step * db) < 1e-9:
            break
    # Monotone by construction: a slope at or below zero would show a surer raw figure as less sure.
    return PlattMap(max(a, 0.05), b, len(data))


def group_of(name: str, fd: FieldDecision, marking_level: str) -> str | None:
    """The calibration group of a field's decision; None when its confidence is shown as it is: an
    undecided field (it promises nothing) and a marked document's secrecy (the marking decides it)."""
    if fd.status == FieldStatus.UNDECIDED:
        return None
    if name == "secrecy" and marking_level not in (Secrecy.NONE, "", None):
        return None
    if fd.status == FieldStatus.NOT_APPLICABLE:
        return "not_applicable"
    if fd.source in (DecisionSource.RULES, DecisionSource.BASELINE, DecisionSource.MODEL):
        return str(fd.source)
    return None


@dataclass(frozen=True)
class Calibrator:
    """The maps by field and group, and what they were fitted on; without maps, the identity."""

    maps: Mapping[str, Mapping[str, PlattMap]] = field(default_factory=dict)
    fitted_on: Mapping[str, Any] = field(default_factory=dict)

    def map(self, name: str, group: str | None) -> PlattMap:
        if group is None:
            return IDENTITY_MAP
        return self.maps.get(name, {}).get(group, IDENTITY_MAP)

    def confidence(self, name: str, fd: FieldDecision, marking_level: str) -> float:
        """The calibrated confidence of a field's decision."""
        return self.map(name, group_of(name, fd, marking_level))(fd.confidence)

    @classmethod
    def fit(cls, points: Mapping[str, Mapping[str, list[Pair]]], fitted_on: Mapping[str, Any] | None = None,
            prior_sd: float = PRIOR_SD, min_points: int = MIN_POINTS) -> "Calibrator":
        """Maps fitted on labelled points by field and group (engine/authoring/calibration.points)."""
        maps = {name: {group: fit_platt(pairs, prior_sd, min_points) for group, pairs in by_group.items()}
                for name, by_group in points.items()}
        return cls(maps, dict(fitted_on or {}))

    def as_dict(self) -> dict[str, Any]:
        return {"method": "platt-map", "prior_sd": PRIOR_SD, "min_points": MIN_POINTS, **self.fitted_on,
                "maps": {name: {g: m.as_dict() for g, m in by_group.items()} for name, by_group in self.maps.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "Calibrator":
        """The calibrator stored in a model's metadata; the identity for a model that has none."""
        if not data:
            return IDENTITY
        maps = {name: {g: PlattMap.from_dict(m) for g, m in by_group.items()}
                for name, by_group in data.get("maps", {}).items()}
        return cls(maps, {k: v for k, v in data.items() if k not in ("maps", "method", "prior_sd", "min_points")})


IDENTITY = Calibrator()


def calibrator_of(model: Any) -> Calibrator:
    """The model's calibrator (engine/classifier/model.Model.calibrator); the identity for no model or
    one without maps."""
    found = getattr(model, "calibrator", None) if model is not None else None
    return found if isinstance(found, Calibrator) else IDENTITY
