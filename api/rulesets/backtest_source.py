"""Past decisions in the service's database as backtest cases (engine/authoring/comparer.py, run by backtest.py).

A case is a routed item (both reviews done): the document of the version its disclosure reviewer
decided on, and the item's final decision. Documents are streamed, never all held at once: 100k
stored documents are a few hundred megabytes of JSON.

For a caller not cleared for secret items (a rule author validating a candidate through the API),
the cases are only the items that caller may read (api/access/visibility.py's rule, in SQL: no secrecy
marking on any version, `marked` being sticky, and a decided secrecy of none). Hiding a secret
item's id from the answer would not be enough: a candidate rule `body contains 机密A`, its hits,
flips and per-field figures would each tell whether the secret body holds "机密A", and eighty probes
a request rebuild it character by character. Left out entirely, the secret items change nothing in
the answer whatever their text; only their number is said, the same for every probe.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, Select, Text, cast, func, make_url, select
from sqlalchemy.exc import DBAPIError

from api.access.visibility import not_secret
from engine.authoring.comparer import Case
from engine.authoring.evaluate import NULL
from engine.vocabulary import ItemStatus, ReviewStage
from models.migrate import drift
from models.session import make_engine
from models.tables import ItemRow, ItemVersionRow, ReviewRow

STREAM = 1000  # rows fetched at a time


def open_database(url: str) -> Engine:
    """An engine on a service database to backtest against; ValueError saying why it cannot be used:
    no database file at a SQLite path (nothing is created: connecting would leave an empty file, and
    make_engine its folder), no connection, or a schema that is not the current one."""
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    path = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if path and path != ":memory:" and not path.startswith("file:") and not Path(path).is_file():
        raise ValueError(f"there is no database at {path} ({shown}): give the service's database URL "
                         "(GONGKAI_DATABASE_URL) or a labelled FILE.jsonl")
    engine = make_engine(url)
    try:
        differences = drift(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise ValueError(f"cannot read the database {shown}: {exc.orig}") from None
    if differences:
        engine.dispose()
        raise ValueError(f"the database {shown} is not at the current schema: run `gongkai db upgrade` first")
    return engine


def not_readable(engine: Engine) -> int:
    """How many routed items a caller who is not cleared may not read."""
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(ItemRow).where(
            ItemRow.status == ItemStatus.ROUTED, ~not_secret())) or 0)


def _routed(limit: int | None, ids: tuple[int, int] | None = None, cleared: bool = True,
            after: dt.datetime | None = None) -> Select:
    query = select(ItemRow.id).where(ItemRow.status == ItemStatus.ROUTED)
    if not cleared:
        query = query.where(not_secret())
    if after is not None:  # decided after a model's training data ended: decisions it never learnt from
        query = query.where(ItemRow.routed_at > after)
    if ids is not None:  # a range of ids, so that each read of a shard is an index range
        query = query.where(ItemRow.id >= ids[0], ItemRow.id < ids[1])
    if limit is not None:  # the latest decisions first: an HTTP validation backtests a sample
        query = query.order_by(ItemRow.id.desc()).limit(limit)
    return query


class RoutedCases:
    """The routed items of a database as backtest cases that worker processes can read in shards
    (engine.authoring.backtest.Sharded): shard i of n is the i-th of n ranges of item ids holding equally many
    routed items; each worker opens its own connection, as a forked process must."""

    def __init__(self, url: str) -> None:
        self.url = url
        engine = make_engine(url, reader=True)
        try:
            with engine.connect() as connection:
                self.ids = [row[0] for row in connection.execute(_routed(None).order_by(ItemRow.id))]
        finally:
            engine.dispose()

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[Case]:
        return self._read(None)

    def shard(self, i: int, n: int) -> Iterator[Case]:
        if not self.ids:
            return iter(())
        lo = self.ids[i * len(self.ids) // n] if i else self.ids[0]
        hi = self.ids[(i + 1) * len(self.ids) // n] if i + 1 < n else self.ids[-1] + 1
        return self._read((lo, hi))

    def _read(self, ids: tuple[int, int] | None) -> Iterator[Case]:
        # A reader engine: on SQLite the default one takes the write lock at BEGIN (models/session.py),
        # which would make the workers read one after the other.
        engine = make_engine(self.url, reader=True)
        try:
            yield from routed_cases(engine, ids=ids)
        finally:
            engine.dispose()


def routed_cases(engine: Engine, limit: int | None = None, ids: tuple[int, int] | None = None, *,
                 cleared: bool = True, after: dt.datetime | None = None) -> Iterator[Case]:
    """Every routed item (or the latest `limit`, or those with ids in [lo, hi), or those routed after `after`)
    as a Case, in item order; with cleared False, only the items a caller who is not cleared may read (see the
    module's docstring)."""
    for item_id, document, gold, _routed_at in decided_versions(engine, limit, ids, cleared=cleared, after=after):
        yield Case(str(item_id), document, gold, None, item_id)


def decided_versions(engine: Engine, limit: int | None = None, ids: tuple[int, int] | None = None, *,
                     cleared: bool = True, after: dt.datetime | None = None
                     ) -> Iterator[tuple[int, str, dict[str, str], dt.datetime | None]]:
    """(item id, the decided version's document as JSON text, the final decision, when it was routed) of
    routed items, in item order: what a backtest replays and what `gongkai train --from-database` learns from."""
    routed = _routed(limit, ids, cleared, after).subquery()
    with engine.connect() as connection:
        gold, routed_at = {}, {}
        for row in connection.execute(select(ItemRow.id, ItemRow.secrecy, ItemRow.category, ItemRow.exemption,
                                             ItemRow.column, ItemRow.routed_at)
                                      .where(ItemRow.id.in_(select(routed.c.id)))):
            gold[row[0]] = {"secrecy": row[1] or NULL, "category": row[2] or NULL, "exemption": row[3] or NULL,
                            "column": row[4] or NULL}
            routed_at[row[0]] = row[5]
        decided_on: dict[int, int] = {}  # the version the last disclosure review saw
        for item_id, number in connection.execute(
                select(ReviewRow.item_id, ReviewRow.version_number)
                .where(ReviewRow.stage == ReviewStage.DISCLOSURE_REVIEW, ReviewRow.item_id.in_(select(routed.c.id)))
                .order_by(ReviewRow.id)):
            decided_on[item_id] = number
        rows = connection.execution_options(stream_results=True, yield_per=STREAM).execute(
            select(ItemVersionRow.item_id, ItemVersionRow.number, cast(ItemVersionRow.document, Text))
            .where(ItemVersionRow.item_id.in_(select(routed.c.id))).order_by(ItemVersionRow.item_id))
        for item_id, number, document in rows:
            if decided_on.get(item_id) == number and item_id in gold:
                yield item_id, document, gold[item_id], routed_at.get(item_id)
