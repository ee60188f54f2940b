"""Public applications at volume (issue 17: a bench registers and closes 10,000 applications with the
due-date queries staying under 50 ms p95).

On a fresh scratch database (a temporary SQLite file by default; on PostgreSQL the dedicated schema named in
the URL, dropped and made again) the app's tables are created (models.migrate.upgrade) and --applications
applications registered through the service's own use cases in this process, as the routes call them (no
HTTP): api/applications/register.register then commit, and each transition as POST …/events does it
(handle.load, handle.one_writer, handle.transition: the lifecycle, the clock, the event, the audit; before
dispatch_answer the answer letter is issued, api/letters/issued.issue, and checked, as the routes do). The
applications are varied: seven channels (online ones confirmed at registration), receipt days spread over
2025-01-02 … 2026-10-30, eight handling divisions, both kinds of applicant. Then they are moved on: most to
an answer (start, draft, outcome, approval, dispatch) and served, some after a correction, some with an
extension, some after a third-party consultation, a few withdrawn, and some left open (registered or in
progress: overdue by now). Printed: the time to register (per application and applications/s) and to close
(per transition, per application and applications/s).

Then the due-date queries the office uses, each as one request would run it (its own session,
api/applications/queries.applications for a page of 50 plus views.summary for each row, or the case view
views.full of one application): the list by effective deadline, the overdue filter, due before a date, one
division, a clerk's overdue list, a deep page; and the case. Each is run once to warm up, then --repeat times;
printed: p50, p95 and max in ms and the ratio of its p95 to the baseline's: a plain indexed read of the same
number of rows in the same run (SELECT of 50 applications by primary key). No timed assertions: the last
line says the slowest query's p95 beside the target.

    .venv/bin/python bench/applications_bench.py [--applications 10000] [--repeat 40] [--database-url URL]

On PostgreSQL give a dedicated schema (it is dropped and made again), e.g.
    --database-url 'postgresql+psycopg://root@127.0.0.1:5432/test?options=-csearch_path%3Dbench_applications'
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from report_data import _fresh_postgresql  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from api.applications import handle, queries, register, views  # noqa: E402
from api.applications.schemas import ApplicationIn, EventIn  # noqa: E402
from api.context import Actor, Context  # noqa: E402
from api.errors import Conflict, Invalid  # noqa: E402
from api.letters import answer_kind, issued, templates_at  # noqa: E402
from api.letters.schemas import LetterIn  # noqa: E402
from api.settings import Settings  # noqa: E402
from engine.workflow.working_days import WorkingCalendar, today_in_china  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.session import make_engine, make_sessions  # noqa: E402
from models.tables import ApplicationRow  # noqa: E402

DIVISIONS = ["办公室", "法规处", "城建科", "财务科", "规划科", "环保科", "交通科", "教育科"]
CHANNELS = ["in_person", "in_person", "oral", "post_signed", "post_ordinary", "online", "online", "email", "fax"]
OUTCOMES = ["disclosed", "disclosed", "partial", "disclosed.already_public", "cannot_provide.not_held",
            "withheld.third_party"]
FIRST, LAST = dt.date(2025, 1, 2), dt.date(2026, 10, 30)
OFFICE = Actor("bench-office", "office")
PAGE = 50
# The agency's letter settings: dispatch_answer needs the answer letter on file (条例第三十六条).
LETTER_SETTINGS = {"agency_name": "某某委员会", "contact_person": "王联络", "contact_phone": "010-87654321",
                   "review_authority": "某某市人民政府", "court": "某某市中级人民法院",
                   "letter_number_pattern": "某依申公{code}〔{year}〕{serial}号"}


def answer_letter(session: Session, ctx: Context, application_id: int, extended: bool) -> None:
    """The answer letter for the outcome set, as POST …/letters issues it (each element in its own words)."""
    templates = templates_at(ctx.settings.letters)
    row = session.get(ApplicationRow, application_id)
    assert row is not None and row.outcome is not None
    template = templates.letters[answer_kind(row.outcome, templates)]
    elements: dict[str, Any] = {"extension_notice": "某依申公延〔2025〕1号"} if extended else {}
    for key, element in template.elements.items():
        elements[key] = (True if element.shape == "flag" else [element.name] if element.shape == "list"
                         else [dict(element.fields)] if element.shape == "records" else element.name)
    issued.issue(session, ctx, OFFICE, application_id, LetterIn(kind=template.kind, elements=elements))


def application_body(rng: random.Random, received: dt.date) -> dict[str, Any]:
    """An application from a random channel, arriving on `received` (09:30 China time)."""
    channel = rng.choice(CHANNELS)
    stamp = f"{received.isoformat()}T09:30:00+08:00"
    legal = rng.random() < 0.25
    applicant: dict[str, Any] = {"kind": "legal_person" if legal else "natural_person",
                                 "name": "某某公司" if legal else "张某某", "phone": "13800000000"}
    if legal:
        applicant["org_subtype"] = rng.choice(["commercial", "research", "public_welfare"])
    else:
        applicant.update(id_type="居民身份证", id_number="110101199001011234")
    body: dict[str, Any] = {"channel": channel, "applicant": applicant,
                            "description": f"{received.year}年某区老旧小区改造项目清单",
                            "items": rng.randint(1, 5), "form_requested": rng.choice(["paper", "electronic"]),
                            "delivery": rng.choice(["post", "email", "pickup"]),
                            "handler_division": rng.choice(DIVISIONS)}
    if channel in ("in_person", "oral"):
        body["submitted_at"] = stamp
    elif channel == "post_signed":
        body["signed_for_on"] = received.isoformat()
    elif channel == "post_ordinary":  # an ordinary letter: its receipt day confirmed with the applicant
        body["arrived_on"] = received.isoformat()
        body["confirmation"] = {"at": stamp, "way": "电话", "staff": "王敏"}
    else:  # online, e-mail, fax: confirmed with the applicant the same day
        body["submitted_at"] = f"{received.isoformat()}T08:00:00+08:00"
        body["confirmation"] = {"at": stamp, "way": "平台回复", "staff": "王敏"}
    return body


def plan(rng: random.Random, received: dt.date) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """What happens to an application after its receipt: (the path's name, the events with their days)."""
    def d(days: int) -> str:
        return (received + dt.timedelta(days=days)).isoformat()

    def answer(start: int) -> list[tuple[str, dict[str, Any]]]:
        return [("draft_answer", {"on": d(start)}), ("set_outcome", {"on": d(start + 1), "outcome": rng.choice(OUTCOMES)}),
                ("approve_answer", {"on": d(start + 2)}), ("dispatch_answer", {"on": d(start + 3)}),
                ("serve", {"on": d(start + 5)})]

    r = rng.random()
    if r < 0.55:
        return "answered", [("start", {"on": d(1)}), *answer(rng.randint(5, 20))]
    if r < 0.65:
        return "corrected", [("request_correction", {"on": d(3), "applicant_received_on": d(4)}),
                             ("correction_received", {"on": d(10), "received_on": d(10)}),
                             *answer(rng.randint(14, 25))]
    if r < 0.73:
        return "extended", [("start", {"on": d(1)}),
                            ("extend", {"on": d(14), "why": "申请的信息数量较多", "approved_by": "李主任"}),
                            *answer(rng.randint(30, 45))]
    if r < 0.78:
        return "paused", [("start", {"on": d(1)}),
                          ("consult_third_party", {"on": d(4), "recipient_received_on": d(7)}),
                          ("consultation_ended", {"on": d(15), "replied_on": d(15)}), *answer(rng.randint(18, 25))]
    if r < 0.81:
        return "withdrawn", [("start", {"on": d(1)}), ("withdraw", {"on": d(8), "why": "申请人撤回"})]
    if r < 0.88:
        return "open_in_progress", [("start", {"on": d(1)})]
    if r < 0.90:
        return "open_paused", [("start", {"on": d(1)}),
                               ("consult_third_party", {"on": d(4), "recipient_received_on": d(7)})]
    return "open_registered", []


def label(text: str, width: int = 42) -> str:
    """`text` padded to `width` columns (a Chinese character takes two)."""
    return text + " " * max(0, width - sum(2 if ord(c) > 0x2E80 else 1 for c in text))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f}"


