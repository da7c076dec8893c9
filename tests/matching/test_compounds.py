"""Danish words into English index terms: cognates by spelling rules and compound splitting (no model needed)."""

from __future__ import annotations

from eudesk.matching.compounds import cognate, english_terms, split_compound
from eudesk.matching.embedder import FakeEmbedder
from eudesk.matching.index import Index
from eudesk.matching.passages import Document
from eudesk.matching.text import analyse

ENGLISH = ("infrastructure for cycling, mobility and technology; renovation of buildings; digitalisation of public "
           "services; quality of architecture; coordination and evaluation; energy; capacity; logistics")
VOCAB = set(analyse(ENGLISH, "en"))


def test_cognates_follow_spelling_rules() -> None:
    expected = {"mobiliteten": "mobility", "digitaliseringen": "digitalisation", "teknologier": "technology",
                "renovering": "renovation", "kvalitet": "quality", "arkitektur": "architecture",
                "koordinering": "coordination", "kapacitet": "capacity", "logistik": "logistics"}
    for danish, english in expected.items():
        r = cognate(danish, VOCAB)
        assert r is not None and r.english == english, danish


def test_cognate_needs_the_word_in_the_corpus_and_a_real_length() -> None:
    assert cognate("demokrati", VOCAB) is None  # "democracy" is not in this corpus
    assert cognate("byer", VOCAB) is None  # short Danish words are too often false friends
    assert cognate("skole", VOCAB) is None


def test_compounds_split_into_known_parts() -> None:
    assert [r.english for r in split_compound("cykelinfrastruktur", VOCAB)] == ["infrastructure"]
    assert [r.english for r in split_compound("energirenovering", VOCAB)] == ["energy", "renovation"]
    assert [r.english for r in split_compound("velfærdsteknologi", VOCAB)] == ["technology"]
    assert split_compound("klimatilpasning", VOCAB) == []  # no part is an English cognate (the glossary has it)


def test_english_terms_prefers_the_whole_word() -> None:
    terms = english_terms(["mobilitet", "cykelinfrastruktur", "og", "hjemmepleje"], VOCAB)
    assert [(r.danish, r.english) for r in terms] == [("mobilitet", "mobility"),
                                                      ("infrastruktur", "infrastructure")]


def test_danish_compound_reaches_english_call_and_says_why() -> None:
    docs = [Document("BIKE", "Safe cycling infrastructure", "Scope:\nCities build cycling infrastructure."),
            Document("SOIL", "Soil health", "Scope:\nFarmers measure soil carbon."),
            Document("SPACE", "Satellite propulsion", "Scope:\nThrusters for small satellites.")]
    index = Index.build(docs, FakeEmbedder())
    res = index.search("Kommunen vil udbygge cykelinfrastrukturen", lang="da")
    assert res.matches[0].doc_id == "BIKE"
    assert any("infrastructure" in t for t in res.matches[0].explanation.terms)


def test_renewing_something_is_not_renewable_energy() -> None:
    from eudesk.matching.glossary import concepts_in_stems

    labels = {c.label for c in concepts_in_stems(set(analyse("renew the municipal payroll system", "en")))}
    assert "renewable energy" not in labels
    labels = {c.label for c in concepts_in_stems(set(analyse("renewable energy", "en")) | {"renew_energi"})}
    assert "renewable energy" in labels


def test_explanation_shows_the_english_word_the_call_uses_not_the_spelling_rule_form() -> None:
    # "reducere" -> the rule's form "reducate" (stem "reduc"), a word English does not have
    assert cognate("reducere", set(analyse("reduce emissions", "en"))).english == "reducate"  # type: ignore[union-attr]
    docs = [Document("CUT", "Cutting emissions", "Scope:\nCities reduce emissions and reduce waste; a reduction."),
            Document("SOIL", "Soil health", "Scope:\nFarmers measure soil carbon.")]
    res = Index.build(docs, FakeEmbedder()).search("Vi vil reducere udledningen", lang="da")
    assert res.matches[0].doc_id == "CUT"
    terms = res.matches[0].explanation.terms
    assert "reduce (reducere)" in terms
    assert not any("reducate" in t for t in terms)


def test_surface_word_is_the_most_frequent_form_with_that_stem() -> None:
    from eudesk.matching.index import surface_word

    assert surface_word("Reduction plans. We reduce, they reduce.", "reduc") == "reduce"
    assert surface_word("Happy citizens", "happi") == "happy"  # a stem that is not a prefix of its word
    assert surface_word("Nothing related here", "reduc") is None
    assert surface_word("Effects of effective tools; effects.", "effect", prefer=("effektiv", "effective")) == "effective"


def test_danish_query_words_are_shown_as_the_english_word_the_call_uses() -> None:
    docs = [Document("PRIV", "Private buildings", "Scope:\nRenovation of private buildings by private owners."),
            Document("SOIL", "Soil health", "Scope:\nFarmers measure soil carbon.")]
    res = Index.build(docs, FakeEmbedder()).search("Energibesparelser i privat boligmasse", lang="da")
    assert res.matches[0].doc_id == "PRIV"
    assert "private (privat)" in res.matches[0].explanation.terms  # not the Danish "privat" alone


def test_english_terms_memo_gives_the_same_renderings() -> None:
    words = ["mobilitet", "cykelinfrastruktur", "hjemmepleje"]
    memo: dict = {}
    first = english_terms(words, VOCAB, memo)
    assert set(memo) == set(words)
    assert english_terms(words, VOCAB, memo) == first == english_terms(words, VOCAB)
