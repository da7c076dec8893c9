"""The start page: what is open now and what closes soon."""

from __future__ import annotations

import warnings

from lxml import html as lxml_html
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eudesk.projects.models import Participation

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def test_home_links_to_every_call_closing_soon_when_it_shows_only_some(app_client: TestClient) -> None:
    page = app_client.get("/?lang=en")
    assert page.status_code == 200
    doc = lxml_html.fromstring(page.text)
    shown = doc.xpath("//table[contains(@class,'list')]/tbody/tr")
    closing = app_client.get("/calls.json", params={"status": "open", "deadline_from": "2026-08-12",
                                                    "deadline_to": "2026-09-26"}).json()["total"]
    assert closing > len(shown) == 10  # the bundled data on 12 August 2026: more than the page lists
    link = doc.get_element_by_id("all-closing")
    assert f"See all {closing} calls" in link.text_content()
    href = link.get("href")
    assert href.startswith("/calls?")
    assert app_client.get(href.replace("/calls?", "/calls.json?")).json()["total"] == closing


def test_past_projects_say_each_title_once_and_name_their_source(app_client: TestClient) -> None:
    sources: set[str] = set()
    page, pages = 1, 1
    while page <= pages:
        doc = lxml_html.fromstring(app_client.get(f"/projects?lang=da&page={page}").text)
        rows = doc.xpath("//table[contains(@class,'list')]/tbody/tr")
        pages = -(-app_client.get("/projects.json").json()["total"] // len(rows)) if page == 1 else pages
        for row in rows:
            name = row.xpath("./td[1]/a")[0].text_content()
            # 605 CORDIS projects carry their acronym as their title: it was said twice
            assert [d.text_content() for d in row.xpath("./td[1]/div")] != [name]
            sources.add(row.xpath("./td[4]")[0].text_content())
        page += 1
    assert sources == {"CORDIS", "Danske strukturfonde"}


def test_a_call_page_links_to_partner_search_for_that_call(app_client: TestClient) -> None:
    topic = "EuropeAid/186246/DD/ACT/NG"  # ids with slashes too
    page = lxml_html.fromstring(app_client.get(f"/calls/{topic}?lang=da").text)
    link = page.get_element_by_id("find-partners")
    assert link.text_content() == "Find partnere til denne indkaldelse"
    href = link.get("href")
    assert href.startswith("/partners?call=")
    data = app_client.get(href.replace("/partners?", "/partners.json?")).json()
    assert data["call"] == topic and data["call_title"]


def _organisation(session: Session, *, with_partners: bool) -> int:
    """An organisation whose projects have other participants (or none of them has)."""
    sizes = dict(session.execute(select(Participation.project_id, func.count()).group_by(Participation.project_id)).all())
    projects: dict[int, list[int]] = {}
    for org_id, project_id in session.execute(select(Participation.organisation_id, Participation.project_id)):
        projects.setdefault(org_id, []).append(project_id)
    return next(org for org, ids in sorted(projects.items())
                if any(sizes[p] > 1 for p in ids) == with_partners)


def test_an_organisation_without_partners_says_so_once(app_client: TestClient, loaded_session: Session) -> None:
    alone = _organisation(loaded_session, with_partners=False)
    assert app_client.get(f"/organisations/{alone}.json").json()["partners"] == []
    page = lxml_html.fromstring(app_client.get(f"/organisations/{alone}?lang=en").text)
    assert page.text_content().count("No partners recorded.") == 1
    assert not page.xpath("//*[@id='top-partners']") and "Countries of its partners" not in page.text_content()
    busy = _organisation(loaded_session, with_partners=True)
    page = lxml_html.fromstring(app_client.get(f"/organisations/{busy}?lang=en").text)
    assert page.xpath("//ol[@id='top-partners']/li/a") and page.xpath("//*[@id='partner-countries']")
    assert "No partners recorded." not in page.text_content()


def test_a_city_lists_each_project_title_once(app_client: TestClient) -> None:
    page = lxml_html.fromstring(app_client.get("/cities/DK/Vejle?lang=da").text)
    items = [li.text_content() for li in page.xpath("//ul[@class='small']/li[a[starts-with(@href,'/projects/')]]")]
    assert items
    for text in items:
        name = text.split(" (")[0]
        assert " – " not in name or name.split(" – ")[0] != name.split(" – ")[1], text


def test_a_demo_task_names_its_source_in_the_page_language(app_client: TestClient) -> None:
    english = "Danish EU structural-fund projects 2007-2020 led by municipalities (Erhvervsstyrelsen)"
    task_id = next(t["id"] for t in app_client.get("/tasks.json").json()["items"] if t["source"] == english)
    for lang, source in (("da", "Danske EU-strukturfondsprojekter 2007-2020 ledet af kommuner (Erhvervsstyrelsen)"),
                         ("en", "Danish EU structural-fund projects 2007-2020 led by municipalities (Erhvervsstyrelsen)")):
        page = lxml_html.fromstring(app_client.get(f"/tasks/{task_id}?lang={lang}").text)
        facts = dict(zip([dt.text_content() for dt in page.xpath("//dl[contains(@class,'facts')][1]/dt")],
                         [dd.text_content() for dd in page.xpath("//dl[contains(@class,'facts')][1]/dd")], strict=True))
        assert source in facts.values()


def test_htmx_restoring_history_gets_the_whole_page(app_client: TestClient) -> None:
    block = app_client.get("/calls?status=open", headers={"HX-Request": "true"}).text
    assert "<html" not in block and 'id="results"' in block
    whole = app_client.get("/calls?status=open", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in whole.text and 'name="htmx-config"' in whole.text


def test_error_pages_lead_in_the_page_language_and_keep_the_precise_line(app_client: TestClient) -> None:
    r = app_client.get("/calls/NO-SUCH-TOPIC?lang=da")
    page = lxml_html.fromstring(r.text)
    assert r.status_code == 404
    assert page.get_element_by_id("error-lead").text_content().startswith("Vi kan ikke finde det")
    assert page.xpath('//*[@role="alert"]')[0].text_content() == "no call with topic identifier 'NO-SUCH-TOPIC'"
    r = app_client.get("/calls?lang=da&sort=popularity")
    page = lxml_html.fromstring(r.text)
    assert r.status_code == 422
    assert page.get_element_by_id("error-lead").text_content().startswith("Adressen eller formularen")
    assert "sort" in page.xpath('//*[@role="alert"]')[0].text_content()
    r = app_client.get("/calls?lang=en&page=0")
    assert lxml_html.fromstring(r.text).get_element_by_id("error-lead").text_content().startswith("The address")
    page = lxml_html.fromstring(app_client.get("/no/such/page?lang=da").text)
    assert not page.xpath("//*[@id='error-lead']")  # "Siden findes ikke." says it all


def test_search_of_a_pasted_long_description_uses_its_beginning_and_says_so(app_client: TestClient) -> None:
    text = " ".join(["Ældre borgere skal blive længere i eget hjem med velfærdsteknologi."] * 40)  # 2,700 characters
    r = app_client.get("/search", params={"q": text, "lang": "da"})
    assert r.status_code == 200
    page = lxml_html.fromstring(r.text)
    assert page.get_element_by_id("search-cut").text_content() == \
        "Kun de første 1.000 tegn af teksten blev brugt i søgningen."
    searched = page.get_element_by_id("q").get("value")
    assert 900 < len(searched) <= 1000 and text.startswith(searched)
    assert page.get_element_by_id("q").get("maxlength") == "1000"
    short = lxml_html.fromstring(app_client.get("/search", params={"q": "velfærdsteknologi"}).text)
    assert not short.xpath("//*[@id='search-cut']")
    assert app_client.get("/search.json", params={"q": text}).status_code == 422  # the API says it plainly


def test_a_task_entered_on_the_page_says_so_in_the_page_language(app_client: TestClient) -> None:
    r = app_client.post("/tasks/new?lang=da", data={
        "title": "Skybrudssikring af to bydele",
        "description": "Kommunen vil klimatilpasse to bydele mod skybrud med regnvandsbassiner og grønne tage.",
        "currency": "DKK", "status": "new"}, follow_redirects=False)
    assert r.status_code == 303
    page = lxml_html.fromstring(app_client.get(r.headers["location"].split("?")[0] + "?lang=da").text)
    facts = page.xpath("//dl[contains(@class,'facts')][1]/dd")
    assert "oprettet her i eudesk" in [dd.text_content() for dd in facts]  # it said "form"


def test_runs_are_summed_up_in_the_page_language(app_client: TestClient) -> None:
    changes = lxml_html.fromstring(app_client.get("/changes?lang=da").text)
    text = changes.text_content()
    assert "emner læst: 629; nye: 629, ændrede: 0, forsvundne: 0" in text
    assert "629 topics" not in text  # the run's stored English message
    assert [b.text_content() for b in changes.xpath("//span[@class='badge']")] == ["ny: 629"]
    about = lxml_html.fromstring(app_client.get("/about?lang=da").text)
    row = about.xpath("//table//tbody/tr")[0].text_content()
    assert "emner læst: 629" in row and "ok" in row
    english = lxml_html.fromstring(app_client.get("/about?lang=en").text).xpath("//table//tbody/tr")[0]
    assert "topics read: 629; new: 629, changed: 0, disappeared: 0" in english.text_content()


def test_partner_search_without_a_fit_says_no_good_match_once(app_client: TestClient) -> None:
    data = app_client.get("/partners.json", params={"text": "xyzzy"}).json()
    assert not data["suggestions"] and data["note"].startswith("no good match")
    page = lxml_html.fromstring(app_client.get("/partners", params={"text": "xyzzy", "lang": "da"}).text)
    notices = [p.text_content() for p in page.xpath("//p[contains(@class,'notice')]")]
    assert len(notices) == 1 and notices[0].startswith("Intet godt match"), notices


def test_the_about_page_has_a_json_twin(app_client: TestClient) -> None:
    data = app_client.get("/about.json").json()
    assert data["version"] and data["database"] == "sqlite" and data["python"].count(".") == 2
    first = data["runs"][-1]
    assert first["topics_seen"] == 629 and data["changes_by_run"][str(first["id"])] == {"new": 629}
    page = lxml_html.fromstring(app_client.get("/about?lang=en").text)
    assert len(page.xpath("//table//tbody/tr")) == len(data["runs"])


def test_pages_name_an_icon_that_is_served(app_client: TestClient) -> None:
    # without one the browser asked for /favicon.ico on every page and logged a 404
    page = lxml_html.fromstring(app_client.get("/").text)
    href = page.xpath("//link[@rel='icon']/@href")[0]
    icon = app_client.get(href)
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_a_form_answer_reloaded_or_switched_to_the_other_language_shows_its_page(app_client: TestClient) -> None:
    # an empty note answers at the note's POST address; reloading it or switching language asked for it by GET
    r = app_client.get("/projects/1/notes?lang=en", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/projects/1?lang=en"
    r = app_client.get("/lang/da?next=/cities/DK/Vejle/notes")
    assert r.status_code == 200 and r.url.path == "/cities/DK/Vejle"
    assert app_client.get("/tasks.json", headers={"accept": "application/json"}).status_code == 200
    api = app_client.get("/tasks/1/feedback.json")
    assert api.status_code == 405 and api.json() == {"error": "method not allowed"}


def test_concepts_read_in_the_page_language(app_client: TestClient) -> None:
    from eudesk.matching.glossary import CONCEPTS
    from eudesk.web.i18n import Translator

    da = Translator("da")
    assert all(da.gettext(c.label) != c.label or c.label == "innovation" for c in CONCEPTS)
    page = lxml_html.fromstring(app_client.get("/search", params={"q": "ældre borgere og velfærdsteknologi",
                                                                  "lang": "da"}).text)
    badges = {b.text_content() for b in page.xpath("//article//p[contains(., 'Fælles begreber')]/span[@class='badge']")}
    english = {c.label for c in CONCEPTS} - {"innovation"}
    assert badges and not badges & english, badges
    understood = page.xpath("//p[contains(., 'forståede begreber')]")[0].text_content()
    assert "velfærdsteknologi" in understood and "welfare technology" not in understood


def test_partner_evidence_names_concepts_in_the_page_language(app_client: TestClient) -> None:
    from eudesk.matching.glossary import CONCEPTS

    text = "delecykler og bæredygtig mobilitet i mellemstore byer"
    data = app_client.get("/partners.json", params={"text": text}).json()
    labels = {c.label for c in CONCEPTS}
    used = {t for s in data["suggestions"] for e in s.get("evidence", s.get("projects", []))
            for t in e.get("matched_terms", [])}
    assert used & labels, "the fitting projects share some glossary concepts with the text"
    page = app_client.get("/partners", params={"text": text, "lang": "da"}).text
    shared = " ".join(li.text_content() for li in lxml_html.fromstring(page).xpath("//ol[@id='suggestions']//li//li"))
    assert "fælles begreber og ord" in shared
    assert not [label for label in used & labels - {"innovation"} if f" {label}," in shared or f" {label};" in shared]


def test_feedback_history_names_the_call_by_its_title(app_client: TestClient) -> None:
    task_id = next(t["id"] for t in app_client.get("/tasks.json").json()["items"]
                   if app_client.get(f"/tasks/{t['id']}.json").json()["matches"])
    match = app_client.get(f"/tasks/{task_id}.json").json()["matches"][0]
    app_client.post(f"/tasks/{task_id}/feedback.json", data={"topic_id": match["topic_id"], "verdict": "relevant"})
    page = lxml_html.fromstring(app_client.get(f"/tasks/{task_id}?lang=da").text)
    first = page.xpath("//ul[@id='feedback-history']/li")[0]
    link = first.xpath("./a")[0]
    assert link.get("href") == f"/calls/{match['topic_id']}" and link.text_content() == match["title"]
