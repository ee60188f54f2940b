"""The damage of engine/authoring/perturb.py on small records: each does what it says, keeps the
labels, leaves its input alone, and the OCR noise is as frequent as asked and the same for a seed."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from engine.authoring.perturb import (METADATA_FIELDS, all_of_them, damage, no_metadata, no_title, ocr_noise,
                                      traditional)

LABELS = {"category": "proactive", "exemption": None, "secrecy": "none", "column": "budget"}
RECORD: dict[str, Any] = {
    "id": "p-0001", "title": "关于印发《某市2025年部门预算公开工作方案》的通知", "doc_number": "某财发〔2025〕3号",
    "doc_type": "通知", "division": "财务处", "agency": "某市财政局", "date": "2025-02-10",
    "secrecy_marking": None, "source": "closure",
    "body": "各区财政局：为做好与他们有关的部门预算公开工作，现将方案印发给你们，请结合实际认真贯彻执行。",
    "labels": LABELS,
}
# A long text with every kind of character the noise treats apart: look-alikes, digits, others, spaces.
LONG = ("自己已经在2024年10月15日前完成了土地出让金的征收工作，未发现违规情况。人员 共计 108 人，"
        "经费支出 3,567.80 万元。" * 25)


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: substitutions, deletions and insertions, each one."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def test_traditional_converts_title_body_agency_and_doc_number() -> None:
    out = traditional(RECORD)
    assert out["title"] == "關於印發《某市2025年部門預算公開工作方案》的通知"
    assert "與他們" in out["body"] and "你們" in out["body"] and "與他们" not in out["body"]
    assert out["agency"] == "某市財政局"
    assert out["doc_number"] == "某財發〔2025〕3號"
    # What the document system fills from its lists stays as it was.
    assert (out["doc_type"], out["division"], out["date"]) == ("通知", "财务处", "2025-02-10")


@pytest.mark.parametrize("perturb", [traditional, ocr_noise(0.3, seed=1), no_title, no_metadata, all_of_them(0.3)],
                         ids=["traditional", "ocr_noise", "no_title", "no_metadata", "all_of_them"])
def test_every_perturbation_keeps_the_labels_and_leaves_its_input_alone(perturb: Any) -> None:
    before = copy.deepcopy(RECORD)
    out = perturb(RECORD)
    assert RECORD == before
    assert out["labels"] == LABELS and out["labels"] is not RECORD["labels"]
    assert (out["id"], out["secrecy_marking"], out["source"]) == (RECORD["id"], None, "closure")
    assert out != RECORD


def test_ocr_noise_at_rate_zero_is_the_identity() -> None:
    assert ocr_noise(0.0, seed=7)(RECORD) == RECORD
    assert damage(LONG, 0.0, random.Random(1)) == LONG


@pytest.mark.parametrize("rate", [0.02, 0.05, 0.2])
def test_ocr_noise_damages_about_rate_of_the_characters(rate: float) -> None:
    text = LONG[:900]
    damaged = ocr_noise(rate, seed=3)({"id": "x", "title": "", "body": text})["body"]
    counted = sum(not ch.isspace() for ch in text)
    # One edit per damaged character (a look-alike, a full-width digit, a loss or a stray break);
    # binomial spread: within three standard deviations of rate × characters.
    expected, spread = rate * counted, 3 * (rate * (1 - rate) * counted) ** 0.5
    assert abs(_edit_distance(text, damaged) - expected) <= spread + 1


def test_ocr_noise_makes_each_kind_of_damage() -> None:
    damaged = ocr_noise(0.4, seed=5)({"id": "x", "title": LONG, "body": ""})["title"]
    assert any(ch in damaged for ch in "０１２３４５６７８９")  # full-width digits
    assert "巳" in damaged or damaged.count("已") > LONG.count("已")  # 己 read as 已 or 巳
    assert "曰" in damaged and "末" in damaged  # 日 → 曰, 未 → 末
    assert damaged.count("\n") > 0 and damaged.count(" ") > LONG.count(" ")  # words broken
    assert len(damaged.replace(" ", "").replace("\n", "")) < len(LONG.replace(" ", ""))  # characters lost


def test_ocr_noise_is_deterministic_by_seed_and_record_not_by_order() -> None:
    records = [dict(RECORD, id=f"p-{i}", body=LONG) for i in range(4)]
    first = [ocr_noise(0.05, seed=11)(r) for r in records]
    again = [ocr_noise(0.05, seed=11)(r) for r in reversed(records)][::-1]
    assert first == again
    assert [r["body"] for r in first] != [ocr_noise(0.05, seed=12)(r)["body"] for r in records]
    assert len({r["body"] for r in first}) == 4  # each record its own damage


def test_ocr_noise_refuses_a_rate_that_is_not_a_proportion() -> None:
    with pytest.raises(ValueError, match="rate 1.5 is not between 0 and 1"):
        ocr_noise(1.5)


def test_no_title_and_no_metadata_empty_exactly_their_fields() -> None:
    untitled = no_title(RECORD)
    assert untitled["title"] == "" and {k: v for k, v in untitled.items() if k != "title"} == {
        k: v for k, v in RECORD.items() if k != "title"}
    bare = no_metadata(RECORD)
    assert all(bare[name] is None for name in METADATA_FIELDS)
    assert set(METADATA_FIELDS) == {"doc_number", "doc_type", "agency", "division", "date"}
    assert (bare["title"], bare["body"]) == (RECORD["title"], RECORD["body"])


def test_all_of_them_does_every_damage() -> None:
    out = all_of_them(0.05, seed=2)(dict(RECORD, body=LONG))
    assert out["title"] == "" and all(out[name] is None for name in METADATA_FIELDS)
    assert "經費支出" in out["body"] or "經費" in out["body"]  # traditional
    assert out["body"] != traditional(dict(RECORD, body=LONG))["body"]  # and damaged
    assert out == all_of_them(0.05, seed=2)(dict(RECORD, body=LONG))
