"""Dates: the overridable today, UTC timestamps and lenient date parsing."""

from __future__ import annotations

import datetime as dt

import pytest

from eudesk.core.dates import parse_date, today, utcnow


def test_today_override_and_real_date() -> None:
    assert today("2026-08-12") == dt.date(2026, 8, 12)
    assert today(None) == dt.date.today()
    assert today("") == dt.date.today()


def test_today_rejects_a_bad_override() -> None:
    with pytest.raises(ValueError):
        today("12/08/2026")


def test_utcnow_is_timezone_aware_utc() -> None:
    now = utcnow()
    assert now.tzinfo is not None
    assert now.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-04-06", dt.date(2027, 4, 6)),
        ("2027-04-06T00:00:00.000+0000", dt.date(2027, 4, 6)),
        ("  2026-09-03 ", dt.date(2026, 9, 3)),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_date(value: str | None, expected: dt.date | None) -> None:
    assert parse_date(value) == expected
