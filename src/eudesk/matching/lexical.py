"""A small BM25 inverted index in numpy: term -> (document rows, precomputed BM25 weights)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np


class BM25:
    """Okapi BM25 over pre-analysed documents (lists of index terms); scoring is one bincount per term group."""

    def __init__(self, docs: Sequence[Iterable[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        counts = [Counter(d) for d in docs]
        self.n_docs = len(counts)
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float32)
        avg = float(lengths.mean()) if self.n_docs and lengths.mean() > 0 else 1.0
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for row, c in enumerate(counts):
            for term, tf in c.items():
                p = postings.setdefault(term, ([], []))
                p[0].append(row)
                p[1].append(tf)
        self.vocab: dict[str, int] = {}
        indptr = [0]
        rows: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        self.idf = np.zeros(len(postings), dtype=np.float32)
        for i, (term, (r, tfs)) in enumerate(postings.items()):
            self.vocab[term] = i
            r_arr = np.asarray(r, dtype=np.int32)
            tf = np.asarray(tfs, dtype=np.float32)
            df = len(r)
            idf = math.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5))
            self.idf[i] = idf
            norm = k1 * (1.0 - b + b * lengths[r_arr] / avg)
            rows.append(r_arr)
            weights.append((idf * tf * (k1 + 1.0) / (tf + norm)).astype(np.float32))
            indptr.append(indptr[-1] + df)
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int32)
        self.weights = np.concatenate(weights) if weights else np.zeros(0, dtype=np.float32)

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, BM25 weights) of one term; empty arrays for an unknown term."""
        i = self.vocab.get(term)
        if i is None:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        s, e = self.indptr[i], self.indptr[i + 1]
        return self.rows[s:e], self.weights[s:e]

    def term_idf(self, term: str) -> float:
        """The term's idf (0 for unknown terms)."""
        i = self.vocab.get(term)
        return float(self.idf[i]) if i is not None else 0.0

    def score(self, weighted_terms: dict[str, float]) -> np.ndarray:
        """Sum over terms of query weight x BM25 weight, for every document."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for term, qw in weighted_terms.items():
            r, w = self.postings(term)
            if len(r):
                out[r] += qw * w
        return out

    def score_groups(self, groups: Sequence[Sequence[str]]) -> np.ndarray:
        """Per group of alternative terms (synonyms), the best BM25 weight per document: shape (groups, docs)."""
        out = np.zeros((len(groups), self.n_docs), dtype=np.float32)
        for g, terms in enumerate(groups):
            for term in terms:
                r, w = self.postings(term)
                if len(r):
                    np.maximum.at(out[g], r, w) if False else _max_into(out[g], r, w)
        return out


def _max_into(target: np.ndarray, rows: np.ndarray, values: np.ndarray) -> None:
    # rows of one term's posting list are unique, so fancy-index max is exact and much faster than ufunc.at
    target[rows] = np.maximum(target[rows], values)
