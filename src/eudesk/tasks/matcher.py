"""The thin adapter between the tasks domain and the matching core (eudesk.matching).

It builds the core's hybrid index over the open and forthcoming calls in the database, keeps it for the process
(app.state for the web app), rebuilds it when the calls' content hashes change, and converts the core's results
into plain records. Only this file knows the core's API.

Start-up must stay fast, and the real model embeds only a few passages per second: the shipped precomputed vectors
and the on-disk vector cache are used when present; whatever is still missing is embedded in a background thread
while a lexical-only index (BM25 with the Danish glossary) already answers.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from eudesk.calls.models import Call
from eudesk.calls.service import status_clause
from eudesk.config import Settings
from eudesk.core.text import content_hash

log = logging.getLogger("eudesk.tasks")

# A Danish task description is usually a few sentences; the index takes the whole text as its query.
MAX_QUERY_CHARS = 4000


@dataclass(frozen=True)
class PassageOut:
    """A passage of a call that corresponds to the query, with its cosine and the query words it shares."""

    text: str
    score: float
    source: str
    terms: list[str]


@dataclass(frozen=True)
class Hit:
    """One ranked call with the explanation of its score."""

    topic_id: str
    score: float
    good: bool
    passages: list[PassageOut]
    concepts: list[str]
    terms: list[str]
    components: dict[str, float]


@dataclass
class Result:
    """Ranked calls for a query; abstained means none cleared the core's 'good match' threshold."""

    hits: list[Hit]
    abstained: bool
    query_lang: str
    threshold: float
    semantic: bool  # False while only the lexical index answers
    concepts: list[str] = field(default_factory=list)
    preparing: bool = False  # no index yet: nothing can be said

    @property
    def good(self) -> list[Hit]:
        """The hits above the threshold (empty when abstained)."""
        return [h for h in self.hits if h.good]


class _ConstantEmbedder:
    """Stands in for the model while it is not ready: every text gets the same vector, so the dense signal is flat
    (z-score 0) and the fused score is the lexical signal alone."""

    name = "lexical-only"
    dim = 8

    def _v(self) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        v[0] = 1.0
        return v

    def query(self, text: str) -> np.ndarray:
        return self._v()

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.tile(self._v(), (len(texts), 1))


class _CallRecord:
    """The fields of a call that the core's topic_document reads (so documents equal the precomputed ones)."""

    def __init__(self, call: Call) -> None:
        self.topic_id = call.topic_id
        self.title = call.title
        self.description = call.description
        self.keywords = call.keywords
        self.call_identifier = call.call_identifier
        self.programme_id = call.programme_id
        self.status = call.source_status
        self.call_title = call.call_title
        self.action_type = call.action_type


BUNDLED_QUESTIONS = "bundled_task_questions.npz"


def bundled_questions_path() -> Any:
    """The shipped query vectors of the bundled demo tasks' questions (see eudesk.tasks.precompute), if present."""
    from eudesk.matching.store import shipped_vectors_path

    return shipped_vectors_path(BUNDLED_QUESTIONS)


def _matchable(today: dt.date):  # type: ignore[no-untyped-def]
    return status_clause("open", today) | status_clause("forthcoming", today)


def matchable_calls(*, session: Session, today: dt.date) -> list[Call]:
    """The calls a task can be matched to: open or forthcoming today (closed calls are never matched)."""
    return list(session.scalars(select(Call).where(_matchable(today)).order_by(Call.topic_id)).unique())


def corpus_key(*, session: Session, today: dt.date) -> str:
    """A fingerprint of the matchable calls' content: it changes when a call is added, changed or closed."""
    rows = session.execute(select(Call.topic_id, Call.content_hash).where(_matchable(today))
                           .order_by(Call.topic_id)).all()
    return content_hash(*(f"{t}:{h}" for t, h in rows))[:32]


