"""The pages on a phone-sized screen: no sideways scrolling, the menu on a row of its own."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/calls", "/deadlines", "/tasks", "/tasks/1", "/partners", "/projects"])
def test_a_phone_screen_needs_no_sideways_scrolling(live_server: str, browser_page: Any, path: str) -> None:
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}{path}?lang=da")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # the menu's first two items stand side by side (squeezed beside the name, it was one word a line)
    first, second = (page.locator("header nav a").nth(i).bounding_box() for i in (0, 1))
    assert first and second and first["y"] == second["y"]
