"""Real-world damage done to a labelled record, to measure how the suggestions bear it (issue 19).

Documents do not always reach us as the document system typed them: an agency in Hong Kong, Macao or
Taiwan style writes traditional characters, a scanned 正文 comes back through OCR with look-alike
characters swapped, characters lost, digits made full-width and words broken by stray spaces and line
breaks, a hand-entered item has no title, and an item imported from another system has no metadata.
Each function here makes one of those from a record (a SCHEMA exchange record, as a dict) and returns
a new record: the input is never changed, and the labels are kept as they are, because the damage does
not change what the reviewers would decide (条例第二十条 and the rest read the content, not its script).

Pure and deterministic: the OCR noise draws from a generator seeded with the seed and the record's id,
so the same seed gives the same damage to the same record whatever order the records come in.
"""

from __future__ import annotations

import copy
import functools
import random
from typing import Any, Callable, Mapping

Record = dict[str, Any]
Perturbation = Callable[[Mapping[str, Any]], Record]

# The fields a document's writer wrote in characters (the brief's list): what a traditional-script
# agency writes differently. doc_type and division come from the document system's fixed lists.
TRADITIONAL_FIELDS = ("title", "body", "agency", "doc_number")
# The fields OCR reads off a scanned page: the title and the text. Metadata is typed into the system.
OCR_FIELDS = ("title", "body")
# The document system's metadata of the record (SCHEMA); secrecy_marking is kept: it is what the
# secrecy review stands on, and removing it would measure a different thing (a missing marking).
METADATA_FIELDS = ("doc_number", "doc_type", "agency", "division", "date")

# Common OCR confusions of printed Chinese and of Latin letters and digits: each group's members are
# read as one another.
CONFUSIONS = ("己已巳", "未末", "日曰", "人入八", "土士", "干千于", "大太犬", "天夭", "王玉", "刀力",
              "田由甲申", "戊戌戍", "目自白", "午牛", "失矢", "贝见", "今令", "折拆", "免兔", "侯候",
              "准淮", "拨拔", "0O", "1l", "5S", "8B")
_LOOKALIKES: dict[str, str] = {ch: group.replace(ch, "") for group in CONFUSIONS for ch in group}
_FULL_WIDTH_OFFSET = 0xFEE0  # '0' (U+0030) + 0xFEE0 = '０' (U+FF10)
_STRAY = (" ", "\n")


@functools.cache
def _s2t() -> Any:
    import opencc  # a dependency (pyproject); imported here so that importing the module stays cheap

    return opencc.OpenCC("s2t")


def _copy(record: Mapping[str, Any]) -> Record:
    """A deep copy: no perturbation may change the caller's record or share its labels."""
    return copy.deepcopy(dict(record))


def traditional(record: Mapping[str, Any]) -> Record:
    """Simplified → traditional characters (OpenCC s2t, with its phrase tables: 发展 → 發展, 关于 → 關於)
    in the title, body, agency and document number."""
    out = _copy(record)
    for name in TRADITIONAL_FIELDS:
        if isinstance(out.get(name), str):
            out[name] = _s2t().convert(out[name])
    return out


def damage(text: str, rate: float, rng: random.Random) -> str:
    """OCR damage to about `rate` of the characters of `text`.

    Each character is damaged with probability `rate`, in one way: a look-alike (己 → 已, 0 → O) when
    it has one, else a digit made full-width (1 → １), else, alike often, it is lost, or a stray space or
    line break comes before it (a word broken in two). Whitespace is left alone: damage to a space
    changes nothing a reader sees.
    """
    if not 0 <= rate <= 1:
        raise ValueError(f"ocr_noise: rate {rate!r} is not between 0 and 1")
    out: list[str] = []
    for ch in text:
        if ch.isspace() or rng.random() >= rate:
            out.append(ch)
        elif ch in _LOOKALIKES and (not ch.isdigit() or rng.random() < 0.5):
            out.append(rng.choice(_LOOKALIKES[ch]))
        elif "0" <= ch <= "9":
            out.append(chr(ord(ch) + _FULL_WIDTH_OFFSET))
        else:
            kind = rng.randrange(3)
            out.append("" if kind == 0 else _STRAY[kind - 1] + ch)
    return "".join(out)


def ocr_noise(rate: float, seed: int = 0) -> Perturbation:
    """The OCR damage of damage() at `rate`, on the title and body; the same seed, the same damage."""
    if not 0 <= rate <= 1:
        raise ValueError(f"ocr_noise: rate {rate!r} is not between 0 and 1")

    def perturb(record: Mapping[str, Any]) -> Record:
        out = _copy(record)
        for name in OCR_FIELDS:
            if isinstance(out.get(name), str):
                # A string seed is hashed with SHA-512 by random: stable across runs and processes.
                out[name] = damage(out[name], rate, random.Random(f"{seed}:{record.get('id')}:{name}"))
        return out

    perturb.__name__ = f"ocr_noise({rate}, seed={seed})"
    return perturb


def no_title(record: Mapping[str, Any]) -> Record:
    """The title empty: a hand-entered item, or a scan whose first page was not read."""
    out = _copy(record)
    out["title"] = ""
    return out


def no_metadata(record: Mapping[str, Any]) -> Record:
    """No 发文字号, 文种, agency, division or 成文日期 (null): an item imported without its metadata."""
    out = _copy(record)
    for name in METADATA_FIELDS:
        out[name] = None
    return out


def all_of_them(rate: float = 0.05, seed: int = 0) -> Perturbation:
    """Every damage at once: traditional characters, OCR noise at `rate`, no title, no metadata."""
    noise = ocr_noise(rate, seed)

    def perturb(record: Mapping[str, Any]) -> Record:
        return no_metadata(no_title(noise(traditional(record))))

    perturb.__name__ = f"all_of_them({rate}, seed={seed})"
    return perturb
