"""`gongkai train` end to end: read, group, prepare, cross-validate, fit, describe, save.

Cross-validation reports three suggestion sources on the same held-out folds, all scored by
engine/authoring/evaluate.py exactly as `gongkai evaluate` scores them:
- rules: the rules alone (note: the rules were written while reading the starter corpus, so on it
  they are in-sample and their figures are optimistic);
- model: the model alone (every field from the model, SCHEMA consistency applied);
- combined: rules and model as the service combines them (engine/combine.py).
When the corpus has several provenances (the two starter sets were written to different briefs),
the model is also trained on all but one and tested on that one: the nearest thing this corpus has
to documents "written in other voices about other places".
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import platform
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from engine import __version__
from engine.authoring.evaluate import Evaluation
from engine.calibrate import Calibrator
from engine.classifier.corpus import Problem, declared_clusters, groups, prepare, read_labelled
from engine.classifier.features import document_terms
from engine.classifier.model import HEAD_FIELDS, Model, library_versions
from engine.classifier.segment import Segmenter
from engine.classifier.train import DEFAULT_PARAMS, Example, Params, across_provenance, cross_validate, fit, head_subset
from engine.combine import DEFAULT_POLICY, Policy, combine
from engine.paths import data_dir
from engine.suggest import Suggester

USERDICT = "dict/userdict.txt"
PLACES = "dict/places.txt"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def default_segmenter(backend: str = "rjieba") -> Segmenter:
    return Segmenter(data_dir() / USERDICT, data_dir() / PLACES, backend)


class Scores:
    """Evaluations of the three sources, plus calibration (reliability) of each head."""

    SOURCES = ("rules", "model", "combined")

    def __init__(self) -> None:
        self.by_source = {name: Evaluation() for name in self.SOURCES}
        self.reliability: dict[str, list[tuple[float, bool]]] = {name: [] for name in HEAD_FIELDS}

    def add(self, model: Model, examples: Sequence[Example], book_precedence: Any, policy: Policy) -> None:
        for e in examples:
            prediction = model.predict_terms(e.terms, top_terms=0)
            marking = e.facts["marking_level"]
            decisions = {
                "rules": e.decision,
                "model": combine((), book_precedence, marking, prediction, policy),
                "combined": combine(e.decision.hits, book_precedence, marking, prediction, policy),
            }
            for name, decision in decisions.items():
                self.by_source[name].add_decision(e.id, e.gold, decision, marking)
            for name in HEAD_FIELDS:
                if head_subset(name, e.gold):
                    fp = prediction.fields[name]
                    self.reliability[name].append((fp.confidence, fp.value == e.gold[name]))

    def report(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: ev.report() for name, ev in self.by_source.items()}
        out["calibration"] = {name: calibration(pairs) for name, pairs in self.reliability.items()}
        return out


def calibration(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> dict[str, Any]:
    """Expected calibration error of the top-class probability, and the reliability table."""
    if not pairs:
        return {"ece": None, "bins": []}
    conf = np.array([c for c, _ in pairs])
    correct = np.array([ok for _, ok in pairs], dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    table, ece = [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            gap = abs(conf[mask].mean() - correct[mask].mean())
            ece += mask.mean() * gap
            table.append({"from": round(float(lo), 1), "to": round(float(hi), 1), "n": int(mask.sum()),
                          "confidence": round(float(conf[mask].mean()), 3), "accuracy": round(float(correct[mask].mean()), 3)})
    return {"ece": round(float(ece), 4), "accuracy": round(float(correct.mean()), 4), "bins": table}


def train_model(files: Sequence[Path], *, suggester: Suggester, folds: int = 5, seed: int = 0,
                params: Params = DEFAULT_PARAMS, policy: Policy = DEFAULT_POLICY,
                progress: Callable[[str], None] | None = None) -> tuple[Model, list[Problem]]:
    """A model fitted on `files`, with cross-validated figures in its metadata (folds=0: none)."""
    say = progress or (lambda _: None)
    started = time.perf_counter()
    records, problems = read_labelled(files)
    if not records:
        raise ValueError("no usable labelled record in " + ", ".join(map(str, files)))
    say(f"read {len(records)} labelled records ({len(problems)} not usable)")
    segmenter = default_segmenter()
    group_names = groups(records, declared_clusters(files))
    say(f"{len(set(group_names))} cross-validation groups (near-duplicates and declared clusters joined)")
    # Example.decision is the rules' alone, whether or not the suggester holds a model.
    examples = prepare(records, group_names, lambda doc: suggester.run(doc, rules_only=True),
                       lambda facts: document_terms(segmenter, facts),
                       lambda n, total: say(f"reading documents {n}/{total}") if n % 50 == 0 or n == total else None)
    precedence = suggester.book.precedence
    metrics: dict[str, Any] = {}
    if folds:
        scores = Scores()
        ran = cross_validate(examples, params, seed, folds, segmenter,
                             lambda model, test: scores.add(model, test, precedence, policy), say)
        metrics["cross_validation"] = {"folds": ran, "grouped": True, **scores.report()}
        per_source: dict[str, Scores] = {}

        def held_out(source: str, model: Model, test: Sequence[Example]) -> None:
            per_source.setdefault(source, Scores()).add(model, test, precedence, policy)

        across_provenance(examples, params, seed, segmenter, held_out, say)
        if per_source:
            metrics["across_provenance"] = {source: s.report() for source, s in per_source.items()}
    say(f"fitting the model on all {len(examples)} records")
    model = fit(examples, params, seed, segmenter)
    model.metadata = training_metadata(files, records, problems, examples, model, params, policy, seed, suggester, metrics,
                               time.perf_counter() - started)
    say(f"done in {time.perf_counter() - started:.1f} s")
    return model, problems


def fit_calibration(model: Model, suggester: Suggester, path: Path) -> Calibrator:
    """The confidence maps (engine/calibrate.py) fitted on the labelled records of `path`, as the
    trained `model` and the suggester's rules suggest them (both fixed by now): what `gongkai train
    --calibrate-on` stores in the model's metadata under "calibration", with the file's sha256 and the
    points per field and group. Records without usable labels are left out; ValueError when none is left."""
    from engine.authoring.calibration import points_by_group
    from engine.authoring.evaluate import LabelError, read_labelled_record
    from engine.authoring.records import read_jsonl
    from engine.facts.document import RecordError

    with_model = copy.copy(suggester)  # the same rules and backend, this model
    with_model.model = model
    labelled = []
    with path.open("rb") as stream:
        for line in read_jsonl(stream):
            try:
                document, gold = read_labelled_record(line.record)
            except (LabelError, RecordError):
                continue
            facts, decision = with_model.run(document)
            labelled.append((gold, decision, str(facts["marking_level"])))
    if not labelled:
        raise ValueError(f"{path}: no labelled record to calibrate on")
    points = points_by_group(labelled)
    fitted_on = {"file": _shown(path), "sha256": sha256(path), "records": len(labelled),
                 "points": {name: {g: len(pairs) for g, pairs in by_group.items()} for name, by_group in points.items()}}
    return Calibrator.fit(points, fitted_on)


def training_metadata(files: Sequence[Path], records: Sequence[Any], problems: Sequence[Problem], examples: Sequence[Example],
              model: Model, params: Params, policy: Policy, seed: int, suggester: Suggester,
              metrics: dict[str, Any], seconds: float) -> dict[str, Any]:
    data: list[dict[str, Any]] = [{"path": _shown(p), "sha256": sha256(p), "records": sum(1 for r in records if r.file == str(p))}
            for p in files]
    data_hash = hashlib.sha256("".join(d["sha256"] for d in data).encode()).hexdigest()
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return {
        "model_id": f"{now:%Y%m%dT%H%M%SZ}-{data_hash[:8]}",
        "trained_at": now.isoformat(),
        "training_seconds": round(seconds, 1),
        "engine_version": __version__,
        "python": platform.python_version(),
        "libraries": library_versions(),
        "seed": seed,
        "params": params.as_dict(),
        "policy": dict(policy.__dict__),
        "training_data": {"files": data, "sha256": data_hash, "records": len(records),
                          "not_usable": [str(p) for p in problems]},
        "segmenter": {"backend": "rjieba", "userdict": USERDICT, "userdict_sha256": sha256(data_dir() / USERDICT),
                      "places": PLACES, "places_sha256": sha256(data_dir() / PLACES)},
        "ruleset": {"name": suggester.book.name, "revision": suggester.book.revision},
        "labels": {name: list(model.heads[name].classes) for name in HEAD_FIELDS},
        "label_counts": {name: _counts(examples, name) for name in HEAD_FIELDS},
        "vocabulary": {"text": len(model.blocks[0]), "meta": len(model.blocks[1])},
        "metrics": metrics,
    }


def _counts(examples: Sequence[Example], name: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in examples:
        if head_subset(name, e.gold):
            counts[e.gold[name]] = counts.get(e.gold[name], 0) + 1
    return dict(sorted(counts.items()))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(data_dir().resolve().parent))
    except ValueError:
        return str(path)
