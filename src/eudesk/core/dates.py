"""Dates: 'today' (overridable for demos and tests) and UTC timestamps."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def today(override: str | None = None) -> dt.date:
    """Today's date, or the ISO date given as override."""
    if override:
        return dt.date.fromisoformat(override)
    return dt.date.today()


def parse_date(value: str | None) -> dt.date | None:
    """A date from 'YYYY-MM-DD' or an ISO timestamp such as '2027-04-06T00:00:00.000+0000'; '' gives None."""
    if not value:
        return None
    value = value.strip()
    if not value:
        return None
    return dt.date.fromisoformat(value[:10])
