"""Handlers of the `gongkai` verbs (argument parsing lives in cli.py)."""

from __future__ import annotations

import argparse
import json
import platform
import sys
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

from engine.authoring.evaluate import Evaluation, LabelError, read_labelled_record
from engine.authoring.records import read_jsonl
from engine.cli import emit
from engine.facts.document import RecordError, document_from_record
from engine.paths import rules_dir
from engine.rules.diagnostics import Diagnostic
from engine.rules.loader import check_rulebook
from engine.rules.rulebook import Rulebook
from engine.suggest import Suggester
from engine.vocabulary import DECIDED_FIELDS


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def _print_diagnostics(diagnostics: Iterable[Diagnostic], root: Path) -> None:
    cache: dict[str, list[str]] = {}
    for d in diagnostics:
        if d.file not in cache:
            for base in (Path.cwd(), root.parent):
                candidate = base / d.file
                if candidate.exists():
                    cache[d.file] = candidate.read_text(encoding="utf-8", errors="replace").splitlines()
                    break
            else:
                cache[d.file] = []
        _say(d.render(cache[d.file]))


def _load(args: argparse.Namespace, backend: str = "durable") -> Suggester | None:
    """The suggester for --rules (and --model unless --rules-only), or None after saying why not."""
    book, diagnostics = check_rulebook(args.rules)
    if book is None:
        _print_diagnostics(diagnostics, args.rules)
        _say(f"gongkai: the rules in {args.rules} have errors; nothing was evaluated")
        return None
    model = None
    if not getattr(args, "rules_only", True):
        model = _model(args, "gongkai")
        if model is None:
            return None
        trained_on = model.metadata.get("ruleset", {}).get("revision")
        if trained_on and trained_on != book.revision:
            _say(f"gongkai: note: the model was cross-validated with rules {trained_on[:12]}, "
                 f"these are {book.revision[:12]} (its weights do not depend on the rules)")
    return Suggester(book, backend, model)


def _model(args: argparse.Namespace, who: str) -> Any:
    """The model of --model, or None after saying why it cannot be loaded."""
    from engine.classifier.model import ModelError, load_model

    try:
        return load_model(args.model)
    except ModelError as exc:
        _say(f"{who}: {exc}")
        _say(f"{who}: (or pass --rules-only to use the rules alone)")
        return None


def rules_check(args: argparse.Namespace) -> int:
    from engine.authoring.runner import run_examples
    from engine.rules.durable_backend import DurableError

    book, diagnostics = check_rulebook(args.rules)
    files = len({r.file for r in book.rules}) if book else 0
    if book is not None:
        try:
            suggester = Suggester(book)
        except DurableError as exc:
            diagnostics.append(Diagnostic(str(args.rules), 1, 1, "R207", str(exc), "report this rulebook to the developers"))
        else:
            for outcome in run_examples(suggester):
                if not outcome.passed:
                    diagnostics.append(Diagnostic(outcome.file, outcome.line, 9, "R301",
                                                  f"example {outcome.name!r} expected {outcome.expected}, but {outcome.actual}",
                                                  outcome.detail.replace("\n", " ").strip(), outcome.rule_id))
    errors = [d for d in diagnostics if d.severity == "error"]
    if args.format == "json":
        emit([d.as_dict() for d in diagnostics])
    else:
        _print_diagnostics(diagnostics, args.rules)
        rules = len(book.rules) if book else "?"
        _say(f"{len(errors)} error(s), {len(diagnostics) - len(errors)} warning(s) ({files} files, {rules} rules checked)")
    return 1 if errors else 0


def rules_test(args: argparse.Namespace) -> int:
    from engine.authoring.runner import run_examples, run_scenarios

    suggester = _load(args, args.backend)
    if suggester is None:
        return 1
    passed = failed = 0
    for outcome in list(run_examples(suggester)) + list(run_scenarios(suggester)):
        if args.keyword and args.keyword not in outcome.name and args.keyword not in (outcome.rule_id or ""):
            continue
        if outcome.passed:
            passed += 1
        else:
            failed += 1
            _say(outcome.render())
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


# A database source for `rules backtest --against URL`: given the URL, the cases, a label for them,
# their number and the rules directory the database serves (or None). The service provides it
# (api/rulesets/backtest_source.py); the engine reads only files.
DatabaseSource = Callable[[str], tuple[Iterable[Any], str, int, Path | None]]


