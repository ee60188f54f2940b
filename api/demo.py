"""`gongkai demo`: fill the service's database with a few sample documents at every stage, so that a
newcomer opening the queues, the stores and the feed finds something there.

The documents go through the service's own use cases (api/items/intake.py, api/items/review.py) as
three demo accounts (a document system and the two reviewers, three people, as separation of duties
wants), so what the demo leaves is exactly what the API would have left: suggestions, reviews, 索引号,
feed entries and audit events. The reviewers confirm each suggestion; nothing is overridden.

Idempotent: each document has a fixed id (`demo-…`) and a stage the demo brings it to. Run again,
the push answers `unchanged` and an item already at (or past) its stage is left alone, so nothing is
doubled. An item someone moved elsewhere (reopened, say) is brought back to its stage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import func, make_url, select

from api.access.roles import Role
from api.access.visibility import is_secret
from api.context import Actor, Context
from api.errors import ServiceError
from api.items import intake, review
from api.schemas import DisclosureReviewIn, DocumentIn, SecrecyReviewIn
from api.settings import Settings
from engine.paths import data_dir
from engine.suggest import Suggester
from engine.vocabulary import ItemStatus, Origin, ReviewStage, Secrecy, Store
from models.tables import FeedEntryRow, ItemRow

PUSHER = Actor(name="演示公文系统", role=Role.DOCUMENT_SYSTEM)
SECRECY_REVIEWER = Actor(name="演示保密审核员", role=Role.SECRECY_REVIEWER)
DISCLOSURE_REVIEWER = Actor(name="演示公开审核员", role=Role.DISCLOSURE_REVIEWER)
ORDER = tuple(ItemStatus)  # in workflow order: a stage reached is one at or past the one aimed at


@dataclass(frozen=True)
class Sample:
    """A document of data/ and the stage the demo leaves it at."""

    file: str  # under data/
    id: str  # its id there; pushed as demo-<id>
    stop_at: ItemStatus  # secrecy_review (pushed only), disclosure_review (secrecy reviewed), routed (both reviews)
    why: str


SAMPLES = (
    Sample("samples/closures.jsonl", "s-001", ItemStatus.ROUTED,
           "a normative document marked 此件公开发布: published"),
    Sample("samples/closures.jsonl", "s-006", ItemStatus.ROUTED, "a statistics bulletin: published"),
    Sample("samples/closures.jsonl", "s-004", ItemStatus.ROUTED, "an administrative penalty decision: published"),
    Sample("samples/closures.jsonl", "s-002", ItemStatus.ROUTED,
           "a request for instructions (请示): withheld, process information"),
    Sample("samples/closures.jsonl", "s-005", ItemStatus.ROUTED, "a Party meeting notice: not government information"),
    Sample("samples/closures.jsonl", "s-007", ItemStatus.DISCLOSURE_REVIEW,
           "a household means test: personal data, waits for the disclosure review"),
    Sample("samples/closures.jsonl", "s-008", ItemStatus.DISCLOSURE_REVIEW,
           "an approval where rules and model disagree: waits for the disclosure review"),
    Sample("samples/closures.jsonl", "s-003", ItemStatus.SECRECY_REVIEW, "marked 内部: waits for the secrecy review"),
    Sample("training/records.jsonl", "a-0018", ItemStatus.SECRECY_REVIEW,
           "marked 秘密★1个月: waits for the secrecy review; readers who are not cleared see no title"),
)


@dataclass
class Outcome:
    """What the demo did to one document."""

    sample: Sample
    item_id: int | None = None
    steps: list[str] = field(default_factory=list)
    status: str | None = None
    store: str | None = None
    secret: bool = False
    problem: str | None = None


def documents(samples: tuple[Sample, ...] = SAMPLES) -> list[DocumentIn]:
    """The samples as the document system would push them: SCHEMA's fields only (the training file's
    labels and provenance are not part of a push), under their demo id."""
    wanted = {(s.file, s.id) for s in samples}
    found: dict[tuple[str, str], DocumentIn] = {}
    for name in {s.file for s in samples}:
        for line in (data_dir() / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line) if line.strip() else {}
            if (name, record.get("id")) in wanted:
                fields = {k: v for k, v in record.items() if k in DocumentIn.model_fields and k != "closed_on"}
                found[(name, record["id"])] = DocumentIn(**{**fields, "id": f"demo-{record['id']}"})
    missing = sorted(f"{f}:{i}" for f, i in wanted - found.keys())
    if missing:
        raise ValueError(f"demo documents missing from data/: {', '.join(missing)}")
    return [found[(s.file, s.id)] for s in samples]


def bring(sessions: Callable[[], Any], ctx: Context, sample: Sample, doc: DocumentIn) -> Outcome:
    """Push one document and review it up to its stage; a refusal stops that document, not the demo."""
    out = Outcome(sample)
    try:
        with sessions() as session:
            item, pushed = intake.receive(session, ctx, PUSHER, doc, Origin.CLOSURE)
            out.item_id = item.id
            out.steps.append(f"pushed: {pushed}")
            _review(session, ctx, item, sample.stop_at, out)
            session.expire_all()
            item = session.get(ItemRow, out.item_id) or item
            out.status, out.store, out.secret = item.status, item.store, is_secret(item)
    except ServiceError as exc:
        out.problem = f"{type(exc).__name__} ({exc.status}): {exc.detail}"
    return out


def _review(session: Any, ctx: Context, item: ItemRow, stop_at: ItemStatus, out: Outcome) -> None:
    """The reviews the item still needs to reach `stop_at`, each confirming the suggestion."""
    if ORDER.index(item.status) >= ORDER.index(stop_at):
        return
    if item.status == ItemStatus.SECRECY_REVIEW:
        suggested = item.versions[-1].suggestion["suggestion"]["secrecy"]["value"] or Secrecy.NONE
        review.review_secrecy(session, ctx, SECRECY_REVIEWER, item.id, SecrecyReviewIn(secrecy=suggested))
        out.steps.append(f"secrecy review: {suggested} (as suggested)")
    if ORDER.index(stop_at) >= ORDER.index(ItemStatus.ROUTED):
        routed = review.review_disclosure(session, ctx, DISCLOSURE_REVIEWER, item.id, DisclosureReviewIn())
        out.steps.append(f"disclosure review: {routed.category} (as suggested), {routed.index_number}")


def run(settings: Settings, say: Callable[[str], None], suggester: Suggester | None = None) -> list[Outcome]:
    """Load the demo into the database of `settings` through the app's use cases; say what was done."""
    from api.app import create_app

    docs = documents()  # before the app: a missing file stops the demo before the database is touched
    app = create_app(settings, suggester=suggester)
    try:
        outcomes = []
        for sample, doc in zip(SAMPLES, docs, strict=True):
            outcome = bring(app.state.sessions, app.state.context, sample, doc)
            say(_line(outcome, doc))
            outcomes.append(outcome)
        with app.state.sessions() as session:
            say(_totals(session))
    finally:
        app.state.engine.dispose()
        app.state.reader_engine.dispose()
    return outcomes


