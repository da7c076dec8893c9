"""Suite `partner-suggestion`: for each CORDIS project with at least two participants who also appear in other
projects, hide the project's participation rows, ask for 20 organisations from its topic code and title (and its
title/objective where the data has them), and measure Recall@20 and MRR of its participants; eudesk (fit from the
hybrid matching core) and its words-only fallback against the popularity and BM25 baselines in the same run. Also import throughput (rows/s) of the CORDIS importer.

    python -m benchmarks partner-suggestion ORGANIZATIONS.csv [organization.json project_topics.csv ...] --json OUT

Files are recognised by their columns (CORDIS organization, project and topics files, CSV or JSON). When only
participation files are given, project_topics.csv / projects_sample.csv / project.json beside them are used too.
"""

from __future__ import annotations

import json
import math
import re
import resource
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eudesk.matching.text import analyse
from eudesk.partners.ranking import TOP_PROJECTS, Figures, OrgDoc, PartnerIndex, ProjectDoc, Weights
from eudesk.projects.sources.cordis import read_cordis

K = 20
# The 2-fold check of the weights: the shipped figures plus candidate signals that were tried and not kept
# (topic-code hierarchy, best single project); a small grid, coordinate ascent from the shipped weights.
COMPONENTS = ("fit", "network", "experience", "family", "topic_code", "best_project")
GRID = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0)
_YEAR_PART = re.compile(r"^(19|20)\d\d$")
_SIBLINGS = ("project_topics.csv", "projects_sample.csv", "project.json", "../h2020/project_topics.csv",
             "../h2020/projects_sample.csv", "../json_sample/project.json")


def _files(cases_files: list[str]) -> list[Path]:
    paths = [Path(p) for p in cases_files]
    kinds = {p.name for p in paths}
    extra = []
    for p in paths:
        for rel in _SIBLINGS:
            cand = (p.parent / rel).resolve()
            if cand.exists() and cand.name not in kinds and cand not in extra:
                extra.append(cand)
                kinds.add(cand.name)
    return paths + extra


@dataclass
class BenchData:
    """The suite's projects, organisations and participations, and its cases: (project key, target org keys)."""

    paths: list[Path]
    records: list[Any]
    orgs: dict[int, OrgDoc]
    parts: dict[int, set[int]]
    projects: list[ProjectDoc]
    triples: list[tuple[int, int, str]]
    count: Counter[int]
    by_key: dict[int, Any]
    cases: list[tuple[int, set[int]]]

    def query(self, pkey: int) -> str:
        """What a user would have: topic title, plus the project's own title and objective where present."""
        rec = self.by_key[pkey]
        title = rec.title if rec.title not in ("", rec.acronym, rec.external_id) else ""
        return " ".join(x for x in (rec.topic_title, title, rec.objective) if x)


def load_data(cases_files: list[str]) -> BenchData:
    """Read the participation files (and their project/topic siblings) and draw the cases: every project with at
    least two participants who also appear in other projects; those participants are its targets."""
    paths = _files(cases_files)
    print("files:", ", ".join(str(p) for p in paths))
    records = [r for r in read_cordis(paths) if r.participants]
    orgs: dict[int, OrgDoc] = {}
    parts: dict[int, set[int]] = {}
    projects = []
    triples = []
    for r in records:
        pkey = int(r.external_id)
        projects.append(ProjectDoc(key=pkey, title=r.title if r.title != r.acronym else "", text=r.objective,
                                   topic_code=r.topic_code, topic_title=r.topic_title, language="en",
                                   year=r.start_date.year if r.start_date else None))
        parts[pkey] = set()
        for p in r.participants:
            okey = int(p.cordis_id or 0)
            orgs.setdefault(okey, OrgDoc(key=okey, name=p.name, activity_type=p.activity_type, country=p.country,
                                         city=p.city))
            parts[pkey].add(okey)
            triples.append((pkey, okey, p.role))
    count = Counter(o for ps in parts.values() for o in ps)
    cases = []
    for pkey, ps in parts.items():
        targets = {o for o in ps if count[o] >= 2}  # participants who appear in other projects
        if len(targets) >= 2:
            cases.append((pkey, targets))
    return BenchData(paths, records, orgs, parts, projects, triples, count,
                     {int(r.external_id): r for r in records}, cases)