def rules_backtest(args: argparse.Namespace, database: DatabaseSource | None = None) -> int:
    from engine.authoring.backtest import Comparer, default_jobs, render, run

    candidate, diagnostics = check_rulebook(args.rules)
    if candidate is None:
        _print_diagnostics(diagnostics, args.rules)
        _say(f"gongkai rules backtest: the candidate rules in {args.rules} have errors; nothing was compared")
        return 1
    against = args.against
    served: Path | None = None
    if against is None or "://" in against:
        if database is None:
            _say("gongkai rules backtest: give --against FILE.jsonl (a database needs the service's `gongkai`)")
            return 1
        try:
            cases, source, total, served = database(against)
        except ValueError as exc:
            _say(f"gongkai rules backtest: {exc}")
            return 1
    else:
        path = Path(against)
        if not path.is_file():
            _say(f"gongkai rules backtest: no such file: {path}")
            return 1
        with path.open("rb") as stream:
            total = sum(1 for raw in stream if raw.strip())
        cases = _file_cases(path)
        source = str(path)
    active_dir = args.active or served or rules_dir()
    active, active_diagnostics = check_rulebook(active_dir)
    if active is None:
        _print_diagnostics(active_diagnostics, active_dir)
        _say(f"gongkai rules backtest: the active rules in {active_dir} have errors; pass --active DIR")
        return 1
    if active.revision == candidate.revision:
        _say(f"gongkai rules backtest: note: the candidate is the active rule set ({active.revision[:12]}): "
             "nothing can change")
    model = None
    if not args.rules_only:
        model = _model(args, "gongkai rules backtest")
        if model is None:
            return 1
    progress = _Progress()
    jobs = args.jobs or default_jobs()
    shown = [0]

    def report_progress(done: int) -> None:  # every 10,000 decisions, and at the end
        if done // 10_000 > shown[0] // 10_000 or done == total:
            progress(f"backtest: {done}/{total} decisions")
        shown[0] = done

    result = run(Comparer(active, candidate, model), cases, source, jobs=jobs if total >= 2000 else 1,
                 progress=report_progress)
    progress.done()
    report = result.report()
    report["model"] = model.model_id if model is not None else None
    for skipped in report["skipped"]:
        _say(f"{source}: {skipped['id']}: skipped: {skipped['error']}")
    if args.format == "json":
        emit(report)
    else:
        print(render(report, show=args.show))
    if not report["items"]:
        _say("gongkai rules backtest: no decision could be read; nothing was compared")
        return 1
    return 0 if report["passed"] else 1


def rules_bundle(args: argparse.Namespace) -> int:
    """Every file of the rules directory by relative path (what the revision hashes), as JSON."""
    from engine.rules.rulebook import files_of

    emit({"files": files_of(args.rules), **({"note": args.note} if args.note else {})})
    return 0


def _file_cases(path: Path) -> Iterator[Any]:
    from engine.authoring.backtest import Case

    with path.open("rb") as stream:
        for number, raw in enumerate(stream, 1):
            if raw.strip():
                yield Case(f"line {number}", raw, None, number, number)


def rules_list(args: argparse.Namespace) -> int:
    book, diagnostics = check_rulebook(args.rules)
    if book is None:
        _print_diagnostics(diagnostics, args.rules)
        return 1
    listing = [rule.describe() for rule in book.rules]  # each citation carries `verified` from the check
    if args.format == "json":
        emit(listing)
    else:
        for item in listing:
            outcome = ", ".join(f"{k}={v}" for k, v in item["outcome"].items())
            print(f"{item['id']}  [{item['mode']}]  {outcome}\n    {item['title']}  —  {item['citation']}")
        _say(f"{len(listing)} rules, revision {book.revision[:12]}")
    return 0


def _read_document(path: Path) -> Any:
    raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    return json.loads(raw.decode("utf-8"))


