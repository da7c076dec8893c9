"""Request dependencies: the database session (one transaction per request), language and today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from eudesk.config import Settings
from eudesk.core.dates import today as today_for
from eudesk.web.i18n import Translator, pick_language


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A session whose transaction commits when the request succeeds and rolls back when it fails."""
    with request.app.state.sessionmaker.begin() as session:
        yield session


def get_today(request: Request) -> dt.date:
    """Today's date (EUDESK_TODAY overrides it for demos and tests)."""
    value = today_for(request.app.state.settings.today)
    request.state.today = value
    return value


def get_translator(request: Request) -> Translator:
    """The translator of the language this request is answered in."""
    lang = pick_language(
        query=request.query_params.get("lang"),
        cookie=request.cookies.get("lang"),
        accept=request.headers.get("accept-language"),
        default=request.app.state.settings.default_locale,
    )
    request.state.lang = lang
    return Translator(lang)


class Freshness:
    """How old the catalogue's data is: source, the date the data describes, age in days."""

    def __init__(self, source: str, date: dt.date, age_days: int | None) -> None:
        self.source = source
        self.date = date
        self.age_days = age_days


def set_freshness(request: Request, session: Session, today: dt.date) -> Freshness | None:
    """Look up the last successful import/sync and remember it for the page footer."""
    from eudesk.calls.service import last_run

    run = last_run(session=session)
    fresh = None
    if run is not None:
        date = run.data_date or (run.finished_at or run.started_at).date()
        fresh = Freshness(run.source, date, (today - date).days)
    request.state.freshness = fresh
    return fresh