def fill(sessions: Any, ctx: Context, n: int, seed: int) -> list[int]:
    """Register n applications, then move each along its plan; prints the times; returns the ids."""
    rng = random.Random(seed)
    today = today_in_china()
    span = (LAST - FIRST).days
    received_days = sorted(FIRST + dt.timedelta(days=rng.randrange(span + 1)) for _ in range(n))
    ids: list[int] = []
    register_times: list[float] = []
    started = time.perf_counter()
    for received in received_days:
        body = ApplicationIn.model_validate(application_body(rng, received))
        t0 = time.perf_counter()
        with sessions() as session:
            row = register.register(session, ctx, OFFICE, body)
            session.commit()
            ids.append(row.id)
        register_times.append(time.perf_counter() - t0)
    registering = time.perf_counter() - started

    paths: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    step_times: list[float] = []
    per_application: list[float] = []
    started = time.perf_counter()
    for application_id, received in zip(ids, received_days, strict=True):
        path, events = plan(rng, received)
        paths[path] += 1
        t_app = time.perf_counter()
        for kind, fields in events:
            if dt.date.fromisoformat(fields["on"]) > today:
                paths["(stopped: a day after today)"] += 1
                break
            body = EventIn.model_validate({"kind": kind, **fields})
            t0 = time.perf_counter()
            try:
                with sessions() as session:
                    row = handle.load(session, application_id, None, {})
                    if kind == "dispatch_answer":  # as the route: the answer letter first
                        answer_letter(session, ctx, application_id, path == "extended")
                        issued.require_answer(session, row)
                    with handle.one_writer(session, application_id, {}):
                        handle.transition(session, ctx, OFFICE, row, body)
            except (Conflict, Invalid) as error:
                refused[f"{kind}: {str(error)[:70]}"] += 1
                break
            step_times.append(time.perf_counter() - t0)
        if events:
            per_application.append(time.perf_counter() - t_app)
    moving = time.perf_counter() - started

    print(f"registered {n} applications in {registering:.1f} s: {n / registering:.0f} applications/s; per "
          f"application p50 {ms(statistics.median(register_times)).strip()} ms, "
          f"p95 {ms(quantile(register_times, 0.95)).strip()} ms")
    moved = len(per_application)
    print(f"moved {moved} applications on ({len(step_times)} transitions) in {moving:.1f} s: "
          f"{moved / moving:.0f} applications/s, {len(step_times) / moving:.0f} transitions/s; per transition p50 "
          f"{ms(statistics.median(step_times)).strip()} ms, p95 {ms(quantile(step_times, 0.95)).strip()} ms; "
          f"per application p50 {ms(statistics.median(per_application)).strip()} ms")
    print("paths: " + ", ".join(f"{k} {v}" for k, v in sorted(paths.items())))
    for reason, count in refused.most_common(5):
        print(f"  refused {count}x: {reason}")
    with sessions() as session:
        by_status = Counter(session.scalars(select(ApplicationRow.status)))
        overdue = queries.applications(session, OFFICE, today=today, limit=1, offset=0, overdue=True)[0]
    print("status: " + ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())) + f"; overdue now {overdue}")
    return ids


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(sessions: Any, work: Callable[[Session], Any], repeat: int) -> list[float]:
    """One warm-up, then `repeat` runs, each in its own session (as one request)."""
    with sessions() as session:
        work(session)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with sessions() as session:
            work(session)
        times.append(time.perf_counter() - t0)
    return times


