"""A realistic database for the report benchmark (issue 5): 100k reviewed items in a minute or two.

Going through the HTTP API or the ORM unit of work would take far longer than the reports being
measured, so rows are written with SQLAlchemy Core `insert(Table)` executemany in batches. What makes
the data realistic is that every suggestion is a real one: the project's suggester (rules and trained
model, as `gongkai serve` loads them) is run on the starter documents, and those few hundred
suggestions are replicated across the items, stored as the exact JSON intake stores. Around them:

- 8 divisions, closing dates over 2 years, the real Art. 26 due dates (data/calendar);
- decisions that confirm the suggestion about 85% of the time and otherwise change one or more fields
  with a reason, always to a combination engine.workflow.routing accepts (so every CHECK constraint holds);
- one secrecy and one disclosure review per routed item, some days after closing, ids in time order;
- about 5% of items with 2 versions: revised before review (2%), revised after routing (2%) and
  published items withdrawn because version 2 is marked secret (1%, re-reviewed and withheld), each
  with its `closure:new_version` audit event; about 4% published after the due date;
- about 500 `reopen` events shaped as api/items/review.py `reopen` writes them (routed -> disclosure_review,
  a withdraw feed entry when it was published), 60% decided again since, the rest waiting;
- the rule_hit index rows of every version (when the schema has that table, migration 0002);
- several ruleset revisions and model ids (and a rules-only start), by date;
- the pending items: secrecy review or disclosure review, some overdue;
- feed entries, a real audit hash chain (`gongkai audit verify` passes) and consistent counters.

The full audit trail of every item (created, reviewed, routed: ~4 events per item) is not written:
the reports read only `closure:new_version` and `reopen` events, by the indexed action.

    .venv/bin/python bench/report_data.py [--items 100000] [--pending 5000] [--seed 0] [--fresh]
                                          [--database-url URL]

Without --database-url the database is the SQLite file cache_path(...) (/tmp/gongkai-bench/), reused
by later runs; on PostgreSQL give a URL with `?options=-csearch_path%3D<schema>` (the schema is made).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import itertools
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from sqlalchemy import Engine, Table, delete, event, func, insert, make_url, select, text  # noqa: E402

import models.tables  # noqa: E402
from api.app import load_suggester  # noqa: E402
from api.items.intake import content_hash  # noqa: E402
from api.schemas import DocumentIn  # noqa: E402
from api.settings import Settings  # noqa: E402
from engine.facts.document import document_from_record  # noqa: E402
from engine.suggest import Suggester  # noqa: E402
from engine.vocabulary import Category, Column, Exemption, Secrecy, secrecy_rank  # noqa: E402
from engine.workflow.index_number import format_index_number  # noqa: E402
from engine.workflow.priority import review_priority  # noqa: E402
from engine.workflow.routing import problems  # noqa: E402
from engine.workflow.working_days import CHINA_TIME, WorkingCalendar, publication_due, today_in_china  # noqa: E402
from models.audit import GENESIS, event_hash  # noqa: E402
from models.migrate import MIGRATIONS, upgrade  # noqa: E402
from models.session import make_engine  # noqa: E402
from models.tables import AuditEventRow, CounterRow, FeedEntryRow, ItemRow, ItemVersionRow, ReviewRow  # noqa: E402

CACHE = Path("/tmp/gongkai-bench")
SOURCES = (PROJECT / "data" / "training" / "records.jsonl", PROJECT / "data" / "samples" / "closures.jsonl")  # starter A, B
DIVISIONS = ("办公室", "法规处", "预算处", "人事处", "综合处", "财务处", "执法总队", "社会救助科")
SECRECY_REVIEWERS = ("张敏", "王磊", "刘洋")
DISCLOSURE_REVIEWERS = ("陈静", "杨帆", "赵丽", "黄涛")
OFFICE = "周主任"
PUSHER = "公文系统"
REASONS = ("经核实，与建议不符", "涉及第三方信息，调整公开方式", "栏目归属调整", "经处室确认，密级调整",
           "依据领导批示调整", "属于过程性信息")
FIELDS = ("secrecy", "category", "exemption", "column")
BATCH = 2_000
FORMAT = 2
# The rule_hit index (migration 0002) is written beside each version, as api/items/intake.py does, when the
# schema has it.
RuleHitRow = getattr(models.tables, "RuleHitRow", None)
DAY = dt.timedelta(days=1)

Decision = tuple[str, str, str | None, str | None]  # secrecy, category, exemption, column


class Raw(str):
    """JSON text already serialised: the same few hundred suggestions are stored ~100k times, and
    serialising each once (instead of per row) takes seconds off the population."""


def _json(value: Any) -> str:
    # The engines' serializer (models.session) plus a pass-through for Raw; also used by psycopg's Jsonb.
    return str(value) if isinstance(value, Raw) else json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Template:
    """One starter document and its real suggestion, with what a review of it may decide."""

    record: dict[str, Any]
    suggestion: Raw
    suggested: dict[str, str | None]
    marking: str
    risk: float
    hits: tuple[tuple[str, str | None, Raw], ...]  # (rule id, mode, outcome JSON): the rule_hit rows


def cache_path(n_reviewed: int, n_pending: int, seed: int) -> Path:
    pending = "" if n_pending == 5_000 else f"-p{n_pending}"
    return CACHE / f"reports-{n_reviewed}{pending}-{seed}.db"


def marker(n_reviewed: int, n_pending: int, seed: int) -> str:
    """A counter row saying which data set a database holds (how a cached database is reused). FORMAT
    changes whenever population does (v2: rule_hit rows), and the digest of the migrations whenever
    the schema does (even a migration edited in place): either way an older cache is rebuilt."""
    migrations = hashlib.sha256(b"".join(p.read_bytes() for p in sorted((MIGRATIONS / "versions").glob("*.py")))).hexdigest()
    return f"bench:reports:v{FORMAT}:{migrations[:12]}:{n_reviewed}:{n_pending}:{seed}"


# --- the real suggestions ------------------------------------------------------------------------------

def templates(suggester: Suggester) -> list[Template]:
    """The real suggestion for every starter document."""
    out = []
    for path in SOURCES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            raw = json.loads(line)
            fields = {k: raw.get(k) for k in DocumentIn.model_fields if k != "closed_on" and raw.get(k) is not None}
            record = DocumentIn(**fields).record("closure")
            suggestion = suggester.suggest(document_from_record(record))
            out.append(Template(record, Raw(_json(suggestion)),
                                {k: suggestion["suggestion"][k]["value"] for k in FIELDS},
                                suggestion.get("marking") or "none", review_priority(suggestion),
                                tuple((h["id"], h.get("mode"), Raw(_json(h.get("outcome") or {})))
                                      for h in suggestion.get("hits", ()))))
    return out


def routable(marking: str) -> list[Decision]:
    """Every final decision engine.workflow.routing accepts for an item with this marking."""
    return [(str(s), str(c), e and str(e), col and str(col))
            for s in Secrecy for c in Category for e in (None, *Exemption) for col in (None, *Column)
            if not problems(secrecy=s, category=c, exemption=e, column=col, marking=marking)]


def changed_fields(suggested: dict[str, str | None], decided: Decision) -> list[str]:
    # As api/items/review.py counts it: a field the suggestion left open is decided, not changed.
    return [k for k, v in zip(FIELDS, decided, strict=True) if suggested[k] is not None and suggested[k] != v]


class Decider:
    """About 85% confirm the suggestion; the rest change one field, sometimes two or three."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.valid = {m: routable(m) for m in Secrecy}
        self.memo: dict[tuple[str, ...], tuple[Decision | None, dict[int, list[Decision]]]] = {}

    def options(self, suggested: dict[str, str | None], marking: str, secrecy: str | None
                 ) -> tuple[Decision | None, dict[int, list[Decision]]]:
        key = (marking, secrecy or "", *(str(v) for v in suggested.values()))
        if key not in self.memo:
            by_distance: dict[int, list[Decision]] = {}
            for d in self.valid[marking]:
                if secrecy is None or d[0] == secrecy:
                    by_distance.setdefault(len(changed_fields(suggested, d)), []).append(d)
            exact = tuple(suggested[k] for k in FIELDS)
            zero = by_distance.pop(0, [])
            confirm = exact if exact in zero else (zero[0] if zero else None)  # type: ignore[assignment]
            self.memo[key] = (confirm, by_distance)  # type: ignore[assignment]
        return self.memo[key]

    def decide(self, suggested: dict[str, str | None], marking: str, secrecy: str | None = None,
               confirm_rate: float = 0.85) -> Decision:
        """A routable decision; with `secrecy` the secrecy review is already done (only disclosure left)."""
        confirm, others = self.options(suggested, marking, secrecy)
        if confirm is not None and self.rng.random() < confirm_rate:
            return confirm
        distance = self.rng.choices((1, 2, 3), (0.65, 0.25, 0.10))[0]
        near = [k for k in sorted(others) if k >= distance] or sorted(others)
        return self.rng.choice(others[near[0]])


