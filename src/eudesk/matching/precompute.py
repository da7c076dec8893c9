"""Precompute passage vectors of the bundled calls: ``python -m eudesk.matching.precompute OUT [--cache DIR]``."""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from eudesk.matching.passages import Document

_ID_LIKE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]*-[A-Z0-9_.-]+$")
_ART = re.compile(r"^\(art\.?\s*\d+\)\s*", re.IGNORECASE)


def clean_keywords(keywords: str, *ids: str) -> str:
    """Keywords without topic/call identifiers, article prefixes and repeats, comma-separated."""
    seen: dict[str, None] = {}
    skip = {i.strip().upper() for i in ids if i}
    for part in keywords.split(","):
        word = _ART.sub("", part.strip())
        if not word or word.upper() in skip or _ID_LIKE.match(word):
            continue
        seen.setdefault(word, None)
    return ", ".join(seen)


def topic_document(record: Any) -> Document:
    """A matching Document from a calls TopicRecord (duck-typed, so this module needs no calls import)."""
    keywords = clean_keywords(record.keywords or "", record.topic_id, record.call_identifier or "")
    return Document(
        id=record.topic_id,
        title=record.title,
        text=record.description or "",
        fields={"keywords": keywords, "programme_id": record.programme_id, "status": record.status,
                "call_title": record.call_title, "action_type": record.action_type},
    )


def bundled_documents() -> list[Document]:
    """Documents of the call snapshot bundled with eudesk."""
    from eudesk.calls.sources.bundled import read_bundled

    return [topic_document(rec) for rec, _ in read_bundled()]


def precompute_main(argv: Iterable[str] | None, *, prog: str, what: str, example_out: str,
                    documents: Callable[[], list[Document]] | None = None,
                    questions: Callable[[], list[str]] | None = None, default_embedder: str = "auto") -> int:
    """Command line of a precompute script: embed the documents' passages (or the questions, in the query role) and
    write them as one float16 .npz file. what names them in the help ("calls' passages", "demo tasks' questions")."""
    from eudesk.matching.cache import VectorCache
    from eudesk.matching.embedder import make_embedder
    from eudesk.matching.store import export_query_vectors, export_vectors

    items = "questions" if questions is not None else "passages"
    parser = argparse.ArgumentParser(prog=prog, description=f"Embed the bundled {what} with the real model "
                                                            "and write them as one float16 .npz file.")
    parser.add_argument("out", help=f"output .npz file (e.g. {example_out})")
    parser.add_argument("--cache", default="var/cache/embeddings", help="content-hash vector cache folder")
    parser.add_argument("--embedder", default=default_embedder,
                        help=f"embedder kind for make_embedder (default {default_embedder}; runtimes of the same "
                             "model share one vector space)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    embedder = make_embedder(args.embedder)
    cache = VectorCache(args.cache)
    t0 = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\rembedding {items} {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    if questions is not None:
        n = export_query_vectors(args.out, questions(), embedder, cache=cache, progress=progress)
        summary = f"{n} query vectors"
    else:
        assert documents is not None, "give documents or questions"
        docs = documents()
        n = export_vectors(args.out, docs, embedder, cache=cache, progress=progress)
        summary = f"{n} passage vectors of {len(docs)} documents"
    cache.flush()
    print(f"{summary} ({embedder.name}) -> {args.out} in {time.perf_counter() - t0:.0f}s")
    return 0


def main(argv: Iterable[str] | None = None) -> int:
    """Embed the bundled calls' passages with the real model and write them as one float16 .npz file."""
    return precompute_main(argv, prog="python -m eudesk.matching.precompute", what="calls' passages",
                           documents=bundled_documents, example_out="src/eudesk/data/vectors/bundled_calls.npz")


if __name__ == "__main__":
    sys.exit(main())
