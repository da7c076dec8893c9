"""Precomputed passage vectors for a document set: one float16 .npz keyed by passage content hash."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from eudesk.matching.cache import KEY_BYTES, VectorCache, text_key
from eudesk.matching.embedder import Embedder, vector_space
from eudesk.matching.passages import Document, embedded_texts

FORMAT = "eudesk-passage-vectors/1"
BUNDLED_VECTORS = "bundled_calls.npz"


def export_vectors(path: str | os.PathLike[str], docs: Sequence[Document], embedder: Embedder, *,
                   cache: VectorCache | None = None, progress: Callable[[int, int], None] | None = None) -> int:
    """Embed (through the cache) every distinct passage of docs and write keys + float16 vectors; returns the count."""
    cache = cache if cache is not None else VectorCache()
    texts = embedded_texts(list(docs))
    vectors = cache.embed_passages(embedder, texts, progress=progress)
    keys = [text_key(vector_space(embedder), "passage", t) for t in texts]
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp.npz")
    np.savez_compressed(
        tmp,
        keys=np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), KEY_BYTES),
        vectors=vectors.astype(np.float16),
        embedder=np.array(vector_space(embedder)),
        format=np.array(FORMAT),
    )
    os.replace(tmp, out)
    return len(keys)


def load_vectors(path: str | os.PathLike[str], cache: VectorCache | None = None,
                 *, embedder_name: str | None = None, replace: bool = False) -> VectorCache:
    """Put a precomputed vectors file into a cache (a new in-memory one by default); checks the embedder name.

    Vectors the cache already holds are kept, unless replace is set (then the file's win)."""
    cache = cache if cache is not None else VectorCache()
    with np.load(path) as data:
        if str(data["format"]) != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} file")
        name = str(data["embedder"])
        if embedder_name is not None and name != embedder_name:
            raise ValueError(f"{path}: vectors of embedder {name!r}, not {embedder_name!r}")
        for k, v in zip(data["keys"], data["vectors"], strict=True):
            if replace or bytes(k) not in cache:
                cache.put(bytes(k), v, persist=False)  # already on disk in this file: not copied by flush()
    return cache


def bundled_vectors_path() -> Path | None:
    """The precomputed vectors of the bundled calls shipped in eudesk/data/vectors, if present."""
    p = Path(str(resources.files("eudesk.data").joinpath("vectors", BUNDLED_VECTORS)))
    return p if p.is_file() else None
