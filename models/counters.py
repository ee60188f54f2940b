"""Gapless counters: index numbers (索引号) per agency and year, the feed, the audit chain."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models.tables import CounterRow


def next_value(session: Session, name: str) -> int:
    """The next value of counter `name` (1 first), taken in the caller's transaction.

    The UPDATE holds the row lock until commit, so concurrent users queue behind it and commit in
    number order; a rollback gives the number back: no gaps, no duplicates.
    """
    return next_values(session, name, 1)[0]


def next_values(session: Session, name: str, n: int) -> range:
    """The next `n` values of counter `name`, taken at once (as next_value)."""
    # synchronize_session=False: the ORM would otherwise look for the counter's object through the whole
    # identity map at every call (a batch of 500 stored documents made that quadratic).
    bump = (update(CounterRow).where(CounterRow.name == name).values(value=CounterRow.value + n)
            .returning(CounterRow.value).execution_options(synchronize_session=False))
    value = session.execute(bump).scalar_one_or_none()
    if value is None:  # the counter's first use (a new agency year): create it, racing safely
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(CounterRow).values(name=name, value=0).on_conflict_do_nothing(index_elements=["name"]))
        value = session.execute(bump).scalar_one()
    return range(int(value) - n + 1, int(value) + 1)
