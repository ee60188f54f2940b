"""The layers of the plan, checked: the engine is a pure core, the folders form a stack with every
arrow pointing down, no module imports itself round a cycle, and no module or function outgrows
what a reader can hold (README, "Architecture")."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from engine.paths import PROJECT_ROOT

ENGINE = PROJECT_ROOT / "engine"
FORBIDDEN = {"fastapi", "starlette", "sqlalchemy", "alembic", "api", "models"}
PACKAGES = ("engine", "api", "models")

# Each room of the plan with its floor: a module may import from its own room and from rooms on lower
# floors, never from a higher one. A new folder or top-level module must be given its floor here.
FLOORS: dict[str, int] = {
    # the vocabulary and what every layer may read
    "engine": 0, "engine.vocabulary": 0, "engine.consistency": 0, "engine.paths": 0, "engine.version": 0,
    "engine.statutes": 0,
    # the pipeline: facts → rules → decision → combination → suggestion; the law of review beside facts
    "engine.facts": 1, "engine.workflow": 1,
    "engine.applications": 2,  # public applications (issue 17): the answer clock, lifecycle, fees, outcomes
    "engine.rules": 2,
    "engine.decision": 3, "engine.prediction": 3,
    "engine.annual": 3,  # the annual report (issue 18): FMT21's layout, its tables from the registers, its checks
    "engine.combine": 4,
    "engine.suggest": 5,
    # the authoring tools and the classifier, over the pipeline
    "engine.authoring": 6,
    "engine.classifier": 7,
    "engine.batch": 8,  # suggestion on every core (issue 20): a recipe of the suggester built in each worker
    "engine.commands": 8, "engine.cli": 9, "engine.__main__": 10,
    # persistence over the engine
    "models": 20,
    # the service: foundations, access, the HTTP shapes, rule sets, items, reports, then the web adapters
    # and the commands
    "api": 30, "api.settings": 30, "api.errors": 30, "api.headers": 30, "api.limits": 30, "api.audit_key": 30,
    "api.responses": 30,
    "api.context": 31,
    "api.access": 32,
    "api.schemas": 33,
    "api.problems": 34, "api.docs": 34,
    "api.rulesets": 35,
    "api.items": 36,
    "api.applications": 36,  # public applications (issue 17): register, transitions, clock, catalog proposals
    "api.reports": 37,
    "api.annual": 37,  # the annual report (issue 18): registers read, drafts, corrections, submission, renderers
    "api.letters": 37,  # letters and receipts (issue 17): templates as data, rendered to DOCX and HTML
    "api.deps": 38,
    "api.routes": 39, "api.pages": 39,  # the JSON API and the web pages: two adapters over the same use cases
    "api.app": 40,
    "api.demo": 41, "api.commands": 41, "api.model_commands": 42, "api.cli": 43,
    # speed and scale (issue 20): the audit appender's thread (over models.audit), the distributed backfill (over
    # the items' batch writer), and the archive verbs' commands
    "api.audit_appender": 30, "api.backfill": 37, "api.bulk_commands": 41, "api.backfill_commands": 41,
}
# The use cases run without FastAPI: routes, deps and the app are the only web adapters.
WEB_ROOMS = ("api.routes", "api.pages", "api.deps", "api.app", "api.problems", "api.docs", "api.headers", "api.limits",
             "api.commands", "api.cli", "api.schemas", "api.responses", "api.demo")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# Generated or historical code the size limits do not apply to, with the reason.
SIZE_EXCEPTIONS: dict[str, str] = {}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:  # Alembic's history: frozen, imported by Alembic only
                continue
            dotted = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
            found[dotted.removesuffix(".__init__")] = path
    return found


def _imports(path: Path) -> set[str]:
    """Every absolute import in the file, top-level or inside a function (a lazy import is an arrow too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@cache
def _graph() -> dict[str, set[str]]:
    """Module → the project modules it imports (`from a import b` counts b when b is a module)."""
    modules = _modules()
    return {name: {target for target in _imports(path) if target in modules and target != name}
            for name, path in modules.items()}


def _room(module: str) -> str:
    """The longest prefix of `module` that FLOORS names."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in FLOORS:
            return ".".join(parts[:end])
    raise AssertionError(f"{module} is in no room: give its folder a floor in FLOORS")


def test_engine_imports_no_web_or_database_library() -> None:
    offenders = {str(p.relative_to(PROJECT_ROOT)): {n.split(".")[0] for n in _imports(p)} & FORBIDDEN
                 for p in ENGINE.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_adapter_imports_durable() -> None:
    users = sorted(str(p.relative_to(ENGINE)) for p in ENGINE.rglob("*.py")
                   if {n.split(".")[0] for n in _imports(p)} & {"durable", "durable_rules_engine"})
    assert users == ["rules/durable_backend.py"]


def test_models_hold_only_tables_and_persistence() -> None:
    """api -> models -> engine: the tables never reach up into the web layer."""
    models = PROJECT_ROOT / "models"
    offenders = {str(p.relative_to(PROJECT_ROOT)): {n.split(".")[0] for n in _imports(p)} & {"fastapi", "starlette", "api"}
                 for p in models.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_use_cases_do_not_import_the_web_framework() -> None:
    """The use cases (items, reports, rule sets, access) run without FastAPI: routes are thin adapters."""
    offenders = {name: {n.split(".")[0] for n in _imports(path)} & {"fastapi", "starlette"}
                 for name, path in _modules().items()
                 if name.startswith("api") and not _room(name).startswith(WEB_ROOMS)}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_every_module_has_a_room() -> None:
    for module in _modules():
        _room(module)


def test_every_arrow_points_down() -> None:
    """No module imports from a room on a higher floor (the rules never call the authoring tools, the
    engine never calls the service, items never call the routes)."""
    upward = sorted(f"{module} → {target}" for module, targets in _graph().items() for target in targets
                    if FLOORS[_room(target)] > FLOORS[_room(module)])
    assert upward == []


def test_no_import_cycle() -> None:
    """Tarjan's strongly connected components over the module graph: every component is one module."""
    graph, index, low, stack, on_stack, cycles = _graph(), {}, {}, [], set(), []

    def visit(node: str) -> None:  # recursion depth is bounded by the number of modules (~130)
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert cycles == []


def _long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and (node.end_lineno or 0) - node.lineno + 1 > MAX_FUNCTION_LINES]


def test_no_module_or_function_outgrows_a_reader() -> None:
    too_big = {}
    for module, path in _modules().items():
        if str(path.relative_to(PROJECT_ROOT)) in SIZE_EXCEPTIONS:
            continue
        lines = path.read_text(encoding="utf-8").count("\n")
        problems = ([f"{lines} lines"] if lines > MAX_MODULE_LINES else []) + _long_functions(path)
        if problems:
            too_big[module] = problems
    assert too_big == {}
