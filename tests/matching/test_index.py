"""The hybrid index on a small corpus with the fake embedder: ranking, abstention, explanations, rebuilds."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from eudesk.matching.cache import VectorCache
from eudesk.matching.embedder import FakeEmbedder
from eudesk.matching.index import DENSE_WEIGHT, LEXICAL_WEIGHT, Index
from eudesk.matching.passages import Document

SHARED = "Legal entities established in China are not eligible to participate in this destination. " * 3

DOCS = [
    Document("ELDER", "Ageing in place with assistive technology",
             "Expected Outcome:\nOlder people live independently at home for longer thanks to telecare, sensors and "
             "assisted living solutions deployed by municipalities and care providers.\n\n" + SHARED),
    Document("FLOOD", "Climate adaptation of cities against flooding",
             "Scope:\nCities and regions test nature-based solutions against cloudburst flooding and sea level rise, "
             "with stormwater management and climate resilience plans.\n\n" + SHARED),
    Document("SCHOOL", "Digital skills in schools",
             "Scope:\nTeachers and pupils in primary schools develop digital skills and digital literacy with "
             "new curricula and teacher training.\n\n" + SHARED),
    Document("STEEL", "Steel grades for automotive components",
             "Scope:\nDevelop high-strength steel grades and forming processes for lightweight car bodies and "
             "crash performance testing.\n\n" + SHARED),
    Document("BATTERY", "Battery cell chemistry",
             "Scope:\nNovel cathode materials and solid electrolytes for next-generation lithium battery cells "
             "with higher energy density.\n\n" + SHARED),
    Document("FISH", "Small-scale fisheries data",
             "Scope:\nImprove catch data collection for small-scale fisheries and fish stock assessment in "
             "Mediterranean fleets.\n\n"),
    Document("SPACE", "Satellite propulsion",
             "Scope:\nElectric propulsion thrusters for small satellites in low earth orbit, qualification and "
             "in-orbit demonstration.\n\n"),
    Document("QUANTUM", "Quantum sensing",
             "Scope:\nQuantum sensors based on cold atoms and nitrogen-vacancy centres for precision metrology "
             "in laboratories.\n\n"),
]


class CountingEmbedder(FakeEmbedder):
    """FakeEmbedder that counts the passages it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        return super().passages(texts)


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(DOCS, FakeEmbedder())


def test_danish_query_reaches_english_document_through_glossary(index: Index) -> None:
    res = index.search("Vi vil have, at ældre borgere kan blive boende i eget hjem længere med velfærdsteknologi.")
    assert res.query_lang == "da"
    assert res.matches[0].doc_id == "ELDER"
    assert "welfare technology" in res.matches[0].explanation.concepts
    assert "elderly" in res.concepts


def test_english_query_ranks_by_shared_terms(index: Index) -> None:
    res = index.search("Protect the city against cloudburst flooding with climate adaptation")
    assert res.query_lang == "en"
    assert res.matches[0].doc_id == "FLOOD"
    assert res.matches[0].good
    assert not res.abstained


def test_unrelated_query_abstains(index: Index) -> None:
    res = index.search("opera singers rehearse baroque arias with harpsichord accompaniment")
    assert res.abstained
    assert res.good_matches == []
    assert len(res.matches) > 0  # the ranking is still there for inspection


def test_score_decomposes_into_components(index: Index) -> None:
    res = index.search("digital skills for pupils and teachers")
    for m in res.matches:
        c = m.explanation.components
        expected = DENSE_WEIGHT * c["dense_z"] + LEXICAL_WEIGHT * c["lexical_z"] + c["prior"]
        assert m.score == pytest.approx(expected, abs=1e-4)
        assert c["lexical"] == pytest.approx(c["lexical_words"] + c["lexical_concepts"], abs=1e-3)


def test_explanation_passages_point_into_the_document(index: Index) -> None:
    res = index.search("digital skills for pupils and teachers in schools")
    top = res.matches[0]
    assert top.doc_id == "SCHOOL"
    doc = next(d for d in DOCS if d.id == "SCHOOL")
    assert top.explanation.passages
    for hit in top.explanation.passages:
        source = doc.title if hit.source == "title" else doc.text
        assert source[hit.start : hit.end] in hit.text
    assert "digital" in top.explanation.terms


def test_boilerplate_is_not_scoring(index: Index) -> None:
    assert index.boilerplate.sum() >= 3
    res = index.search("Legal entities established in China are not eligible")
    for m in res.matches:
        assert all("China" not in h.text for h in m.explanation.passages)


def test_filter_ids_restricts_results(index: Index) -> None:
    res = index.search("flooding and climate adaptation", filter_ids=["STEEL", "FISH", "nope"])
    assert {m.doc_id for m in res.matches} <= {"STEEL", "FISH"}


