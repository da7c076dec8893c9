"""In a real browser: create a task in Danish, see the calls that fit, mark one not relevant and see it go, then
delete the task.

Uses the shared fixtures of tests/browser/conftest.py: one Playwright (sync API) per test process, so this test
can run in the same worker as the other browser tests.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_create_task_see_matches_and_dismiss_one(live_server: str, chromium_browser: Any) -> None:
    from playwright.sync_api import expect

    context = chromium_browser.new_context(locale="da-DK")
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/tasks/new?lang=da")
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
        # delete the task: the confirmation says what goes with it, then the list says it is gone
        task_url = page.url
        page.click("#delete-task")
        expect(page.locator("#delete-confirm")).to_contain_text("og 1 vurdering")
        page.click("#confirm-delete")
        page.wait_for_url("**/tasks?deleted=1*")
        expect(page.locator("#deleted-notice")).to_have_text("1 opgave slettet.")
        expect(page.get_by_role("link", name="Længere i eget hjem")).to_have_count(0)
        assert page.goto(task_url).status == 404
    finally:
        context.close()