def explain(args: argparse.Namespace) -> int:
    try:
        record = _read_document(args.document)
        document = document_from_record(record)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecordError) as exc:
        _say(f"gongkai: cannot read {args.document}: {exc}")
        return 1
    suggester = _load(args)
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
        f = out["suggestion"][name]
        value = f["value"] if f["status"] == "decided" else f["status"]
        by = ", ".join(r["id"] for r in f["rules"])
        contested = f"; contested by {', '.join(c['id'] + '=' + c['value'] for c in f['contested_by'])}" if f["contested_by"] else ""
        lines.append(f"  {name}: {value} ({f['label'] or ''}) confidence {f['confidence']}, from {f['source']}"
                     + (f" by {by}" if by else "") + contested)
        if f.get("model"):
            model = f["model"]
            terms = "、".join(t["term"] for t in model["terms"])
            lines.append(f"      model: {model['value']} {model['probability']:.2f}" + (f"  (weighed most: {terms})" if terms else ""))
        if f.get("disagreement"):
            lines.append(f"      disagreement: {f['disagreement']}")
    for adj in out["adjustments"]:
        lines.append(f"  adjusted: {adj}")
    for warning in out["warnings"]:
        lines.append(f"  warning: {warning}")
    if out.get("attention"):
        lines.append("  review first: " + "; ".join(out["attention"]))
    return "\n".join(lines)


def _open(path: Path) -> BinaryIO | None:
    """The records file ('-' for stdin), or None after saying why it cannot be opened."""
    try:
        return sys.stdin.buffer if str(path) == "-" else path.open("rb")
    except OSError as exc:
        _say(f"gongkai: cannot open {path}: {exc.strerror}")
        return None


def suggest(args: argparse.Namespace) -> int:
    suggester = _load(args)
    if suggester is None:
        return 1
    problems = 0
    stream = _open(args.file)
    if stream is None:
        return 1
    with stream:
        for line in read_jsonl(stream):
            if line.error is None:
                try:
                    document = document_from_record(line.record)
                except RecordError as exc:
                    line = type(line)(line.number, error=str(exc))
                else:
                    emit({"line": line.number, **suggester.suggest(document)})
                    continue
            problems += 1
            emit({"line": line.number, "error": line.error})
            _say(f"{args.file}:{line.number}: {line.error}")
    return 1 if problems else 0


def evaluate(args: argparse.Namespace) -> int:
    suggester = _load(args)
    if suggester is None:
        return 1
    evaluation = Evaluation()
    stream = _open(args.file)
    if stream is None:
        return 1
    with stream:
        for line in read_jsonl(stream):
            if line.error is not None:
                evaluation.skip(line.number, line.error)
                continue
            try:
                document, gold = read_labelled_record(line.record)
            except (LabelError, RecordError) as exc:
                evaluation.skip(line.number, str(exc))
                continue
            facts, decision = suggester.run(document)
            evaluation.add_decision(document.id or f"line {line.number}", gold, decision, facts["marking_level"])
    report = evaluation.report()  # the same keys with or without a model; the mode is said on stderr
    _say(f"gongkai evaluate: {'rules alone' if suggester.model is None else 'rules and model ' + suggester.model.model_id}")
    if args.format == "json":
        emit(report)
    else:
        print(render_report(report, suggester.book))
        for wrong in evaluation.wrong[: args.show_wrong]:
            diffs = ", ".join(f"{n}: {wrong['gold'][n]}→{wrong['suggested'][n]}" for n in DECIDED_FIELDS
                              if wrong["gold"][n] != wrong["suggested"][n])
            print(f"  wrong {wrong['id']}: {diffs}")
    for skipped in report["skipped"]:
        _say(f"{args.file}:{skipped['line']}: skipped: {skipped['error']}")
    return 0


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
    return "\n".join(lines)


def show_version(args: argparse.Namespace) -> int:
    from engine import __version__

    def dist(name: str) -> str:
        try:
            return dist_version(name)
        except PackageNotFoundError:
            return "not installed"

    from engine.classifier.model import ModelError, read_metadata
    from engine.paths import model_dir

    libraries = ("durable-rules", "pydantic", "PyYAML", "google-re2", "jieba", "rjieba",
                 "scikit-learn", "numpy", "scipy")
    try:
        model: Any = read_metadata(model_dir()).get("model_id")
    except ModelError as exc:
        model = str(exc)
    emit({"gongkai": __version__, "python": platform.python_version(), **{name: dist(name) for name in libraries},
          "model": model})
    return 0


