"""Importers of past projects: CORDIS CSV (both separators, H2020 and Horizon Europe columns) and JSON, the two
Danish structural-fund layouts, repairs of the Danish export, and one-line errors naming file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eudesk.core.errors import InvalidInput
from eudesk.projects.sources.common import parse_amount, repair_danish
from eudesk.projects.sources.cordis import read_cordis
from eudesk.projects.sources.dk_structural import guess_type, read_dk_structural, split_partners

ORG_HEADER = ("projectID;projectAcronym;organisationID;vatNumber;name;shortName;SME;activityType;street;postCode;"
              "city;country;nutsCode;geolocation;organizationURL;contactForm;contentUpdateDate;rcn;order;role;"
              "ecContribution;netEcContribution;totalCost;endOfParticipation;active")


def he_org_row(pid: str, oid: str, name: str, role: str = "participant", country: str = "DK",
               activity: str = "PUB", contribution: str = "1234,5") -> str:
    return (f'{pid};ACR;{oid};;"{name}";;false;{activity};Street 1;5000;Odense;{country};DK031;;;;2024-01-01;1;1;'
            f"{role};{contribution};;;false;true")


def test_horizon_europe_semicolon_csv_with_decimal_comma(tmp_path: Path) -> None:
    orgs = tmp_path / "organization.csv"
    orgs.write_text("\n".join([ORG_HEADER, he_org_row("101056789", "999888777", "Odense Kommune", "coordinator"),
                               he_org_row("101056789", "999111222", "Lunds universitet", country="SE",
                                          activity="HES")]), encoding="utf-8")
    topics = tmp_path / "topics.csv"
    topics.write_text("projectID;topic;title\n101056789;HORIZON-MISS-2021-CIT-02-01;Smart cities pilots\n")
    [rec] = read_cordis([orgs, topics])
    assert rec.programme == "HORIZON"  # from the topic code
    assert rec.topic_code == "HORIZON-MISS-2021-CIT-02-01" and rec.topic_title == "Smart cities pilots"
    coord = next(p for p in rec.participants if p.name == "Odense Kommune")
    assert coord.role == "coordinator" and coord.cordis_id == "999888777" and coord.eu_contribution == 1234.5
    assert coord.nuts_code == "DK031"
    assert {p.country for p in rec.participants} == {"DK", "SE"}


def test_h2020_comma_csv_and_json_layout_from_shared(shared_dir: Path) -> None:
    cordis = shared_dir / "data" / "cordis"
    recs = read_cordis([cordis / "json_sample" / "project.json", cordis / "json_sample" / "organization.json"])
    assert len(recs) == 26
    with_objective = [r for r in recs if r.objective]
    assert with_objective and all(r.participants for r in recs)
    assert all(p.cordis_id and p.cordis_id.isdigit() for r in recs for p in r.participants)
    sample = read_cordis([cordis / "h2020" / "projects_sample.csv"])
    assert len(sample) == 67 and all(r.programme == "H2020" for r in sample)
    first = next(r for r in sample if r.external_id == "875163")
    assert first.title.startswith("Photopharmacology") and first.eu_contribution == 150000.0


def test_malformed_cordis_row_names_file_line_and_field(tmp_path: Path) -> None:
    orgs = tmp_path / "organization.csv"
    orgs.write_text("\n".join([ORG_HEADER, he_org_row("101056789", "999888777", "A"),
                               he_org_row("101056789", "999111222", "B", role="boss")]), encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        read_cordis([orgs])
    assert str(exc.value) == "record organization.csv line 3, field role: unknown role 'boss'"


def test_malformed_json_names_item(tmp_path: Path) -> None:
    bad = tmp_path / "organization.json"
    bad.write_text(json.dumps([{"projectID": 1, "organisationID": "x12", "name": "A", "role": "participant"}]))
    with pytest.raises(InvalidInput, match=r"organization.json item 1, field organisationID"):
        read_cordis([bad])


def test_unknown_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "other.csv"
    f.write_text("a,b\n1,2\n")
    with pytest.raises(InvalidInput, match="other.csv line 1, field header"):
        read_cordis([f])


def test_danish_2007_layout_repairs_and_partners(shared_dir: Path) -> None:
    recs = read_dk_structural(shared_dir / "data" / "denmark" / "structural_funds_2007-2013.csv")
    assert len(recs) == 598
    assert len({r.external_id for r in recs}) == 598  # repeated rows stay distinct
    assert not any("¿" in r.objective for r in recs)
    assert all(r.language == "da" and r.programme.endswith("2007-2013") for r in recs)
    # the 2007-2013 list does not state its unit: no currency is claimed
    assert {r.currency for r in recs} == {""}
    odense = [r for r in recs if any(p.name == "Odense Kommune" for p in r.participants)]
    assert odense and all(p.country == "DK" for r in odense for p in r.participants)


def test_danish_2014_layout_amounts_and_fund(shared_dir: Path) -> None:
    recs = read_dk_structural(shared_dir / "data" / "denmark" / "structural_funds_2014-2020.csv")
    assert len(recs) == 107
    first = recs[0]
    assert first.title == "Vækst 2.0" and first.total_cost == 15414794.0 and first.eu_contribution == 7707397.0
    assert first.currency == "DKK" and first.programme.startswith(("ERDF", "ESF"))
    lead = first.participants[0]
    assert lead.role == "coordinator" and lead.name == "Væksthus Nordjylland" and lead.postcode == "9220"


def test_danish_bad_date_names_line_and_column(tmp_path: Path) -> None:
    f = tmp_path / "dk.csv"
    f.write_text("projekttitel,start_dato,slut_dato,ordning,Indsatsområde,budget,eu,tas_projekt_besk,region,cvr,navn,"
                 "vejnavn,postnr,bynavn,parter\nA,01.01.2010,31.12.2011,ERDFS,X,1,1,Tekst,Syd,1,Odense Kommune,V,5000,"
                 "Odense,\nB,32.13.2010,31.12.2011,ERDFS,X,1,1,Tekst,Syd,1,Odense Kommune,V,5000,Odense,\n",
                 encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        read_dk_structural(f)
    assert str(exc.value) == "record dk.csv line 3, field start_dato: not a date: '32.13.2010'"


def test_split_partners_keeps_initials_and_legal_forms() -> None:
    text = ("Force Technology. P.L. Jessen & Søn ApS. Nordvestjysk Erhvervsråd V.M.B.A.. Hjørring Kommune,. "
            "GASA Kolding A.M.B.A. (Gartnernes Salgsforening i Kolding A.M.B.A.).")
    assert split_partners(text) == ["Force Technology", "P.L. Jessen & Søn ApS", "Nordvestjysk Erhvervsråd V.M.B.A.",
                                    "Hjørring Kommune",
                                    "GASA Kolding A.M.B.A. (Gartnernes Salgsforening i Kolding A.M.B.A.)"]


def test_repair_danish_lost_characters() -> None:
    assert repair_danish("SMV¿er i vækst") == "SMV’er i vækst"
    assert repair_danish("projektet ¿Etnisk Erhvervsfremme¿ fortsætter") == "projektet “Etnisk Erhvervsfremme” fortsætter"
    assert repair_danish("design ¿ detail konstruktion") == "design – detail konstruktion"
    assert repair_danish("Vækstmidt, konsulentassistance til SMV''er") == "Vækstmidt, konsulentassistance til SMV’er"


def test_guess_type_and_amounts() -> None:
    assert guess_type("Odense Kommune") == "PUB"
    assert guess_type("Syddansk Universitet") == "HES"
    assert guess_type("Vestas A/S") == "PRC"
    assert parse_amount("15.414.794", path=Path("x"), line=1, fld="f", dot_thousands=True) == 15414794.0
    assert parse_amount("771225,1", path=Path("x"), line=1, fld="f") == 771225.1
    assert parse_amount("1.732084396E7", path=Path("x"), line=1, fld="f") == 17320843.96


def test_programme_from_topic_code() -> None:
    from eudesk.projects.sources.cordis import programme_of_topic

    assert programme_of_topic("HORIZON-CL5-2021-D4-01") == "HORIZON"
    assert programme_of_topic("MG-3-6-2020") == "H2020"  # a late H2020 grant numbered 101...
    assert programme_of_topic("ERC-2021-STG") == "HORIZON"
    assert programme_of_topic("SwafS-09-2018-2019-2020") == "H2020"
    assert programme_of_topic("") == ""
