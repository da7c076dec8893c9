"""Funding rates a municipality gets, with their source, and phrases naming public authorities or cities."""

from __future__ import annotations

import pytest

from eudesk.tasks.funding import (
    SOURCE_CALL_DOCUMENT,
    SOURCE_GENERAL_ANNEXES,
    SOURCE_TOPIC,
    SOURCE_TOPIC_TEXT,
    applicant_phrases,
    funding_rate,
    stated_rate,
)


@pytest.mark.parametrize(("programme", "action", "percent"), [
    ("HORIZON", "RIA", 100),
    ("HORIZON", "IA", 100),  # 70% in general, 100% for non-profit legal entities: a municipality is one
    ("HORIZON", "CSA", 100),
])
def test_horizon_defaults_come_from_the_general_annexes(programme: str, action: str, percent: int) -> None:
    rate = funding_rate(programme=programme, action_type=action)
    assert rate.percent == percent and rate.source == SOURCE_GENERAL_ANNEXES


def test_innovation_action_says_why_a_municipality_gets_100() -> None:
    assert "non-profit" in funding_rate(programme="HORIZON", action_type="IA").basis


@pytest.mark.parametrize(("programme", "action"), [("HORIZON", "CoFund"), ("LIFE", "Grant"), ("CERV", "Grant"),
                                                   ("DIGITAL", "CSA")])
def test_unknown_rates_point_to_the_call_document(programme: str, action: str) -> None:
    rate = funding_rate(programme=programme, action_type=action)
    assert rate.percent is None and rate.source == SOURCE_CALL_DOCUMENT


def test_the_topics_own_rate_wins() -> None:
    text = ("6. Legal and financial set-up of the grantsThe funding rate is 70 % of the eligible costs. "
            "described in Annex G")
    rate = funding_rate(programme="HORIZON", action_type="CSA", conditions=text)
    assert (rate.percent, rate.source, rate.up_to) == (70, SOURCE_TOPIC, False)
    cofund = funding_rate(programme="HORIZON", action_type="CoFund",
                          conditions="The funding rate is up to 30% of the eligible costs.")
    assert (cofund.percent, cofund.up_to) == (30, True)
    life = funding_rate(programme="LIFE", action_type="Grant", conditions="The funding rate is 95% of costs.")
    assert life.percent == 95


def test_a_municipality_gets_the_non_profit_rate_a_topic_states() -> None:
    text = ("The funding rate is 60% of the eligible costs, except for non-profit legal entities where the funding "
            "rate is up to 100% of the total eligible costs.")
    rate = funding_rate(programme="EURATOM", action_type="IA", conditions=text)
    assert (rate.percent, rate.up_to, rate.source) == (100, True, SOURCE_TOPIC)


def test_life_clean_energy_rate_in_the_description() -> None:
    text = "Investments triggered by the project.\nFunding rateOther Action Grants (OAGs) — 95%\n\nObjective:"
    rate = funding_rate(programme="LIFE", action_type="Grant", description=text)
    assert (rate.percent, rate.source) == (95, SOURCE_TOPIC_TEXT)


def test_percentages_that_are_not_the_funding_rate_are_ignored() -> None:
    assert stated_rate("Beneficiaries may provide financial support to third parties up to 15% of the EU funding.") \
        is None
    assert stated_rate("At least 50% of the beneficiaries must be established in widening countries.") is None


def test_applicant_phrases_are_found_with_their_context() -> None:
    hits = applicant_phrases(
        title="Climate adaptation",
        description="Projects should involve local and regional authorities. Cities will test the solutions; "
                    "other public authorities are welcome.")
    assert [h.phrase for h in hits] == ["local and regional authorities", "cities", "public authorities"]
    assert "should involve local and regional authorities" in hits[0].snippet
    assert all(h.field == "description" for h in hits)


def test_no_phrase_means_an_empty_list() -> None:
    assert applicant_phrases(title="Quantum computing", description="Trapped-ion qubits for processors.") == []
