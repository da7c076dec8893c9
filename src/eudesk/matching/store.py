"""Precomputed vectors shipped with eudesk: one float16 .npz keyed by content hash (passages of a document set, or
queries such as the bundled demo tasks' questions)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from eudesk.matching.cache import KEY_BYTES, VectorCache, cached_query, text_key
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
    _write(path, keys, vectors, vector_space(embedder))
    return len(keys)


def export_query_vectors(path: str | os.PathLike[str], texts: Sequence[str], embedder: Embedder, *,
                         cache: VectorCache | None = None,
                         progress: Callable[[int, int], None] | None = None) -> int:
    """Embed (through the cache) each distinct text in the query role and write keys + float16 vectors, in the
    same file format (load_vectors reads both); returns the count."""
    cache = cache if cache is not None else VectorCache()
    uniq = list(dict.fromkeys(texts))
    vectors = []
    for i, t in enumerate(uniq):
        vectors.append(cached_query(cache, embedder, t))
        if progress:
            progress(i + 1, len(uniq))
    keys = [text_key(vector_space(embedder), "query", t) for t in uniq]
    _write(path, keys, np.stack(vectors) if vectors else np.zeros((0, embedder.dim), np.float32),
           vector_space(embedder))
    return len(keys)


def _write(path: str | os.PathLike[str], keys: list[bytes], vectors: np.ndarray, space: str) -> None:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp.npz")
    np.savez_compressed(
        tmp,
        keys=np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), KEY_BYTES),
        vectors=vectors.astype(np.float16),
        embedder=np.array(space),
        format=np.array(FORMAT),
    )
    os.replace(tmp, out)


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


def shipped_vectors_path(name: str) -> Path | None:
    """A precomputed vectors file shipped in eudesk/data/vectors, if present."""
    p = Path(str(resources.files("eudesk.data").joinpath("vectors", name)))
    return p if p.is_file() else None


def bundled_vectors_path() -> Path | None:
    """The precomputed vectors of the bundled calls shipped in eudesk/data/vectors, if present."""
    return shipped_vectors_path(BUNDLED_VECTORS)
