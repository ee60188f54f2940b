"""Backtest: what a candidate rule set would have suggested, beside the active one, on decisions
people already made (`gongkai rules backtest`, and the service's validation of a candidate).

Each case is a document and its final human decision (a reviewed item, or a labelled record). Both
rule sets decide it the way the service does (engine/combine.py, with the model when one is given;
the model's prediction does not depend on the rules, so it is made once). What comes out:

- the flip list: every (case, field) whose suggestion changes, with the final decision, so an author
  sees which changes fix a suggestion and which break one, and the document's title to know it by
  (none for a document that is marked or secret: rule authors are not cleared to read those, and
  the service's own lists blank such titles too);
- the metrics of engine/authoring/evaluate.py for both, per field and per class;
- per rule, the cases it newly fires on and no longer fires on;
- the gates. Two are fixed: the candidate may not find fewer secret documents (secrecy-flag
  recall) nor fewer withheld ones (withheld recall) than the active set. A missed secret or withheld
  document reaches the website, and publication cannot be undone (条例第十四至十六条; 保守国家秘密法
  第三十条 on releasing information). They compare counts, not rounded rates. The manifest may add
  floors and ceilings (`backtest: thresholds:` in _ruleset.yaml, the candidate's own).

Speed (100k cases in under a minute, bench/backtest_bench.py): each case is decided both ways at
the cost of about one (engine/authoring/comparer.py), and cases go to worker processes in batches.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Protocol, Sequence

from engine.authoring.comparer import Case, Comparer, Outcome
from engine.authoring.evaluate import NULL, UNDECIDED, Evaluation, metric
from engine.rules.rulebook import Rule, Rulebook
from engine.vocabulary import DECIDED_FIELDS, Category, FieldStatus

BATCH = 500  # cases per worker task: large enough to amortise the hand-over, small enough to stream


@dataclass
class Backtest:
    """Accumulates outcomes; report() is the backtest's result."""

    active: Rulebook
    candidate: Rulebook
    source: str
    evaluations: dict[str, Evaluation] = field(default_factory=lambda: {"active": Evaluation(), "candidate": Evaluation()})
    # Kept with each case's seq, and sorted by it in report(): worker processes finish in any order.
    flips: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)
    new_hits: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    lost_hits: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    skipped: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    fired: dict[str, Counter[str]] = field(default_factory=lambda: {"active": Counter(), "candidate": Counter()})

    def add(self, outcome: Outcome) -> None:
        if outcome.error is not None:
            self.skipped.append((outcome.seq, {"id": outcome.id, "error": outcome.error}))
            return
        for side, shown in (("active", outcome.active), ("candidate", outcome.candidate)):
            predicted = {n: (None if v in (NULL, UNDECIDED) else v) for n, v in zip(DECIDED_FIELDS, shown, strict=True)}
            statuses = {n: (FieldStatus.UNDECIDED if v == UNDECIDED else FieldStatus.DECIDED)
                        for n, v in zip(DECIDED_FIELDS, shown, strict=True)}
            self.evaluations[side].add(outcome.id, outcome.gold, predicted, statuses, outcome.marked)
        if outcome.active != outcome.candidate:
            for i, (name, before, after) in enumerate(zip(DECIDED_FIELDS, outcome.active, outcome.candidate,
                                                          strict=True)):
                if before != after:
                    decided = outcome.gold[name]
                    verdict = "fixed" if after == decided else "broken" if before == decided else "changed"
                    self.flips.append((outcome.seq, i, {"item": outcome.id, "title": outcome.title, "field": name,
                                                        "active": before, "candidate": after, "decided": decided,
                                                        "verdict": verdict}))
        self.fired["active"].update(outcome.active_hits)
        self.fired["candidate"].update(outcome.candidate_hits)
        if outcome.active_hits != outcome.candidate_hits:
            was, now = set(outcome.active_hits), set(outcome.candidate_hits)
            for rule_id in now - was:
                self.new_hits.setdefault(rule_id, []).append((outcome.seq, outcome.id))
            for rule_id in was - now:
                self.lost_hits.setdefault(rule_id, []).append((outcome.seq, outcome.id))

    def report(self) -> dict[str, Any]:
        reports = {side: e.report() for side, e in self.evaluations.items()}
        gates = self._gates(reports)
        flips = [f for _, _, f in sorted(self.flips, key=lambda entry: entry[:2])]
        return {
            "source": self.source,
            "active": _book(self.active), "candidate": _book(self.candidate),
            "items": self.evaluations["active"].records,
            "skipped": [s for _, s in sorted(self.skipped, key=lambda entry: entry[0])],
            "flips": flips,
            "flip_counts": dict(Counter(f["verdict"] for f in flips)),
            "fields": {name: _compare_field(reports["active"][name], reports["candidate"][name])
                       for name in DECIDED_FIELDS},
            "secrecy_flag": {side: reports[side]["secrecy_flag"] for side in reports},
            "violations": {side: reports[side]["violations"] for side in reports},
            "rules": self._rules(),
            "gates": gates,
            "passed": all(g["passed"] for g in gates),
        }

    def _rules(self) -> dict[str, dict[str, Any]]:
        """Every rule that changed, or whose hits changed: what changed, and on which items."""
        before, after = self.active.by_id(), self.candidate.by_id()
        out = {}
        for rule_id in sorted(set(before) | set(after)):
            change = _change(before.get(rule_id), after.get(rule_id))
            new = [i for _, i in sorted(self.new_hits.get(rule_id, []), key=lambda entry: entry[0])]
            lost = [i for _, i in sorted(self.lost_hits.get(rule_id, []), key=lambda entry: entry[0])]
            if change == "unchanged" and not new and not lost:
                continue
            out[rule_id] = {"change": change, "active_hits": self.fired["active"][rule_id],
                            "candidate_hits": self.fired["candidate"][rule_id],
                            "new_hits": len(new), "lost_hits": len(lost), "new_items": new, "lost_items": lost}
        return out

    def _gates(self, reports: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
        a, c = self.evaluations["active"], self.evaluations["candidate"]
        withheld = Category.WITHHELD.value
        # Counts of gold positives found; both sides see the same cases, so counts compare exactly.
        found = {"secrecy_flag.recall": (a.flag["tp"], c.flag["tp"]),
                 "category.withheld.recall": (Counter(a.fields["category"].pairs)[(withheld, withheld)],
                                              Counter(c.fields["category"].pairs)[(withheld, withheld)])}
        gates = []
        for name, why in (("secrecy_flag.recall", "the candidate may not miss a secret document the active set finds"),
                          ("category.withheld.recall", "the candidate may not miss a withheld document the active set finds")):
            before, after = found[name]
            gates.append({"gate": f"{name} must not fall", "why": why, "metric": name,
                          "active": metric(reports["active"], name), "candidate": metric(reports["candidate"], name),
                          "found": {"active": before, "candidate": after}, "passed": after >= before})
        for threshold in self.candidate.thresholds:
            value = metric(reports["candidate"], threshold.metric)
            gates.append({"gate": threshold.describe(), "why": threshold.note or "a threshold of the manifest",
                          "metric": threshold.metric, "active": metric(reports["active"], threshold.metric),
                          "candidate": value, "passed": value is None or threshold.holds(value),
                          **({"unmeasured": "no item of this class"} if value is None else {})})
        return gates


def _short(title: str | None, width: int = 30) -> str:
    if title is None:
        return "（涉密或有密级标志，不显示标题）"
    return title if len(title) <= width else title[:width - 1] + "…"


def _book(book: Rulebook) -> dict[str, Any]:
    return {"name": book.name, "revision": book.revision, "rules": len(book.rules), "active_rules": len(book.active())}


def _change(before: Rule | None, after: Rule | None) -> str:
    if before is None:
        return "added"
    if after is None:
        return "removed"
    if before.mode != after.mode:
        return f"mode {before.mode.value} → {after.mode.value}"
    same = (before.when, dict(before.outcome), before.confidence, before.effective_from, before.effective_until) == \
           (after.when, dict(after.outcome), after.confidence, after.effective_from, after.effective_until)
    return "unchanged" if same else "edited"


def _compare_field(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    classes = sorted(set(before["per_class"]) | set(after["per_class"]))
    empty = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    return {
        "accuracy": {"active": before["accuracy"], "candidate": after["accuracy"]},
        "macro_f1": {"active": before["macro_f1"], "candidate": after["macro_f1"]},
        "per_class": {cls: {"active": before["per_class"].get(cls, empty), "candidate": after["per_class"].get(cls, empty)}
                      for cls in classes},
    }


# -- running -------------------------------------------------------------------------------------

_comparer: Comparer | None = None  # the worker processes' (inherited by fork)
_source: Any = None
SLICES = 16  # shards per job: workers stay busy to the end, each slice's answer stays small


class Sharded(Protocol):
    """Cases a worker can read for itself: its shard `i` of `n` (e.g. item id % n == i)."""

    def __iter__(self) -> Iterator[Case]: ...

    def shard(self, i: int, n: int) -> Iterable[Case]: ...


def _work(batch: Sequence[Case]) -> list[Outcome]:
    assert _comparer is not None
    return _comparer.outcomes(batch)


def _work_shard(task: tuple[int, int]) -> list[Outcome]:
    assert _comparer is not None and _source is not None
    out: list[Outcome] = []
    for batch in batches(_source.shard(*task)):
        out += _comparer.outcomes(batch)
    return out


def batches(cases: Iterable[Case], size: int = BATCH) -> Iterator[list[Case]]:
    batch: list[Case] = []
    for case in cases:
        batch.append(case)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def default_jobs() -> int:
    return max(1, min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def run(comparer: Comparer, cases: Iterable[Case], source: str, *, jobs: int = 1,
        progress: Any = None) -> Backtest:
    """The backtest of every case. With jobs > 1 the batches go to forked worker processes (which
    inherit the loaded rules and model); where fork is unavailable, or for one job, in process."""
    global _comparer, _source
    result = Backtest(comparer.active_book, comparer.candidate_book, source)
    done = 0

    def take(outcomes: list[Outcome]) -> None:
        nonlocal done
        for outcome in outcomes:
            result.add(outcome)
        done += len(outcomes)
        if progress is not None:
            progress(done)

    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        _comparer = comparer
        # A source that can be sharded is read by the workers themselves (each its slices of the
        # database): the parent neither reads nor hands over the documents.
        _source = cases if hasattr(cases, "shard") else None
        try:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                if _source is not None:
                    n = jobs * SLICES
                    results = pool.imap_unordered(_work_shard, [(i, n) for i in range(n)], chunksize=1)
                else:
                    results = pool.imap(_work, batches(cases), chunksize=1)
                for outcomes in results:
                    take(outcomes)
        finally:
            _comparer = _source = None
    else:
        for batch in batches(cases):
            take(comparer.outcomes(batch))
    return result


def render(report: Mapping[str, Any], *, show: int = 50) -> str:
    """The backtest as an author reads it: flips, the figures before and after, rules, gates."""
    a, c = report["active"], report["candidate"]
    counts = report["flip_counts"]
    lines = [f"backtest of {c['name']} {c['revision'][:12]} ({c['rules']} rules) against the active "
             f"{a['name']} {a['revision'][:12]} ({a['rules']} rules)",
             f"over {report['items']} decisions from {report['source']}"
             + (f"; {len(report['skipped'])} skipped" if report["skipped"] else ""), "",
             f"flips: {len(report['flips'])} ({counts.get('fixed', 0)} fixed, {counts.get('broken', 0)} broken, "
             f"{counts.get('changed', 0)} changed, neither right before nor after)"]
    if report["flips"]:
        lines.append(f"  {'item':<16}{'field':<11}{'active → candidate':<42}{'decided':<22}{'verdict':<9}title")
        for flip in report["flips"][:show]:
            lines.append(f"  {flip['item']:<16}{flip['field']:<11}{flip['active'] + ' → ' + flip['candidate']:<42}"
                         f"{flip['decided']:<22}{flip['verdict']:<9}{_short(flip.get('title'))}")
        if len(report["flips"]) > show:
            lines.append(f"  … {len(report['flips']) - show} more (--show N, or --format json for all)")
    lines += ["", f"  {'field / class':<28}{'precision':>20}{'recall':>20}{'support':>9}"]
    for name, fld in report["fields"].items():
        acc = fld["accuracy"]
        changed = "" if acc["active"] == acc["candidate"] else "  *"
        lines.append(f"  {name + ' accuracy':<28}{acc['active']:>9.4f} → {acc['candidate']:.4f}{changed}")
        for cls, pair in fld["per_class"].items():
            b, n = pair["active"], pair["candidate"]
            mark = "" if (b["precision"], b["recall"]) == (n["precision"], n["recall"]) else "  *"
            lines.append(f"    {cls:<26}{b['precision']:>9.4f} → {n['precision']:.4f}{b['recall']:>10.4f} → "
                         f"{n['recall']:.4f}{n['support']:>9}{mark}")
    flag = report["secrecy_flag"]
    lines.append(f"  {'secrecy flag':<28}{flag['active']['precision']:>9.4f} → {flag['candidate']['precision']:.4f}"
                 f"{flag['active']['recall']:>10.4f} → {flag['candidate']['recall']:.4f}")
    v = report["violations"]
    for kind in ("secret_suggested_proactive", "withheld_suggested_proactive"):
        lines.append(f"  {kind.replace('_', ' '):<28}{v['active'][kind]:>9} → {v['candidate'][kind]}")
    lines += ["", f"rules changed or firing differently: {len(report['rules'])}"]
    for rule_id, r in report["rules"].items():
        items = ", ".join(r["new_items"][:5]) + (" …" if len(r["new_items"]) > 5 else "")
        gone = ", ".join(r["lost_items"][:5]) + (" …" if len(r["lost_items"]) > 5 else "")
        lines.append(f"  {rule_id}  [{r['change']}]  hits {r['active_hits']} → {r['candidate_hits']}: "
                     f"+{r['new_hits']} new" + (f" ({items})" if items else "")
                     + f", −{r['lost_hits']} lost" + (f" ({gone})" if gone else ""))
    lines += ["", "gates:"]
    for gate in report["gates"]:
        def fmt(x: Any) -> str:
            return "—" if x is None else f"{x:.4f}" if isinstance(x, float) else str(x)
        lines.append(f"  {'ok  ' if gate['passed'] else 'FAIL'}  {gate['gate']}: {fmt(gate['active'])} → "
                     f"{fmt(gate['candidate'])}" + (f"  ({gate['unmeasured']})" if gate.get("unmeasured") else "")
                     + ("" if gate["passed"] else f"  — {gate['why']}"))
    lines.append("")
    lines.append("PASSED: the candidate keeps every gate" if report["passed"] else
                 "FAILED: the candidate breaks a gate; do not activate it as it is")
    return "\n".join(lines)
