"""Site-wide pages: home, about (data sources, runtime), and the language switch."""

from __future__ import annotations

import datetime as dt
import platform

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from eudesk import __version__
from eudesk.calls import service as calls_service
from eudesk.calls.schemas import SyncRunOut
from eudesk.config import Settings
from eudesk.web.deps import get_session, get_settings, get_today, get_translator, set_freshness
from eudesk.web.i18n import LANGUAGES, Translator
from eudesk.web.rendering import render

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(
    request: Request,
    session: Session = Depends(get_session),
    tr: Translator = Depends(get_translator),
    today: dt.date = Depends(get_today),
) -> Response:
    """The start page: what is open now and what closes soon."""
    set_freshness(request, session, today)
    until = today + dt.timedelta(days=45)
    soon = calls_service.search_calls(
        session=session,
        flt=calls_service.CallFilter(statuses=["open"], deadline_from=today, deadline_to=until),
        today=today, sort="deadline", per_page=10,
    )
    counts = {f.value: f.count for f in soon.facets["status"]}
    all_counts = calls_service.facets(session=session, flt=calls_service.CallFilter(), today=today)["status"]
    return render(request, "home.html", tr=tr, nav="home", soon=soon,
                  status_counts={f.value: f.count for f in all_counts}, soon_counts=counts, soon_until=until)


class AboutOut(BaseModel):
    """What this installation runs on and the latest imports and syncs of calls (the about page's twin)."""

    version: str
    python: str
    database: str
    embedder: str | None = Field(description="the embedding runtime in use; null until the model is loaded")
    runs: list[SyncRunOut]
    changes_by_run: dict[int, dict[str, int]] = Field(description="run id -> kind of change -> how many")


def _about(request: Request, session: Session) -> AboutOut:
    runs = calls_service.list_runs(session=session, limit=10)
    # the embedding runtime the calls matcher actually loaded (empty until its semantic index is built)
    matcher = getattr(request.app.state, "task_matcher", None)
    return AboutOut(
        version=__version__, python=platform.python_version(), database=request.app.state.engine.dialect.name,
        embedder=getattr(matcher, "embedder_name", "") or None,
        runs=[SyncRunOut.model_validate(r, from_attributes=True) for r in runs],
        changes_by_run=calls_service.count_changes(session=session, sync_ids=[r.id for r in runs]),
    )


@router.get("/about.json", response_model=AboutOut)
def about_json(request: Request, session: Session = Depends(get_session)) -> AboutOut:
    """What this installation runs on (version, database, embedding runtime) and its latest imports and syncs."""
    return _about(request, session)


@router.get("/about", include_in_schema=False)
def about(
    request: Request,
    session: Session = Depends(get_session),
    tr: Translator = Depends(get_translator),
    today: dt.date = Depends(get_today),
    settings: Settings = Depends(get_settings),
) -> Response:
    """Where the data comes from, how fresh it is, and what runs eudesk."""
    set_freshness(request, session, today)
    out = _about(request, session)
    return render(request, "about.html", tr=tr, nav="about", runs=out.runs, run_counts=out.changes_by_run,
                  version=out.version, python=out.python, database=out.database, embedder=out.embedder,
                  settings=settings)


@router.get("/lang/{code}", include_in_schema=False)
def switch_language(code: str, next: str = "/") -> Response:
    """Switch the UI language (remembered in a cookie for a year) and go back to the page."""
    if not next.startswith("/") or next.startswith("//"):
        next = "/"
    resp = RedirectResponse(next, status_code=303)
    if code in LANGUAGES:
        resp.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="lax")
    return resp
