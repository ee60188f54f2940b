"""Browser tests: Playwright for Python driving the system's Chromium (Debian's package, /usr/bin/chromium;
GONGKAI_CHROMIUM names another) against a live `gongkai serve` (tests/server_process.py) on a scratch
SQLite database, with the session's audit key file (tests/conftest.py).

Playwright's own browser download is not reachable here, so it is never used: `playwright install` is not
run, the browser is launched by its path. Where Chromium (or Playwright) is missing the tests are skipped
with the reason, except under CI=true or GONGKAI_REQUIRE_BROWSER=1 (.ci/run), where they fail: CI must not
pass without the browser.
.ci/run installs Chromium, the CJK fonts and poppler-utils; scripts/_env.sh installs axe-core.

    def test_x(live_server, open_page):
        watched = open_page("/docs")                     # console errors and CSP violations recorded
        page = open_page("/docs", bypass_csp=True).page  # for axe_violations (its script is injected)

    def test_y(sign_in):
        watched = sign_in("clerk", "张三", division="法规处")  # a user made, signed in through the form, at /
        watched.page.goto("/entry")
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from tests.browser.helpers import unavailable
from tests.server_process import ServerProcess, create_user, issue_token

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# The flags the machine's notes give for a closed network: no background connections, no first-run work.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Collected by every watched page before any of its own scripts runs (CDP's new-document scripts ignore CSP).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  {directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample}));
"""


def chromium_path() -> str | None:
    """GONGKAI_CHROMIUM, else /usr/bin/chromium, else `chromium` on PATH."""
    wanted = os.environ.get("GONGKAI_CHROMIUM") or DEFAULT_CHROMIUM
    if Path(wanted).is_file() and os.access(wanted, os.X_OK):
        return wanted
    return None if os.environ.get("GONGKAI_CHROMIUM") else shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The system Chromium, headless, launched once for the session by Playwright."""
    executable = chromium_path()
    if executable is None:
        unavailable(f"no Chromium at {os.environ.get('GONGKAI_CHROMIUM') or DEFAULT_CHROMIUM} "
                     "(apt-get install chromium, or set GONGKAI_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, audit_key_file: Path) -> Iterator[ServerProcess]:
    """`gongkai serve` on a free port of 127.0.0.1, on a fresh SQLite database, rules only (no model)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'gongkai.db'}"
    issue_token(url, "admin", "browser-tests-setup")  # creates and migrates the database before the start
    with ServerProcess(url, None, extra_env={"GONGKAI_AUDIT_KEY_FILE": str(audit_key_file)}) as server:
        yield server


@pytest.fixture(scope="module")
def token(live_server: ServerProcess) -> Callable[..., str]:
    """token(role, name, division=None): a bearer token made by `gongkai token create` on the live database."""

    def make(role: str, name: str, division: str | None = None) -> str:
        return issue_token(live_server.database_url, role, name, division)

    return make


@dataclass
class Watched:
    """A page with what its console and Content-Security-Policy said."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[dict[str, Any]]:
        return list(self.page.evaluate("window.__cspViolations || []"))


def watched_page(browser: Any, live_server: ServerProcess, contexts: list[Any], **options: Any) -> Watched:
    """A new page in a new context (A4-ish viewport, zh-CN; kept in `contexts` to be closed), its console
    errors, script errors and CSP violations recorded."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900},
                                  **options)
    contexts.append(context)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    watched = Watched(page)
    page.on("console", lambda m: watched.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watched.page_errors.append(str(e)))
    return watched


@pytest.fixture
def open_page(browser: Any, live_server: ServerProcess) -> Iterator[Callable[..., Watched]]:
    """open_page(path, token=None, bypass_csp=False, wait_until="networkidle"): a new context (A4-ish
    viewport, zh-CN) with the bearer token as a header, the page loaded and watched. bypass_csp=True is
    for axe_violations, whose script the service's policy would rightly refuse."""
    contexts: list[Any] = []

    def open_(path: str, token: str | None = None, *, bypass_csp: bool = False,
              wait_until: str = "networkidle") -> Watched:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        watched = watched_page(browser, live_server, contexts, bypass_csp=bypass_csp, extra_http_headers=headers)
        page = watched.page
        answer = page.goto(path, wait_until=wait_until)
        assert answer is not None and answer.status == 200, (path, answer and answer.status)
        return watched

    yield open_
    for context in contexts:
        context.close()


PASSWORD = "浏览器测试-密码-2026"  # every test user's (the pages' tests are about the pages, not the password)


@pytest.fixture
def sign_in(browser: Any, live_server: ServerProcess) -> Iterator[Callable[..., Watched]]:
    """sign_in(role, name, division=None, bypass_csp=False): the user made once per server (gongkai user
    create), then signed in through the sign-in form in a new context; the page is left on the home page."""
    contexts: list[Any] = []
    made: set[str] = getattr(live_server, "_users", set())
    live_server._users = made  # type: ignore[attr-defined]

    def sign_in_(role: str, name: str, division: str | None = None, *, bypass_csp: bool = False) -> Watched:
        if name not in made:
            create_user(live_server.database_url, role, name, PASSWORD, division)
            made.add(name)
        watched = watched_page(browser, live_server, contexts, bypass_csp=bypass_csp)
        page = watched.page
        page.goto("/signin")
        page.fill("#name", name)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.url.rstrip("/") == live_server.url.rstrip("/"), page.url
        return watched

    yield sign_in_
    for context in contexts:
        context.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (marker `browser`: out of --fast, required in CI), whether
    or not its module says so."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
