"""Web suite: first-start time of `eudesk serve` and p50/p95 latency of the calls pages under 20 concurrent clients.

    .venv/bin/python -m benchmarks web [--json OUT] [--quick]

No case files: the inputs are the bundled calls. Everything runs on loopback on this machine, so the clients share
its 2 cores with the server; the baselines (a static file, the raw JSON twins) are measured in the same run under
the same load, and the ratios page/baseline are what carries over to other machines.

The server gets EUDESK_TODAY=2026-08-12 and EUDESK_EMBEDDER=fake unless the environment sets them: this suite
measures the web layer and the first start, not the embedding model (the embedder suite does).
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks._common import percentile, print_table, ratio, write_json

CLIENTS = 20
TODAY = "2026-08-12"
# name -> (path, what it is); the first two are eudesk's pages, the rest the baselines of the same run.
SCENARIOS: dict[str, str] = {
    "calls_list": "/calls?lang=en",
    "filtered_search": "/calls?lang=en&programme=HORIZON&status=open&q=climate",
}
BASELINES: dict[str, str] = {
    "static_file": "/static/eudesk.css",
    "calls_list_json": "/calls.json",
    "filtered_search_json": "/calls.json?programme=HORIZON&status=open&q=climate",
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("EUDESK_TODAY", TODAY)
    env.setdefault("EUDESK_EMBEDDER", "fake")
    env["EUDESK_DATA_DIR"] = str(data_dir)
    env.pop("EUDESK_DATABASE_URL", None)  # a fresh SQLite database in the data folder, every time
    return env


class Server:
    """`eudesk serve` as a subprocess on a free loopback port."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = data_dir.parent / f"serve-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start the server; seconds until /calls first answers 200."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "eudesk.cli.main", "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--data-dir", str(self.data_dir)]
        t0 = time.perf_counter()
        with self.log.open("wb") as log:
            # cwd is the empty parent folder, so that no .env of the project changes the settings
            self.proc = subprocess.Popen(cmd, cwd=self.data_dir.parent, env=_server_env(self.data_dir), stdout=log,
                                         stderr=subprocess.STDOUT)
        with httpx.Client(timeout=5.0) as client:
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"eudesk serve exited with {self.proc.returncode}; see {self.log}")
                try:
                    if client.get(f"{self.base}/calls").status_code == 200:
                        return time.perf_counter() - t0
                except httpx.TransportError:
                    pass
                if time.perf_counter() - t0 > 600:
                    raise RuntimeError(f"eudesk serve did not answer within 600 s; see {self.log}")
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 15 s)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def measure_import(tmp: Path) -> dict[str, float]:
    """Seconds of each start-up step on a fresh database, in this process: migrations and each bundled loader."""
    import importlib

    from eudesk.config import Settings
    from eudesk.db import make_engine, make_sessionmaker, upgrade
    from eudesk.web.app import BOOTSTRAP

    settings = Settings(data_dir=tmp, database_url=None, today=TODAY, embedder="fake")
    engine = make_engine(settings)
    out: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        upgrade(engine)
        out["migrate_s"] = time.perf_counter() - t0
        sm = make_sessionmaker(engine)
        for target in BOOTSTRAP:
            module, func = target.split(":")
            loader = getattr(importlib.import_module(module), func)
            t0 = time.perf_counter()
            with sm.begin() as session:
                loader(session=session, settings=settings)
            out[f"{module.removeprefix('eudesk.').split('.')[0]}_import_s"] = time.perf_counter() - t0
    finally:
        engine.dispose()
    return out


