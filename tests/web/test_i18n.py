"""Language selection (?lang, cookie, Accept-Language, switch link) and Danish/English formatting."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import html as lxml_html

from eudesk.web.i18n import Translator, catalogue, pick_language

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

DA, EN = Translator("da"), Translator("en")


def doc(response: Any) -> Any:
    return lxml_html.fromstring(response.text)


# --- formatting --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "da", "en"),
    [
        (dt.date(2026, 3, 5), "5. marts 2026", "5 March 2026"),
        (dt.date(2026, 12, 24), "24. december 2026", "24 December 2026"),
        (dt.datetime(2026, 8, 10, 23, 0, tzinfo=dt.UTC), "10. august 2026", "10 August 2026"),
    ],
)
def test_long_dates(value: dt.date, da: str, en: str) -> None:
    assert DA.date(value) == da
    assert EN.date(value) == en


def test_other_date_formats_and_none() -> None:
    assert DA.date(dt.date(2026, 3, 5), "MMMM y") == "marts 2026"
    assert EN.date(dt.date(2026, 3, 5), "MMMM y") == "March 2026"
    assert DA.date(None) == EN.date(None) == ""


def test_numbers_and_money() -> None:
    assert DA.money(1_250_000) == "1.250.000 EUR"
    assert EN.money(1_250_000) == "1,250,000 EUR"
    assert DA.number(1234.5, 1) == "1.234,5"
    assert EN.number(1234.5, 1) == "1,234.5"
    assert DA.money(9_500, "DKK") == "9.500 DKK"
    assert DA.money(None) == DA.number(None) == ""


def test_gettext_and_ngettext() -> None:
    assert EN.gettext("Calls") == "Calls"
    assert DA.gettext("Calls") != "Calls" and DA.gettext("Calls") == catalogue("da")["Calls"]
    assert DA.gettext("a message nobody translated") == "a message nobody translated"
    assert EN.gettext("Page %(page)s of %(pages)s", page=2, pages=15) == "Page 2 of 15"
    assert EN.ngettext("%(num)s call", "%(num)s calls", 1) == "1 call"
    assert EN.ngettext("%(num)s call", "%(num)s calls", 629) == "629 calls"
    one, many = DA.ngettext("%(num)s call", "%(num)s calls", 1), DA.ngettext("%(num)s call", "%(num)s calls", 629)
    assert one.startswith("1 ") and many.startswith("629 ") and one != many


# --- choosing the language -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("en", "da", "da", "en"),  # ?lang wins
        (None, "en", "da-DK,da;q=0.9", "en"),  # then the cookie
        (None, None, "en-GB,en;q=0.9,da;q=0.8", "en"),  # then Accept-Language
        (None, None, "de-DE,da;q=0.5,en;q=0.4", "da"),  # by weight, skipping what we lack
        (None, None, "en;q=0.2, da;q=0.9", "da"),
        (None, None, "fr,de", "da"),  # nothing we have: the default
        (None, None, None, "da"),
        ("xx", "yy", "en;q=bad", "en"),  # junk is ignored, a bad weight counts as 0 but still ranks
    ],
)
def test_pick_language(query: str | None, cookie: str | None, accept: str | None, expected: str) -> None:
    assert pick_language(query=query, cookie=cookie, accept=accept, default="da") == expected


def test_unknown_default_falls_back_to_english() -> None:
    assert pick_language(query=None, cookie=None, accept=None, default="sv") == "en"


def _lang_of(client: TestClient, url: str, **kw: Any) -> str:
    return doc(client.get(url, **kw)).get("lang")


def test_request_language_by_query_cookie_and_header(app_client: TestClient) -> None:
    app_client.cookies.clear()
    assert _lang_of(app_client, "/calls?lang=en") == "en"
    assert _lang_of(app_client, "/calls?lang=da", headers={"Accept-Language": "en"}) == "da"
    assert _lang_of(app_client, "/calls", headers={"Accept-Language": "en-GB,en;q=0.9"}) == "en"
    assert _lang_of(app_client, "/calls", headers={"Accept-Language": "da"}) == "da"
    assert _lang_of(app_client, "/calls", headers={"Accept-Language": "fr"}) == "da"  # EUDESK_DEFAULT_LOCALE
    app_client.cookies.set("lang", "en")
    try:
        assert _lang_of(app_client, "/calls", headers={"Accept-Language": "da"}) == "en"
    finally:
        app_client.cookies.clear()


def test_switch_link_sets_the_cookie_and_keeps_the_page_and_its_filters(app_client: TestClient) -> None:
    app_client.cookies.clear()
    page = doc(app_client.get("/calls?lang=en&programme=LIFE&status=open"))
    link = page.xpath('//div[@class="langs"]/a[@hreflang="da"]')[0].get("href")
    r = app_client.get(link, follow_redirects=False)
    assert r.status_code == 303
    target = urlsplit(r.headers["location"])
    assert target.path == "/calls"
    params = parse_qs(target.query)
    assert params["programme"] == ["LIFE"] and params["status"] == ["open"]
    assert "lang=da" in r.headers["set-cookie"]
    try:
        # The target still says lang=en in its query, which wins; without it the cookie decides.
        assert _lang_of(app_client, "/calls?programme=LIFE", headers={"Accept-Language": "en"}) == "da"
    finally:
        app_client.cookies.clear()


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "javascript:alert(1)"])
def test_switch_link_refuses_to_leave_the_site(app_client: TestClient, target: str) -> None:
    r = app_client.get("/lang/da", params={"next": target}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_switch_to_an_unknown_language_sets_no_cookie(app_client: TestClient) -> None:
    r = app_client.get("/lang/xx?next=/calls", follow_redirects=False)
    assert r.status_code == 303 and "set-cookie" not in r.headers


def _call_with_budget(client: TestClient) -> str:
    return client.get("/calls.json?sort=-budget&status=open").json()["items"][0]["url"]


def test_ngettext_falls_back_to_plain_messages_of_singular_and_plural() -> None:
    # detail.html asks ngettext('Deadline', 'Deadlines', n); the catalogue has both as plain messages.
    assert DA.ngettext("Deadline", "Deadlines", 1) == DA.gettext("Deadline") != "Deadline"
    assert DA.ngettext("Deadline", "Deadlines", 2) == DA.gettext("Deadlines") != "Deadlines"
    assert EN.ngettext("Deadline", "Deadlines", 2) == "Deadlines"


def test_danish_page_has_danish_labels_dates_and_money(app_client: TestClient) -> None:
    app_client.cookies.clear()
    page = doc(app_client.get(_call_with_budget(app_client) + "?lang=da"))
    text = page.text_content()
    nav = [a.text_content() for a in page.xpath("//header/nav/a")]
    assert DA.gettext("Calls") in nav and "Calls" not in nav
    assert DA.gettext("Deadline") in [dt_.text_content() for dt_ in page.xpath("//dl/dt")]
    deadline = dt.date.fromisoformat(page.xpath('//*[@id="call-deadlines"]//*[@data-date]')[0].get("data-date"))
    assert DA.date(deadline) in text
    assert DA.date(deadline).split()[1] in ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
                                            "september", "oktober", "november", "december")
    assert "EUR" in text and "." in page.xpath('//dl/dd[contains(., "EUR")]')[0].text_content()
    footer = page.xpath("//footer")[0].text_content()
    assert "10. august 2026" in footer


def test_english_page_has_english_dates_and_money(app_client: TestClient) -> None:
    page = doc(app_client.get(_call_with_budget(app_client) + "?lang=en"))
    deadline = dt.date.fromisoformat(page.xpath('//*[@id="call-deadlines"]//*[@data-date]')[0].get("data-date"))
    assert EN.date(deadline) in page.text_content()
    money = page.xpath('//dl/dd[contains(., "EUR")]')[0].text_content()
    assert "," in money and "." not in money
    assert "10 August 2026" in page.xpath("//footer")[0].text_content()


def test_list_page_in_danish(app_client: TestClient) -> None:
    page = doc(app_client.get("/calls?lang=da&programme=LIFE&status=open"))
    assert page.xpath("//h1")[0].text_content() == DA.gettext("EU calls")
    total = page.xpath('//section[@id="results"]//strong')[0].text_content()
    n = int("".join(ch for ch in total if ch.isdigit()))
    assert total == DA.ngettext("%(num)s call", "%(num)s calls", n)
    assert page.xpath('//th')[0].text_content() == DA.gettext("Call")
