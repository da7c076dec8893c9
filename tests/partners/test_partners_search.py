"""Partner ranking and search: filters, explanations, 'no good match', the consortium rule, the Excel export,
knowledge search and similar projects."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from eudesk.core.errors import InvalidInput
from eudesk.partners import service
from eudesk.partners.export import SUGGESTION_HEADER, shortlist_xlsx
from eudesk.partners.ranking import Filters, OrgDoc, PartnerIndex, ProjectDoc, topic_family, topic_terms
from eudesk.projects import service as projects
from eudesk.projects.schemas import ParticipantRecord, ProjectRecord

PROJECTS = [
    ProjectDoc(1, "Bike sharing for mid-size cities", "Public bike sharing schemes and cycling lanes in cities.",
               "MG-4-2017", "Sustainable urban mobility", year=2018),
    ProjectDoc(2, "Cycling data platform", "Counting bicycles and cyclists to plan urban mobility.",
               "MG-4-2018", "Sustainable urban mobility", year=2019),
    ProjectDoc(3, "Ocean plastic sensors", "Marine litter detection with drones.", "BG-07-2017", "Blue growth",
               year=2017),
    ProjectDoc(4, "Flood resilience", "Climate adaptation against cloudbursts and floods in cities.",
               "LC-CLA-2019", "Climate adaptation", year=2020),
]
ORGS = [OrgDoc(10, "Ville de Lyon", "PUB", "FR", "Lyon", 500_000), OrgDoc(11, "Göteborgs Stad", "PUB", "SE",
                                                                          "Göteborg", 580_000),
        OrgDoc(12, "TU Delft", "HES", "NL", "Delft"), OrgDoc(13, "BikeCo", "PRC", "DE", "Berlin"),
        OrgDoc(14, "Ocean Lab", "REC", "PT", "Porto"), OrgDoc(15, "Aarhus Kommune", "PUB", "DK", "Aarhus", 280_000)]
PARTS = [(1, 10, "coordinator"), (1, 12, "participant"), (1, 13, "participant"), (2, 11, "coordinator"),
         (2, 12, "participant"), (3, 14, "coordinator"), (3, 13, "participant"), (4, 15, "coordinator"),
         (4, 12, "participant")]


@pytest.fixture(scope="module")
def index() -> PartnerIndex:
    return PartnerIndex(PROJECTS, ORGS, PARTS)


def test_ranking_explains_itself_with_the_fitting_projects(index: PartnerIndex) -> None:
    out = index.rank("bike sharing and cycling in cities", k=10)
    keys = [s.org_key for s in out]
    assert keys[0] == 12  # TU Delft: in both cycling projects
    assert 14 not in keys  # the ocean lab has no fitting project: not padded in
    top = out[0]
    assert top.projects == 3 and top.coordinated == 0 and top.last_year == 2020
    assert [e.project_key for e in top.evidence][:2] in ([1, 2], [2, 1])
    assert all(e.match > 0 and e.matched_terms for e in top.evidence)
    assert set(top.partners_in_list) >= {10, 11}


def test_filters_types_countries_size_coordinated(index: PartnerIndex) -> None:
    q = "bike sharing and cycling in cities"
    public = {s.org_key for s in index.rank(q, filters=Filters(types=["PUB"]))}
    assert public >= {10, 11} and public <= {10, 11, 15}
    assert [s.org_key for s in index.rank(q, filters=Filters(countries=["SE"]))] == [11]
    sized = index.rank(q, filters=Filters(min_population=300_000, max_population=520_000))
    assert [s.org_key for s in sized] == [10]
    assert {s.org_key for s in index.rank(q, filters=Filters(coordinated=True))} <= {10, 11, 15}
    assert 12 not in {s.org_key for s in index.rank(q, filters=Filters(coordinated=True))}


def test_danish_query_reaches_english_projects_through_the_glossary(index: PartnerIndex) -> None:
    out = index.rank("klimatilpasning og oversvømmelser i byen", k=5)
    assert out and out[0].org_key in (15, 12)


def test_held_out_project_leaves_no_trace(index: PartnerIndex) -> None:
    out = index.rank("ocean plastic marine litter", exclude_projects=[3])
    assert out == []  # the only fitting project is hidden: no good match


def test_topic_terms_and_family() -> None:
    assert topic_terms("SC5-13-2018") == ["tc:sc5-13-2018", "tc:sc5", "tc:sc5-13"]
    assert topic_family("HORIZON-CL5-2024-D4-01") == "cl5"
    assert topic_family("MSCA-ITN-2018") == "msca"


def _suggestion(org_id: int, country: str, activity: str, coordinated: int = 0) -> service.PartnerSuggestion:
    from eudesk.partners.models import Organisation
    from eudesk.partners.ranking import Suggestion

    org = Organisation(id=org_id, name=f"Org {org_id}", name_key=f"org {org_id}", country=country,
                       activity_type=activity, city="", population=None)
    raw = Suggestion(org_id, 1.0, 1.0, 0.0, 1.0, 0.0, 0, "", 2, coordinated, 2020)
    return service.PartnerSuggestion(organisation=org, rank=org_id, raw=raw)


def test_consortium_rule_for_collaborative_actions() -> None:
    sugg = [_suggestion(1, "NO", "REC"), _suggestion(2, "NO", "HES"), _suggestion(3, "CH", "PRC"),
            _suggestion(4, "US", "PUB"), _suggestion(5, "SE", "PUB", coordinated=3), _suggestion(6, "DE", "PRC")]
    c = service.suggest_consortium(suggestions=sugg, action_type="HORIZON-RIA")
    assert c.satisfied
    rule_members = [m for m in c.members if any(msg.startswith("rule:") for msg, _p in m.reasons)]
    countries = [m.organisation.country for m in rule_members]
    assert len(set(countries)) == 3 and "SE" in countries and "US" not in countries
    assert any(m.organisation.activity_type == "PUB" for m in c.members)
    assert any("candidate coordinator" in t for m in c.members for t in m.reason_texts)


def test_consortium_rule_not_met_says_so_and_csa_needs_one() -> None:
    only_two = [_suggestion(1, "DK", "PUB"), _suggestion(2, "DK", "HES"), _suggestion(3, "NO", "REC")]
    c = service.suggest_consortium(suggestions=only_two, action_type="IA")
    assert not c.satisfied and "(2)" in c.missing_text
    csa = service.suggest_consortium(suggestions=only_two, action_type="HORIZON-CSA")
    assert csa.satisfied and csa.rule.startswith("Coordination and support")


def test_associated_countries_alone_do_not_satisfy_the_rule() -> None:
    c = service.suggest_consortium(suggestions=[_suggestion(1, "NO", "PUB"), _suggestion(2, "CH", "HES"),
                                                _suggestion(3, "UK", "REC")], action_type="RIA")
    assert not c.satisfied


@pytest.fixture
def small_db(session: Session) -> Session:
    recs = []
    for doc in PROJECTS:
        parts = [ParticipantRecord(name=next(o.name for o in ORGS if o.key == ok), role=role,
                                   cordis_id=str(ok), country=next(o.country for o in ORGS if o.key == ok),
                                   activity_type=next(o.activity_type for o in ORGS if o.key == ok))
                 for pk, ok, role in PARTS if pk == doc.key]
        recs.append(ProjectRecord(source="cordis", external_id=str(doc.key), title=doc.title, objective=doc.text,
                                  topic_code=doc.topic_code, topic_title=doc.topic_title, participants=parts))
    projects.import_records(session=session, records=recs, source="cordis", label="test")
    return session


def test_search_partners_and_excel_export(small_db: Session) -> None:
    result = service.search_partners(session=small_db, query=service.PartnerQuery(
        text="bike sharing and cycling in cities", types=["PUB", "HES"]))
    names = [s.organisation.name for s in result.suggestions]
    assert names[0] == "TU Delft" and "BikeCo" not in names
    wb = load_workbook(io.BytesIO(shortlist_xlsx(result, base_url="http://x")))
    rows = list(wb["Suggestions"].iter_rows(values_only=True))
    assert rows[0] == SUGGESTION_HEADER
    assert [r[1] for r in rows[1:]] == names
    assert rows[1][-1].startswith("http://x/organisations/")
    assert "Consortium" in wb.sheetnames and wb["Query"]["B1"].value.startswith("bike sharing")


def test_search_needs_text_or_call_and_valid_filters(small_db: Session) -> None:
    with pytest.raises(InvalidInput, match="field text"):
        service.search_partners(session=small_db, query=service.PartnerQuery())
    with pytest.raises(InvalidInput, match="field type"):
        service.search_partners(session=small_db, query=service.PartnerQuery(text="x", types=["ABC"]))


def test_knowledge_search_passages_and_similar_projects(small_db: Session) -> None:
    hits = service.knowledge_search(session=small_db, text="Who has worked on bike sharing in mid-size cities?")
    assert hits and hits[0].project.title == "Bike sharing for mid-size cities"  # type: ignore[attr-defined]
    assert hits[0].passages and "bike" in " ".join(w for _t, ws in hits[0].passages for w in ws).lower()
    assert "work" not in hits[0].matched_terms  # question framing is not what it is about
    assert service.knowledge_search(session=small_db, text="quantum chromodynamics lattice") == []
    elsewhere = service.similar_projects(session=small_db, text="climate adaptation floods", exclude_country="DK")
    in_dk = service.similar_projects(session=small_db, text="climate adaptation floods", country="DK")
    assert [h.project.title for h in in_dk] == ["Flood resilience"]  # type: ignore[attr-defined]
    assert "Flood resilience" not in [h.project.title for h in elsewhere]  # type: ignore[attr-defined]


def test_composition_rule_by_type_of_action() -> None:
    assert service.composition_rule("HORIZON-RIA")[1].startswith("Collaborative action")
    assert service.composition_rule("HORIZON-IA")[1].startswith("Collaborative action")
    assert service.composition_rule("HORIZON-CSA")[0] == 1
    assert service.composition_rule("LIFE-SAP")[1].startswith("This type of action sets its own")
