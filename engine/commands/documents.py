"""The verbs on documents: explain one, suggest for each record of a file, evaluate against labels."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from engine.authoring.attention import Attention, render_attention
from engine.authoring.calibration import Calibration, render_reliability
from engine.authoring.evaluate import Evaluation, LabelError, NoLabels, read_labelled_record
from engine.authoring.records import decode
from engine.batch import WorkerDied, map_chunks
from engine.calibrate import calibrator_of
from engine.commands.common import Bar, emit, load_suggester, numbered_lines, open_records, recipe, say
from engine.facts.document import RecordError, document_from_record
from engine.rules.rulebook import Rulebook
from engine.suggest import Suggester, render_suggestion
from engine.vocabulary import DECIDED_FIELDS


def _read_document(path: Path) -> Any:
    raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    return json.loads(raw.decode("utf-8"))


def explain(args: argparse.Namespace) -> int:
    try:
        record = _read_document(args.document)
        document = document_from_record(record)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecordError) as exc:
        say(f"gongkai: cannot read {args.document}: {exc}")
        return 1
    suggester = load_suggester(args)
    if suggester is None:
        return 1
    out = suggester.explain(document)
    if args.format == "json":
        emit(out)
    else:
        print(render_explanation(out))
    return 0


def render_explanation(out: dict[str, Any]) -> str:
    """A reader's view of an explanation: facts, hits with citations and evidence, decision."""
    lines = [f"文件 {out['id'] or '(no id)'}: {out['title']}", "", "Facts:"]
    for key, value in out["facts"].items():
        if key != "title":
            lines.append(f"  {key}: {value}")
    for ev in out["fact_evidence"]:
        lines.append(f"    · {ev['fact']}={ev['value']} from {ev['field']} {ev['span']}: {ev['text']}")
    lines += ["", f"Rule hits ({len(out['hits'])}):"]
    for hit in out["hits"]:
        outcome = ", ".join(f"{k}={v}" for k, v in hit["outcome"].items())
        lines.append(f"  [{hit['mode']}] {hit['id']} → {outcome}")
        lines.append(f"      {hit['title']}  ({hit['citation']})")
        for ev in hit["evidence"]:
            matched = ", ".join(m.get("text") or str(m.get("value")) for m in ev.get("matched", []))
            neg = "not " if ev["negated"] else ""
            lines.append(f"      · {neg}{ev['field']} {ev['op']} {ev['expected']}" + (f"  ← {matched}" if matched else ""))
    lines += ["", "Decision:"]
    for name in DECIDED_FIELDS:
        lines += _decided_field(name, out["suggestion"][name])
    for adj in out["adjustments"]:
        lines.append(f"  adjusted: {adj}")
    for warning in out["warnings"]:
        lines.append(f"  warning: {warning}")
    if out.get("attention"):
        lines.append("  review first: " + "; ".join(out["attention"]))
    return "\n".join(lines)


def _decided_field(name: str, f: dict[str, Any]) -> list[str]:
    """One decided field of an explanation: value, confidence, source, the rules, the model's view."""
    value = f["value"] if f["status"] == "decided" else f["status"]
    by = ", ".join(r["id"] for r in f["rules"])
    contested = f"; contested by {', '.join(c['id'] + '=' + c['value'] for c in f['contested_by'])}" if f["contested_by"] else ""
    lines = [f"  {name}: {value} ({f['label'] or ''}) confidence {f['confidence']}, from {f['source']}"
             + (f" by {by}" if by else "") + contested]
    if f.get("model"):
        model = f["model"]
        terms = "、".join(t["term"] for t in model["terms"])
        lines.append(f"      model: {model['value']} {model['probability']:.2f}" + (f"  (weighed most: {terms})" if terms else ""))
    if f.get("disagreement"):
        lines.append(f"      disagreement: {f['disagreement']}")
    return lines


def suggest(args: argparse.Namespace) -> int:
    """One JSON line per non-empty line of the file, in order; exit 1 when a line could not be used."""
    suggester = load_suggester(args)
    if suggester is None:
        return 1
    stream = open_records(args.file)
    if stream is None:
        return 1
    problems = 0
    with stream, Bar(args.file, streams_output=True) as bar:
        try:
            for _, done in map_chunks(recipe(args), numbered_lines(stream), suggest_lines, workers=args.workers,
                                      built=suggester):
                sys.stdout.write(done.text)  # one write per chunk
                for number, error in done.problems:
                    bar.say(f"{args.file}:{number}: {error}")
                problems += len(done.problems)
                bar.update(done.lines)
        except WorkerDied as exc:
            return _died(args, exc)
    return 1 if problems else 0


@dataclass(frozen=True)
class Suggested:
    """A chunk of `gongkai suggest`: its output lines, and the lines that could not be used."""

    text: str
    problems: list[tuple[int, str]]
    lines: int


def suggest_lines(suggester: Suggester, lines: Sequence[tuple[int, bytes]]) -> Suggested:
    """A chunk's work, in a worker or in process: decode, suggest and render each line, so that the
    parent only reads lines and writes text (engine/batch.py)."""
    out: list[str] = []
    problems: list[tuple[int, str]] = []
    for number, raw in lines:
        record, error = decode(raw)
        if error is None:
            try:
                document = document_from_record(record)
            except RecordError as exc:
                error = str(exc)
            else:
                out.append(json.dumps({"line": number, **suggester.suggest(document)}, ensure_ascii=False))
                continue
        problems.append((number, error))
        out.append(json.dumps({"line": number, "error": error}, ensure_ascii=False))
    return Suggested("".join(line + "\n" for line in out), problems, len(lines))