# --- the items --------------------------------------------------------------------------------------------

@dataclass
class Plan:
    """One item being made: its row, versions, reviews, feed entries and audit events (ids come later)."""

    item: dict[str, Any]
    seen: Template  # the suggestion the latest reviews saw
    versions: list[dict[str, Any]]
    reviews: list[dict[str, Any]]
    feed: list[tuple[dt.datetime, str]]
    events: list[dict[str, Any]]


class Maker:
    def __init__(self, rng: random.Random, now: dt.datetime, suggester: Suggester) -> None:
        self.rng, self.now, self.today = rng, now, today_in_china()
        self.templates = templates(suggester)
        model_id, revision = suggester.model.model_id if suggester.model else None, suggester.book.revision
        self.decider = Decider(rng)
        settings = Settings()
        self.calendar = WorkingCalendar.from_file(settings.calendar)
        self.agency, self.index_template = settings.agency_code, settings.index_template
        self.due: dict[dt.date, tuple[dt.date, list[str]]] = {}
        # Rules and models change over the two years: (from date, id); the latest are the real ones.
        start = self.today - 730 * DAY
        self.revisions = [(start + k * 180 * DAY, hashlib.sha256(f"rules-{k}".encode()).hexdigest())
                          for k in range(4)] + [(self.today - 60 * DAY, revision)]
        self.models: list[tuple[dt.date, str | None]] = [(start, None)] + [
            (start + (90 + k * 200) * DAY, f"{(start + (90 + k * 200) * DAY):%Y%m%d}T020000Z-{k:08x}")
            for k in range(3)] + [(self.today - 45 * DAY, model_id)]
        self.proactive = [t for t in self.templates
                          if (self.decider.options(t.suggested, t.marking, None)[0] or ("",) * 4)[1] == "proactive"]
        self.secret = [t for t in self.templates if t.marking == "secret"] or \
            [t for t in self.templates if t.marking != "none"]

    # time ------------------------------------------------------------------------------------------------
    def _opened(self, closed_on: dt.date) -> dt.datetime:
        """When the closure was pushed: office hours in China on the closing day (never in the future)."""
        at = dt.datetime.combine(closed_on, dt.time(9), CHINA_TIME) + dt.timedelta(minutes=self.rng.uniform(0, 540))
        return min(at.astimezone(dt.timezone.utc), self.now - dt.timedelta(minutes=self.rng.uniform(5, 600)))

    def _timeline(self, start: dt.datetime, gaps_days: Sequence[float]) -> list[dt.datetime]:
        """start + cumulative gaps, squeezed to end before now (a recent item had less time)."""
        total = sum(gaps_days)
        room = (self.now - dt.timedelta(minutes=1) - start).total_seconds() / 86400
        scale = min(1.0, room / total) if total > 0 else 1.0
        out, at = [], start
        for gap in gaps_days:
            at = at + dt.timedelta(days=gap * scale)
            out.append(at)
        return out

    def _era(self, eras: list[tuple[dt.date, Any]], at: dt.datetime) -> Any:
        day = at.astimezone(CHINA_TIME).date()
        return [v for since, v in eras if since <= day][-1] if day >= eras[0][0] else eras[0][1]

    # rows ---------------------------------------------------------------------------------------------------
    def _version(self, t: Template, number: int, source_id: str, division: str, closed_on: dt.date,
                 at: dt.datetime, revised: bool) -> dict[str, Any]:
        record = {**t.record, "id": source_id, "division": division, "date": closed_on.isoformat()}
        if revised:
            record["title"] = f"{record['title']}（修订稿）"
            record["body"] = f"{record['body']}\n（修订）"
        return {"number": number, "content_hash": content_hash(record), "document": record,
                "suggestion": t.suggestion, "ruleset_revision": self._era(self.revisions, at),
                "model_id": self._era(self.models, at), "received_by": PUSHER, "received_at": at}

    def _secrecy_review(self, t: Template, version: int, decided: str, at: dt.datetime) -> dict[str, Any]:
        suggested = t.suggested["secrecy"]
        changed = suggested is not None and decided != suggested
        return {"stage": "secrecy_review", "version_number": version, "actor": self.rng.choice(SECRECY_REVIEWERS),
                "role": "secrecy_reviewer", "suggested": {"secrecy": suggested}, "decided": {"secrecy": decided},
                "changed": changed, "reason": self.rng.choice(REASONS) if changed else None,
                "leader_instruction": None, "at": at}

    def _disclosure_review(self, t: Template, version: int, d: Decision, at: dt.datetime,
                           reason: str | None = None) -> dict[str, Any]:
        suggested = {k: t.suggested[k] for k in FIELDS[1:]}
        decided = dict(zip(FIELDS[1:], d[1:], strict=True))
        changed = any(v is not None and v != decided[k] for k, v in suggested.items())
        return {"stage": "disclosure_review", "version_number": version, "actor": self.rng.choice(DISCLOSURE_REVIEWERS),
                "role": "disclosure_reviewer", "suggested": suggested,
                "decided": decided, "changed": changed,
                "reason": reason or (self.rng.choice(REASONS) if changed else None),
                "leader_instruction": "同意" if self.rng.random() < 0.05 else None, "at": at}

    def _new_version_event(self, at: dt.datetime, before: dict[str, Any], after_item: dict[str, Any],
                           v2: dict[str, Any], t: Template) -> dict[str, Any]:
        # The shape api/items/intake.py records for closure:new_version.
        after = {"version": 2, "status": after_item["status"], "marking": after_item["marking"],
                 "store": after_item["store"], "content_hash": v2["content_hash"], "suggested": t.suggested}
        return {"at": at, "actor": PUSHER, "role": "document_system", "action": "closure:new_version",
                "before": before, "after": after}

    def _item(self, t: Template, closed_on: dt.date, division: str, opened: dt.datetime) -> dict[str, Any]:
        if closed_on not in self.due:
            due = publication_due(closed_on, self.calendar)
            self.due[closed_on] = (due.due_on, list(due.warnings))
        due_on, warnings = self.due[closed_on]
        return {"origin": "closure", "division": division, "agency": t.record.get("agency"),
                "title": t.record.get("title") or "", "closed_on": closed_on, "due_on": due_on,
                "due_warnings": warnings, "status": "routed", "current_version": 1, "marking": t.marking,
                "marked": t.marking != "none", "risk": t.risk, "secrecy": None, "category": None, "exemption": None,
                "column": None, "store": None, "index_number": None, "routed_at": None,
                "changed_after_review": False, "created_at": opened, "updated_at": opened, "lock_version": 1}

    @staticmethod
    def _route(item: dict[str, Any], d: Decision, at: dt.datetime) -> None:
        item["secrecy"], item["category"], item["exemption"], item["column"] = d
        item["store"], item["status"], item["routed_at"], item["updated_at"] = d[1], "routed", at, at

    def reviewed(self, serial: int) -> Plan:
        """A routed item; `kind` picks its history (most have one version and two reviews)."""
        rng = self.rng
        roll = rng.random()
        s2 = rng.choice(self.secret)  # version 2's suggestion when withdrawn
        kind = "withdrawn" if roll < 0.01 else "revised_before" if roll < 0.03 else "revised_after" if roll < 0.05 \
            else "plain"
        t = rng.choice(self.proactive if kind == "withdrawn" else self.templates)
        closed_on = self.today - rng.randint(3, 730) * DAY
        division, source_id = rng.choice(DIVISIONS), f"bench-{serial:07d}-{t.record['id']}"
        opened = self._opened(closed_on)
        item = self._item(t, closed_on, division, opened)
        late = rng.random() < 0.04  # routed after the Art. 26 due date (20 working days, ~4 weeks)
        gaps = [rng.expovariate(1 / 0.3), rng.expovariate(1 / 1.5) + 0.02,
                rng.expovariate(1 / 2.0) + 0.02 + (rng.uniform(30, 60) if late else 0)]
        v2_at, secrecy_at, disclosure_at = self._timeline(opened, gaps)
        versions = [self._version(t, 1, source_id, division, closed_on, opened, False)]
        reviews: list[dict[str, Any]] = []
        feed: list[tuple[dt.datetime, str]] = []
        events: list[dict[str, Any]] = []
        seen, number = t, 1  # what the reviewers saw
        if kind == "revised_before":  # revised before anyone reviewed it: both reviews on version 2
            seen = t if rng.random() < 0.7 else rng.choice(self.templates)
            number = 2
            versions.append(self._version(seen, 2, source_id, division, closed_on, v2_at, True))
            before = {"version": 1, "status": "secrecy_review", "marking": item["marking"], "store": None}
            item["marking"] = max(item["marking"], seen.marking, key=secrecy_rank)
            item["marked"], item["current_version"], item["risk"] = item["marking"] != "none", 2, seen.risk
            item["title"] = versions[-1]["document"]["title"]
            events.append(self._new_version_event(v2_at, before, {**item, "status": "secrecy_review"},
                                                  versions[-1], seen))
        d = self.decider.decide(seen.suggested, item["marking"], confirm_rate=1.0 if kind == "withdrawn" else 0.85)
        reviews.append(self._secrecy_review(seen, number, d[0], secrecy_at))
        reviews.append(self._disclosure_review(seen, number, d, disclosure_at))
        self._route(item, d, disclosure_at)
        if d[1] == "proactive":
            feed.append((disclosure_at, "publish"))
        if kind == "revised_after":  # a new version after routing: kept where it is, flagged changed
            at, = self._timeline(disclosure_at, [rng.uniform(1, 90)])
            v2 = self._version(t, 2, source_id, division, closed_on, at, True)
            versions.append(v2)
            before = {"version": 1, "status": "routed", "marking": item["marking"], "store": item["store"]}
            item.update(current_version=2, changed_after_review=True, title=v2["document"]["title"], updated_at=at)
            events.append(self._new_version_event(at, before, item, v2, t))
        if kind == "withdrawn":  # published, then version 2 marked secret: withdrawn, re-reviewed, withheld
            at, secrecy2, disclosure2 = self._timeline(disclosure_at, [rng.uniform(1, 60), rng.expovariate(1 / 1.5)
                                                                       + 0.02, rng.expovariate(1 / 2.0) + 0.02])
            v2 = self._version(s2, 2, source_id, division, closed_on, at, True)
            versions.append(v2)
            before = {"version": 1, "status": "routed", "marking": item["marking"], "store": "proactive"}
            feed.append((at, "withdraw"))
            item.update(current_version=2, changed_after_review=True, title=v2["document"]["title"],
                        marking=s2.marking, marked=True, risk=s2.risk)
            events.append(self._new_version_event(at, before, {**item, "status": "secrecy_review", "store": None},
                                                  v2, s2))
            d2 = self.decider.decide(s2.suggested, s2.marking)
            reviews.append(self._secrecy_review(s2, 2, d2[0], secrecy2))
            reviews.append(self._disclosure_review(s2, 2, d2, disclosure2))
            self._route(item, d2, disclosure2)
        return Plan(item | {"source_id": source_id}, s2 if kind == "withdrawn" else seen, versions, reviews, feed,
                    events)

    def reopen(self, plan: Plan) -> None:
        """A routed decision reopened to disclosure review, as api/items/review.py `reopen` does it (the event's
        shape, the feed's withdraw entry, the index number kept); 60% decided again since."""
        rng, item = self.rng, plan.item
        at, again = self._timeline(item["routed_at"], [rng.uniform(1, 60), rng.expovariate(1 / 3.0) + 0.02])
        actor, role = rng.choice(((OFFICE, "office"), (rng.choice(DISCLOSURE_REVIEWERS), "disclosure_reviewer")))
        plan.events.append({"at": at, "actor": actor, "role": role, "action": "reopen",
                            "before": {"status": "routed", "store": item["store"], **{k: item[k] for k in FIELDS}},
                            "after": {"status": "disclosure_review", "reason": "申请人提出异议，重新审核"}})
        if item["store"] == "proactive":
            plan.feed.append((at, "withdraw"))
        if rng.random() < 0.6:
            last, t = plan.reviews[-1], plan.seen
            current = (item["secrecy"], item["category"], item["exemption"], item["column"])
            d = current
            for _ in range(20):  # a different decision, same secrecy (the secrecy review stands)
                d = self.decider.decide(t.suggested, item["marking"], secrecy=item["secrecy"], confirm_rate=0.3)
                if d != current:
                    break
            plan.reviews.append(self._disclosure_review(t, last["version_number"], d, again, reason="复核后重新决定"))
            self._route(item, d, again)
            if d[1] == "proactive":
                plan.feed.append((again, "publish"))
        else:
            item.update(status="disclosure_review", store=None, routed_at=None, category=None, exemption=None,
                        column=None, updated_at=at)

    def pending(self, serial: int) -> Plan:
        """Not yet routed: at secrecy review (no review yet) or disclosure review; some overdue."""
        rng = self.rng
        t = rng.choice(self.templates)
        closed_on = self.today - (rng.randint(0, 40) if rng.random() < 0.85 else rng.randint(41, 200)) * DAY
        division, source_id = rng.choice(DIVISIONS), f"bench-p{serial:07d}-{t.record['id']}"
        opened = self._opened(closed_on)
        item = self._item(t, closed_on, division, opened) | {"source_id": source_id, "status": "secrecy_review"}
        reviews = []
        if rng.random() < 0.45:
            secrecy = self.decider.decide(t.suggested, t.marking)[0]
            at, = self._timeline(opened, [rng.expovariate(1 / 2.0) + 0.02])
            reviews.append(self._secrecy_review(t, 1, secrecy, at))
            item.update(status="disclosure_review", secrecy=secrecy, updated_at=at)
        return Plan(item, t, [self._version(t, 1, source_id, division, closed_on, opened, False)], reviews, [], [])


