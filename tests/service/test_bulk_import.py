"""`gongkai import` (issue 20): an archive stored through the push's guards, in batches, resumable and
idempotent, on a real database (SQLite, and PostgreSQL when configured) with the real rules and model."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import func, select

from api import bulk_commands
from api.commands import _sessions
from api.context import Actor
from api.items import bulk
from api.rulesets import classifier
from api.settings import Settings
from engine.suggest import Suggester
from models.audit import verify_chain
from models.batch_records import BatchPartRow, BatchRunRow
from models.tables import AuditEventRow, ItemRow, ItemVersionRow, RuleHitRow
from tests.databases import fresh_database
from tests.service.conftest import Api, document, sample_documents, starter_documents

IMPORTER = Actor("import", "document_system")


@pytest.fixture(autouse=True)
def registry_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A registered model is written out to load it (api/rulesets/classifier._materialised): not into data/."""
    monkeypatch.setattr(classifier, "cache_dir", lambda: tmp_path / "registry")


def starter_lines(n: int = 300) -> list[dict[str, Any]]:
    return [document(record) for record in starter_documents()[:n]]


def write_jsonl(path: Path, docs: list[Any]) -> Path:
    path.write_text("".join((d if isinstance(d, str) else json.dumps(d, ensure_ascii=False)) + "\n" for d in docs),
                    encoding="utf-8")
    return path


def run_import(settings: Settings, path: Path, **options: Any) -> bulk_commands.ImportResult:
    options = {"origin": "closure", "actor": IMPORTER, "batch": 100, "workers": 1, **options}
    return bulk_commands.import_file(path, settings, **options)


def state(settings: Settings) -> dict[str, Any]:
    """What the database holds: items, versions and hits by source id, audit events by action."""
    sessions = _sessions(settings)
    try:
        with sessions() as session:
            items = {row.source_id: (row.current_version, row.status, row.store, row.marking, row.owner,
                                     row.suggested_secrecy, row.risk)
                     for row in session.scalars(select(ItemRow))}
            versions = sorted(tuple(r) for r in session.execute(select(ItemRow.source_id, ItemVersionRow.number,
                                                     ItemVersionRow.content_hash)
                                              .join(ItemVersionRow, ItemVersionRow.item_id == ItemRow.id)).all())
            hits = session.scalar(select(func.count()).select_from(RuleHitRow))
            events = dict(session.execute(select(AuditEventRow.action, func.count())
                                          .group_by(AuditEventRow.action)).all())
            return {"items": items, "versions": versions, "hits": hits, "events": events}
    finally:
        sessions.kw["bind"].dispose()


def chain_report(settings: Settings) -> Any:
    sessions = _sessions(settings)
    try:
        with sessions() as session:
            return verify_chain(session)
    finally:
        sessions.kw["bind"].dispose()