def _died(args: argparse.Namespace, exc: WorkerDied) -> int:
    number = exc.first[0]
    say(f"gongkai: a worker process died while the lines from {args.file}:{number} on were being read; the "
        f"output stops before that line (the record that did it is among the next few hundred: --workers 1 "
        f"shows its error)")
    return 1


@dataclass
class Tally:
    """What `gongkai evaluate` adds up: a chunk's in a worker, merged in input order by the parent, so
    that the report is the one a single process gives (the same lists in the same order)."""

    evaluation: Evaluation = field(default_factory=Evaluation)
    calibration: Calibration = field(default_factory=Calibration)
    attention: Attention = field(default_factory=Attention)
    unlabelled: int = 0
    lines: int = 0

    def merge(self, other: "Tally") -> None:
        self.evaluation.merge(other.evaluation)
        self.calibration.merge(other.calibration)
        self.attention.merge(other.attention)
        self.unlabelled += other.unlabelled
        self.lines += other.lines


def evaluate_lines(suggester: Suggester, lines: Sequence[tuple[int, bytes]]) -> Tally:
    """A chunk's work for `gongkai evaluate`: each labelled line measured against its suggestion."""
    tally = Tally(calibration=Calibration(calibrator_of(suggester.model)), lines=len(lines))
    evaluation = tally.evaluation
    for number, raw in lines:
        record, error = decode(raw)
        if error is not None:
            evaluation.skip(number, error)
            continue
        try:
            document, gold = read_labelled_record(record)
        except (LabelError, RecordError) as exc:
            tally.unlabelled += isinstance(exc, NoLabels)
            evaluation.skip(number, str(exc))
            continue
        facts, decision = suggester.run(document)  # one run: the decision and the suggestion shown
        evaluation.add_decision(document.id or f"line {number}", gold, decision, facts["marking_level"])
        tally.calibration.add(gold, decision, facts["marking_level"])
        tally.attention.add(render_suggestion(document, facts, decision, suggester.book, suggester.model,
                                              suggester.policy), gold)
    return tally


def evaluate(args: argparse.Namespace) -> int:
    """Metrics of the suggestions against labelled records; exit 1 when no record could be evaluated
    (a report of zeros over nothing would read as a measurement)."""
    suggester = load_suggester(args)
    if suggester is None:
        return 1
    tally = Tally(calibration=Calibration(calibrator_of(suggester.model)))  # raw and shown (calibrated) confidence
    stream = open_records(args.file)
    if stream is None:
        return 1
    with stream, Bar(args.file) as bar:
        try:
            for _, part in map_chunks(recipe(args), numbered_lines(stream), evaluate_lines, workers=args.workers,
                                      built=suggester):
                tally.merge(part)
                bar.update(part.lines)
        except WorkerDied as exc:
            return _died(args, exc)
    evaluation = tally.evaluation
    # the same keys with or without a model; the mode is said on stderr
    report = evaluation.report() | {"calibration": tally.calibration.report(), "attention": tally.attention.report()}
    for skipped in report["skipped"]:
        say(f"{args.file}:{skipped['line']}: skipped: {skipped['error']}")
    if not evaluation.records:
        say(f"gongkai evaluate: nothing was evaluated: {_nothing(len(report['skipped']), tally.unlabelled)}")
        return 1
    say(f"gongkai evaluate: {'rules alone' if suggester.model is None else 'rules and model ' + suggester.model.model_id}")
    if args.format == "json":
        emit(report)
    else:
        print(render_report(report, suggester.book))
        for wrong in evaluation.wrong[: args.show_wrong]:
            diffs = ", ".join(f"{n}: {wrong['gold'][n]}→{wrong['suggested'][n]}" for n in DECIDED_FIELDS
                              if wrong["gold"][n] != wrong["suggested"][n])
            print(f"  wrong {wrong['id']}: {diffs}")
    return 0


def _nothing(records: int, unlabelled: int) -> str:
    """Why no record was evaluated, in numbers."""
    if not records:
        return "the file has no records"
    parts = [f"{unlabelled} of the {records} records had no labels"] if unlabelled else []
    if records > unlabelled:
        parts.append(f"{records - unlabelled} could not be used (above)")
    hint = ("; evaluate compares suggestions with reviewers' labels (each record needs labels: {category, "
            "secrecy, exemption, column}); for suggestions alone use `gongkai suggest`") if unlabelled else ""
    return ", ".join(parts) + hint


def render_report(report: dict[str, Any], book: Rulebook) -> str:
    lines = [f"records: {report['records']}   skipped: {len(report['skipped'])}   rules: {book.name} {book.revision[:12]}"]
    for name in DECIDED_FIELDS:
        field = report[name]
        lines.append(f"\n{name}: accuracy {field['accuracy']:.3f}  macro-F1 {field['macro_f1']:.3f}")
        lines.append(f"  {'class':<22}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}  undecided")
        for label, c in field["per_class"].items():
            undecided = field["confusion"].get(label, {}).get("undecided", 0)
            lines.append(f"  {label:<22}{c['precision']:>10.3f}{c['recall']:>8.3f}{c['f1']:>8.3f}{c['support']:>9}  {undecided}")
    flag = report["secrecy_flag"]
    lines.append(f"\nsecrecy flag: precision {flag['precision']:.3f}  recall {flag['recall']:.3f}  f1 {flag['f1']:.3f}")
    lines.append(f"violations: secret suggested proactive = {report['violations']['secret_suggested_proactive']}, "
                 f"withheld suggested proactive = {report['violations']['withheld_suggested_proactive']}")
    lines += render_reliability(report["calibration"]) + render_attention(report["attention"])
    return "\n".join(lines)