# --- writing -------------------------------------------------------------------------------------------------

def _insert(connection: Any, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Core executemany in batches (one INSERT per batch on PostgreSQL: insertmanyvalues)."""
    n = 0
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, BATCH)):
        connection.execute(insert(table), batch)
        n += len(batch)
    return n


def _rule_hits(versions: list[dict[str, Any]], templates: list[Template]) -> Iterator[dict[str, Any]]:
    """One rule_hit row per rule that fired for each version (version ids are their 1-based positions)."""
    hits = {t.suggestion: t.hits for t in templates}  # keyed by the shared Raw text: its hash is computed once
    n = 0
    for version_id, v in enumerate(versions, 1):
        for rule_id, mode, outcome in hits[v["suggestion"]]:
            n += 1
            yield {"id": n, "version_id": version_id, "item_id": v["item_id"], "version_number": v["number"],
                   "rule_id": rule_id, "mode": mode, "outcome": outcome}


def _schema(database_url: str) -> str | None:
    options = make_url(database_url).query.get("options") or ""
    text_ = options if isinstance(options, str) else " ".join(options)
    return text_.split("search_path=", 1)[1].split(",")[0].split()[0] if "search_path=" in text_ else None


def _fresh_postgresql(database_url: str) -> None:
    """Drop and recreate the schema named in the URL's search_path (never the public schema)."""
    schema = _schema(database_url)
    if not schema or schema == "public":
        raise SystemExit("on PostgreSQL give a dedicated schema: ?options=-csearch_path%3D<schema>")
    admin = make_engine(make_url(database_url).difference_update_query(["options"]).render_as_string(False),
                        isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()


def _fast_writes(engine: Engine) -> None:
    # A throwaway benchmark database: no fsync per commit (make_engine's FULL is for the service).
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def populate(database_url: str, n_reviewed: int = 100_000, n_pending: int = 5_000, seed: int = 0) -> dict[str, int]:
    """Fill a fresh (empty) database; returns the row counts. Prints where the time went."""
    # Millions of small dicts that all live until the end: the garbage collector would rescan them
    # again and again for nothing (there are no cycles to free), so it is paused while building.
    gc.disable()
    try:
        return _populate(database_url, n_reviewed, n_pending, seed)
    finally:
        gc.enable()


def _populate(database_url: str, n_reviewed: int, n_pending: int, seed: int) -> dict[str, int]:
    started = time.perf_counter()
    rng = random.Random(seed)
    if database_url.startswith("postgresql"):
        _fresh_postgresql(database_url)
    engine = make_engine(database_url, json_serializer=_json)
    if engine.dialect.name == "sqlite":
        _fast_writes(engine)
    upgrade(engine)
    # The suggester as `gongkai serve` loads it: the rules and the model trained by `gongkai train`.
    suggester = load_suggester(Settings())
    if suggester.model is None:
        raise SystemExit("no trained model: run .venv/bin/gongkai train --if-needed")
    maker = Maker(rng, dt.datetime.now(dt.timezone.utc), suggester)
    print(f"  {len(maker.templates)} real suggestions in {time.perf_counter() - started:.1f} s", flush=True)
    plans = [maker.reviewed(i) for i in range(n_reviewed)]
    candidates = [p for p in plans if len(p.versions) == 1]
    for plan in rng.sample(candidates, min(len(candidates), max(1, n_reviewed // 200))):
        maker.reopen(plan)
    plans += [maker.pending(i) for i in range(n_pending)]
    plans.sort(key=lambda p: p.item["created_at"])  # ids in time order, as intake would give them

    items, versions, reviews, feed, events = [], [], [], [], []
    serials: dict[int, int] = {}
    for item_id, plan in enumerate(plans, 1):
        item = plan.item | {"id": item_id}
        if item["routed_at"] is not None or plan.events and plan.events[-1]["action"] == "reopen":
            year = item["closed_on"].year
            serials[year] = serials.get(year, 0) + 1
            item["index_number"] = format_index_number(maker.index_template, agency=maker.agency, year=year,
                                                       serial=serials[year])
        items.append(item)
        versions += [v | {"item_id": item_id} for v in plan.versions]
        reviews += [r | {"item_id": item_id} for r in plan.reviews]
        feed += [(at, item_id, action) for at, action in plan.feed]
        events += [e | {"item_id": item_id} for e in plan.events]
    versions.sort(key=lambda v: v["received_at"])
    reviews.sort(key=lambda r: r["at"])  # review ids in time order: "the latest review" is the highest id
    feed.sort()
    events.sort(key=lambda e: e["at"])
    prev = GENESIS
    for seq, e in enumerate(events, 1):  # a real hash chain, so `gongkai audit verify` holds too
        e["seq"], e["prev_hash"] = seq, prev
        e["hash"] = prev = event_hash(seq, e["at"], e["actor"], e["role"], e["action"], e["item_id"],
                                      e["before"], e["after"], prev)
    counters = [{"name": "audit", "value": len(events)}, {"name": "feed", "value": len(feed)},
                {"name": marker(n_reviewed, n_pending, seed), "value": 1}]
    counters += [{"name": f"index:{maker.agency}:{year}", "value": n} for year, n in serials.items()]
    built = time.perf_counter()
    print(f"  {len(items)} items planned in {built - started:.1f} s", flush=True)

    counts: dict[str, int] = {}
    with engine.begin() as connection:
        counts["item"] = _insert(connection, ItemRow.__table__, items)  # type: ignore[arg-type]
        counts["item_version"] = _insert(connection, ItemVersionRow.__table__,  # type: ignore[arg-type]
                                         ({"id": i, **v} for i, v in enumerate(versions, 1)))
        if RuleHitRow is not None:
            counts["rule_hit"] = _insert(connection, RuleHitRow.__table__, _rule_hits(versions, maker.templates))
        counts["review"] = _insert(connection, ReviewRow.__table__,  # type: ignore[arg-type]
                                   ({"id": i, **r} for i, r in enumerate(reviews, 1)))
        counts["feed_entry"] = _insert(connection, FeedEntryRow.__table__,  # type: ignore[arg-type]
                                       ({"seq": i, "at": at, "item_id": item_id, "action": action}
                                        for i, (at, item_id, action) in enumerate(feed, 1)))
        counts["audit_event"] = _insert(connection, AuditEventRow.__table__, events)  # type: ignore[arg-type]
        connection.execute(delete(CounterRow.__table__))  # type: ignore[arg-type]
        _insert(connection, CounterRow.__table__, counters)  # type: ignore[arg-type]
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in ("item", "item_version", "review") + (("rule_hit",) if RuleHitRow is not None else ()):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT max(id) FROM {table}))"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))  # as autovacuum soon would: plans for the real row counts
    engine.dispose()
    print(f"  rows written in {time.perf_counter() - built:.1f} s: "
          + ", ".join(f"{k} {v}" for k, v in counts.items()), flush=True)
    print(f"populated in {time.perf_counter() - started:.1f} s", flush=True)
    return counts


def ready(database_url: str, n_reviewed: int, n_pending: int, seed: int) -> bool:
    """Does the database already hold this data set? (The marker commits with every row, or not at all.)"""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return bool(connection.scalar(select(func.count()).select_from(CounterRow.__table__)
                                          .where(CounterRow.name == marker(n_reviewed, n_pending, seed))))
    except Exception:  # no such file, schema or table yet
        return False
    finally:
        engine.dispose()


def ensure(database_url: str | None, n_reviewed: int = 100_000, n_pending: int = 5_000, seed: int = 0,
           fresh: bool = False) -> str:
    """The URL of a database holding the data set, built only when missing (or asked to be fresh)."""
    if database_url is None:
        path = cache_path(n_reviewed, n_pending, seed)
        if fresh or not path.exists() or not ready(f"sqlite:///{path}", n_reviewed, n_pending, seed):
            # Built beside and renamed when complete, so an interrupted build is never reused.
            building = path.with_suffix(".building.db")
            for stale in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
                stale.unlink(missing_ok=True)
            print(f"building {path}", flush=True)
            populate(f"sqlite:///{building}", n_reviewed, n_pending, seed)
            building.replace(path)
        return f"sqlite:///{path}"
    if fresh or not ready(database_url, n_reviewed, n_pending, seed):
        if database_url.startswith("sqlite:///"):
            Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        print(f"building {make_url(database_url).render_as_string()}", flush=True)
        populate(database_url, n_reviewed, n_pending, seed)
    return database_url


def data_arguments(parser: argparse.ArgumentParser) -> None:
    """The data set's options, shared with bench/reports_bench.py."""
    parser.add_argument("--items", type=int, default=100_000, help="reviewed items")
    parser.add_argument("--pending", type=int, default=5_000, help="items not yet routed")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--database-url", default=None, help="default: the cached SQLite file under /tmp/gongkai-bench")
    parser.add_argument("--fresh", action="store_true", help="rebuild even when the database is there")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data_arguments(parser)
    args = parser.parse_args()
    started = time.perf_counter()
    url = ensure(args.database_url, args.items, args.pending, args.seed, args.fresh)
    print(f"{make_url(url).render_as_string()} ready in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
