"""Loading a rule set: every problem in every file at once, or a complete Rulebook.

A rule set is a mapping of relative path → text (a revision the service stores, a candidate sent to
the API); a rules directory is read into one (`check_rulebook`). A broken rulebook never half-loads:
`load_files` and `load_rulebook` raise RuleFileError with all diagnostics, and `check_files` and
`check_rulebook` return them (with the rulebook when there are only warnings). Diagnostics name a file
as `<root>/<relative path>`, root being the directory's name ("rules" for a mapping).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any, Mapping

from pydantic import ValidationError

from engine.paths import data_dir
from engine.rules.application_rules import check_application_rules
from engine.rules.conditions import leaves
from engine.rules.diagnostics import Diagnostic, RuleFileError
from engine.rules.pattern_cost import cost
from engine.rules.rule_file import APPLICATION_DIR, MANIFEST, _Collector, load_rule_file
from engine.rules.rulebook import (ApplicationRules, Precedence, Rule, Rulebook, Scenario, Threshold, file_order,
                                   read_files, revision)
from engine.rules.spec import MANIFEST_SCHEMA, ManifestSpec, metric_problem
from engine.rules.yaml_source import parse_located
from engine.statutes import load_statutes
from engine.vocabulary import DECIDED_FIELDS, EXEMPTION_ARTICLE, FIELD_VOCABULARY, ApplicationOutcome, Category, Exemption, Secrecy

__all__ = ["APPLICATION_DIR", "MANIFEST", "MAX_RULES", "ROOT", "check_files", "check_rulebook", "check_rulebook_cached",
           "directory_root", "load_files", "load_rulebook"]
ROOT = "rules"  # how diagnostics name the top of a rule set given as a mapping
# A rulebook's size (R109). The project's own: 151 rules, its patterns 48,345 RE2 instructions.
MAX_RULES = 1000
MAX_PATTERN_PROGRAMS = 200_000
SCENARIO_DIR = "tests"


def _rule_files(files: Mapping[str, Any]) -> list[str]:
    """The rule files of a rule set: YAML not named _*, outside the scenarios folder, in path order."""
    return sorted((name for name in files
                   if name.endswith(".yaml") and not name.rsplit("/", 1)[-1].startswith("_")
                   and name.split("/")[0] not in (SCENARIO_DIR, APPLICATION_DIR)),
                  key=file_order)


def check_files(files: Mapping[str, str | bytes], *, root: str = ROOT,
                today: dt.date | None = None) -> tuple[Rulebook | None, list[Diagnostic]]:
    """Validate every file of a rule set (relative POSIX path → text, or bytes as read); the Rulebook is
    returned only when there is no error. Diagnostics name the files `root/path`."""
    diagnostics: list[Diagnostic] = []
    precedence, name, thresholds, application_order = _load_manifest(files, root, diagnostics)
    rules: list[Rule] = []
    declared: list[tuple[str, int, Any]] = []  # every rule entry, loadable or not: (file, line, id)
    seen: dict[str, Rule] = {}
    statutes = load_statutes(data_dir() / "statutes")
    for path in _rule_files(files):
        display = f"{root}/{path}"
        located = parse_located(files[path], display)
        if isinstance(located, Diagnostic):
            diagnostics.append(located)
            continue
        collector = _Collector(located, display, diagnostics)
        entries = located.data.get("rules") if isinstance(located.data, dict) else None
        for i, raw in enumerate(entries if isinstance(entries, list) else ()):
            declared.append((display, located.position(("rules", i))[0], raw.get("id") if isinstance(raw, dict) else None))
        folder = path.split("/")[0] if "/" in path else None
        for rule in load_rule_file(located, collector, folder, statutes, today or dt.date.today()):
            if rule.id in seen:
                first = seen[rule.id]
                diagnostics.append(Diagnostic(display, rule.line, 5, "R201", f"duplicate rule id {rule.id!r}",
                                              f"first defined at {first.file}:{first.line}", rule.id))
                continue
            seen[rule.id] = rule
            rules.append(rule)
    diagnostics += _size_problems(declared, rules)
    scenarios = _load_scenarios(files, root, diagnostics)
    applications: ApplicationRules = check_application_rules(files, root, application_order, statutes,
                                                             today or dt.date.today(), diagnostics)
    if any(d.severity == "error" for d in diagnostics) or precedence is None:
        return None, diagnostics
    book = Rulebook(tuple(rules), precedence, revision(files), name, tuple(scenarios), thresholds, applications)
    return book, diagnostics


def directory_root(directory: Path) -> str:
    """How diagnostics name the top of a rules directory: its own name (rules/withheld/x.yaml)."""
    return directory.resolve().name or ROOT


def check_rulebook(directory: Path, *, today: dt.date | None = None) -> tuple[Rulebook | None, list[Diagnostic]]:
    """check_files on every file of a rules directory."""
    return check_files(read_files(directory), root=directory_root(directory), today=today)


def check_rulebook_cached(directory: Path, cache: Path, key: bytes, *,
                          today: dt.date | None = None) -> tuple[Rulebook | None, list[Diagnostic]]:
    """check_rulebook, with a rulebook that passed (no error) kept in the file `cache` for the next start.

    A service restarted on unchanged rules spent ~0.35 s re-parsing and re-checking them. The cache is
    used only when its fingerprint matches: the SHA-256 of the rule files' and the statutes' bytes (the
    citations are checked against data/statutes), of the engine's source (the checks and the Rulebook's
    classes), the Python version and today's date (a rule whose `effective.until` has passed is treated
    differently from tomorrow on). Any changed byte means a full check. The file is signed with
    HMAC-SHA256 under `key` (the service derives it from the audit key) and not unpickled unless the
    signature holds: unpickling runs code, and data/runtime is no place to trust a file only for being
    there. A rulebook with errors is never kept, so a broken one fails every start with its diagnostics."""
    files = read_files(directory)
    today = today or dt.date.today()
    fingerprint = _fingerprint(files, directory_root(directory), today)
    try:
        blob = cache.read_bytes()
    except OSError:
        blob = b""
    mac, body = blob[:32], blob[32:]
    if body.startswith(fingerprint) and hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).digest()):
        try:
            book, diagnostics = pickle.loads(body[len(fingerprint):])
            return book, diagnostics
        except Exception:  # noqa: BLE001 (ours, yet unreadable: a library's pickling changed; check in full)
            pass
    book, diagnostics = check_files(files, root=directory_root(directory), today=today)
    if book is not None:
        _keep(cache, key, fingerprint + pickle.dumps((book, diagnostics), protocol=pickle.HIGHEST_PROTOCOL))
    return book, diagnostics


def _fingerprint(files: Mapping[str, bytes], root: str, today: dt.date) -> bytes:
    code = hashlib.sha256()
    engine_root = Path(__file__).resolve().parents[1]
    for source in sorted(engine_root.rglob("*.py")):
        code.update(source.relative_to(engine_root).as_posix().encode() + b"\0" + source.read_bytes() + b"\0")
    statutes = data_dir() / "statutes"
    parts = [b"gongkai rulebook cache 1", root.encode(), revision(files).encode(), revision(read_files(statutes)).encode()
             if statutes.is_dir() else b"-", code.hexdigest().encode(), sys.version.encode(),
             today.isoformat().encode()]
    return hashlib.sha256(b"\0".join(parts)).hexdigest().encode() + b"\n"


def _keep(cache: Path, key: bytes, body: bytes) -> None:
    """Write the cache whole or not at all (a temporary file renamed over it); a read-only data directory
    only costs the next start its full check."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=cache.parent, prefix=cache.name + ".")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(hmac.new(key, body, hashlib.sha256).digest() + body)
        os.replace(temporary, cache)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def _size_problems(declared: list[tuple[str, int, Any]], rules: list[Rule]) -> list[Diagnostic]:
    """R109: more rule entries than MAX_RULES (counted whether or not each loads), or `matches` patterns
    that together compile to more than MAX_PATTERN_PROGRAMS RE2 instructions (every pattern of a field
    runs in one set over each document, so the total bounds what a long document costs). Reported at
    the rule that goes past the limit."""
    out = []
    if len(declared) > MAX_RULES:
        file, line, rule_id = declared[MAX_RULES]
        out.append(Diagnostic(file, line, 5, "R109",
                              f"the rulebook has {len(declared):,} rules, more than the limit of {MAX_RULES:,} "
                              f"(this is rule {MAX_RULES + 1:,})",
                              "retire rules that no longer decide anything (gongkai rules list, the accuracy "
                              "report's advice), or merge rules that share an outcome",
                              rule_id if isinstance(rule_id, str) else None))
    total, seen = 0, set()
    for rule in rules:
        for leaf in leaves(rule.when):
            if leaf.op == "matches" and (leaf.field, leaf.value) not in seen:
                seen.add((leaf.field, leaf.value))
                total += cost(leaf.value).program_size
                if total > MAX_PATTERN_PROGRAMS:
                    out.append(Diagnostic(rule.file, rule.line, 5, "R109",
                                          f"the rulebook's matches patterns compile to more than {MAX_PATTERN_PROGRAMS:,} "
                                          f"RE2 instructions together (from this rule's {leaf.value!r} on)",
                                          "use contains_any keywords where a pattern is not needed; the project's "
                                          "own rules total about 48,000", rule.id))
                    return out
    return out


