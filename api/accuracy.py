"""Accuracy of the suggestions against the reviewers' final decisions (issue 5's accuracy report,
first part): per field accuracy, per-class precision and recall and confusion matrix (the same
metrics as `gongkai evaluate`, engine/evaluate.py), the secrecy flag, and the override rate of each
review stage. Over items routed (both reviews done) whose closing date is in the range.

What a reviewer saw is what the review row recorded as suggested, so a later version of the
document cannot change a past figure.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.evaluate import NULL, Evaluation
from api.queries import filtered
from models.tables import ItemRow, ItemVersionRow, ReviewRow

STAGES = ("secrecy_review", "disclosure_review")
FIELDS = ("category", "exemption", "secrecy", "column")
GROUPS = ("division", "ruleset_revision", "model_id", "month", "week")
# progress(what, done, total): called every PROGRESS_EVERY items, so a long run can show how far it is.
Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 10_000


def accuracy(session: Session, *, closed_from: dt.date | None, closed_to: dt.date | None,
             division: str | None = None, progress: Progress | None = None) -> dict[str, Any]:
    # Three narrow reads instead of whole ORM items with every version and review: the item's
    # decisions, each review's suggested and changed, and each version's hits (a JSON path), so that
    # 100k reviewed items take seconds (bench/reports_bench.py).
    routed = filtered(select(ItemRow.id).where(ItemRow.status == "routed"), division=division,
                      closed_from=closed_from, closed_to=closed_to)
    items = session.execute(routed.with_only_columns(
        ItemRow.id, ItemRow.division, ItemRow.closed_on, ItemRow.secrecy, ItemRow.category, ItemRow.exemption,
        ItemRow.column, ItemRow.marked).order_by(ItemRow.id)).all()
    last: dict[int, dict[str, Any]] = defaultdict(dict)  # the latest review of each stage decided the item
    for review in session.execute(select(ReviewRow.item_id, ReviewRow.stage, ReviewRow.suggested, ReviewRow.changed,
                                         ReviewRow.version_number).where(ReviewRow.item_id.in_(routed))
                                  .order_by(ReviewRow.id)):
        last[review.item_id][review.stage] = review
    versions: dict[tuple[int, int], Any] = {
        (v.item_id, v.number): v for v in session.execute(select(
            ItemVersionRow.item_id, ItemVersionRow.number, ItemVersionRow.suggestion["hits"].label("hits"),
            ItemVersionRow.ruleset_revision, ItemVersionRow.model_id, ItemVersionRow.received_at)
            .where(ItemVersionRow.item_id.in_(routed)))}
    evaluation = Evaluation()
    reviews: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    overridden: dict[str, list[int]] = {stage: [] for stage in STAGES}
    rules: dict[str, dict[str, Any]] = {}
    # Trend by closing month and ISO week, and the splits an author needs to compare versions.
    breakdown: dict[str, dict[str, Counter[str]]] = {k: {} for k in GROUPS}
    for done, item in enumerate(items, 1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress("accuracy", done, len(items))
        stages = last.get(item.id, {})
        if set(stages) != set(STAGES):
            continue
        suggested = {**stages["secrecy_review"].suggested, **stages["disclosure_review"].suggested}
        decided = {"secrecy": item.secrecy, "category": item.category, "exemption": item.exemption,
                   "column": item.column}
        gold = {name: value or NULL for name, value in decided.items()}
        statuses = {name: "undecided" if suggested.get(name) is None and name in ("secrecy", "category") else "decided"
                    for name in gold}
        evaluation.add(str(item.id), gold, suggested, statuses, item.marked)
        # What the disclosure reviewer saw: the suggestion of the version they reviewed.
        seen = versions[(item.id, stages["disclosure_review"].version_number)]
        _count_rules(rules, seen.hits or (), gold, item.id, seen.received_at)
        year, week, _ = item.closed_on.isocalendar()
        for key, value in (("division", item.division or "(none)"), ("ruleset_revision", seen.ruleset_revision),
                           ("model_id", seen.model_id or "(rules only)"), ("month", item.closed_on.strftime("%Y-%m")),
                           ("week", f"{year}-W{week:02d}")):
            group = breakdown[key].setdefault(value, Counter())
            group["items"] += 1
            for name in FIELDS:
                group[f"{name}_correct"] += suggested.get(name) == decided[name]
        for stage in STAGES:
            reviews[stage] += 1
            if stages[stage].changed:
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
    out["by"] = {key: {value: _group(counts) for value, counts in sorted(groups.items())}
                 for key, groups in breakdown.items()}
    out["wrong"] = evaluation.wrong  # the items behind every error figure, with what was suggested and decided
    return out


def _group(counts: Counter[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"items": counts["items"], "category_correct": counts["category_correct"]}
    for name in FIELDS:
        out[f"{name}_accuracy"] = round(counts[f"{name}_correct"] / counts["items"], 4)
    return out


def _count_rules(rules: dict[str, dict[str, Any]], hits: Any, gold: dict[str, str], item_id: int,
                 at: dt.datetime) -> None:
    """Per rule: times fired, and whether the final decision agreed with what the rule says (all the
    fields it sets): its precision against reviewers, whether it decided or not. Monitor rules count
    too: that is how an author sees what a rule would have done. `modes` counts the hits per mode (a
    rule moved from monitor to enforce shows both); `mode` is the latest one seen."""
    for hit in hits:
        entry = rules.setdefault(hit["id"], {"mode": None, "modes": {}, "fired": 0, "confirmed": 0, "overridden": 0,
                                             "last_fired": None, "overridden_items": []})
        entry["fired"] += 1
        stamp = at.isoformat()
        if entry["last_fired"] is None or stamp >= entry["last_fired"]:
            entry["last_fired"], entry["mode"] = stamp, hit.get("mode")
        entry["modes"][hit.get("mode")] = entry["modes"].get(hit.get("mode"), 0) + 1
        outcome = {k: v for k, v in (hit.get("outcome") or {}).items() if k in gold}
        if not outcome:
            continue
        if all((gold[k] if gold[k] != NULL else None) == v for k, v in outcome.items()):
            entry["confirmed"] += 1
        else:
            entry["overridden"] += 1
            entry["overridden_items"].append(item_id)
