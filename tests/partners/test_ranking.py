"""The partner-ranking engine: a hidden project leaves no trace, the call's own topic counts, weights matter."""

from __future__ import annotations

import numpy as np

from eudesk.partners.ranking import OrgDoc, PartnerIndex, ProjectDoc, Weights

RAW = "Strengthening the European raw materials knowledge base"
PROJECTS = [
    ProjectDoc(1, "Mapping secondary raw materials", "Stocks and flows of raw materials in mining waste.",
               "SC5-13-2018", RAW, year=2019),
    ProjectDoc(2, "Raw materials intelligence", "A knowledge base of European mineral deposits.",
               "SC5-13-2016", RAW, year=2017),
    ProjectDoc(3, "Smart cyber-physical systems", "Embedded software for machines.", "ICT-01-2014",
               "Smart Cyber-Physical Systems", year=2015),
    ProjectDoc(4, "5G testbeds", "Networks for vehicles.", "ICT-07-2017", "5G PPP research", year=2018),
    ProjectDoc(5, "Battery cells", "Cheaper lithium cells.", "LC-BAT-5-2019", "Battery materials", year=2020),
    ProjectDoc(6, "Urban cycling", "Bike lanes and sharing in cities.", "MG-4-2017", "Urban mobility", year=2018),
    ProjectDoc(7, "Quantum sensors", "Atomic clocks.", "FETFLAG-03-2018", "Quantum technologies", year=2019),
    ProjectDoc(8, "Mineral knowledge for the circular economy", "Recycling of critical raw materials.",
               "SC5-14-2019", "Raw materials policy support", year=2021),
]
ORGS = [OrgDoc(10, "Geological Survey", "PUB", "FI"), OrgDoc(11, "Big Institute", "REC", "DE"),
        OrgDoc(12, "Mining University", "HES", "SE"), OrgDoc(13, "Recycler", "PRC", "BE"),
        OrgDoc(14, "Only in eight", "PRC", "PL")]
PARTS = [(1, 10, "coordinator"), (1, 12, "participant"), (2, 12, "coordinator"), (2, 13, "participant"),
         *[(p, 11, "coordinator") for p in (3, 4, 5, 6, 7)], (8, 10, "participant"), (8, 13, "coordinator"),
         (8, 14, "participant"), (3, 13, "participant")]


def test_an_organisation_of_the_same_topic_outranks_a_popular_unrelated_one() -> None:
    index = PartnerIndex(PROJECTS, ORGS, PARTS)
    out = index.rank(RAW, topic_code="SC5-13-2020", k=10)
    keys = [s.org_key for s in out]
    assert keys[0] == 12  # in both projects under the same topic code
    # five projects and a word in common ('materials') do not beat the organisations of the same topic
    assert keys.index(11) > max(keys.index(10), keys.index(13))
    # with experience alone the popular institute would lead: the weights, not the data, decide this test
    figures = index.figures(RAW, topic_code="SC5-13-2020")
    only_experience = figures.combined(Weights(fit=0, network=0, experience=1, home=0, family=0))
    assert index.orgs[int(np.argmax(only_experience))].key == 11
    assert figures.family_name == "SC5" and figures.family[index.o_row[12]] == 2


def _comparable(index: PartnerIndex, **kw: object) -> list[tuple[object, ...]]:
    return [(s.org_key, s.score, s.fit, s.network, s.experience, s.family, s.projects, s.coordinated, s.last_year,
             [e.project_key for e in s.evidence], s.partners_in_list)
            for s in index.rank(RAW, topic_code="SC5-13-2020", k=10, require_fit=False, **kw)]  # type: ignore[arg-type]


def test_a_hidden_project_is_as_if_it_were_not_there() -> None:
    """Excluding project 8 gives exactly what an index built without its rows gives: experience, network,
    programme line, coordinator roles and last year included (organisation 14 was only there)."""
    full = PartnerIndex(PROJECTS, ORGS, PARTS)
    without = PartnerIndex([p for p in PROJECTS if p.key != 8], ORGS, [t for t in PARTS if t[0] != 8])
    match = {1: 2.0, 2: 1.5, 3: 0.2, 8: 3.0}
    hidden = _comparable(full, exclude_projects=[8], project_match=match)
    assert hidden == _comparable(without, project_match={k: v for k, v in match.items() if k != 8})
    by_key = {row[0]: row for row in hidden}
    assert 14 not in by_key
    assert by_key[10][6:9] == (1, 1, 2019)  # one project, coordinated once, last year not 2021
    assert by_key[13][7] == 0  # its coordinator role was in the hidden project
    # the words-only fit: same organisations in the same order (document frequencies leave project 8 out)
    words_hidden = [row[0] for row in _comparable(full, exclude_projects=[8])]
    assert words_hidden == [row[0] for row in _comparable(without)]


def test_figures_of_a_hidden_project_do_not_count() -> None:
    index = PartnerIndex(PROJECTS, ORGS, PARTS)
    seen = index.figures(RAW, topic_code="SC5-13-2020")
    hidden = index.figures(RAW, topic_code="SC5-13-2020", exclude_projects=[8])
    row = index.o_row[13]
    assert seen.projects[row] == 3 and hidden.projects[row] == 2
    assert seen.family[row] == 2 and hidden.family[row] == 1
    assert hidden.match[index.p_row[8]] == 0 and not hidden.live[index.p_row[8]]
