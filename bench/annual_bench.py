"""The annual report (政府信息公开工作年度报告, 条例第四十九条、第五十条) at volume (issue 18: "the report for
100,000 items and 10,000 applications builds in under 10 s").

The data set, for the year 2025 (and 2024 before it), written once with SQLAlchemy Core executemany (going
through the use cases would take far longer than the report) and cached (a SQLite file under .cache/bench/,
or the dedicated PostgreSQL schema given, with a marker row saying which data set it holds):

- 100,000 catalog items in the four stores (about 5% still at a review); about 3,000 proactive ones recorded
  as 规章 / 行政规范性文件 (models.annual_records.InstrumentRow) issued 2012–2026, in force, expired or repealed
  on dates that straddle the year, and a few dozen whose item later left the proactive store (not counted,
  条例第二十条第（一）项). The items' versions and reviews are not written: the report never reads them;
- 10,000 applications received on working days of 2024–2025, every applicant column and every outcome,
  each with its events as the lifecycle writes them (receive … dispatch_answer, serve, archive): answers on
  the spot, extensions, third-party consultations, corrections received and lapsed, withdrawals, 信息处理费
  notices ({"method","basis","amount"}) paid or lapsed, about 5% answered after the effective deadline,
  a few still open, and those received late in 2025 concluded in 2026 (carried over);
- about 300 行政复议 / 行政诉讼 cases about concluded applications, some litigation after a reconsideration,
  concluded with each result or still pending at the year's end;
- the 2024 report submitted (frozen, as api/annual/submission.py freezes it, its item published) and the
  2025 report a draft with its title, narrative, Table 二's hand entries and a few consistent corrections.

Measured in one run (each repeat on a fresh session, as one request):
(a) BASELINE: reading the raw rows the report needs (the same columns, the simplest SELECTs) into Python
    with SQLAlchemy Core; every other figure is also given as a ratio to it;
(b) api.annual.views.report(session, settings, 2025, today) in process (median, max), split into
    api.annual.sources.registers (and each register), last year's tables, and the engine's build;
(c) rendering that report in each format (api.annual.files.render; json as the CLI writes it);
(d) the CLI end to end, once: `gongkai report annual --year 2025 --format docx -o FILE` as a subprocess.
No timed assertions: the figures are for reading; the end-to-end lines say "target < 10 s". A stage whose
median passes 2 s is profiled (cProfile) and where its time went is printed; --profile profiles every stage.

    .venv/bin/python bench/annual_bench.py [--items 100000] [--applications 10000] [--cases 300] [--repeat 5]
                                           [--database-url URL] [--fresh] [--profile]

On PostgreSQL give a dedicated schema (made, and filled when it does not hold the data set yet), e.g.
    --database-url 'postgresql+psycopg://root@127.0.0.1:5432/test?options=-csearch_path%3Dbench_annual'
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import hashlib
import io
import json
import os
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from report_data import _fast_writes, _fresh_postgresql, _insert  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from api.annual import files, sources, views  # noqa: E402
from api.settings import Settings  # noqa: E402
from engine.annual.report import build  # noqa: E402
from engine.applications.fees import by_pages_fee, per_application_fee  # noqa: E402
from engine.applications.lifecycle import ARROWS, CONCLUDED  # noqa: E402
from engine.applications.outcomes import default_table  # noqa: E402
from engine.applications.receipt import BASIS_OF, Channel  # noqa: E402
from engine.vocabulary import ApplicationOutcome, Column, Exemption  # noqa: E402
from engine.workflow.working_days import CHINA_TIME, WorkingCalendar, today_in_china  # noqa: E402
from models.annual_records import AnnualReportRow, InstrumentRow  # noqa: E402
from models.application_records import CaseRow  # noqa: E402
from models.migrate import MIGRATIONS, upgrade  # noqa: E402
from models.session import make_engine, make_sessions  # noqa: E402
from models.tables import ApplicationEventRow, ApplicationRow, CounterRow, ItemRow  # noqa: E402

CACHE = PROJECT / ".cache" / "bench"
GONGKAI = PROJECT / ".venv" / "bin" / "gongkai"
FORMAT = 1  # bump whenever the data set changes: a cached one is then rebuilt
YEAR = 2025
TARGET = 10.0  # seconds, end to end (issue 18)
SLOW = 2.0  # a stage slower than this is profiled
# The CLI opens its sessions as the service does, and off the embedded SQLite database that needs the audit key
# (api/audit_key.py) even to read: a key of the bench's own for its throwaway schema, unless one is set.
BENCH_AUDIT_KEY = {"GONGKAI_AUDIT_KEY": "bench-annual-audit-key-0123456789abcdef0123456789"}
DIVISIONS = ("办公室", "法规处", "预算处", "人事处", "综合处", "财务处", "执法总队", "社会救助科")
OFFICE = "周主任"
CLERK = "王敏"
STORES = (("proactive", 0.45), ("on_request", 0.30), ("withheld", 0.15), ("not_government_info", 0.10))
SUBTYPES = ("commercial", "research", "public_welfare", "legal_services", "other", None)  # None: 其他
LAPSED = {ApplicationOutcome.OTHER_NO_CORRECTION.value, ApplicationOutcome.OTHER_FEE_UNPAID.value}
ANSWERS = [o.value for o in ApplicationOutcome if o.value not in LAPSED]
ANSWER_WEIGHTS = [{"disclosed": 30, "disclosed.already_public": 12, "partial": 12, "other.other": 3,
                   "cannot_provide.not_held": 8}.get(o, 2) for o in ANSWERS]
Step = tuple[str, dt.date, dict[str, Any]]  # an application's transition: kind, day, details
MEASURE = """import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
sys.stderr.buffer.write(done.stderr)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode,
      file=sys.stderr)
