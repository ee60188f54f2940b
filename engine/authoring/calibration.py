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
from typing import Any, Mapping, Sequence

from engine.authoring.evaluate import NULL
from engine.decision import Decision
from engine.vocabulary import DECIDED_FIELDS, DecisionSource, FieldStatus

BINS = 10
SOURCES = ("combined", "rules", "model")
RULE_SOURCES = frozenset({DecisionSource.RULES, DecisionSource.BASELINE})

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


@dataclass
class Calibration:
    """Accumulates (confidence, right) pairs per field and source from decisions and gold labels."""

    pairs: dict[str, dict[str, list[Pair]]] = field(
        default_factory=lambda: {name: {source: [] for source in SOURCES} for name in DECIDED_FIELDS})

    def add(self, gold: Mapping[str, str], decision: Decision) -> None:
        for name in DECIDED_FIELDS:
            fd, by_source = decision.fields[name], self.pairs[name]
            if fd.status != FieldStatus.UNDECIDED:
                pair = (float(fd.confidence), (fd.value or NULL) == gold[name])
                by_source["combined"].append(pair)
                if fd.source in RULE_SOURCES:
                    by_source["rules"].append(pair)
            model = fd.model
            if model is not None and gold[name] in model.classes:
                by_source["model"].append((float(model.confidence), model.value == gold[name]))

    def report(self) -> dict[str, dict[str, dict[str, Any]]]:
        return {name: {source: reliability(pairs) for source, pairs in by_source.items()}
                for name, by_source in self.pairs.items()}


def render_reliability(report: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[str]:
    """The text of `gongkai evaluate`'s reliability table: a summary row per field and source, then
    its bins as count conf→acc."""
    lines = ["\nreliability (confidence against being right; ECE over 10 equal-width bins):",
             f"  {'field':<11}{'source':<10}{'n':>5}{'ECE':>8}{'over':>8}{'conf':>7}{'acc':>7}  bins: n conf→acc"]
    for name, by_source in report.items():
        for source, rel in by_source.items():
            if not rel["count"]:
                lines.append(f"  {name:<11}{source:<10}{0:>5}  (nothing to measure)")
                continue
            cells = "  ".join(f"[{b['low']:.1f}] {b['count']} {b['confidence']:.2f}→{b['accuracy']:.2f}"
                              for b in rel["bins"])
            lines.append(f"  {name:<11}{source:<10}{rel['count']:>5}{rel['ece']:>8.3f}{rel['overconfidence']:>+8.3f}"
                         f"{rel['confidence']:>7.3f}{rel['accuracy']:>7.3f}  {cells}")
    return lines
