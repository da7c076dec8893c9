"""In a real browser: create a task in Danish, see the calls that fit, mark one not relevant and see it go."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn in a thread on a free port (bundled data, fake embedder, fixed today)."""
    import uvicorn

    from eudesk.config import Settings
    from eudesk.web.app import create_app

    tmp: Path = tmp_path_factory.mktemp("browser-tasks")
    settings = Settings(data_dir=tmp, today="2026-08-12", embedder="fake", load_bundled_data=True)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the app did not start")
        time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_create_task_see_matches_and_dismiss_one(base_url: str) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(locale="da-DK")
        page.goto(f"{base_url}/tasks/new?lang=da")
        page.fill("#title", "Længere i eget hjem")
        page.fill("#description", "Vi vil have ældre borgere til at blive længere i eget hjem med "
                                  "velfærdsteknologi og digitale hjælpemidler.")
        page.fill("#department", "Ældre- og Handicapforvaltningen")
        page.fill("#amount", "1.500.000")
        page.click("#save")
        page.wait_for_url("**/tasks/*")
        expect(page.locator("h1")).to_have_text("Længere i eget hjem")
        cards = page.locator("#matches article.match")
        expect(cards.first).to_be_visible()
        n = cards.count()
        first = cards.first.get_attribute("data-topic")
        assert n >= 1 and first
        expect(cards.first).to_contain_text("EU-støttesats for en kommune")
        cards.first.get_by_role("button", name="Ikke relevant").click()
        expect(page.locator(f"article[data-topic='{first}']")).to_have_count(0)
        expect(page.locator("#hidden-matches")).to_contain_text("markeret som ikke relevant")
        # the verdict is stored: a reload keeps the call out of the list
        page.reload()
        expect(page.locator(f"#matches article[data-topic='{first}']")).to_have_count(0)
        browser.close()