"""


def marker(n_items: int, n_applications: int, n_cases: int, seed: int) -> str:
    """The counter row naming the data set a database holds; the digest of the migrations changes with the
    schema, FORMAT with this file's population: either way an older cache is rebuilt."""
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted((MIGRATIONS / "versions").glob("*.py")))).hexdigest()
    return f"bench:annual:v{FORMAT}:{digest[:12]}:{n_items}:{n_applications}:{n_cases}:{seed}"


def at(day: dt.date, minutes: float = 30.0) -> dt.datetime:
    """A moment of office hours in China on `day` (09:00 + minutes), in UTC as stored."""
    return (dt.datetime.combine(day, dt.time(9), CHINA_TIME) + dt.timedelta(minutes=minutes)).astimezone(dt.timezone.utc)


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


# --- the catalog -------------------------------------------------------------------------------------------

def catalog(rng: random.Random, n: int, agency: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """The items, the instruments among them, and the id of the item of the 2024 report (published)."""
    today = today_in_china()
    items = []
    for i in range(1, n):
        closed = day_between(rng, dt.date(2024, 1, 2), today - dt.timedelta(days=7))
        item: dict[str, Any] = {
            "id": i, "origin": "closure", "source_id": f"OA-{i:07d}", "owner": "公文系统",
            "division": rng.choice(DIVISIONS), "agency": None, "title": f"关于做好第{i}项工作的通知",
            "closed_on": closed, "due_on": closed + dt.timedelta(days=28), "due_warnings": [],
            "current_version": 1, "marking": "none", "marked": False, "suggested_secrecy": "none",
            "risk": round(rng.random(), 3), "created_at": at(closed, rng.uniform(0, 480)), "lock_version": 1,
            "store": None, "category": None, "secrecy": None, "exemption": None, "column": None,
            "index_number": None, "routed_at": None, "changed_after_review": False}
        item["updated_at"] = item["created_at"]
        r = rng.random()
        if r < 0.03:
            item.update(status="secrecy_review")
        elif r < 0.05:
            item.update(status="disclosure_review", secrecy="none")
        else:
            store = rng.choices([s for s, _ in STORES], [w for _, w in STORES])[0]
            routed = item["created_at"] + dt.timedelta(days=rng.uniform(1, 15))
            item.update(status="routed", store=store, category=store, routed_at=routed, updated_at=routed,
                        secrecy="internal" if store == "withheld" and rng.random() < 0.3 else "none",
                        exemption=rng.choice(list(Exemption)).value if store == "withheld" else None,
                        column=rng.choice(list(Column)).value if store == "proactive" else None,
                        index_number=f"{agency}/{closed.year}-{i:06d}")
        items.append(item)
    report_item = n  # the 2024 report, submitted and published (api/annual/submission.py makes it so)
    items.append({**items[-1], "id": report_item, "origin": "manual", "source_id": f"annual-report-{agency}-2024-v1",
                  "title": "2024年政府信息公开工作年度报告", "status": "routed", "store": "proactive",
                  "category": "proactive", "secrecy": "none", "exemption": None, "column": "other",
                  "index_number": f"{agency}/2025-report", "closed_on": dt.date(2025, 1, 20),
                  "routed_at": at(dt.date(2025, 1, 24)), "created_at": at(dt.date(2025, 1, 20))})
    return items, instruments(rng, items[:-1]), report_item


def instruments(rng: random.Random, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """About 3% of the items (3,000 of 100,000), nearly all in the proactive store, as 规章 or 行政规范性文件."""
    proactive = [it for it in items if it.get("store") == "proactive"]
    elsewhere = [it for it in items if it.get("store") == "on_request"]
    chosen = rng.sample(proactive, min(len(proactive), len(items) * 3 // 100))
    chosen += rng.sample(elsewhere, min(len(elsewhere), len(items) // 2000))  # left the store: not counted
    out = []
    for item in chosen:
        if item["store"] == "proactive":
            item["column"] = "normative_documents"
        r = rng.random()
        issued = (day_between(rng, dt.date(2025, 1, 2), dt.date(2025, 12, 31)) if r < 0.3 else
                  day_between(rng, dt.date(2024, 1, 2), dt.date(2024, 12, 31)) if r < 0.5 else
                  day_between(rng, dt.date(2026, 1, 2), dt.date(2026, 11, 30)) if r < 0.55 else
                  day_between(rng, dt.date(2012, 1, 2), dt.date(2023, 12, 31)))
        validity = rng.choices(("in_force", "expired", "repealed"), (0.7, 0.15, 0.15))[0]
        ended = None
        if validity != "in_force":
            ended = min(issued + dt.timedelta(days=rng.randrange(30, 4000)), dt.date(2026, 11, 30))
        out.append({"item_id": item["id"], "instrument": "regulations" if rng.random() < 0.1 else "normative_documents",
                    "issued_on": issued, "validity": validity, "ended_on": ended,
                    "note": "" if ended is None else f"经{ended.year}年第{rng.randrange(1, 9)}次主任办公会决定",
                    "updated_by": OFFICE, "updated_at": at(max(issued, ended or issued)), "lock_version": 1})
    return out


# --- the applications ----------------------------------------------------------------------------------------

class Register:
    """The application register of 2024–2025 and its events, as the lifecycle would have written them."""

    def __init__(self, rng: random.Random, agency: str, calendar: WorkingCalendar) -> None:
        self.rng, self.agency, self.calendar = rng, agency, calendar
        self.rows: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.row_of = default_table().row_of
        self.today = today_in_china()
        # The calendar's working days of 2024–2026 looked up once (WorkingCalendar.is_working_day is exact but
        # slow for the ~140,000 look-ups of 10,000 applications' deadlines).
        days = (dt.date(2024, 1, 1) + dt.timedelta(days=k) for k in range(3 * 366))
        self.working = {d for d in days if d <= dt.date(2026, 12, 31) and calendar.is_working_day(d)}

    def wd(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day strictly after `day`, as WorkingCalendar.add_working_days counts it."""
        while n:
            day += dt.timedelta(days=1)
            n -= day in self.working
        return day

    def received_days(self, n: int) -> list[dt.date]:
        """Working days of 2024–2025 (never 1 January: a holiday), a little more in 2025."""
        days = [d for d in (dt.date(2024, 1, 2) + dt.timedelta(days=k) for k in range(730))
                if d.year <= YEAR and d in self.working]
        weights = [1.2 if d.year == YEAR else 1.0 for d in days]
        return sorted(self.rng.choices(days, weights, k=n))

    def fill(self, n: int) -> None:
        for app_id, received in enumerate(self.received_days(n), 1):
            self.application(app_id, received)

    def application(self, app_id: int, received: dt.date) -> None:
        rng = self.rng
        channel = rng.choice(list(Channel)).value
        legal = rng.random() < 0.35
        row: dict[str, Any] = {
            "id": app_id, "agency": self.agency, "reg_no": f"〔{received.year}〕第{app_id:05d}号", "channel": channel,
            "submitted_at": at(received) if channel in ("in_person", "oral", "online", "email", "fax") else None,
            "arrived_on": received if channel == "post_ordinary" else None,
            "signed_for_on": received if channel == "post_signed" else None, "received_on": received,
            "receipt_basis": BASIS_OF[Channel(channel)].value,
            "confirmed_at": at(received, 60) if BASIS_OF[Channel(channel)].value == "confirmed" else None,
            "confirmed_way": "电话" if BASIS_OF[Channel(channel)].value == "confirmed" else None,
            "confirmed_by": CLERK if BASIS_OF[Channel(channel)].value == "confirmed" else None,
            "applicant_kind": "legal_person" if legal else "natural_person",
            "org_subtype": rng.choice(SUBTYPES) if legal else None,
            "applicant": {"name": "某某有限公司" if legal else "张某某", "phone": "13800000000"}, "agent": None,
            "description": f"{received.year}年某区老旧小区改造项目清单（第{app_id}号）", "items": rng.randint(1, 5),
            "form_requested": rng.choice(("paper", "electronic", "inspect")), "delivery": rng.choice(("post", "email", "pickup")),
            "purpose": "", "handler_division": rng.choice(DIVISIONS), "recorded_by": CLERK,
            "created_at": at(received), "lock_version": 1, "deadline_provisional": False,
            "statutory_deadline": self.wd(received, 20)}
        steps, outcome, effective = self.path(row, received)
        status = self.record(app_id, received, steps)
        concluded = next((on for kind, on, _ in steps if ARROWS[kind][1] in CONCLUDED), None)
        row.update(status=status, outcome=outcome, concluded_on=concluded, effective_deadline=effective,
                   report_row=self.row_of(outcome).code if outcome else None)
        if status == "answered_on_the_spot" or (status == "closed" and outcome in LAPSED):
            row.update(statutory_deadline=None if status == "answered_on_the_spot" else row["statutory_deadline"],
                       effective_deadline=None)
        self.rows.append(row)

    def fee(self) -> dict[str, Any]:
        """A 收费通知 as the lifecycle records it: 按件 beyond the month's tenth application, or 按量 pages."""
        if self.rng.random() < 0.5:
            number = self.rng.randint(11, 45)
            return {"method": "per_application", "basis": number, "amount": per_application_fee(number)}
        pages = self.rng.randint(31, 400)
        return {"method": "by_pages", "basis": pages, "amount": by_pages_fee(pages)}

    def path(self, row: dict[str, Any], received: dt.date) -> tuple[list[Step], str | None, dt.date | None]:
        """What happened after receipt: the steps (kind, day, details), the outcome, the effective deadline."""
        rng, wd, statutory = self.rng, self.wd, row["statutory_deadline"]
        r = rng.random()
        if r < 0.04:  # 条例第三十三条第一款: 当场答复, no clock
            outcome = rng.choices(ANSWERS, ANSWER_WEIGHTS)[0]
            return [("answer_on_the_spot", received, {"outcome": outcome}), *self.archived(received)], outcome, None
        if r < 0.07:  # 撤回
            withdrawn = wd(received, rng.randint(2, 12))
            return [("start", received, {}), ("withdraw", withdrawn, {"why": "申请人撤回申请"}), *self.archived(withdrawn)], \
                "other.other", statutory
        if r < 0.09:  # 条例第三十条: 逾期不补正
            asked = wd(received, 3)
            lapsed = wd(asked, 16)
            return [("request_correction", asked, {}), ("correction_lapsed", lapsed, {}), *self.archived(lapsed)], \
                "other.no_correction", None
        if r < 0.10:  # 逾期未缴费
            notice = wd(received, 8)
            lapsed = wd(notice, 21)
            return [("start", received, {}), ("send_fee_notice", notice, self.fee()), ("fee_lapsed", lapsed, {})], \
                "other.fee_unpaid", None
        if r < 0.104:  # still open today (stalled; overdue)
            stalled: list[Step] = [("start", received, {})]
            if rng.random() < 0.5:
                stalled.append(("consult_third_party", wd(received, 5), {}))
            return stalled, None, statutory
        return self.answered(received)

    def answered(self, received: dt.date) -> tuple[list[Step], str, dt.date]:
        rng, wd = self.rng, self.wd
        steps: list[Step] = []
        base, pause, limit = received, 0, 20
        if rng.random() < 0.06:  # 补正: the clock runs from the corrected application (条例第三十条)
            asked = wd(received, 3)
            base = wd(asked, rng.randint(2, 10))
            steps += [("request_correction", asked, {}), ("correction_received", base, {})]
        else:
            steps.append(("start", received, {}))
        cursor = base
        if rng.random() < 0.05:  # 条例第三十二条: the consultation's days are not counted
            sent = wd(cursor, 4)
            cursor = wd(sent, 15)
            steps += [("consult_third_party", sent, {}), ("consultation_ended", cursor, {})]
            pause += (cursor - sent).days
        if rng.random() < 0.04:  # 信息处理费: paid, the clock runs again
            notice = wd(cursor, 3)
            cursor = wd(notice, rng.randint(2, 12))
            steps += [("send_fee_notice", notice, self.fee()), ("fee_paid", cursor, {})]
            pause += (cursor - notice).days
        if rng.random() < 0.10:  # 条例第三十三条第二款: extended by 20 working days
            cursor = max(cursor, wd(base, 15))
            steps.append(("extend", cursor, {"why": "申请的信息数量较多", "approved_by": "李主任"}))
            limit = 40
        effective = wd(base, limit) + dt.timedelta(days=pause)
        if rng.random() < 0.05:  # answered late (check 11)
            dispatch = wd(effective, rng.randint(1, 8))
        else:
            earliest = min(wd(cursor, 3), effective)
            dispatch = earliest + dt.timedelta(days=rng.randint(0, (effective - earliest).days))
        outcome = rng.choices(ANSWERS, ANSWER_WEIGHTS)[0]
        draft = max(cursor, dispatch - dt.timedelta(days=3))
        steps += [("draft_answer", draft, {}), ("set_outcome", draft, {"outcome": outcome}),
                  ("approve_answer", max(draft, dispatch - dt.timedelta(days=1)), {}), ("dispatch_answer", dispatch, {})]
        if rng.random() < 0.9:
            served = dispatch + dt.timedelta(days=3)
            steps += [("serve", served, {}), *self.archived(served)]
        return steps, outcome, effective

    def archived(self, day: dt.date) -> list[Step]:
        return [("archive", day + dt.timedelta(days=30), {})] if self.rng.random() < 0.2 else []

    def record(self, app_id: int, received: dt.date, steps: list[Step]) -> str:
        """The events of one application (seq from 1, each from the status the previous one left); its status."""
        status = "registered"
        self.event(app_id, 1, "receive", received, None, status, {"received_on": received.isoformat(), "warnings": []})
        for seq, (kind, on, details) in enumerate(steps, 2):
            to = ARROWS[kind][1].value
            if "outcome" in details:
                details = {**details, "report_row": self.row_of(details["outcome"]).code}
            self.event(app_id, seq, kind, on, status, to, details)
            status = to
        return status

    def event(self, app_id: int, seq: int, kind: str, on: dt.date, before: str | None, after: str,
              details: dict[str, Any]) -> None:
        self.events.append({"id": len(self.events) + 1, "application_id": app_id, "seq": seq, "kind": kind, "on": on,
                            "at": at(on, 60 + seq), "actor": CLERK, "role": "office", "why": details.get("why", ""),
                            "from_status": before, "to_status": after, "details": details})


# --- the cases -----------------------------------------------------------------------------------------------

def cases(rng: random.Random, n: int, agency: str, applications: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """行政复议 and 行政诉讼 cases about concluded applications, filed after the answer; about a fifth are
    litigation after a reconsideration (filed once it concluded); concluded with a result, or pending."""
    today = today_in_china()
    concluded = [a for a in applications if a["concluded_on"] is not None and a["outcome"] not in ("disclosed", None)]
    out: list[dict[str, Any]] = []

    def case(kind: str, application: dict[str, Any], filed: dt.date, reconsideration: int | None) -> dict[str, Any]:
        ends = filed + dt.timedelta(days=rng.randint(40, 220))
        pending = ends > today or rng.random() < 0.15
        row = {"id": len(out) + 1, "agency": agency, "kind": kind, "case_number": f"〔{filed.year}〕第{len(out) + 1:04d}号",
               "body": "某某市人民政府" if kind == "reconsideration" else "某某区人民法院",
               "application_id": application["id"], "reconsideration_id": reconsideration,
               "subject": f"对{application['reg_no']}答复不服", "filed_on": filed,
               "result": None if pending else rng.choices(("maintained", "corrected", "other"), (0.6, 0.25, 0.15))[0],
               "concluded_on": None if pending else ends, "recorded_by": CLERK, "created_at": at(filed), "lock_version": 1}
        row["decision"] = {"maintained": "维持", "corrected": "撤销原答复，责令重新答复", "other": "驳回"}.get(row["result"], "")
        out.append(row)
        return row

    while len(out) < n:
        application = rng.choice(concluded)
        filed = application["concluded_on"] + dt.timedelta(days=rng.randint(10, 55))
        if filed > dt.date(YEAR, 12, 31):
            continue
        kind = rng.choices(("reconsideration", "litigation_direct"), (0.7, 0.3))[0]
        first = case(kind, application, filed, None)
        later = first["concluded_on"] and first["concluded_on"] + dt.timedelta(days=10)
        if kind == "reconsideration" and later and later <= today and rng.random() < 0.3 and len(out) < n:
            case("litigation_after_reconsideration", application, later, first["id"])
    return out


# --- the reports ---------------------------------------------------------------------------------------------

MANUAL = {"licensing": 1286, "penalties": 342, "coercion": 17, "fees": "12.3456"}
SOURCES = {"licensing": "政务服务中心审批系统", "penalties": "行政执法综合平台", "coercion": "行政执法综合平台",
           "fees": "财务处非税收入台账"}


def report_row(settings: Settings, year: int, computed: dict[str, Any] | None, fees: str) -> AnnualReportRow:
    """A year's draft as the office leaves it: title, narrative quoting the tables, Table 二's entries with
    their source, and (given the registers' `computed` cells) corrections that keep every identity."""
    three = computed["three"] if computed else None
    received = three["一"]["total"] if three else 0
    concluded = three["（七）"]["total"] if three else 0
    sections = {"overview": f"{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，本年新收政府信息公开申请"
                            f"{received}件，办结{concluded}件。",
                "problems": "个别申请答复超过法定期限，已加强办理时限提醒，确保依法按时答复。",
                "other": f"本年度收取信息处理费{fees}元。"}
    manual = {k: {"value": v, "source": SOURCES[k], "entered_by": OFFICE, "at": at(dt.date(year + 1, 1, 8)).isoformat()}
              for k, v in MANUAL.items()}
    row = AnnualReportRow(agency=settings.agency_code, year=year, format="FMT21", title=f"某某委员会{year}年政府信息公开工作年度报告",
                          sections=sections, manual=manual, corrections=[], status="draft", created_by=OFFICE,
                          created_at=at(dt.date(year + 1, 1, 5)), updated_at=at(dt.date(year + 1, 1, 10)), lock_version=1)
    if computed:
        row.corrections = corrections(computed, year)
    return row


def corrections(computed: dict[str, Any], year: int) -> list[dict[str, Any]]:
    """Seven corrections, each against the register's value: two 规范性文件 not yet in the catalog; one answer
    counted as 部分公开 (and the totals with it); one 复议 maintained that the body in fact corrected."""
    def fix(table: str, row: str, column: str, delta: int, reason: str) -> dict[str, Any]:
        value = computed[table][row][column]
        return {"table": table, "row": row, "column": column, "computed": value, "value": value + delta,
                "reason": reason, "by": OFFICE, "at": at(dt.date(year + 1, 1, 9)).isoformat()}

    moved = "经核对，该申请实为部分公开，答复书记载有误"
    recon = "复议机关决定书载明撤销原答复，登记有误"
    out = [fix("two", "normative_documents", "in_force", 2, "两件行政规范性文件尚未录入公开目录")]
    out += [fix("three", "（一）", c, -1, moved) for c in ("natural_person", "total")]
    out += [fix("three", "（二）", c, 1, moved) for c in ("natural_person", "total")]
    if computed["four"]["reconsideration"]["maintained"] > 0:
        out += [fix("four", "reconsideration", "maintained", -1, recon), fix("four", "reconsideration", "corrected", 1, recon)]
    return out


def reports(session: Any, settings: Settings, report_item: int) -> list[AnnualReportRow]:
    """2024 submitted (frozen as api/annual/submission.py freezes it, its item published) and 2025 a draft."""
    fees = {y: str(sources.fees_collected(session, settings.agency_code, dt.date(y, 1, 1), dt.date(y, 12, 31)))
            for y in (YEAR - 1, YEAR)}
    first = views.computed(session, settings, YEAR - 1, report_row(settings, YEAR - 1, None, fees[YEAR - 1]))
    last = report_row(settings, YEAR - 1, first["computed"], fees[YEAR - 1])
    frozen = views.computed(session, settings, YEAR - 1, last)
    last.status, last.frozen, last.item_id = "submitted", frozen, report_item
    last.submitted_by, last.submitted_at = OFFICE, at(dt.date(YEAR, 1, 20))
    plain = views.computed(session, settings, YEAR, report_row(settings, YEAR, None, fees[YEAR]), frozen["tables"])
    return [last, report_row(settings, YEAR, plain["computed"], fees[YEAR])]


# --- building the data set -----------------------------------------------------------------------------------

def populate(url: str, n_items: int, n_applications: int, n_cases: int, seed: int) -> None:
    """Fill a fresh database (the registers in one transaction, then the reports computed from them)."""
    started = time.perf_counter()
    gc.disable()  # hundreds of thousands of dicts that all live to the end: nothing for the collector to free
    try:
        if url.startswith("postgresql"):
            _fresh_postgresql(url)
        engine = make_engine(url)
        if engine.dialect.name == "sqlite":
            _fast_writes(engine)
        upgrade(engine)
        settings = Settings()
        rng = random.Random(seed)
        items, found, report_item = catalog(rng, n_items, settings.agency_code)
        register = Register(rng, settings.agency_code, WorkingCalendar.from_file(settings.calendar))
        register.fill(n_applications)
        filed = cases(rng, n_cases, settings.agency_code, register.rows)
        print(f"  planned in {time.perf_counter() - started:.1f} s", flush=True)
        with engine.begin() as connection:
            counts = {"item": _insert(connection, ItemRow.__table__, items),  # type: ignore[arg-type]
                      "catalog_instrument": _insert(connection, InstrumentRow.__table__, found),  # type: ignore[arg-type]
                      "application": _insert(connection, ApplicationRow.__table__, register.rows),  # type: ignore[arg-type]
                      "application_event": _insert(connection, ApplicationEventRow.__table__, register.events),  # type: ignore[arg-type]
                      "review_case": _insert(connection, CaseRow.__table__, filed)}  # type: ignore[arg-type]
            if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
                for table in ("item", "application", "application_event", "review_case"):
                    connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
        with make_sessions(engine)() as session:
            session.add_all(reports(session, settings, report_item))
            session.add(CounterRow(name=marker(n_items, n_applications, n_cases, seed), value=1))
            session.commit()
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))  # as autovacuum soon would: plans for the real row counts
        engine.dispose()
    finally:
        gc.enable()
    print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + f"; 2 annual reports; populated in "
          f"{time.perf_counter() - started:.1f} s", flush=True)


def ready(url: str, name: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return bool(connection.scalar(select(func.count()).select_from(CounterRow.__table__).where(CounterRow.name == name)))
    except Exception:  # noqa: BLE001 - no such file, schema or table yet
        return False
    finally:
        engine.dispose()


def ensure(args: argparse.Namespace) -> str:
    """The URL of a database holding the data set, built only when missing (or asked to be --fresh)."""
    name = marker(args.items, args.applications, args.cases, args.seed)
    if args.database_url is None:
        path = CACHE / f"annual-{args.items}-{args.applications}-{args.cases}-{args.seed}.db"
        if args.fresh or not path.exists() or not ready(f"sqlite:///{path}", name):
            CACHE.mkdir(parents=True, exist_ok=True)
            building = path.with_suffix(".building.db")  # renamed when complete: an interrupted build is never reused
            for stale in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
                stale.unlink(missing_ok=True)
            print(f"building {path}", flush=True)
            populate(f"sqlite:///{building}", args.items, args.applications, args.cases, args.seed)
            building.replace(path)
        return f"sqlite:///{path}"
    if args.fresh or not ready(args.database_url, name):
        if args.database_url.startswith("sqlite:///"):
            Path(args.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        print(f"building {args.database_url}", flush=True)
        populate(args.database_url, args.items, args.applications, args.cases, args.seed)
    return str(args.database_url)


# --- measuring -----------------------------------------------------------------------------------------------

Stage = tuple[str, Callable[[], Any]]


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """One warm-up run (imports, the statement caches), then `repeat` timed runs."""
    result = fn()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def baseline(engine: Any) -> list[Stage]:
    """(a): the rows the report reads, the same columns, the simplest SELECTs (no year window), into Python."""
    queries = {
        "catalog instruments with their item's store": select(
            InstrumentRow.item_id, InstrumentRow.instrument, InstrumentRow.issued_on, InstrumentRow.validity,
            InstrumentRow.ended_on, ItemRow.store).join(ItemRow, ItemRow.id == InstrumentRow.item_id),
        "applications (Table 三's columns, deadlines)": select(
            ApplicationRow.id, ApplicationRow.applicant_kind, ApplicationRow.org_subtype, ApplicationRow.received_on,
            ApplicationRow.concluded_on, ApplicationRow.outcome, ApplicationRow.effective_deadline),
        "cases (all columns)": select(CaseRow.__table__),
        "fee events (notices and payments, JSON)": select(
            ApplicationEventRow.application_id, ApplicationEventRow.seq, ApplicationEventRow.kind, ApplicationEventRow.on,
            ApplicationEventRow.details).where(ApplicationEventRow.kind.in_(("send_fee_notice", "fee_paid"))),
        "annual reports (2024 frozen JSON, 2025 draft)": select(AnnualReportRow.__table__),
    }

    def read(query: Any) -> Callable[[], int]:
        def run() -> int:
            with engine.connect() as connection:
                return len(connection.execute(query).all())
        return run

    return [(f"  baseline: {name}", read(q)) for name, q in queries.items()]


def in_process(engine: Any, settings: Settings, today: dt.date) -> tuple[list[Stage], Callable[[], dict[str, Any]]]:
    """(b): the report as the API and the CLI build it, and its parts, each on a fresh session."""
    sessions = make_sessions(engine)
    agency, start, end = settings.agency_code, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)

    def fresh(fn: Callable[[Any], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with sessions() as session:
                return fn(session)
        return run

    with sessions() as session:  # the engine's inputs, read once outside its timing
        registers = sources.registers(session, agency, YEAR)
        draft = views.draft_of(views.row_of(session, agency, YEAR), settings, YEAR)
        last_year = views._last_year(session, settings, YEAR)  # private: the bench times the part on its own
    report = fresh(lambda s: views.report(s, settings, YEAR, today))
    stages: list[Stage] = [
        ("views.report 2025 (in process)", report),
        ("  sources.registers", fresh(lambda s: sources.registers(s, agency, YEAR))),
        ("    instruments", fresh(lambda s: sources.instruments(s, start, end))),
        ("    applications", fresh(lambda s: sources.applications(s, agency, start, end))),
        ("    cases", fresh(lambda s: sources.cases(s, agency, end))),
        ("    fees_collected", fresh(lambda s: sources.fees_collected(s, agency, start, end))),
        ("    answered_late", fresh(lambda s: sources.answered_late(s, agency, start, end))),
        ("  last year's tables (2024 frozen)", fresh(lambda s: views._last_year(s, settings, YEAR))),
        ("  engine build (engine.annual.report.build)",
         lambda: build(draft, registers, last_year=last_year, scope=settings.case_scope)),
    ]
    return stages, report


def renders(report: dict[str, Any]) -> list[Stage]:
    """(c): the report as each file (json as the CLI writes it)."""
    out: list[Stage] = [("render json", lambda: json.dumps(report, ensure_ascii=False, indent=1).encode())]
    return out + [(f"render {fmt}", lambda fmt=fmt: files.render(report, fmt)) for fmt in ("docx", "xlsx", "csv", "html")]  # type: ignore[misc]


def describe(label: str, result: Any) -> str:
    """A few figures showing the stage saw the whole data set."""
    if isinstance(result, bytes):
        return f"{len(result):,} bytes"
    if isinstance(result, int):
        return f"{result:,} rows"
    if isinstance(result, dict) and "tables" in result and "errors" in result:
        three = result["tables"]["three"]
        return (f"一 {three['一']['total']}, 二 {three['二']['total']}, （七） {three['（七）']['total']}, 四 "
                f"{three['四']['total']}; {result['errors']} errors, {result['warnings']} warnings")
    if isinstance(result, dict) and "four" in result:
        return f"tables two, three, four (四 total {result['three']['四']['total']})"
    if hasattr(result, "applications"):
        return f"{len(result.instruments)} instruments, {len(result.applications)} applications, {len(result.cases)} cases"
    if isinstance(result, (list, tuple)):
        return f"{len(result[0]) if isinstance(result, tuple) else len(result):,} records"
    return f"{result} 元"  # the fee ledger


def profile(label: str, fn: Callable[[], Any], top: int = 18) -> None:
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(fn)
    print(f"\n=== profile: {label.strip()} ({time.perf_counter() - started:.2f} s under cProfile) ===")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        print(f"  --- by {order} ---\n" + out.getvalue()[out.getvalue().find("ncalls"):].rstrip())


def cli(url: str) -> tuple[float, float, int, str, int]:
    """(d): `gongkai report annual --year 2025 --format docx -o FILE` once, as a subprocess measured by a small
    Python (a child's ru_maxrss starts at its parent's RSS at fork on Linux): wall seconds, its own peak RSS MB,
    exit code (1: an error blocks publication), its last stderr line, the file's size."""
    with tempfile.TemporaryDirectory(prefix="gongkai-annual-") as tmp:
        target = Path(tmp) / f"annual-{YEAR}.docx"
        argv = [str(GONGKAI), "report", "annual", "--year", str(YEAR), "--format", "docx", "-o", str(target)]
        done = subprocess.run([sys.executable, "-c", MEASURE, *argv], cwd=PROJECT, capture_output=True,
                              env={**BENCH_AUDIT_KEY, **os.environ, "GONGKAI_DATABASE_URL": url})
        lines = done.stderr.decode(errors="replace").rstrip().split("\n")
        seconds, rss_kb, code = lines[-1].split()
        if int(code) not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} failed ({code}):\n" + "\n".join(lines[-30:]))
        size = target.stat().st_size
    said = next((line for line in reversed(lines[:-1]) if "built in" in line), lines[-2] if len(lines) > 1 else "")
    return float(seconds), int(rss_kb) / 1024, int(code), said, size


def cli_profile(url: str, top: int = 25) -> None:
    """The CLI run once under cProfile (in its own process): where its seconds go, imports included."""
    with tempfile.TemporaryDirectory(prefix="gongkai-annual-") as tmp:
        stats = Path(tmp) / "cli.prof"
        argv = [sys.executable, "-m", "cProfile", "-o", str(stats), str(GONGKAI), "report", "annual", "--year", str(YEAR),
                "--format", "docx", "-o", str(Path(tmp) / "annual.docx")]
        started = time.perf_counter()
        subprocess.run(argv, cwd=PROJECT, capture_output=True, env={**BENCH_AUDIT_KEY, **os.environ, "GONGKAI_DATABASE_URL": url})
        print(f"\n=== profile: the CLI ({time.perf_counter() - started:.2f} s under cProfile) ===")
        out = io.StringIO()
        pstats.Stats(str(stats), stream=out).strip_dirs().sort_stats("cumulative").print_stats(top)
        print(out.getvalue()[out.getvalue().find("ncalls"):].rstrip())


def run(url: str, repeat: int, profile_all: bool, with_cli: bool) -> None:
    engine = make_engine(url)
    with engine.connect() as connection:  # connect (and SQLite's pragmas) outside the timings
        connection.exec_driver_sql("SELECT 1")
    settings, today = Settings(database_url=url), today_in_china()
    rows: list[tuple[str, list[float], str]] = []
    slow: list[Stage] = []
    stages, report = in_process(engine, settings, today)
    for label, fn in baseline(engine) + stages:
        print(f"  {label.strip()} ...", flush=True)
        seconds, result = timed(fn, repeat)
        rows.append((label, seconds, describe(label, result)))
        if profile_all or statistics.median(seconds) > SLOW:
            slow.append((label, fn))
    built = report()
    for label, fn in renders(built):
        print(f"  {label} ...", flush=True)
        seconds, result = timed(fn, repeat)
        rows.append((label, seconds, describe(label, result)))
        if profile_all or statistics.median(seconds) > SLOW:
            slow.append((label, fn))
    base = [sum(r[1][i] for r in rows if r[0].startswith("  baseline")) for i in range(repeat)]
    rows.insert(0, ("BASELINE (the five reads below)", base, ""))
    median = {label: statistics.median(seconds) for label, seconds, _ in rows}
    end_to_end = [("views.report + render docx (in process, medians)", median["views.report 2025 (in process)"]
                   + median["render docx"], "")]
    if with_cli:
        print(f"  gongkai report annual --year {YEAR} --format docx -o FILE ...", flush=True)
        wall, rss, code, said, size = cli(url)
        end_to_end.append((f"gongkai report annual --year {YEAR} --format docx (CLI, once)", wall,
                           f"exit {code}, {size:,} bytes, peak RSS {rss:.0f}MB; {said.removeprefix('gongkai: ')}"))
    table(rows, end_to_end, statistics.median(base))
    for label, fn in slow:
        profile(label, fn)
    if with_cli and (profile_all or end_to_end[-1][1] > SLOW):
        cli_profile(url)
    engine.dispose()


def table(rows: list[tuple[str, list[float], str]], end_to_end: list[tuple[str, float, str]], base: float) -> None:
    print(f"\n{'':58} {'best s':>8} {'median s':>9} {'max s':>8} {'x base':>7}")
    for label, seconds, note in rows:
        middle = statistics.median(seconds)
        print(f"{label:58} {min(seconds):8.3f} {middle:9.3f} {max(seconds):8.3f} {middle / base:7.2f}  {note}")
    print(f"\n{'END TO END':58} {'seconds':>8} {'x base':>9}")
    for label, wall, note in end_to_end:
        verdict = "within" if wall < TARGET else "OVER"
        print(f"{label:58} {wall:8.3f} {wall / base:9.2f}  target < {TARGET:.0f} s: {verdict}  {note}")
    print(f"x base: median / baseline median. Peak RSS of this process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None, help="default: a cached SQLite file under .cache/bench/")
    parser.add_argument("--fresh", action="store_true", help="rebuild the data set even when it is there")
    parser.add_argument("--profile", action="store_true", help="profile every stage (not only those over 2 s)")
    parser.add_argument("--no-cli", action="store_true", help="skip (d), the CLI run")
    args = parser.parse_args()
    url = ensure(args)
    size = ""
    if url.startswith("sqlite:///"):
        size = f", {Path(url.removeprefix('sqlite:///')).stat().st_size / 2**20:.0f} MB"
    print(f"database: {make_engine(url).url.render_as_string(hide_password=True)}{size}; year {YEAR}; today "
          f"{today_in_china()}; repeat {args.repeat}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
          flush=True)
    run(url, args.repeat, args.profile, not args.no_cli)


if __name__ == "__main__":
    main()
