"""How much the suggestions change when the text is damaged (issue 19): the same labelled records,
clean and perturbed (engine/authoring/perturb.py), scored with `gongkai evaluate`'s own metrics.

Issue 19's target is that each damage moves the category macro-F1 by less than 0.03. The figures are
those of engine/authoring/evaluate.py (read_labels, FieldScore): an undecided field counts as wrong,
and macro-F1 averages over the classes present in the labels, so a clean run here and `gongkai
evaluate` on the same file agree.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from engine.authoring.evaluate import NULL, UNDECIDED, FieldScore, LabelError, read_labels
from engine.authoring.perturb import Perturbation
from engine.decision import Decision
from engine.facts.document import RecordError, document_from_record
from engine.suggest import Suggester
from engine.vocabulary import DECIDED_FIELDS, FieldStatus

# A suggester as robustness() sees it: a record in, each decided field's value as evaluate shows it
# out ("undecided" for an undecided field, "null" for a field decided empty).
SuggestFn = Callable[[Mapping[str, Any]], Mapping[str, str]]
FIELDS = ("category", "column")
CLEAN = "clean"
TARGET = 0.03  # issue 19: the largest change of the category macro-F1 any one damage may make


def shown(decision: Decision) -> dict[str, str]:
    """Each decided field as `gongkai evaluate` counts it (Evaluation.add)."""
    return {name: UNDECIDED if decision.fields[name].status == FieldStatus.UNDECIDED
            else (decision.fields[name].value or NULL) for name in DECIDED_FIELDS}


def suggester_fn(suggester: Suggester) -> SuggestFn:
    """The real suggester (rules, and the model if it has one) as a SuggestFn."""
    def suggest(record: Mapping[str, Any]) -> dict[str, str]:
        return shown(suggester.run(document_from_record(record))[1])

    return suggest


def score(records: Iterable[Mapping[str, Any]], suggest_fn: SuggestFn, perturb: Perturbation | None = None,
          fields: tuple[str, ...] = FIELDS) -> dict[str, Any]:
    """Macro-F1 and accuracy of each field over the labelled records, each perturbed first if
    `perturb` is given. The gold labels are read from the record as given (a perturbation keeps them);
    a record without valid labels is counted as skipped, not scored."""
    scores = {name: FieldScore() for name in fields}
    scored = skipped = 0
    for record in records:
        try:
            gold = read_labels(record)
        except LabelError:
            skipped += 1
            continue
        try:
            predicted = suggest_fn(perturb(record) if perturb is not None else record)
        except RecordError:
            skipped += 1
            continue
        scored += 1
        for name in fields:
            scores[name].pairs.append((gold[name], predicted.get(name) or NULL))
    out: dict[str, Any] = {"records": scored, "skipped": skipped}
    for name in fields:
        report = scores[name].report()
        out[name] = {"macro_f1": report["macro_f1"], "accuracy": report["accuracy"]}
    return out


def robustness(records: Iterable[Mapping[str, Any]], suggest_fn: SuggestFn,
               perturbations: Mapping[str, Perturbation], fields: tuple[str, ...] = FIELDS) -> dict[str, Any]:
    """The clean scores, then per perturbation its scores and their change from the clean run
    (`delta_macro_f1`, `delta_accuracy`: perturbed − clean, so a loss is negative) and whether the
    category macro-F1 moved by less than the target."""
    records = list(records)
    clean = score(records, suggest_fn, None, fields)
    out: dict[str, Any] = {CLEAN: clean, "perturbed": {}}
    for name, perturb in perturbations.items():
        result = score(records, suggest_fn, perturb, fields)
        for field_name in fields:
            now, before = result[field_name], clean[field_name]
            now["delta_macro_f1"] = round(now["macro_f1"] - before["macro_f1"], 4)
            now["delta_accuracy"] = round(now["accuracy"] - before["accuracy"], 4)
        if "category" in fields:
            result["within_target"] = abs(result["category"]["delta_macro_f1"]) < TARGET
        out["perturbed"][name] = result
    return out
