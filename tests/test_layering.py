"""The engine is a pure core: no web or database library, and only the adapter touches durable."""

from __future__ import annotations

import ast
from pathlib import Path

from engine.paths import PROJECT_ROOT

ENGINE = PROJECT_ROOT / "engine"
FORBIDDEN = {"fastapi", "starlette", "sqlalchemy", "alembic", "api", "models"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_engine_imports_no_web_or_database_library() -> None:
    offenders = {str(p.relative_to(PROJECT_ROOT)): _imports(p) & FORBIDDEN for p in ENGINE.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_adapter_imports_durable() -> None:
    users = sorted(str(p.relative_to(ENGINE)) for p in ENGINE.rglob("*.py")
                   if _imports(p) & {"durable", "durable_rules_engine"})
    assert users == ["rules/durable_backend.py"]


def test_models_hold_only_tables_and_persistence() -> None:
    """api -> models -> engine: the tables never reach up into the web layer."""
    models = PROJECT_ROOT / "models"
    offenders = {str(p.relative_to(PROJECT_ROOT)): _imports(p) & {"fastapi", "starlette", "api"}
                 for p in models.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_use_cases_do_not_import_the_web_framework() -> None:
    """The use cases (intake, review, queries, tokens) run without FastAPI: routes are thin adapters."""
    use_cases = ["items/intake.py", "items/review.py", "items/queries.py", "access/tokens.py", "errors.py", "context.py",
                 "items/views.py", "reports/statistics.py", "reports/accuracy.py", "reports/supervision.py"]
    offenders = {name: _imports(PROJECT_ROOT / "api" / name) & {"fastapi", "starlette"} for name in use_cases}
    assert {k: v for k, v in offenders.items() if v} == {}
