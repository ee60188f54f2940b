"""Accuracy of the suggestions against the reviewers' final decisions (issue 5's accuracy report,
first part): per field accuracy, per-class precision and recall and confusion matrix (the same
metrics as `gongkai evaluate`, engine/authoring/evaluate.py), the secrecy flag, the override rate of each
review stage, and each rule's health (precision, override rate per stage, what it would change had
it decided, advice: `_rule_figures`). Over items routed (both reviews done) whose closing date is in
the range.

What a reviewer saw is what the review row recorded as suggested, so a later version of the
document cannot change a past figure.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Iterator, NamedTuple

from sqlalchemy import ColumnElement, Text, cast, select
from sqlalchemy.orm import Session

from api.items.queries import filtered
from engine.authoring.evaluate import NULL, Evaluation
from models.tables import ItemRow, ItemVersionRow, ReviewRow, RuleHitRow

STAGES = ("secrecy_review", "disclosure_review")
FIELDS = ("category", "exemption", "secrecy", "column")
# The fields whose final decision each review stage makes (api/items/review.py): a rule's figures for a
# stage look at only these of the fields it sets.
STAGE_FIELDS = {"secrecy_review": ("secrecy",), "disclosure_review": ("category", "exemption", "column")}
FIELD_STAGE = {name: stage for stage, names in STAGE_FIELDS.items() for name in names}
# A rule's advice (`_advice`) only where the figures are clear. Precision is over the hits it could
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
GROUPS = ("division", "ruleset_revision", "model_id", "month", "week")
# progress(what, done, total): called every PROGRESS_EVERY items, so a long run can show how far it is.
Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 10_000


class Reviewed(NamedTuple):
    """One routed item as the reports see it: what was suggested (as the reviewers saw it), what was
    decided, which stage changed it, the rules that fired, and the groups it counts in."""

    item_id: int
    marked: bool
    suggested: dict[str, Any]
    decided: dict[str, Any]
    changed: dict[str, bool]
    hits: list[tuple[str, str | None, dict[str, Any]]]  # (rule id, mode, outcome)
    received_at: dt.datetime
    groups: dict[str, str]


def _json() -> Callable[[str | None], Any]:
    """json.loads remembered per distinct text: 100k reviews hold a few hundred distinct suggested
    dicts and 500k rule hits a few dozen outcomes, so each is decoded once (and shared: read only)."""
    seen: dict[str | None, Any] = {}

    def decode(text: str | None) -> Any:
        found = seen.get(text)
        if found is None:
            found = seen[text] = json.loads(text) if text else {}
        return found

    return decode


def reviewed(session: Session, *, closed_from: dt.date | None = None, closed_to: dt.date | None = None,
             division: str | None = None, progress: Progress | None = None,
             only: ColumnElement[bool] | None = None) -> Iterator[Reviewed]:
    """The routed items with what was suggested and decided; `only` narrows them (api/access/visibility.py:
    the items a rule author may read, so that a probe rule put live cannot report on secret items)."""
    # Narrow reads instead of whole ORM items with every version and review: the item's decisions,
    # each review's suggested and changed, each version's small columns and the rule_hit index (the
    # stored suggestions are ~6 KB of JSON each). Executed on the Core connection and with JSON
    # columns read as text and decoded once per distinct value: the ORM's per-row processing was
    # most of the time at 100k items (bench/reports_bench.py).
    connection = session.connection()
    decode = _json()
    routed = filtered(select(ItemRow.id).where(ItemRow.status == "routed"), division=division,
                      closed_from=closed_from, closed_to=closed_to)
    if only is not None:
        routed = routed.where(only)
    items = connection.execute(routed.with_only_columns(
        ItemRow.id, ItemRow.division, ItemRow.closed_on, ItemRow.secrecy, ItemRow.category, ItemRow.exemption,
        ItemRow.column, ItemRow.marked).order_by(ItemRow.id)).all()
    last: dict[int, dict[str, Any]] = defaultdict(dict)  # the latest review of each stage decided the item
    for item_id, stage, suggested, changed, number in connection.execute(
            select(ReviewRow.item_id, ReviewRow.stage, cast(ReviewRow.suggested, Text), ReviewRow.changed,
                   ReviewRow.version_number).where(ReviewRow.item_id.in_(routed)).order_by(ReviewRow.id)).all():
        last[item_id][stage] = (decode(suggested), changed, number)
    versions = {(v[0], v[1]): v for v in connection.execute(select(
        ItemVersionRow.item_id, ItemVersionRow.number, ItemVersionRow.ruleset_revision, ItemVersionRow.model_id,
        ItemVersionRow.received_at).where(ItemVersionRow.item_id.in_(routed))).all()}
    hits: dict[tuple[int, int], list[tuple[str, str | None, dict[str, Any]]]] = defaultdict(list)
    for item_id, number, rule_id, mode, outcome in connection.execute(
            select(RuleHitRow.item_id, RuleHitRow.version_number, RuleHitRow.rule_id, RuleHitRow.mode,
                   cast(RuleHitRow.outcome, Text)).where(RuleHitRow.item_id.in_(routed))).all():
        hits[(item_id, number)].append((rule_id, mode, decode(outcome)))
    for done, item in enumerate(items, 1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress("accuracy", done, len(items))
        stages = last.get(item.id)
        if stages is None or len(stages) != len(STAGES):
            continue
        secrecy, disclosure = stages["secrecy_review"], stages["disclosure_review"]
        # What the disclosure reviewer saw: the suggestion of the version they reviewed.
        _, number, revision, model_id, received_at = versions[(item.id, disclosure[2])]
        year, week, _ = item.closed_on.isocalendar()
        yield Reviewed(
            item.id, item.marked, {**secrecy[0], **disclosure[0]},
            {"secrecy": item.secrecy, "category": item.category, "exemption": item.exemption, "column": item.column},
            {"secrecy_review": bool(secrecy[1]), "disclosure_review": bool(disclosure[1])},
            hits.get((item.id, number), []), received_at,
            {"division": item.division or "(none)", "ruleset_revision": revision,
             "model_id": model_id or "(rules only)", "month": f"{item.closed_on.year}-{item.closed_on.month:02d}",
             "week": f"{year}-W{week:02d}"})


def accuracy(session: Session, *, closed_from: dt.date | None, closed_to: dt.date | None,
             division: str | None = None, progress: Progress | None = None,
             only: ColumnElement[bool] | None = None) -> dict[str, Any]:
    evaluation = Evaluation()
    reviews: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    overridden: dict[str, list[int]] = {stage: [] for stage in STAGES}
    rules: dict[str, dict[str, Any]] = {}
    # Trend by closing month and ISO week, and the splits an author needs to compare versions.
    breakdown: dict[str, dict[str, Counter[str]]] = {k: {} for k in GROUPS}
    for r in reviewed(session, closed_from=closed_from, closed_to=closed_to, division=division, progress=progress,
                      only=only):
        gold = _gold(r)
        evaluation.add(str(r.item_id), gold, r.suggested, _statuses(r), r.marked)
        _count_rules(rules, r, gold)
        for key, value in r.groups.items():
            group = breakdown[key].get(value)
            if group is None:
                group = breakdown[key][value] = Counter()
            group["items"] += 1
            for name in FIELDS:
                group[f"{name}_correct"] += r.suggested.get(name) == r.decided[name]
        for stage in STAGES:
            reviews[stage] += 1
            if r.changed[stage]:
                changed[stage] += 1
                overridden[stage].append(r.item_id)
    out: dict[str, Any] = {"closed_from": closed_from.isoformat() if closed_from else None,
                           "closed_to": closed_to.isoformat() if closed_to else None, "division": division}
    out.update(evaluation.report())
    out.pop("skipped", None)
    out["items"] = out.pop("records")
    out["override_rate"] = {stage: {"reviews": reviews[stage], "changed": changed[stage],
                                    "rate": round(changed[stage] / reviews[stage], 4) if reviews[stage] else None,
                                    "item_ids": overridden[stage]} for stage in STAGES}
    out["rules"] = {rid: _rule_figures(r) for rid, r in sorted(rules.items())}
    out["by"] = {key: {value: _group(counts) for value, counts in sorted(groups.items())}
                 for key, groups in breakdown.items()}
    out["wrong"] = evaluation.wrong  # the items behind every error figure, with what was suggested and decided
    return out


def _gold(r: Reviewed) -> dict[str, str]:
    return {name: value or NULL for name, value in r.decided.items()}


def _statuses(r: Reviewed) -> dict[str, str]:
    """An undecided category or secrecy counts as wrong (engine/authoring/evaluate.py), as in `gongkai evaluate`."""
    return {name: "undecided" if r.suggested.get(name) is None and name in ("secrecy", "category") else "decided"
            for name in FIELDS}


@dataclass(frozen=True)
class Figure:
    """Which items a figure of the report counts: every condition given must hold.

    field with gold and/or suggested (a confusion cell; "null" for none, "undecided"), or with
    correct (right or wrong on that field); rule with outcome (fired, confirmed, overridden, outranked,
    or the would-be effect: would_change, would_fix, would_break); rule with rule_stage (the rule sets a
    field of that stage, and an outcome judges only those fields: a rule's `stages[rule_stage]`
    figures); stage (changed at that review stage); group with value (e.g. division 法规处, week
    2026-W45).

    So for a rule R: rule=R&rule_stage=S gives `stages.S.hits`, adding outcome=overridden gives
    `stages.S.overridden`, adding stage=S instead gives `stages.S.changed`; rule=R&outcome=would_fix
    gives `would_fix`."""

    field: str | None = None
    gold: str | None = None
    suggested: str | None = None
    correct: bool | None = None
    rule: str | None = None
    outcome: str | None = None
    stage: str | None = None
    group: str | None = None
    value: str | None = None
    rule_stage: str | None = None


def behind(session: Session, figure: Figure, *, closed_from: dt.date | None = None, closed_to: dt.date | None = None,
           division: str | None = None, only: ColumnElement[bool] | None = None) -> list[dict[str, Any]]:
    """The items behind one figure, each with what was suggested and decided and what changed it."""
    out = []
    for r in reviewed(session, closed_from=closed_from, closed_to=closed_to, division=division, only=only):
        if _counts_in(r, figure):
            out.append({"item_id": r.item_id, **r.groups, "suggested": {n: r.suggested.get(n) for n in FIELDS},
                        "decided": r.decided, "changed": r.changed})
    return out


def _counts_in(r: Reviewed, figure: Figure) -> bool:
    if figure.field is not None:
        gold = _gold(r)[figure.field]
        shown = "undecided" if _statuses(r)[figure.field] == "undecided" else (r.suggested.get(figure.field) or NULL)
        if figure.gold is not None and gold != figure.gold:
            return False
        if figure.suggested is not None and shown != figure.suggested:
            return False
        if figure.correct is not None and (gold == shown) != figure.correct:
            return False
    if figure.rule is not None:
        hit = next((h for h in r.hits if h[0] == figure.rule), None)
        if hit is None:
            return False
        outcome = hit[2]
        if figure.rule_stage is not None:
            outcome = {k: v for k, v in outcome.items() if FIELD_STAGE.get(k) == figure.rule_stage}
            if not outcome:
                return False
        if figure.outcome in ("confirmed", "overridden"):
            agreed = _agrees(outcome, _gold(r))
            if agreed is None or agreed != (figure.outcome == "confirmed"):
                return False
        elif figure.outcome == "outranked":
            if hit[1] == "monitor" or not _outranked(outcome, r):
                return False
        elif figure.outcome is not None and figure.outcome != "fired":
            if figure.outcome not in _would(outcome, r):
                return False
    if figure.stage is not None and not r.changed.get(figure.stage):
        return False
    if figure.group is not None and r.groups.get(figure.group) != figure.value:
        return False
    return True


def _group(counts: Counter[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"items": counts["items"], "category_correct": counts["category_correct"]}
    for name in FIELDS:
        out[f"{name}_accuracy"] = round(counts[f"{name}_correct"] / counts["items"], 4)
    return out


def _count_rules(rules: dict[str, dict[str, Any]], r: Reviewed, gold: dict[str, str]) -> None:
    """Per rule: times fired, and whether the final decision agreed with what the rule says (all the
    fields it sets): its precision against reviewers, whether it decided or not. Monitor rules count
    too: that is how an author sees what a rule would have done. `modes` counts the hits per mode (a
    rule moved from monitor to enforce shows both); `mode` is the latest one seen.

    Also, per hit, in one pass over the fields the rule sets: per review stage whose fields it sets,
    whether the final decision of those fields disagreed with it and whether that stage's reviewer
    changed the suggestion; and its would-be effect (see `_rule_figures`). 100k items fire ~500k
    hits, so this is a few dict operations per hit and field, nothing built per hit."""
    suggested, at = r.suggested, r.received_at
    secrecy_changed, disclosure_changed = r.changed["secrecy_review"], r.changed["disclosure_review"]
    final = {name: None if value == NULL else value for name, value in gold.items()}  # "null" as None, as _agrees
    for rule_id, mode, outcome in r.hits:
        entry = rules.get(rule_id)
        if entry is None:
            entry = rules[rule_id] = {"mode": None, "modes": {}, "fired": 0, "confirmed": 0, "overridden": 0,
                                      "last_fired": None, "overridden_items": [],
                                      # per stage: [hits, overridden, changed], shaped by _rule_figures
                                      "secrecy_review": [0, 0, 0], "disclosure_review": [0, 0, 0],
                                      "would_change": 0, "would_fix": 0, "would_break": 0,
                                      # hits where an enforce/baseline rule's values were not the
                                      # suggestion's; [confirmed, scored] over the hits where they were
                                      "outranked": 0, "decided": [0, 0]}
        entry["fired"] += 1
        if entry["last_fired"] is None or at >= entry["last_fired"]:
            entry["last_fired"], entry["mode"] = at, mode
        entry["modes"][mode] = entry["modes"].get(mode, 0) + 1
        # rule_wrong / shown_wrong: the rule's / the suggestion's value differs from the final decision
        # on some field the rule sets; differs: the rule's value differs from the suggestion's there.
        sets = rule_wrong = shown_wrong = differs = False
        secrecy_wrong = disclosure_wrong = None  # per stage: None while the rule sets none of its fields
        for name, value in outcome.items():
            stage = FIELD_STAGE.get(name)
            if stage is None:
                continue
            sets = True
            wrong = value != final[name]
            shown = suggested.get(name)
            rule_wrong |= wrong
            shown_wrong |= shown != final[name]
            differs |= value != shown
            # Two local flags, not a dict per hit: STAGES are these two (STAGE_FIELDS).
            if stage == "secrecy_review":
                secrecy_wrong = wrong or bool(secrecy_wrong)
            else:
                disclosure_wrong = wrong or bool(disclosure_wrong)
        if not sets:
            continue
        if rule_wrong:
            entry["overridden"] += 1
            entry["overridden_items"].append(r.item_id)
        else:
            entry["confirmed"] += 1
        if secrecy_wrong is not None:
            counts = entry["secrecy_review"]
            counts[0] += 1
            counts[1] += secrecy_wrong
            counts[2] += secrecy_changed
        if disclosure_wrong is not None:
            counts = entry["disclosure_review"]
            counts[0] += 1
            counts[1] += disclosure_wrong
            counts[2] += disclosure_changed
        if mode != "monitor":  # a rule that decides: did its values reach the suggestion?
            if differs:
                entry["outranked"] += 1
            else:
                entry["decided"][0] += not rule_wrong
                entry["decided"][1] += 1
        if differs:
            entry["would_change"] += 1
            if not rule_wrong:
                entry["would_fix"] += 1  # differs and the rule is right: the suggestion was wrong
            elif not shown_wrong:
                entry["would_break"] += 1


def _would(outcome: dict[str, Any], r: Reviewed) -> set[str]:
    """Which of would_change, would_fix and would_break one hit counts in (the drill-down's reading of
    the counts `_count_rules` makes in its loop)."""
    final = {name: None if value == NULL else value for name, value in _gold(r).items()}
    if not _outranked(outcome, r):  # the rule's values are the suggestion's: no change
        return set()
    names = [name for name in outcome if name in FIELD_STAGE]
    rule_right = all(outcome[n] == final[n] for n in names)
    shown_right = all(r.suggested.get(n) == final[n] for n in names)
    return {"would_change", *(["would_fix"] if rule_right else ["would_break"] if shown_right else [])}


def _outranked(outcome: dict[str, Any], r: Reviewed) -> bool:
    """The suggestion showed another value than the rule's on a field it sets (`outranked`)."""
    return any(outcome[n] != r.suggested.get(n) for n in outcome if n in FIELD_STAGE)


