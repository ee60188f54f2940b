"""What the browser tests do with a page: check it with axe-core, keep a screenshot a person can look at,
print it to PDF and read the PDF's text back.

axe-core comes from the npm registry, installed by scripts/_env.sh into .cache/npm (gitignored; GONGKAI_AXE
names another axe.min.js); pdftotext is poppler-utils', installed by .ci/run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from engine.paths import PROJECT_ROOT

ARTIFACTS = Path(__file__).parent / "artifacts"  # gitignored: screenshots to look at after a run
AXE = PROJECT_ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def required() -> bool:
    """Under CI=true, or GONGKAI_REQUIRE_BROWSER=1 (.ci/run sets it), a missing tool fails the browser tests."""
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("GONGKAI_REQUIRE_BROWSER") == "1"


def unavailable(reason: str) -> None:
    """Skip with the reason; in CI fail instead (CI must not pass without the browser tools)."""
    if required():
        pytest.fail(f"{reason} (in CI the browser tests may not be skipped: .ci/run and scripts/_env.sh install it)")
    pytest.skip(reason)


def axe_script() -> Path:
    path = Path(os.environ.get("GONGKAI_AXE") or AXE)
    if not path.is_file():
        unavailable(f"axe-core is missing at {path} (scripts/_env.sh installs it: "
                    "npm install --prefix .cache/npm axe-core@4)")
    return path


def axe_results(page: Any) -> dict[str, Any]:
    """axe-core's full result for the page (WCAG 2.x A and AA rules and axe's best practices). The page's
    context must be made with bypass_csp=True: the service's policy refuses an injected script."""
    page.add_script_tag(path=str(axe_script()))
    return dict(page.evaluate("() => axe.run(document, {resultTypes: ['violations']})"))


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical violations, each {id, impact, help, targets}."""
    out = []
    for v in axe_results(page)["violations"]:
        if v.get("impact") in SERIOUS:
            out.append({"id": v["id"], "impact": v["impact"], "help": v["help"],
                        "targets": [" ".join(map(str, n["target"])) for n in v["nodes"]][:5]})
    return out


def screenshot(page: Any, name: str) -> Path:
    """A full-page PNG in tests/browser/artifacts/NAME.png; returns its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def print_pdf(page: Any, path: Path | str) -> Path:
    """The page printed by Chromium to an A4 PDF with its print CSS and backgrounds."""
    page.emulate_media(media="print")
    page.pdf(path=str(path), format="A4", print_background=True, prefer_css_page_size=True)
    return Path(path)


def pdf_text(path: Path | str) -> str:
    """The PDF's text as `pdftotext -layout` reads it (poppler-utils)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        unavailable("pdftotext is missing (apt-get install poppler-utils)")
    done = subprocess.run([str(tool), "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          timeout=60, check=True)
    return done.stdout.decode("utf-8")
