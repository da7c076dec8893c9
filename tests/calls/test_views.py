"""Calls pages and JSON twins: parsed HTML, filters, htmx blocks, errors, OpenAPI, the iCalendar feed."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from icalendar import Calendar
from lxml import html as lxml_html
from sqlalchemy import select
from sqlalchemy.orm import Session

from eudesk.calls import service
from eudesk.calls.models import Call, CallDeadline
from eudesk.calls.schemas import ProgrammeInfo, TopicRecord
from eudesk.config import Settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

TODAY = dt.date(2026, 8, 12)
LIFE = ProgrammeInfo("43252405", "LIFE", "LIFE")


def doc(response: Any) -> Any:
    """The parsed HTML of a response."""
    return lxml_html.fromstring(response.text)


def row_ids(page: Any) -> list[str]:
    """Topic ids of the result rows, read from their links."""
    return [a.get("href").removeprefix("/calls/") for a in page.xpath('//section[@id="results"]//tbody/tr/td[1]/a')]


def facet_counts(page: Any, name: str) -> dict[str, int]:
    """Facet value -> count as shown next to the checkbox."""
    out = {}
    for label in page.xpath(f'//form//input[@type="checkbox"][@name="{name}"]/ancestor::label[1]'):
        value = label.xpath(".//input")[0].get("value")
        count = label.xpath('.//span[@class="count"]')[0].text_content()
        out[value] = int(re.sub(r"\D", "", count))
    return out


# --- list page and its JSON twin ----------------------------------------------------------------------------

def test_calls_page_lists_the_first_page(app_client: TestClient) -> None:
    r = app_client.get("/calls?lang=en")
    assert r.status_code == 200
    page = doc(r)
    assert page.xpath("//h1")[0].text_content() == "EU calls"
    assert len(row_ids(page)) == 25
    assert "629 calls" in page.xpath('//section[@id="results"]//strong')[0].text_content()
    assert page.xpath('//nav//a[@aria-current="page"]')[0].get("href") == "/calls"
    footer = page.xpath("//footer")[0].text_content()
    assert "EU Funding & Tenders Portal" in footer and "10 August 2026" in footer


@pytest.mark.parametrize(
    "query",
    [
        "",
        "programme=LIFE&status=open",
        "programme=HORIZON&status=open&q=cities&sort=-budget",
        "status=forthcoming&page=3",
        "action_type=CSA&deadline_from=2026-09-01&deadline_to=2026-12-31",
        "budget_min=1.000.000&budget_max=5000000&sort=title",
        "q=zzzznothing",
    ],
)
def test_json_twin_equals_the_page(app_client: TestClient, query: str) -> None:
    page = doc(app_client.get(f"/calls?lang=en&{query}"))
    data = app_client.get(f"/calls.json?{query}").json()
    assert row_ids(page) == [item["topic_id"] for item in data["items"]]
    total = page.xpath('//section[@id="results"]//strong')[0].text_content()
    assert int(re.sub(r"\D", "", total)) == data["total"]
    for name in ("status", "programme", "action_type"):
        assert facet_counts(page, name) == {f["value"]: f["count"] for f in data["facets"][name]}
    checked = {(i.get("name"), i.get("value")) for i in page.xpath("//form//input[@checked]")}
    selected = {(k, f["value"]) for k, fs in data["facets"].items() for f in fs if f["selected"]}
    assert checked == selected
    if not data["items"]:
        assert page.xpath('//p[@class="notice"]')


def test_json_list_agrees_with_the_service(app_client: TestClient, loaded_session: Session) -> None:
    data = app_client.get("/calls.json?programme=LIFE&status=open&per_page=200").json()
    expected = service.search_calls(session=loaded_session, flt=service.CallFilter(programmes=["LIFE"],
                                    statuses=["open"]), today=TODAY, per_page=200)
    assert data["total"] == expected.total
    assert [i["topic_id"] for i in data["items"]] == [c.topic_id for c in expected.items]
    assert data["today"] == "2026-08-12"
    item = data["items"][0]
    call = service.get_call(session=loaded_session, topic_id=item["topic_id"])
    assert item["programme"]["code"] == "LIFE"
    assert item["status"] == "open"
    assert [d["date"] for d in item["deadlines"]] == [d.deadline.isoformat() for d in call.deadlines]
    assert item["deadlines"][0]["days_left"] == (call.deadlines[0].deadline - TODAY).days
    assert item["url"] == f"/calls/{call.topic_id}"


def test_pagination_links(app_client: TestClient) -> None:
    page = doc(app_client.get("/calls?lang=en&status=open&page=2"))
    pager = page.xpath('//nav[@class="pager"]')[0]
    links = {a.text_content().strip(): a.get("href") for a in pager.xpath(".//a")}
    assert "status=open" in links["← Previous"] and "page=1" in links["← Previous"]
    assert "page=3" in links["Next →"]
    assert "Page 2 of 15" in pager.text_content()
    last = doc(app_client.get("/calls?lang=en&status=open&page=15"))
    assert "Next →" not in last.xpath('//nav[@class="pager"]')[0].text_content()


def test_htmx_request_gets_only_the_results_block(app_client: TestClient) -> None:
    r = app_client.get("/calls?lang=en&programme=LIFE&status=open", headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert "<html" not in r.text and "<form" not in r.text
    fragment = lxml_html.fragment_fromstring(r.text.strip())
    assert fragment.tag == "section" and fragment.get("id") == "results"
    full = doc(app_client.get("/calls?lang=en&programme=LIFE&status=open"))
    assert [a.get("href") for a in fragment.xpath(".//tbody//a")] == \
        [a.get("href") for a in full.xpath('//section[@id="results"]//tbody//a')]


def test_filter_form_names_match_the_query_parameters(app_client: TestClient) -> None:
    form = doc(app_client.get("/calls?lang=en")).xpath('//form[contains(@class, "facets")]')[0]
    names = {el.get("name") for el in form.xpath(".//input|.//select") if el.get("name")}
    assert names == {"q", "status", "programme", "cluster", "action_type", "deadline_from", "deadline_to", "budget_min",
                     "budget_max", "sort"}
    assert form.get("hx-get") == "/calls" and form.get("hx-target") == "#results"


def test_ical_link_carries_the_filters(app_client: TestClient) -> None:
    page = doc(app_client.get("/calls?lang=en&programme=LIFE&status=open&page=2&sort=title"))
    href = page.xpath('//a[@id="ical-link"]')[0].get("href")
    assert href == "/deadlines.ics?programme=LIFE&status=open"


# --- detail page ------------------------------------------------------------------------------------------

def test_detail_page_and_twin(app_client: TestClient, loaded_session: Session) -> None:
    call = service.get_call(session=loaded_session, topic_id="LIFE-2026-SAP-CLIMA-CCA")
    page = doc(app_client.get(f"/calls/{call.topic_id}?lang=en"))
    assert page.xpath("//h1")[0].text_content() == call.title
    dates = [el.get("data-date") for el in page.xpath('//*[@id="call-deadlines"]//*[@data-date]')]
    assert dates == [d.deadline.isoformat() for d in call.deadlines]
    status = page.xpath('//*[@id="call-status"]//span[contains(@class, "badge")]')[0]
    assert "status-open" in status.get("class")
    assert call.portal_url in [a.get("href") for a in page.xpath("//a")]
    data = app_client.get(f"/calls/{call.topic_id}.json").json()
    assert data["topic_id"] == call.topic_id and data["description"] == call.description
    assert data["source"] == "EU Funding & Tenders Portal"
    assert [d["date"] for d in data["deadlines"]] == dates
    history = app_client.get(f"/calls/{call.topic_id}/changes.json").json()
    assert [h["kind"] for h in history] == ["new"]


def test_topic_ids_with_slashes_are_served(app_client: TestClient) -> None:
    topic = "EuropeAid/186246/DD/ACT/NG"
    r = app_client.get(f"/calls/{topic}?lang=en")
    assert r.status_code == 200
    assert doc(r).xpath('//dl[contains(@class, "facts")]/dd')[0].text_content() == topic
    assert app_client.get(f"/calls/{topic}.json").json()["topic_id"] == topic
    assert app_client.get(f"/calls/{topic}/changes.json").json()[0]["kind"] == "new"
    data = app_client.get("/calls.json?programme=RELEX&per_page=200").json()
    for item in data["items"]:
        assert app_client.get(item["url"]).status_code == 200, item["url"]


def test_unknown_call_is_404_in_html_and_json(app_client: TestClient) -> None:
    r = app_client.get("/calls/NO-SUCH-TOPIC?lang=en")
    assert r.status_code == 404
    assert "NO-SUCH-TOPIC" in doc(r).xpath('//*[@role="alert"]')[0].text_content()
    r = app_client.get("/calls/NO-SUCH-TOPIC.json")
    assert r.status_code == 404 and "NO-SUCH-TOPIC" in r.json()["error"]


# --- bad query parameters -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("status=pending", ["status", "pending"]),
        ("sort=popularity", ["sort", "popularity"]),
        ("deadline_from=2026-13-01", ["deadline_from", "2026-13-01"]),
        ("deadline_from=2027-01-01&deadline_to=2026-01-01", ["deadline_to"]),
        ("budget_min=lots", ["budget_min", "lots"]),
        ("budget_min=9000000&budget_max=1000", ["budget_max"]),
        ("page=0", ["page"]),
        ("page=abc", ["page"]),
        ("per_page=1000", ["per_page"]),
    ],
)
def test_bad_query_parameters_give_a_one_line_422(app_client: TestClient, query: str, names: list[str]) -> None:
    r = app_client.get(f"/calls.json?{query}")
    assert r.status_code == 422
    message = r.json()["error"]
    assert "\n" not in message
    for name in names:
        assert name in message
    r = app_client.get(f"/calls?lang=en&{query}")
    assert r.status_code == 422
    alert = doc(r).xpath('//*[@role="alert"]')
    assert len(alert) == 1 and alert[0].text_content() == message
    assert "Traceback" not in r.text


def test_bad_month_and_run_are_422(app_client: TestClient) -> None:
    r = app_client.get("/deadlines.json?month=2026-xx")
    assert r.status_code == 422 and "month" in r.json()["error"]
    r = app_client.get("/changes.json?run=9999")
    assert r.status_code == 422 and "9999" in r.json()["error"]
    assert app_client.get("/deadlines?month=13-2026&lang=en").status_code == 422


# --- changes and deadlines pages ------------------------------------------------------------------------

def test_changes_page_and_twin(app_client: TestClient) -> None:
    data = app_client.get("/changes.json").json()
    assert data["run"]["topics_new"] == 629 and data["run"]["status"] == "ok"
    assert len(data["changes"]) == 500  # capped list of the 629 'new' changes
    page = doc(app_client.get("/changes?lang=en"))
    rows = page.xpath("//table//tbody/tr")
    assert len(rows) == len(data["changes"])
    assert rows[0].xpath(".//a")[0].get("href") == "/calls/" + data["changes"][0]["topic_id"]
    # the counts are the run's, not the capped list's ("new: 500" contradicted "629 new")
    assert [b.text_content() for b in page.xpath("//span[@class='badge']")] == ["new: 629"]
    assert "The newest 500 of 629 changes are listed." in page.text_content()


def test_deadlines_page_and_twin(app_client: TestClient, loaded_session: Session) -> None:
    data = app_client.get("/deadlines.json?month=2026-09&programme=LIFE").json()
    assert (data["start"], data["end"]) == ("2026-09-01", "2026-09-30")
    expected = loaded_session.execute(
        select(CallDeadline.deadline, Call.topic_id).join(Call).where(
            Call.programme_id == LIFE.id, CallDeadline.deadline.between(dt.date(2026, 9, 1), dt.date(2026, 9, 30)))
        .order_by(CallDeadline.deadline, Call.topic_id)).all()
    assert [(d["date"], d["topic_id"]) for d in data["deadlines"]] == [(d.isoformat(), t) for d, t in expected]
    assert data["ical_url"] == "/deadlines.ics?programme=LIFE"
    page = doc(app_client.get("/deadlines?lang=en&month=2026-09&programme=LIFE"))
    links = page.xpath('//table[@class="calendar"]//li/a')
    assert sorted(a.get("href").removeprefix("/calls/") for a in links) == sorted(t for _d, t in expected)
    titles = dict(loaded_session.execute(select(Call.topic_id, Call.title).where(
        Call.topic_id.in_([t for _d, t in expected]))).all())
    # a day's calls read by title (their ids often differ only at the end, which the cell cuts off)
    assert all(a.text_content() == titles[a.get("href").removeprefix("/calls/")] for a in links)
    assert page.xpath('//a[@id="ical-link"]')[0].get("href") == "/deadlines.ics?programme=LIFE"


def test_home_and_about(app_client: TestClient) -> None:
    home = doc(app_client.get("/?lang=en"))
    buttons = [a.text_content() for a in home.xpath('//a[contains(@class, "button")]')]
    assert "363 open calls" in buttons and "262 forthcoming calls" in buttons
    soon = [tr.xpath("./td[1]")[0].text_content() for tr in home.xpath("//table//tbody/tr")]
    assert soon, "some open calls close within 45 days of 12 August 2026"
    about = doc(app_client.get("/about?lang=en"))
    assert "EU Funding & Tenders Portal" in about.xpath("//table")[0].text_content()


# --- OpenAPI -----------------------------------------------------------------------------------------------

def test_openapi_lists_the_json_routes_with_their_docstrings(app_client: TestClient) -> None:
    spec = app_client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/calls.json", "/calls/{topic_id}.json", "/calls/{topic_id}/changes.json", "/changes.json",
                 "/deadlines.json", "/deadlines.ics"):
        assert path in paths, path
        assert paths[path]["get"].get("description") or paths[path]["get"].get("summary"), path
    assert "/calls" not in paths and "/calls/{topic_id}" not in paths  # HTML pages stay out of the API
    params = {p["name"] for p in paths["/calls.json"]["get"]["parameters"]}
    assert {"programme", "status", "action_type", "deadline_from", "deadline_to", "budget_min", "budget_max", "q",
            "sort", "page", "per_page"} <= params
    assert paths["/calls.json"]["get"]["description"].startswith("Calls filtered by programme")


# --- the iCalendar feed ---------------------------------------------------------------------------------

def parse_ics(response: Any) -> Calendar:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> dict[str, Any]:
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def test_ical_feed_has_one_event_per_deadline(app_client: TestClient, loaded_session: Session) -> None:
    cal = parse_ics(app_client.get("/deadlines.ics?programme=LIFE&status=open"))
    evs = events(cal)
    expected = {
        (c.topic_id, d.deadline)
        for c in loaded_session.scalars(select(Call).where(Call.programme_id == LIFE.id))
        if service.effective_status(c, TODAY) == "open"
        for d in c.deadlines
    }
    assert len(cal.walk("VEVENT")) == len(evs) == len(expected) > 0
    got = set()
    for ev in evs.values():
        start = ev.decoded("DTSTART")
        assert isinstance(start, dt.date) and not isinstance(start, dt.datetime)  # all-day
        assert ev.decoded("DTEND") == start + dt.timedelta(days=1)
        topic = str(ev["URL"]).rsplit("/calls/", 1)[1]
        assert topic in str(ev["SUMMARY"])
        got.add((topic, start))
    assert got == expected


def test_ical_feed_of_everything_matches_the_database(app_client: TestClient, loaded_session: Session) -> None:
    evs = events(parse_ics(app_client.get("/deadlines.ics")))
    window = (TODAY - dt.timedelta(days=90), TODAY + dt.timedelta(days=3 * 365))
    expected = loaded_session.execute(select(Call.topic_id, CallDeadline.deadline).join(Call).where(
        CallDeadline.deadline.between(*window))).all()
    assert sorted((str(ev["URL"]).rsplit("/calls/", 1)[1], ev.decoded("DTSTART")) for ev in evs.values()) == \
        sorted((t, d) for t, d in expected)


@pytest.fixture
def empty_client(settings: Settings) -> Iterator[TestClient]:
    """A client of an app on an empty database of this test."""
    from eudesk.web.app import create_app

    with TestClient(create_app(settings)) as client:
        yield client


def _import(client: TestClient, *recs: TopicRecord) -> None:
    with client.app.state.sessionmaker.begin() as s:  # type: ignore[attr-defined]
        service.import_records(session=s, records=[(r, LIFE) for r in recs], source="test", data_date=None,
                               fetched_at=dt.datetime(2026, 8, 10, tzinfo=dt.UTC))


def _rec(topic_id: str, *deadlines: dt.date) -> TopicRecord:
    return TopicRecord(topic_id=topic_id, title=f"Topic {topic_id}", programme_id=LIFE.id, status="open",
                       deadlines=list(deadlines))


def test_ical_uids_are_stable_across_reimports_and_moved_deadlines(empty_client: TestClient) -> None:
    d1, d2 = dt.date(2026, 9, 1), dt.date(2027, 2, 1)
    _import(empty_client, _rec("A", d1, d2), _rec("B", dt.date(2026, 10, 1)))
    first = {uid: ev.decoded("DTSTART") for uid, ev in events(parse_ics(empty_client.get("/deadlines.ics"))).items()}
    assert sorted(first.values()) == [d1, dt.date(2026, 10, 1), d2]
    assert len(first) == 3  # unique UIDs, one per deadline
    _import(empty_client, _rec("A", d1, d2), _rec("B", dt.date(2026, 10, 1)))
    again = {uid: ev.decoded("DTSTART") for uid, ev in events(parse_ics(empty_client.get("/deadlines.ics"))).items()}
    assert again == first
    _import(empty_client, _rec("A", d1, d2), _rec("B", dt.date(2026, 10, 20)))  # B's deadline moves
    moved = {uid: ev.decoded("DTSTART") for uid, ev in events(parse_ics(empty_client.get("/deadlines.ics"))).items()}
    assert set(moved) == set(first)
    changed = [uid for uid in first if first[uid] != moved[uid]]
    assert len(changed) == 1 and moved[changed[0]] == dt.date(2026, 10, 20)
    history = empty_client.get("/calls/B/changes.json").json()
    assert [h["kind"] for h in history] == ["deadline_moved", "new"]


def test_passed_deadline_shows_closed_and_what_the_portal_said(empty_client: TestClient) -> None:
    _import(empty_client, _rec("LATE", dt.date(2026, 8, 1)))  # the source still says open
    page = doc(empty_client.get("/calls/LATE?lang=en"))
    status = page.xpath('//*[@id="call-status"]')[0]
    assert "status-closed" in status.xpath('.//span[contains(@class, "badge")]')[0].get("class")
    assert "the portal said “open” on 10 August 2026" in status.text_content()
    assert "passed 11 days ago" in page.xpath('//*[@id="call-deadlines"]')[0].text_content()
    data = empty_client.get("/calls/LATE.json").json()
    assert (data["status"], data["source_status"], data["next_deadline"]) == ("closed", "open", None)
    assert empty_client.get("/calls.json?status=open").json()["total"] == 0
    assert empty_client.get("/calls.json?status=closed").json()["items"][0]["topic_id"] == "LATE"


def test_empty_catalogue_pages_say_so(empty_client: TestClient) -> None:
    page = doc(empty_client.get("/calls?lang=en"))
    assert page.xpath('//p[@class="notice"]')[0].text_content() == "No call matches these filters."
    assert empty_client.get("/calls.json").json()["total"] == 0
    assert "No import or sync has run yet." in empty_client.get("/changes?lang=en").text
    assert len(Calendar.from_ical(empty_client.get("/deadlines.ics").content).walk("VEVENT")) == 0
