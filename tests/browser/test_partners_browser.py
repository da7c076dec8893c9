"""Partner search in a real browser: a task text with a type filter, the explained suggestions, and the Excel
shortlist it offers, opened with openpyxl."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.browser


def test_partner_search_with_a_filter_and_excel_export(live_server: str, browser_page: Any) -> None:
    page = browser_page
    page.goto(f"{live_server}/partners?lang=en")
    page.fill("#text", "sustainable urban mobility, cycling and public transport in cities")
    page.check("input[name=type][value=PUB]")
    page.click("#partner-form button[type=submit]")
    page.wait_for_selector("#suggestions li.suggestion")
    items = page.locator("#suggestions li.suggestion")
    n = items.count()
    assert n > 0
    types = {items.nth(i).get_attribute("data-type") for i in range(n)}
    assert types == {"PUB"}  # the filter holds
    first = items.nth(0)
    assert "Why:" in first.inner_text() and first.locator("ul li a").count() >= 1  # explained by its projects
    assert page.locator("#consortium").is_visible()
    names = [items.nth(i).locator("h3 a").inner_text().strip() for i in range(n)]
    with page.expect_download() as info:
        page.click("#export")
    with open(info.value.path(), "rb") as fh:
        ws = load_workbook(io.BytesIO(fh.read()))["Suggestions"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == names
    assert {r[2] for r in rows} == {"Public body"}  # the type as the page names it