def load_files(files: Mapping[str, str | bytes], *, root: str = ROOT) -> Rulebook:
    """A complete Rulebook of a rule set, or RuleFileError carrying every diagnostic."""
    book, diagnostics = check_files(files, root=root)
    if book is None:
        raise RuleFileError(diagnostics)
    return book


def load_rulebook(directory: Path) -> Rulebook:
    """load_files on every file of a rules directory."""
    return load_files(read_files(directory), root=directory_root(directory))


def _load_manifest(files: Mapping[str, str | bytes], root: str, out: list[Diagnostic]
                   ) -> tuple[Precedence | None, str, tuple[Threshold, ...], tuple[str, ...]]:
    display = f"{root}/{MANIFEST}"
    if MANIFEST not in files:
        out.append(Diagnostic(display, 1, 1, "R102", f"the manifest {MANIFEST} is missing",
                              "copy rules/_ruleset.yaml from the project"))
        return None, "", (), ()
    located = parse_located(files[MANIFEST], display)
    if isinstance(located, Diagnostic):
        out.append(located)
        return None, "", (), ()
    collector = _Collector(located, display, out)
    data = located.data if isinstance(located.data, dict) else {}
    if data.get("schema") != MANIFEST_SCHEMA:
        collector.add(("schema",), "R010", f"the manifest's schema must be {MANIFEST_SCHEMA!r}, got {data.get('schema')!r}",
                      "a newer schema needs a newer gongkai")
        return None, "", (), ()
    try:
        spec = ManifestSpec.model_validate(data)
    except ValidationError as exc:
        collector.pydantic(exc, ())
        return None, "", (), ()
    order: dict[str, tuple[str, ...]] = {}
    for field_name in DECIDED_FIELDS:
        values = [v.value for v in getattr(spec.precedence, field_name)]
        missing = [v for v in FIELD_VOCABULARY[field_name] if v not in values]
        dupes = {v for v in values if values.count(v) > 1}
        if missing or dupes:
            collector.add(("precedence", field_name), "R203",
                          f"precedence.{field_name} must list every value once; missing {missing}, repeated {sorted(dupes)}")
        order[field_name] = tuple(values)
    # 条例第十四条 > 第十五条 > 第十六条: the manifest may reorder within an article, never across.
    articles = [EXEMPTION_ARTICLE[Exemption(v)] for v in order["exemption"]]
    if articles != sorted(articles):
        collector.add(("precedence", "exemption"), "R203",
                      "exemptions must keep the legal order: 第十四条, then 第十五条, then 第十六条",
                      "reorder within an article only")
    if order["secrecy"] != tuple(reversed([s.value for s in Secrecy])):
        collector.add(("precedence", "secrecy"), "R203", "secrecy precedence must run from top_secret to none",
                      "the strictest secrecy always wins")
    if order["category"] and order["category"][0] != Category.WITHHELD:
        collector.add(("precedence", "category"), "R203", "withheld must come first: 第十四至十六条 are exceptions no other rule lifts")
    thresholds = []
    for i, t in enumerate(spec.backtest.thresholds if spec.backtest else ()):
        problem = metric_problem(t.metric)
        if problem:
            collector.add(("backtest", "thresholds", i, "metric"), "R104", f"backtest threshold {t.metric!r}: {problem}")
        thresholds.append(Threshold(t.metric, t.at_least, t.at_most, t.note))
    return Precedence(order), spec.name, tuple(thresholds), _application_order(spec, collector)


