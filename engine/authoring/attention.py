"""Does "review this first" point at the wrong suggestions? The attention list and the queue, measured (issue 19).

A suggestion's attention list (engine/suggest.py) says why a reviewer should look at it, and the queue
orders items by engine/workflow/priority.review_priority. Both are promises about where the mistakes
are. Against labelled records, with "wrong" meaning the category suggestion differs from the gold one
(the decision that publishes or withholds, 条例第十三至十六条) and, beside it, any field wrong:

- flag precision: the share of flagged records (needs_attention) that are wrong;
- flag recall: the share of wrong records that are flagged;
- the wrong-rate ratio: how much more often a flagged record is wrong than an unflagged one;
- the same precision and recall per reason kind (the reason's text before ":", e.g. "category",
  "secrecy"), so a reason that never predicts a mistake shows up;
- the queue: records sorted by review priority, highest first; the share of the wrong ones that fall
  in its first quarter (⌈N/4⌉ places). The order among equal priorities is arbitrary, so a group of
  ties that straddles the cut counts its wrong records in proportion to the places it gets.

An undecided field counts as wrong, as in engine/authoring/evaluate.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from engine.authoring.evaluate import NULL, UNDECIDED
from engine.vocabulary import DECIDED_FIELDS, FieldStatus
from engine.workflow.priority import review_priority

WRONGNESS = ("category", "any_field")  # what "wrong" means in the report's two blocks


@dataclass(frozen=True)
class Reviewed:
    """One labelled record as the attention metrics see it."""

    flagged: bool
    kinds: frozenset[str]
    priority: float
    wrong: Mapping[str, bool]  # by WRONGNESS


def shown_value(field_suggestion: Mapping[str, Any]) -> str:
    """A suggested field as evaluate shows it: "undecided", the value, or "null"."""
    if field_suggestion.get("status") == FieldStatus.UNDECIDED:
        return UNDECIDED
    return field_suggestion.get("value") or NULL


def reason_kind(reason: str) -> str:
    """The kind of an attention reason: its text before the first ":" (the whole text if none).

    Examples:
        >>> reason_kind("category: rules disagree")
        'category'
        >>> reason_kind("secrecy: marked 机密 in the title, not in the metadata")
        'secrecy'
    """
    return reason.split(":", 1)[0].strip()


def reviewed(suggestion: Mapping[str, Any], gold: Mapping[str, str]) -> Reviewed:
    """A suggestion (engine/suggest.py's JSON shape) beside its gold labels."""
    fields = suggestion["suggestion"]
    wrong_fields = [name for name in DECIDED_FIELDS if shown_value(fields[name]) != gold[name]]
    return Reviewed(flagged=bool(suggestion["needs_attention"]),
                    kinds=frozenset(reason_kind(r) for r in suggestion["attention"]),
                    priority=review_priority(suggestion),
                    wrong={"category": "category" in wrong_fields, "any_field": bool(wrong_fields)})


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def flag_metrics(flags: Sequence[bool], wrong: Sequence[bool]) -> dict[str, Any]:
    """Precision, recall and the wrong-rate ratio of a flag. The ratio is None when no unflagged record
    is wrong (no finite ratio: every mistake is flagged) or nothing is flagged.

    Examples:
        >>> m = flag_metrics([True, True, False, False, False, False], [True, False, True, False, False, False])
        >>> m["precision"], m["recall"], m["wrong_rate_flagged"], m["wrong_rate_unflagged"], m["ratio"]
        (0.5, 0.5, 0.5, 0.25, 2.0)
    """
    flagged = sum(flags)
    wrong_count = sum(wrong)
    caught = sum(f and w for f, w in zip(flags, wrong, strict=True))
    unflagged = len(flags) - flagged
    rate_flagged = caught / flagged if flagged else 0.0
    rate_unflagged = (wrong_count - caught) / unflagged if unflagged else 0.0
    ratio = round(rate_flagged / rate_unflagged, 4) if flagged and rate_unflagged else None
    return {"records": len(flags), "wrong": wrong_count, "flagged": flagged, "flagged_wrong": caught,
            "precision": _ratio(caught, flagged), "recall": _ratio(caught, wrong_count),
            "wrong_rate_flagged": round(rate_flagged, 4), "wrong_rate_unflagged": round(rate_unflagged, 4),
            "ratio": ratio}


def queue_first_quarter(priorities: Sequence[float], wrong: Sequence[bool]) -> float:
    """The share of the wrong records that the queue (highest priority first) puts in its first
    quarter, ⌈N/4⌉ places; ties at the cut get their wrong records in proportion to the places left.

    Examples:
        >>> queue_first_quarter([3.0, 2.0, 1.0, 0.0], [True, False, True, False])
        0.5
        >>> queue_first_quarter([1.0, 1.0, 0.0, 0.0], [True, False, False, False])
        0.5
    """
    total_wrong = sum(wrong)
    if not total_wrong:
        return 0.0
    places = math.ceil(len(priorities) / 4)
    groups: dict[float, list[bool]] = {}
    for priority, is_wrong in zip(priorities, wrong, strict=True):
        groups.setdefault(priority, []).append(is_wrong)
    caught = 0.0
    for priority in sorted(groups, reverse=True):
        if places <= 0:
            break
        members = groups[priority]
        taken = min(places, len(members))
        caught += sum(members) * taken / len(members)
        places -= taken
    return round(caught / total_wrong, 4)


@dataclass
class Attention:
    """Accumulates suggestions beside gold labels; report() gives the figures of `gongkai evaluate`."""

    items: list[Reviewed] = field(default_factory=list)

    def add(self, suggestion: Mapping[str, Any], gold: Mapping[str, str]) -> None:
        self.items.append(reviewed(suggestion, gold))

    def merge(self, other: "Attention") -> None:
        """Add `other`'s items after this one's, in order (engine/batch.py's chunks)."""
        self.items += other.items

    def report(self) -> dict[str, Any]:
        flags = [item.flagged for item in self.items]
        priorities = [item.priority for item in self.items]
        kinds = sorted({kind for item in self.items for kind in item.kinds})
        out: dict[str, Any] = {}
        for wrongness in WRONGNESS:
            wrong = [item.wrong[wrongness] for item in self.items]
            block = flag_metrics(flags, wrong)
            block["queue_first_quarter"] = queue_first_quarter(priorities, wrong)
            block["per_kind"] = {}
            for kind in kinds:
                by_kind = flag_metrics([kind in item.kinds for item in self.items], wrong)
                block["per_kind"][kind] = {k: by_kind[k] for k in ("flagged", "flagged_wrong", "precision", "recall")}
            out[wrongness] = block
        return out


def render_attention(report: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The text of `gongkai evaluate`'s attention block."""
    lines = ["\nattention (needs_attention against wrong suggestions; queue by review priority):"]
    for wrongness, block in report.items():
        ratio = "n/a (no unflagged record is wrong)" if block["ratio"] is None else f"{block['ratio']:.2f}×"
        lines.append(f"  wrong = {wrongness.replace('_', ' ')}: {block['wrong']} of {block['records']} wrong, "
                     f"{block['flagged']} flagged")
        lines.append(f"    flags: precision {block['precision']:.3f}  recall {block['recall']:.3f}  "
                     f"wrong rate flagged {block['wrong_rate_flagged']:.3f} / unflagged "
                     f"{block['wrong_rate_unflagged']:.3f} = {ratio}")
        lines.append(f"    queue: {block['queue_first_quarter']:.3f} of the wrong in its first quarter")
        for kind, k in block["per_kind"].items():
            lines.append(f"    reason {kind + ':':<12} flagged {k['flagged']:>4}  precision {k['precision']:.3f}  "
                         f"recall {k['recall']:.3f}")
    return lines
