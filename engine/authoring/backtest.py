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

Speed (100k cases in under a minute, bench/backtest_bench.py): facts and model terms are derived
once per case; the conditions of both sets are pooled and each distinct one evaluated once
(rules/flag_backend.py); the second combination runs only when the two sets' hits differ; cases go
to worker processes in batches.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Protocol, Sequence

from engine.authoring.evaluate import NULL, UNDECIDED, Evaluation, LabelError, metric, read_labels
from engine.authoring.records import decode
from engine.combine import DEFAULT_POLICY, Policy, combine
from engine.decision import Decision, RuleHit
from engine.facts.derive import derive_facts
from engine.facts.document import RecordError, document_from_record
from engine.rules.flag_backend import ConditionSet
from engine.rules.rulebook import Rule, Rulebook
from engine.vocabulary import DECIDED_FIELDS, Category

BATCH = 500  # cases per worker task: large enough to amortise the hand-over, small enough to stream


@dataclass(frozen=True)
class Case:
    """One past decision: an id to show, the document as JSON text (or bytes, or a decoded record)
    and the final decision per field ("null" for none). A line of a labelled file has gold None (the
    record's own `labels` are read) and its line number: it is shown by the record's id, else
    "line N", and a line that cannot be read is reported by its number."""

    id: str
    document: str | bytes | Mapping[str, Any]
    gold: Mapping[str, str] | None = None
    line: int | None = None
    seq: int = 0  # the case's place in the source (item id, line number): results are reported in this order


class Outcome(NamedTuple):
    """What both sets suggested for one case (shown values: a value, "null" or "undecided")."""

    id: str
    error: str | None
    gold: Mapping[str, str]
    marked: bool
    active: tuple[str, ...]
    candidate: tuple[str, ...]
    active_hits: tuple[str, ...]
    candidate_hits: tuple[str, ...]
    seq: int = 0
    title: str | None = None  # None where it may not be shown (see `_title`)


def _signature(rule: Rule) -> tuple[Any, ...]:
    """What of a rule the decision depends on (not its title, citation, file or line)."""
    return rule.id, rule.mode, rule.confidence, tuple(sorted(rule.outcome.items()))


def _title(facts: Any, gold: Mapping[str, str], *shown: tuple[str, ...]) -> str | None:
    """The title, unless the document is marked or secret by its decision or by either suggestion
    (api/visibility.is_secret's rule: a secret item is shown to cleared roles only). A secrecy left
    undecided is not known to be none, so it hides the title too."""
    secrecy = DECIDED_FIELDS.index("secrecy")
    levels = {gold.get("secrecy", NULL), *(s[secrecy] for s in shown)}
    if facts["marking_level"] != "none" or not levels <= {"none", NULL}:
        return None
    return facts["title"]


def _shown(decision: Decision) -> tuple[str, ...]:
    out = []
    for name in DECIDED_FIELDS:
        fd = decision.fields[name]
        out.append(UNDECIDED if fd.status == "undecided" else (fd.value or NULL))
    return tuple(out)


class Comparer:
    """The active and the candidate rule set (and the model) ready to decide documents both ways."""

    def __init__(self, active: Rulebook, candidate: Rulebook, model: Any = None,
                 policy: Policy = DEFAULT_POLICY) -> None:
        self.active_book, self.candidate_book, self.model, self.policy = active, candidate, model, policy
        self.conditions = ConditionSet(r.when for book in (active, candidate) for r in book.active())
        self._active = self._by_slot(active)
        self._candidate = self._by_slot(candidate)
        self._same_precedence = active.precedence.order == candidate.precedence.order

    def _by_slot(self, book: Rulebook) -> dict[int, list[tuple[int, RuleHit, tuple[Any, ...], bool]]]:
        """Per condition slot, the rules of the book on it: (book order, its hit, signature, dated)."""
        out: dict[int, list[tuple[int, RuleHit, tuple[Any, ...], bool]]] = {}
        for order, rule in enumerate(book.active()):
            dated = bool(rule.effective_from or rule.effective_until)
            out.setdefault(self.conditions.index[rule.when], []).append((order, RuleHit(rule), _signature(rule), dated))
        return out

    @staticmethod
    def _hits(rules: dict[int, list[tuple[int, RuleHit, tuple[Any, ...], bool]]], held: list[int], on: dt.date
              ) -> tuple[list[RuleHit], list[tuple[Any, ...]]]:
        """The hits of one book on the conditions that held, in book order, as Suggester.hits (rules
        in effect on the document's date; a hit's evidence is not needed here)."""
        found = sorted(entry for slot in held for entry in rules.get(slot, ()))
        found = [e for e in found if not e[3] or e[1].rule.in_effect(on)]
        return [e[1] for e in found], [e[2] for e in found]

    def outcomes(self, cases: Sequence[Case]) -> list[Outcome]:
        """Both suggestions for each case; a case that cannot be read comes back with its error."""
        parsed: list[tuple[Case, Any, Mapping[str, str]] | Outcome] = []
        for case in cases:
            record, error = (case.document, None) if isinstance(case.document, Mapping) else decode(case.document)
            if error is None:
                try:
                    document = document_from_record(record)
                    gold = dict(case.gold) if case.gold is not None else read_labels(record)
                except (RecordError, LabelError) as exc:
                    error = str(exc)
            if error is not None:
                parsed.append(Outcome(case.id, error, {}, False, (), (), (), (), case.seq))
                continue
            if case.line is not None and isinstance(record.get("id"), str) and record["id"]:
                case = Case(record["id"], "", gold, case.line, case.seq)
            parsed.append((case, derive_facts(document), gold))
        good = [p for p in parsed if not isinstance(p, Outcome)]
        predictions = iter(self.model.predict_many([self.model.terms(facts) for _, facts, _ in good])
                           if self.model is not None else [None] * len(good))
        out = []
        for entry in parsed:
            if isinstance(entry, Outcome):
                out.append(entry)
                continue
            case, facts, gold = entry
            prediction = next(predictions)
            try:
                on = dt.date.fromisoformat(facts["date"]) if facts["date"] else dt.date.today()
            except ValueError:  # as Suggester.hits: a document without a usable date is dated today
                on = dt.date.today()
            held = self.conditions.held(facts)
            marking = facts["marking_level"]
            hits_a, sig_a = self._hits(self._active, held, on)
            hits_c, sig_c = self._hits(self._candidate, held, on)
            shown_a = _shown(combine(hits_a, self.active_book.precedence, marking, prediction, self.policy))
            if sig_a == sig_c and self._same_precedence:
                shown_c = shown_a
            else:
                shown_c = _shown(combine(hits_c, self.candidate_book.precedence, marking, prediction, self.policy))
            out.append(Outcome(case.id, None, gold, marking != "none", shown_a, shown_c,
                               tuple(h.rule.id for h in hits_a), tuple(h.rule.id for h in hits_c), case.seq,
                               _title(facts, gold, shown_a, shown_c) if shown_a != shown_c else None))
        return out


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
            statuses = {n: ("undecided" if v == UNDECIDED else "decided") for n, v in zip(DECIDED_FIELDS, shown, strict=True)}
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
            before, after = set(outcome.active_hits), set(outcome.candidate_hits)
            for rule_id in after - before:
                self.new_hits.setdefault(rule_id, []).append((outcome.seq, outcome.id))
            for rule_id in before - after:
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
