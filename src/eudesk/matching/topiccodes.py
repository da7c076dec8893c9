"""Reading EU topic codes (H2020, Horizon Europe): the years they carry and what their programme parts mean."""

from __future__ import annotations

import re
from dataclasses import dataclass

# What the programme parts of H2020 and Horizon Europe topic codes stand for (public work-programme vocabulary).
# Used to give a code-only or generic title ("Individual Fellowships", "SME instrument") words a text can match.
PARTS: dict[str, str] = {
    "ERC": "European Research Council frontier research grant principal investigator",
    "STG": "ERC Starting Grant early-career researcher starting independent research team",
    "COG": "ERC Consolidator Grant researcher consolidating independent research team",
    "ADG": "ERC Advanced Grant established leading researcher",
    "SYG": "ERC Synergy Grant group of principal investigators",
    "POC": "ERC Proof of Concept commercial and societal potential of research results innovation",
    "MSCA": "Marie Sklodowska-Curie Actions researchers mobility training career development",
    "IF": "individual fellowship postdoctoral researcher fellow host institution training mobility",
    "EF": "European fellowship postdoctoral researcher mobility",
    "GF": "global fellowship researcher outgoing third country",
    "ITN": "innovative training network doctoral candidates PhD training",
    "ETN": "European training network doctoral candidates PhD training",
    "EID": "European industrial doctorate PhD training industry",
    "EJD": "European joint doctorate PhD training",
    "RISE": "research and innovation staff exchange secondments",
    "COFUND": "co-funding of regional national international fellowship doctoral programmes",
    "NIGHT": "European Researchers' Night public engagement science outreach",
    "SMEINST": "SME instrument small and medium-sized enterprises business innovation feasibility "
               "commercialisation market scale-up company",
    "SME": "small and medium-sized enterprises company business innovation",
    "EIC": "European Innovation Council breakthrough market-creating innovation start-ups SMEs",
    "FTI": "Fast Track to Innovation close-to-market industry-driven innovation",
    "FTIPILOT": "Fast Track to Innovation pilot close-to-market innovation",
    "INNOSUP": "innovation support SMEs innovation management cluster business support",
    "EEN": "Enterprise Europe Network business support SMEs advice internationalisation",
    "FETOPEN": "Future and Emerging Technologies open novel radical science technology",
    "FETPROACT": "Future and Emerging Technologies proactive emerging paradigms",
    "FETFLAG": "Future and Emerging Technologies flagship",
    "FETHPC": "high performance computing exascale",
    "ICT": "information and communication technologies digital",
    "LEIT": "leadership in enabling and industrial technologies",
    "NMP": "nanotechnologies advanced materials manufacturing processing",
    "NMBP": "nanotechnologies advanced materials biotechnology manufacturing processing",
    "FOF": "factories of the future advanced manufacturing",
    "SPIRE": "sustainable process industry resource energy efficiency",
    "EEB": "energy-efficient buildings construction",
    "BIOTEC": "biotechnology",
    "SPACE": "space satellite earth observation",
    "EO": "earth observation satellite data",
    "COMPET": "space technologies competitiveness",
    "GALILEO": "Galileo satellite navigation EGNSS",
    "EGNSS": "satellite navigation positioning applications",
    "SC1": "health demographic change and wellbeing",
    "PHC": "personalising health and care",
    "BHC": "better health and care",
    "HCO": "health care coordination",
    "DTH": "digital transformation in health and care",
    "SFS": "sustainable food security agriculture",
    "RUR": "rural renaissance rural areas",
    "BG": "blue growth oceans seas marine maritime",
    "BBI": "bio-based industries",
    "SC3": "secure clean and efficient energy",
    "LCE": "low-carbon energy",
    "EE": "energy efficiency",
    "LC": "low carbon climate",
    "FCH": "fuel cells and hydrogen",
    "SC4": "smart green and integrated transport",
    "MG": "mobility for growth transport",
    "GV": "green vehicles electrified road transport",
    "AIR": "aviation aeronautics",
    "CS2": "Clean Sky aeronautics aircraft",
    "LPA": "large passenger aircraft",
    "REG": "regional aircraft",
    "ENG": "aircraft engines",
    "SESAR": "single European sky air traffic management",
    "S2R": "Shift2Rail railway",
    "SC5": "climate action environment resource efficiency raw materials",
    "CE": "circular economy",
    "SCC": "smart cities and communities",
    "NBS": "nature-based solutions",
    "SC6": "Europe in a changing world inclusive innovative reflective societies",
    "CULT": "cultural heritage culture",
    "REV": "reversing inequalities",
    "TRANSFORMATIONS": "social transformations",
    "GOVERNANCE": "governance democracy",
    "MIGRATION": "migration",
    "SC7": "secure societies security",
    "SEC": "security",
    "DRS": "disaster-resilient societies crisis management",
    "FCT": "fighting crime and terrorism",
    "BES": "border and external security",
    "DS": "digital security cybersecurity privacy",
    "SU": "security union",
    "SWAFS": "science with and for society responsible research and innovation",
    "WIDESPREAD": "spreading excellence widening participation",
    "TWINN": "twinning research institutions",
    "TEAMING": "teaming centres of excellence",
    "INFRAIA": "research infrastructures integrating and opening access",
    "INFRADEV": "research infrastructures development",
    "INFRASUPP": "research infrastructures policy support",
    "EINFRA": "e-infrastructures",
    "INFRAEOSC": "European Open Science Cloud",
    "IMI2": "Innovative Medicines Initiative drug development medicines",
    "ECSEL": "electronic components and systems",
    "NFRP": "nuclear fission radiation protection Euratom",
    "EURATOM": "nuclear research",
    "JTI": "joint technology initiative public-private partnership",
    "IBA": "support actions",
    "DT": "digitising and transforming European industry and services",
    "CORONAVIRUS": "coronavirus COVID-19 epidemic",
    "MISS": "mission",
    "NEB": "New European Bauhaus",
    "CL1": "health",
    "CL2": "culture creativity inclusive society",
    "CL3": "civil security for society",
    "CL4": "digital industry space",
    "CL5": "climate energy mobility",
    "CL6": "food bioeconomy natural resources agriculture environment",
    "RIA": "research and innovation action",
    "IA": "innovation action",
    "CSA": "coordination and support action",
}

_YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")
_PART = re.compile(r"[A-Za-z][A-Za-z0-9]*")


@dataclass(frozen=True)
class TopicCode:
    """A topic code's programme parts (upper-cased, without years and numbers) and the years it names."""

    code: str
    parts: tuple[str, ...]
    years: tuple[int, ...]


def parse_topic_code(code: str) -> TopicCode:
    """Split a topic code such as 'MSCA-IF-2019' or 'HORIZON-CL5-2027-03-D5-05' into parts and years."""
    years = tuple(sorted({int(y) for y in _YEAR.findall(code)}))
    parts = tuple(p.upper() for p in _PART.findall(_YEAR.sub(" ", code)) if not p.isdigit())
    return TopicCode(code, parts, years)


def code_description(code: str) -> str:
    """Words for the known programme parts of a topic code ('' when none is known)."""
    tc = parse_topic_code(code)
    return " ".join(dict.fromkeys(PARTS[p] for p in tc.parts if p in PARTS))


def year_log_prior(code: str, year: int | None) -> float:
    """Log-prior that a project starting in `year` was funded under a topic with this code's years.

    Projects usually start in the call's year or up to two years later; a code without a year says nothing.
    """
    tc = parse_topic_code(code)
    if year is None or not tc.years:
        return 0.0
    lo, hi = tc.years[0], tc.years[-1]
    gap = 0 if lo <= year <= hi + 1 else (year - hi - 1 if year > hi else year - lo)
    return {0: 0.0, 1: -0.7, -1: -2.0}.get(gap, -4.0)
