"""Shared browser-test fixtures: the app served by uvicorn on a free loopback port, and a Playwright page.

`live_server` serves a fresh database filled with the bundled data (today = 2026-08-12, fake embedder), once per
test session; `live_settings` gives its settings (to compare the page with the database). `browser_page` is a new
page of a headless Debian chromium per test. Tests using them are skipped when chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eudesk.config import Settings

TEST_TODAY = "2026-08-12"
CHROMIUM = os.environ.get("EUDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of the live server: a fresh SQLite database that start-up fills with the bundled data."""
    tmp = tmp_path_factory.mktemp("live")
    return Settings(data_dir=tmp, database_url=None, today=TEST_TODAY, embedder="fake", load_bundled_data=True,
                    portal_min_interval_s=0.0, portal_retries=1)


@pytest.fixture(scope="session")
def live_server(live_settings: Settings) -> Iterator[str]:
    """Base URL (http://127.0.0.1:PORT) of the app served by uvicorn in a background thread."""
    import uvicorn

    from eudesk.web.app import create_app

    port = free_port()
    config = uvicorn.Config(create_app(live_settings), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="eudesk-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 180  # start-up migrates and imports the bundled calls
    while not server.started:
        if not thread.is_alive():
            pytest.fail("the live server stopped during start-up")
        if time.monotonic() > deadline:
            pytest.fail("the live server did not start within 180 s")
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """A headless Debian chromium driven by Playwright, shared by the session."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (.venv/bin/pip install playwright)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium_browser: Any) -> Iterator[Any]:
    """A fresh page (own cookies, English browser locale) that fails the test on any JavaScript error."""
    context = chromium_browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
