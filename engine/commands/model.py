"""The verbs on the classifier: train it (with cross-validated figures) and show versions."""

from __future__ import annotations

import argparse
import platform
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from typing import Any

from engine.commands.common import Progress, emit, rulebook, say
from engine.suggest import Suggester
from engine.vocabulary import DECIDED_FIELDS


def train(args: argparse.Namespace) -> int:
    from engine.classifier.build import train_model
    from engine.classifier.model import ModelError, load_model
    from engine.paths import data_dir, model_dir

    output = args.output or model_dir()
    if args.if_needed:
        try:
            model = load_model(output)
        except ModelError as exc:
            say(f"gongkai train: {exc}; training one now")
        else:
            say(f"gongkai train: model {model.model_id} in {output} loads; nothing to do")
            return 0
    files = args.files or [data_dir() / "training" / "records.jsonl"]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        say(f"gongkai train: no such file: {', '.join(missing)}")
        return 1
    book = rulebook(args.rules, f"gongkai train: the rules in {args.rules} have errors (cross-validation combines "
                                "them with the model)")
    if book is None:
        return 1
    progress = Progress()
    try:
        model, problems = train_model(files, suggester=Suggester(book), folds=args.folds, seed=args.seed,
                                      progress=progress)
    except ValueError as exc:
        progress.done()
        say(f"gongkai train: {exc}")
        return 1
    progress.done()
    for problem in problems:
        say(f"{problem}: not used for training")
    if not calibrate_model(args, model, book, files):
        return 1
    model.save(output)
    size = sum(p.stat().st_size for p in output.iterdir() if p.is_file())
    metrics = model.metadata["metrics"]
    if args.format == "json":
        emit({"model_id": model.model_id, "directory": str(output), "bytes": size, "metrics": metrics})
    else:
        print(render_training(model.metadata))
        print(f"\nmodel {model.model_id} written to {output} ({size / 1e6:.1f} MB)")
    return 1 if problems else 0


def calibrate_model(args: argparse.Namespace, model: Any, book: Any, files: list[Any]) -> bool:
    """Fit the shown confidences' maps (engine/calibrate.py) on `--calibrate-on` (default the real
    development part, when there is one) and keep them in the model's metadata; False after saying why not."""
    from pathlib import Path

    from engine.classifier.build import fit_calibration
    from engine.paths import data_dir

    chosen = getattr(args, "calibrate_on", None)
    path = (data_dir() / "real" / "dev.jsonl") if chosen is None else Path(chosen) if chosen else None
    if path is None or (chosen is None and not path.is_file()):
        say("gongkai train: no calibration file; the confidences are shown as the rules and the model give them")
        return True
    if any(path.resolve() == Path(f).resolve() for f in files):
        say(f"gongkai train: {path} is also training data: its calibration would be in-sample (too confident)")
    try:
        calibrator = fit_calibration(model, Suggester(book, model=model), path)
    except (OSError, ValueError) as exc:
        say(f"gongkai train: cannot calibrate on {path}: {exc}")
        return False
    model.metadata["calibration"] = calibrator.as_dict()
    say(f"gongkai train: confidences calibrated on {calibrator.fitted_on['records']} records of {path}")
    return True


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
