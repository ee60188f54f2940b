"""The gongkai command end to end: real rules, real files, bad input reported by line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.paths import PROJECT_ROOT
from tests.conftest import TRAINING

SAMPLES = PROJECT_ROOT / "data" / "samples"
EVALUATE_KEYS = {"records", "skipped", "category", "exemption", "secrecy", "column", "secrecy_flag", "violations",
                 "calibration", "attention"}


def _json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_rules_check_and_test_are_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check"]) == 0
    assert "0 error(s)" in capsys.readouterr().err
    assert main(["rules", "test"]) == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    passed, failed = (int(part.split()[0]) for part in summary.split(", "))
    assert passed > 200 and failed == 0


def test_rules_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "list", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert len(listing) >= 60
    for rule in listing:
        assert {"id", "title", "mode", "outcome", "legal_basis"} <= set(rule)
        assert rule["legal_basis"] and all("article" in b and "excerpt" in b for b in rule["legal_basis"])
    assert any(b["verified"] for r in listing for b in r["legal_basis"])


@pytest.mark.usefixtures("model_dir")  # the model, through GONGKAI_MODEL
def test_explain_shows_facts_hits_citations_and_decision(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(SAMPLES / "document.json")]) == 0
    text = capsys.readouterr().out
    assert "Facts:" in text and "Rule hits" in text and "Decision:" in text
    assert "政府信息公开条例第16条第2款" in text
    assert main(["explain", "--format", "json", str(SAMPLES / "document.json")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["suggestion"]["exemption"]["value"] == "process_info"
    assert all(hit["legal_basis"] and "evidence" in hit for hit in out["hits"])
    assert out["facts"]["doc_type"] == "请示"


@pytest.mark.usefixtures("model_dir")  # the model, through GONGKAI_MODEL
def test_explain_evidence_has_spans_and_masks_personal_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps({"title": "低保申请家庭经济状况核对报告", "doc_type": "报告",
                               "body": "申请人王某某，身份证号11010519491231002X，电话13912345678。"}, ensure_ascii=False))
    assert main(["explain", "--format", "json", str(doc)]) == 0
    out = json.loads(capsys.readouterr().out)
    pii = [e for e in out["fact_evidence"] if e["fact"] == "personal_data"]
    assert {e["value"] for e in pii} == {"id_card", "mobile"}
    assert all("*" in e["text"] and e["span"][1] > e["span"][0] for e in pii)
    assert "11010519491231002X" not in json.dumps(out, ensure_ascii=False)


@pytest.mark.slow  # a 10 MB record
@pytest.mark.usefixtures("model_dir")  # the model, through GONGKAI_MODEL
def test_suggest_one_line_per_record_including_bad_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = "第一条 为规范管理，制定本办法。\n" * 700_000  # ~10 MB
    lines = [
        json.dumps({"id": "ok", "title": "关于某事的请示", "doc_type": "请示", "body": "市人民政府：\n妥否，请批示。"}, ensure_ascii=False).encode(),
        b'{"id": "broken", "title": ',
        b"\xff\xfe not utf-8",
        b"[1, 2, 3]",
        json.dumps({"id": "empty", "title": "", "body": ""}).encode(),
        json.dumps({"id": "typed", "title": 42, "body": None, "date": 20240101}).encode(),
        json.dumps({"id": "big", "title": "关于印发某办法的通知", "doc_type": "通知", "body": big}, ensure_ascii=False).encode(),
    ]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert main(["suggest", str(path)]) == 1  # some lines could not be used
    captured = capsys.readouterr()
    out = _json_lines(captured.out)
    assert [o["line"] for o in out] == [1, 2, 3, 4, 5, 6, 7]
    assert [o.get("id") for o in out] == ["ok", None, None, None, "empty", "typed", "big"]
    assert "invalid JSON" in out[1]["error"] and "invalid UTF-8" in out[2]["error"] and "JSON object" in out[3]["error"]
    assert any("title: expected a string" in w for w in out[5]["warnings"])
    assert out[0]["suggestion"]["category"]["value"] == "withheld"
    assert "in.jsonl:2:" in captured.err


@pytest.mark.usefixtures("model_dir")  # the model, through GONGKAI_MODEL
def test_evaluate_json_has_exactly_the_documented_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = TRAINING.read_bytes().splitlines()[:40]  # starter set A, as data/training keeps it
    records += [b"not json", json.dumps({"title": "no labels"}).encode(),
                json.dumps({"title": "x", "labels": {"category": "public", "secrecy": "none"}}).encode()]
    path = tmp_path / "labelled.jsonl"
    path.write_bytes(b"\n".join(records))
    assert main(["evaluate", str(path), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == EVALUATE_KEYS
    assert report["records"] == 40
    assert [s["line"] for s in report["skipped"]] == [41, 42, 43]
    assert "labels.category: 'public'" in report["skipped"][2]["error"]
    for field in ("category", "exemption", "secrecy", "column"):
        assert set(report[field]) == {"accuracy", "macro_f1", "per_class", "confusion"}
        for stats in report[field]["per_class"].values():
            assert set(stats) == {"precision", "recall", "f1", "support"}
    assert set(report["secrecy_flag"]) == {"precision", "recall", "f1"}
    assert report["violations"] == {"secret_suggested_proactive": 0, "withheld_suggested_proactive": 0}
    # the rules alone give a report of the very same shape
    assert main(["evaluate", str(path), "--format", "json", "--rules-only"]) == 0
    rules_only = json.loads(capsys.readouterr().out)
    assert set(rules_only) == set(report) and set(rules_only["category"]) == set(report["category"])


def test_evaluate_without_labels_says_nothing_was_evaluated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Records to suggest for are not decisions to measure against: no report of zeros, and exit 1."""
    path = tmp_path / "unlabelled.jsonl"
    path.write_bytes((SAMPLES / "closures.jsonl").read_bytes() + b"not json\n")
    records = len((SAMPLES / "closures.jsonl").read_bytes().splitlines())
    assert main(["evaluate", str(path), "--rules-only"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (f"nothing was evaluated: {records} of the {records + 1} records had no labels, 1 could not be used"
            in captured.err)
    assert f"{path}:1: skipped: labels: missing" in captured.err
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert main(["evaluate", str(empty), "--rules-only", "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "nothing was evaluated: the file has no records" in captured.err


@pytest.mark.slow  # a process
@pytest.mark.usefixtures("model_dir")  # the model, through GONGKAI_MODEL
def test_console_script_runs_as_a_process() -> None:
    result = subprocess.run([sys.executable, "-m", "engine", "suggest", str(SAMPLES / "closures.jsonl")],
                            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(_json_lines(result.stdout)) == len((SAMPLES / "closures.jsonl").read_text(encoding="utf-8").splitlines())


def test_usage_error_exits_2() -> None:
    with pytest.raises(SystemExit) as raised:
        main(["rules", "frobnicate"])
    assert raised.value.code == 2


@pytest.mark.slow  # cross-validated training
def test_train_prints_cross_validated_metrics_and_writes_a_model(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import TRAINING

    lines = TRAINING.read_bytes().splitlines()
    subset = lines[:80] + [b"{\"title\": \"labels missing\"}"] + lines[220:300]  # both provenances, one bad line
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"\n".join(subset))
    out = tmp_path / "model"
    assert main(["train", str(path), "--output", str(out), "--folds", "3"]) == 1  # 1: a record was not usable
    captured = capsys.readouterr()
    assert f"{path}:81: labels: missing" in captured.err
    assert "fold 3/3" in captured.err
    assert "trained on 160 records" in captured.out
    for header in ("rules", "model", "combined", "category accuracy / macro-F1", "secret suggested proactive",
                   "trained without starter-a"):
        assert header in captured.out
    assert (out / "model.npz").exists() and (out / "metadata.json").exists()
    metadata = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    cv = metadata["metrics"]["cross_validation"]
    assert cv["folds"] == 3 and cv["combined"]["records"] == 160
    assert 0 < cv["model"]["category"]["macro_f1"] <= 1
    # the set-up step: nothing to do while a model loads
    assert main(["train", "--if-needed", "--output", str(out)]) == 0
    assert "nothing to do" in capsys.readouterr().err


def test_without_a_model_suggest_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    samples = str(SAMPLES / "closures.jsonl")
    assert main(["suggest", samples, "--model", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert "no model in" in err and "gongkai train" in err and "--rules-only" in err
    assert main(["suggest", samples, "--model", str(tmp_path / "none"), "--rules-only"]) == 0
    suggestions = _json_lines(capsys.readouterr().out)
    assert suggestions and all(s["model"] is None for s in suggestions)
    assert all(f["model"] is None for s in suggestions for f in s["suggestion"].values())


@pytest.mark.usefixtures("model_dir")  # the model, through GONGKAI_MODEL
def test_suggest_uses_rules_and_model_with_evidence_of_both(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", str(SAMPLES / "closures.jsonl")]) == 0
    suggestions = _json_lines(capsys.readouterr().out)
    for s in suggestions:
        assert s["model"]["id"]
        for name, field in s["suggestion"].items():
            assert field["source"] in ("rules", "baseline", "model", "none"), name
            assert field["model"]["terms"], name  # the model's weightiest terms, for every field
            assert 0 <= field["confidence"] <= 1
            if field["source"] == "rules":
                assert field["rules"] and all(r["citation"] for r in field["rules"])
    # with a model nothing is left undecided: what no rule sets, the model fills
    assert all(f["status"] in ("decided", "not_applicable") for s in suggestions for f in s["suggestion"].values())
