"""The app factory, error pages, static files, JSON twins of pages, and docs that cover every setting and command."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from lxml import html as lxml_html

from eudesk.config import Settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[Path, Settings]]:
    settings = Settings(data_dir=tmp_path / "data", database_url=None, today="2026-08-12", embedder="fake",
                        load_bundled_data=False)
    yield tmp_path / "data", settings


def test_create_app_connects_to_nothing_until_start_up(fresh: tuple[Path, Settings]) -> None:
    from eudesk.web.app import create_app

    data_dir, settings = fresh
    app = create_app(settings)
    assert not data_dir.exists()
    with TestClient(app) as client:
        assert (data_dir / "eudesk.sqlite3").exists()
        assert client.get("/calls.json").json()["total"] == 0  # load_bundled_data=False: empty
        page = lxml_html.fromstring(client.get("/calls?lang=en").text)
        assert not page.xpath('//footer//span[@class="freshness"]')  # no data, no freshness claim


def test_static_files(app_client: TestClient) -> None:
    css = app_client.get("/static/eudesk.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    assert app_client.get("/static/htmx.min.js").status_code == 200
    assert app_client.get("/static/nothing.js").status_code == 404


def test_unknown_page_is_a_404_page_or_json(app_client: TestClient) -> None:
    r = app_client.get("/no/such/page?lang=en")
    assert r.status_code == 404
    page = lxml_html.fromstring(r.text)
    assert page.xpath('//*[@role="alert"]')[0].text_content() == "Page not found."
    assert page.xpath("//header/nav")  # a full page with navigation, not a bare error
    r = app_client.get("/no/such/page.json")
    assert r.status_code == 404 and r.json() == {"error": "not found"}


def test_an_address_that_is_not_a_page_is_a_404_not_a_validation_message(app_client: TestClient) -> None:
    # a reload of the import form's POST address, or a mistyped id: "task_id: Input should be a valid integer"
    # told a user nothing
    r = app_client.get("/tasks/abc?lang=en")
    assert r.status_code == 404
    assert lxml_html.fromstring(r.text).xpath('//*[@role="alert"]')[0].text_content() == "Page not found."
    # the import's address opened again goes to the tasks list, which has the import form
    r = app_client.get("/tasks/import?lang=en", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/tasks?lang=en"
    assert app_client.get("/calls.json?deadline_from=notadate").status_code == 422  # a bad query stays a 422


def test_domain_errors_answer_json_when_asked(app_client: TestClient) -> None:
    r = app_client.get("/calls/NO-SUCH-TOPIC", headers={"Accept": "application/json"})
    assert r.status_code == 404 and "NO-SUCH-TOPIC" in r.json()["error"]
    r = app_client.get("/calls?status=pending", headers={"Accept": "application/json"})
    assert r.status_code == 422 and "status" in r.json()["error"]


def test_every_calls_page_has_a_json_twin(app_client: TestClient) -> None:
    for page, twin in [("/calls", "/calls.json"), ("/calls/LIFE-2026-SAP-CLIMA-CCA", "/calls/LIFE-2026-SAP-CLIMA-CCA.json"),
                       ("/changes", "/changes.json"), ("/deadlines", "/deadlines.json")]:
        html = app_client.get(page + "?lang=en")
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html"), page
        data = app_client.get(twin)
        assert data.status_code == 200 and data.headers["content-type"] == "application/json", twin


def test_pages_render_in_both_languages_without_missing_values(app_client: TestClient) -> None:
    for lang in ("da", "en"):
        for url in ("/", "/about", "/calls", "/calls/LIFE-2026-SAP-CLIMA-CCA", "/changes", "/deadlines",
                    "/deadlines?month=2026-09"):
            r = app_client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
            assert r.status_code == 200, url
            assert "None" not in lxml_html.fromstring(r.text).xpath("string(//main)"), url
            assert "%(" not in r.text, f"{url}: an unfilled message parameter"


# --- docs cover every setting and every command ----------------------------------------------------------

def _cli_commands() -> list[str]:
    """Every command of the `eudesk` CLI as 'eudesk a b'."""
    from eudesk.cli.main import app

    def walk(cmd: object, prefix: str) -> Iterator[str]:
        # Typer may ship its own click; a group is whatever has sub-commands.
        if getattr(cmd, "commands", None):
            for name, sub in sorted(cmd.commands.items()):  # type: ignore[attr-defined]
                if not sub.hidden:
                    yield from walk(sub, f"{prefix} {name}")
        else:
            yield prefix

    return list(walk(typer.main.get_command(app), "eudesk"))


def test_cli_walk_finds_the_calls_commands() -> None:
    commands = _cli_commands()
    assert "eudesk calls import" in commands and "eudesk calls list" in commands and "eudesk serve" in commands


def test_every_setting_and_cli_command_is_documented() -> None:
    settings_doc = (ROOT / "docs" / "settings.md")
    cli_doc = (ROOT / "docs" / "cli.md")
    missing = []
    if not settings_doc.exists() or not cli_doc.exists():
        pytest.fail("docs/settings.md and docs/cli.md must exist")
    settings_text = settings_doc.read_text(encoding="utf-8")
    for name in Settings.model_fields:
        if f"EUDESK_{name.upper()}" not in settings_text:
            missing.append(f"setting EUDESK_{name.upper()} (docs/settings.md)")
    cli_text = cli_doc.read_text(encoding="utf-8")
    for command in _cli_commands():
        if not re.search(rf"`{re.escape(command)}`", cli_text):
            missing.append(f"command `{command}` (docs/cli.md)")
    assert not missing, "undocumented: " + "; ".join(missing)


def test_about_page_names_the_embedding_runtime_in_use(app_client: TestClient) -> None:
    app_client.get("/search?q=klimatilpasning&lang=en")  # builds the calls matcher
    matcher = app_client.app.state.task_matcher  # type: ignore[attr-defined]
    assert matcher.embedder_name == "fake"
    html = app_client.get("/about?lang=en").text
    assert "not loaded yet" not in html
    assert ">fake<" in html


def test_templates_are_compiled_ahead_of_the_first_pages() -> None:
    from eudesk.web.rendering import TEMPLATES, warm_templates

    assert warm_templates() == len(list(TEMPLATES.rglob("*.html")))


def test_warm_ups_run_once(fresh: tuple[Path, Settings]) -> None:
    from eudesk.web.app import create_app, warm_up

    _data, settings = fresh
    app = create_app(settings)
    done: list[object] = []
    app.state.warmups.append(done.append)
    warm_up(app)
    warm_up(app)
    assert done == [app]


def test_warm_ups_start_in_the_background_after_the_first_answer(fresh: tuple[Path, Settings]) -> None:
    import threading

    from eudesk.web.app import create_app

    _data, settings = fresh
    app = create_app(settings)
    done = threading.Event()
    app.state.warmups.append(lambda _app: done.set())
    with TestClient(app) as client:
        assert not done.wait(0.3)  # not while the app starts
        assert client.get("/about").status_code == 200
        assert done.wait(10)
