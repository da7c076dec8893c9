"""Tasks and search pages with their JSON twins, through the app on the bundled data (fake embedder)."""

from __future__ import annotations

import csv
import io
from typing import Any

from lxml import html as lxml_html

DANISH = "Vi vil have ældre borgere til at blive længere i eget hjem med velfærdsteknologi og digitale hjælpemidler"


def doc(response: Any) -> Any:
    return lxml_html.fromstring(response.text)


def create(client: Any, **values: str) -> int:
    data = {"title": "Længere i eget hjem", "description": DANISH, "department": "Ældre- og Handicapforvaltningen",
            "amount": "1.500.000", "currency": "DKK", "status": "new", **values}
    r = client.post("/tasks/new", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_list_shows_the_bundled_demo_tasks(app_client: Any) -> None:
    out = app_client.get("/tasks.json").json()
    assert out["total"] >= 86 and sum(out["departments"].values()) == out["total"]
    page = doc(app_client.get("/tasks?lang=da"))
    assert page.xpath("//h1")[0].text_content() == "Opgaver"
    assert len(page.xpath("//section[@id='results']//tbody/tr")) == out["total"]
    assert page.xpath("//form[@action='/tasks/import?lang=da']//input[@type='file']")  # the language is kept


def test_list_filters_by_department_and_status(app_client: Any) -> None:
    out = app_client.get("/tasks.json", params={"department": "Børn- og Ungeforvaltningen"}).json()
    assert out["total"] >= 7 and {t["department"] for t in out["items"]} == {"Børn- og Ungeforvaltningen"}
    r = app_client.get("/tasks", params={"department": "Børn- og Ungeforvaltningen"}, headers={"HX-Request": "true"})
    assert r.text.lstrip().startswith('<section id="results"')  # htmx gets the results block only
    assert app_client.get("/tasks.json", params={"status": "done"}).status_code == 422


def test_form_errors_keep_what_was_typed(app_client: Any) -> None:
    r = app_client.post("/tasks/new?lang=da", data={"title": "Robotter", "description": "robotter",
                                                    "amount": "mange", "start_date": "2027-13-01"})
    assert r.status_code == 422
    page = doc(r)
    assert page.xpath("//input[@id='title']/@value") == ["Robotter"]
    assert page.xpath("//textarea[@id='description']")[0].text_content() == "robotter"
    assert page.xpath("//input[@id='amount']/@value") == ["mange"]
    errors = {e.get("id"): e.text_content() for e in page.xpath("//div[@class='field-error']")}
    assert errors["error-description"].startswith("er for kort")
    assert errors["error-amount"] == "ikke et beløb"
    assert errors["error-start_date"].startswith("ikke en dato")


def test_task_page_shows_matches_with_facts_and_its_json_twin(app_client: Any) -> None:
    task_id = create(app_client)
    out = app_client.get(f"/tasks/{task_id}.json").json()
    assert out["task"]["money_needed"] == {"amount": 1_500_000, "currency": "DKK", "eur": 201_062, "dkk": 1_500_000}
    assert out["matching"]["semantic"] is True
    similar = out["similar_projects"]  # None until the projects/partners domains are installed
    assert similar is None or all({"title", "url", "countries", "in_denmark"} <= set(p) for p in similar)
    assert not out["no_good_match"] and out["matches"]
    m = out["matches"][0]
    assert m["status"] in ("open", "forthcoming") and m["days_left"] is not None and m["days_left"] >= 0
    assert m["funding_rate"]["source"] and (m["funding_rate"]["percent"] or m["funding_rate"]["source"] ==
                                             "call document")
    assert m["budget"]["needed_eur"] == 201_062 and m["passages"] and m["score_components"]["threshold"]
    page = doc(app_client.get(f"/tasks/{task_id}?lang=da"))
    cards = page.xpath("//section[@id='matches']//article[contains(@class,'match')]")
    assert [c.get("data-topic") for c in cards] == [x["topic_id"] for x in out["matches"]]
    assert "EU-støttesats for en kommune" in cards[0].text_content()
    assert page.xpath("//h2[text()='Lignende projekter andre steder og i Danmark']")


def test_list_shows_how_many_calls_fit(app_client: Any) -> None:
    app_client.get("/tasks")  # the first visit builds the index and matches the tasks there are
    task_id = create(app_client, title="Tælles")
    cell = f"//a[@href='/tasks/{task_id}']/ancestor::tr/td[@class='fit']"
    assert doc(app_client.get("/tasks?lang=da")).xpath(cell)[0].text_content().strip() == "ikke matchet endnu"
    n = len(app_client.get(f"/tasks/{task_id}.json").json()["matches"])  # viewing the task matches it
    assert doc(app_client.get("/tasks?lang=da")).xpath(cell)[0].text_content().strip() == str(n)


def test_not_relevant_disappears_and_undo_brings_it_back(app_client: Any) -> None:
    task_id = create(app_client, title="Feedback")
    first = app_client.get(f"/tasks/{task_id}.json").json()["matches"][0]["topic_id"]
    r = app_client.post(f"/tasks/{task_id}/feedback", data={"topic_id": first, "verdict": "not_relevant",
                                                             "note": "kun forskning", "who": "MJ"},
                        headers={"HX-Request": "true"})
    assert r.status_code == 200 and r.text.lstrip().startswith('<section id="matches"')
    assert not doc(r).xpath(f"//article[@data-topic='{first}']")
    out = app_client.get(f"/tasks/{task_id}.json").json()
    assert first in out["hidden"] and first not in [m["topic_id"] for m in out["matches"]]
    fb = out["feedback"][0]
    assert fb["verdict"] == "not_relevant" and fb["undone_at"] is None
    assert (fb["note"], fb["who"]) == ("kun forskning", "MJ")
    assert "kun forskning" in doc(app_client.get(f"/tasks/{task_id}")).xpath("//ul[@id='feedback-history']")[0] \
        .text_content()
    r = app_client.post(f"/tasks/{task_id}/feedback/{fb['id']}/undo", follow_redirects=False)
    assert r.status_code == 303
    out = app_client.get(f"/tasks/{task_id}.json").json()
    assert out["matches"][0]["topic_id"] == first and not out["hidden"]
    r = app_client.post(f"/tasks/{task_id}/feedback.json", data={"topic_id": first, "verdict": "apply"})
    assert r.json()["verdict"] == "apply"
    cases = {c["id"]: c for c in app_client.get("/feedback.json").json()}
    assert cases[f"feedback-task-{task_id}"]["relevant"] == {first: 2}


def test_edit_changes_the_task(app_client: Any) -> None:
    task_id = create(app_client, title="Før")
    assert doc(app_client.get(f"/tasks/{task_id}/edit")).xpath("//input[@id='title']/@value") == ["Før"]
    r = app_client.post(f"/tasks/{task_id}/edit", data={"title": "Efter", "description": DANISH, "status": "parked",
                                                         "currency": "EUR", "amount": "100000"},
                        follow_redirects=False)
    assert r.status_code == 303
    task = app_client.get(f"/tasks/{task_id}.json").json()["task"]
    assert (task["title"], task["status"], task["money_needed"]["dkk"]) == ("Efter", "parked", 746_038)
    assert app_client.post(f"/tasks/{task_id}/edit", data={"title": "", "description": DANISH}).status_code == 422


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([["title", "description", "department"], *rows])
    return out.getvalue().encode()


def test_import_through_the_page_is_all_or_nothing(app_client: Any) -> None:
    before = app_client.get("/tasks.json").json()["total"]
    bad = _csv([["Et", DANISH, ""], ["To", "", ""]])
    r = app_client.post("/tasks/import?lang=en", files={"file": ("opgaver.csv", bad, "text/csv")})
    assert r.status_code == 422
    error = doc(r).xpath("//div[@id='import-error']")[0]
    assert error.xpath("./p")[0].text_content() == "opgaver.csv: nothing imported."
    assert [li.text_content() for li in error.xpath(".//li")] == ["Row 3, column 'description': is empty"]
    # a Danish page says it in Danish (the JSON twin and the CLI keep the English one-liner)
    r = app_client.post("/tasks/import?lang=da", files={"file": ("opgaver.csv", bad, "text/csv")})
    error = doc(r).xpath("//div[@id='import-error']")[0]
    assert error.xpath("./p")[0].text_content() == "opgaver.csv: intet er importeret."
    assert [li.text_content() for li in error.xpath(".//li")] == ["Række 3, kolonne 'description': er tom"]
    r = app_client.post("/tasks/import?lang=da", files={"file": ("opgaver.csv", b"titel\nA\n", "text/csv")})
    assert doc(r).xpath("//div[@id='import-error']")[0].text_content().strip() == \
        "opgaver.csv: mangler kolonnen 'description' (fundne kolonner: titel)"
    r = app_client.post("/tasks/import?lang=da", files={"file": ("opgaver.xlsx", b"no workbook", "text/csv")})
    assert "kan ikke læses som en Excel-projektmappe" in doc(r).xpath("//div[@id='import-error']")[0].text_content()
    assert app_client.get("/tasks.json").json()["total"] == before
    good = _csv([["Et", DANISH, ""], ["To", DANISH, "Borgmesterforvaltningen"]])
    r = app_client.post("/tasks/import", files={"file": ("opgaver.csv", good, "text/csv")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/tasks?imported=2"
    assert app_client.get("/tasks.json").json()["total"] == before + 2
    r = app_client.post("/tasks/import.json", files={"file": ("x.txt", b"title\nA", "text/plain")})
    assert r.status_code == 422 and "missing column 'description'" in r.json()["error"]


def test_json_api_creates_tasks_with_one_line_errors(app_client: Any) -> None:
    r = app_client.post("/tasks.json", json={"title": "API", "description": DANISH, "currency": "EUR",
                                             "amount": 50000})
    assert r.status_code == 201 and r.json()["money_needed"]["eur"] == 50000
    r = app_client.post("/tasks.json", json={"title": "API", "description": "kort"})
    assert r.status_code == 422 and r.json()["error"].startswith("field description: is too short")


def test_search_page_and_json_twin(app_client: Any) -> None:
    out = app_client.get("/search.json", params={"q": DANISH}).json()
    assert out["query_language"] == "da" and out["results"] and not out["no_good_match"]
    assert all(r["status"] in ("open", "forthcoming") for r in out["results"])
    page = doc(app_client.get("/search", params={"q": DANISH, "lang": "da"}))
    assert [a.get("data-topic") for a in page.xpath("//article")] == [r["topic_id"] for r in out["results"]]
    empty = app_client.get("/search.json", params={"q": ""}).json()
    assert empty["results"] == [] and not empty["no_good_match"]


def test_missing_task_is_a_404_page_and_json(app_client: Any) -> None:
    assert app_client.get("/tasks/999999").status_code == 404
    r = app_client.get("/tasks/999999.json")
    assert r.status_code == 404 and r.json()["error"] == "no task with id 999999"


def test_matching_status_and_openapi(app_client: Any) -> None:
    # with the instant fake embedder the index is built on first use: a search uses it (whatever ran before)
    assert app_client.get("/search.json", params={"q": "climate adaptation"}).status_code == 200
    assert app_client.get("/matching/status.json").json() == {"semantic": True, "preparing": False,
                                                              "progress_percent": 100, "error": ""}
    # the banner's poll reloads the page once the model is ready, so lexical matches are replaced
    assert app_client.get("/matching/status", headers={"HX-Request": "true"}).headers.get("HX-Refresh") == "true"
    paths = app_client.get("/openapi.json").json()["paths"]
    for path in ("/tasks.json", "/tasks/{task_id}.json", "/search.json", "/feedback.json"):
        assert path in paths
    assert paths["/search.json"]["get"]["description"].startswith("'What is there for X?'")


def test_delete_a_task_asks_first_and_takes_its_matches_and_feedback(app_client: Any) -> None:
    task_id = create(app_client, title="Skal slettes")
    first = app_client.get(f"/tasks/{task_id}.json").json()["matches"][0]["topic_id"]
    app_client.post(f"/tasks/{task_id}/feedback.json", data={"topic_id": first, "verdict": "relevant"})
    page = doc(app_client.get(f"/tasks/{task_id}?lang=da"))
    assert page.xpath("//a[@id='delete-task']/@href") == [f"/tasks/{task_id}/delete"]
    confirm = app_client.get(f"/tasks/{task_id}/delete?lang=da")
    assert confirm.status_code == 200
    box = doc(confirm).xpath("//div[@id='delete-confirm']")[0].text_content()
    assert "Slette “Skal slettes” for altid?" in box and "og 1 vurdering" in box
    assert doc(confirm).xpath("//form[button[@id='confirm-delete']]/@action") == [f"/tasks/{task_id}/delete?lang=da"]
    assert app_client.get(f"/tasks/{task_id}.json").status_code == 200  # asking deletes nothing
    r = app_client.post(f"/tasks/{task_id}/delete?lang=da", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/tasks?deleted=1&lang=da"
    notice = doc(app_client.get(r.headers["location"])).xpath("//p[@id='deleted-notice']")[0].text_content()
    assert notice == "1 opgave slettet."
    assert app_client.get(f"/tasks/{task_id}").status_code == 404
    assert f"feedback-task-{task_id}" not in {c["id"] for c in app_client.get("/feedback.json").json()}
    # the JSON API: DELETE says what went, a second DELETE is a 404
    other = create(app_client, title="Også væk")
    app_client.get(f"/tasks/{other}.json")  # matched and stored
    out = app_client.delete(f"/tasks/{other}.json").json()
    assert out["tasks"] == 1 and out["matches"] >= 1 and out["feedback"] == 0
    assert app_client.delete(f"/tasks/{other}.json").status_code == 404
    assert app_client.post("/tasks/999999/delete").status_code == 404


def test_demo_tasks_are_deleted_from_the_list_and_stay_deleted(tmp_path: Any) -> None:
    import warnings

    from eudesk.config import Settings
    from eudesk.db import make_engine, make_sessionmaker, upgrade
    from eudesk.tasks import service

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from eudesk.web.app import create_app

    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
                        today="2026-08-12", embedder="fake", load_bundled_data=False)
    engine = make_engine(settings)
    upgrade(engine)
    with make_sessionmaker(engine).begin() as session:
        n = len(service.load_bundled(session=session) or [])
    engine.dispose()
    with TestClient(create_app(settings)) as client:
        link = doc(client.get("/tasks?lang=en")).xpath("//p[@id='demo-tasks']")[0]
        assert f"{n} demo tasks that came with eudesk are in the list." in link.text_content()
        confirm = doc(client.get("/tasks/demo/delete?lang=en")).xpath("//div[@id='delete-confirm']")[0]
        assert f"Delete the {n} demo tasks for good?" in confirm.text_content()
        r = client.post("/tasks/demo/delete?lang=en", follow_redirects=False)
        assert r.headers["location"] == f"/tasks?deleted={n}&lang=en"
        page = doc(client.get(r.headers["location"]))
        assert page.xpath("//p[@id='deleted-notice']")[0].text_content() == f"{n} tasks deleted."
        assert not page.xpath("//p[@id='demo-tasks']") and client.get("/tasks.json").json()["total"] == 0
        assert "There are no demo tasks left." in client.get("/tasks/demo/delete?lang=en").text
    engine = make_engine(settings)  # what a restart's bootstrap does for the tasks: they do not come back
    with make_sessionmaker(engine).begin() as session:
        assert service.load_bundled(session=session) is None and service.count_tasks(session=session) == 0
    engine.dispose()


def test_no_similar_project_says_how_many_were_searched(app_client: Any, loaded_session: Any) -> None:
    from eudesk.partners.service import project_counts

    task_id = create(app_client, title="Lilla kantsten",
                     description="Vi vil male alle kantsten på Flakhaven lilla med glimmer inden jul, "
                                 "så kantstenene funkler om aftenen.")
    page = doc(app_client.get(f"/tasks/{task_id}?lang=da"))
    denmark, elsewhere = project_counts(session=loaded_session, country="DK")
    assert denmark > 0 and elsewhere > 0
    said = page.xpath("//p[@id='no-similar-elsewhere']")[0].text_content()
    assert f"Ingen af de {elsewhere} tidligere projekter uden dansk partner" in said and "CORDIS" in said
    said = page.xpath("//p[@id='no-similar-denmark']")[0].text_content()
    assert f"Ingen af de {denmark} tidligere projekter med dansk partner" in said
