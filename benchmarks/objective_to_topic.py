"""Suite objective-to-topic: find the H2020 topic a real CORDIS project was funded under, from its title+objective.

eudesk: the hybrid index over topic titles enriched with what their code's programme parts mean, plus two priors a
user's desk knows without labels: how many projects each topic funded (counted without the evaluated projects) and
whether the topic's year fits the project's start date. Baselines: plain BM25 (bm25s, English stemming) and plain
dense e5 over the titles, and their reciprocal-rank fusion. Labels are read only to score the rankings.
"""

from __future__ import annotations

import csv
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks._common import (
    bench_cache,
    bench_embedder,
    mean,
    peak_rss_mb,
    percentile,
    print_table,
    progress_printer,
    ratio,
    reciprocal_rank,
    rrf,
    time_calls,
    write_json,
)
from benchmarks.task_to_call import replicated
from eudesk.matching.cache import cached_query
from eudesk.matching.index import Index
from eudesk.matching.passages import Document
from eudesk.matching.topiccodes import code_description, year_log_prior

TOPICS_CSV = Path("/work/shared/data/cordis/h2020/project_topics.csv")
DEPTH = 100
# Weight of log(1 + number of projects a topic funded): a topic that funded thousands of projects (SME instrument,
# individual fellowships) is a priori far likelier than one that funded a single project.
POPULARITY_WEIGHT = 0.5
SCALED_PASSAGES = 100_000


def load_topics(path: Path, exclude_projects: set[str]) -> tuple[dict[str, str], Counter[str]]:
    """Topic code -> title, and projects per topic counted without the excluded projects' rows."""
    titles: dict[str, str] = {}
    counts: Counter[str] = Counter()
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            titles.setdefault(row["topic"], row["title"])
            if row["projectID"] not in exclude_projects:
                counts[row["topic"]] += 1
    return titles, counts


def topic_documents(titles: dict[str, str]) -> list[Document]:
    """One document per topic code: its title, and as text what the code's programme parts stand for."""
    return [Document(code, title, code_description(code)) for code, title in sorted(titles.items())]


def query_text(q: dict[str, Any]) -> str:
    """What a user would paste: the project's title and objective."""
    return f"{q['title']}. {q['objective']}"


def start_year(q: dict[str, Any]) -> int | None:
    """The year of the project's start date, if given."""
    s = str(q.get("start_date") or "")
    return int(s[:4]) if s[:4].isdigit() else None