class Bm25Baseline:
    """BM25 over each organisation's projects' topic titles (one document per organisation); the held-out
    project's title is subtracted from its participants' documents for each case."""

    def __init__(self, topic_title: dict[int, str], parts: dict[int, set[int]], org_keys: list[int]) -> None:
        self.org_keys = org_keys
        self.row = {o: i for i, o in enumerate(org_keys)}
        self.proj_terms = {p: Counter(analyse(t)) for p, t in topic_title.items()}
        tf: list[Counter[str]] = [Counter() for _ in org_keys]
        for p, orgs in parts.items():
            for o in orgs:
                tf[self.row[o]].update(self.proj_terms.get(p, Counter()))
        self.tf = tf
        self.len = np.array([sum(c.values()) for c in tf], dtype=np.float64)
        self.avg = float(self.len.mean()) or 1.0
        self.post: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(tf):
            for t in c:
                self.post[t].append(i)
        self.n = len(org_keys)

    def rank(self, query: str, held_out: int, held_orgs: set[int], k: int = K) -> list[int]:
        q = Counter(analyse(query))
        minus = self.proj_terms.get(held_out, Counter())
        held_rows = {self.row[o] for o in held_orgs if o in self.row}
        scores = np.zeros(self.n)
        for t in q:
            rows = self.post.get(t, [])
            if not rows:
                continue
            df = len(rows)
            idf = math.log(1.0 + (self.n - df + 0.5) / (df + 0.5))
            for r in rows:
                f = self.tf[r][t] - (minus[t] if r in held_rows else 0)
                if f <= 0:
                    continue
                length = self.len[r] - (sum(minus.values()) if r in held_rows else 0)
                scores[r] += idf * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * length / self.avg))
        order = np.argsort(-scores, kind="stable")[:k]
        return [self.org_keys[i] for i in order if scores[i] > 0]


