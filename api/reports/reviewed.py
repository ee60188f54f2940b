"""The routed items as the accuracy report sees them (api/reports/accuracy.py, rule_health.py): for each,
what was suggested, as the reviewers saw it, what was finally decided, which review stage changed the
suggestion, the rules that fired, and the groups it counts in.

What a reviewer saw is what the review row recorded as suggested, so a later version of the
document cannot change a past figure.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any, Callable, Iterator, NamedTuple

from sqlalchemy import ColumnElement, Connection, Select, Text, cast, select
from sqlalchemy.orm import Session

from api.items.queries import filtered
from api.reports.report import Progress
from engine.vocabulary import ReviewStage
from models.tables import ItemRow, ItemVersionRow, ReviewRow, RuleHitRow

STAGES = tuple(stage.value for stage in ReviewStage)  # every routed item has had both reviews
PROGRESS_EVERY = 10_000  # items between two progress calls
Hit = tuple[str, str | None, dict[str, Any]]  # (rule id, mode, outcome)


class Reviewed(NamedTuple):
    """One routed item as the reports see it: what was suggested (as the reviewers saw it), what was
    decided, which stage changed it, the rules that fired, and the groups it counts in."""

    item_id: int
    marked: bool
    suggested: dict[str, Any]
    decided: dict[str, Any]
    changed: dict[str, bool]
    hits: list[Hit]
    received_at: dt.datetime
    groups: dict[str, str]


class StageReview(NamedTuple):
    """The latest review of one stage (it decided the item): what it was shown, whether it changed that,
    and the version it reviewed."""

    suggested: dict[str, Any]
    changed: bool
    version: int


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
    last = _latest_reviews(connection, routed, decode)
    versions = {(v.item_id, v.number): v for v in connection.execute(select(
        ItemVersionRow.item_id, ItemVersionRow.number, ItemVersionRow.ruleset_revision, ItemVersionRow.model_id,
        ItemVersionRow.received_at).where(ItemVersionRow.item_id.in_(routed))).all()}
    hits = _hits(connection, routed, decode)
    for done, item in enumerate(items, 1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress("accuracy", done, len(items))
        stages = last.get(item.id)
        if stages is None or len(stages) != len(STAGES):
            continue
        secrecy, disclosure = stages["secrecy_review"], stages["disclosure_review"]
        # What the disclosure reviewer saw: the suggestion of the version they reviewed.
        version = versions[(item.id, disclosure.version)]
        year, week, _ = item.closed_on.isocalendar()
        yield Reviewed(
            item.id, item.marked, {**secrecy.suggested, **disclosure.suggested},
            {"secrecy": item.secrecy, "category": item.category, "exemption": item.exemption, "column": item.column},
            {"secrecy_review": bool(secrecy.changed), "disclosure_review": bool(disclosure.changed)},
            hits.get((item.id, version.number), []), version.received_at,
            {"division": item.division or "(none)", "ruleset_revision": version.ruleset_revision,
             "model_id": version.model_id or "(rules only)",
             "month": f"{item.closed_on.year}-{item.closed_on.month:02d}", "week": f"{year}-W{week:02d}"})


def _latest_reviews(connection: Connection, routed: Select[Any],
                    decode: Callable[[str | None], Any]) -> dict[int, dict[str, StageReview]]:
    """Per item and stage, its latest review: the one that decided the item."""
    last: dict[int, dict[str, StageReview]] = defaultdict(dict)
    for item_id, stage, suggested, changed, number in connection.execute(
            select(ReviewRow.item_id, ReviewRow.stage, cast(ReviewRow.suggested, Text), ReviewRow.changed,
                   ReviewRow.version_number).where(ReviewRow.item_id.in_(routed)).order_by(ReviewRow.id)).all():
        last[item_id][stage] = StageReview(decode(suggested), changed, number)
    return last


def _hits(connection: Connection, routed: Select[Any],
          decode: Callable[[str | None], Any]) -> dict[tuple[int, int], list[Hit]]:
    """The rules that fired on each (item, version)."""
    hits: dict[tuple[int, int], list[Hit]] = defaultdict(list)
    for item_id, number, rule_id, mode, outcome in connection.execute(
            select(RuleHitRow.item_id, RuleHitRow.version_number, RuleHitRow.rule_id, RuleHitRow.mode,
                   cast(RuleHitRow.outcome, Text)).where(RuleHitRow.item_id.in_(routed))).all():
        hits[(item_id, number)].append((rule_id, mode, decode(outcome)))
    return hits
