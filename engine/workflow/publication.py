"""The publication guard: what must hold of the exact version that goes on the website.

Publishing cannot be undone, and publishing a state secret is the one failure that ends the system's use
(保守国家秘密法第二十一条起; 条例第十四条: no state secret is disclosed; 第十七条: information is reviewed
for secrecy before it is disclosed). So this is checked at the boundary of the proactive store and the
feed, not only where suggestions are made, and it asks for proof rather than the absence of a doubt:

- the version being published is the one both reviews were of (a later version, however small its
  change, is a new document: an ID number added to a published notice is not reviewed content);
- the secrecy review decided none, and no version carried a secrecy marking, anywhere it was found
  (metadata, header, title, attachment: engine/facts/marking.py);
- every secrecy-risk signal of that version (content that looks secret without a marking:
  engine/facts/secrecy_risk.py) was cleared by the secrecy reviewer of that version, with a reason.

The database's CHECK constraint (models/tables.py: proactive_unclassified) stays as the last line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, Mapping, Sequence


@dataclass(frozen=True)
class Candidate:
    """What is known of an item's version at the moment it would be published."""

    version: int
    secrecy: str | None  # the secrecy review's decision
    marking: str  # the strictest marking any version carried (sticky)
    signals: Sequence[Mapping[str, Any]]  # the version's suggestion["secrecy_signals"]
    secrecy_reviewed: int | None  # the version the latest secrecy review was of
    disclosure_reviewed: int | None  # the version the disclosure review now routing it is of
    cleared: Collection[str] = ()  # risk cues the secrecy reviewer of this version cleared


def risk_cues(signals: Sequence[Mapping[str, Any]]) -> list[str]:
    """The distinct secrecy-risk cues of a suggestion's signals, in order of appearance."""
    out: list[str] = []
    for signal in signals:
        cue = str(signal.get("cue") or signal.get("text") or "")
        if signal.get("kind") == "risk" and cue not in out:
            out.append(cue)
    return out


def problems(c: Candidate) -> list[str]:
    """Every reason this version may not be published (empty when it may).

    Examples:
        >>> ok = Candidate(version=2, secrecy="none", marking="none", signals=(), secrecy_reviewed=2,
        ...                disclosure_reviewed=2)
        >>> problems(ok)
        []
        >>> problems(Candidate(2, "none", "none", (), secrecy_reviewed=1, disclosure_reviewed=2))
        ['the secrecy review was of version 1, not of version 2 that would be published: review it again']
    """
    out: list[str] = []
    if c.secrecy_reviewed != c.version:
        seen = "no secrecy review" if c.secrecy_reviewed is None else f"the secrecy review was of version {c.secrecy_reviewed}"
        out.append(f"{seen}, not of version {c.version} that would be published: review it again")
    if c.disclosure_reviewed != c.version:
        out.append(f"the disclosure review is not of version {c.version} that would be published")
    if c.secrecy != "none":
        out.append(f"the secrecy review decided {c.secrecy or 'nothing'}, not none")
    if c.marking != "none":
        out.append(f"the document carries a secrecy marking ({c.marking}): it can never be proactive")
    markings = sorted({str(s.get("origin")) for s in c.signals if s.get("kind") == "marking"})
    if markings and c.marking == "none":
        out.append(f"a secrecy marking was found ({', '.join(markings)}): it can never be proactive")
    open_cues = [cue for cue in risk_cues(c.signals) if cue not in c.cleared]
    if open_cues:
        out.append(f"secrecy-risk signals not cleared by the secrecy review: {', '.join(open_cues)}")
    return out
