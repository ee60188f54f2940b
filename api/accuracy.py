"""Accuracy of the suggestions against the reviewers' final decisions (issue 5's accuracy report,
first part): per field accuracy, per-class precision and recall and confusion matrix (the same
metrics as `gongkai evaluate`, engine/evaluate.py), the secrecy flag, and the override rate of each
review stage. Over items routed (both reviews done) whose closing date is in the range.

What a reviewer saw is what the review row recorded as suggested, so a later version of the
document cannot change a past figure.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.evaluate import NULL, Evaluation
from api.queries import filtered
from models.tables import ItemRow

STAGES = ("secrecy_review", "disclosure_review")


def accuracy(session: Session, *, closed_from: dt.date | None, closed_to: dt.date | None,
             division: str | None = None) -> dict[str, Any]:
    query = select(ItemRow).where(ItemRow.status == "routed").options(selectinload(ItemRow.reviews),
                                                                        selectinload(ItemRow.versions))
    query = filtered(query, division=division, closed_from=closed_from, closed_to=closed_to)
    evaluation = Evaluation()
    reviews: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    overridden: dict[str, list[int]] = {stage: [] for stage in STAGES}
    rules: dict[str, dict[str, Any]] = {}
    # Trend by closing month and ISO week, and the splits an author needs to compare versions.
    breakdown: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in ("division", "ruleset_revision", "model_id",
                                                                       "month", "week")}
    for item in session.scalars(query.order_by(ItemRow.id)).unique():
        last = {r.stage: r for r in item.reviews}  # the latest review of each stage decided the item
        if set(last) != set(STAGES):
            continue
        suggested = {**last["secrecy_review"].suggested, **last["disclosure_review"].suggested}
        gold = {"secrecy": item.secrecy, "category": item.category, "exemption": item.exemption or NULL,
                "column": item.column or NULL}
        statuses = {name: "undecided" if suggested.get(name) is None and name in ("secrecy", "category") else "decided"
                    for name in gold}
        evaluation.add(str(item.id), gold, suggested, statuses, item.marked)
        seen = next((v for v in item.versions if v.number == last["disclosure_review"].version_number), item.versions[-1])
        _count_rules(rules, seen.suggestion.get("hits", ()), gold, item.id, seen.received_at)
        year, week, _ = item.closed_on.isocalendar()
        for key, value in (("division", item.division or "(none)"), ("ruleset_revision", seen.ruleset_revision),
                           ("model_id", seen.model_id or "(rules only)"), ("month", item.closed_on.strftime("%Y-%m")),
                           ("week", f"{year}-W{week:02d}")):
            group = breakdown[key].setdefault(value, {"items": 0, "category_correct": 0})
            group["items"] += 1
            group["category_correct"] += suggested.get("category") == item.category
        for stage in STAGES:
            reviews[stage] += 1
            if last[stage].changed:
                changed[stage] += 1
                overridden[stage].append(item.id)
    out = evaluation.report()
    out.pop("skipped", None)
    out["items"] = out.pop("records")
    out["override_rate"] = {stage: {"reviews": reviews[stage], "changed": changed[stage],
                                    "rate": round(changed[stage] / reviews[stage], 4) if reviews[stage] else None,
                                    "item_ids": overridden[stage]} for stage in STAGES}
    out["rules"] = {rid: {**r, "precision": round(r["confirmed"] / (r["confirmed"] + r["overridden"]), 4)
                          if r["confirmed"] + r["overridden"] else None} for rid, r in sorted(rules.items())}
    for groups in breakdown.values():
        for group in groups.values():
            group["category_accuracy"] = round(group["category_correct"] / group["items"], 4)
    out["by"] = {key: dict(sorted(groups.items())) for key, groups in breakdown.items()}
    out["wrong"] = evaluation.wrong  # the items behind every error figure, with what was suggested and decided
    return out


def _count_rules(rules: dict[str, dict[str, Any]], hits: Any, gold: dict[str, str], item_id: int,
                 at: dt.datetime) -> None:
    """Per rule: times fired, and for each field it sets, whether the final decision confirmed it.
    Monitor rules count too: that is how an author sees what a rule would have done."""
    for hit in hits:
        entry = rules.setdefault(hit["id"], {"mode": hit.get("mode"), "fired": 0, "confirmed": 0, "overridden": 0,
                                             "last_fired": None, "overridden_items": []})
        entry["fired"] += 1
        entry["last_fired"] = max(filter(None, [entry["last_fired"], at.isoformat()]))
        outcome = {k: v for k, v in (hit.get("outcome") or {}).items() if k in gold}
        if not outcome:
            continue
        if all((gold[k] if gold[k] != NULL else None) == v for k, v in outcome.items()):
            entry["confirmed"] += 1
        else:
            entry["overridden"] += 1
            entry["overridden_items"].append(item_id)
