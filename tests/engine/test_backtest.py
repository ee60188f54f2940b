"""`gongkai rules backtest` on a labelled file: a real edit of the real rulebook, a flip list checked
by hand, the gates, the manifest's thresholds and bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from engine import cli
from engine.authoring.backtest import Case, Comparer, run
from engine.authoring.evaluate import NULL, UNDECIDED
from engine.facts.document import document_from_record
from engine.rules.loader import load_rulebook
from engine.suggest import Suggester
from engine.vocabulary import DECIDED_FIELDS

RULES = Path(__file__).resolve().parents[2] / "rules"

# The candidate's edit: 公告/通告 no longer proactive by their form alone (proactive.general.public_notices
# disabled), and a new rule: notices about the agency's own canteen are internal (on_request).
CANTEEN = """schema: gongkai-rules/1
owner: 办公室
rules:
  - id: on_request.internal.canteen_notices
    title: 机关食堂、后勤的通告只涉及机关内部，依申请公开
    mode: enforce
    confidence: 0.8
    outcome:
      category: on_request
    legal_basis:
      - source: 政府信息公开条例
        article: 27
        excerpt: 除行政机关主动公开的政府信息外，公民、法人或者其他组织可以向地方各级人民政府……申请获取相关政府信息
    when:
      all:
        - field: title
          contains_any: [机关食堂]
    examples:
      - name: 食堂暂停供餐
        document: {doc_type: 通告, title: 关于机关食堂暂停供餐的通告}
        expect: fires
      - name: 面向社会的通告
        document: {doc_type: 通告, title: 关于道路施工的通告}
        expect: does_not_fire