def run(cases_files: list[str], json_out: str | None = None, quick: bool = False) -> int:
    """Rank topics for every project with eudesk and the baselines, print and optionally write the figures."""
    import bm25s
    import Stemmer

    t_start = time.perf_counter()
    queries: list[dict[str, Any]] = []
    for f in cases_files:
        with open(f, encoding="utf-8") as fh:
            queries.extend(json.loads(line) for line in fh if line.strip())
    titles, counts = load_topics(TOPICS_CSV, {str(q["id"]) for q in queries})
    docs = topic_documents(titles)
    ids = [d.id for d in docs]
    embedder = bench_embedder()
    cache = bench_cache(embedder)
    print(f"objective-to-topic: {len(queries)} projects, {len(docs)} topic codes, embedder {embedder.name}")

    t0 = time.perf_counter()
    index = Index.build(docs, embedder, cache, progress=progress_printer("embedding topic passages"))
    build_s = time.perf_counter() - t0
    title_vecs = cache.embed_passages(embedder, [d.title for d in docs], progress=progress_printer("titles"))
    stemmer = Stemmer.Stemmer("english")
    bm = bm25s.BM25()
    bm.index(bm25s.tokenize([d.title for d in docs], stopwords="en", stemmer=stemmer, return_ids=False,
                            show_progress=False), show_progress=False)
    qvecs = [cached_query(cache, embedder, query_text(q)) for q in queries]
    cache.flush()
    popularity = np.array([math.log1p(counts.get(i, 0)) for i in ids], dtype=np.float32)

    runs: dict[str, list[list[str]]] = {"eudesk": [], "bm25": [], "dense": [], "rrf": [], "eudesk_no_priors": []}
    for q, qv in zip(queries, qvecs, strict=True):
        text = query_text(q)
        year = start_year(q)
        prior = POPULARITY_WEIGHT * popularity + np.array([year_log_prior(i, year) for i in ids], dtype=np.float32)
        runs["eudesk"].append([m.doc_id for m in index.search(text, k=DEPTH, query_vector=qv, lang="en",
                                                              prior=prior).matches])
        runs["eudesk_no_priors"].append([m.doc_id for m in index.search(text, k=DEPTH, query_vector=qv,
                                                                        lang="en").matches])
        toks = bm25s.tokenize([text], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)
        res, sc = bm.retrieve(toks, k=DEPTH, show_progress=False)
        bm_rank = [ids[int(i)] for i, s in zip(res[0], sc[0], strict=True) if s > 0]
        dense_rank = [ids[int(i)] for i in np.argsort(-(title_vecs @ qv), kind="stable")[:DEPTH]]
        runs["bm25"].append(bm_rank)
        runs["dense"].append(dense_rank)
        runs["rrf"].append(rrf([bm_rank, dense_rank])[:DEPTH])

    golds = [{q["gold_topic"]} for q in queries]
    figures = {name: {"recall@1": mean([float(bool(r[:1]) and r[0] in g) for r, g in zip(rs, golds, strict=True)]),
                      "recall@10": mean([float(bool(set(r[:10]) & g)) for r, g in zip(rs, golds, strict=True)]),
                      "mrr": mean([reciprocal_rank(r, g) for r, g in zip(rs, golds, strict=True)])}
               for name, rs in runs.items()}

    texts = [query_text(q) for q in queries]
    pos = {"i": 0}

    def one(idx: Index, with_vec: bool) -> None:
        i = pos["i"] = (pos["i"] + 1) % len(texts)
        idx.search(texts[i], k=10, query_vector=qvecs[i] if with_vec else None, lang="en")

    repeat = 20 if quick else 50
    full = time_calls(lambda: one(index, False), repeat)
    only = time_calls(lambda: one(index, True), repeat)
    perf: dict[str, Any] = {
        "corpus_docs": len(docs), "corpus_passages": index.n_embedded, "build_s": build_s,
        "build_docs_per_s": len(docs) / build_s if build_s else 0.0,
        "latency_ms": {"p50": percentile(full, 50), "p95": percentile(full, 95),
                       "search_only_p50": percentile(only, 50), "search_only_p95": percentile(only, 95)},
    }
    if not quick:
        big_docs = replicated(docs, SCALED_PASSAGES, index.n_passages / len(docs))
        t0 = time.perf_counter()
        big = Index.build(big_docs, embedder, cache)
        big_s = time.perf_counter() - t0
        full = time_calls(lambda: one(big, False), repeat)
        only = time_calls(lambda: one(big, True), repeat)
        perf["scaled"] = {"docs": len(big_docs), "passages": big.n_embedded, "build_s": big_s,
                          "build_docs_per_s": len(big_docs) / big_s,
                          "latency_ms": {"p50": percentile(full, 50), "p95": percentile(full, 95),
                                         "search_only_p50": percentile(only, 50),
                                         "search_only_p95": percentile(only, 95)}}
        del big
    perf["peak_rss_mb"] = peak_rss_mb()

    _print(figures, perf)
    best = max(figures[b]["mrr"] for b in ("bm25", "dense", "rrf"))
    write_json(json_out, {
        "suite": "objective-to-topic",
        "cases": len(queries),
        "eudesk": figures["eudesk"],
        "baselines": {name: figures[name] for name in ("bm25", "dense", "rrf", "eudesk_no_priors")},
        "ratios": {"mrr_vs_best_baseline": figures["eudesk"]["mrr"] / best if best else None},
        "latency_ms": {"p50": perf["latency_ms"]["p50"], "p95": perf["latency_ms"]["p95"]},
        "performance": perf,
        "embedder": embedder.name,
        "seconds": time.perf_counter() - t_start,
    })
    return 0


def _print(figures: dict[str, dict[str, float]], perf: dict[str, Any]) -> None:
    rows = [[name, f["recall@1"], f["recall@10"], f["mrr"], ratio(figures["eudesk"]["mrr"], f["mrr"])]
            for name, f in figures.items()]
    print_table("objective-to-topic (93 CORDIS projects -> H2020 topic code)",
                ["system", "R@1", "R@10", "MRR", "eudesk/x MRR"], rows)
    lat = perf["latency_ms"]
    rows2: list[Sequence[Any]] = [[f"{perf['corpus_docs']} docs / {perf['corpus_passages']} passages", lat["p50"],
                                   lat["p95"], lat["search_only_p50"], lat["search_only_p95"],
                                   perf["build_docs_per_s"]]]
    if "scaled" in perf:
        s = perf["scaled"]
        rows2.append([f"{s['docs']} docs / {s['passages']} passages", s["latency_ms"]["p50"], s["latency_ms"]["p95"],
                      s["latency_ms"]["search_only_p50"], s["latency_ms"]["search_only_p95"], s["build_docs_per_s"]])
    print_table("latency of one query (title + objective), warm (ms); build throughput with vectors cached",
                ["corpus", "p50", "p95", "p50 w/o embedding", "p95 w/o embedding", "build docs/s"], rows2)
    print(f"peak RSS {perf['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
