"""The application factory: nothing is created at import time; rules, model and database are loaded
once per application (in create_app, so that a broken rulebook or database stops the start)."""

from __future__ import annotations

import gc
import hashlib
import hmac
import logging
import threading
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine

from api import docs, headers, problems
from api.audit_appender import Appender, lifespan_hooks
from api.audit_key import AuditKeyError, audit_key
from api.context import Context
from api.deps import TokenCache
from api.limits import BodyLimit
from api.rulesets import activation as rulesets
from api.rulesets import classifier
from api.settings import Settings
from engine.classifier.model import ModelError, load_model
from engine.facts.text import for_matching
from engine.paths import data_dir
from engine.rules.loader import check_rulebook, check_rulebook_cached
from engine.suggest import Suggester
from engine.workflow.working_days import WorkingCalendar
from models.migrate import upgrade
from models.session import make_engine, make_sessions

log = logging.getLogger("gongkai")


class StartupError(RuntimeError):
    """The service cannot start: the message says what to fix."""


def load_suggester(settings: Settings, *, cache_key: bytes | None = None) -> Suggester:
    """The rules (checked) and the model of the settings. With `cache_key` (the audit key), a rulebook that
    passed is kept in data/runtime for the next start, signed with it (engine/rules/loader.py)."""
    if cache_key is None:
        book, diagnostics = check_rulebook(settings.rules)
    else:
        book, diagnostics = check_rulebook_cached(settings.rules, rulebook_cache(), cache_key)
    if book is None:
        lines = "\n".join(f"  {d.file}:{d.line}:{d.column} {d.code} {d.message}" for d in diagnostics[:20])
        raise StartupError(f"the rules in {settings.rules} have errors (`gongkai rules check`):\n{lines}")
    model = None
    if settings.model is not None and str(settings.model):
        try:
            model = load_model(settings.model)
        except ModelError as exc:
            raise StartupError(f"{exc} (set GONGKAI_MODEL= to serve the rules alone)") from None
    return Suggester(book, "durable", model)


def rulebook_cache() -> Path:
    """Where a served start keeps the checked rulebook for the next one (beside the default database)."""
    return data_dir() / "runtime" / "rulebook.cache"


class SuggesterLoading:
    """load_suggester in a thread of its own, started before create_app imports the routers and checks the
    letters and the database: the start's two halves then share the machine's cores where either one waits
    outside the GIL (hashing a password at import, reading the model's arrays, jieba-rs building its
    dictionary). result() gives the Suggester, or raises what load_suggester raised, when create_app would
    have called it: a broken rulebook or model stops the start with the same message, after the same
    earlier checks."""

    def __init__(self, settings: Settings, cache_key: bytes | None) -> None:
        self._suggester: Suggester | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._load, args=(settings, cache_key), name="gongkai-start",
                                        daemon=True)
        self._thread.start()

    def _load(self, settings: Settings, cache_key: bytes | None) -> None:
        try:
            self._suggester = load_suggester(settings, cache_key=cache_key)
            for_matching("預熱")
            from api.access.users import dummy_hash

            dummy_hash()  # the sign-in's timing guard, made here beside the imports rather than at import
        except BaseException as exc:  # noqa: BLE001 (handed to the thread that called result())
            self._error = exc

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> Suggester:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._suggester is not None
        return self._suggester


def create_app(settings: Settings | None = None, suggester: Suggester | SuggesterLoading | None = None) -> FastAPI:
    settings = settings or Settings()
    try:
        key = audit_key(settings)
    except AuditKeyError as exc:
        raise StartupError(str(exc)) from None
    _check_letters(settings)  # before any connection is opened: a refused start leaves nothing open
    engines = [make_engine(settings.database_url)]
    try:
        return _assemble(settings, suggester, key, engines)
    except BaseException:
        for engine in engines:  # nor does one refused later (rules, model): no connection is left open
            engine.dispose()
        raise