def _lcp(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _metrics(ranked: list[int], targets: set[int]) -> tuple[float, float]:
    hits = sum(1 for o in ranked[:K] if o in targets)
    rr = next((1.0 / (i + 1) for i, o in enumerate(ranked[:K]) if o in targets), 0.0)
    return hits / len(targets), rr


def _code_parts(code: str) -> tuple[str, ...]:
    """A topic code's parts without framework and years ('LC-SC3-EC-3-2020' -> lc, sc3, ec, 3)."""
    return tuple(p for p in re.split(r"[-_.]", code.lower()) if p and not _YEAR_PART.match(p)
                 and p not in ("h2020", "horizon"))


class FoldCase:
    """One case's candidate organisations (those rank() may suggest, in index order) with their normalised
    components and which of them are targets: enough to score any weights without ranking again."""

    def __init__(self, index: PartnerIndex, figures: Figures, targets: set[int], code_sim: np.ndarray) -> None:
        def norm(x: np.ndarray) -> np.ndarray:
            m = float(x.max()) if len(x) else 0.0
            return x / m if m > 0 else x

        live = figures.live
        live_part = live[index.part_p]
        pp, po = index.part_p[live_part], index.part_o[live_part]
        topic_code = np.bincount(po, weights=(code_sim**2)[pp], minlength=index.n_o)
        best = np.zeros(index.n_o)
        np.maximum.at(best, po, figures.match[pp])
        comps = np.stack([norm(figures.fit), norm(np.log1p(figures.network)), norm(figures.experience),
                          norm(np.log1p(figures.family)), norm(np.log1p(topic_code)), best], axis=1)
        rows = np.nonzero((figures.projects > 0) & (figures.fit > 0))[0]  # rank()'s mask with require_fit
        self.comps = comps[rows]
        self.hit = np.array([index.orgs[r].key in targets for r in rows], dtype=bool)
        self.n_targets = len(targets)

    def metrics(self, w: np.ndarray) -> tuple[float, float]:
        """Recall@K and reciprocal rank of the first target for weights w (ties in index order, as rank())."""
        sc = self.comps @ w
        order = np.argsort(-sc, kind="stable")[:K]
        order = order[sc[order] > 0]
        hits = self.hit[order]
        first = np.flatnonzero(hits)
        return float(hits.sum()) / self.n_targets, (1.0 / (first[0] + 1) if len(first) else 0.0)


def _fold_score(cases: list[FoldCase], w: np.ndarray) -> tuple[float, float]:
    m = [c.metrics(w) for c in cases]
    return statistics.fmean(r for r, _ in m), statistics.fmean(x for _, x in m)


def _choose_weights(cases: list[FoldCase], start: np.ndarray) -> np.ndarray:
    """Coordinate ascent over GRID on one half's cases (Recall@K), from the shipped weights."""
    w, best = start.copy(), _fold_score(cases, start)[0]
    for _ in range(3):
        improved = False
        for k in range(len(w)):
            for g in GRID:
                trial = w.copy()
                trial[k] = g
                r = _fold_score(cases, trial)[0]
                if r > best + 1e-9:
                    w, best, improved = trial, r, True
        if not improved:
            break
    return w


def two_fold(fold_cases: dict[int, FoldCase], seed: int = 0) -> dict[str, Any]:
    """Weights chosen on one half of the projects, Recall@K/MRR reported on the other half (and in-sample), both
    ways; the shipped weights on the same halves for comparison. Halves are drawn by project, so an evaluated
    project's rows never inform the weights it is scored with."""
    keys = sorted(fold_cases)
    perm = np.random.default_rng(seed).permutation(len(keys))
    halves = [[fold_cases[keys[i]] for i in perm[: len(keys) // 2]], [fold_cases[keys[i]] for i in perm[len(keys) // 2:]]]
    d = Weights()
    shipped = np.array([d.fit, d.network, d.experience, d.family, 0.0, 0.0])
    folds: list[dict[str, Any]] = []
    out: dict[str, Any] = {"components": list(COMPONENTS), "shipped_weights": shipped.tolist(), "folds": folds}
    held, held_mrr, inside, n = 0.0, 0.0, 0.0, 0
    for a, b in ((0, 1), (1, 0)):
        w = _choose_weights(halves[a], shipped)
        r_in, m_in = _fold_score(halves[a], w)
        r_out, m_out = _fold_score(halves[b], w)
        s_out = _fold_score(halves[b], shipped)
        folds.append({"chosen_on": len(halves[a]), "weights": w.tolist(), "in_sample_recall@20": round(r_in, 4),
                             "in_sample_mrr": round(m_in, 4), "held_out_recall@20": round(r_out, 4),
                             "held_out_mrr": round(m_out, 4), "shipped_held_out_recall@20": round(s_out[0], 4),
                             "shipped_held_out_mrr": round(s_out[1], 4)})
        held += r_out * len(halves[b])
        held_mrr += m_out * len(halves[b])
        inside += r_in * len(halves[a])
        n += len(halves[b])
    out["held_out_recall@20"] = round(held / n, 4)
    out["held_out_mrr"] = round(held_mrr / n, 4)
    out["in_sample_recall@20"] = round(inside / n, 4)
    return out


def _throughput(paths: list[Path]) -> dict[str, float]:
    """Rows per second of a full import (read, resolve organisations, store) into an empty SQLite database."""
    from eudesk.config import Settings
    from eudesk.db import make_engine, make_sessionmaker, upgrade
    from eudesk.projects import service

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), embedder="fake", load_bundled_data=False)
        engine = make_engine(settings)
        upgrade(engine)
        sm = make_sessionmaker(engine)
        t = time.perf_counter()
        with sm.begin() as session:
            summary = service.import_files(session=session, paths=paths)
        first = time.perf_counter() - t
        t = time.perf_counter()
        with sm.begin() as session:
            again = service.import_files(session=session, paths=paths)
        second = time.perf_counter() - t
        engine.dispose()
    return {"rows": summary.rows, "seconds": round(first, 2), "rows_per_s": round(summary.rows / first, 1),
            "reimport_seconds": round(second, 2), "reimport_changed": again.projects_new + again.projects_changed}


def _scaled_latency(projects: list[ProjectDoc], orgs: dict[int, OrgDoc], triples: list[tuple[int, int, str]],
                    queries: list[tuple[str, str]], target: int = 100_000) -> dict[str, float]:
    """Latency at about `target` projects, built by replicating the real ones (and their organisations) with
    changed ids."""
    copies = max(1, target // max(1, len(projects)))
    big_p, big_o, big_t = [], [], []
    step = 10**10
    for c in range(copies):
        big_p += [ProjectDoc(key=p.key + c * step, title=p.title, text=p.text, topic_code=p.topic_code,
                             topic_title=p.topic_title, language=p.language, year=p.year) for p in projects]
        big_o += [OrgDoc(key=o.key + c * step, name=o.name, activity_type=o.activity_type, country=o.country)
                  for o in orgs.values()]
        big_t += [(pk + c * step, ok + c * step, role) for pk, ok, role in triples]
    t = time.perf_counter()
    index = PartnerIndex(big_p, big_o, big_t)
    build = time.perf_counter() - t
    lat = []
    for text, code in queries:
        t = time.perf_counter()
        index.rank(text, topic_code=code, k=K)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    return {"projects": len(big_p), "build_s": round(build, 1), "docs_per_s": round(len(big_p) / build, 1),
            "p50": round(lat[len(lat) // 2], 1), "p95": round(lat[min(len(lat) - 1, int(len(lat) * 0.95))], 1)}


def _hybrid_index(records: list, progress: bool = True):  # type: ignore[no-untyped-def]
    """The matching core's hybrid index over the benchmark's projects, laid out as the app lays them out
    (eudesk.projects.matcher.project_document); vectors through the bench cache and the shipped bundle."""

    from benchmarks._common import bench_cache, bench_embedder, shipped_vectors_used
    from eudesk.matching.embedder import vector_space
    from eudesk.matching.index import Index
    from eudesk.matching.store import load_vectors
    from eudesk.projects.matcher import bundled_vectors_path, project_document

    embedder = bench_embedder()
    path = bundled_vectors_path()
    shipped = path is not None and embedder.name != "fake" and shipped_vectors_used()
    cache = bench_cache(embedder, "partner")
    if shipped:  # the vectors eudesk ships for the bundled projects, loaded as the app loads them
        load_vectors(path, cache, embedder_name=vector_space(embedder), replace=True)
        print(f"project vectors: the shipped ones ({path.name}); queries and other texts: {embedder.name}")
    else:
        print(f"project vectors: {embedder.name}'s own")
    docs = [project_document(id=r.external_id, title=r.title, objective=r.objective, topic_title=r.topic_title,
                             programme=r.programme) for r in records]

    def _progress(done: int, total: int) -> None:
        if progress:
            print(f"\rembedding project passages {done}/{total}", end="" if done < total else "\n", flush=True)

    t = time.perf_counter()
    index = Index.build(docs, embedder, cache, progress=_progress)
    cache.flush()
    return index, time.perf_counter() - t


def _hybrid_match(index, query: str, held_out: str,  # type: ignore[no-untyped-def]
                  k: int = TOP_PROJECTS) -> tuple[dict[int, float], float]:
    """Project key -> fused hybrid score for the best k projects (the held-out one left out), and the
    milliseconds of the search (query embedding included, through the cache)."""
    from eudesk.matching.cache import cached_query

    ids = [d.id for d in index.docs if d.id != held_out]
    t = time.perf_counter()
    qv = cached_query(index.cache, index.embedder, query[:4000])
    res = index.search(query[:4000], k=k, filter_ids=ids, query_vector=qv)
    ms = (time.perf_counter() - t) * 1000
    return {int(m.doc_id): float(m.score) for m in res.matches}, ms


def run(cases_files: list[str], json_out: str | None = None, quick: bool = False) -> int:
    """Run the suite and print the table (and write the JSON when asked)."""
    data = load_data(cases_files)
    paths, records, orgs, parts, projects, triples = (data.paths, data.records, data.orgs, data.parts,
                                                      data.projects, data.triples)
    count, by_key, cases = data.count, data.by_key, data.cases
    t = time.perf_counter()
    index = PartnerIndex(projects, list(orgs.values()), triples)
    build_s = time.perf_counter() - t
    baseline_bm25 = Bm25Baseline({pk: by_key[pk].topic_title for pk in parts}, parts, list(orgs))
    pop_order = sorted(orgs, key=lambda o: (-count[o], o))

    hybrid, hybrid_build_s = _hybrid_index(records)
    res: dict[str, list[tuple[float, float]]] = {"eudesk": [], "eudesk-words": [], "popularity": [], "bm25": []}
    lat = []
    lat_words = []
    covered: list[float] = []
    org_projects: dict[int, set[int]] = defaultdict(set)
    for pk, os_ in parts.items():
        for o in os_:
            org_projects[o].add(pk)
    queries: list[tuple[str, str]] = []
    fold_cases: dict[int, FoldCase] = {}
    code_parts = [_code_parts(p.topic_code) for p in index.projects]
    for pkey, targets in cases:
        rec = by_key[pkey]
        query = data.query(pkey)
        queries.append((query, rec.topic_code))
        # eudesk: fit from the hybrid core (dense multilingual-e5-small + lexical with concepts) over projects
        match, search_ms = _hybrid_match(hybrid, query, str(pkey))
        # diagnostic: share of the participants with a project among the fitting ones (the ceiling of what "fit"
        # alone can bring into the list; the rest of the ranking decides which of their ~10 partners make the 20)
        covered.append(sum(1 for o in targets if org_projects.get(o, set()) & set(match)) / len(targets))
        t = time.perf_counter()
        ranked = [s.org_key for s in index.rank(query, topic_code=rec.topic_code, k=K, exclude_projects=[pkey],
                                                project_match=match)]
        lat.append((time.perf_counter() - t) * 1000 + search_ms)
        res["eudesk"].append(_metrics(ranked, targets))
        figs = index.figures(query, topic_code=rec.topic_code, exclude_projects=[pkey], project_match=match)
        mine = _code_parts(rec.topic_code)
        code_sim = np.array([_lcp(mine, c) / max(1, len(mine)) for c in code_parts])
        fold_cases[pkey] = FoldCase(index, figs, targets, code_sim)
        # the words-only engine (BM25 fit), which answers while the vectors are not ready
        t = time.perf_counter()
        ranked = [s.org_key for s in index.rank(query, topic_code=rec.topic_code, k=K, exclude_projects=[pkey])]
        lat_words.append((time.perf_counter() - t) * 1000)
        res["eudesk-words"].append(_metrics(ranked, targets))
        # popularity without the held-out project's rows
        pop = sorted(pop_order[: K + len(parts[pkey]) + 5],
                     key=lambda o: (-(count[o] - (1 if o in parts[pkey] else 0)), o))
        res["popularity"].append(_metrics(pop[:K], targets))
        res["bm25"].append(_metrics(baseline_bm25.rank(f"{rec.topic_code} {rec.topic_title}", pkey, parts[pkey]),
                                    targets))
    summary = {name: {"recall@20": round(statistics.fmean(r for r, _ in v), 4),
                      "mrr": round(statistics.fmean(m for _, m in v), 4)} for name, v in res.items()}
    lat_sorted = sorted(lat)
    p50 = lat_sorted[len(lat) // 2]
    p95 = lat_sorted[min(len(lat) - 1, int(len(lat) * 0.95))]
    best = max(summary["popularity"]["recall@20"], summary["bm25"]["recall@20"])
    print(f"\npartner-suggestion: {len(cases)} cases, {len(projects)} projects, {len(orgs)} organisations, "
          f"{len(triples)} participations; index built in {build_s:.2f} s ({len(projects) / build_s:,.0f} docs/s)")
    print(f"{'system':<12}{'Recall@20':>10}{'MRR':>8}{'R@20 / best baseline':>24}")
    for name in ("eudesk", "eudesk-words", "popularity", "bm25"):
        ratio = summary[name]["recall@20"] / best if best else float("nan")
        print(f"{name:<12}{summary[name]['recall@20']:>10.3f}{summary[name]['mrr']:>8.3f}{ratio:>24.2f}")
    folds = two_fold(fold_cases)
    check = _fold_score(list(fold_cases.values()), np.array(folds["shipped_weights"]))[0]
    print(f"2-fold check by project (weights chosen on one half by coordinate ascent, Recall@20 on the other; "
          f"components {', '.join(COMPONENTS)}; shipped weights {folds['shipped_weights']} give {check:.3f} "
          f"on all cases):")
    for i, f in enumerate(folds["folds"]):
        print(f"  half {i + 1}: chosen {f['weights']}: in-sample {f['in_sample_recall@20']:.3f}, held-out "
              f"{f['held_out_recall@20']:.3f} (MRR {f['held_out_mrr']:.3f}); shipped weights on the same held-out "
              f"half {f['shipped_held_out_recall@20']:.3f}")
    ratio_out = folds["held_out_recall@20"] / best if best else float("nan")
    print(f"  held-out Recall@20 of chosen weights {folds['held_out_recall@20']:.3f} (in-sample "
          f"{folds['in_sample_recall@20']:.3f}) = {ratio_out:.2f}x the best baseline")
    hybrid.cache.flush()  # query vectors: a re-run costs no model time
    print(f"participants with a project among the {TOP_PROJECTS} fitting ones: {statistics.fmean(covered):.3f}")
    print(f"hybrid index over {len(hybrid)} projects ({hybrid.n_embedded} embedded passages, "
          f"{hybrid.embedder.name}) built in {hybrid_build_s:.1f} s (vectors from cache/bundle where present)")
    print(f"latency of one eudesk query: p50 {p50:.1f} ms, p95 {p95:.1f} ms (warm, {len(projects)} projects, "
          f"query embedding through the cache); words only p50 {sorted(lat_words)[len(lat_words) // 2]:.1f} ms")
    out: dict[str, object] = {
        "suite": "partner-suggestion", "cases": len(cases), "eudesk": summary["eudesk"],
        "eudesk_words_only": summary["eudesk-words"], "embedder": hybrid.embedder.name,
        "participants_in_fitting_projects": round(statistics.fmean(covered), 4),
        "baselines": {"popularity": summary["popularity"], "bm25": summary["bm25"]},
        "latency_ms": {"p50": round(p50, 2), "p95": round(p95, 2)},
        "index_build_docs_per_s": round(len(projects) / build_s, 1),
        "two_fold_weights": folds,
    }
    if not quick:
        scaled = _scaled_latency(projects, orgs, triples, queries[:40])
        print(f"scaled corpus (words-only engine): {scaled['projects']:,} projects built in {scaled['build_s']} s "
              f"({scaled['docs_per_s']:,.0f} docs/s); one query p50 {scaled['p50']} ms, p95 {scaled['p95']} ms")
        out["latency_ms_scaled"] = scaled
        tp = _throughput(paths)
        print(f"import throughput: {tp['rows']} rows in {tp['seconds']} s = {tp['rows_per_s']} rows/s into empty "
              f"SQLite; re-import {tp['reimport_seconds']} s, {tp['reimport_changed']} projects changed")
        out["import"] = tp
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if json_out:
        Path(json_out).write_text(json.dumps(out, indent=2))
    return 0
