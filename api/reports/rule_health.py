"""Each rule's health in the accuracy report (api/reports/accuracy.py): how often it fired, whether the
reviewers' final decisions agreed with it, per review stage, what it would have changed had it
decided, and what the figures advise doing with it (`figures` says what each figure means).

The accuracy report counts every hit of every routed item here, about 500k hits at 100k items: a hit
costs a few dict operations per field the rule sets and one small dict of the stages it judges.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

from api.reports.reviewed import STAGES, Reviewed
from engine.authoring.evaluate import NULL
from engine.vocabulary import RuleMode

# The fields whose final decision each review stage makes (api/items/review.py): a rule's figures for a
# stage look at only these of the fields it sets.
STAGE_FIELDS = {"secrecy_review": ("secrecy",), "disclosure_review": ("category", "exemption", "column")}
FIELD_STAGE = {name: stage for stage, names in STAGE_FIELDS.items() for name in names}
# A rule's advice (`advice`) only where the figures are clear. Precision is over the hits it could
# be checked on (confirmed + overridden); under ADVICE_MIN_HITS of those one override more or less
# moves it by 5 points or more, too little to promote or retire a rule on.
ADVICE_MIN_HITS = 20
# An enforce rule is judged on the hits where it decided, not on those where it was outranked: a
# security_stability rule that fires on a document marked 机密 loses to state_secret (第十四条; SCHEMA:
# a classified level means exemption state_secret), the reviewer confirms state_secret, and counted
# against the rule that would read as an override and advise retiring a rule that does its job.
# Promote a monitor rule the reviewers agree with 9 times in 10 (the confidence most enforce rules
# declare) and whose taking effect would fix at least as many suggestions as it would break.
PROMOTE_PRECISION = 0.9
# Wrong more often than right: whatever mode, the rule needs its condition or outcome fixed, or to go.
RETIRE_PRECISION = 0.5
Advice = Literal["promote", "fix or retire"]


@dataclass(slots=True)
class StageTally:
    """A rule's hits that set a field one review stage decides."""

    hits: int = 0
    overridden: int = 0  # the final decision of those fields disagreed with the rule
    changed: int = 0  # that stage's reviewer changed the suggestion (whatever the rule said)


@dataclass(slots=True)
class RuleTally:
    """One rule's counts over the items so far; `figures` turns them into the report's figures."""

    mode: str | None = None  # the mode of its latest hit
    modes: dict[str | None, int] = field(default_factory=dict)  # hits per mode (monitor, then enforce: both)
    fired: int = 0
    confirmed: int = 0
    overridden: int = 0
    last_fired: dt.datetime | None = None
    overridden_items: list[int] = field(default_factory=list)
    stages: dict[str, StageTally] = field(default_factory=lambda: {stage: StageTally() for stage in STAGES})
    would_change: int = 0
    would_fix: int = 0
    would_break: int = 0
    # Hits not in monitor mode where the suggestion showed another value than the rule's on a field it sets;
    # over the others (the suggestion carried its values): how many, and how many the reviewers confirmed.
    outranked: int = 0
    decided: int = 0
    decided_confirmed: int = 0


def count_rules(tallies: dict[str, RuleTally], r: Reviewed, gold: Mapping[str, str]) -> None:
    """Per rule: times fired, and whether the final decision agreed with what the rule says (all the
    fields it sets): its precision against reviewers, whether it decided or not. Monitor rules count
    too: that is how an author sees what a rule would have done. `modes` counts the hits per mode (a
    rule moved from monitor to enforce shows both); `mode` is the latest one seen.

    Also, per hit, in one pass over the fields the rule sets: per review stage whose fields it sets,
    whether the final decision of those fields disagreed with it and whether that stage's reviewer
    changed the suggestion; and its would-be effect (see `figures`)."""
    final = {name: None if value == NULL else value for name, value in gold.items()}  # "null" as None, as agrees
    for rule_id, mode, outcome in r.hits:
        tally = tallies.get(rule_id)
        if tally is None:
            tally = tallies[rule_id] = RuleTally()
        tally.fired += 1
        if tally.last_fired is None or r.received_at >= tally.last_fired:
            tally.last_fired, tally.mode = r.received_at, mode
        tally.modes[mode] = tally.modes.get(mode, 0) + 1
        _count_hit(tally, mode, outcome, r, final)


def _count_hit(tally: RuleTally, mode: str | None, outcome: Mapping[str, Any], r: Reviewed,
               final: Mapping[str, str | None]) -> None:
    """One hit's judgement, on the fields it sets that a review stage decides (none: not counted)."""
    # rule_wrong / shown_wrong: the rule's / the suggestion's value differs from the final decision on
    # some field the rule sets; differs: the rule's value differs from the suggestion's there.
    rule_wrong = shown_wrong = differs = False
    wrong_at: dict[str, bool] = {}  # per stage whose fields the rule sets: wrong on any of them
    for name, value in outcome.items():
        stage = FIELD_STAGE.get(name)
        if stage is None:
            continue
        wrong = value != final[name]
        shown = r.suggested.get(name)
        rule_wrong |= wrong
        shown_wrong |= shown != final[name]
        differs |= value != shown
        wrong_at[stage] = wrong or wrong_at.get(stage, False)
    if not wrong_at:
        return
    if rule_wrong:
        tally.overridden += 1
        tally.overridden_items.append(r.item_id)
    else:
        tally.confirmed += 1
    for stage, wrong in wrong_at.items():
        counts = tally.stages[stage]
        counts.hits += 1
        counts.overridden += wrong
        counts.changed += r.changed[stage]
    if mode != RuleMode.MONITOR:  # a rule that decides: did its values reach the suggestion?
        if differs:
            tally.outranked += 1
        else:
            tally.decided += 1
            tally.decided_confirmed += not rule_wrong
    if differs:
        tally.would_change += 1
        if not rule_wrong:
            tally.would_fix += 1  # differs and the rule is right: the suggestion was wrong
        elif not shown_wrong:
            tally.would_break += 1


