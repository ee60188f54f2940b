"""The audit log: every action recorded, protected against update and delete by the database, and
a keyed hash chain whose verification names what someone without the key changed: an event, a cut
tail (also behind a replayed checkpoint), a rewrite from any event, a review or document version."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import DBAPIError

from api.app import create_app
from api.audit_key import AuditKeyError, audit_key
from api.settings import Settings
from engine.suggest import Suggester
from models import guards
from models.audit import GENESIS, LINKED, ChainReport, ExternalCheckpoint, event_hash, verify_chain
from models.audit.chain import link_hash
from models.migrate import upgrade
from models.session import make_engine
from models.tables import AuditEventRow, AuditLinkRow, CounterRow
from tests.service.conftest import Api, review_item, sample_documents


def _flow(api: Api) -> int:
    item = api.push(sample_documents()[0]).json()
    api.as_("secrecy_reviewer").post(f"/v1/items/{item['id']}/secrecy_review", json={"secrecy": "none"})
    api.as_("disclosure_reviewer").post(f"/v1/items/{item['id']}/disclosure_review", json={})
    return int(item["id"])


def test_every_action_is_recorded_with_who_what_before_and_after(api: Api) -> None:
    item_id = _flow(api)
    events = api.as_("supervisor").get("/v1/audit", params={"item_id": item_id}).json()["events"]
    assert [e["action"] for e in events] == ["closure:created", "secrecy_review", "disclosure_review", "routed"]
    assert [e["actor"] for e in events] == ["document_system-1", "secrecy_reviewer-1", "disclosure_reviewer-1",
                                            "disclosure_reviewer-1"]
    review = events[1]
    assert review["before"] == {"suggested": {"secrecy": "none"}}
    assert review["after"]["decided"] == {"secrecy": "none"} and review["after"]["changed"] == []
    assert events[3]["after"]["store"] == "proactive"
    assert api.as_("supervisor").get("/v1/audit/verify").json()["intact"] is True


@pytest.mark.parametrize("table", guards.APPEND_ONLY)
def test_the_database_refuses_update_and_delete(api: Api, table: str) -> None:
    _flow(api)
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    column = {"audit_event": "actor", "review": "actor", "item_version": "received_by", "rule_hit": "mode",
              "rule_set": "created_by", "rule_activation": "actor"}[table]
    for statement in (f"UPDATE {table} SET {column} = 'someone else'", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() > 0


def _settle(api: Api) -> None:
    """Link every event committed so far (the service's appender thread does it moments after each commit)."""
    api.client.app.state.audit_appender.drain()  # type: ignore[attr-defined]


def _tamper(api: Api, statement: str) -> None:
    """What someone with database access would do: drop the guards, change history."""
    _settle(api)
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        for drop in guards.drop_statements(engine.dialect.name):
            connection.execute(text(drop))
        connection.execute(text(statement))


def test_a_changed_event_is_named_by_the_verification(api: Api, database_url: str) -> None:
    _flow(api)
    _flow(api)
    _tamper(api, "UPDATE audit_event SET actor = 'nobody' WHERE seq = 3")
    report = api.as_("admin").get("/v1/audit/verify").json()
    assert report == {"events": 3, "intact": False, "broken_at": 3,
                      "problem": "event 3 was changed after it was written"}
    cli = subprocess.run([sys.executable, "-m", "api.cli", "audit", "verify"], capture_output=True, text=True,
                         env={**os.environ, "GONGKAI_DATABASE_URL": database_url}, timeout=120)
    assert cli.returncode == 1 and "BROKEN at position 3 of the chain" in cli.stdout


def test_a_removed_event_is_named(api: Api) -> None:
    _flow(api)
    _tamper(api, "DELETE FROM audit_event WHERE seq = 2")
    report = api.as_("admin").get("/v1/audit/verify").json()
    assert report["broken_at"] == 2 and "missing" in report["problem"]


def test_an_intact_chain_verifies_from_the_command_line(api: Api, database_url: str) -> None:
    _flow(api)
    cli = subprocess.run([sys.executable, "-m", "api.cli", "audit", "verify"], capture_output=True, text=True,
                         env={**os.environ, "GONGKAI_DATABASE_URL": database_url}, timeout=120)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "intact" in cli.stdout


# --- the keyed chain -------------------------------------------------------------------------------

OTHER_KEY = "another-key-that-is-long-enough-0123456789abcdef"


def _engine(api: Api) -> Any:
    return api.client.app.state.engine  # type: ignore[attr-defined]


def _verify(api: Api, key: bytes | None | object = ..., against: ExternalCheckpoint | None = None) -> ChainReport:
    """The verification function, on a session of the service (which carries its key)."""
    _settle(api)
    with api.client.app.state.sessions() as session:  # type: ignore[attr-defined]
        return verify_chain(session, against=against) if key is ... else verify_chain(session, key, against)


def _cli(database_url: str, *args: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    """`gongkai audit ARGS` as an operator runs it: the key from the environment (the session's key file)."""
    environment = {**os.environ, "GONGKAI_DATABASE_URL": database_url}
    for name, value in env.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return subprocess.run([sys.executable, "-m", "api.cli", "audit", *args], capture_output=True, text=True,
                          env=environment, timeout=120)


def _broken(api: Api, database_url: str, *expected: str, against: Path | None = None) -> None:
    """Both the function and the command name every expected problem; the command exits 1."""
    point = ExternalCheckpoint.from_json(json.loads(against.read_text())) if against else None
    report = _verify(api, against=point)
    assert not report.intact
    for phrase in expected:
        assert any(phrase in problem for problem in report.problems), (phrase, report.problems)
    cli = _cli(database_url, "verify", *(["--against", str(against)] if against else []))
    assert cli.returncode == 1, cli.stdout + cli.stderr
    assert "BROKEN" in cli.stdout
    for phrase in expected:
        assert phrase in cli.stdout, (phrase, cli.stdout)


def _seqs(api: Api, action: str) -> list[int]:
    with _engine(api).connect() as connection:
        return list(connection.execute(text("SELECT seq FROM audit_event WHERE action = :a ORDER BY seq"),
                                       {"a": action}).scalars())


def _event_at(api: Api, position: int) -> int:
    return int(_one(api, "SELECT event_seq FROM audit_link WHERE position = :p", p=position)[0])


def _one(api: Api, query: str, **params: Any) -> Any:
    with _engine(api).connect() as connection:
        return connection.execute(text(query), params).one()


def _two_flows(api: Api) -> tuple[int, int]:
    """Two items pushed, reviewed and routed: items with versions, reviews and their events."""
    first = _flow(api)
    second = int(api.push(sample_documents()[1]).json()["id"])
    review_item(api, second, {"secrecy": "none"}, {})
    return first, second


def test_an_intact_keyed_log_verifies_with_its_reviews_and_versions(api: Api, database_url: str,
                                                                   tmp_path: Path) -> None:
    first, second = _two_flows(api)
    report = _verify(api)
    assert report.intact, report.problems
    assert report.legacy == 0 and report.keyed_from == 1 and report.head == report.events
    assert report.covered == {"review": 4, "item_version": 2}
    with _engine(api).connect() as connection:
        covers = connection.execute(select(AuditEventRow.action, AuditEventRow.covers)
                                    .where(AuditEventRow.item_id == first).order_by(AuditEventRow.seq)).all()
    assert [(action, (c or {}).get("table")) for action, c in covers] == [
        ("closure:created", "item_version"), ("secrecy_review", "review"), ("disclosure_review", "review"),
        ("routed", None)]
    point = tmp_path / "checkpoint.json"
    written = _cli(database_url, "checkpoint", "--out", str(point))
    assert written.returncode == 0, written.stdout + written.stderr
    assert json.loads(point.read_text())["seq"] == report.head
    cli = _cli(database_url, "verify", "--against", str(point))
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "4 reviews and 2 document versions match" in cli.stdout and "predate" not in cli.stdout


def test_deleting_the_last_events_is_named(api: Api, database_url: str) -> None:
    _two_flows(api)
    head = _verify(api).head
    _tamper(api, f"DELETE FROM audit_event WHERE seq IN (SELECT event_seq FROM audit_link WHERE position > {head - 2})")
    _broken(api, database_url, f"event {_event_at(api, head - 1)} is missing (it was linked at chain position {head - 1})")
    _tamper(api, f"DELETE FROM audit_link WHERE position > {head - 2}")
    _broken(api, database_url, f"the chain ends at position {head - 2} but the checkpoint says it reached position {head}",
            f"the audit counter says the chain reached {head}")


@pytest.mark.slow  # CLI processes
def test_a_replayed_checkpoint_is_caught_by_the_rows_written_since_and_by_a_checkpoint_file(
        api: Api, database_url: str, tmp_path: Path) -> None:
    """The attacker kept a copy of the checkpoint row; later they cut the log back to it, put the copy
    back and set the counter back: the reviews and versions written since have no event any more."""
    _flow(api)
    _settle(api)
    with _engine(api).connect() as connection:
        old = dict(connection.execute(text("SELECT seq, hash, at, mac FROM audit_checkpoint")).mappings().one())
    point = tmp_path / "checkpoint.json"
    second = int(api.push(sample_documents()[1]).json()["id"])
    review_item(api, second, {"secrecy": "none"}, None)
    assert _cli(database_url, "checkpoint", "--out", str(point)).returncode == 0
    head = _verify(api).head
    review_id, version_id = _one(api, "SELECT r.id, v.id FROM review r JOIN item_version v ON v.item_id = r.item_id "
                                      "WHERE r.item_id = :i", i=second)
    with _engine(api).begin() as connection:
        for drop in guards.drop_statements(connection.dialect.name):
            connection.execute(text(drop))
        connection.execute(text(f"DELETE FROM audit_event WHERE seq IN (SELECT event_seq FROM audit_link "
                                f"WHERE position > {old['seq']})"))
        connection.execute(text(f"DELETE FROM audit_link WHERE position > {old['seq']}"))
        connection.execute(text("UPDATE audit_checkpoint SET seq = :seq, hash = :hash, at = :at, mac = :mac"),
                           {**old, "at": old["at"]})
        connection.execute(text(f"UPDATE counter SET value = {old['seq']} WHERE name = 'audit'"))
    _broken(api, database_url, f"review {review_id} (item {second}, secrecy_review) has no audit event",
            f"document version {version_id} (item {second}, version 1) has no audit event")
    # Thorough: the rows written since are deleted too. Only the checkpoint kept outside still knows.
    with _engine(api).begin() as connection:
        for table in ("rule_hit", "feed_entry", "review", "item_version", "item"):
            column = "id" if table == "item" else "item_id"
            connection.execute(text(f"DELETE FROM {table} WHERE {column} = {second}"))
    assert _verify(api).intact  # what remains undetectable without an external checkpoint
    _broken(api, database_url, f"the chain ends at position {old['seq']} but the checkpoint file",
            f"reached position {head}",
            against=point)


def _rewrite_from(api: Api, start: int, **change: Any) -> None:
    """Change event `start`, recompute its SHA-256 hash and every link's from its place on, as someone without
    the key can; the MACs stay as they were (or the event's is set to NULL when change says mac=None)."""
    _settle(api)
    events, links = AuditEventRow.__table__, AuditLinkRow.__table__
    with _engine(api).begin() as connection:
        for drop in guards.drop_statements(connection.dialect.name):
            connection.execute(text(drop))
        row = dict(connection.execute(select(events).where(events.c.seq == start)).mappings().one())
        values = {**row, **change}
        values["hash"] = event_hash(values["seq"], values["at"], values["actor"], values["role"], values["action"],
                                    values["item_id"], values["before"], values["after"], LINKED, values["covers"])
        connection.execute(update(events).where(events.c.seq == start).values(
            {k: values[k] for k in ("actor", "hash", "mac")}))
        position = connection.execute(select(links.c.position).where(links.c.event_seq == start)).scalar_one()
        prev = connection.execute(select(links.c.hash).where(links.c.position == position - 1)).scalar_one()
        later = connection.execute(select(links.c.position, events.c.seq, events.c.hash)
                                   .join(events, events.c.seq == links.c.event_seq)
                                   .where(links.c.position >= position).order_by(links.c.position)).all()
        for place, seq, own in later:
            new = link_hash(place, seq, own, prev)
            connection.execute(update(links).where(links.c.position == place).values(prev_hash=prev, hash=new))
            prev = new


def test_rewriting_the_chain_from_a_middle_event_is_named(api: Api, database_url: str) -> None:
    _two_flows(api)
    middle = _seqs(api, "secrecy_review")[0]
    _rewrite_from(api, middle, actor="someone else")
    _broken(api, database_url, f"event {middle}'s MAC does not match: the chain was rewritten from event {middle}")
    report = _verify(api)
    assert report.broken_at == middle


def test_rewriting_from_a_middle_event_without_macs_is_named(api: Api, database_url: str) -> None:
    _two_flows(api)
    middle = _seqs(api, "disclosure_review")[0]
    _rewrite_from(api, middle, actor="someone else", mac=None)
    _broken(api, database_url, f"event {middle} has no MAC, though the keyed chain starts at position 1: "
                               f"the chain was rewritten from event {middle}")


@pytest.mark.parametrize("edit", ["UPDATE review SET reason = 'a better reason' WHERE id = {id}",
                                  "UPDATE review SET decided = '{{\"secrecy\": \"secret\"}}' WHERE id = {id}"],
                         ids=["reason", "decided"])
def test_an_edited_review_is_named(api: Api, database_url: str, edit: str) -> None:
    first, _ = _two_flows(api)
    review_id, seq = _one(api, "SELECT r.id, e.seq FROM review r, audit_event e WHERE r.item_id = :i AND "
                               "r.stage = 'secrecy_review' AND e.item_id = r.item_id AND e.action = r.stage", i=first)
    _tamper(api, edit.format(id=review_id))
    _broken(api, database_url, f"review {review_id} (item {first}, secrecy_review) differs from what the audit log "
                               f"recorded at event {seq}")


def test_a_deleted_review_and_an_edited_document_version_are_named(api: Api, database_url: str) -> None:
    first, second = _two_flows(api)
    review_id = _one(api, "SELECT id FROM review WHERE item_id = :i AND stage = 'disclosure_review'", i=second)[0]
    version_id = _one(api, "SELECT id FROM item_version WHERE item_id = :i", i=first)[0]
    _tamper(api, f"DELETE FROM review WHERE id = {review_id}")
    _tamper(api, f"UPDATE item_version SET received_by = 'someone else' WHERE id = {version_id}")
    _broken(api, database_url, f"review {review_id} (item {second}, disclosure_review) was deleted: the audit log "
                               "recorded it at event",
            f"document version {version_id} (item {first}, version 1) differs from what the audit log recorded")


def test_the_checkpoint_is_never_deleted_and_its_removal_or_change_is_named(api: Api, database_url: str) -> None:
    _flow(api)
    with pytest.raises(DBAPIError, match="never deleted"):
        with _engine(api).begin() as connection:
            connection.execute(text("DELETE FROM audit_checkpoint"))
    _tamper(api, "UPDATE audit_checkpoint SET seq = seq + 1")
    assert "the checkpoint does not match its MAC" in (_verify(api).problem or "")
    _tamper(api, "DELETE FROM audit_checkpoint")
    _broken(api, database_url, "the checkpoint is missing, though positions 1-")


@pytest.mark.slow  # CLI processes
def test_a_wrong_or_missing_key_is_named(api: Api, database_url: str, tmp_path: Path) -> None:
    _flow(api)
    assert "wrong audit key" in (_verify(api, OTHER_KEY.encode()).problem or "")
    assert "no audit key" in (_verify(api, None).problem or "")
    wrong = _cli(database_url, "verify", GONGKAI_AUDIT_KEY_FILE=None, GONGKAI_AUDIT_KEY=OTHER_KEY)
    assert wrong.returncode == 1 and "wrong audit key" in wrong.stdout, wrong.stdout + wrong.stderr
    missing = _cli(database_url, "verify", GONGKAI_AUDIT_KEY_FILE=None, GONGKAI_AUDIT_KEY=None,
                   GONGKAI_DATA=str(tmp_path))  # no data/runtime/audit.key to fall back on either
    assert missing.returncode == 2 and "no audit key" in missing.stderr, missing.stdout + missing.stderr


def test_events_from_before_the_key_still_verify_and_are_counted(database_url: str, model_dir: Path,
                                                                 audit_key_file: Path, combined: Suggester) -> None:
    """A database upgraded from 0004: its events have no MAC; the first keyed event links to the last
    of them, so they cannot be rewritten either (only the whole log, as README says)."""
    engine = make_engine(database_url)
    upgrade(engine, "0004")
    at = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)
    prev, events = GENESIS, []
    for seq in (1, 2, 3):  # as the code before 0005 wrote them: no covers, no MAC
        after = {"token_id": seq}
        hash_ = event_hash(seq, at, "admin-0", "admin", "token:issue", None, None, after, prev)
        events.append({"seq": seq, "at": at, "actor": "admin-0", "role": "admin", "action": "token:issue",
                       "item_id": None, "before": None, "after": after, "prev_hash": prev, "hash": hash_})
        prev = hash_
    with engine.begin() as connection:
        connection.execute(insert(AuditEventRow.__table__), events)
        connection.execute(insert(CounterRow.__table__).values(name="audit", value=3))
    engine.dispose()
    settings = Settings(database_url=database_url, model=model_dir, audit_key_file=audit_key_file)
    app = create_app(settings, suggester=combined)  # migrates to 0005 and appends keyed events
    try:
        with app.state.sessions() as session:
            report = verify_chain(session)
        assert report.intact, report.problems
        assert report.legacy == 3 and report.keyed_from == 4 and report.events > 3
        cli = _cli(database_url, "verify")
        assert cli.returncode == 0 and "3 events predate the keyed chain" in cli.stdout, cli.stdout + cli.stderr
        with app.state.engine.begin() as connection:
            for drop in guards.drop_statements(connection.dialect.name):
                connection.execute(text(drop))
            connection.execute(text("UPDATE audit_event SET actor = 'nobody' WHERE seq = 2"))
        with app.state.sessions() as session:
            assert verify_chain(session).problem == "event 2 was changed after it was written"
    finally:
        app.state.engine.dispose()
        app.state.reader_engine.dispose()


# --- the key's settings --------------------------------------------------------------------------------

def test_a_short_or_unreadable_key_is_a_start_up_error_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="GONGKAI_AUDIT_KEY is shorter than 32 bytes"):
        Settings(audit_key="too short")
    with pytest.raises(ValidationError, match="GONGKAI_AUDIT_KEY_FILE=.*cannot be read"):
        Settings(audit_key_file=tmp_path / "absent.key")
    (tmp_path / "short.key").write_text("0123456789\n")
    with pytest.raises(ValidationError, match="GONGKAI_AUDIT_KEY_FILE=.*holds 10 bytes"):
        Settings(audit_key_file=tmp_path / "short.key")
    with pytest.raises(ValidationError, match="both set"):
        Settings(audit_key=OTHER_KEY, audit_key_file=_key_file(tmp_path))
    done = _cli("sqlite:///" + str(tmp_path / "x.db"), "verify", GONGKAI_AUDIT_KEY_FILE=None, GONGKAI_AUDIT_KEY="short")
    assert done.returncode == 2 and "GONGKAI_AUDIT_KEY is shorter than 32 bytes" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def _key_file(directory: Path) -> Path:
    path = directory / "good.key"
    path.write_text(OTHER_KEY + "\n")
    return path


def test_without_a_key_sqlite_makes_one_beside_the_data_and_postgresql_refuses(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("GONGKAI_DATA", str(tmp_path))
    monkeypatch.delenv("GONGKAI_AUDIT_KEY_FILE")
    settings = Settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'runtime' / 'gongkai.db'}"
    with pytest.raises(AuditKeyError, match="no audit key"):
        audit_key(settings, create=False)  # a verification never invents a key
    with caplog.at_level(logging.WARNING, logger="gongkai"):
        key = audit_key(settings)
    path = tmp_path / "runtime" / "audit.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) >= 32
    assert "made a new audit key" in caplog.text and "GONGKAI_AUDIT_KEY_FILE" in caplog.text
    assert audit_key(settings) == key == audit_key(settings, create=False)  # the same key at every start
    with pytest.raises(AuditKeyError, match="GONGKAI_AUDIT_KEY_FILE"):
        audit_key(Settings(database_url="postgresql+psycopg://gongkai@db.example/gongkai"))