class CallMatcher:
    """The index over matchable calls for one process: lexical at once, semantic when its vectors are ready."""

    def __init__(self, settings: Settings, *, background: bool | None = None, semantic: bool = True) -> None:
        self.settings = settings
        # semantic=False: BM25 with the Danish glossary only, no model at all (quick CLI answers, tests).
        self.use_model = semantic
        # The fake embedder is instant: build synchronously (tests); the real model goes to a thread.
        self.background = settings.embedder != "fake" if background is None else background
        self.key = ""
        self._index: Any = None
        self._semantic = False
        self._lock = threading.Lock()
        # Held while one task's matches are computed and stored (by the background re-match until it commits): a
        # request and the background never match the same task at once, which would store its matches twice.
        self.task_lock = threading.RLock()
        self._pages = 0  # requests using the matcher right now: background preparation pauses for them
        self._pages_changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._progress: tuple[int, int] = (0, 0)
        self.error = ""
        self.embedder_name = ""
        self.on_semantic_ready: list[Any] = []  # callbacks(matcher) run in the thread once the model answers
        self.progress_callback: Any = None  # (done, total) of passages being embedded, e.g. for the CLI

    # -- state shown on pages -------------------------------------------------------------------------------
    @property
    def semantic_ready(self) -> bool:
        """True when the dense (multilingual model) signal takes part in the ranking."""
        return self._semantic

    @property
    def lexical_only(self) -> bool:
        """True when this matcher was asked not to use the model at all."""
        return not self.use_model

    @property
    def progress_percent(self) -> int:
        """How far the background embedding has come, 0-100."""
        done, total = self._progress
        if self._semantic:
            return 100
        return int(100 * done / total) if total else 0

    @property
    def building(self) -> bool:
        """True while the semantic index is being prepared in the background."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def index_kind(self) -> str:
        """'semantic' or 'lexical', part of each task's match fingerprint."""
        return "semantic" if self._semantic else "lexical"

    # -- building --------------------------------------------------------------------------------------------
    def refresh(self, *, session: Session, today: dt.date) -> bool:
        """Rebuild the index when the matchable calls changed; returns True when it was rebuilt."""
        key = corpus_key(session=session, today=today)
        if key == self.key:
            return False
        with self._lock:  # concurrent requests: one rebuilds, the others wait and then find the key current
            if key == self.key:
                return False
            try:
                from eudesk.matching.index import Index  # noqa: F401  (the core may not be installed yet)
                from eudesk.matching.precompute import topic_document
            except ImportError as exc:
                self.key = key
                self.error = f"matching core not available: {exc}"
                log.error(self.error)
                return False
            docs = [topic_document(_CallRecord(c)) for c in matchable_calls(session=session, today=today)]
            self._start_build(docs, key, thread_name="eudesk-matcher")
        return True

    def _start_build(self, docs: list[Any], key: str, *, thread_name: str) -> None:
        """Build the index for these documents: words only, at once, or semantic (in a background thread)."""
        self.key = key
        self._progress = (0, 0)
        self.error = ""
        if not self.use_model:
            self._index = self._build_lexical(docs)
            self._semantic = False
            return
        if not self.background:
            self._build_semantic(docs, key)
            return
        self._semantic = False
        self._thread = threading.Thread(target=self._build_both, args=(docs, key), name=thread_name, daemon=True)
        self._thread.start()

    def _build_both(self, docs: list[Any], key: str) -> None:
        # Lexical first (seconds): pages answer with BM25 + glossary while the model embeds what is not cached.
        try:
            lexical = self._build_lexical(docs)
        except Exception as exc:
            log.exception("lexical index failed")
            self.error = str(exc) or exc.__class__.__name__
            return
        if key == self.key:
            self._index = lexical
        self._build_semantic(docs, key)

    def _build_lexical(self, docs: list[Any]) -> Any:
        from eudesk.matching.cache import VectorCache
        from eudesk.matching.index import Index

        return Index.build(docs, _ConstantEmbedder(), VectorCache())  # type: ignore[arg-type]

    def _vectors_path(self) -> Any:
        """The shipped precomputed vectors of this matcher's documents (the bundled calls), if present."""
        from eudesk.matching.store import bundled_vectors_path

        return bundled_vectors_path()

    def _cache(self, embedder: Any) -> Any:
        from eudesk.matching.cache import VectorCache
        from eudesk.matching.embedder import vector_space
        from eudesk.matching.store import load_vectors

        folder = None if embedder.name == "fake" else self.settings.resolved_cache_dir / "embeddings"
        cache = VectorCache(folder)
        if embedder.name == "fake":
            return cache
        # the documents' passages, and the questions of the bundled demo tasks (their first start asks them all)
        for path in (self._vectors_path(), bundled_questions_path()):
            if path is None:
                continue
            try:
                load_vectors(path, cache, embedder_name=vector_space(embedder))
            except (ValueError, OSError) as exc:  # vectors of another model: embed instead
                log.info("precomputed vectors not used: %s", exc)
        return cache

    def _build_semantic(self, docs: list[Any], key: str) -> None:
        try:
            from eudesk.matching.embedder import make_embedder
            from eudesk.matching.index import Index

            embedder = make_embedder(self.settings.embedder, cache_dir=str(self.settings.resolved_cache_dir))
            self.embedder_name = embedder.name
            # small batches: the page's progress indicator moves every few seconds with the real model
            index = Index.build(docs, embedder, self._cache(embedder), progress=self._on_progress, batch=16)
        except Exception as exc:  # the lexical index keeps answering; the page says semantic matching failed
            log.exception("semantic index failed")
            self.error = str(exc) or exc.__class__.__name__
            return
        if key != self.key:  # the calls changed meanwhile: a newer build is on its way
            return
        self._index = index
        self._semantic = True
        for callback in list(self.on_semantic_ready):
            try:
                callback(self)
            except Exception:
                log.exception("after semantic index")

    def _on_progress(self, done: int, total: int) -> None:
        self._progress = (done, total)
        if self.progress_callback is not None:
            self.progress_callback(done, total)

    def flush(self) -> None:
        """Write query vectors embedded since the last flush to the on-disk cache (no-op for in-memory caches)."""
        index = self._index
        cache = getattr(index, "cache", None)
        if self._semantic and cache is not None:
            cache.flush()

    def prepare_queries(self, texts: Iterable[str]) -> bool:
        """Embed these query texts now (through the vector cache) so that searching them later costs no model
        time; False while the model's index is not ready (nothing to prepare for)."""
        index = self._index
        if not self._semantic or index is None:
            return False
        from eudesk.matching.cache import cached_query

        for text in texts:
            cached_query(index.cache, index.embedder, text[:MAX_QUERY_CHARS])  # the vector search() asks for
        return True

    @contextmanager
    def serving(self) -> Iterator[None]:
        """Mark a request using the matcher as in progress: background preparation waits for it to finish."""
        with self._pages_changed:
            self._pages += 1
        try:
            yield
        finally:
            with self._pages_changed:
                self._pages -= 1
                self._pages_changed.notify_all()

    def yield_to_pages(self, timeout: float = 5.0) -> None:
        """Wait (at most timeout) until no request uses the matcher: background work leaves the cores to pages."""
        with self._pages_changed:
            self._pages_changed.wait_for(lambda: self._pages == 0, timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the background build (tests, CLI); True when the semantic index is ready."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self._semantic

    # -- searching --------------------------------------------------------------------------------------------
    def search(self, text: str, *, k: int = 10) -> Result:
        """The k best matchable calls for a text (Danish or English), each explained; may abstain."""
        index = self._index
        semantic = self._semantic
        if index is None:  # still being built: say so rather than "no good match"
            return Result([], True, "", float("inf"), False, preparing=True)
        text = text[:MAX_QUERY_CHARS]
        if semantic:
            from eudesk.matching.cache import cached_query

            # a task's text is embedded once: re-matching after every calls change then costs no model time
            res = index.search(text, k=k, query_vector=cached_query(index.cache, index.embedder, text))
        else:
            res = index.search(text, k=k)
        hits = [
            Hit(
                topic_id=m.doc_id, score=float(m.score), good=bool(m.good),
                passages=[PassageOut(p.text, float(p.score), p.source, list(p.terms))
                          for p in m.explanation.passages] if semantic else
                [PassageOut(p.text, 0.0, p.source, list(p.terms)) for p in m.explanation.passages if p.terms],
                concepts=list(m.explanation.concepts), terms=list(m.explanation.terms),
                components={k2: float(v) for k2, v in m.explanation.components.items()
                            if semantic or not k2.startswith("dense")},
            )
            for m in res.matches
        ]
        return Result(hits, bool(res.abstained), res.query_lang, float(res.threshold), semantic,
                      list(res.concepts))


def get_matcher(app_state: Any, settings: Settings) -> CallMatcher:
    """The process's matcher kept on app.state (created on first use)."""
    matcher = getattr(app_state, "task_matcher", None)
    if matcher is None:
        matcher = CallMatcher(settings)
        app_state.task_matcher = matcher
    return matcher