def _assemble(settings: Settings, suggester: Suggester | SuggesterLoading | None, key: bytes,
              engines: list[Engine]) -> FastAPI:
    """create_app's app on the database engine engines[0] (the reader engine it makes is added to them)."""
    engine = engines[0]
    if settings.migrate_on_start:
        upgrade(engine)
    appender = Appender()  # links committed audit events into the chain (models/audit/appender.py)
    app = FastAPI(title="gongkai 政府信息公开", version=_version(), docs_url=None, redoc_url=None,
                  lifespan=lifespan_hooks(appender),
                  description="Suggestions, reviews and stores for government information disclosure "
                              "under the 2019 Regulations (《中华人民共和国政府信息公开条例》).")
    app.state.engine = engine
    # The sessions that write carry the audit key, and nudge the appender after a commit that appended events.
    app.state.sessions = appender.sessions = make_sessions(engine, audit_key=key, on_append=appender.nudge)
    app.state.audit_appender = appender
    appender.drain()  # events committed but not linked when the service last stopped (kill -9)
    # SQLite: reads in their own engine, beside the single writer (models/session.py).
    app.state.reader_engine = make_engine(settings.database_url, reader=True) if engine.dialect.name == "sqlite" else engine
    if app.state.reader_engine is not engine:
        engines.append(app.state.reader_engine)
    app.state.readers = make_sessions(app.state.reader_engine, audit_key=key)  # the key: GET /v1/audit/verify
    app.state.tokens = TokenCache()
    # Imported here, not at the top: a served start loads the rules and the model in a thread meanwhile.
    from api.pages.layout import PageRefusal, SignInNeeded, refusal_page
    from api.pages.routers import PAGE_MODULES
    from api.routes import MODULES

    if isinstance(suggester, SuggesterLoading):
        suggester = suggester.result()
    app.state.context = Context(suggester=suggester or load_suggester(settings),
                                calendar=WorkingCalendar.from_file(settings.calendar), settings=settings)
    rulesets.start(app.state.context, app.state.sessions, settings.rules)
    classifier.start(app.state.context, app.state.sessions, settings.model)
    for_matching("預熱")  # builds the normalisation table (~0.2 s) at start, not on the first push
    problems.install(app)
    docs.install(app)
    for module in MODULES:
        app.include_router(module.router, responses=problems.RESPONSES)
    for pages in PAGE_MODULES:  # the web pages: HTML, not the API's schema
        app.include_router(pages.router, include_in_schema=False)
    app.add_exception_handler(PageRefusal, refusal_page)
    app.add_exception_handler(SignInNeeded, refusal_page)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    headers.install(app)  # outermost: every answer, a 413 or a 500 too, carries the security headers
    return app


def _check_letters(settings: Settings) -> None:
    """The letter templates (data/letters, edited by legal staff) are read and checked at start, so a broken
    one stops the start with its file named instead of failing the first letter of the day."""
    from api.letters.render import templates_at
    from api.letters.templates import TemplateError

    try:
        templates_at(settings.letters)
    except (TemplateError, OSError) as exc:
        raise StartupError(f"the letter templates in {settings.letters} cannot be used: {exc}") from None


def create_served_app(settings: Settings | None = None) -> FastAPI:
    """The app as `gongkai serve` runs it (each worker's factory): create_app, the rules and the model loaded
    in a thread beside it (SuggesterLoading), the rulebook cached between starts; then what it loaded kept
    out of the garbage collector's full passes. The rules, the model and the tables built at start live as
    long as the process, yet every full pass walked them all: ~60-90 ms stopped one request in a few dozen
    (bench/pages_bench.py measured the queue page's p95 at 81 ms against a p50 of 15). Not in create_app:
    the tests make hundreds of apps in one process, whose frozen cycles would never be freed.

    The collector is off during the start (bench/startup_bench.py): the ~210k objects the imports and the
    loading make were walked by four full passes as the heap grew, for almost no garbage (about 2,000
    objects in cycles, frozen with the rest rather than paying a last full pass over everything)."""
    gc.disable()
    try:
        settings = settings or Settings()
        try:  # the rulebook cache's signing key, derived from the audit key (not the audit key itself)
            cache_key: bytes | None = hmac.new(audit_key(settings), b"gongkai rulebook cache", hashlib.sha256).digest()
        except AuditKeyError:
            cache_key = None  # create_app stops the start, with the message
        loading = SuggesterLoading(settings, cache_key)
        try:
            return create_app(settings, loading)
        except BaseException:
            loading.wait()  # a refused start returns when nothing of it runs on
            raise
    finally:
        gc.freeze()
        gc.enable()


def _version() -> str:
    from engine.version import __version__

    return __version__