"""

RECORDS = [
    # T1: a road-closure 通告. Active: proactive.general.public_notices (doc_type 通告) makes it
    # proactive, as decided. Candidate: that rule is off and no other category rule fires, so the
    # category is undecided, and with it the exemption (not yet known to be not applicable): 2 flips,
    # both broken.
    {"id": "T1", "doc_type": "通告", "title": "关于城区部分道路封闭施工的通告", "date": "2026-10-20",
     "body": "因地铁施工需要，自2026年11月1日起封闭人民路部分路段，请过往车辆绕行。特此通告。",
     "labels": {"category": "proactive", "exemption": None, "secrecy": "none", "column": "work_updates"}},
    # T2: a 公告 of fee standards. public_notices no longer fires, but the fees rule (第二十条第（十）项)
    # still makes it proactive: the rule's hit is lost, nothing flips.
    {"id": "T2", "doc_type": "公告", "title": "关于2026年度行政事业性收费标准调整的公告", "date": "2026-10-20",
     "body": "根据省物价局批复，现将有关收费标准调整公告如下。",
     "labels": {"category": "proactive", "exemption": None, "secrecy": "none", "column": "fees"}},
    # T3: a 请示, untouched by the edit: no flip, no hit change.
    {"id": "T3", "doc_type": "请示", "title": "关于申请追加办公经费的请示", "date": "2026-10-20",
     "body": "县财政局：我局因工作需要，拟申请追加办公经费20万元，妥否，请批示。",
     "labels": {"category": "withheld", "exemption": "process_info", "secrecy": "none", "column": None}},
    # T4: a canteen 通告, decided on_request. Active: public_notices says proactive (wrong).
    # Candidate: the new canteen rule says on_request: fixed. Its column: the active proactive
    # suggestion had one; on_request information has a column too, so only the category flips.
    {"id": "T4", "doc_type": "通告", "title": "关于机关食堂暂停供餐的通告", "date": "2026-10-20",
     "body": "因设备检修，机关食堂11月3日暂停供餐一天。",
     "labels": {"category": "on_request", "exemption": None, "secrecy": "none", "column": "work_updates"}},
]


def _candidate(tmp_path: Path) -> Path:
    candidate = tmp_path / "candidate"
    shutil.copytree(RULES, candidate)
    general = candidate / "proactive" / "general.yaml"
    text = general.read_text(encoding="utf-8")
    head = "  - id: proactive.general.public_notices\n"
    start = text.index(head)
    mode = text.index("    mode: enforce\n", start)
    general.write_text(text[:mode] + "    mode: disabled\n" + text[mode + len("    mode: enforce\n"):], encoding="utf-8")
    (candidate / "on_request" / "canteen.yaml").write_text(CANTEEN, encoding="utf-8")
    return candidate


def _labelled(tmp_path: Path, records: list[Any] = RECORDS) -> Path:
    path = tmp_path / "decisions.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _backtest(tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any], str]:
    code = cli.main(["rules", "backtest", "--rules", str(_candidate(tmp_path)), "--active", str(RULES),
                     "--against", str(_labelled(tmp_path)), "--rules-only", "--format", "json", *extra])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_flip_list_of_a_real_edit_is_the_hand_checked_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _ = _backtest(tmp_path, capsys)
    flips = {(f["item"], f["field"]): (f["active"], f["candidate"], f["decided"], f["verdict"]) for f in report["flips"]}
    assert flips == {
        ("T1", "category"): ("proactive", UNDECIDED, "proactive", "broken"),
        ("T1", "exemption"): (NULL, UNDECIDED, NULL, "broken"),
        ("T4", "category"): ("proactive", "on_request", "on_request", "fixed"),
    }
    assert report["flip_counts"] == {"broken": 2, "fixed": 1}
    assert {f["item"]: f["title"] for f in report["flips"]} == {"T1": "关于城区部分道路封闭施工的通告",
                                                                "T4": "关于机关食堂暂停供餐的通告"}
    assert report["items"] == 4 and report["skipped"] == []
    rules = report["rules"]
    assert rules["proactive.general.public_notices"]["change"] == "mode enforce → disabled"
    assert rules["proactive.general.public_notices"]["lost_items"] == ["T1", "T2", "T4"]
    assert rules["on_request.internal.canteen_notices"] == {
        "change": "added", "active_hits": 0, "candidate_hits": 1, "new_hits": 1, "lost_hits": 0,
        "new_items": ["T4"], "lost_items": []}
    assert set(rules) == {"proactive.general.public_notices", "on_request.internal.canteen_notices"}
    # Category before and after: active 3 of 4 right (T4 wrong), candidate 3 of 4 (T1 undecided).
    category = report["fields"]["category"]
    assert category["accuracy"] == {"active": 0.75, "candidate": 0.75}
    assert category["per_class"]["on_request"]["active"]["recall"] == 0.0
    assert category["per_class"]["on_request"]["candidate"]["recall"] == 1.0
    assert category["per_class"]["proactive"]["active"]["precision"] == round(2 / 3, 4)  # T1, T2 of T1, T2, T4
    assert category["per_class"]["proactive"]["candidate"]["recall"] == 0.5  # T2 only
    # Nothing secret or withheld is lost: the gates hold and the command says so with exit 0.
    assert report["passed"] is True and code == 0


def test_a_flip_shows_no_title_of_a_marked_or_secret_document() -> None:
    """Rule authors are not cleared for secret items (api/visibility.is_secret): a flip names the document
    by its title only when it is unmarked and neither decided nor suggested secret on either side."""
    from engine.authoring.comparer import _title
    from engine.facts.derive import derive_facts

    plain = {"category": "proactive", "exemption": NULL, "secrecy": "none", "column": "work_updates"}
    shown = tuple(plain[name] for name in DECIDED_FIELDS)
    secret = tuple("secret" if name == "secrecy" else plain[name] for name in DECIDED_FIELDS)
    facts = derive_facts(document_from_record(RECORDS[0]))
    assert _title(facts, plain, shown, shown) == "关于城区部分道路封闭施工的通告"
    assert _title(facts, {**plain, "secrecy": "internal"}, shown, shown) is None  # decided 内部
    assert _title(facts, plain, shown, secret) is None  # one side suggests 秘密
    marked = derive_facts(document_from_record({**RECORDS[0], "secrecy_marking": "秘密★1年"}))
    assert _title(marked, plain, shown, shown) is None
    assert _title(facts, {**plain, "secrecy": NULL}, shown, shown) == "关于城区部分道路封闭施工的通告"  # no decision


def test_text_output_lists_flips_rules_and_gates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["rules", "backtest", "--rules", str(_candidate(tmp_path)), "--active", str(RULES),
                     "--against", str(_labelled(tmp_path)), "--rules-only"])
    out = capsys.readouterr().out
    assert code == 0
    assert "flips: 3 (1 fixed, 2 broken, 0 changed" in out
    assert "T4              category   proactive → on_request" in out
    assert "on_request            fixed    关于机关食堂暂停供餐的通告" in out  # decided, verdict, the title
    assert "on_request.internal.canteen_notices  [added]  hits 0 → 1: +1 new (T4)" in out
    assert "PASSED" in out


def test_losing_a_withheld_document_fails_the_gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Disable every process_info rule: T3 (a 请示, decided withheld) is no longer found withheld.
    candidate = _candidate(tmp_path)
    path = candidate / "withheld" / "process_info.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("mode: enforce", "mode: disabled"), encoding="utf-8")
    code = cli.main(["rules", "backtest", "--rules", str(candidate), "--active", str(RULES),
                     "--against", str(_labelled(tmp_path)), "--rules-only", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    gate = next(g for g in report["gates"] if g["metric"] == "category.withheld.recall")
    assert gate["found"] == {"active": 1, "candidate": 0} and gate["passed"] is False
    assert ("T3", "category") in {(f["item"], f["field"]) for f in report["flips"]}
    assert report["passed"] is False and code == 1


def test_manifest_thresholds_are_gates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    candidate = _candidate(tmp_path)
    manifest = candidate / "_ruleset.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + (
        "backtest:\n  thresholds:\n"
        "    - metric: category.accuracy\n      at_least: 0.8\n      note: 公开属性准确率不低于八成\n"
        "    - metric: violations.withheld_suggested_proactive\n      at_most: 0\n"
        "    - metric: secrecy.secret.recall\n      at_least: 0.9\n"), encoding="utf-8")
    code = cli.main(["rules", "backtest", "--rules", str(candidate), "--active", str(RULES),
                     "--against", str(_labelled(tmp_path)), "--rules-only", "--format", "json"])
    gates = {g["metric"]: g for g in json.loads(capsys.readouterr().out)["gates"]}
    assert gates["category.accuracy"]["candidate"] == 0.75 and gates["category.accuracy"]["passed"] is False
    assert gates["category.accuracy"]["why"] == "公开属性准确率不低于八成"
    assert gates["violations.withheld_suggested_proactive"]["passed"] is True
    # No decision was secret: the floor is not measured, so it neither passes by luck nor fails.
    assert gates["secrecy.secret.recall"]["candidate"] is None and gates["secrecy.secret.recall"]["unmeasured"]
    assert code == 1


def test_a_threshold_on_an_unknown_class_is_a_rule_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    candidate = _candidate(tmp_path)
    manifest = candidate / "_ruleset.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8")
                        + "backtest:\n  thresholds:\n    - metric: category.secret.recall\n      at_least: 0.9\n",
                        encoding="utf-8")
    code = cli.main(["rules", "backtest", "--rules", str(candidate), "--against", str(_labelled(tmp_path)),
                     "--rules-only"])
    err = capsys.readouterr().err
    assert code == 1
    assert "_ruleset.yaml" in err and "'secret' is not a class of category" in err
    assert "nothing was compared" in err


def test_unreadable_lines_are_reported_by_number_and_the_rest_compared(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(json.dumps(RECORDS[0], ensure_ascii=False).encode() + b"\n{not json\n"
                     + json.dumps({"title": "无标签"}, ensure_ascii=False).encode() + b"\n\xff\xfe\n")
    code = cli.main(["rules", "backtest", "--rules", str(_candidate(tmp_path)), "--active", str(RULES),
                     "--against", str(path), "--rules-only", "--format", "json"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["items"] == 1
    assert [s["id"] for s in report["skipped"]] == ["line 2", "line 3", "line 4"]
    assert "line 2: skipped: invalid JSON" in err and "line 3: skipped: labels: missing" in err
    assert "line 4: skipped: invalid UTF-8" in err
    assert code == 0


def test_with_the_model_each_side_is_what_the_service_would_suggest(tmp_path: Path, model: Any) -> None:
    """The backtest's shortcuts (pooled conditions, one prediction, batched) change nothing: each
    side's suggestion equals the suggester's own, field by field, on real held-out records."""
    active, candidate = load_rulebook(RULES), load_rulebook(_candidate(tmp_path))
    lines = (RULES.parent / "data" / "holdout" / "records.jsonl").read_text(encoding="utf-8").splitlines()
    cases = [Case(f"line {n}", line, None, n) for n, line in enumerate(lines, 1)]
    outcomes = Comparer(active, candidate, model).outcomes(cases)
    for book, side in ((active, "active"), (candidate, "candidate")):
        suggester = Suggester(book, "reference", model)
        for line, outcome in zip(lines, outcomes, strict=True):
            _, decision = suggester.run(document_from_record(json.loads(line)))
            expected = tuple(UNDECIDED if decision.fields[n].status == "undecided" else decision.fields[n].value or NULL
                             for n in DECIDED_FIELDS)
            assert getattr(outcome, side) == expected, (outcome.id, side)


@pytest.mark.slow  # 1,200 cases, serially and in worker processes
def test_parallel_and_serial_runs_agree(tmp_path: Path) -> None:
    active, candidate = load_rulebook(RULES), load_rulebook(_candidate(tmp_path))
    lines = (RULES.parent / "data" / "holdout" / "records.jsonl").read_text(encoding="utf-8").splitlines() * 10
    cases = [Case(f"line {n}", line, None, n) for n, line in enumerate(lines, 1)]
    serial = run(Comparer(active, candidate), cases, "holdout", jobs=1).report()
    parallel = run(Comparer(active, candidate), cases, "holdout", jobs=2).report()
    assert serial == parallel and serial["items"] == 1200


def test_bundle_carries_the_whole_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`gongkai rules bundle` is the API's body: written back out, the files give the same revision."""
    from engine.rules.rulebook import revision_of

    assert cli.main(["rules", "bundle", "--rules", str(RULES), "--note", "试运行"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["note"] == "试运行"
    for name, text in body["files"].items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert "_ruleset.yaml" in body["files"] and revision_of(tmp_path) == revision_of(RULES)
