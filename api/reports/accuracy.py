"""Accuracy of the suggestions against the reviewers' final decisions (issue 5's accuracy report,
first part): per field accuracy, per-class precision and recall and confusion matrix (the same
metrics as `gongkai evaluate`, engine/authoring/evaluate.py), the secrecy flag, the override rate of each
review stage, and each rule's health (precision, override rate per stage, what it would change had
it decided, advice: api/reports/rule_health.py). Over items routed (both reviews done) whose closing
date is in the range (api/reports/reviewed.py reads them). `behind` gives the items behind any one
figure (the drill-down). The report's tables, page and JSON model are in api/reports/accuracy_views.py;
its declaration (REPORT) is at the end.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from api.reports import accuracy_views
from api.reports.accuracy_applications import application_accuracy
from api.reports.report import CLOSING_DATES, Asked, Progress, Report
from api.reports.reviewed import STAGES, Reviewed, reviewed
from api.reports.rule_health import FIELD_STAGE, RuleTally, agrees, count_rules, figures, outranked, would
from api.settings import Settings
from engine.authoring.evaluate import NULL, UNDECIDED, Evaluation
from engine.vocabulary import DECIDED_FIELDS

FIELDS = DECIDED_FIELDS
GROUPS = ("division", "ruleset_revision", "model_id", "month", "week")


def accuracy(session: Session, *, closed_from: dt.date | None, closed_to: dt.date | None,
             division: str | None = None, progress: Progress | None = None,
             only: ColumnElement[bool] | None = None) -> dict[str, Any]:
    evaluation = Evaluation()
    changed: dict[str, list[int]] = {stage: [] for stage in STAGES}  # the items each stage changed
    tallies: dict[str, RuleTally] = {}
    # Trend by closing month and ISO week, and the splits an author needs to compare versions.
    breakdown: dict[str, dict[str, Counter[str]]] = {k: {} for k in GROUPS}
    items = 0
    for r in reviewed(session, closed_from=closed_from, closed_to=closed_to, division=division, progress=progress,
                      only=only):
        items += 1
        gold = _gold(r)
        evaluation.add(str(r.item_id), gold, r.suggested, _statuses(r), r.marked)
        count_rules(tallies, r, gold)
        for key, value in r.groups.items():
            group = breakdown[key].get(value)
            if group is None:
                group = breakdown[key][value] = Counter()
            group["items"] += 1
            for name in FIELDS:
                group[f"{name}_correct"] += r.suggested.get(name) == r.decided[name]
        for stage in STAGES:
            if r.changed[stage]:
                changed[stage].append(r.item_id)
    out: dict[str, Any] = {"closed_from": closed_from.isoformat() if closed_from else None,
                           "closed_to": closed_to.isoformat() if closed_to else None, "division": division}
    out.update(evaluation.report())
    out.pop("skipped", None)
    out["items"] = out.pop("records")
    # Every routed item had both reviews: each stage reviewed all of them.
    out["override_rate"] = {stage: {"reviews": items, "changed": len(ids),
                                    "rate": round(len(ids) / items, 4) if items else None, "item_ids": ids}
                            for stage, ids in changed.items()}
    out["rules"] = {rid: figures(tally) for rid, tally in sorted(tallies.items())}
    out["by"] = {key: {value: _group(counts) for value, counts in sorted(groups.items())}
                 for key, groups in breakdown.items()}
    out["wrong"] = evaluation.wrong  # the items behind every error figure, with what was suggested and decided
    return out


def _gold(r: Reviewed) -> dict[str, str]:
    return {name: value or NULL for name, value in r.decided.items()}


def _statuses(r: Reviewed) -> dict[str, str]:
    """An undecided category or secrecy counts as wrong (engine/authoring/evaluate.py), as in `gongkai evaluate`."""
    return {name: UNDECIDED if r.suggested.get(name) is None and name in ("secrecy", "category") else "decided"
            for name in FIELDS}


def _group(counts: Counter[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"items": counts["items"], "category_correct": counts["category_correct"]}
    for name in FIELDS:
        out[f"{name}_accuracy"] = round(counts[f"{name}_correct"] / counts["items"], 4)
    return out


# ---------------------------------------------------------------- the items behind a figure


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
    return [{"item_id": r.item_id, **r.groups, "suggested": {n: r.suggested.get(n) for n in FIELDS},
             "decided": r.decided, "changed": r.changed}
            for r in reviewed(session, closed_from=closed_from, closed_to=closed_to, division=division, only=only)
            if _counts_in(r, figure)]


def _counts_in(r: Reviewed, figure: Figure) -> bool:
    return (_field_counts(r, figure) and _rule_counts(r, figure)
            and (figure.stage is None or bool(r.changed.get(figure.stage)))
            and (figure.group is None or r.groups.get(figure.group) == figure.value))


def _field_counts(r: Reviewed, figure: Figure) -> bool:
    """The item is in the figure's confusion cell, or right or wrong on its field, as asked."""
    if figure.field is None:
        return True
    gold = _gold(r)[figure.field]
    shown = UNDECIDED if _statuses(r)[figure.field] == UNDECIDED else (r.suggested.get(figure.field) or NULL)
    return ((figure.gold is None or gold == figure.gold) and (figure.suggested is None or shown == figure.suggested)
            and (figure.correct is None or (gold == shown) == figure.correct))


def _rule_counts(r: Reviewed, figure: Figure) -> bool:
    """The figure's rule fired on the item, with the outcome asked for (on its stage's fields, if asked)."""
    if figure.rule is None:
        return True
    hit = next(((mode, outcome) for rule_id, mode, outcome in r.hits if rule_id == figure.rule), None)
    if hit is None:
        return False
    mode, outcome = hit
    if figure.rule_stage is not None:
        outcome = {k: v for k, v in outcome.items() if FIELD_STAGE.get(k) == figure.rule_stage}
        if not outcome:
            return False
    if figure.outcome in ("confirmed", "overridden"):
        agreed = agrees(outcome, _gold(r))
        return agreed is not None and agreed == (figure.outcome == "confirmed")
    if figure.outcome == "outranked":
        return mode != "monitor" and outranked(outcome, r)
    return figure.outcome in (None, "fired") or figure.outcome in would(outcome, r, _gold(r))


# ---------------------------------------------------------------- the declaration


def _build(session: Session, settings: Settings, asked: Asked) -> dict[str, Any]:
    out = accuracy(session, closed_from=asked.start, closed_to=asked.end, division=asked.division,
                   progress=asked.progress, only=asked.only)
    # Applications (issue 17): the suggested outcome against the handler's, concluded in the same range.
    out["applications"] = application_accuracy(session, concluded_from=asked.start, concluded_to=asked.end,
                                               division=asked.division)
    return out


REPORT = Report(
    kind="accuracy", title="建议准确率报告", out=accuracy_views.AccuracyOut, build=_build,
    tables=accuracy_views.tables, page=accuracy_views.page,
    summary="Suggestions against the reviewers' final decisions; override rate per stage",
    csv_table="各规则命中与精确率", action="read_accuracy", dates=CLOSING_DATES, readable_only=True)