def _application_order(spec: ManifestSpec, collector: "_Collector") -> tuple[str, ...]:
    """precedence.application_outcome: every outcome of an application once (optional: none, no order)."""
    given = spec.precedence.application_outcome
    if given is None:
        return ()
    values = [v.value for v in given]
    missing = [v.value for v in ApplicationOutcome if v.value not in values]
    dupes = sorted({v for v in values if values.count(v) > 1})
    if missing or dupes:
        collector.add(("precedence", "application_outcome"), "R203",
                      f"precedence.application_outcome must list every value once; missing {missing}, repeated {dupes}")
    return tuple(values)


def _load_scenarios(files: Mapping[str, str | bytes], root: str, out: list[Diagnostic]) -> list[Scenario]:
    scenarios: list[Scenario] = []
    allowed = set(DECIDED_FIELDS) | {"fired", "not_fired"}
    for path in sorted((name for name in files if name.startswith(SCENARIO_DIR + "/") and name.count("/") == 1
                        and name.endswith(".yaml")), key=file_order):
        display = f"{root}/{path}"
        located = parse_located(files[path], display)
        if isinstance(located, Diagnostic):
            out.append(located)
            continue
        c = _Collector(located, display, out)
        if not isinstance(located.data, list):
            c.add((), "R105", "a scenario file is a list of cases", "start each case with `- name: …`")
            continue
        for i, case in enumerate(located.data):
            if not isinstance(case, dict) or not {"name", "document", "expect"} <= set(case):
                c.add((i,), "R102", "a scenario needs name, document and expect", "")
                continue
            extra = set(case) - {"name", "document", "expect", "note"}
            bad = [k for k in (case["expect"] if isinstance(case["expect"], dict) else {}) if k not in allowed]
            if extra or bad or not isinstance(case["expect"], dict) or not isinstance(case["document"], dict):
                c.add((i,), "R101", f"unknown keys {sorted(extra) + bad}" if extra or bad else "expect and document must be mappings",
                      f"expect takes: {', '.join(sorted(allowed))}")
                continue
            scenarios.append(Scenario(str(case["name"]), case["document"], case["expect"], display,
                                      located.position((i,))[0]))
    return scenarios
