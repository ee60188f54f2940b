"""A month of an agency's work (November 2026), played through the real API with the clock moved by
time-machine, whose report figures are counted by hand below. Every report test checks against it.

Two documents are used, whose suggestions the scenario checks first:
- D = sample s-001 (关于印发《…管理办法》的通知): proactive / no exemption / none / normative_documents;
  hits: columns.other.fallback (column other), columns.normative_documents.named_normative_documents,
  proactive.general.release_note_public, proactive.normative.issuing_notice (category proactive),
  secrecy.markings.unmarked (none). With the marking 内部 (D*) it is suggested withheld /
  internal_affairs / internal, and secrecy.markings.internal fires instead of unmarked.
- Q = sample s-002 (…经费的请示): withheld / process_info / none / budget; hits: columns.other.fallback,
  columns.budget.budgets_and_funds, columns.emergency.emergency_management (column emergency),
  secrecy.markings.unmarked, withheld.process_info.requests_for_instructions.

Revision A is the real rulebook; from 16 November revision B, the same rules with
proactive.normative.issuing_notice put in monitor mode (a real edit of a copied rules directory).
Days are China dates (10:00); thresholds are 5 days a stage; the report day is 30 November.

| item | division | doc | closed | due   | what happens                                                        |
|------|----------|-----|--------|-------|---------------------------------------------------------------------|
| A1   | 法规处   | D   | 11-02  | 11-30 | secrecy 11-03 confirm, disclosure 11-04 confirm → proactive           |
| A2   | 法规处   | D   | 11-02  | 11-30 | 11-03 confirm; 11-05 category → on_request (reason)                   |
| A3   | 财务处   | D   | 11-02  | 11-30 | 11-03 secrecy → internal; 11-04 withheld / internal_affairs           |
| A4   | 财务处   | Q   | 11-02  | 11-30 | secrecy only on 11-10 (8 days: waiting), 11-11 confirm → withheld     |
| A5   | 办公室   | D*  | 11-02  | 11-30 | 11-03 secrecy internal → none (lowered); 11-04 on_request             |
| W    | 办公室   | D   | 11-02  | 11-30 | confirmed 11-03/11-04 → proactive; 11-10 new version marked 秘密 → withdrawn, waits since |
| B1   | 办公室   | D   | 11-16  | 12-14 | (revision B) 11-17, 11-18 confirm → proactive                         |
| B2   | 办公室   | D   | 11-16  | 12-14 | 11-17, 11-18 confirm; reopened 11-20 by office; 11-23 column → work_updates |
| B3   | 法规处   | D   | 10-09  | 11-05 | pushed 11-16 (late); 11-17, 11-18 confirm → proactive, 13 days late   |
| P1   | 法规处   | D   | 11-16  | 12-14 | never reviewed                                                        |
| P2   | 财务处   | Q   | 11-16  | 12-14 | secrecy 11-17 confirm; waits at disclosure review                     |
| O    | 法规处   | Q   | 10-09  | 11-05 | pushed 11-16, never reviewed: overdue                                 |
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import time_machine

from engine.paths import PROJECT_ROOT
from engine.rules.loader import load_rulebook
from engine.suggest import Suggester
from tests.service.conftest import Api, sample_documents

CHINA = dt.timezone(dt.timedelta(hours=8))
REPORT_DAY = dt.date(2026, 11, 30)
WAIT = {"secrecy_review": 5, "disclosure_review": 5}


def moment(day: dt.date | str) -> dt.datetime:
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=CHINA)


@dataclass
class Scenario:
    api: Api
    ids: dict[str, int] = field(default_factory=dict)
    revisions: dict[str, str] = field(default_factory=dict)

    def id(self, name: str) -> int:
        return self.ids[name]


def play(api: Api, model: Any, tmp_path: Path) -> Scenario:
    s = Scenario(api)
    d, q = sample_documents()[0], sample_documents()[1]
    with time_machine.travel(moment("2026-11-02"), tick=False) as clock:
        def on(day: str) -> None:
            clock.move_to(moment(f"2026-{day}"))

        def push(name: str, doc: dict[str, Any], division: str, closed: str, **extra: Any) -> int:
            r = api.push({**doc, "id": name, "division": division, "closed_on": f"2026-{closed}", **extra})
            assert r.status_code in (200, 201), r.text
            s.ids[name] = int(r.json()["id"])
            return s.ids[name]

        def secrecy(name: str, **body: Any) -> None:
            r = api.as_("secrecy_reviewer").post(f"/v1/items/{s.ids[name]}/secrecy_review", json=body)
            assert r.status_code == 200, r.text

        def disclosure(name: str, **body: Any) -> None:
            r = api.as_("disclosure_reviewer").post(f"/v1/items/{s.ids[name]}/disclosure_review", json=body)
            assert r.status_code == 200, r.text

        s.revisions["A"] = api.client.get("/v1/version").json()["ruleset"]["revision"]
        for name, doc, division in (("A1", d, "法规处"), ("A2", d, "法规处"), ("A3", d, "财务处"), ("A4", q, "财务处"),
                                    ("W", d, "办公室")):
            push(name, doc, division, "11-02")
        push("A5", d, "办公室", "11-02", secrecy_marking="内部")
        _check_suggestions(api, s)
        on("11-03")
        for name in ("A1", "A2", "W"):
            secrecy(name, secrecy="none")
        secrecy("A3", secrecy="internal", reason="涉及内部工作秘密")
        secrecy("A5", secrecy="none", reason="内部标志已由定密单位撤销")
        on("11-04")
        disclosure("A1")
        disclosure("W")
        disclosure("A3", category="withheld", exemption="internal_affairs", reason="属于内部事务信息")
        disclosure("A5", category="on_request", exemption=None, reason="涉及特定相对人，依申请公开")
        on("11-05")
        disclosure("A2", category="on_request", reason="在办事项，依申请公开")
        on("11-10")
        secrecy("A4", secrecy="none")
        push("W", d, "办公室", "11-02", secrecy_marking="秘密★1年", body=d["body"] + "（补充）")
        on("11-11")
        disclosure("A4")

        on("11-16")  # the edited rulebook goes live
        rules = tmp_path / "rules-b"
        shutil.copytree(PROJECT_ROOT / "rules", rules)
        normative = rules / "proactive" / "normative.yaml"
        normative.write_text(normative.read_text(encoding="utf-8").replace("mode: enforce", "mode: monitor", 1),
                             encoding="utf-8")
        edited = load_rulebook(rules)
        api.client.app.state.context.suggester = Suggester(edited, "reference", model)  # type: ignore[attr-defined]
        s.revisions["B"] = edited.revision
        assert s.revisions["B"] != s.revisions["A"]
        for name, doc, division, closed in (("B1", d, "办公室", "11-16"), ("B2", d, "办公室", "11-16"),
                                            ("B3", d, "法规处", "10-09"), ("P1", d, "法规处", "11-16"),
                                            ("P2", q, "财务处", "11-16"), ("O", q, "法规处", "10-09")):
            push(name, doc, division, closed)
        on("11-17")
        for name in ("B1", "B2", "B3", "P2"):
            secrecy(name, secrecy="none")
        on("11-18")
        for name in ("B1", "B2", "B3"):
            disclosure(name)
        on("11-20")
        r = api.as_("office").post(f"/v1/items/{s.ids['B2']}/reopen",
                                   json={"stage": "disclosure_review", "reason": "栏目归类有误，重新审核"})
        assert r.status_code == 200, r.text
        on("11-23")
        disclosure("B2", column="work_updates", reason="属于工作动态")
    return s


def _check_suggestions(api: Api, s: Scenario) -> None:
    """The hand counts rest on these suggestions: fail here, not in a count, if the rules changed."""
    def suggested(name: str) -> dict[str, Any]:
        item = api.as_("secrecy_reviewer").get(f"/v1/items/{s.ids[name]}").json()
        return {k: (v or {}).get("value") for k, v in item["suggestion"]["suggestion"].items()}

    assert suggested("A1") == {"category": "proactive", "exemption": None, "secrecy": "none",
                               "column": "normative_documents"}
    assert suggested("A4") == {"category": "withheld", "exemption": "process_info", "secrecy": "none",
                               "column": "budget"}
    assert suggested("A5") == {"category": "withheld", "exemption": "internal_affairs", "secrecy": "internal",
                               "column": "normative_documents"}


def at_report_day() -> Any:
    return time_machine.travel(moment(REPORT_DAY), tick=False)