class _Progress:
    """One status line on stderr: rewritten in place on a terminal, one line per step otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.width = 0

    def __call__(self, text: str) -> None:
        if self.tty:
            sys.stderr.write("\r" + text.ljust(self.width))
            self.width = len(text)
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def done(self) -> None:
        if self.tty and self.width:
            sys.stderr.write("\n")


def train(args: argparse.Namespace) -> int:
    from engine.classifier.build import train_model
    from engine.classifier.model import ModelError, load_model
    from engine.paths import data_dir, model_dir

    output = args.output or model_dir()
    if args.if_needed:
        try:
            model = load_model(output)
        except ModelError as exc:
            _say(f"gongkai train: {exc}; training one now")
        else:
            _say(f"gongkai train: model {model.model_id} in {output} loads; nothing to do")
            return 0
    files = args.files or [data_dir() / "training" / "records.jsonl"]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        _say(f"gongkai train: no such file: {', '.join(missing)}")
        return 1
    book, diagnostics = check_rulebook(args.rules)
    if book is None:
        _print_diagnostics(diagnostics, args.rules)
        _say(f"gongkai train: the rules in {args.rules} have errors (cross-validation combines them with the model)")
        return 1
    progress = _Progress()
    try:
        model, problems = train_model(files, suggester=Suggester(book), folds=args.folds, seed=args.seed,
                                      progress=progress)
    except ValueError as exc:
        progress.done()
        _say(f"gongkai train: {exc}")
        return 1
    progress.done()
    for problem in problems:
        _say(f"{problem}: not used for training")
    model.save(output)
    size = sum(p.stat().st_size for p in output.iterdir() if p.is_file())
    metrics = model.metadata["metrics"]
    if args.format == "json":
        emit({"model_id": model.model_id, "directory": str(output), "bytes": size, "metrics": metrics})
    else:
        print(render_training(model.metadata))
        print(f"\nmodel {model.model_id} written to {output} ({size / 1e6:.1f} MB)")
    return 1 if problems else 0


def render_training(metadata: dict[str, Any]) -> str:
    """Cross-validated figures, rules vs model vs combined, per field and class."""
    metrics = metadata["metrics"]
    data = metadata["training_data"]
    lines = [f"trained on {data['records']} records in {metadata['training_seconds']} s; "
             f"vocabulary {metadata['vocabulary']['text']} text terms, {metadata['vocabulary']['meta']} meta terms"]
    cv = metrics.get("cross_validation")
    if not cv:
        lines.append("no cross-validation (--folds 0)")
        return "\n".join(lines)
    lines.append(f"\ncross-validation: {cv['folds']} folds, stratified by category, grouped (near-duplicates and "
                 "matter clusters kept together). The rules were written on this corpus: their figures are in-sample.")
    lines += _comparison(cv)
    lines.append("\ncalibration (top-class probability vs accuracy, expected calibration error): "
                 + ", ".join(f"{k} {v['ece']}" for k, v in cv["calibration"].items()))
    for source, report in metrics.get("across_provenance", {}).items():
        lines.append(f"\ntrained without {source}, tested on it ({report['combined']['records']} records):")
        lines += _comparison(report, per_class=False)
    return "\n".join(lines)


def _comparison(report: dict[str, Any], per_class: bool = True) -> list[str]:
    sources = ("rules", "model", "combined")
    lines = [f"  {'':<30}" + "".join(f"{s:>18}" for s in sources)]
    for name in DECIDED_FIELDS:
        lines.append(f"  {name + ' accuracy / macro-F1':<30}" + "".join(
            f"{report[s][name]['accuracy']:>9.3f}{report[s][name]['macro_f1']:>9.3f}" for s in sources))
        if per_class:
            for label in report["combined"][name]["per_class"]:
                cells = []
                for s in sources:
                    c = report[s][name]["per_class"].get(label, {"f1": 0.0, "support": 0})
                    cells.append(f"{c['f1']:>18.3f}")
                support = report["combined"][name]["per_class"][label]["support"]
                lines.append(f"    {label + f' ({support}) F1':<28}" + "".join(cells))
    lines.append(f"  {'secrecy flag precision/recall':<30}" + "".join(
        f"{report[s]['secrecy_flag']['precision']:>9.3f}{report[s]['secrecy_flag']['recall']:>9.3f}" for s in sources))
    for kind in ("secret", "withheld"):
        lines.append(f"  {kind + ' suggested proactive':<30}" + "".join(
            f"{report[s]['violations'][kind + '_suggested_proactive']:>18}" for s in sources))
    return lines
