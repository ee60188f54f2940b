"""Past decisions in the service's database as backtest cases (engine/backtest.py).

A case is a routed item (both reviews done): the document of the version its disclosure reviewer
decided on, and the item's final decision. Documents are streamed, never all held at once: 100k
stored documents are a few hundred megabytes of JSON.
"""

from __future__ import annotations

from typing import Iterator

from sqlalchemy import Engine, Select, Text, cast, select

from engine.backtest import Case
from engine.evaluate import NULL
from models.tables import ItemRow, ItemVersionRow, ReviewRow

STREAM = 1000  # rows fetched at a time


def _routed(limit: int | None) -> Select:
    query = select(ItemRow.id).where(ItemRow.status == "routed")
    if limit is not None:  # the latest decisions first: an HTTP validation backtests a sample
        query = query.order_by(ItemRow.id.desc()).limit(limit)
    return query


def count_routed(engine: Engine, limit: int | None = None) -> int:
    with engine.connect() as connection:
        return len(connection.execute(_routed(limit)).all())


def routed_cases(engine: Engine, limit: int | None = None) -> Iterator[Case]:
    """Every routed item (or the latest `limit`) as a Case, in item order."""
    routed = _routed(limit).subquery()
    with engine.connect() as connection:
        gold = {row[0]: {"secrecy": row[1] or NULL, "category": row[2] or NULL, "exemption": row[3] or NULL,
                         "column": row[4] or NULL}
                for row in connection.execute(select(ItemRow.id, ItemRow.secrecy, ItemRow.category,
                                                     ItemRow.exemption, ItemRow.column)
                                              .where(ItemRow.id.in_(select(routed.c.id))))}
        decided_on: dict[int, int] = {}  # the version the last disclosure review saw
        for item_id, number in connection.execute(
                select(ReviewRow.item_id, ReviewRow.version_number)
                .where(ReviewRow.stage == "disclosure_review", ReviewRow.item_id.in_(select(routed.c.id)))
                .order_by(ReviewRow.id)):
            decided_on[item_id] = number
        rows = connection.execution_options(stream_results=True, yield_per=STREAM).execute(
            select(ItemVersionRow.item_id, ItemVersionRow.number, cast(ItemVersionRow.document, Text))
            .where(ItemVersionRow.item_id.in_(select(routed.c.id))).order_by(ItemVersionRow.item_id))
        for item_id, number, document in rows:
            if decided_on.get(item_id) == number and item_id in gold:
                yield Case(str(item_id), document, gold[item_id])
