"""A content-hash vector cache: each text is embedded once per embedder; vectors live in .npz shards in a folder."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from eudesk.matching.embedder import Embedder, vector_space

KEY_BYTES = 16
Progress = Callable[[int, int], None]


def text_key(embedder_name: str, role: str, text: str) -> bytes:
    """The cache key of one text: blake2b of embedder name, role ('passage'/'query') and text."""
    h = hashlib.blake2b(digest_size=KEY_BYTES)
    for part in (embedder_name, role, text):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.digest()


class VectorCache:
    """content key -> float16 vector; new vectors are appended as a new shard on flush(), shards merge on compact()."""

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self._vectors: dict[bytes, np.ndarray] = {}
        self._pending: dict[bytes, np.ndarray] = {}
        if self.folder is not None and self.folder.is_dir():
            for shard in sorted(self.folder.glob("vectors-*.npz")):
                self._load_shard(shard)

    def _load_shard(self, path: Path) -> None:
        with np.load(path) as data:
            keys, vecs = data["keys"], data["vectors"]
        for k, v in zip(keys, vecs, strict=True):
            self._vectors[bytes(k)] = v

    def __len__(self) -> int:
        return len(self._vectors)

    def __contains__(self, key: bytes) -> bool:
        return key in self._vectors

    def get(self, key: bytes) -> np.ndarray | None:
        """The cached vector (float16) or None."""
        return self._vectors.get(key)

    def put(self, key: bytes, vector: np.ndarray, *, persist: bool = True) -> None:
        """Remember a vector (stored as float16); written to disk by flush() unless persist is False (vectors
        that already live in another file, such as precomputed ones)."""
        v = np.asarray(vector, dtype=np.float16)
        self._vectors[key] = v
        if persist:
            self._pending[key] = v

    def flush(self) -> None:
        """Write vectors added since the last flush as a new shard (atomically); no-op without a folder."""
        if self.folder is None or not self._pending:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"vectors-{len(list(self.folder.glob('vectors-*.npz'))):05d}-{uuid.uuid4().hex[:8]}.npz"
        _save(self.folder / name, list(self._pending), np.stack(list(self._pending.values())))
        self._pending.clear()

    def compact(self) -> None:
        """Merge all shards into one file."""
        if self.folder is None:
            return
        self.flush()
        old = sorted(self.folder.glob("vectors-*.npz"))
        if len(old) <= 1:
            return
        _save(self.folder / f"vectors-00000-{uuid.uuid4().hex[:8]}.npz", list(self._vectors),
              np.stack(list(self._vectors.values())))
        for path in old:
            path.unlink()

    def embed_passages(self, embedder: Embedder, texts: Sequence[str], *, batch: int = 64,
                       progress: Progress | None = None) -> np.ndarray:
        """float32 vectors of texts in the passage role: cached ones looked up, the others embedded and cached."""
        keys = [text_key(vector_space(embedder), "passage", t) for t in texts]
        todo: dict[bytes, str] = {}
        for k, t in zip(keys, texts, strict=True):
            if k not in self._vectors and k not in todo:
                todo[k] = t
        items = list(todo.items())
        done = 0
        if progress:
            progress(0, len(items))
        for i in range(0, len(items), batch):
            part = items[i : i + batch]
            vecs = embedder.passages([t for _, t in part])
            for (k, _), v in zip(part, vecs, strict=True):
                self.put(k, v)
            done += len(part)
            if progress:
                progress(done, len(items))
            # Long runs survive interruption: every ~2,000 new vectors go to disk.
            if len(self._pending) >= 2000:
                self.flush()
        self.flush()
        if not keys:
            return np.zeros((0, embedder.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)


def _save(path: Path, keys: list[bytes], vectors: np.ndarray) -> None:
    tmp = path.with_suffix(".tmp.npz")
    key_arr = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), KEY_BYTES)
    np.savez(tmp, keys=key_arr, vectors=vectors.astype(np.float16))
    os.replace(tmp, path)


def cached_query(cache: VectorCache, embedder: Embedder, text: str) -> np.ndarray:
    """A query vector (float32) through the cache: embedded in the query role only when not cached yet.

    Always the cached (float16) value, also right after embedding, so a score never depends on whether the vector
    was in the cache already (passages work the same way)."""
    key = text_key(vector_space(embedder), "query", text)
    hit = cache.get(key)
    if hit is None:
        cache.put(key, embedder.query(text))
        hit = cache.get(key)
        assert hit is not None
    return hit.astype(np.float32)