def figures(tally: RuleTally) -> dict[str, Any]:
    """One rule's figures in the report (JSON):

    - mode, modes, fired, confirmed, overridden, precision, last_fired, overridden_items: as before
      (a hit recorded without a mode counts in modes under "null");
    - stages: for each of STAGES, null when the rule sets none of that stage's fields (STAGE_FIELDS;
      the key is always there, so every rule has the same shape), else {hits, overridden, rate,
      changed}: of the hits setting a field of the stage, how many times the final decision of those
      fields disagreed with the rule (rate = overridden / hits), and on how many of those items that
      stage's reviewer changed the suggestion (whatever the rule said);
    - would_change, would_fix, would_break, would_net: had this rule decided (its values replacing the
      suggested ones on the fields it sets), on how many items the suggestion would have differed on
      some of those fields; of those, how many times the rule is right on all of them where the
      suggestion was not (fixed), and the suggestion right on all of them and the rule not (broken);
      an item where both are wrong counts as a change only. net = fixed - broken. For an enforce rule
      that won these are 0; they show what a monitor rule, or a rule that lost precedence, would do;
    - outranked: hits (not in monitor mode) where the suggestion showed another value on a field the
      rule sets: another rule came first in the manifest's precedence, SCHEMA's consistency (a
      classified level means withheld / state_secret) or the model replaced it;
    - decided_precision: precision over the other hits (not in monitor mode), where the suggestion
      carried the rule's values, so the reviewers judged the rule itself; null when there are none;
    - advice: "promote", "fix or retire" or null (`advice`).
    """
    scored = tally.confirmed + tally.overridden
    precision = round(tally.confirmed / scored, 4) if scored else None
    decided_precision = round(tally.decided_confirmed / tally.decided, 4) if tally.decided else None
    would_net = tally.would_fix - tally.would_break
    # A monitor rule never decides; any other is judged where it decided (see RETIRE_PRECISION's comment).
    judged = (precision, scored) if tally.mode == RuleMode.MONITOR else (decided_precision, tally.decided)
    return {
        "mode": tally.mode, "modes": {"null" if m is None else m: n for m, n in tally.modes.items()},
        "fired": tally.fired, "confirmed": tally.confirmed, "overridden": tally.overridden, "precision": precision,
        "last_fired": tally.last_fired.isoformat() if tally.last_fired else None,
        "overridden_items": tally.overridden_items,
        "stages": {stage: {"hits": s.hits, "overridden": s.overridden, "rate": round(s.overridden / s.hits, 4),
                           "changed": s.changed} if s.hits else None for stage, s in tally.stages.items()},
        "would_change": tally.would_change, "would_fix": tally.would_fix, "would_break": tally.would_break,
        "would_net": would_net, "outranked": tally.outranked, "decided_precision": decided_precision,
        "advice": advice(tally.mode, *judged, would_net),
    }


def advice(mode: str | None, precision: float | None, scored: int, net: int) -> Advice | None:
    """What the figures clearly say to do with a rule, or None. A baseline rule (a 兜底 default such as
    columns.other.fallback) gets none: it loses to every enforce rule by design, so its precision
    over all its hits says nothing about the items where it decides. An enforce rule is judged on
    the hits where it decided (precision and scored over those): one that is always outranked gets
    none, its would-be figures say what it would do."""
    if precision is None or scored < ADVICE_MIN_HITS or mode == RuleMode.BASELINE:
        return None
    if precision < RETIRE_PRECISION:
        return "fix or retire"
    if mode == RuleMode.MONITOR and precision >= PROMOTE_PRECISION and net >= 0:
        return "promote"
    return None


def agrees(outcome: Mapping[str, Any], gold: Mapping[str, str]) -> bool | None:
    """Whether the final decision agrees with every field the rule sets (None: it sets none of them)."""
    agreed = None
    for name, value in outcome.items():
        if name in gold:
            if (gold[name] if gold[name] != NULL else None) != value:
                return False
            agreed = True
    return agreed


def would(outcome: Mapping[str, Any], r: Reviewed, gold: Mapping[str, str]) -> set[str]:
    """Which of would_change, would_fix and would_break one hit counts in (the drill-down's reading of
    the counts `count_rules` makes in its loop)."""
    final = {name: None if value == NULL else value for name, value in gold.items()}
    if not outranked(outcome, r):  # the rule's values are the suggestion's: no change
        return set()
    names = [name for name in outcome if name in FIELD_STAGE]
    rule_right = all(outcome[n] == final[n] for n in names)
    shown_right = all(r.suggested.get(n) == final[n] for n in names)
    return {"would_change", *(["would_fix"] if rule_right else ["would_break"] if shown_right else [])}


def outranked(outcome: Mapping[str, Any], r: Reviewed) -> bool:
    """The suggestion showed another value than the rule's on a field it sets (`outranked`)."""
    return any(outcome[n] != r.suggested.get(n) for n in outcome if n in FIELD_STAGE)
