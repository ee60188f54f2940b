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
from models.tables import ItemRow

STAGES = ("secrecy_review", "disclosure_review")


def accuracy(session: Session, *, closed_from: dt.date | None, closed_to: dt.date | None,
             division: str | None = None) -> dict[str, Any]:
    query = select(ItemRow).where(ItemRow.status == "routed").options(selectinload(ItemRow.reviews))
    if closed_from:
        query = query.where(ItemRow.closed_on >= closed_from)
    if closed_to:
        query = query.where(ItemRow.closed_on <= closed_to)
    if division:
        query = query.where(ItemRow.division == division)
    evaluation = Evaluation()
    reviews: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    overridden: dict[str, list[int]] = {stage: [] for stage in STAGES}
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
    out["wrong"] = evaluation.wrong  # the items behind every error figure, with what was suggested and decided
    return out