def test_an_archive_imported_twice_is_stored_once(settings: Settings, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    docs = starter_lines()
    source = write_jsonl(tmp_path / "archive.jsonl", docs)
    first = run_import(settings, source)
    assert (first.counts.created, first.counts.unchanged, first.counts.invalid) == (300, 0, 0)
    stored = state(settings)
    assert len(stored["items"]) == 300 and len(stored["versions"]) == 300 and stored["hits"] > 300
    assert stored["events"] == {"closure:created": 300}  # one event per stored version, covering it
    assert {item[4] for item in stored["items"].values()} == {"import"}
    suggested: list[str] = []
    real_suggest = Suggester.suggest
    monkeypatch.setattr(Suggester, "suggest", lambda self, doc: suggested.append(doc) or real_suggest(self, doc))
    again = run_import(settings, source)
    assert suggested == []  # the same documents again are found unchanged before they are suggested
    assert (again.counts.created, again.counts.new_version, again.counts.unchanged) == (0, 0, 300)
    assert again.run_id != first.run_id  # a finished run is not resumed: the file is read again, all unchanged
    assert state(settings) == stored  # nothing written
    report = chain_report(settings)
    assert report.intact, report.problems


def test_a_changed_document_is_a_new_version_and_a_published_item_leaves_its_store(
        api: Api, settings: Settings, tmp_path: Path) -> None:
    doc = sample_documents()[0]
    run_import(settings, write_jsonl(tmp_path / "v1.jsonl", [doc]))
    item = api.as_("office").get("/v1/items").json()["items"][0]["id"]
    assert api.as_("secrecy_reviewer").post(f"/v1/items/{item}/secrecy_review", json={"secrecy": "none"}).status_code == 200
    routed = api.as_("disclosure_reviewer").post(f"/v1/items/{item}/disclosure_review", json={}).json()
    assert routed["store"] == "proactive"
    changed = {**doc, "body": doc["body"] + "\n（修订）第二十条 本办法自发布之日起施行。"}
    result = run_import(settings, write_jsonl(tmp_path / "v2.jsonl", [changed]))
    assert (result.counts.new_version, result.counts.created) == (1, 0)
    after = api.as_("secrecy_reviewer").get(f"/v1/items/{item}").json()
    assert [v["number"] for v in after["versions"]] == [1, 2]
    assert after["status"] == "secrecy_review" and after["store"] is None and after["changed_after_review"] is True
    assert [(r["version"], r["stage"]) for r in after["reviews"]] == [(1, "secrecy_review"), (1, "disclosure_review")]
    feed = api.as_("office").get("/v1/feed/proactive").json()["entries"]
    # Published, then withdrawn (the feed shows the publish entry as withdrawn from then on).
    assert [(e["item_id"], e["action"]) for e in feed] == [(item, "withdrawn"), (item, "withdraw")]
    assert state(settings)["events"]["closure:new_version"] == 1


def test_another_accounts_item_is_refused_and_the_refusal_audited(api: Api, settings: Settings,
                                                                  tmp_path: Path) -> None:
    pushed = api.push(sample_documents()[1]).json()  # by the document system's own token, "document_system-1"
    changed = {**sample_documents()[1], "title": "另一个标题"}
    result = run_import(settings, write_jsonl(tmp_path / "a.jsonl", [sample_documents()[0], changed]))
    assert (result.counts.created, result.counts.refused) == (1, 1)
    assert result.counts.problems[0][0] == "line 2" and "another account" in result.counts.problems[0][1]
    item = api.as_("office").get(f"/v1/items/{pushed['id']}").json()
    assert len(item["versions"]) == 1 and item["title"] == sample_documents()[1]["title"]
    events = state(settings)["events"]
    assert events["closure:refused"] == 1
    # The same account name as the document system's token may update them: `--as document_system-1`.
    same = run_import(settings, write_jsonl(tmp_path / "b.jsonl", [changed]),
                      actor=Actor("document_system-1", "document_system"))
    assert same.counts.new_version == 1


def _command(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    bulk_commands.add_parsers(parser.add_subparsers(dest="verb"))
    return bulk_commands.import_command(parser.parse_args(["import", *argv]))


def test_invalid_lines_are_named_and_the_rest_stored(settings: Settings, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    docs = starter_lines(4)
    lines: list[Any] = [docs[0], "{not json", "", {**docs[1], "category": "proactive"}, {**docs[2], "id": None},
                        "[1, 2]", docs[3]]
    source = write_jsonl(tmp_path / "mixed.jsonl", lines)
    assert _command(str(source), "--database-url", settings.database_url, "--workers", "1", "--batch", "3") == 1
    out = capsys.readouterr().out
    assert "2 created" in out and "4 invalid" in out
    named = [line.strip().split(":")[0] for line in out.splitlines() if line.startswith("  line")]
    assert named == ["line 2", "line 4", "line 5", "line 6"]
    assert "category: Extra inputs are not permitted" in out
    assert sorted(state(settings)["items"]) == sorted([docs[0]["id"], docs[3]["id"]])


def test_an_interrupted_import_resumes_without_redoing_parts_done(settings: Settings, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_jsonl(tmp_path / "archive.jsonl", starter_lines(300))
    real = bulk_commands.store_batch
    calls: list[int] = []

    def third_batch_dies_after_storing(*args: Any, **kwargs: Any) -> bulk.BatchCounts:
        counts = real(*args, **kwargs)
        calls.append(len(args[4]))
        if len(calls) == 3:  # stored and committed, not yet marked done: the part is redone
            raise RuntimeError("killed")
        return counts

    monkeypatch.setattr(bulk_commands, "store_batch", third_batch_dies_after_storing)
    with pytest.raises(RuntimeError, match="killed"):
        run_import(settings, source, batch=50)
    monkeypatch.setattr(bulk_commands, "store_batch", real)
    suggested: list[int] = []
    real_suggest = bulk_commands.suggest_parts

    def counting(suggester: Any, parts: Any) -> Any:
        suggested.extend(p.number for p in parts)
        return real_suggest(suggester, parts)

    monkeypatch.setattr(bulk_commands, "suggest_parts", counting)
    resumed = run_import(settings, source, batch=500)  # the run's own part size (50) is kept
    assert resumed.parts_skipped == 2 and suggested == [2, 3, 4, 5]
    assert (resumed.counts.created, resumed.counts.unchanged) == (250, 50)
    with fresh_database("sqlite", tmp_path / "whole") as url:
        (tmp_path / "whole").mkdir(exist_ok=True)
        whole = settings.model_copy(update={"database_url": url})
        run_import(whole, source, batch=50)
        expected = state(whole)
    got = state(settings)
    assert got["versions"] == [(s, n, h) for s, n, h in expected["versions"]]
    assert {k: v[:6] for k, v in got["items"].items()} == {k: v[:6] for k, v in expected["items"].items()}
    assert got["events"] == expected["events"] == {"closure:created": 300} and got["hits"] == expected["hits"]
    sessions = _sessions(settings)
    with sessions() as session:
        run = session.get(BatchRunRow, resumed.run_id)
        assert run is not None and run.finished_at is not None and run.counts["created"] == 250
        assert session.scalar(select(func.count()).select_from(BatchPartRow)) == 6
    sessions.kw["bind"].dispose()
    assert chain_report(settings).intact


@pytest.fixture
def second_database(tmp_path: Path, settings: Settings) -> Iterator[Settings]:
    kind = "sqlite" if settings.database_url.startswith("sqlite") else "postgresql"
    (tmp_path / "second").mkdir()
    with fresh_database(kind, tmp_path / "second") as url:
        yield settings.model_copy(update={"database_url": url})


def test_parquet_gives_what_jsonl_gives(settings: Settings, second_database: Settings, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    docs = starter_lines(120)
    docs[5] = {**docs[5], "closed_on": "2025-06-30"}
    run_import(settings, write_jsonl(tmp_path / "a.jsonl", docs))
    table = pa.Table.from_pylist(docs)
    pq.write_table(table, tmp_path / "a.parquet", row_group_size=40)
    result = run_import(second_database, tmp_path / "a.parquet", batch=50, workers=2)
    assert (result.counts.created, result.counts.invalid) == (120, 0)
    jsonl, parquet = state(settings), state(second_database)
    assert parquet["versions"] == jsonl["versions"] and parquet["hits"] == jsonl["hits"]
    assert parquet["items"] == jsonl["items"]


def test_a_parquet_file_with_columns_that_are_not_document_fields_is_refused(settings: Settings,
                                                                            tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(starter_documents()[:3]), tmp_path / "labelled.parquet")
    with pytest.raises(bulk_commands.SourceError, match="not fields of a document: labels, basis"):
        run_import(settings, tmp_path / "labelled.parquet")


def test_a_marked_document_imported_never_reaches_the_proactive_store(api: Api, settings: Settings,
                                                                     tmp_path: Path) -> None:
    doc = {**sample_documents()[0], "id": "secret-1", "secrecy_marking": "机密"}
    run_import(settings, write_jsonl(tmp_path / "s.jsonl", [doc]))
    item = api.as_("office").get("/v1/items").json()["items"]
    assert item == [] or all(i["store"] is None for i in item)
    sessions = _sessions(settings)
    with sessions() as session:
        row = session.scalars(select(ItemRow).where(ItemRow.source_id == "secret-1")).one()
        assert row.marked and row.marking == "secret" and row.store is None
        item_id = row.id
    sessions.kw["bind"].dispose()
    # Even a reviewer deciding "none" and a disclosure reviewer choosing proactive cannot publish it.
    api.as_("secrecy_reviewer").post(f"/v1/items/{item_id}/secrecy_review",
                                     json={"secrecy": "none", "reason": "试图公开"})
    api.as_("disclosure_reviewer").post(f"/v1/items/{item_id}/disclosure_review",
                                        json={"category": "proactive", "reason": "试图公开"})
    assert api.as_("office").get("/v1/feed/proactive").json()["entries"] == []
    assert api.as_("office").get("/v1/stores/proactive").json()["items"] == []


def test_a_batch_that_races_a_push_of_one_of_its_documents_is_stored_the_slow_way(
        api: Api, settings: Settings, combined: Suggester, monkeypatch: pytest.MonkeyPatch) -> None:
    """The push lands between the batch's look-up and its write (IntegrityError on (origin, source_id)): the
    batch is rolled back and its documents stored one by one, each finding what is there by then."""
    from api.schemas import DocumentIn
    from engine.facts.document import content_hashes, document_from_record

    pushed, new = sample_documents()[0], sample_documents()[1]
    assert api.push(pushed).status_code == 201
    docs = []
    for raw in (pushed, new):
        doc = DocumentIn.model_validate(raw)
        record = doc.record(bulk_commands.Origin.CLOSURE)
        docs.append(bulk.Suggested(record, combined.suggest(document_from_record(record)), content_hashes(record)))
    real_existing = bulk._existing
    looks: list[int] = []

    def stale_first_look(*args: Any) -> Any:  # the batch's look-up, made before the push committed
        looks.append(1)
        return {} if len(looks) == 1 else real_existing(*args)

    monkeypatch.setattr(bulk, "_existing", stale_first_look)
    sessions = _sessions(settings)
    ctx = bulk_commands._context(settings, combined)
    with sessions() as session:
        counts = bulk.store_batch(session, ctx, Actor("document_system-1", "document_system"), "closure", docs,
                                  ruleset_revision=combined.book.revision, model_id=combined.model.model_id)
    sessions.kw["bind"].dispose()
    assert (counts.created, counts.unchanged, counts.refused) == (1, 1, 0) and len(looks) == 3
    stored = state(settings)
    assert sorted(stored["items"]) == sorted([pushed["id"], new["id"]]) and len(stored["versions"]) == 2
    assert stored["events"]["closure:created"] == 2
