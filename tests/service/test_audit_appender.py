"""The audit chain's single appender (issue 20): appends no longer wait for each other, and what the chain
gives up between an event's commit and its link is still named by the verification."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select, text

from models import audit, guards
from models.audit.appender import ChainHeadError
from models.session import make_sessions
from models.tables import AuditLinkRow
from tests.service.conftest import Api


def _state(api: Api) -> Any:
    return api.client.app.state  # type: ignore[attr-defined]


def _quiet_sessions(api: Api) -> Any:
    """Sessions that append without linking (their nudge does nothing): the events stay queued, as between a
    commit and the appender's next batch."""
    key = _state(api).sessions.kw["info"][audit.chain.AUDIT_KEY]
    return make_sessions(_state(api).engine, audit_key=key, on_append=lambda: None)


def _append(sessions: Any, action: str, commit: bool = True) -> Any:
    session = sessions()
    row = audit.record(session, actor="tester", role="admin", action=action, after={"n": action})
    if commit:
        session.commit()
        session.close()
        return row
    return session, row


def _verify(api: Api) -> audit.ChainReport:
    with _state(api).sessions() as session:
        return audit.verify_chain(session)


def _sql(api: Api, *statements: str) -> None:
    with _state(api).engine.begin() as connection:
        for drop in guards.drop_statements(connection.dialect.name):
            connection.execute(text(drop))
        for statement in statements:
            connection.execute(text(statement))


def test_an_append_does_not_wait_for_another_transaction_to_commit(api: Api, database_url: str) -> None:
    """Before 0011 the second append queued behind the first's row lock on the "audit" counter until it
    committed; now it commits at once, and the chain takes the events in the order they were committed."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer by design: transactions that write run one at a time")
    sessions = _state(api).sessions
    first, first_row = _append(sessions, "first", commit=False)
    second = sessions()
    second.execute(text("SET LOCAL lock_timeout = '2s'"))  # a wait for the first's lock would fail here
    second_row = audit.record(second, actor="tester", role="admin", action="second")
    second.commit()
    _state(api).audit_appender.drain()  # the appender finds the second committed, the first not yet
    first.commit()
    _state(api).audit_appender.drain()
    with sessions() as session:
        order = {seq: position for position, seq in session.execute(select(AuditLinkRow.position,
                                                                          AuditLinkRow.event_seq))}
    assert first_row.seq < second_row.seq and order[second_row.seq] < order[first_row.seq]
    report = _verify(api)
    assert report.intact and report.pending == 0, report.problems


def test_concurrent_appends_are_all_linked_once_in_a_gapless_chain(api: Api) -> None:
    sessions = _state(api).sessions
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(15):
                _append(sessions, f"t{n}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    _state(api).audit_appender.drain()
    with sessions() as session:
        positions = list(session.scalars(select(AuditLinkRow.position).order_by(AuditLinkRow.position)))
        linked = list(session.scalars(select(AuditLinkRow.event_seq)))
    assert positions == list(range(1, len(positions) + 1)) and len(set(linked)) == len(linked)
    report = _verify(api)
    assert report.intact and report.pending == 0 and report.head == len(positions) >= 90, report.problems


def test_a_queued_event_is_checked_by_its_own_hash_and_mac_before_it_is_linked(api: Api) -> None:
    quiet = _quiet_sessions(api)
    _state(api).audit_appender.stop()  # no thread looking every second: the events stay queued
    changed, unqueued, removed, waiting = (_append(quiet, name) for name in ("changed", "unqueued", "removed", "ok"))
    report = _verify(api)
    assert report.intact and report.pending == 4, report.problems
    _sql(api, f"UPDATE audit_event SET actor = 'nobody' WHERE seq = {changed.seq}",
         f"DELETE FROM audit_queue WHERE event_seq = {unqueued.seq}",
         f"DELETE FROM audit_event WHERE seq = {removed.seq}")
    problems = " ".join(_verify(api).problems)
    assert f"event {unqueued.seq} is in no chain: it was never linked and is not queued" in problems
    assert f"event {removed.seq} was removed before it was linked" in problems
    assert f"event {changed.seq} was changed after it was written (it is not linked yet)" in problems
    _state(api).audit_appender.drain()  # links what it can: the changed event too, which breaks the chain there
    report = _verify(api)
    assert report.problem == f"event {changed.seq} was changed after it was written", report.problems
    with _state(api).sessions() as session:
        assert session.scalar(select(AuditLinkRow.position).where(AuditLinkRow.event_seq == waiting.seq))


def test_the_appender_does_not_build_on_a_checkpoint_put_back(api: Api, database_url: str) -> None:
    """Linking after an older checkpoint was put back would hide the cut: it refuses, and says why."""
    appender = _state(api).audit_appender
    appender.drain()
    with _state(api).engine.connect() as connection:
        old = dict(connection.execute(text("SELECT seq, hash, at, mac FROM audit_checkpoint")).mappings().one())
    _append(_quiet_sessions(api), "later")
    appender.drain()
    _sql(api)
    with _state(api).engine.begin() as connection:
        connection.execute(text("UPDATE audit_checkpoint SET seq = :seq, hash = :hash, at = :at, mac = :mac"), old)
    queued = _append(_quiet_sessions(api), "queued")
    with _state(api).sessions() as session, pytest.raises(ChainHeadError, match="names position"):
        audit.drain(session)
    assert appender.drain() == 0  # said in the log once, nothing linked
    report = _verify(api)
    assert not report.intact and report.pending == 1
    assert any("an older checkpoint was put back" in p for p in report.problems), report.problems
    with _state(api).sessions() as session:
        assert session.scalar(select(AuditLinkRow.position).where(AuditLinkRow.event_seq == queued.seq)) is None


def test_numbers_reserved_for_a_batch_are_used_in_order_and_never_twice(api: Api) -> None:
    sessions = _state(api).sessions
    with sessions() as session:
        audit.reserve(session, 3)
        rows = [audit.record(session, actor="importer", role="admin", action=f"batch-{i}") for i in range(3)]
        session.commit()
    assert [r.seq for r in rows] == list(range(rows[0].seq, rows[0].seq + 3))
    with sessions() as session:
        audit.reserve(session, 5)
        audit.record(session, actor="importer", role="admin", action="rolled back")
        session.rollback()
        after = audit.record(session, actor="importer", role="admin", action="after")
        session.commit()
    # PostgreSQL's sequence never gives numbers back (a harmless gap); SQLite's counter rolls back with the rest
    assert after.seq == (rows[-1].seq + 6 if _state(api).engine.dialect.name == "postgresql" else rows[-1].seq + 1)
    _state(api).audit_appender.drain()
    report = _verify(api)
    assert report.intact and report.pending == 0, report.problems
