"""The calls catalogue in a real browser: htmx filters, a call's deadline, Danish, and the iCal feed it offers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import select

from eudesk.calls import service
from eudesk.calls.models import Call
from eudesk.config import Settings
from eudesk.db import make_engine, make_sessionmaker
from eudesk.web.i18n import Translator

pytestmark = pytest.mark.browser

TODAY = dt.date(2026, 8, 12)


def life_open(settings: Settings) -> dict[str, list[dt.date]]:
    """topic id -> deadlines of the open LIFE calls, straight from the database."""
    engine = make_engine(settings)
    try:
        with make_sessionmaker(engine)() as s:
            calls = s.scalars(select(Call).where(Call.programme.has(code="LIFE"))).all()
            return {c.topic_id: [d.deadline for d in c.deadlines] for c in calls
                    if service.effective_status(c, TODAY) == "open"}
    finally:
        engine.dispose()


def results_total(page: Any) -> int:
    text = page.locator("#results .toolbar strong").inner_text()
    return int("".join(ch for ch in text if ch.isdigit()))


def test_filter_open_a_call_switch_to_danish_and_subscribe(live_server: str, live_settings: Settings,
                                                           browser_page: Any) -> None:
    page = browser_page
    expected = life_open(live_settings)
    assert expected, "the bundled data has open LIFE calls on 12 August 2026"

    page.goto(f"{live_server}/calls")
    assert page.locator("html").get_attribute("lang") == "en"  # the browser asks for en-GB
    assert results_total(page) == 629

    # Tick LIFE, then open: htmx replaces the results and pushes the filter into the address bar.
    with page.expect_response(lambda r: "programme=LIFE" in r.url and r.request.headers.get("hx-request")):
        page.locator('input[name="programme"][value="LIFE"]').check()
    page.wait_for_url("**/calls?*programme=LIFE*")
    with page.expect_response(lambda r: "status=open" in r.url and r.request.headers.get("hx-request")):
        page.locator('input[name="status"][value="open"]').check()
    page.wait_for_url("**status=open*")
    page.wait_for_function("prefix => document.querySelector('#results strong').textContent.startsWith(prefix)",
                           arg=f"{len(expected)} ")
    assert results_total(page) == len(expected)
    rows = page.locator("#results tbody tr")
    assert rows.count() == min(25, len(expected))
    programmes = rows.locator("td:nth-child(2)").all_inner_texts()
    assert set(programmes) == {"LIFE"}
    shown = [href.removeprefix("/calls/") for href in rows.locator("td:first-child a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")]
    assert set(shown) <= set(expected)
    assert page.locator('input[name="programme"][value="LIFE"]').is_checked()

    # The iCal feed the (htmx-updated) page offers holds exactly the deadlines of these calls.
    ical_href = page.locator("#ical-link").get_attribute("href")
    assert "programme=LIFE" in ical_href and "status=open" in ical_href
    feed = page.request.get(f"{live_server}{ical_href}")
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(feed.body())
    got = sorted((str(ev["URL"]).rsplit("/calls/", 1)[1], ev.decoded("DTSTART")) for ev in cal.walk("VEVENT"))
    assert got == sorted((t, d) for t, ds in expected.items() for d in ds)

    # Open the first call and read its deadline.
    first = rows.first.locator("td:first-child a")
    topic = first.get_attribute("href").removeprefix("/calls/")
    first.click()
    page.wait_for_url(f"**/calls/{topic}")
    deadline_el = page.locator("#call-deadlines .deadline").first
    deadline = dt.date.fromisoformat(deadline_el.get_attribute("data-date"))
    assert deadline == expected[topic][0]
    assert Translator("en").date(deadline) in deadline_el.inner_text()

    # Switch to Danish: labels and dates change, and the choice sticks.
    page.locator('.langs a[hreflang="da"]').click()
    page.wait_for_function("document.documentElement.lang === 'da'")
    da = Translator("da")
    assert page.url.endswith(f"/calls/{topic}")
    assert da.gettext("Calls") in page.locator("header nav").inner_text()
    assert da.gettext("Calls") != "Calls"
    assert da.date(deadline) in page.locator("#call-deadlines .deadline").first.inner_text()
    page.goto(f"{live_server}/calls?programme=LIFE")
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("h1").inner_text() == da.gettext("EU calls")


def test_language_switch_after_htmx_filtering_keeps_the_filters(live_server: str, browser_page: Any) -> None:
    page = browser_page
    page.goto(f"{live_server}/calls")
    with page.expect_response(lambda r: "programme=CERV" in r.url and r.request.headers.get("hx-request")):
        page.locator('input[name="programme"][value="CERV"]').check()
    page.wait_for_url("**programme=CERV*")
    page.locator('.langs a[hreflang="da"]').click()
    page.wait_for_function("document.documentElement.lang === 'da'")
    assert "programme=CERV" in page.url
    assert page.locator('input[name="programme"][value="CERV"]').is_checked()
    assert set(page.locator("#results tbody td:nth-child(2)").all_inner_texts()) == {"CERV"}


def test_back_shows_the_filters_of_the_list_it_shows(live_server: str, browser_page: Any) -> None:
    page = browser_page
    page.goto(f"{live_server}/calls")
    life = page.locator('input[name="programme"][value="LIFE"]')
    with page.expect_response(lambda r: "programme=LIFE" in r.url and r.request.headers.get("hx-request")):
        life.check()
    page.wait_for_url("**programme=LIFE*")
    life_total = results_total(page)
    with page.expect_response(lambda r: "status=open" in r.url and r.request.headers.get("hx-request")):
        page.locator('input[name="status"][value="open"]').check()
    page.wait_for_url("**status=open*")
    # Back: LIFE only. htmx's snapshot of the page showed LIFE unticked beside the LIFE-only list.
    page.go_back()
    page.wait_for_function("() => !location.search.includes('status=open')")
    page.wait_for_load_state("load")
    page.wait_for_function("n => document.querySelector('#results .toolbar strong').textContent.startsWith(n + ' ')",
                           arg=str(life_total))
    assert page.locator('input[name="programme"][value="LIFE"]').is_checked()
    assert not page.locator('input[name="status"][value="open"]').is_checked()
    page.go_back()
    page.wait_for_function("() => !location.search.includes('LIFE')")
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.querySelector('#results .toolbar strong').textContent.startsWith('629 ')")
    assert not page.locator('input[name="programme"][value="LIFE"]').is_checked()
