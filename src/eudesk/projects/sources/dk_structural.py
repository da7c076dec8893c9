"""Denmark's published lists of EU structural-fund operations (Erhvervsstyrelsen), 2007-2013 and 2014-2020 layouts.

The lists carry no project or organisation ids: a project's key is derived from its title, start date and lead
beneficiary; partners are free text ("Odense Kommune. Syddansk Universitet.") and are resolved to organisations
conservatively by name and country later. Characters lost in the export ('¿') are repaired where context allows.
"""

from __future__ import annotations

import re
from pathlib import Path

from eudesk.core.text import content_hash, normalise_whitespace
from eudesk.projects.schemas import ParticipantRecord, ProjectRecord
from eudesk.projects.sources.common import bad, csv_rows, parse_amount, parse_date, read_text, repair_danish

SOURCE = "dk-structural"
ATTRIBUTION = "Erhvervsstyrelsen (regionalt.erhvervsstyrelsen.dk, eustrukturfonde.dk), via os-data/eu-structural-funds"

# column names of the two layouts -> our field names
LAYOUT_2007 = {
    "title": "projekttitel", "start": "start_dato", "end": "slut_dato", "scheme": "ordning",
    "axis": "Indsatsområde", "budget": "budget", "eu": "eu", "description": "tas_projekt_besk", "region": "region",
    "beneficiary": "navn", "postcode": "postnr", "city": "bynavn", "partners": "parter", "cvr": "cvr",
}
LAYOUT_2014 = {
    "title": "Projektitel / Operation name", "start": "Startdato / Operation start date",
    "end": "Slutdato / Operation end date", "scheme": "Fond / Fund", "axis": "Prioritetsakse / Priority axis",
    "budget": "Budget / Budget", "eu": "EU-medfinansiering / Union co-financing", "description": "Projektbeskrivelse",
    "region": "Region / Region", "beneficiary": "Kontraktansvarlig partner / Beneficiary name",
    "postcode": "Postnr / Operation postcode", "city": "Bynavn / City name", "partners": "Partere / Project partners",
}
_FUNDS_2014 = {"R": "ERDF", "S": "ESF"}
_PUBLIC = re.compile(r"\b(kommune|regionskommune|region [a-zæøå]+|styrelsen|ministeriet|jobcenter|staten)\b", re.I)
_HIGHER_ED = re.compile(r"(universitet|university|professionshøjskole|erhvervsakademi|university college|"
                        r"handelshøjskole|business school)", re.I)
_RESEARCH = re.compile(r"(teknologisk institut|forskningscent|\bforskning|\bGTS\b|FORCE Technology|DELTA)", re.I)
_COMPANY = re.compile(r"(\bA/S\b|\bApS\b|\bI/S\b|\bP/S\b|\bK/S\b|A\.M\.B\.A|\bIVS\b)", re.I)
_SPLIT = re.compile(r"(?<=\.)\s+|\n+")
_INITIALS = re.compile(r"(?:[A-ZÆØÅ]\.)*[A-ZÆØÅ]")


def guess_type(name: str) -> str:
    """The CORDIS activity type a Danish organisation name suggests (OTH when nothing says)."""
    if _PUBLIC.search(name):
        return "PUB"
    if _HIGHER_ED.search(name):
        return "HES"
    if _RESEARCH.search(name):
        return "REC"
    if _COMPANY.search(name):
        return "PRC"
    return "OTH"


def split_partners(text: str) -> list[str]:
    """Partner names from the free-text list ('A. B A/S. C.'); initials such as 'P.L. Jessen' stay whole."""
    text = normalise_whitespace(repair_danish(text or ""))
    names: list[str] = []
    for piece in _SPLIT.split(text):
        piece = piece.strip(" ,;")
        if not piece.strip("."):
            continue
        # initials were split from their name ('P.L. Jessen' -> 'P.L', 'Jessen'): join them back
        if names and piece.startswith("("):
            names[-1] = f"{names[-1]} {piece}"
            continue
        if names and _INITIALS.fullmatch(names[-1].rstrip(".")):
            names[-1] = f"{names[-1].rstrip('.')}. {piece}"
            continue
        names.append(piece)
    out: list[str] = []
    for n in names:
        n = n.strip(" ,;")
        while n.endswith((".", ",")) and not re.search(r"\b(?:[A-ZÆØÅ]\.){2,}$", n):
            n = n[:-1].rstrip()
        if len(n) >= 2 and n not in out:
            out.append(n)
    return out


