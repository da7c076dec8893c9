"""Suite task-to-call: a municipality's task (Danish and English) against the 629 bundled call topics.

eudesk's hybrid index against the contract's baselines (shared/bench/README.md), all over the call's title + first
2,500 characters: `bm25` (bm25s; English stemming, Danish stemming for Danish queries), `dense` (plain e5, one
vector per call) and `rrf` (their reciprocal-rank fusion). Two stronger extra baselines are reported beside them and
never hidden: `dense_passages` (plain e5 over every embedded passage of the call, the best passage counts) and
`rrf_passages` (bm25 fused with it). `eudesk_dense_part` is an ablation (eudesk's own dense signal alone), not a
baseline. Labels are read only to score the rankings, after every ranking is made.

More case files may follow the suite's, e.g. the office's feedback on matches (`eudesk tasks export-feedback`): a
case is run in the languages it has a description in.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from benchmarks._common import (
    bench_cache,
    bench_embedder,
    mean,
    ndcg_at,
    peak_rss_mb,
    percentile,
    print_table,
    progress_printer,
    ratio,
    recall_at,
    reciprocal_rank,
    rrf,
    shipped_vectors_used,
    time_calls,
    write_json,
)
from eudesk.matching.cache import VectorCache, cached_query
from eudesk.matching.embedder import Embedder, vector_space
from eudesk.matching.index import Index
from eudesk.matching.passages import Document
from eudesk.matching.text import DA_STOP, EN_STOP

K = 10
LANGS = ("da", "en")
SCALED_PASSAGES = 100_000
# The contract's baselines (one text per call: title + first 2,500 characters)
CONTRACT_BASELINES = ("bm25", "dense", "rrf")
# Stronger baselines beyond the contract: dense e5 at passage level (best passage) and its fusion with bm25
EXTRA_BASELINES = ("dense_passages", "rrf_passages")
BASELINES = CONTRACT_BASELINES + EXTRA_BASELINES
# eudesk, every baseline, and eudesk's dense part alone (an ablation, not a baseline)
NAMES = ("eudesk", *BASELINES, "eudesk_dense_part")


def vector_cache(embedder: Embedder) -> tuple[VectorCache, str]:
    """The bench cache, with the vectors eudesk ships for the bundled calls loaded first as the app loads them
    (unless EUDESK_BENCH_VECTORS=own); and a line saying where the passage vectors come from."""
    from eudesk.matching.store import bundled_vectors_path, load_vectors

    path = bundled_vectors_path()
    if embedder.name == "fake" or not shipped_vectors_used() or path is None:
        return bench_cache(embedder), f"passage vectors: {embedder.name}'s own"
    cache = bench_cache(embedder)
    # the shipped vectors win over any the runtime computed itself for the same passages
    load_vectors(path, cache, embedder_name=vector_space(embedder), replace=True)
    return cache, (f"passage vectors of the bundled calls: the shipped ones ({path.name}), as the app uses them; "
                   f"queries and other texts: {embedder.name}")


def load_cases(files: Sequence[str]) -> list[dict[str, Any]]:
    """Cases of every file, one JSON object a line: the suite's examples (both languages) and eudesk's exported
    feedback (`eudesk tasks export-feedback`: the task in the one language it was written in; topics marked not
    relevant are zero judgements, as any topic not listed)."""
    cases = []
    seen: set[str] = set()
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                c = json.loads(line)
                if not langs_of(c):
                    raise ValueError(f"{f} line {n}: case {c.get('id')!r} has no description_da or description_en")
                if c["id"] in seen:
                    raise ValueError(f"{f} line {n}: case id {c['id']!r} appears twice")
                seen.add(c["id"])
                c.setdefault("relevant", {})
                cases.append(c)
    return cases


def langs_of(case: dict[str, Any]) -> list[str]:
    """The languages a case has a description in."""
    return [lang for lang in LANGS if (case.get(f"description_{lang}") or "").strip()]


class BM25Baseline:
    """Plain BM25 (bm25s) over title + first 2,500 characters, with one stemmer for corpus and queries."""

    def __init__(self, docs: Sequence[Document], lang: str) -> None:
        import bm25s
        import Stemmer

        self.ids = [d.id for d in docs]
        self.stemmer = Stemmer.Stemmer("danish" if lang == "da" else "english")
        self.stop = sorted(EN_STOP | DA_STOP) if lang == "da" else "en"
        corpus = [f"{d.title}\n{d.text[:2500]}" for d in docs]
        tokens = bm25s.tokenize(corpus, stopwords=self.stop, stemmer=self.stemmer, return_ids=False,
                                show_progress=False)
        self.model = bm25s.BM25()
        self.model.index(tokens, show_progress=False)

    def rank(self, query: str, k: int = K) -> list[str]:
        """Ids of the k best documents."""
        import bm25s

        q = bm25s.tokenize([query], stopwords=self.stop, stemmer=self.stemmer, return_ids=False,
                           show_progress=False)
        if not q or not q[0]:
            return []
        res, scores = self.model.retrieve(q, k=min(k, len(self.ids)), show_progress=False)
        return [self.ids[int(i)] for i, s in zip(res[0], scores[0], strict=True) if s > 0]


class PassageDenseBaseline:
    """Plain dense e5 over the embedded passages (title, ~120-word chunks of the first ~200 words, boilerplate
    included); a document scores its best passage."""

    def __init__(self, index: Index, embedder: Embedder, cache: VectorCache) -> None:
        emb = [p for p in index.passages if p.embed]
        self.vectors = cache.embed_passages(embedder, [p.text for p in emb])
        p_doc = np.array([index.row_of[p.doc_id] for p in emb])
        self.starts = np.searchsorted(p_doc, np.arange(len(index.docs)))

    def scores(self, qv: np.ndarray) -> np.ndarray:
        """Best passage cosine per document."""
        return np.maximum.reduceat(self.vectors @ qv, self.starts)


def dense_doc_vectors(docs: Sequence[Document], embedder: Embedder, cache: VectorCache) -> np.ndarray:
    """The contract's plain dense baseline: one vector of title + first 2,500 characters per document. Embedded
    once through the cache (629 long texts take minutes on this machine), then always looked up."""
    texts = [f"{d.title}\n{d.text[:2500]}" for d in docs]
    return cache.embed_passages(embedder, texts, batch=16, progress=progress_printer("embedding dense_doc texts"))


def _fit_levels(points: list[tuple[float, float, bool]]) -> tuple[float, float]:
    """The (cosine, coverage) levels of the 'one signal alone' rule with the fewest balanced errors on points of
    (best cosine, best coverage, fits): errors on nothing-fits cases and on fitting cases weigh equally."""
    n_pos = max(sum(1 for p in points if p[2]), 1)
    n_neg = max(sum(1 for p in points if not p[2]), 1)
    best = (math.inf, math.inf, math.inf)
    for cos in _midpoints([p[0] for p in points]):
        for cov in _midpoints([p[1] for p in points]):
            fp = sum(1 for d, v, y in points if not y and (d >= cos or v >= cov))
            fn = sum(1 for d, v, y in points if y and not (d >= cos or v >= cov))
            err = fp / n_neg + fn / n_pos
            if err < best[0] - 1e-12:
                best = (err, cos, cov)
    return best[1], best[2]


def _midpoints(values: list[float]) -> list[float]:
    """Candidate levels between consecutive distinct values (and beyond both ends): a level never sits on a case."""
    v = sorted(set(values))
    if not v:
        return [math.inf]
    return [v[0] - 1e-6, *((a + b) / 2 for a, b in zip(v, v[1:], strict=False)), math.inf]


def abstention_held_out(evidence: dict[str, dict[str, tuple[float, float]]], none_cases: list[dict[str, Any]],
                        pos_cases: list[dict[str, Any]]) -> dict[str, Any]:
    """How the good-match rule (model's cosine or words' coverage above a per-language level) does on cases its
    levels were not fitted on: per language, each case is judged with levels fitted on all other cases."""
    out: dict[str, Any] = {"expect_none_total": 0, "expect_none_abstained": 0, "positive_total": 0,
                           "positive_wrongly_abstained": 0, "levels_all_cases": {}}
    labelled = [(c["id"], False) for c in none_cases] + [(c["id"], True) for c in pos_cases]
    for lang in LANGS:
        points = {cid: (*evidence[lang][cid], fits) for cid, fits in labelled if cid in evidence[lang]}
        cos, cov = _fit_levels(list(points.values()))
        out["levels_all_cases"][lang] = {"cosine": round(cos, 4), "coverage": round(cov, 4)}
        for cid, (d, v, fits) in points.items():
            cos, cov = _fit_levels([p for other, p in points.items() if other != cid])
            good = d >= cos or v >= cov
            if fits:
                out["positive_total"] += 1
                out["positive_wrongly_abstained"] += not good
            else:
                out["expect_none_total"] += 1
                out["expect_none_abstained"] += not good
    return out


def abstention_frontier(evidence: dict[str, dict[str, tuple[float, float]]], none_cases: list[dict[str, Any]],
                        pos_cases: list[dict[str, Any]]) -> dict[str, Any]:
    """The best the good-match rule could do even with its levels fitted on the very cases it is judged on (per
    language, over every pair of levels): how many expect-none runs abstain at most while no positive run does, and
    how many positive runs abstain at least while every expect-none run does. Both ends of the target at once are
    out of reach when the first is below the expect-none total (or the second above 0)."""
    out: dict[str, Any] = {"expect_none_total": 0, "max_expect_none_abstained_keeping_all_positives": 0,
                           "positive_total": 0, "min_positives_abstained_when_all_expect_none_abstain": 0}
    for lang in LANGS:
        nones = [evidence[lang][c["id"]] for c in none_cases if c["id"] in evidence[lang]]
        poss = [evidence[lang][c["id"]] for c in pos_cases if c["id"] in evidence[lang]]
        best_none, best_pos = 0, len(poss)
        for cos in _midpoints([d for d, _ in nones + poss]):
            for cov in _midpoints([v for _, v in nones + poss]):
                abst_none = sum(1 for d, v in nones if not (d >= cos or v >= cov))
                abst_pos = sum(1 for d, v in poss if not (d >= cos or v >= cov))
                if abst_pos == 0:
                    best_none = max(best_none, abst_none)
                if abst_none == len(nones):
                    best_pos = min(best_pos, abst_pos)
        out["expect_none_total"] += len(nones)
        out["positive_total"] += len(poss)
        out["max_expect_none_abstained_keeping_all_positives"] += best_none
        out["min_positives_abstained_when_all_expect_none_abstain"] += best_pos
    return out


def top_ids(scores: np.ndarray, ids: Sequence[str], k: int = K) -> list[str]:
    """Ids of the k highest scores."""
    order = np.argsort(-scores, kind="stable")[:k]
    return [ids[int(i)] for i in order]


def score_run(rankings: dict[str, list[str]], cases: list[dict[str, Any]]) -> dict[str, float]:
    """nDCG@10, Recall@10 of grade-2 topics, MRR of the first grade-2 topic, over cases with a grade-2 topic."""
    nd, rc, rr = [], [], []
    for c in cases:
        rel = {t: float(g) for t, g in c["relevant"].items()}
        top = {t for t, g in c["relevant"].items() if g == 2}
        if not top:
            continue
        if c["id"] not in rankings:  # a case without this language
            continue
        ranked = rankings[c["id"]]
        nd.append(ndcg_at(ranked, rel, K))
        rc.append(recall_at(ranked, top, K))
        rr.append(reciprocal_rank(ranked, top))
    return {"ndcg@10": mean(nd), "recall@10": mean(rc), "mrr": mean(rr)}


def replicated(docs: Sequence[Document], min_passages: int, per_doc: float) -> list[Document]:
    """Copies of docs with changed ids until the corpus has at least min_passages passages."""
    copies = int(np.ceil(min_passages / max(per_doc * len(docs), 1)))
    return [Document(f"{d.id}#r{i}", d.title, d.text, d.fields) for i in range(copies) for d in docs]


def latency(index: Index, embedder: Embedder, queries: list[str], qvs: list[np.ndarray],
            repeat: int) -> dict[str, float]:
    """Warm latency (ms) of a search: end to end (query embedded) and excluding the query embedding."""
    pos = {"i": 0}

    def full() -> None:
        i = pos["i"] = (pos["i"] + 1) % len(queries)
        index.search(queries[i], k=K)

    def rank_only() -> None:
        i = pos["i"] = (pos["i"] + 1) % len(queries)
        index.search(queries[i], k=K, query_vector=qvs[i])

    full_ms = time_calls(full, repeat)
    rank_ms = time_calls(rank_only, max(repeat, 50))
    return {"p50": percentile(full_ms, 50), "p95": percentile(full_ms, 95),
            "search_only_p50": percentile(rank_ms, 50), "search_only_p95": percentile(rank_ms, 95)}


def run(cases_files: list[str], json_out: str | None = None, quick: bool = False) -> int:
    """Rank every case in both languages with eudesk and the baselines, print and optionally write the figures."""
    from eudesk.matching.precompute import bundled_documents

    t_start = time.perf_counter()
    cases = load_cases(cases_files)
    docs = bundled_documents()
    ids = [d.id for d in docs]
    embedder = bench_embedder()
    cache, vectors_line = vector_cache(embedder)
    single = sum(1 for c in cases if len(langs_of(c)) < len(LANGS))
    print(f"task-to-call: {len(cases)} cases x {len(LANGS)} languages"
          f"{f' ({single} of them in one language only, e.g. from feedback)' if single else ''}, {len(docs)} topics, "
          f"embedder {embedder.name}")
    print(vectors_line)

    t0 = time.perf_counter()
    index = Index.build(docs, embedder, cache, progress=progress_printer("embedding passages"))
    build_s = time.perf_counter() - t0
    dense_passages = PassageDenseBaseline(index, embedder, cache)
    doc_vecs = dense_doc_vectors(docs, embedder, cache)
    bm25 = {lang: BM25Baseline(docs, lang) for lang in LANGS}
    qvecs: dict[tuple[str, str], np.ndarray] = {}
    for c in cases:
        for lang in langs_of(c):
            qvecs[(c["id"], lang)] = cached_query(cache, embedder, c[f"description_{lang}"])
    cache.flush()

    # --- rankings (labels untouched) ---
    runs: dict[str, dict[str, dict[str, list[str]]]] = {
        name: {lang: {} for lang in LANGS} for name in NAMES}
    abstained: dict[str, dict[str, bool]] = {lang: {} for lang in LANGS}
    good_counts: dict[str, dict[str, int]] = {lang: {} for lang in LANGS}
    evidence: dict[str, dict[str, tuple[float, float]]] = {lang: {} for lang in LANGS}
    for c in cases:
        for lang in langs_of(c):
            text, qv = c[f"description_{lang}"], qvecs[(c["id"], lang)]
            res = index.search(text, k=K, query_vector=qv, lang=lang)
            runs["eudesk"][lang][c["id"]] = [m.doc_id for m in res.matches]
            abstained[lang][c["id"]] = res.abstained
            good_counts[lang][c["id"]] = len(res.good_matches)
            comps = [m.explanation.components for m in res.matches]
            evidence[lang][c["id"]] = (max((x["dense"] for x in comps), default=-1.0),
                                       max((x.get("coverage", 0.0) for x in comps), default=0.0))
            lexical_100 = bm25[lang].rank(text, 100)
            runs["bm25"][lang][c["id"]] = lexical_100[:K]
            doc_scores = doc_vecs @ qv
            runs["dense"][lang][c["id"]] = top_ids(doc_scores, ids)
            runs["rrf"][lang][c["id"]] = rrf([lexical_100, top_ids(doc_scores, ids, 100)])[:K]
            passage_scores = dense_passages.scores(qv)
            runs["dense_passages"][lang][c["id"]] = top_ids(passage_scores, ids)
            runs["rrf_passages"][lang][c["id"]] = rrf([lexical_100, top_ids(passage_scores, ids, 100)])[:K]
            runs["eudesk_dense_part"][lang][c["id"]] = top_ids(index.dense_scores(qv), ids)

    # --- scoring ---
    figures = {name: {lang: score_run(r[lang], cases) for lang in LANGS} for name, r in runs.items()}
    none_cases = [c for c in cases if c.get("expect_none")]
    pos_cases = [c for c in cases if any(g == 2 for g in c["relevant"].values())]
    abstain = {
        "expect_none_total": sum(len(langs_of(c)) for c in none_cases),
        "expect_none_abstained": sum(abstained[lang][c["id"]] for c in none_cases for lang in langs_of(c)),
        "positive_total": sum(len(langs_of(c)) for c in pos_cases),
        "positive_wrongly_abstained": sum(abstained[lang][c["id"]] for c in pos_cases for lang in langs_of(c)),
    }
    by_lang = {lang: {"expect_none_abstained": sum(abstained[lang].get(c["id"], False) for c in none_cases),
                      "positive_wrongly_abstained": sum(abstained[lang].get(c["id"], False) for c in pos_cases),
                      "mean_good_matches_positive": mean([good_counts[lang][c["id"]] for c in pos_cases
                                                          if c["id"] in good_counts[lang]])}
               for lang in LANGS}
    # Danish against English on the cases that have both (feedback cases come in one language)
    both = [c for c in cases if len(langs_of(c)) == len(LANGS)]
    paired = {lang: score_run(runs["eudesk"][lang], both)["ndcg@10"] for lang in LANGS}

    # --- performance ---
    danish = [c["description_da"] for c in cases if "da" in langs_of(c)]
    dqv = [qvecs[(c["id"], "da")] for c in cases if "da" in langs_of(c)]
    repeat = 20 if quick else 60
    lat = latency(index, embedder, danish, dqv, repeat)
    perf: dict[str, Any] = {"corpus_docs": len(docs), "corpus_passages": index.n_embedded,
                            "lexical_passages": index.n_passages,
                            "latency_ms": lat, "build_s": build_s,
                            "build_docs_per_s": len(docs) / build_s if build_s else 0.0}
    if not quick:
        big_docs = replicated(docs, SCALED_PASSAGES, index.n_passages / len(docs))
        t0 = time.perf_counter()
        big = Index.build(big_docs, embedder, cache)
        big_s = time.perf_counter() - t0
        perf["scaled"] = {"docs": len(big_docs), "passages": big.n_embedded, "lexical_passages": big.n_passages,
                          "build_s": big_s, "build_docs_per_s": len(big_docs) / big_s,
                          "latency_ms": latency(big, embedder, danish, dqv, repeat)}
        del big
        # If every one of 100,000 passages were embedded: the cosine pass alone (float32 matrix-vector product).
        m = np.random.default_rng(0).standard_normal((SCALED_PASSAGES, embedder.dim)).astype(np.float32)
        mv = time_calls(lambda: m @ dqv[0], 30)
        perf["dense_matvec_100k_ms"] = {"p50": percentile(mv, 50), "p95": percentile(mv, 95)}
        del m
        sample = [p.text for p in index.passages[1:33]]
        t0 = time.perf_counter()
        embedder.passages(sample)
        perf["embed_passages_per_s"] = len(sample) / (time.perf_counter() - t0)
    perf["peak_rss_mb"] = peak_rss_mb()

    held_out = abstention_held_out(evidence, none_cases, pos_cases)
    held_out["in_sample_frontier"] = abstention_frontier(evidence, none_cases, pos_cases)
    _print(figures, abstain, by_lang, perf, held_out, paired)
    payload = {
        "suite": "task-to-call",
        "cases": len(cases),
        "eudesk": {**figures["eudesk"], "abstain": abstain, "abstain_by_lang": by_lang,
                   "abstain_held_out": held_out},
        "baselines": {name: figures[name] for name in figures if name != "eudesk"},
        "baseline_definitions": BASELINE_DEFINITIONS,
        "ratios": ratios(figures, paired),
        "latency_ms": {"p50": lat["p50"], "p95": lat["p95"]},
        "performance": perf,
        "embedder": embedder.name,
        "vectors": vectors_line,
        "seconds": time.perf_counter() - t_start,
    }
    write_json(json_out, payload)
    return 0


BASELINE_DEFINITIONS = {
    "bm25": "contract: BM25 (bm25s) over title + first 2,500 characters, Danish stemming for Danish queries",
    "dense": "contract: plain e5 (multilingual-e5-small), one vector per call of title + first 2,500 characters",
    "rrf": "contract: reciprocal-rank fusion of bm25 and dense",
    "dense_passages": "extra, stronger: plain e5 over every embedded passage of the call, best passage counts",
    "rrf_passages": "extra: reciprocal-rank fusion of bm25 and dense_passages",
    "eudesk_dense_part": "ablation, not a baseline: eudesk's own dense signal alone",
}


def best_baseline(figures: dict[str, dict[str, dict[str, float]]], lang: str,
                  names: Sequence[str]) -> tuple[str, float]:
    """The baseline among names with the highest nDCG@10 in one language, and that figure."""
    name = max(names, key=lambda b: figures[b][lang]["ndcg@10"])
    return name, figures[name][lang]["ndcg@10"]


def ratios(figures: dict[str, dict[str, dict[str, float]]], paired: dict[str, float]) -> dict[str, Any]:
    """eudesk's nDCG@10 over the best contract baseline and over the best of all baselines, per language; Danish
    over English on the cases described in both (paired: nDCG@10 per language over those cases)."""
    out: dict[str, Any] = {}
    for lang in LANGS:
        mine = figures["eudesk"][lang]["ndcg@10"]
        for label, names in (("contract_baseline", CONTRACT_BASELINES), ("any_baseline", BASELINES)):
            name, value = best_baseline(figures, lang, names)
            out[f"ndcg@10_{lang}_vs_best_{label}"] = mine / value if value else None
            out[f"best_{label}_{lang}"] = name
    out["ndcg@10_da_vs_en"] = paired["da"] / paired["en"] if paired["en"] else None
    return out


def _print(figures: dict[str, dict[str, dict[str, float]]], abstain: dict[str, int],
           by_lang: dict[str, dict[str, float]], perf: dict[str, Any], held_out: dict[str, Any],
           paired: dict[str, float]) -> None:
    for lang in LANGS:
        rows = []
        for name in figures:
            f = figures[name][lang]
            kind = "" if name == "eudesk" else ("contract" if name in CONTRACT_BASELINES else
                                                "extra" if name in EXTRA_BASELINES else "ablation")
            rows.append([name, kind, f["ndcg@10"], f["recall@10"], f["mrr"],
                         ratio(figures["eudesk"][lang]["ndcg@10"], f["ndcg@10"])])
        print_table(f"task-to-call, {'Danish' if lang == 'da' else 'English'} descriptions",
                    ["system", "baseline", "nDCG@10", "R@10", "MRR", "eudesk/x nDCG"], rows)
    print()
    for lang in LANGS:
        mine = figures["eudesk"][lang]["ndcg@10"]
        c_name, c_val = best_baseline(figures, lang, CONTRACT_BASELINES)
        a_name, a_val = best_baseline(figures, lang, BASELINES)
        print(f"eudesk {lang} nDCG@10 {mine:.3f}: {ratio(mine, c_val)} the best contract baseline ({c_name} "
              f"{c_val:.3f}), {ratio(mine, a_val)} the best of all baselines ({a_name} {a_val:.3f})")
    print(f"\neudesk Danish/English nDCG@10 (cases described in both): {ratio(paired['da'], paired['en'])}")
    print(f"abstention: expect_none abstained {abstain['expect_none_abstained']}/{abstain['expect_none_total']}, "
          f"positives wrongly abstained {abstain['positive_wrongly_abstained']}/{abstain['positive_total']} "
          f"(by language: {by_lang})")
    print(f"abstention rule refitted without each case (leave-one-case-out): expect_none abstained "
          f"{held_out['expect_none_abstained']}/{held_out['expect_none_total']}, positives wrongly abstained "
          f"{held_out['positive_wrongly_abstained']}/{held_out['positive_total']}; levels fitted on all cases "
          f"{held_out['levels_all_cases']}")
    fr = held_out["in_sample_frontier"]
    print(f"  the rule's best in-sample (levels fitted on the cases judged): with no positive run abstaining, at most "
          f"{fr['max_expect_none_abstained_keeping_all_positives']}/{fr['expect_none_total']} expect-none runs "
          f"abstain; with all expect-none runs abstaining, at least "
          f"{fr['min_positives_abstained_when_all_expect_none_abstain']}/{fr['positive_total']} positive runs do")
    lat = perf["latency_ms"]
    rows = [[f"{perf['corpus_docs']} / {perf['corpus_passages']} / {perf['lexical_passages']}", lat["p50"], lat["p95"],
             lat["search_only_p50"], lat["search_only_p95"], perf["build_docs_per_s"]]]
    if "scaled" in perf:
        s = perf["scaled"]
        rows.append([f"{s['docs']} / {s['passages']} / {s['lexical_passages']}", s["latency_ms"]["p50"],
                     s["latency_ms"]["p95"], s["latency_ms"]["search_only_p50"], s["latency_ms"]["search_only_p95"],
                     s["build_docs_per_s"]])
    print_table("latency of one Danish task query, warm (ms); build throughput with vectors cached",
                ["corpus (docs / embedded / all passages)", "p50", "p95", "p50 w/o embedding", "p95 w/o embedding",
                 "build docs/s"], rows)
    extra = f", embedding {perf['embed_passages_per_s']:.1f} passages/s" if "embed_passages_per_s" in perf else ""
    if "dense_matvec_100k_ms" in perf:
        mv = perf["dense_matvec_100k_ms"]
        extra += f"; cosine pass over 100,000 embedded passages alone: p50 {mv['p50']:.1f} / p95 {mv['p95']:.1f} ms"
    print(f"peak RSS {perf['peak_rss_mb']:.0f} MB{extra}")


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
