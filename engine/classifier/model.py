"""The trained model: vocabulary blocks and four heads, its metadata, and its files.

On disk a model is a directory with two files, neither of them a pickle:

- model.npz: vocabularies, idf and weights as plain arrays (numpy.load with allow_pickle=False, so
  loading a model file cannot run code);
- metadata.json: what it was trained with and how good cross-validation found it.

Loading refuses a model trained under other versions of the libraries that shape its tokens and
weights (jieba, rjieba, scikit-learn, numpy, scipy): the same words must give the same terms, and a
silent change there would show only as worse suggestions.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from engine.calibrate import Calibrator
from engine.classifier.features import Terms, document_terms
from engine.classifier.heads import Head, softmax, softmax_rows
from engine.classifier.segment import Segmenter
from engine.classifier.vectors import Block, matrix, stack
from engine.facts.derive import Facts
from engine.prediction import FieldPrediction, Prediction

FORMAT = 1
HEAD_FIELDS = ("category", "exemption", "secrecy", "column")
PINNED_LIBRARIES = ("jieba", "rjieba", "scikit-learn", "numpy", "scipy")
TOP_TERMS = 5


class ModelError(RuntimeError):
    """A model directory that is missing, damaged or made for other library versions."""


def library_versions() -> dict[str, str]:
    out = {}
    for name in PINNED_LIBRARIES:
        try:
            out[name] = dist_version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


@dataclass
class Model:
    """Blocks + heads + metadata, and a segmenter to turn documents into terms."""

    blocks: tuple[Block, ...]
    heads: Mapping[str, Head]
    metadata: dict[str, Any] = field(default_factory=dict)
    segmenter: Segmenter | None = None

    @property
    def model_id(self) -> str:
        return str(self.metadata.get("model_id", "unsaved"))

    @property
    def calibrator(self) -> Calibrator:
        """The maps from raw to shown confidence (engine/calibrate.py), kept in the metadata's
        "calibration" by `gongkai train --calibrate-on`; the identity for a model without them."""
        stored = self.metadata.get("calibration")
        cached = getattr(self, "_calibrator", None)
        if cached is None or cached[0] is not stored:
            cached = (stored, Calibrator.from_dict(stored))
            self._calibrator = cached
        return cached[1]

    def terms(self, facts: Facts) -> Terms:
        assert self.segmenter is not None, "a model needs a segmenter to read documents"
        return document_terms(self.segmenter, facts)

    def __post_init__(self) -> None:
        # All heads' weights in one matrix: a document's columns are gathered once for the four.
        heads = list(self.heads.values())
        self._weights = np.asfortranarray(np.vstack([h.coef for h in heads]))
        self._intercepts = np.concatenate([h.intercept for h in heads])
        bounds = np.cumsum([0] + [len(h.classes) for h in heads])
        self._starts = bounds[:-1]
        self._rows = [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        self._temperatures = [h.temperature for h in heads]
        # One product gives every head's mean weights over its classes (for the explanations).
        self._averager = np.zeros((len(heads), len(self._intercepts)), np.float32)
        for h, rows in enumerate(self._rows):
            self._averager[h, rows] = 1.0 / (rows.stop - rows.start)
        self._names = [term for block in self.blocks for term in block.terms]

    def predict_terms(self, terms: Terms, top_terms: int = TOP_TERMS) -> Prediction:
        idx, vals = stack(self.blocks, (terms.text, terms.meta))
        words = int(np.count_nonzero(idx < len(self.blocks[0])))
        weights = self._weights[:, idx]  # every head's weights of this document's terms
        scores = weights @ vals + self._intercepts
        probabilities = [softmax(scores[rows] / t) for rows, t in zip(self._rows, self._temperatures, strict=True)]
        weighed: list[list[tuple[int, float]]] = [[] for _ in probabilities]
        if top_terms and len(idx):
            # What pushed each head's winning class up against the mean of that head's classes.
            winners = self._starts + np.array([int(np.argmax(p)) for p in probabilities])
            contribution = (weights[winners] - self._averager @ weights) * vals  # heads × the document's terms
            n = min(top_terms, len(idx))
            top = np.argpartition(-contribution, n - 1, axis=1)[:, :n]
            for h, columns in enumerate(top):
                ranked = columns[np.argsort(-contribution[h, columns])]
                weighed[h] = [(int(idx[c]), float(contribution[h, c])) for c in ranked if contribution[h, c] > 0]
        out = {
            name: FieldPrediction(head.classes, tuple(p.tolist()), tuple((self._names[col], w) for col, w in terms_))
            for (name, head), p, terms_ in zip(self.heads.items(), probabilities, weighed, strict=True)
        }
        return Prediction(out, self.model_id, words)

    def predict(self, facts: Facts) -> Prediction:
        return self.predict_terms(self.terms(facts))

    def predict_many(self, many: Sequence[Terms]) -> list[Prediction]:
        """predict_terms(terms, top_terms=0) of many documents in one sparse product: what a backtest
        over 100k decisions needs (the probabilities; no weightiest terms), at a fifth of the cost."""
        if not many:
            return []
        X = matrix(self.blocks, [(t.text, t.meta) for t in many])
        scores = np.asarray(X @ self._weights.T) + self._intercepts
        text_width = len(self.blocks[0])
        words = np.diff(X[:, :text_width].tocsr().indptr)  # as predict_terms: the text block's terms
        heads = [(name, head.classes, softmax_rows(scores[:, rows], t).tolist())
                 for (name, head), rows, t in zip(self.heads.items(), self._rows, self._temperatures, strict=True)]
        return [Prediction({name: FieldPrediction(classes, tuple(p[i])) for name, classes, p in heads},
                           self.model_id, n) for i, n in enumerate(words.tolist())]

    # -- files ---------------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {}
        for i, block in enumerate(self.blocks):
            arrays[f"block{i}_terms"] = np.array(block.terms, dtype=str)
            if block.idf is not None:
                arrays[f"block{i}_idf"] = block.idf
        for name, head in self.heads.items():
            arrays[f"{name}_classes"] = np.array(head.classes, dtype=str)
            arrays[f"{name}_coef"] = head.coef
            arrays[f"{name}_intercept"] = head.intercept
        tmp = directory / "model.npz.tmp"
        with tmp.open("wb") as fh:
            np.savez_compressed(fh, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds as allow_pickle's bool
        self.metadata["format"] = FORMAT
        self.metadata["blocks"] = [{"weight": b.weight, "idf": b.idf is not None, "size": len(b)} for b in self.blocks]
        self.metadata["temperatures"] = {name: head.temperature for name, head in self.heads.items()}
        tmp.replace(directory / "model.npz")
        meta_tmp = directory / "metadata.json.tmp"
        meta_tmp.write_text(json.dumps(self.metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        meta_tmp.replace(directory / "metadata.json")


def read_metadata(directory: Path) -> dict[str, Any]:
    path = directory / "metadata.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"no model in {directory} (metadata.json missing): run `gongkai train`") from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: unreadable ({exc}); run `gongkai train` to make a new model") from None


def check_versions(metadata: Mapping[str, Any]) -> None:
    if metadata.get("format") != FORMAT:
        raise ModelError(f"model format {metadata.get('format')!r}, this gongkai reads format {FORMAT}: "
                         "run `gongkai train`")
    trained, here = metadata.get("libraries", {}), library_versions()
    differing = [f"{name} {trained.get(name, '?')} (now {here[name]})" for name in PINNED_LIBRARIES
                 if trained.get(name) != here[name]]
    if differing:
        raise ModelError("the model was trained with other library versions: " + ", ".join(differing)
                         + "; its terms or weights would not mean the same here. Run `gongkai train`.")


def load_model(directory: Path, segmenter: Segmenter | None = None) -> Model:
    """Load and check a saved model; the segmenter is built from the dictionaries it was trained with."""
    started = time.perf_counter()
    metadata = read_metadata(directory)
    check_versions(metadata)
    try:
        with np.load(directory / "model.npz", allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (OSError, ValueError) as exc:
        raise ModelError(f"{directory / 'model.npz'}: unreadable ({exc}); run `gongkai train`") from None
    blocks = tuple(
        Block(tuple(arrays[f"block{i}_terms"].tolist()), arrays.get(f"block{i}_idf"), spec["weight"])
        for i, spec in enumerate(metadata["blocks"])
    )
    heads = {
        name: Head(name, tuple(arrays[f"{name}_classes"].tolist()), np.asfortranarray(arrays[f"{name}_coef"]),
                   arrays[f"{name}_intercept"], metadata["temperatures"][name])
        for name in HEAD_FIELDS
    }
    if segmenter is None:
        segmenter = segmenter_for(metadata)
    metadata["load_seconds"] = round(time.perf_counter() - started, 3)
    return Model(blocks, heads, metadata, segmenter)


def segmenter_for(metadata: Mapping[str, Any]) -> Segmenter:
    """The segmenter the model was trained with; refused if its dictionaries have changed since."""
    import hashlib

    from engine.paths import data_dir

    seg = metadata.get("segmenter", {})
    paths = {key: data_dir() / seg[key] for key in ("userdict", "places") if seg.get(key)}
    for key, path in paths.items():
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            raise ModelError(f"the model needs {path}: {exc.strerror}") from None
        if digest != seg.get(f"{key}_sha256"):
            raise ModelError(f"{path} has changed since the model was trained (its tokens would differ): "
                             "run `gongkai train`")
    if "userdict" not in paths:
        raise ModelError("the model's metadata names no user dictionary: run `gongkai train`")
    return Segmenter(paths["userdict"], paths.get("places"), seg.get("backend", "rjieba"))
