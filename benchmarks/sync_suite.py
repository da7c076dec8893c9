"""Suite `sync`: how fast `calls sync` takes in the portal's answers, against parsing alone, in one run.

Serves the recorded raw search responses (default: ../shared/data/calls/sedia_raw/*.json) from the local stub
portal on 127.0.0.1, replicated with changed identifiers to about 1,000 topics over pages of 100, and times:
- baseline `parse_only`: json.loads + parse_search_response of the same pages, no HTTP, no database;
- baseline `fetch_only`: the HTTP paging alone (client + stub server), no parsing, no database;
- eudesk `first_sync`: a full sync into an empty SQLite catalogue (HTTP, parsing, inserts, change records, commit);
- eudesk `resync`: the same data again (nothing changes, nothing is recorded).
Figures are topics per second (unique topics stored), median of several runs; the politeness interval is 0 here
(it is a sleep, not work).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._common import peak_rss_mb, print_table, ratio, write_json

DEFAULT_FILES = [Path("/work/shared/data/calls/sedia_raw/search_results_53_topics.json"),
                 Path("/work/shared/data/calls/sedia_raw/search_page_topics.json")]
TARGET_TOPICS = 1000
PAGE_SIZE = 100
HORIZON = "43108390"


def _rows(files: list[Path]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows += data["results"] if isinstance(data, dict) else []
    return rows


def _programmes(rows: list[dict[str, Any]]) -> list[str]:
    ids = {str((r.get("metadata") or {}).get("frameworkProgramme", [""])[0]) for r in rows}
    return sorted(i for i in ids if i) or [HORIZON]


def run(cases_files: list[str], json_out: str | None = None, quick: bool = False) -> int:
    """Run the suite on raw search response files and print/write the figures."""
    from sqlalchemy import func, select
    from tests.calls.stub_portal import StubPortal, renamed

    from eudesk.calls.models import Call
    from eudesk.calls.sources.ft_portal import (
        ParseStats,
        PortalClient,
        SyncSummary,
        merge_duplicates,
        parse_search_response,
        sync,
    )
    from eudesk.config import Settings
    from eudesk.db import make_engine, make_sessionmaker, upgrade

    files = [Path(f) for f in cases_files] or DEFAULT_FILES
    base = _rows(files)
    if not base:
        print("no search results in the given files", file=sys.stderr)
        return 1
    rows = renamed(base, max(1, -(-TARGET_TOPICS // len(base))))
    programmes = _programmes(rows)
    runs = 2 if quick else 5
    pages = [{"totalResults": len(rows), "results": rows[i:i + PAGE_SIZE]} for i in range(0, len(rows), PAGE_SIZE)]
    payloads = [json.dumps(p) for p in pages]

    def parse_only() -> int:
        records = []
        for n, text in enumerate(payloads, start=1):
            records += parse_search_response(json.loads(text), source=f"page {n}", stats=ParseStats(),
                                             resolve_conflicts=True)
        return len(merge_duplicates(records))

    figures: dict[str, list[float]] = {"parse_only": [], "fetch_only": [], "first_sync": [], "resync": []}
    topics = parse_only()
    print(f"sync suite: {len(rows)} rows from {', '.join(f.name for f in files)} replicated; {topics} unique "
          f"topics on {len(pages)} pages of {PAGE_SIZE}; {runs} runs", file=sys.stderr)
    with StubPortal(rows) as stub, tempfile.TemporaryDirectory() as tmp:
        def client() -> PortalClient:
            return PortalClient(url=stub.url, programmes=programmes, page_size=PAGE_SIZE, min_interval_s=0.0,
                                retries=0, timeout_s=60)

        for i in range(runs):
            t = time.perf_counter()
            parse_only()
            figures["parse_only"].append(time.perf_counter() - t)

            t = time.perf_counter()
            with client() as c:
                for _ in c.pages():
                    pass
            figures["fetch_only"].append(time.perf_counter() - t)

            settings = Settings(data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/sync{i}.sqlite3",
                                load_bundled_data=False, portal_min_interval_s=0.0, embedder="fake")
            engine = make_engine(settings)
            upgrade(engine)
            sm = make_sessionmaker(engine)
            for label in ("first_sync", "resync"):
                fetched = SyncSummary()
                t = time.perf_counter()
                with client() as c, sm.begin() as session:
                    summary = sync(session=session, settings=settings, client=c, programmes=programmes,
                                   fetched=fetched)
                figures[label].append(time.perf_counter() - t)
                expect_new = topics if label == "first_sync" else 0
                if summary.new != expect_new or summary.changed or summary.disappeared:
                    print(f"warning: {label} run {i + 1}: {summary.new} new, {summary.changed} changed, "
                          f"{summary.disappeared} disappeared (expected {expect_new} new)", file=sys.stderr)
            with sm() as s:
                stored = s.scalar(select(func.count(Call.id)))
            if stored != topics:
                print(f"warning: {stored} topics stored, expected {topics}", file=sys.stderr)
            engine.dispose()
            print(f"  run {i + 1}/{runs} done", file=sys.stderr)

    med = {k: statistics.median(v) for k, v in figures.items()}
    rate = {k: topics / v if v else 0.0 for k, v in med.items()}
    base_rate = rate["parse_only"]
    table = [
        ("parse_only (baseline)", f"{med['parse_only']:.3f}", f"{rate['parse_only']:.0f}", "1.00x"),
        ("fetch_only (baseline)", f"{med['fetch_only']:.3f}", f"{rate['fetch_only']:.0f}",
         ratio(rate["fetch_only"], base_rate)),
        ("eudesk first_sync", f"{med['first_sync']:.3f}", f"{rate['first_sync']:.0f}",
         ratio(rate["first_sync"], base_rate)),
        ("eudesk resync (no change)", f"{med['resync']:.3f}", f"{rate['resync']:.0f}",
         ratio(rate["resync"], base_rate)),
    ]
    print_table(f"calls sync throughput: {topics} topics, {len(pages)} pages, median of {runs} runs",
                ["what", "seconds", "topics/s", "vs parse_only"], table)
    payload = {
        "suite": "sync",
        "cases": topics,
        "rows": len(rows),
        "pages": len(pages),
        "runs": runs,
        "eudesk": {
            "first_sync_topics_per_s": round(rate["first_sync"], 1),
            "resync_topics_per_s": round(rate["resync"], 1),
            "first_sync_s": round(med["first_sync"], 4),
            "resync_s": round(med["resync"], 4),
        },
        "baselines": {
            "parse_only": {"topics_per_s": round(rate["parse_only"], 1), "seconds": round(med["parse_only"], 4)},
            "fetch_only": {"topics_per_s": round(rate["fetch_only"], 1), "seconds": round(med["fetch_only"], 4)},
        },
        "seconds_all_runs": {k: [round(x, 4) for x in v] for k, v in figures.items()},
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    write_json(json_out, payload)
    return 0
