"""Build-once cache of the ONNX graph, keyed by the weight file's checksum, the runtime's version and the recipe."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .weights import file_sha256


def default_cache_dir() -> Path:
    """$EUDESK_CACHE_DIR, else $XDG_CACHE_HOME/eudesk, else ~/.cache/eudesk."""
    env = os.environ.get("EUDESK_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "eudesk"


def weights_checksum(weights_path: Path, cache_dir: Path) -> str:
    """SHA-256 of the weight file, remembered beside the cache by (path, size, mtime) so start-up needs no re-hash."""
    st = weights_path.stat()
    stamp_file = cache_dir / "weights-sha256.json"
    ident = {"path": str(weights_path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    try:
        stamp = json.loads(stamp_file.read_text())
        if stamp.get("ident") == ident and isinstance(stamp.get("sha256"), str):
            return str(stamp["sha256"])
    except (OSError, ValueError):
        pass
    sha = file_sha256(weights_path)
    _atomic_write(stamp_file, json.dumps({"ident": ident, "sha256": sha}).encode())
    return sha


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    os.fchmod(fd, 0o644)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached_model(*, cache_dir: Path, checksum: str, runtime_version: str, recipe: str,
                 build: Callable[[], bytes], part: str = "main") -> Path:
    """Path of the cached graph for this key and part, building it (with a line on stderr) when missing or stale.

    Graphs of other weights, runtimes or recipes are deleted once a new one is built; the parts of one recipe
    (e.g. "main" and "short") live side by side.
    """
    sub = cache_dir / "fast_embedder"
    stem = f"e5-small-{checksum[:16]}-ort{runtime_version}-{recipe}"
    path = sub / f"{stem}.{part}.onnx"
    meta_path = sub / f"{stem}.{part}.json"
    meta = {"weights_sha256": checksum, "runtime_version": runtime_version, "recipe": recipe, "part": part}
    try:
        if path.is_file() and json.loads(meta_path.read_text()) == meta:
            return path
    except (OSError, ValueError):
        pass
    print(f"eudesk: building the fast embedder's {part} graph for onnxruntime {runtime_version} "
          f"(one-time, cached in {sub}) ...", file=sys.stderr, flush=True)
    t0 = time.monotonic()
    data = build()
    _atomic_write(path, data)
    _atomic_write(meta_path, json.dumps(meta).encode())
    # drop graphs of other weights, runtimes or recipes: they are stale now
    for old in sub.glob("e5-small-*"):
        if not old.name.startswith(stem + ".") and old.suffix in (".onnx", ".json"):  # parts share the stem
            old.unlink(missing_ok=True)
    print(f"eudesk: fast embedder's {part} graph built in {time.monotonic() - t0:.1f}s", file=sys.stderr, flush=True)
    return path
