"""Both UI catalogues are complete: every message in the templates and code has a Danish and an English entry."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_message_is_translated(lang: str) -> None:
    missing = _tool().missing(lang)
    assert not missing, f"{len(missing)} messages lack a {lang} translation, e.g. {missing[:5]}"


def test_the_tool_finds_template_messages() -> None:
    messages = _tool().all_messages()
    assert "Calls" in messages and "No call matches these filters." in messages
    assert messages["%(num)s call"][0] == "%(num)s calls"


def test_danish_differs_from_english_for_navigation() -> None:
    from eudesk.web.i18n import Translator

    da, en = Translator("da"), Translator("en")
    assert da.gettext("Calls") == "Indkaldelser" and en.gettext("Calls") == "Calls"
    assert da.gettext("Deadline") == "Frist"
    assert da.ngettext("%(num)s call", "%(num)s calls", 3) == "3 indkaldelser"
