"""Metrics of suggestions against reviewers' final labels.

An undecided field counts as wrong: it is shown as the predicted class "undecided". Macro F1 is the
mean over the classes present in the labels (a class nobody labelled has no recall to average).
The risky mistakes are counted on their own: a secret (or marked) document suggested as proactive,
and any withheld document suggested as proactive.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Mapping

from engine.decision import Decision
from engine.facts.document import Document, document_from_record
from engine.vocabulary import DECIDED_FIELDS, FIELD_VOCABULARY, Category, FieldStatus, Secrecy

UNDECIDED = FieldStatus.UNDECIDED.value  # an undecided field is shown as its status
NULL = "null"


class LabelError(ValueError):
    """A record whose labels cannot be compared."""


class NoLabels(LabelError):
    """A record without labels at all: a document to suggest for, not a decision to evaluate against."""


def read_labels(record: Mapping[str, Any]) -> dict[str, str]:
    """The four gold labels as strings (null → "null"); LabelError naming the field if invalid."""
    labels = record.get("labels")
    if labels is None:
        raise NoLabels("labels: missing")
    if not isinstance(labels, Mapping):
        raise LabelError("labels: not an object")
    out: dict[str, str] = {}
    for name in DECIDED_FIELDS:
        value = labels.get(name)
        if value is None:
            if name in ("category", "secrecy"):
                raise LabelError(f"labels.{name}: missing")
            out[name] = NULL
        elif value not in FIELD_VOCABULARY[name]:
            raise LabelError(f"labels.{name}: {value!r} is not one of {', '.join(FIELD_VOCABULARY[name])}")
        else:
            out[name] = str(value)
    return out


def read_labelled_record(record: Any) -> tuple[Document, dict[str, str]]:
    """The document and its gold labels; RecordError or LabelError saying what is wrong."""
    document = document_from_record(record)  # RecordError unless a JSON object
    return document, read_labels(record)


def metric(report: Mapping[str, Any], name: str) -> float | None:
    """One figure of report() by its dotted name (ManifestSpec thresholds): category.accuracy,
    category.withheld.recall, secrecy_flag.recall, violations.withheld_suggested_proactive. None when
    the data has no item of that class (a recall over nothing is not a measurement)."""
    parts = name.split(".")
    if parts[0] in DECIDED_FIELDS and len(parts) == 3:
        found = report[parts[0]]["per_class"].get(parts[1])
        return None if found is None else found[parts[2]]
    node: Any = report
    for part in parts:
        node = node[part]
    return node


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 4), round(recall, 4), round(f1, 4)


@dataclass
class FieldScore:
    pairs: list[tuple[str, str]] = field(default_factory=list)

    def report(self) -> dict[str, Any]:
        # Counted once per distinct (gold, predicted) pair, not once per class per pair: the accuracy
        # report runs this over 100k reviewed items.
        pair_counts = Counter(self.pairs)
        gold_counts: Counter[str] = Counter()
        predicted_counts: Counter[str] = Counter()
        confusion: dict[str, dict[str, int]] = defaultdict(dict)
        for (gold, pred), n in pair_counts.items():
            gold_counts[gold] += n
            predicted_counts[pred] += n
            confusion[gold][pred] = n
        per_class = {}
        for label in sorted(gold_counts):
            tp = pair_counts[(label, label)]
            fp = predicted_counts[label] - tp
            fn = gold_counts[label] - tp
            precision, recall, f1 = _prf(tp, fp, fn)
            per_class[label] = {"precision": precision, "recall": recall, "f1": f1, "support": gold_counts[label]}
        correct = sum(n for (g, p), n in pair_counts.items() if g == p)
        return {
            "accuracy": round(correct / len(self.pairs), 4) if self.pairs else 0.0,
            "macro_f1": round(sum(c["f1"] for c in per_class.values()) / len(per_class), 4) if per_class else 0.0,
            "per_class": per_class,
            "confusion": {g: dict(sorted(row.items())) for g, row in sorted(confusion.items())},
        }


@dataclass
class Evaluation:
    """Accumulates (labels, suggestion) pairs and reports the metrics of `gongkai evaluate`."""

    records: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    fields: dict[str, FieldScore] = field(default_factory=lambda: {n: FieldScore() for n in DECIDED_FIELDS})
    flag: Counter[str] = field(default_factory=Counter)
    secret_proactive: int = 0
    withheld_proactive: int = 0
    wrong: list[dict[str, Any]] = field(default_factory=list)

    def add(self, record_id: str, gold: Mapping[str, str], predicted: Mapping[str, str | None],
            statuses: Mapping[str, str], marked: bool) -> None:
        self.records += 1
        shown: dict[str, str] = {}
        for name in DECIDED_FIELDS:
            pred = UNDECIDED if statuses[name] == FieldStatus.UNDECIDED else (predicted[name] or NULL)
            shown[name] = pred
            self.fields[name].pairs.append((gold[name], pred))
        gold_flag = gold["secrecy"] != Secrecy.NONE
        pred_secrecy = shown["secrecy"]
        pred_flag = (not gold_flag) if pred_secrecy == UNDECIDED else pred_secrecy != Secrecy.NONE
        self.flag["tp" if gold_flag and pred_flag else "fn" if gold_flag else "fp" if pred_flag else "tn"] += 1
        if (gold_flag or marked) and shown["category"] == Category.PROACTIVE:
            self.secret_proactive += 1
        if gold["category"] == Category.WITHHELD and shown["category"] == Category.PROACTIVE:
            self.withheld_proactive += 1
        if any(gold[n] != shown[n] for n in DECIDED_FIELDS):
            self.wrong.append({"id": record_id, "gold": dict(gold), "suggested": shown})

    def add_decision(self, record_id: str, gold: Mapping[str, str], decision: Decision, marking_level: str) -> None:
        """add() for a decision as the suggester made it."""
        self.add(record_id, gold, {n: decision.fields[n].value for n in DECIDED_FIELDS},
                 {n: decision.fields[n].status for n in DECIDED_FIELDS}, marking_level != Secrecy.NONE)

    def skip(self, line: int, error: str) -> None:
        self.skipped.append({"line": line, "error": error})

    def merge(self, other: "Evaluation") -> None:
        """Add `other`'s records after this one's (engine/batch.py: a worker's chunk, merged in input
        order, leaves the very lists a single pass would have)."""
        self.records += other.records
        self.skipped += other.skipped
        for name in DECIDED_FIELDS:
            self.fields[name].pairs += other.fields[name].pairs
        self.flag.update(other.flag)
        self.secret_proactive += other.secret_proactive
        self.withheld_proactive += other.withheld_proactive
        self.wrong += other.wrong

    def report(self) -> dict[str, Any]:
        precision, recall, f1 = _prf(self.flag["tp"], self.flag["fp"], self.flag["fn"])
        out: dict[str, Any] = {"records": self.records, "skipped": self.skipped}
        for name in DECIDED_FIELDS:
            out[name] = self.fields[name].report()
        out["secrecy_flag"] = {"precision": precision, "recall": recall, "f1": f1}
        out["violations"] = {"secret_suggested_proactive": self.secret_proactive,
                             "withheld_suggested_proactive": self.withheld_proactive}
        return out