def _layout(header: list[str], path: Path) -> tuple[dict[str, str], str]:
    cols = set(header)
    if set(LAYOUT_2007.values()) <= cols:
        return LAYOUT_2007, "2007-2013"
    if set(LAYOUT_2014.values()) <= cols:
        return LAYOUT_2014, "2014-2020"
    missing = sorted(set(LAYOUT_2014.values()) - cols)
    raise bad(path, 1, "header", f"not a Danish structural-fund list (2007-2013 or 2014-2020 layout); "
                                 f"missing columns such as {missing[0]!r}")


def read_dk_structural(path: Path) -> list[ProjectRecord]:
    """Project records from one Danish structural-fund list (either layout)."""
    path = Path(path)
    header, rows = csv_rows(path, read_text(path))
    cols, period = _layout(header, path)
    out: list[ProjectRecord] = []
    keys: dict[str, int] = {}
    for line, row in rows:
        def g(name: str, row: dict[str, str] = row) -> str:
            return (row.get(cols[name]) or "").strip()

        title = normalise_whitespace(repair_danish(g("title")))
        if not title:
            raise bad(path, line, cols["title"], "the project has no title")
        start = parse_date(g("start"), path=path, line=line, fld=cols["start"])
        end = parse_date(g("end"), path=path, line=line, fld=cols["end"])
        budget = parse_amount(g("budget"), path=path, line=line, fld=cols["budget"], dot_thousands=True)
        eu = parse_amount(g("eu"), path=path, line=line, fld=cols["eu"], dot_thousands=True)
        scheme = g("scheme")
        if period == "2014-2020":
            fund = _FUNDS_2014.get(scheme.upper(), scheme)
            postcode, _, city = g("postcode").partition(" ")
            city = g("city") or city
            # the 2014-2020 list states amounts in DKK
            currency = "DKK"
        else:
            fund = "ESF" if scheme.upper().startswith("ESF") else "ERDF" if scheme.upper().startswith("ERDF") else scheme
            postcode, city = g("postcode"), g("city")
            # the 2007-2013 list does not state its unit (the amounts look like thousands): say so, don't guess
            currency = ""
        beneficiary = normalise_whitespace(repair_danish(g("beneficiary")))
        base = content_hash(period, title, start.isoformat() if start else "", g("cvr") if "cvr" in cols else "",
                            beneficiary)[:16]
        keys[base] = keys.get(base, 0) + 1
        key = base if keys[base] == 1 else f"{base}-{keys[base]}"  # repeated rows stay distinct, in file order
        rec = ProjectRecord(
            source=SOURCE, external_id=key, title=title, objective=normalise_whitespace(repair_danish(g("description"))),
            language="da", programme=f"{fund} {period}", topic_code=scheme,
            topic_title=normalise_whitespace(repair_danish(g("axis"))), funding_scheme=fund, start_date=start,
            end_date=end, total_cost=budget, eu_contribution=eu, currency=currency, region=g("region"),
            attribution=ATTRIBUTION,
        )
        if beneficiary:
            rec.participants.append(ParticipantRecord(name=beneficiary, role="coordinator", order=1,
                                                      activity_type=guess_type(beneficiary), country="DK",
                                                      city=city.strip(), postcode=postcode.strip()))
        for i, name in enumerate(split_partners(g("partners")), start=2):
            if name == beneficiary:
                continue
            rec.participants.append(ParticipantRecord(name=name, role="participant", order=i,
                                                      activity_type=guess_type(name), country="DK"))
        out.append(rec)
    return out
