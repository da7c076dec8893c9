"""A small BM25 inverted index in numpy: term -> (document rows, precomputed BM25 weights)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


class BM25:
    """Okapi BM25 over pre-analysed documents; scoring gathers each query term's posting list (CSR by term)."""

    def __init__(self, docs: Sequence[Iterable[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        vocab: dict[str, int] = {}
        doc_rows: list[int] = []
        term_ids: list[int] = []
        for row, d in enumerate(docs):
            for t in d:
                term_ids.append(vocab.setdefault(t, len(vocab)))
                doc_rows.append(row)
        self._init_arrays(vocab, np.asarray(doc_rows, dtype=np.int64), np.asarray(term_ids, dtype=np.int64),
                          len(docs), k1, b)

    @classmethod
    def from_arrays(cls, vocab: dict[str, int], doc_rows: np.ndarray, term_ids: np.ndarray, n_docs: int, *,
                    k1: float = 1.2, b: float = 0.75) -> BM25:
        """An index from parallel arrays of token occurrences (document row, term id) and the term vocabulary."""
        self = cls.__new__(cls)
        self._init_arrays(vocab, np.asarray(doc_rows, dtype=np.int64), np.asarray(term_ids, dtype=np.int64),
                          n_docs, k1, b)
        return self

    @classmethod
    def from_counts(cls, vocab: dict[str, int], doc_rows: np.ndarray, term_ids: np.ndarray, tf: np.ndarray,
                    lengths: np.ndarray, *, k1: float = 1.2, b: float = 0.75) -> BM25:
        """An index from unique (document row, term id, term frequency) triples and document lengths."""
        self = cls.__new__(cls)
        self._init_counts(vocab, doc_rows, term_ids, tf, lengths, k1, b)
        return self

    def _init_arrays(self, vocab: dict[str, int], doc_rows: np.ndarray, term_ids: np.ndarray, n_docs: int,
                     k1: float, b: float) -> None:
        lengths = np.bincount(doc_rows, minlength=n_docs)
        pair = term_ids * max(n_docs, 1) + doc_rows
        uniq, tf = np.unique(pair, return_counts=True)
        self._init_counts(vocab, uniq % max(n_docs, 1), uniq // max(n_docs, 1), tf, lengths, k1, b)

    def _init_counts(self, vocab: dict[str, int], doc_rows: np.ndarray, term_ids: np.ndarray, tf: np.ndarray,
                     lengths: np.ndarray, k1: float, b: float) -> None:
        self.k1, self.b = k1, b
        self.vocab = vocab
        n_docs = self.n_docs = len(lengths)
        n_terms = len(vocab)
        lengths = np.asarray(lengths, dtype=np.float32)
        avg = float(lengths.mean()) if n_docs and lengths.mean() > 0 else 1.0
        # CSR by term: postings of a term are contiguous, rows ascending within a term
        order = np.lexsort((doc_rows, term_ids))
        t_of = np.asarray(term_ids)[order]
        rows = np.asarray(doc_rows)[order].astype(np.int32)
        tfs = np.asarray(tf, dtype=np.float32)[order]
        df = np.bincount(t_of, minlength=n_terms)
        self.indptr = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
        self.idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = k1 * (1.0 - b + b * lengths[rows] / avg)
        self.rows = rows
        self.weights = (self.idf[t_of] * tfs * (k1 + 1.0) / (tfs + norm)).astype(np.float32)

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

    def score_groups(self, groups: Sequence[Sequence[tuple[str, ...]]]) -> np.ndarray:
        """Per group of alternatives (synonyms; a phrase is a tuple of bigrams, scored by their mean), the best
        alternative's BM25 weight per document: shape (groups, docs)."""
        out = np.zeros((len(groups), self.n_docs), dtype=np.float32)
        for g, alternatives in enumerate(groups):
            for alt in alternatives:
                if len(alt) == 1:
                    r, w = self.postings(alt[0])
                    if len(r):
                        # a posting list has unique rows, so fancy-index max is exact (and faster than ufunc.at)
                        out[g, r] = np.maximum(out[g, r], w)
                    continue
                acc = np.zeros(self.n_docs, dtype=np.float32)
                for term in alt:
                    r, w = self.postings(term)
                    if len(r):
                        acc[r] += w
                np.maximum(out[g], acc / len(alt), out=out[g])
        return out
