"""Review priority: the riskiest and least certain items first (issue: review queues).

A pure function of the suggestion, so that the queue order can be explained: low confidence,
rules that disagree, a rule and the model that disagree, a secrecy marking, an undecided field.
Overdue items are put first by the queue itself, since that depends on today's date.
"""

from __future__ import annotations

from typing import Any, Mapping

from engine.vocabulary import FieldStatus, Secrecy


def review_priority(suggestion: Mapping[str, Any]) -> float:
    """Higher means review sooner; about 0 for a confident, uncontested, unmarked suggestion.

    Examples:
        >>> review_priority({"suggestion": {"category": {"confidence": 0.95}}, "attention": [], "marking": "none"})
        0.05
        >>> review_priority({"suggestion": {"category": {"confidence": 0.5}},
        ...                  "attention": ["category: rules disagree"], "marking": "secret"})
        2.5
    """
    fields = suggestion.get("suggestion", {})
    confidences = [f.get("confidence") or 0.0 for f in fields.values()
                   if f.get("status", FieldStatus.DECIDED) != FieldStatus.NOT_APPLICABLE]
    uncertainty = 1.0 - min(confidences, default=0.0)
    attention = len(suggestion.get("attention", ()))
    marked = 1.0 if suggestion.get("marking", Secrecy.NONE) not in (Secrecy.NONE, None) else 0.0
    return round(uncertainty + attention + marked, 4)