def measure(sessions: Any, ctx: Context, ids: list[int], repeat: int) -> None:
    today = today_in_china()
    rng = random.Random(1)
    sample = sorted(rng.sample(ids, min(PAGE, len(ids))))
    clerk = Actor("bench-clerk", "clerk", division="城建科")
    with sessions() as session:
        total = session.scalar(select(ApplicationRow.id).order_by(ApplicationRow.id.desc()).limit(1)) or 0
        case_id = session.scalar(select(ApplicationRow.id).where(ApplicationRow.status == "served")
                                 .order_by(ApplicationRow.id).offset(len(ids) // 4).limit(1)) or ids[0]

    def listing(actor: Actor = OFFICE, offset: int = 0, **filters: Any) -> Callable[[Session], Any]:
        def work(session: Session) -> Any:
            count, rows = queries.applications(session, actor, today=today, limit=PAGE, offset=offset, **filters)
            return count, [views.summary(r, today) for r in rows]
        return work

    def baseline(session: Session) -> Any:
        return list(session.scalars(select(ApplicationRow).where(ApplicationRow.id.in_(sample))))

    def case(session: Session) -> Any:
        return views.full(session, ctx, queries.application(session, OFFICE, case_id), today)

    due = today + dt.timedelta(days=14)
    runs: list[tuple[str, Callable[[Session], Any]]] = [
        ("list by effective deadline (page 1)", listing()),
        ("overdue", listing(overdue=True)),
        (f"due before {due}", listing(due_before=due)),
        ("division 城建科", listing(division="城建科")),
        ("division 城建科, overdue", listing(division="城建科", overdue=True)),
        ("clerk (城建科): overdue", listing(clerk, overdue=True)),
        ("not overdue", listing(overdue=False)),
        ("list, page 100 (offset 4950)", listing(offset=4950)),
        (f"case view (application {case_id})", case),
    ]
    base = timed(sessions, baseline, repeat)
    base_p95 = quantile(base, 0.95)
    print(f"\ndue-date queries, {repeat} runs each after a warm-up ({len(ids)} applications, max id {total}; "
          f"today {today}); ratio = p95 / baseline p95")
    print(f"{'query':42} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'ratio':>7}")
    print(f"{label('baseline: 50 applications by primary key')} {ms(statistics.median(base))} {ms(base_p95)} "
          f"{ms(max(base))} {1.0:7.1f}")
    slowest = ("", 0.0)
    for name, work in runs:
        times = timed(sessions, work, repeat)
        p95 = quantile(times, 0.95)
        print(f"{label(name)} {ms(statistics.median(times))} {ms(p95)} {ms(max(times))} {p95 / base_p95:7.1f}")
        if p95 > slowest[1]:
            slowest = (name, p95)
    print(f"slowest due-date query p95: {slowest[1] * 1000:.1f} ms ({slowest[0]}) (target: under 50 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    scratch = None
    url = args.database_url
    if url is None:
        scratch = tempfile.mkdtemp(prefix="gongkai-applications-bench-")
        url = f"sqlite:///{os.path.join(scratch, 'bench.db')}"
    elif url.startswith("postgresql"):
        _fresh_postgresql(url)
    elif url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        if os.path.exists(path):
            raise SystemExit(f"{path} exists: give a new file (the bench needs a fresh database)")
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessions(engine, audit_key=b"bench-applications-audit-key-0123456789abcdef01234567")
    settings = Settings(**LETTER_SETTINGS)
    # The applications' use cases read the calendar and the settings only; no suggester is loaded.
    ctx = Context(suggester=None, calendar=WorkingCalendar.from_file(settings.calendar), settings=settings)  # type: ignore[arg-type]
    print(f"database: {engine.dialect.name} ({engine.url.render_as_string(hide_password=True)})")
    ids = fill(sessions, ctx, args.applications, args.seed)
    measure(sessions, ctx, ids, args.repeat)
    engine.dispose()
    if scratch is not None:
        for name in os.listdir(scratch):
            os.remove(os.path.join(scratch, name))
        os.rmdir(scratch)


if __name__ == "__main__":
    main()
