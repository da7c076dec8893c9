"""The hybrid index over past projects (eudesk.projects.matcher) with the fake embedder: finding a project by its
subject, abstaining on nonsense words-only, the partners' fit from the core, and loading precomputed vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session

from eudesk.config import Settings
from eudesk.matching.cache import text_key
from eudesk.matching.embedder import FakeEmbedder
from eudesk.matching.store import export_vectors
from eudesk.partners import service as partners
from eudesk.projects import matcher as pm
from eudesk.projects import service as projects
from eudesk.projects.schemas import ParticipantRecord, ProjectRecord

SUBJECTS = [
    ("Bike sharing for mid-size cities", "Public bike sharing schemes and cycling lanes in mid-size cities."),
    ("Flood resilience in coastal towns", "Climate adaptation against cloudbursts, storm surges and floods."),
    ("Ocean plastic sensors", "Marine litter detection with drones and satellite images."),
    ("Elderly people living at home", "Welfare technology that helps older citizens stay in their own homes."),
    ("School meals and learning", "Healthy school meals and their effect on pupils' learning."),
    ("Wind turbine blade recycling", "Circular economy for composite materials of decommissioned blades."),
    ("Museum audiences", "Digital tools that bring new audiences to regional museums and archives."),
    ("Refugee job integration", "Employment programmes that bring refugees into local labour markets."),
    ("Soil carbon in farming", "Measuring and increasing soil organic carbon on arable farms."),
    ("Quantum sensors", "Diamond nitrogen-vacancy centres as magnetic field sensors."),
    ("Hospital logistics", "Autonomous robots that move supplies inside hospitals."),
    ("Bee decline", "Pesticides, habitat loss and the decline of wild pollinators."),
    ("Street lighting", "Smart LED street lighting that saves energy in municipalities."),
    ("Water leakage", "Detecting leaks in drinking water networks with acoustic sensors."),
    ("Youth unemployment", "Apprenticeships and vocational training for young people without jobs."),
    ("Archaeology of the Vikings", "Excavations of Viking age trading towns around the Baltic Sea."),
    ("Fremtidens spildevand", "Nye renseanlæg til spildevand i danske byer."),
]


@pytest.fixture
def db(session: Session) -> Session:
    recs = [ProjectRecord(source="cordis", external_id=str(100 + i), title=title, objective=text,
                          topic_title="Test topic", participants=[ParticipantRecord(
                              name=f"Org {i}", role="coordinator", cordis_id=str(900 + i), country="DK" if i % 2
                              else "FR", activity_type="PUB")])
            for i, (title, text) in enumerate(SUBJECTS)]
    projects.import_records(session=session, records=recs, source="cordis", label="test")
    return session


def test_project_document_layout() -> None:
    doc = pm.project_document(id=7, title=" A title ", objective="Text.", topic_title="Topic", programme="H2020")
    assert doc.id == "7" and doc.title == "A title" and doc.text == "Text."
    assert doc.fields["keywords"] == "Topic, H2020"
    assert pm.project_document(id=1, title="t", objective="").fields["keywords"] == ""


def test_hybrid_knowledge_search_finds_a_project_by_its_subject(db: Session, settings: Settings) -> None:
    m = pm.ProjectMatcher(settings)
    assert m.refresh(session=db) and not m.refresh(session=db)  # rebuilt only when projects change
    assert m.semantic_ready and m.embedder_name == "fake"
    hits = partners.knowledge_search(session=db, text="flood resilience and climate adaptation", matcher=m)
    assert hits and hits[0].project.title == "Flood resilience in coastal towns"  # type: ignore[attr-defined]
    assert hits[0].method == "hybrid" and hits[0].coverage is None
    assert hits[0].passages and (hits[0].matched_terms or hits[0].concepts)
    only_fr = partners.knowledge_search(session=db, text="flood resilience and climate adaptation", matcher=m,
                                        country="DK")
    assert all("DK" in h.countries for h in only_fr)


def test_words_only_core_abstains_on_nonsense(db: Session, settings: Settings) -> None:
    m = pm.ProjectMatcher(settings, semantic=False)
    m.refresh(session=db)
    assert not m.semantic_ready
    assert partners.knowledge_search(session=db, text="zzqx qwvb unknownword", matcher=m) == []
    hits = partners.knowledge_search(session=db, text="wild bees and pollinators", matcher=m)
    assert hits and hits[0].project.title == "Bee decline"  # type: ignore[attr-defined]
    assert hits[0].method == "words-core"


def test_one_shared_generic_word_is_not_a_good_match(db: Session, settings: Settings) -> None:
    # the best project shares only the towns ("byer", or "cities" through the glossary) with the question: the
    # core's fused score may clear its threshold on that word's lexical z-score, but neither signal alone carries
    # it, so the page says "no good match"
    m = pm.ProjectMatcher(settings, semantic=False)
    m.refresh(session=db)
    res = m.search_projects("kunstgræsbaner i mellemstore byer", k=3)
    assert res.good and res.good[0].terms in (["byer"], ["cities"])  # the core alone would show it
    assert partners.knowledge_search(session=db, text="kunstgræsbaner i mellemstore byer", matcher=m) == []
    # a Danish question about the bike-sharing project's subject finds it across languages
    hits = partners.knowledge_search(session=db, text="cykelinfrastruktur i mellemstore byer", matcher=m)
    assert hits and hits[0].project.title == "Bike sharing for mid-size cities"  # type: ignore[attr-defined]
    hits = partners.knowledge_search(session=db, text="spildevand i byer", matcher=m)
    assert hits and hits[0].project.title == "Fremtidens spildevand"  # type: ignore[attr-defined]


def test_partner_search_says_no_good_match_instead_of_padding(db: Session, settings: Settings) -> None:
    m = pm.ProjectMatcher(settings, semantic=False)
    m.refresh(session=db)
    result = partners.search_partners(session=db, query=partners.PartnerQuery(text="kunstgræsbaner i mellemstore byer"),
                                      matcher=m)
    assert result.suggestions == [] and result.note.startswith("no good match")
    fitting = partners.search_partners(session=db, query=partners.PartnerQuery(text="spildevand i byer"), matcher=m)
    assert fitting.suggestions and not fitting.note


def test_preparing_matcher_falls_back_to_words(db: Session, settings: Settings) -> None:
    m = pm.ProjectMatcher(settings, background=True)  # not refreshed: no index yet
    hits = partners.knowledge_search(session=db, text="bike sharing in mid-size cities", matcher=m)
    assert hits and hits[0].method == "words" and hits[0].coverage is not None


def test_partner_fit_comes_from_the_core(db: Session, settings: Settings) -> None:
    m = pm.ProjectMatcher(settings)
    m.refresh(session=db)
    result = partners.search_partners(session=db, query=partners.PartnerQuery(text="wind turbine blade recycling"),
                                      matcher=m)
    assert result.suggestions[0].organisation.name == "Org 5"
    assert result.suggestions[0].raw.evidence[0].title == "Wind turbine blade recycling"  # type: ignore[attr-defined]


def test_precomputed_vectors_are_loaded_into_the_cache(tmp_path: Path, settings: Settings,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    class Named(FakeEmbedder):
        name = "fake-e5"  # the matcher skips the bundle for the 'fake' embedder only

    docs = [pm.project_document(id=i, title=t, objective=x) for i, (t, x) in enumerate(SUBJECTS[:3])]
    path = tmp_path / "bundled_projects.npz"
    assert export_vectors(path, docs, Named()) >= 3
    monkeypatch.setattr(pm, "bundled_vectors_path", lambda: path)
    cache = pm.ProjectMatcher(settings)._cache(Named())
    key = text_key("fake-e5", "passage", "Bike sharing for mid-size cities")
    hit = cache.get(key)
    assert hit is not None and np.allclose(hit, Named().passages(["Bike sharing for mid-size cities"])[0],
                                           atol=1e-2)
    # vectors of another embedder are not used (embedded instead), and nothing fails
    class Other(FakeEmbedder):
        name = "other-e5"

    other = pm.ProjectMatcher(settings)._cache(Other())
    assert other.get(text_key("other-e5", "passage", "Bike sharing for mid-size cities")) is None


def test_prepared_similar_questions_cost_no_model_time_and_find_the_same(db: Session, settings: Settings,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    question = "Hvem har arbejdet med klimatilpasning mod skybrud og oversvømmelser?"
    reference = pm.ProjectMatcher(settings)
    reference.refresh(session=db)
    expected = partners.similar_projects(session=db, text=question, matcher=reference)
    m = pm.ProjectMatcher(settings)
    m.refresh(session=db)
    assert partners.prepare_similar(texts=[question], matcher=m)

    def embed(_text: str) -> None:
        pytest.fail("the prepared question was embedded again")

    monkeypatch.setattr(m._index.embedder, "query", embed)
    found = partners.similar_projects(session=db, text=question, matcher=m)
    assert found and [h.project.id for h in found] == [h.project.id for h in expected]  # type: ignore[attr-defined]


def test_partner_index_is_built_after_start_up_not_by_the_first_page(db: Session, settings: Settings,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from eudesk.partners import views

    app = SimpleNamespace(state=SimpleNamespace(settings=settings, warmups=[]))
    views.setup(app)  # type: ignore[arg-type]
    assert app.state.warmups == []  # tests (the fake embedder) build it on first use
    app.state.settings = settings.model_copy(update={"embedder": "auto"})
    views.setup(app)  # type: ignore[arg-type]
    db.commit()  # the warm-up reads in a session of its own
    app.state.sessionmaker = lambda: Session(db.get_bind())
    (warm,) = app.state.warmups
    warm(app)
    monkeypatch.setattr(partners, "_build_partner_index", lambda _s: pytest.fail("built again"))
    assert partners.partner_index(session=db).n_p == len(SUBJECTS)
