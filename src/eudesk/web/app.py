"""The app factory: create_app(settings) wires settings, database, routers and error pages."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Receive, Scope, Send

from eudesk import __version__
from eudesk.config import Settings, get_settings
from eudesk.core.errors import EudeskError
from eudesk.db import make_engine, make_sessionmaker, upgrade
from eudesk.web.deps import get_today, get_translator
from eudesk.web.rendering import render, warm_templates

log = logging.getLogger("eudesk")
_WARM_LOCK = threading.Lock()
WARM_UP_WAIT_S = 30.0  # warm-ups start after the first answered request, or after this long without one

# Each domain's views module exposes `router`; the order is the order of the navigation.
VIEW_MODULES = [
    "eudesk.web.pages",
    "eudesk.calls.views",
    "eudesk.projects.views",
    "eudesk.partners.views",
    "eudesk.tasks.views",
]

# Each entry is "module:function", called as function(session=..., settings=...) once at start-up inside one
# transaction, to load the bundled default data into an empty database.
BOOTSTRAP = [
    "eudesk.calls.service:load_bundled",
    "eudesk.projects.service:load_bundled",
    "eudesk.tasks.service:load_bundled",
]


def bootstrap(settings: Settings, sm: sessionmaker[Session]) -> None:
    """Migrate the schema and load the bundled data into an empty database."""
    upgrade(sm.kw["bind"])
    if not settings.load_bundled_data:
        return
    for target in BOOTSTRAP:
        module, func = target.split(":")
        loader = getattr(importlib.import_module(module), func)
        with sm.begin() as session:
            loader(session=session, settings=settings)


class _FirstAnswer:
    """ASGI middleware that sets an event once the app has answered its first HTTP request."""

    def __init__(self, app: ASGIApp, answered: threading.Event) -> None:
        self.app = app
        self.answered = answered

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            self.answered.set()


def _warm_up_later(app: FastAPI) -> None:
    # after the first answer: warming up meanwhile made the first page of a fresh start ~1 s slower (one GIL)
    app.state.answered.wait(WARM_UP_WAIT_S)
    warm_up(app)


def warm_up(app: FastAPI) -> None:
    """Run the app's warm-ups once (in a background thread after start-up, once the first request is answered)."""
    with _WARM_LOCK:
        warmups: list[Callable[[FastAPI], object]] = list(getattr(app.state, "warmups", []))
        app.state.warmups = []
    for warm in warmups:
        try:
            warm(app)
        except Exception:  # the page then does it on first use
            log.exception("warm-up failed")


# The error page's first line, in the user's language; the domain's own one-line message (English, naming the field
# or record) follows as the detail.
_ERROR_LEADS = {
    404: "We cannot find it: the link may be old, or the record may have been removed.",
    422: "The address or the form has a value eudesk cannot use; the line below says which.",
    502: "A data source did not answer properly. Try again later.",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app for these settings (nothing connects until start-up)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        bootstrap(settings, app.state.sessionmaker)
        for hook in getattr(app.state, "startup_hooks", []):
            hook(app)
        threading.Thread(target=_warm_up_later, args=(app,), name="eudesk-warmup", daemon=True).start()
        yield
        engine.dispose()

    app = FastAPI(
        title="eudesk",
        version=__version__,
        description="An international office in a box for municipalities: EU calls, matching, partners, paperwork. "
        "Every page has a JSON twin (the same path ending in .json).",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.startup_hooks = []
    # work that would otherwise fall on the first request of a page (building an index, compiling templates)
    app.state.warmups = [lambda _app: warm_templates()]
    app.state.answered = threading.Event()
    app.add_middleware(_FirstAnswer, answered=app.state.answered)
    static = Path(__file__).parent / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for name in VIEW_MODULES:
        module = importlib.import_module(name)
        app.include_router(module.router)
        setup = getattr(module, "setup", None)
        if setup is not None:
            setup(app)

    def _wants_json(request: Request) -> bool:
        return request.url.path.endswith(".json") or "application/json" in request.headers.get("accept", "")

    @app.exception_handler(EudeskError)
    async def _domain_error(request: Request, exc: EudeskError) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": str(exc)}, status_code=exc.http_status)
        tr = get_translator(request)
        get_today(request)
        return render(request, "error.html", tr=tr, status_code=exc.http_status, message=str(exc),
                      lead=tr.gettext(_ERROR_LEADS.get(exc.http_status, _ERROR_LEADS[422])))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        if exc.errors() and all(e.get("loc", ("",))[0] == "path" for e in exc.errors()):
            # /tasks/abc, or a reload of a form's POST address (/tasks/import): no such page, not a bad form
            return await _not_found(request, exc)
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "body"))
        message = f"{where}: {first.get('msg', 'invalid input')}" if where else str(first.get("msg", "invalid input"))
        if _wants_json(request):
            return JSONResponse({"error": message, "detail": exc.errors()}, status_code=422)
        tr = get_translator(request)
        get_today(request)
        return render(request, "error.html", tr=tr, status_code=422, message=message,
                      lead=tr.gettext(_ERROR_LEADS[422]))

    @app.exception_handler(405)
    async def _method_not_allowed(request: Request, exc: Exception) -> Response:
        if request.method == "GET" and not _wants_json(request):
            # the address a form posted to (a note, a feedback), reloaded or switched to the other language after
            # the answer showed there: its page is one step up (it answered {"detail":"Method Not Allowed"})
            parent = request.url.path.rstrip("/").rsplit("/", 1)[0] or "/"
            return RedirectResponse(parent + (f"?{request.url.query}" if request.url.query else ""), status_code=303)
        headers = getattr(exc, "headers", None) or {}
        return JSONResponse({"error": "method not allowed"}, status_code=405, headers=headers)

    @app.exception_handler(404)
    async def _not_found(request: Request, exc: Exception) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": "not found"}, status_code=404)
        tr = get_translator(request)
        get_today(request)
        return render(request, "error.html", tr=tr, status_code=404, message=tr.gettext("Page not found."))

    return app