def test_prior_reorders_but_does_not_make_a_match_good(index: Index) -> None:
    base = index.search("opera singers rehearse baroque arias")
    boosted = index.search("opera singers rehearse baroque arias", prior={"QUANTUM": 50.0})
    assert boosted.matches[0].doc_id == "QUANTUM"
    assert boosted.matches[0].explanation.components["prior"] == 50.0
    assert boosted.abstained == base.abstained


def test_rebuild_embeds_only_new_passages(tmp_path) -> None:
    emb = CountingEmbedder()
    cache = VectorCache(tmp_path / "vec")
    idx = Index.build(DOCS[:4], emb, cache)
    first = emb.embedded
    assert first > 0
    bigger = idx.add([DOCS[4]])
    assert len(bigger) == 5
    assert 0 < emb.embedded - first <= 3
    smaller = bigger.remove(["STEEL"])
    assert "STEEL" not in smaller.row_of and len(smaller) == 4
    # a fresh process with the same cache folder embeds nothing
    emb2 = CountingEmbedder()
    Index.build(DOCS[:5], emb2, VectorCache(tmp_path / "vec"))
    assert emb2.embedded == 0


def test_duplicate_ids_rejected() -> None:
    with pytest.raises(ValueError):
        Index.build([DOCS[0], DOCS[0]], FakeEmbedder())


def test_empty_index_abstains() -> None:
    res = Index.build([], FakeEmbedder()).search("anything")
    assert res.abstained and res.matches == []


def test_only_the_head_of_a_long_text_is_embedded_but_the_tail_is_searchable() -> None:
    head = " ".join(f"Paragraph {i} is about harbour logistics and cranes." for i in range(60))
    tail = "\n\nFinally the call also covers sourdough bakeries."
    docs = [Document("LONG", "Harbour logistics", head + tail), *DOCS[2:6]]
    emb = CountingEmbedder()
    idx = Index.build(docs, emb)
    long_passages = [p for p in idx.passages if p.doc_id == "LONG"]
    assert any(not p.embed for p in long_passages)
    assert emb.embedded == len({p.text for p in idx.passages if p.embed})  # each distinct text once
    assert idx.n_embedded == sum(1 for p in idx.passages if p.embed) < idx.n_passages
    assert idx.search("sourdough bakeries").matches[0].doc_id == "LONG"


@pytest.fixture()
def calibrated(monkeypatch: pytest.MonkeyPatch) -> Index:
    """The index with calibrated levels for the fake space, set so high that only the words can carry a match."""
    import eudesk.matching.index as core

    monkeypatch.setitem(core.DENSE_GOOD, "fake", {"da": 1.01, "en": 1.01})
    return Index.build(DOCS, FakeEmbedder())


def test_good_match_carried_by_the_words_says_so(calibrated: Index) -> None:
    res = calibrated.search("Protect the city against cloudburst flooding with climate adaptation")
    top = res.matches[0]
    assert top.doc_id == "FLOOD" and top.good and not res.abstained
    c = top.explanation.components
    assert c["good_by_words"] == 1.0 and c["good_by_model"] == 0.0
    assert c["coverage"] >= c["coverage_needed"]
    assert not any(m.good for m in res.matches if m.doc_id in {"STEEL", "QUANTUM", "SPACE"})


def test_in_domain_task_that_no_call_covers_abstains(calibrated: Index) -> None:
    # municipal work, shares a generic word or two with the calls, but no call is about it
    res = calibrated.search("Repair potholes in the municipal roads and renew the asphalt on residential streets")
    assert res.abstained and not res.good_matches
    assert res.matches  # still listed for inspection


def test_constant_model_signal_never_carries_a_match() -> None:
    dense = np.full(5, 0.9, dtype=np.float32)
    ok, level = Index._dense_good(0.5, dense)
    assert not ok.any() and level == 0.5
    ok, _ = Index._dense_good(0.85, np.array([0.8, 0.9], dtype=np.float32))
    assert ok.tolist() == [False, True]


def test_levels_apply_only_to_an_english_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    import eudesk.matching.index as core

    monkeypatch.setitem(core.DENSE_GOOD, "fake", {"da": 0.5, "en": 0.5})
    assert Index.build(DOCS, FakeEmbedder()).good_levels == {"da": 0.5, "en": 0.5}
    danish = [Document(f"DK{i}", "Klimatilpasning i kommunen",
                       "Kommunen vil sikre byen mod skybrud og oversvømmelse, og borgerne skal inddrages.")
              for i in range(5)]
    mixed = Index.build([*DOCS, *danish], FakeEmbedder())
    assert mixed.good_levels is None  # calibrated on English call texts: a Danish-heavy corpus keeps the z-score rule
    assert Index.build(DOCS, FakeEmbedder(), good_rule="zscore").good_levels is None
    assert Index.build([*DOCS, *danish], FakeEmbedder(), good_rule="levels").good_levels is not None
    with pytest.raises(ValueError):
        Index.build(DOCS, FakeEmbedder(), good_rule="sometimes")
