"""Precompute passage vectors of the bundled projects: ``python -m eudesk.projects.precompute OUT [--cache DIR]``."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def bundled_documents() -> list[Any]:
    """Documents of the bundled knowledge base, read back from a scratch database so that their texts are exactly
    what the app stores (repaired, cut to column length)."""
    from eudesk.config import Settings
    from eudesk.db import make_engine, make_sessionmaker, upgrade
    from eudesk.projects.matcher import project_documents
    from eudesk.projects.service import load_bundled

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/scratch.db", load_bundled_data=False)
        engine = make_engine(settings)
        try:
            upgrade(engine)
            with make_sessionmaker(engine).begin() as session:
                load_bundled(session=session, settings=settings)
                return project_documents(session=session)
        finally:
            engine.dispose()


def _progress(done: int, total: int) -> None:
    print(f"\rembedding passages {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def main(argv: Iterable[str] | None = None) -> int:
    """Embed the bundled projects' passages with the real model and write them as one float16 .npz file."""
    from eudesk.matching.cache import VectorCache
    from eudesk.matching.embedder import make_embedder
    from eudesk.matching.store import export_vectors

    parser = argparse.ArgumentParser(prog="python -m eudesk.projects.precompute", description=__doc__)
    parser.add_argument("out", help="output .npz file (e.g. src/eudesk/data/vectors/bundled_projects.npz)")
    parser.add_argument("--cache", default="var/cache/embeddings", help="content-hash vector cache folder")
    parser.add_argument("--embedder", default="auto", help="embedder kind for make_embedder (the app's default)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    docs = bundled_documents()
    embedder = make_embedder(args.embedder)
    cache = VectorCache(args.cache)
    t0 = time.perf_counter()
    n = export_vectors(args.out, docs, embedder, cache=cache, progress=_progress)
    cache.flush()
    print(f"{n} passage vectors of {len(docs)} documents ({embedder.name}) -> {args.out} "
          f"in {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
