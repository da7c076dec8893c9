"""The hybrid (dense + lexical) index over past projects, built on the matching core (eudesk.matching).

It reuses the tasks domain's CallMatcher for the mechanics (a lexical index at once, the semantic one built in a
background thread with progress, vectors through the content-hash cache) and only says which documents to index and
which precomputed vectors to load. Results come back as the tasks matcher's Result/Hit records, whose `topic_id`
holds the project id (as a string). Knowledge search, similar projects and the "fit" of partner search read it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eudesk.config import Settings
from eudesk.core.text import content_hash
from eudesk.tasks.matcher import MAX_QUERY_CHARS, CallMatcher, Hit, PassageOut, Result

log = logging.getLogger("eudesk.projects")

BUNDLED_VECTORS = "bundled_projects.npz"


def project_document(*, id: int | str, title: str, objective: str, topic_title: str = "", programme: str = ""
                     ) -> Any:
    """A matching Document for a past project: title + objective, the topic title and programme as keywords.

    The precomputed vectors are keyed by passage text, so this layout must stay the one they were made with."""
    from eudesk.matching.passages import Document

    keywords = ", ".join(dict.fromkeys(k.strip() for k in (topic_title, programme) if k and k.strip()))
    return Document(id=str(id), title=(title or "").strip(), text=(objective or "").strip(),
                    fields={"keywords": keywords})


def project_documents(*, session: Session) -> list[Any]:
    """Documents of every stored project, ordered by id."""
    from eudesk.projects.models import Project

    rows = session.execute(select(Project.id, Project.title, Project.objective, Project.topic_title,
                                  Project.programme).order_by(Project.id))
    return [project_document(id=r.id, title=r.title, objective=r.objective, topic_title=r.topic_title,
                             programme=r.programme) for r in rows]


def corpus_key(*, session: Session) -> str:
    """A fingerprint of the stored projects' content: changes when a project is added, changed or removed."""
    from eudesk.projects.models import Project

    rows = session.execute(select(Project.id, Project.content_hash).order_by(Project.id)).all()
    return content_hash(*(f"{i}:{h}" for i, h in rows))[:32]


def bundled_vectors_path() -> Path | None:
    """The precomputed passage vectors of the bundled projects shipped in eudesk/data/vectors, if present."""
    from eudesk.matching.store import shipped_vectors_path

    return shipped_vectors_path(BUNDLED_VECTORS)


class ProjectMatcher(CallMatcher):
    """The hybrid index over past projects for one process: lexical at once, semantic when its vectors are ready."""

    def refresh(self, *, session: Session, today: dt.date | None = None) -> bool:  # type: ignore[override]
        """Rebuild the index when the stored projects changed; returns True when it was rebuilt."""
        key = corpus_key(session=session)
        if key == self.key:
            return False
        with self._lock:
            if key == self.key:
                return False
            self._start_build(project_documents(session=session), key, thread_name="eudesk-projects")
        return True

    def search_projects(self, text: str, *, k: int = 10, allowed: Iterable[int] | None = None,
                        exclude: Iterable[int] = ()) -> Result:
        """The k projects best matching a text (Danish or English), optionally only among `allowed` ids or without
        `exclude`; each explained; abstains when none is a good match. preparing=True while no index exists."""
        index = self._index
        semantic = self._semantic
        if index is None:
            return Result([], True, "", float("inf"), False, preparing=True)
        text = text[:MAX_QUERY_CHARS]
        ids: list[str] | None = None
        gone = {str(x) for x in exclude}
        if allowed is not None or gone:
            base = [str(x) for x in allowed] if allowed is not None else [d.id for d in index.docs]
            ids = [i for i in base if i not in gone]
        qv = None
        if semantic:
            from eudesk.matching.cache import cached_query

            qv = cached_query(index.cache, index.embedder, text)
        res = index.search(text, k=k, filter_ids=ids, query_vector=qv)
        hits = [
            Hit(
                topic_id=m.doc_id, score=float(m.score), good=bool(m.good),
                # without the model every passage has the same cosine: show only passages that share words
                passages=[PassageOut(p.text, float(p.score) if semantic else 0.0, p.source, list(p.terms))
                          for p in m.explanation.passages if semantic or p.terms],
                concepts=list(m.explanation.concepts), terms=list(m.explanation.terms),
                components={k2: float(v) for k2, v in m.explanation.components.items()
                            if semantic or not k2.startswith("dense")},
            )
            for m in res.matches
        ]
        return Result(hits, bool(res.abstained), res.query_lang, float(res.threshold), semantic, list(res.concepts))

    def _vectors_path(self) -> Path | None:
        """The shipped precomputed vectors of the bundled projects, if present."""
        return bundled_vectors_path()


_MATCHERS: dict[str, ProjectMatcher] = {}
_MATCHERS_LOCK = threading.Lock()


def get_project_matcher(*, settings: Settings, session: Session) -> ProjectMatcher:
    """The process's project matcher for this database (created on first use), refreshed when projects changed."""
    key = str(session.get_bind().url)
    with _MATCHERS_LOCK:
        matcher = _MATCHERS.get(key)
        if matcher is None or matcher.settings.embedder != settings.embedder:
            matcher = ProjectMatcher(settings)
            _MATCHERS[key] = matcher
    matcher.refresh(session=session)
    return matcher


def existing_matcher(*, session: Session) -> ProjectMatcher | None:
    """The process's project matcher for this database if the app made one (refreshed when projects changed)."""
    matcher = _MATCHERS.get(str(session.get_bind().url))
    if matcher is not None:
        matcher.refresh(session=session)
    return matcher
