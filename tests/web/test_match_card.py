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


def test_card_never_shows_a_figure_equal_to_the_level_it_is_compared_with() -> None:
    # 0.8295 against 0.8297 rounds to "0.83 is below 0.83" at two decimals
    html = _card("en", {**LEVELS, "good_by_model": 0.0, "good_by_words": 0.0, "dense": 0.8295,
                        "dense_needed": 0.8297, "coverage": 0.5801, "coverage_needed": 0.5808})
    assert "similarity 0.8295 is below 0.8297" in html
    assert "58.0 % of the words and concepts is below 58.1 %" in html
    html = _card("da", {**LEVELS, "good_by_model": 1.0, "good_by_words": 0.0, "dense": 0.834, "dense_needed": 0.8297})
    assert "lighed 0,834, mindst de 0,830" in html


def test_digits_apart() -> None:
    from eudesk.web.i18n import Translator

    tr = Translator("en")
    assert tr.digits_apart(0.851, 0.83, 2) == 2
    assert tr.digits_apart(0.8295, 0.8297, 2) == 4
    assert tr.digits_apart(42.0, 58.0) == 0
    assert tr.digits_apart(0.5, 0.5, 2) == 4  # equal values: the most digits, never a loop


def test_card_in_danish_names_the_rule() -> None:
    html = _card("da", {**LEVELS, "good_by_model": 0.0, "good_by_words": 1.0})
    assert "Et godt match på ord" in html and "42 %" in html


def test_card_of_the_zscore_rule_keeps_its_threshold() -> None:
    html = _card("en", BASE)
    assert "a good match needs at least 2.40" in html
