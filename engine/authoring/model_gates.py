"""The gates a new model must pass to replace the one in service (issue 19), wherever a model is replaced: the
registry's validation and activation (api/rulesets/classifier.py) and the replay of learning
(bench/replay_bench.py).

Both models are combined with the same rules and decide the same past decisions (a Backtest of the two sides). The
gates: the candidate may not find fewer secret documents nor fewer withheld ones than the model in service (the
backtest's two fixed gates, counts not rounded rates: a missed one reaches the website, 条例第十四至十六条), and
its macro-F1 may not be lower, for the category and for the mean of the four fields (a model that decides worse
than the one it replaces is no improvement, however it was trained).

And against the deployed model (the one the service last started with, trained on labelled files and put in
service by an operator): the candidate may not find fewer secret or withheld documents than it either. Compared
with the model in service alone, each replacement may lose a refusal the small hold-out cannot show, and the losses
add up: on the replay of real decisions, models learnt step by step came to miss 14 of 25 refusals the starter
model found 22 of (bench/replay_bench.py). The deployed model is a fixed anchor they cannot drift from.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

FIXED = ("secrecy_flag.recall", "category.withheld.recall")
GATED_FIELDS = ("category",)
WHY = "a new model must not decide worse than the one it replaces"


def f1_gates(fields: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Macro-F1 may not fall: per gated field, and the mean over the fields (rounded figures, as reported)."""
    out = []
    for name in GATED_FIELDS:
        before, after = fields[name]["macro_f1"]["active"], fields[name]["macro_f1"]["candidate"]
        out.append({"gate": f"{name}.macro_f1 must not fall", "metric": f"{name}.macro_f1", "active": before,
                    "candidate": after, "found": None, "passed": after >= before, "why": WHY})
    mean = {side: round(sum(f["macro_f1"][side] for f in fields.values()) / len(fields), 4)
            for side in ("active", "candidate")}
    out.append({"gate": "mean macro_f1 of the four fields must not fall", "metric": "mean.macro_f1",
                "active": mean["active"], "candidate": mean["candidate"], "found": None,
                "passed": mean["candidate"] >= mean["active"], "why": WHY})
    return out


def model_gates(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The gates of a backtest report (engine/authoring/backtest.Backtest.report) of two models: its fixed gates
    (the rule set's own thresholds are the rules' business, not the model's) and the macro-F1 gates."""
    fixed: Sequence[dict[str, Any]] = [g for g in report["gates"] if g["metric"] in FIXED]
    return [*fixed, *f1_gates(report["fields"])]


def anchor_gates(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The fixed gates of a backtest report of the deployed model (active side) against the candidate, named as
    such."""
    return [{**g, "gate": g["gate"].replace("must not fall", "must not fall below the deployed model's"),
             "why": g["why"].replace("the active set", "the deployed model")}
            for g in report["gates"] if g["metric"] in FIXED]


def passed(gates: Sequence[Mapping[str, Any]]) -> bool:
    return all(g["passed"] for g in gates)
