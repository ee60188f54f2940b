"""Is a confidence of 0.8 right four times in five? Reliability of the suggestions' confidence (issue 19).

A reviewer reads a field's confidence as a promise: the queue puts the uncertain first, the screens
show the figure. This measures the promise against labelled records, per field and per source:

- `combined`: the decision's confidence against whether the decided value is right (every field
  decided or not applicable; an undecided field promises nothing and is left out);
- `rules`: the same, for the fields the rules decided (enforce or baseline rules), their confidence;
- `model`: the model's top probability against whether its top class is right, for every record the
  model scored on which that field applies. The exemption and column heads are trained only where the
  field applies (a withheld document; government information), so they have no "null" class and are
  judged on the records whose gold value is not null.

Ten equal-width bins: count, mean confidence, accuracy. The expected calibration error is
ECE = Σ n_b/N · |acc_b − conf_b|; overconfidence is mean confidence − accuracy (above 0: promises
more than it keeps). Pure functions over (confidence, right) pairs, and an accumulator for
`gongkai evaluate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import random
from typing import Any, Iterable, Iterator, Mapping, Sequence

import numpy as np

from engine.authoring.evaluate import NULL
from engine.calibrate import IDENTITY, Calibrator, group_of
from engine.decision import Decision
from engine.vocabulary import DECIDED_FIELDS, DecisionSource, FieldStatus, Secrecy

BINS = 10
SOURCES = ("combined", "rules", "model")
RULE_SOURCES = frozenset({DecisionSource.RULES, DecisionSource.BASELINE})
FLOOR_DRAWS = 200  # simulated samples of a perfectly calibrated predictor (ece_floor)

Pair = tuple[float, bool]  # (confidence, right)


def bin_of(confidence: float, bins: int = BINS) -> int:
    """The equal-width bin of a confidence in [0, 1]; 1.0 falls in the last bin."""
    if not 0.0 <= confidence <= 1.0:
        raise ValueError(f"confidence {confidence!r} is not in [0, 1]")
    return min(int(confidence * bins), bins - 1)


def reliability_bins(pairs: Sequence[Pair], bins: int = BINS) -> list[dict[str, Any]]:
    """The non-empty bins: range, count, mean confidence, accuracy (the rows of a reliability table)."""
    grouped: list[list[Pair]] = [[] for _ in range(bins)]
    for confidence, right in pairs:
        grouped[bin_of(confidence, bins)].append((confidence, right))
    out = []
    for index, members in enumerate(grouped):
        if members:
            out.append({
                "low": round(index / bins, 4), "high": round((index + 1) / bins, 4), "count": len(members),
                "confidence": round(sum(c for c, _ in members) / len(members), 4),
                "accuracy": round(sum(r for _, r in members) / len(members), 4),
            })
    return out


def expected_calibration_error(pairs: Sequence[Pair], bins: int = BINS) -> float:
    """Σ n_b/N · |acc_b − conf_b| over equal-width bins; 0.0 for no pairs (computed unrounded).

    Examples:
        >>> expected_calibration_error([(0.9, True), (0.9, False)])
        0.4
        >>> expected_calibration_error([(0.75, True), (0.75, True), (0.75, True), (0.75, False)])
        0.0
    """
    if not pairs:
        return 0.0
    grouped: dict[int, list[Pair]] = {}
    for confidence, right in pairs:
        grouped.setdefault(bin_of(confidence, bins), []).append((confidence, right))
    total = 0.0
    for members in grouped.values():
        gap = sum(r for _, r in members) / len(members) - sum(c for c, _ in members) / len(members)
        total += len(members) / len(pairs) * abs(gap)
    return round(total, 4)


def overconfidence(pairs: Sequence[Pair]) -> float:
    """Mean confidence − accuracy: above 0 the confidence promises more than it keeps."""
    if not pairs:
        return 0.0
    return round(sum(c for c, _ in pairs) / len(pairs) - sum(r for _, r in pairs) / len(pairs), 4)


def reliability(pairs: Sequence[Pair], bins: int = BINS) -> dict[str, Any]:
    """One source of one field: count, ECE, overconfidence, mean confidence, accuracy and the bins."""
    n = len(pairs)
    return {
        "count": n,
        "ece": expected_calibration_error(pairs, bins),
        "overconfidence": overconfidence(pairs),
        "confidence": round(sum(c for c, _ in pairs) / n, 4) if n else 0.0,
        "accuracy": round(sum(r for _, r in pairs) / n, 4) if n else 0.0,
        "bins": reliability_bins(pairs, bins),
    }


def ece_floor(confidences: Sequence[float], bins: int = BINS, draws: int = FLOOR_DRAWS, seed: int = 0) -> float:
    """The ECE's sampling floor: the mean ECE of a perfectly calibrated predictor with these same
    confidences (right ~ Bernoulli(confidence)) over `draws` simulated samples of this size. An ECE near
    it is noise of a small sample, not miscalibration; 0.0 for no confidences.

    Examples:
        >>> ece_floor([1.0, 0.0, 1.0])
        0.0
        >>> 0.03 < ece_floor([0.7] * 84) < 0.06  # one bin; spread over several bins it is higher
        True
    """
    if not confidences:
        return 0.0
    # What `expected_calibration_error([(c, rng.random() < c) for c in confidences])` summed over the draws
    # gives, with the draws made at once: numpy's legacy generator takes Python's Mersenne Twister state, so
    # the numbers (and the sums, in the same order) are the same, 30x faster (evaluate's report is serial).
    # tests/engine/test_calibration_floor.py checks it against that loop.
    _, state, _ = random.Random(seed).getstate()
    generator = np.random.RandomState()
    generator.set_state(("MT19937", np.array(state[:-1], dtype=np.uint32), int(state[-1]), 0, 0.0))
    right = generator.random_sample((draws, len(confidences))) < np.asarray(confidences, dtype=float)
    members: dict[int, list[int]] = {}
    for i, c in enumerate(confidences):
        members.setdefault(bin_of(c, bins), []).append(i)
    n = len(confidences)
    means = {b: sum(confidences[i] for i in idx) / len(idx) for b, idx in members.items()}
    hits = {b: right[:, idx].sum(axis=1) for b, idx in members.items()}
    total = 0.0
    for d in range(draws):
        ece = 0.0
        for b, idx in members.items():
            ece += len(idx) / n * abs(int(hits[b][d]) / len(idx) - means[b])
        total += round(ece, 4)
    return round(total / draws, 4)


def points(gold: Mapping[str, str], decision: Decision, marking_level: str) -> Iterator[tuple[str, str, Pair]]:
    """(field, calibration group, (raw confidence, right)) of one labelled decision: what the maps of
    engine/calibrate.py are fitted on. The `head` group is the model's top class against the gold one,
    where the head has that class (see the module's doc); undecided fields and a marked document's
    secrecy have no group (engine/calibrate.group_of)."""
    for name in DECIDED_FIELDS:
        fd = decision.fields[name]
        group = group_of(name, fd, marking_level)
        if group is not None:
            yield name, group, (float(fd.confidence), (fd.value or NULL) == gold[name])
        model = fd.model
        if model is not None and gold[name] in model.classes:
            yield name, "head", (float(model.confidence), model.value == gold[name])


def points_by_group(labelled: Iterable[tuple[Mapping[str, str], Decision, str]]) -> dict[str, dict[str, list[Pair]]]:
    """points() of many (gold, decision, marking level), gathered by field and group."""
    out: dict[str, dict[str, list[Pair]]] = {name: {} for name in DECIDED_FIELDS}
    for gold, decision, marking_level in labelled:
        for name, group, pair in points(gold, decision, marking_level):
            out[name].setdefault(group, []).append(pair)
    return out


Triple = tuple[float, float, bool]  # (raw confidence, calibrated confidence, right)


@dataclass
class Calibration:
    """Accumulates (raw, calibrated, right) per field and source from decisions and gold labels; the
    calibrated figure is the one the suggestion shows (engine/calibrate.py; identity without maps)."""

    calibrator: Calibrator = IDENTITY
    triples: dict[str, dict[str, list[Triple]]] = field(
        default_factory=lambda: {name: {source: [] for source in SOURCES} for name in DECIDED_FIELDS})

    def add(self, gold: Mapping[str, str], decision: Decision, marking_level: str = Secrecy.NONE) -> None:
        for name in DECIDED_FIELDS:
            fd, by_source = decision.fields[name], self.triples[name]
            if fd.status != FieldStatus.UNDECIDED:
                right = (fd.value or NULL) == gold[name]
                triple = (float(fd.confidence), self.calibrator.confidence(name, fd, marking_level), right)
                by_source["combined"].append(triple)
                if fd.source in RULE_SOURCES:
                    by_source["rules"].append(triple)
            model = fd.model
            if model is not None and gold[name] in model.classes:
                raw = float(model.confidence)
                by_source["model"].append((raw, self.calibrator.map(name, "head")(raw), model.value == gold[name]))

    def merge(self, other: "Calibration") -> None:
        """Add `other`'s triples after this one's, in order (the sampling floor's draws follow the order);
        both were calibrated by the same model's maps (engine/batch.py's workers load the same model)."""
        for name, by_source in other.triples.items():
            for source, triples in by_source.items():
                self.triples[name][source] += triples

    @property
    def pairs(self) -> dict[str, dict[str, list[Pair]]]:
        """The raw (confidence, right) pairs by field and source."""
        return {name: {source: [(raw, right) for raw, _, right in triples] for source, triples in by_source.items()}
                for name, by_source in self.triples.items()}

    def report(self) -> dict[str, dict[str, dict[str, Any]]]:
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for name, by_source in self.triples.items():
            out[name] = {}
            for source, triples in by_source.items():
                raw = [(r, ok) for r, _, ok in triples]
                shown = [(c, ok) for _, c, ok in triples]
                out[name][source] = reliability(raw) | {
                    "floor": ece_floor([r for r, _ in raw]),
                    "calibrated": reliability(shown) | {"floor": ece_floor([c for c, _ in shown])}}
        return out


def _cells(bins: Sequence[Mapping[str, Any]]) -> str:
    return "  ".join(f"[{b['low']:.1f}] {b['count']} {b['confidence']:.2f}→{b['accuracy']:.2f}" for b in bins)


def render_reliability(report: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[str]:
    """The text of `gongkai evaluate`'s reliability table: a row per field and source with the raw
    confidence's ECE, overconfidence, its sampling floor and bins (count conf→acc), then, where the
    model's maps change it, the calibrated confidence's row (the figure the suggestion shows)."""
    lines = ["\nreliability (confidence against being right; ECE over 10 equal-width bins):",
             "  (floor: the mean ECE of a perfectly calibrated predictor with the same confidences on a sample "
             "this size; calibrated: the confidence shown, after the model's maps)",
             f"  {'field':<11}{'source':<10}{'n':>5}{'ECE':>8}{'over':>8}{'conf':>7}{'acc':>7}{'floor':>7}"
             "  bins: n conf→acc"]
    for name, by_source in report.items():
        for source, rel in by_source.items():
            if not rel["count"]:
                lines.append(f"  {name:<11}{source:<10}{0:>5}  (nothing to measure)")
                continue
            lines.append(f"  {name:<11}{source:<10}{rel['count']:>5}{rel['ece']:>8.3f}{rel['overconfidence']:>+8.3f}"
                         f"{rel['confidence']:>7.3f}{rel['accuracy']:>7.3f}{rel['floor']:>7.3f}  {_cells(rel['bins'])}")
            cal = rel.get("calibrated")
            if cal and cal["bins"] != rel["bins"]:
                lines.append(f"  {'':<11}{'calibrated':<10}{cal['count']:>5}{cal['ece']:>8.3f}"
                             f"{cal['overconfidence']:>+8.3f}{cal['confidence']:>7.3f}{cal['accuracy']:>7.3f}"
                             f"{cal['floor']:>7.3f}  {_cells(cal['bins'])}")
    return lines
