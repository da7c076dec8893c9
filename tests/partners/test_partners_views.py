"""Projects and partner pages with their JSON twins, on the database filled with the bundled knowledge base."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from eudesk.partners.models import Organisation


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.ids: set[str] = set()
        self.svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for k, v in attrs:
            if k == "id" and v:
                self.ids.add(v)
        if tag == "svg":
            self.svg += 1

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def parse(html: str) -> _Text:
    p = _Text()
    p.feed(html)
    return p


def odense(session: Session) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.name_key == "odense kommune",
                                                    Organisation.merged_into_id.is_(None)))
    assert org is not None
    return org


def test_projects_list_and_knowledge_search(app_client: Any) -> None:
    r = app_client.get("/projects.json")
    assert r.status_code == 200 and r.json()["total"] > 1000 and r.json()["items"]
    assert {s["source"] for s in r.json()["sources"]} == {"cordis", "dk-structural"}
    r = app_client.get("/projects.json", params={"q": "klimatilpasning og oversvømmelse i byer"})
    body = r.json()
    # the hybrid core answers (fake embedder in tests, named as such): concepts and words shared, no coverage
    assert body["hits"] and body["note"].startswith("Meaning and words") and "(fake)" in body["note"]
    assert body["semantic"] and all(h["method"] == "hybrid" and h["coverage"] is None for h in body["hits"])
    assert all(h["matched_terms"] or h["concepts"] for h in body["hits"])
    assert any("climate" in " ".join(h["concepts"] + h["matched_terms"]) for h in body["hits"])
    page = app_client.get("/projects", params={"q": "cities climate adaptation", "lang": "en"})
    assert page.status_code == 200 and "Shared words" in page.text
    # the fake embedder's vectors of unknown words are noise, so nonsense abstention is tested words-only
    # (tests/projects/test_projects_matcher.py); here: no project with a partner in XX -> "no good match"
    nothing = app_client.get("/projects.json", params={"q": "climate adaptation", "country": "XX"})
    assert nothing.json()["hits"] == []
    assert "no-match" in parse(app_client.get("/projects", params={"q": "climate", "country": "XX"}).text).ids


def test_project_page_and_twin(app_client: Any) -> None:
    first = app_client.get("/projects.json").json()["items"][0]
    r = app_client.get(f"/projects/{first['id']}.json")
    assert r.status_code == 200 and r.json()["attribution"]
    page = app_client.get(f"/projects/{first['id']}", params={"lang": "da"})
    assert page.status_code == 200 and "Konsortium" in page.text
    assert app_client.get("/projects/99999999.json").status_code == 404


def test_partner_search_page_json_and_export(app_client: Any) -> None:
    params = {"text": "sustainable urban mobility and cycling in cities", "type": ["PUB", "HES"]}
    body = app_client.get("/partners.json", params=params).json()
    assert body["suggestions"]
    for s in body["suggestions"]:
        assert s["organisation"]["activity_type"] in ("PUB", "HES")
        assert s["evidence"] and s["figures"]["fit"] > 0  # every suggestion shows the projects behind it
    assert body["consortium"]["rule"].startswith("Collaborative action")
    page = app_client.get("/partners", params={**params, "lang": "en"})
    doc = parse(page.text)
    assert {"suggestions", "consortium", "export"} <= doc.ids
    xlsx = app_client.get("/partners/export.xlsx", params={**params, "lang": "en"})
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith("application/vnd.openxml")
    ws = load_workbook(io.BytesIO(xlsx.content))["Suggestions"]
    assert [r[1] for r in ws.iter_rows(min_row=2, values_only=True)] == [
        s["organisation"]["name"] for s in body["suggestions"]]
    # the workbook speaks the page's language: sheet names, headers, types, the consortium's reasons
    wb = load_workbook(io.BytesIO(app_client.get("/partners/export.xlsx", params={**params, "lang": "da"}).content))
    assert wb.sheetnames == ["Forslag", "Konsortium", "Søgning"]
    rows = list(wb["Forslag"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Nr.", "Organisation", "Type", "Land")
    assert {r[2] for r in rows[1:]} <= {"Offentlig myndighed", "Universitet eller skole"}
    assert [r[0] for r in wb["Søgning"].iter_rows(values_only=True)][:2] == ["Tekst", "Indkaldelse"]


def test_partner_search_for_a_call_and_bad_input(app_client: Any) -> None:
    call = app_client.get("/calls.json", params={"per_page": 1}).json()["items"][0]["topic_id"]
    body = app_client.get("/partners.json", params={"call": call}).json()
    assert body["call_title"]
    bad = app_client.get("/partners.json", params={"text": "x", "type": "ABC"})
    assert bad.status_code == 422 and "type" in bad.json()["error"]
    assert app_client.get("/partners.json", params={"call": "NO-SUCH-TOPIC"}).status_code == 404


def test_organisation_and_city_pages(app_client: Any, loaded_session: Session) -> None:
    org = odense(loaded_session)
    body = app_client.get(f"/organisations/{org.id}.json").json()
    assert body["organisation"]["population"] and "GeoNames" in body["organisation"]["population_source"]
    assert body["projects"] and body["partners"] and body["merges"]
    page = app_client.get(f"/organisations/{org.id}", params={"lang": "en"})
    doc = parse(page.text)
    assert doc.svg == 1 and "merges" in doc.ids and "notes" in doc.ids
    city = app_client.get("/cities/DK/Odense.json").json()
    assert city["population"] and city["organisations"] and city["projects"]
    assert app_client.get("/cities/DK/Odense", params={"lang": "da"}).status_code == 200
    assert app_client.get("/cities/XX/Nowhere.json").status_code == 404


def test_note_form_keeps_what_was_typed_on_error(app_client: Any, loaded_session: Session) -> None:
    org = odense(loaded_session)
    r = app_client.post(f"/organisations/{org.id}/notes", data={"text": "   ", "author": "Mette Hansen"},
                        params={"lang": "en"})
    assert r.status_code == 422 and "Write something in the note." in r.text and "Mette Hansen" in r.text
    long = "x" * 5001
    r = app_client.post("/cities/DK/Odense/notes", data={"text": long, "author": "M"})
    assert r.status_code == 422 and long in r.text
    r = app_client.post(f"/organisations/{org.id}/notes", data={"text": "Study trip 2025", "author": "Mette"},
                        follow_redirects=False)
    assert r.status_code == 303
    notes = app_client.get(f"/organisations/{org.id}.json").json()["notes"]
    assert notes[0]["text"] == "Study trip 2025" and notes[0]["author"] == "Mette"


def test_undo_merge_from_the_page(app_client: Any, loaded_session: Session) -> None:
    org = odense(loaded_session)
    merges = app_client.get(f"/organisations/{org.id}.json").json()["merges"]
    m = next(x for x in merges if x["undone_at"] is None)
    before = len(app_client.get(f"/organisations/{org.id}.json").json()["projects"])
    r = app_client.post(f"/organisations/merges/{m['id']}/undo", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/organisations/{m['merged_id']}"
    restored = app_client.get(f"/organisations/{m['merged_id']}.json").json()
    after = len(app_client.get(f"/organisations/{org.id}.json").json()["projects"])
    assert restored["merged_into"] is None and after + len(restored["projects"]) == before


def test_pages_render_in_both_languages_without_missing_values(app_client: Any, loaded_session: Session) -> None:
    org = odense(loaded_session)
    first = app_client.get("/projects.json").json()["items"][0]["id"]
    urls = ["/projects", "/projects?q=klimatilpasning", f"/projects/{first}", f"/organisations/{org.id}",
            "/cities/DK/Odense", "/partners", "/partners?text=urban+mobility+in+cities&type=PUB&size=comparable",
            "/partners?text=zzqx+nothing"]
    for lang in ("da", "en"):
        for url in urls:
            r = app_client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
            assert r.status_code == 200, url
            main = r.text.split("<main", 1)[1].split("</main>", 1)[0]
            assert "None" not in "".join(parse(main).parts), url
            assert "%(" not in r.text, f"{url}: an unfilled message parameter"


def test_merge_reasons_read_in_the_page_language(app_client: Any, loaded_session: Session) -> None:
    org = odense(loaded_session)
    merges = app_client.get(f"/organisations/{org.id}.json").json()["merges"]
    assert any(m["reason"].startswith("same name and country (DK)") for m in merges)  # the stored, English reason
    da = app_client.get(f"/organisations/{org.id}?lang=da").text
    assert "samme navn og land (DK), by" in da and "same name and country" not in da
    assert "same name and country (DK), city" in app_client.get(f"/organisations/{org.id}?lang=en").text


def test_a_reason_typed_by_hand_is_shown_as_written() -> None:
    from eudesk.partners.service import reason_parts

    assert reason_parts("Same organisation, checked by phone (2 participation(s) in shared projects stay with the "
                        "merged record)") == [
        ("%(text)s", {"text": "Same organisation, checked by phone"}),
        ("%(n)s participation(s) in shared projects stay with the merged record", {"n": 2})]
    assert reason_parts("merged by hand") == [("merged by hand", {})]
