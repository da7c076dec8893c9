"""The facts that decide whether to go for a call: the EU funding rate a municipality gets, and whether the call's
text names public authorities or cities as applicants or partners. Pure functions over call fields."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Sources shown beside each rate: the topic's own conditions win over the work programme's defaults (domain.md).
SOURCE_TOPIC = "topic conditions"
SOURCE_GENERAL_ANNEXES = "Horizon Europe Work Programme, General Annexes (funding rates)"
SOURCE_CALL_DOCUMENT = "call document"

_STATED_RATE = re.compile(
    r"funding rate[^.%\n]{0,80}?(?:is|of|will be)\s+(up to\s+)?(\d{1,3})\s?%", re.IGNORECASE)
# "Funding rate\nOther Action Grants (OAGs) — 95%" (LIFE Clean Energy Transition topics)
_RATE_HEADING = re.compile(r"funding rate\s*\n?[^\n%]{0,60}?[—–-]\s*(up to\s+)?(\d{1,3})\s?%", re.IGNORECASE)
# "... except for non-profit legal entities where the funding rate is up to 100%": what a municipality gets.
_NON_PROFIT_RATE = re.compile(
    r"non-profit legal entities[^.%]{0,60}?funding rate is\s+(up to\s+)?(\d{1,3})\s?%", re.IGNORECASE)
SOURCE_TOPIC_TEXT = "topic description"


@dataclass(frozen=True)
class FundingRate:
    """The EU funding rate for a municipality: percent (None = see the call document), why, and where it is from."""

    percent: int | None
    basis: str  # a short English explanation ("Innovation Action: 70%, but 100% for non-profit legal entities")
    source: str
    up_to: bool = False


def stated_rate(text: str) -> tuple[int, bool] | None:
    """The funding rate a topic's text states for a non-profit body such as a municipality, with whether it says
    'up to' ('The funding rate is 70% ...', '... except for non-profit legal entities where ... up to 100%')."""
    for pattern in (_NON_PROFIT_RATE, _STATED_RATE, _RATE_HEADING):
        m = pattern.search(text or "")
        if m:
            pct = int(m.group(2))
            if 0 < pct <= 100:
                return pct, bool(m.group(1))
    return None


def funding_rate(*, programme: str, action_type: str, conditions: str = "", description: str = "") -> FundingRate:
    """The rate a municipality (a non-profit public legal entity) would get for this call's type of action."""
    for text, source in ((conditions, SOURCE_TOPIC), (description, SOURCE_TOPIC_TEXT)):
        stated = stated_rate(text)
        if stated is not None:
            pct, up_to = stated
            return FundingRate(pct, "rate stated in the topic", source, up_to)
    programme = (programme or "").upper()
    action = (action_type or "").upper()
    if programme in ("HORIZON", "EURATOM"):
        if action == "RIA":
            return FundingRate(100, "Research and Innovation Action: 100%", SOURCE_GENERAL_ANNEXES)
        if action == "IA":
            return FundingRate(100, "Innovation Action: 70%, but 100% for non-profit legal entities such as a "
                                    "municipality", SOURCE_GENERAL_ANNEXES)
        if action == "CSA":
            return FundingRate(100, "Coordination and Support Action: 100%", SOURCE_GENERAL_ANNEXES)
        if action == "COFUND":
            return FundingRate(None, "Programme Co-fund action: the topic states the rate (30-70%)",
                               SOURCE_CALL_DOCUMENT)
    # LIFE and the other programmes set their rates per call: reading the call document beats guessing.
    return FundingRate(None, "set per call", SOURCE_CALL_DOCUMENT)


# Phrases that mark a call written for (or open to) public authorities and cities (domain.md), most specific first.
APPLICANT_PHRASES = (
    "local and regional authorities", "local or regional authorities", "regional and local authorities",
    "local authorities", "regional authorities", "public authorities", "public administrations",
    "public bodies", "municipalities", "municipality", "cities", "city administrations", "towns", "regions",
    "local governments", "public buyers", "public procurers",
)
_PHRASE = re.compile(r"\b(" + "|".join(re.escape(p) for p in APPLICANT_PHRASES) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class PhraseHit:
    """A phrase naming public authorities or cities, with the sentence-ish snippet it was found in."""

    phrase: str
    snippet: str
    field: str  # which part of the call: title, description or conditions


def applicant_phrases(*, title: str = "", description: str = "", conditions: str = "", limit: int = 3) -> list[PhraseHit]:
    """Where the call's text names public authorities, municipalities, cities or regions (distinct phrases)."""
    hits: list[PhraseHit] = []
    seen: set[str] = set()
    for field, text in (("title", title), ("description", description), ("conditions", conditions)):
        for m in _PHRASE.finditer(text or ""):
            phrase = m.group(1).lower()
            if phrase in seen:
                continue
            seen.add(phrase)
            hits.append(PhraseHit(phrase, _snippet(text, m.start(), m.end()), field))
            if len(hits) >= limit:
                return hits
    return hits


def _snippet(text: str, start: int, end: int, width: int = 110) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    # cut at word boundaries so the snippet reads cleanly
    if left > 0:
        sp = text.find(" ", left)
        left = sp + 1 if 0 <= sp < start else left
    if right < len(text):
        sp = text.rfind(" ", end, right)
        right = sp if sp > end else right
    out = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + out + ("…" if right < len(text) else "")