def _line(outcome: Outcome, doc: DocumentIn) -> str:
    # As `rules backtest` does, a terminal is not shown the title of a marked or secret document.
    title = "(title not shown: marked or secret)" if outcome.secret else doc.title[:28]
    head = f"  {doc.id:<14} item {outcome.item_id if outcome.item_id is not None else '-':>4}  {title}"
    if outcome.problem is not None:
        return f"{head}\n      refused, left as it was: {outcome.problem}"
    where = f"store {outcome.store}" if outcome.store else f"waiting at {outcome.status}"
    return f"{head}\n      {'; '.join(outcome.steps) or 'nothing to do'} → {where}  ({outcome.sample.why})"


def _totals(session: Any) -> str:
    """The database as a newcomer will find it: queues, stores and feed (every item, not only the demo's)."""
    status = Counter(dict(session.execute(select(ItemRow.status, func.count()).group_by(ItemRow.status)).all()))
    stores = dict(session.execute(select(ItemRow.store, func.count()).where(ItemRow.store.is_not(None))
                                  .group_by(ItemRow.store)).all())
    feed = session.scalar(select(func.count()).select_from(FeedEntryRow))
    queue_text = ", ".join(f"{stage} {status[stage]}" for stage in ReviewStage)
    store_text = ", ".join(f"{name} {stores.get(name, 0)}" for name in Store)
    return f"the database now holds: queues {queue_text}; stores {store_text}; {feed} feed entries"


HINT = """\
Look at them through the API (gongkai serve), with a token for a role that may read them, e.g.:
    TOKEN=$(.venv/bin/gongkai token create --role office --name 信息公开办)
    curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8000/v1/stores/proactive
    curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8000/v1/feed/proactive
(the queues: a secrecy_reviewer or disclosure_reviewer token, GET /v1/queues/secrecy_review …)"""


def command(args: argparse.Namespace) -> int:
    """`gongkai demo [--force]`: exit 0 when every document reached its stage, 1 when one was refused."""
    from api.app import StartupError

    settings = Settings()
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" and not args.force:
        # The demo publishes to the proactive feed: on a real agency's database the website would show it.
        print(f"gongkai demo: {url.render_as_string(hide_password=True)} is not SQLite; the demo publishes sample "
              "documents to the website's feed. Give --force if this database is only for trying things.",
              file=sys.stderr)
        return 2
    print(f"gongkai demo: loading {len(SAMPLES)} sample documents into "
          f"{url.render_as_string(hide_password=True)} (pushed as {PUSHER.name}, reviewed as "
          f"{SECRECY_REVIEWER.name} and {DISCLOSURE_REVIEWER.name}, each confirming the suggestion)")
    try:
        outcomes = run(settings, print)
    except StartupError as exc:
        print(f"gongkai demo: cannot start the service: {exc}", file=sys.stderr)
        return 1
    refused = [o for o in outcomes if o.problem is not None]
    print(HINT)
    return 1 if refused else 0