def load(base: str, path: str, requests: int, clients: int = CLIENTS) -> dict[str, Any]:
    """`requests` GETs of path by `clients` threads, each with its own connection; latency per request."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    start = threading.Barrier(clients)

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=60.0) as client:
            client.get(path)  # connect and warm this client's connection, untimed
            start.wait()
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                t = time.perf_counter()
                try:
                    r = client.get(path)
                    ok = r.status_code == 200
                except httpx.HTTPError as exc:
                    ok, r = False, None
                    with lock:
                        errors.append(type(exc).__name__)
                ms = (time.perf_counter() - t) * 1000.0
                with lock:
                    if ok:
                        latencies.append(ms)
                    elif r is not None:
                        errors.append(str(r.status_code))

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    return {"requests": requests, "clients": clients, "ok": len(latencies), "errors": len(errors),
            "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
            "mean_ms": statistics.fmean(latencies) if latencies else float("nan"),
            "throughput_rps": len(latencies) / wall if wall else 0.0}


def run(cases_files: list[str] | None = None, json_out: str | None = None, quick: bool = False) -> int:
    """Run the web suite; prints tables and writes --json. Returns 0 when it ran."""
    if cases_files:
        print(f"(the web suite reads no case files; ignoring {', '.join(cases_files)})", file=sys.stderr)
    starts = 1 if quick else 3
    requests = 200 if quick else 600
    tmp = Path(tempfile.mkdtemp(prefix="eudesk-web-bench-"))
    try:
        first: list[float] = []
        server: Server | None = None
        for i in range(starts):
            if server:
                server.stop()
            server = Server(tmp / f"run{i}" / "data")
            first.append(server.start())
            print(f"first start {i + 1}/{starts}: {first[-1]:.2f} s", file=sys.stderr)
        assert server is not None
        try:
            results: dict[str, dict[str, Any]] = {}
            for name, path in {**SCENARIOS, **BASELINES}.items():
                load(server.base, path, 2 * CLIENTS)  # warm caches of the server
                results[name] = load(server.base, path, requests)
                print(f"{name}: p50 {results[name]['p50_ms']:.1f} ms", file=sys.stderr)
        finally:
            server.stop()
        steps = measure_import(tmp / "import")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    first_median = statistics.median(first)
    print_table(
        "First start of `eudesk serve` on a fresh data folder (until /calls answers)",
        ["measure", "seconds"],
        [[f"first start, median of {starts}", first_median], *[[f"  run {i + 1}", s] for i, s in enumerate(first)],
         *[[k.removesuffix("_s").replace("_", " ") + " (in-process, fresh DB)", v] for k, v in steps.items()]],
    )
    static = results["static_file"]["p50_ms"]
    rows = []
    for name in [*SCENARIOS, *BASELINES]:
        r = results[name]
        rows.append([name, {**SCENARIOS, **BASELINES}[name], r["ok"], r["errors"], r["p50_ms"], r["p95_ms"],
                     r["throughput_rps"], ratio(r["p50_ms"], static)])
    print_table(f"Latency under {CLIENTS} concurrent clients, {requests} requests each, one uvicorn worker, loopback",
                ["scenario", "path", "ok", "errors", "p50 ms", "p95 ms", "req/s", "p50 vs static"], rows)
    list_vs_json = ratio(results["calls_list"]["p50_ms"], results["calls_list_json"]["p50_ms"])
    search_vs_json = ratio(results["filtered_search"]["p50_ms"], results["filtered_search_json"]["p50_ms"])
    print(f"\npage vs its JSON twin (p50): calls list {list_vs_json}, filtered search {search_vs_json}")

    write_json(json_out, {
        "suite": "web",
        "cases": requests,
        "eudesk": {
            "first_start_s": first_median,
            "first_start_runs_s": first,
            **steps,
            "calls_list": results["calls_list"],
            "filtered_search": results["filtered_search"],
        },
        "baselines": {name: results[name] for name in BASELINES},
        "latency_ms": {"p50": results["calls_list"]["p50_ms"], "p95": results["calls_list"]["p95_ms"],
                       "filtered_p50": results["filtered_search"]["p50_ms"],
                       "filtered_p95": results["filtered_search"]["p95_ms"]},
        "ratios": {
            "calls_list_p50_vs_static": results["calls_list"]["p50_ms"] / static if static else None,
            "filtered_search_p50_vs_static": results["filtered_search"]["p50_ms"] / static if static else None,
            "calls_list_p50_vs_json": results["calls_list"]["p50_ms"] / results["calls_list_json"]["p50_ms"],
            "filtered_search_p50_vs_json":
                results["filtered_search"]["p50_ms"] / results["filtered_search_json"]["p50_ms"],
        },
        "settings": {"clients": CLIENTS, "requests": requests, "starts": starts,
                     "today": os.environ.get("EUDESK_TODAY", TODAY),
                     "embedder": os.environ.get("EUDESK_EMBEDDER", "fake")},
    })
    return 0
