"""Segmentation: jieba's dictionary and algorithm, with the project's user dictionary.

Two backends give the same tokens (tests compare them over every corpus in data/):

- "jieba": the reference, jieba 0.42.1 itself (about 0.4 M characters per second here);
- "rjieba": jieba-rs through its Python binding, the same dictionary and DAG/HMM algorithm in Rust
  (about 7 M characters per second). The service uses it.

Only tokens with a Han character are kept: the two backends differ only in how HMM mode splits runs
of Latin letters and digits ("0.86mg"), and numbers carry little signal about disclosure anyway.

Place names of the training corpus are masked before segmentation (data/dict/places.txt): one
starter set is written about the fictional 江州市 and is mostly withheld, the other uses 某市, and a
bag of words would otherwise learn "江州 → withheld" instead of the reasons. Places the model never
saw are simply out of its vocabulary.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

HAN = re.compile(r"[\u3400-\u9fff]")
BACKENDS = ("rjieba", "jieba")
# jieba-rs and jieba keep different running totals when a user word is already in the main
# dictionary (jieba adds the new frequency on top of the old one; jieba-rs replaces it). A word
# in the Private Use Area, which never occurs in text, carries the difference so that both compute
# the same log-probabilities and therefore the same routes.
_BALANCE_WORD = "\ue000"


@dataclass(frozen=True)
class UserWord:
    word: str
    freq: int
    tag: str


class SegmenterError(ValueError):
    """A user dictionary or place list that cannot be read; names the file and line."""


def read_userdict(path: Path) -> list[UserWord]:
    """`word freq tag` lines, as jieba reads them; every line must have all three."""
    words = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 3 or not parts[1].isdigit():
            raise SegmenterError(f"{path}:{number}: expected 'word frequency tag', got {line!r}")
        words.append(UserWord(parts[0], int(parts[1]), parts[2]))
    return words


def read_places(path: Path) -> list[tuple[str, str]]:
    """`name placeholder` lines (# comments allowed); longest names first so 江州市 wins over 江州."""
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            raise SegmenterError(f"{path}:{number}: expected 'place placeholder', got {line!r}")
        pairs.append((parts[0], parts[1]))
    return sorted(pairs, key=lambda p: -len(p[0]))


class Segmenter:
    """Tokens of a text: masked places, jieba segmentation (HMM on, jieba's default), Han tokens only."""

    def __init__(self, userdict: Path, places: Path | None = None, backend: str = "rjieba") -> None:
        if backend not in BACKENDS:
            raise SegmenterError(f"unknown segmenter backend {backend!r}; use one of {', '.join(BACKENDS)}")
        self.backend = backend
        self.userdict = read_userdict(userdict)
        self.places = read_places(places) if places else []
        self._places = re.compile("|".join(re.escape(p) for p, _ in self.places)) if self.places else None
        self._placeholder = dict(self.places)
        self._lock = threading.Lock()  # jieba's lazy initialisation is not thread-safe
        self._cut = self._load()

    def _load(self):  # type: ignore[no-untyped-def]
        if self.backend == "jieba":
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for w in self.userdict:
                tokenizer.add_word(w.word, w.freq, w.tag)
            return lambda text: tokenizer.lcut(text, HMM=True)
        import rjieba

        # jieba's main dictionary, found without importing jieba (which imports pkg_resources and builds its
        # tables: ~0.3 s of every start, for a file path)
        spec = importlib.util.find_spec("jieba")
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError("jieba is not installed (its dictionary is the segmenter's)")
        balance = _main_dictionary_frequency({w.word for w in self.userdict}, Path(spec.origin).parent / "dict.txt")
        segmenter = rjieba.Jieba()
        for w in self.userdict:
            segmenter.add_word(w.word, w.freq, w.tag)
        if balance:
            segmenter.add_word(_BALANCE_WORD, balance, "x")
        return lambda text: segmenter.cut(text, True)

    def mask(self, text: str) -> str:
        if self._places is None:
            return text
        return self._places.sub(lambda m: self._placeholder[m.group(0)], text)

    def tokens(self, text: str) -> list[str]:
        with self._lock:
            cut = self._cut(self.mask(text))
        # Most tokens start with a Han character; ASCII tokens cannot hold one; only the rest
        # (full-width punctuation, symbols) needs the regex.
        return [t for t in cut if t and ("\u3400" <= t[0] <= "\u9fff" or (not t.isascii() and HAN.search(t)))]


def _main_dictionary_frequency(words: set[str], dict_file: Path) -> int:
    """Sum of jieba's main-dictionary frequencies of `words` (what jieba counts twice)."""
    total = 0
    with dict_file.open(encoding="utf-8") as fh:
        for line in fh:
            word, _, rest = line.partition(" ")
            if word in words:
                total += int(rest.split(" ", 1)[0])
    return total
