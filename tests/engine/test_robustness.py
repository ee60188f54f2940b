"""robustness(): the clean and perturbed scores and their changes, worked out by hand on a fake
suggester, and the clean run of the real suggester equal to `gongkai evaluate`'s own figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

import pytest

from engine import cli
from engine.authoring.perturb import no_title, traditional
from engine.authoring.robustness import CLEAN, robustness, score, suggester_fn
from engine.suggest import Suggester

HOLDOUT = Path(__file__).resolve().parents[2] / "data" / "holdout" / "records.jsonl"


def _record(rid: str, title: str, category: str, column: str) -> dict[str, Any]:
    exemption = "process_info" if category == "withheld" else None
    return {"id": rid, "title": title, "body": "", "labels": {
        "category": category, "exemption": exemption, "secrecy": "none", "column": column}}


RECORDS = [
    _record("r1", "关于追加经费的请示", "withheld", "budget"),
    _record("r2", "关于预算公开的通知", "proactive", "budget"),
    _record("r3", "关于年度工作的请示", "withheld", "work_updates"),
    _record("r4", "工作动态通知", "proactive", "work_updates"),
]


def fake(record: Mapping[str, Any]) -> dict[str, str]:
    """A suggester keyed on simplified words of the title, as a rule is: 请示 withheld, 经费/预算 budget."""
    title = record.get("title") or ""
    return {"category": "withheld" if "请示" in title else "proactive",
            "column": "budget" if "经费" in title or "预算" in title else "work_updates"}


def test_the_changes_of_a_fake_suggester_are_the_hand_worked_ones() -> None:
    result = robustness(RECORDS, fake, {"same": lambda r: dict(r), "traditional": traditional, "no_title": no_title})
    assert result[CLEAN] == {"records": 4, "skipped": 0, "category": {"macro_f1": 1.0, "accuracy": 1.0},
                             "column": {"macro_f1": 1.0, "accuracy": 1.0}}
    same = result["perturbed"]["same"]
    assert same["category"]["delta_macro_f1"] == 0.0 and same["within_target"] is True
    # 請示, 經費, 預算: nothing matches, every record is proactive / work_updates. Category: withheld
    # F1 0, proactive precision 2/4 recall 1 → F1 0.6667; macro 0.3333, accuracy 0.5. Column alike.
    for name in ("traditional", "no_title"):
        got = result["perturbed"][name]
        assert got["category"] == {"macro_f1": 0.3333, "accuracy": 0.5, "delta_macro_f1": -0.6667,
                                   "delta_accuracy": -0.5}
        assert got["column"] == {"macro_f1": 0.3333, "accuracy": 0.5, "delta_macro_f1": -0.6667,
                                 "delta_accuracy": -0.5}
        assert got["within_target"] is False


def test_a_small_change_is_within_the_target_and_the_sign_says_which_way() -> None:
    records = RECORDS * 10 + [_record("r5", "其他请示", "proactive", "work_updates")]
    # Only r5 is changed: its title loses 请示, so it is now right. Category F1 goes up.
    fix = {"fix": lambda r: dict(r, title="其他") if r["id"] == "r5" else dict(r)}
    got = robustness(records, fake, fix)["perturbed"]["fix"]
    assert got["category"]["delta_macro_f1"] > 0 and got["category"]["delta_accuracy"] == round(1 / 41, 4)
    assert got["within_target"] is True


def test_undecided_and_unlabelled_records() -> None:
    unlabelled = {"id": "u", "title": "请示"}
    result = score([*RECORDS, unlabelled], lambda r: {"category": "undecided", "column": "budget"})
    assert (result["records"], result["skipped"]) == (4, 1)
    assert result["category"] == {"macro_f1": 0.0, "accuracy": 0.0}  # undecided counts as wrong
    assert result["column"]["accuracy"] == 0.5


def test_the_clean_run_of_the_real_suggester_is_what_evaluate_reports(
        suggester: Suggester, capsys: pytest.CaptureFixture[str]) -> None:
    records = [json.loads(line) for line in HOLDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = robustness(records, suggester_fn(suggester), {"no_title": no_title})
    assert cli.main(["evaluate", str(HOLDOUT), "--rules-only", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert result[CLEAN]["records"] == report["records"] == len(records)
    for name in ("category", "column"):
        assert result[CLEAN][name] == {"macro_f1": report[name]["macro_f1"], "accuracy": report[name]["accuracy"]}
    # Without titles the rules keyed on titles (请示, 通知, 公告 …) are silent: the rules alone lose.
    assert result["perturbed"]["no_title"]["category"]["delta_accuracy"] < 0
