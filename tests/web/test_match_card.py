"""A match card says which rule made a match good, with the figures that rule used."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace as NS
from typing import Any

import pytest

from eudesk.web.i18n import Translator
from eudesk.web.rendering import _env


def _card(lang: str, components: dict[str, float]) -> str:
    call = NS(topic_id="LIFE-2027-CLIMA-CCA", title="Climate adaptation in cities", programme=NS(name="LIFE"),
              types_of_action="", action_type="")
    facts = NS(call=call, status="open", next_deadline=dt.date(2027, 3, 5), days_left=100,
               rate=NS(percent=60, up_to=False, basis="standard rate", source="LIFE work programme"),
               budget=NS(max_eur=2_000_000, min_eur=None, expected_grants=3, verdict="", needed_eur=None),
               phrases=[])
    v = NS(facts=facts, new_since=None, verdict="", score=3.21,
           explanation=NS(concepts=[], terms=[], passages=[], components=components))
    tr = Translator(lang)
    module: Any = _env.get_template("tasks/_match.html").make_module(
        {"_": tr.gettext, "ngettext": tr.ngettext, "tr": tr, "request": NS(query_params={})})
    return str(module.match_card(v, 1))


BASE = {"dense_weight": 0.6, "dense_z": 3.1, "lexical_weight": 0.4, "lexical_z": 2.5, "threshold": 2.4}
LEVELS = {**BASE, "dense": 0.851, "dense_needed": 0.83, "coverage": 0.42, "coverage_needed": 0.58}


@pytest.mark.parametrize(("extra", "expected"), [
    ({"good_by_model": 1.0, "good_by_words": 0.0}, "A good match by meaning: its closest passage has similarity 0.85"),
    ({"good_by_model": 0.0, "good_by_words": 1.0}, "A good match by words: it has 42 % of the words"),
    ({"good_by_model": 0.0, "good_by_words": 0.0, "dense": 0.80}, "Not a good match: similarity 0.80 is below 0.83"),
])
def test_card_names_the_rule_that_made_the_match_good(extra: dict[str, float], expected: str) -> None:
    html = _card("en", {**LEVELS, **extra})
    assert expected in html
    assert "a good match needs at least" not in html  # the z-score sentence belongs to the other rule


def test_card_in_danish_names_the_rule() -> None:
    html = _card("da", {**LEVELS, "good_by_model": 0.0, "good_by_words": 1.0})
    assert "Et godt match på ord" in html and "42 %" in html


def test_card_of_the_zscore_rule_keeps_its_threshold() -> None:
    html = _card("en", BASE)
    assert "a good match needs at least 2.40" in html
