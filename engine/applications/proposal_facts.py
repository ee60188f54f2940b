"""An application's facts for the application rules (rules/applications/, engine/rules/application_rules.py):
the applicant's words and what the catalog's search found (engine/applications/proposal.py).

The rules decide the suggested outcome from these alone, so everything a rule may test is here: how the
best matches matched (an exact 文号/索引号, the title, the text), which stores they lie in, the grounds of
the withheld ones, how many the caller could not read, whether the search covered every item's content,
what the matched items' stores add up to (catalog_outcome), and a repeat of the same applicant.
"""

from __future__ import annotations

from typing import Any, Final

from engine.applications.outcomes import OutcomeChoiceNeeded, application_outcome
from engine.applications.proposal import Description, Proposal
from engine.vocabulary import ApplicationOutcome, Exemption

UNRECORDED: Final = "unrecorded"  # the same word as engine/rules/application_rules.py's (a test keeps them equal)
NO_OUTCOME: Final = "none"


def catalog_outcome(proposal: Proposal) -> str:
    """What the strong matches' stores add up to, before any repeat: not held when nothing matched, none
    when they disagree or a withheld match has no recorded ground.

    Examples:
        >>> from engine.applications.proposal import Search
        >>> catalog_outcome(Proposal(None, "", (), (), (), Search((), 0, 0, (), (), ())))
        'cannot_provide.not_held'
    """
    if not proposal.parts:
        return ApplicationOutcome.CANNOT_PROVIDE_NOT_HELD.value
    outcomes = [p.outcome for p in proposal.parts]
    if any(o is None for o in outcomes):
        return NO_OUTCOME
    try:
        return application_outcome([str(o) for o in outcomes]).value
    except OutcomeChoiceNeeded:
        return NO_OUTCOME


def facts_of(description: Description, proposal: Proposal) -> dict[str, Any]:
    """The application facts (engine/rules/application_rules.APPLICATION_FIELDS) of `description` and the
    catalog's `proposal` for it."""
    parts = proposal.parts
    strength = "none"
    if parts:
        strength = "exact" if any(p.match.exact for p in parts) else parts[0].match.field
    exemptions = []
    for part in parts:
        if part.match.candidate.store == "withheld":
            ground = part.match.candidate.exemption
            exemptions.append(ground if ground in {e.value for e in Exemption} else UNRECORDED)
    repeat = "none"
    if proposal.repeats:
        repeat = "answered" if any(e.answered for e in proposal.repeats) else "pending"
    return {
        "description": description.words,
        "match_strength": strength,
        "matched_stores": tuple(dict.fromkeys(str(p.match.candidate.store) for p in parts)),
        "matched_count": len(parts),
        "withheld_exemptions": tuple(dict.fromkeys(exemptions)),
        "restricted_matches": sum(1 for p in parts if p.match.candidate.restricted),
        "restricted_unread": proposal.search.restricted_unread,
        "search_complete": "no" if proposal.search.restricted_unread else "yes",
        "catalog_outcome": catalog_outcome(proposal),
        "repeat": repeat,
    }