def _rule_figures(entry: dict[str, Any]) -> dict[str, Any]:
    """One rule's figures in the report (JSON):

    - mode, modes, fired, confirmed, overridden, precision, last_fired, overridden_items: as before;
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
    - advice: "promote", "fix or retire" or null (`_advice`).
    """
    scored = entry["confirmed"] + entry["overridden"]
    out = {k: entry[k] for k in ("mode", "modes", "fired", "confirmed", "overridden")}
    out.update(precision=round(entry["confirmed"] / scored, 4) if scored else None,
               last_fired=entry["last_fired"].isoformat(), overridden_items=entry["overridden_items"], stages={})
    for stage in STAGES:
        hits, wrong, changed = entry[stage]
        out["stages"][stage] = {"hits": hits, "overridden": wrong, "rate": round(wrong / hits, 4),
                                "changed": changed} if hits else None
    out.update({k: entry[k] for k in ("would_change", "would_fix", "would_break")})
    out["would_net"] = entry["would_fix"] - entry["would_break"]
    confirmed, decided = entry["decided"]
    out["outranked"] = entry["outranked"]
    out["decided_precision"] = round(confirmed / decided, 4) if decided else None
    # A monitor rule never decides; any other is judged where it decided (see RETIRE_PRECISION's comment).
    judged = (out["precision"], scored) if out["mode"] == "monitor" else (out["decided_precision"], decided)
    out["advice"] = _advice(out["mode"], *judged, out["would_net"])
    return out


def _advice(mode: str | None, precision: float | None, scored: int, net: int) -> str | None:
    """What the figures clearly say to do with a rule, or None. A baseline rule (a 兜底 default such as
    columns.other.fallback) gets none: it loses to every enforce rule by design, so its precision
    over all its hits says nothing about the items where it decides. An enforce rule is judged on
    the hits where it decided (precision and scored over those): one that is always outranked gets
    none, its would-be figures say what it would do."""
    if precision is None or scored < ADVICE_MIN_HITS or mode == "baseline":
        return None
    if precision < RETIRE_PRECISION:
        return "fix or retire"
    if mode == "monitor" and precision >= PROMOTE_PRECISION and net >= 0:
        return "promote"
    return None


def _agrees(outcome: dict[str, Any], gold: dict[str, str]) -> bool | None:
    """Whether the final decision agrees with every field the rule sets (None: it sets none of them)."""
    agreed = None
    for name, value in outcome.items():
        if name in gold:
            if (gold[name] if gold[name] != NULL else None) != value:
                return False
            agreed = True
    return agreed
