"""Where the engine finds its own inputs: the rules directory and the data directory.

The service runs from a checkout (installed in editable mode), so both default to the project root;
GONGKAI_RULES and GONGKAI_DATA override them. The default model lives under data/artifacts/
(made by `gongkai train`, not committed); GONGKAI_MODEL overrides it.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def rules_dir() -> Path:
    return Path(os.environ.get("GONGKAI_RULES", PROJECT_ROOT / "rules"))


def data_dir() -> Path:
    return Path(os.environ.get("GONGKAI_DATA", PROJECT_ROOT / "data"))


def model_dir() -> Path:
    return Path(os.environ.get("GONGKAI_MODEL", data_dir() / "artifacts" / "classifier"))
