"""Term weighting for one document at a time, without scikit-learn's per-call overhead.

scikit-learn's TfidfVectorizer fits the vocabulary and idf; a Block then reproduces its transform
(sublinear tf × smoothed idf, l2 norm) for a single document in a few dozen microseconds, where the
vectoriser itself costs a fraction of a millisecond in validation and sparse-matrix building. A test
checks that both give the same vectors over the training corpus.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import repeat
from typing import Iterable, Sequence

import numpy as np


def identity(terms: Sequence[str]) -> Sequence[str]:
    """The analyzer for pre-computed terms (module level, so a fitted vectoriser could be pickled)."""
    return terms


@dataclass
class Block:
    """A fitted vocabulary: term → column, idf (None: binary presence), l2-normalised, times `weight`."""

    terms: tuple[str, ...]
    idf: np.ndarray | None
    weight: float = 1.0

    def __post_init__(self) -> None:
        self.index = {t: i for i, t in enumerate(self.terms)}

    @classmethod
    def fit(cls, documents: Sequence[Sequence[str]], *, min_df: int, use_idf: bool, weight: float = 1.0) -> "Block":
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(analyzer=identity, min_df=min_df, sublinear_tf=True, use_idf=use_idf,
                                     binary=not use_idf, lowercase=False, dtype=np.float32)
        vectorizer.fit(documents)
        terms = vectorizer.get_feature_names_out().tolist()
        if not use_idf:
            return cls(tuple(terms), None, weight)
        # Most frequent terms first (idf rises as document frequency falls): the weight columns
        # a document touches then lie close together in memory, which the per-document gather of
        # every head's weights notices (it runs between the rules' work, with the caches cold).
        order = np.argsort(vectorizer.idf_, kind="stable")
        return cls(tuple(terms[i] for i in order), vectorizer.idf_[order].astype(np.float32), weight)

    def vector(self, terms: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and weights of the terms this block knows."""
        # Count every term, then look each distinct term up once; all of it iterates in C.
        counts = Counter(terms)
        ids = np.fromiter(map(self.index.get, counts.keys(), repeat(-1)), np.int64, len(counts))
        known = ids >= 0
        idx = ids[known]
        if not len(idx):
            return np.empty(0, np.int64), np.empty(0, np.float32)
        if self.idf is None:
            vals = np.ones(len(idx), np.float32)
        else:
            tf = np.fromiter(counts.values(), np.float32, len(counts))[known]
            vals = (np.log(tf) + 1) * self.idf[idx]
        vals *= self.weight / np.sqrt(np.dot(vals, vals))
        return idx, vals

    def __len__(self) -> int:
        return len(self.terms)


def stack(blocks: Sequence[Block], parts: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """One document's vector over several blocks laid side by side."""
    offset, indices, values = 0, [], []
    for block, terms in zip(blocks, parts, strict=True):
        idx, vals = block.vector(terms)
        indices.append(idx + offset)
        values.append(vals)
        offset += len(block)
    return np.concatenate(indices), np.concatenate(values)


def matrix(blocks: Sequence[Block], documents: Sequence[Sequence[Sequence[str]]]):  # type: ignore[no-untyped-def]
    """A CSR matrix of many documents (for training), built by the same code as single vectors."""
    from scipy.sparse import csr_matrix

    rows = [stack(blocks, parts) for parts in documents]
    indptr = np.cumsum([0] + [len(idx) for idx, _ in rows])
    indices = np.concatenate([idx for idx, _ in rows]) if rows else np.empty(0, np.int64)
    data = np.concatenate([vals for _, vals in rows]) if rows else np.empty(0, np.float32)
    width = sum(len(b) for b in blocks)
    return csr_matrix((data, indices, indptr), shape=(len(rows), width))
