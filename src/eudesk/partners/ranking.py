"""The partner-ranking engine: pure Python and numpy, no ORM (the service feeds it rows; the benchmark too).

Projects are indexed with BM25 over their topic code (and its prefixes), topic title, title and objective; Danish
texts with the Danish stemmer, and Danish queries are also expanded through the shared Danish-English glossary.
An organisation's rank combines, with fixed weights, four figures that the explanation shows as they are:
  fit         how well its past projects match (sum over its matching projects of each project's match, 0-1)
  network     how often it worked with the organisations that fit (co-participations, weighted by their fit)
  experience  how many projects it took part in (log-scaled) and how many it coordinated
  programme   how many of its projects fall under the query topic's programme line (MSCA, SC5, CL5, ...)
  home        shared projects with our own organisations (Odense Kommune / Danish partners), when asked for
This is an internal interface (PartnerIndex.rank / search_projects) so that eudesk.matching's hybrid retriever
can replace the lexical scorer later without touching the service or the pages.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from eudesk.matching.text import analyse, analyse_pairs, guess_language

# Fixed weights of the combined score (chosen once for the whole benchmark, never per case; the benchmark's 2-fold
# check by project shows that weights chosen on one half of the projects do no better on the other half).
W_FIT, W_NETWORK, W_EXPERIENCE, W_HOME, W_FAMILY = 1.0, 0.6, 1.0, 0.3, 0.5
MATCH_POWER = 1.0
TOP_PROJECTS = 40  # projects that count as "fitting" for one query
K1, B = 1.2, 0.75
_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass
class ProjectDoc:
    """A project as the engine sees it."""

    key: int
    title: str
    text: str  # objective / description
    topic_code: str = ""
    topic_title: str = ""
    language: str = "en"
    year: int | None = None
    acronym: str = ""


@dataclass
class OrgDoc:
    """An organisation as the engine sees it."""

    key: int
    name: str
    activity_type: str = ""
    country: str = ""
    city: str = ""
    population: int | None = None


@dataclass
class Filters:
    """Which organisations may be suggested."""

    types: Sequence[str] = ()
    countries: Sequence[str] = ()
    min_population: int | None = None
    max_population: int | None = None
    coordinated: bool = False
    exclude: Sequence[int] = ()


@dataclass(frozen=True)
class Weights:
    """Weights of the combined score; each figure is divided by its best value in the search first."""

    fit: float = W_FIT
    network: float = W_NETWORK
    experience: float = W_EXPERIENCE
    home: float = W_HOME
    family: float = W_FAMILY


@dataclass
class Figures:
    """Every organisation's figures for one query (arrays in the index's organisation order), before weighting."""

    match: np.ndarray  # per project: 0-1 relative to the best-matching project (0 outside the fitting ones)
    live: np.ndarray  # per project: False for excluded projects
    fit: np.ndarray
    network: np.ndarray
    experience: np.ndarray
    home_links: np.ndarray
    family: np.ndarray
    projects: np.ndarray
    coordinated: np.ndarray
    family_name: str
    terms: dict[str, float]  # the query's weighted index terms (BM25 fit, and the words shown as evidence)

    def combined(self, weights: Weights | None = None) -> np.ndarray:
        """The combined score of every organisation (before filters)."""
        w = weights or Weights()

        def norm(x: np.ndarray) -> np.ndarray:
            m = float(x.max()) if len(x) else 0.0
            return x / m if m > 0 else x

        return (w.fit * norm(self.fit) + w.network * norm(np.log1p(self.network))
                + w.experience * norm(self.experience) + w.home * norm(np.log1p(self.home_links))
                + w.family * norm(np.log1p(self.family)))


@dataclass
class ProjectEvidence:
    """One of an organisation's past projects that fits the query, and why."""

    project_key: int
    title: str
    topic_code: str
    match: float  # 0-1, relative to the best-matching project of this query
    role: str
    matched_terms: list[str]


@dataclass
class Suggestion:
    """A ranked organisation with the figures behind its rank."""

    org_key: int
    score: float
    fit: float
    network: float
    experience: float
    home: float
    family: int
    family_name: str
    projects: int
    coordinated: int
    last_year: int | None
    evidence: list[ProjectEvidence] = field(default_factory=list)
    partners_in_list: list[int] = field(default_factory=list)
    home_links: int = 0


def topic_terms(code: str) -> list[str]:
    """Index terms of a topic code: the code and its prefixes without the year ('SC5-13-2018' -> tc:sc5, tc:sc5-13,
    tc:sc5-13-2018), so projects of the same call family meet."""
    code = code.strip().lower()
    if not code:
        return []
    parts = [p for p in re.split(r"[-_.]", code) if p]
    out, kept = [f"tc:{code}"], []
    for p in parts:
        if _YEAR.match(p) or p in ("h2020", "horizon"):
            continue
        kept.append(p)
        out.append("tc:" + "-".join(kept))
    return list(dict.fromkeys(out))


def topic_family(code: str) -> str:
    """The programme line of a topic code: its first part that is not a framework or a year ('MSCA-ITN-2018' ->
    'msca', 'HORIZON-CL5-2024-D4-01' -> 'cl5')."""
    terms = topic_terms(code)
    return terms[1][3:].split("-")[0] if len(terms) > 1 else ""


def doc_terms(doc: ProjectDoc) -> list[str]:
    """A project's index terms: topic code terms, then stems of topic title, title (twice: it is short) and text."""
    lang = doc.language if doc.language in ("da", "en") else "en"
    terms = topic_terms(doc.topic_code)
    terms += analyse(doc.topic_title, lang) + analyse(doc.title, lang) * 2 + analyse(doc.acronym, lang)
    terms += analyse(doc.text[:6000], lang)
    return terms


def query_terms(text: str, topic_code: str = "") -> tuple[dict[str, float], str]:
    """Weighted index terms of a query in Danish or English, and the language guessed."""
    lang = guess_language(text)
    weights: Counter[str] = Counter()
    for t in topic_terms(topic_code):
        weights[t] += 1.0
    for t in analyse(text, lang):
        weights[t] += 1.0
    if lang == "da":
        from eudesk.matching.glossary import concepts_in_danish

        # Danish words also reach English project texts through the shared glossary (general vocabulary).
        for concept in concepts_in_danish(text):
            for term in concept.en:
                for t in analyse(term, "en"):
                    weights[t] += 0.5
        for t in analyse(text, "en"):  # names and international words ('smart city', 'mobility')
            weights[t] += 0.3
    # repeated query words count less than linearly
    return {t: 1.0 + math.log(w) if w >= 1 else w for t, w in weights.items()}, lang


def term_display(text: str) -> dict[str, str]:
    """Index term -> the query's own word for it (stems such as 'citi' are shown as 'cities')."""
    lang = guess_language(text)
    out: dict[str, str] = {}
    for use in dict.fromkeys([lang, "en"]):
        for word, stem in analyse_pairs(text, use):
            out.setdefault(stem, word)
    if lang == "da":
        from eudesk.matching.glossary import concepts_in_danish

        for concept in concepts_in_danish(text):
            for term in concept.en:
                for word, stem in analyse_pairs(term, "en"):
                    out.setdefault(stem, word)
    return out


def readable(terms: Iterable[str], display: dict[str, str]) -> list[str]:
    """Matched index terms as words a person recognises (topic-code terms left out)."""
    return list(dict.fromkeys(display.get(t, t) for t in terms if not t.startswith("tc:")))


class PartnerIndex:
    """Projects, organisations and who took part in what; ranks organisations for a query."""

    def __init__(self, projects: Sequence[ProjectDoc], orgs: Sequence[OrgDoc],
                 participations: Iterable[tuple[int, int, str]]) -> None:
        self.projects = list(projects)
        self.orgs = list(orgs)
        self.p_row = {p.key: i for i, p in enumerate(self.projects)}
        self.o_row = {o.key: i for i, o in enumerate(self.orgs)}
        pp, po, pc = [], [], []
        for pkey, okey, role in participations:
            if pkey in self.p_row and okey in self.o_row:
                pp.append(self.p_row[pkey])
                po.append(self.o_row[okey])
                pc.append(1 if role == "coordinator" else 0)
        self.part_p = np.asarray(pp, dtype=np.int64)
        self.part_o = np.asarray(po, dtype=np.int64)
        self.part_coord = np.asarray(pc, dtype=np.float64)
        self.p_year = np.array([p.year or 0 for p in self.projects], dtype=np.float64)  # 0: unknown
        self.n_p, self.n_o = len(self.projects), len(self.orgs)
        self._by_project: list[list[int]] = [[] for _ in range(self.n_p)]
        for i, p in enumerate(self.part_p.tolist()):
            self._by_project[p].append(i)
        families = [topic_family(p.topic_code) for p in self.projects]
        self._family_ids = {f: i for i, f in enumerate(sorted(set(families)))}
        self.p_family = np.array([self._family_ids[f] for f in families], dtype=np.int64)
        self._build_bm25()

    def _build_bm25(self) -> None:
        postings: dict[str, list[tuple[int, int]]] = {}
        lengths = np.zeros(self.n_p, dtype=np.float64)
        self.doc_terms: list[set[str]] = []
        for i, doc in enumerate(self.projects):
            terms = doc_terms(doc)
            lengths[i] = len(terms)
            counts = Counter(terms)
            self.doc_terms.append(set(counts))
            for t, tf in counts.items():
                postings.setdefault(t, []).append((i, tf))
        avg = float(lengths.mean()) if self.n_p and lengths.mean() > 0 else 1.0
        # per term: rows and the BM25 tf part; idf is applied at query time so that excluded projects (the
        # benchmark's held-out project) leave no trace in document frequencies either
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for t, plist in postings.items():
            rows = np.array([r for r, _ in plist], dtype=np.int64)
            tf = np.array([f for _, f in plist], dtype=np.float64)
            norm = K1 * (1.0 - B + B * lengths[rows] / avg)
            self.postings[t] = (rows, tf * (K1 + 1.0) / (tf + norm))

    def project_scores(self, weighted: dict[str, float], exclude: Iterable[int] = ()) -> np.ndarray:
        """BM25 score of every project for weighted query terms (excluded project keys score 0)."""
        out = np.zeros(self.n_p)
        gone = [self.p_row[key] for key in exclude if key in self.p_row]
        n = self.n_p - len(gone)
        for t, w in weighted.items():
            hit = self.postings.get(t)
            if hit is None:
                continue
            df = len(hit[0]) - sum(1 for g in gone if t in self.doc_terms[g])
            if df <= 0:
                continue
            idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
            out[hit[0]] += w * idf * hit[1]
        if gone:
            out[gone] = 0.0
        return out

    def query_units(self, text: str) -> list[tuple[str, set[str], float]]:
        """The query's content words, each with the index terms that count as it (its Danish and English stems,
        the glossary's English terms for a Danish word) and its weight (idf; a word no project contains weighs
        most, since nothing can answer it)."""
        lang = guess_language(text)
        top_idf = math.log(1.0 + (self.n_p + 0.5) / 0.5)
        units: dict[str, tuple[str, set[str]]] = {}
        for word, stem in analyse_pairs(text, lang):
            alts = {stem, *analyse(word, "en")}
            if lang == "da":
                from eudesk.matching.glossary import concepts_in_danish

                for concept in concepts_in_danish(word):
                    for term in concept.en:
                        stems = analyse(term, "en")
                        if len(stems) == 1:
                            alts.add(stems[0])
            units.setdefault(stem, (word, alts))
        out = []
        for word, alts in units.values():
            dfs = [len(self.postings[a][0]) for a in alts if a in self.postings]
            idf = max((math.log(1.0 + (self.n_p - df + 0.5) / (df + 0.5)) for df in dfs), default=top_idf)
            out.append((word, alts, idf))
        return out

    def search_projects(self, text: str, *, topic_code: str = "", k: int = 10, allowed: set[int] | None = None,
                        min_coverage: float = 0.0) -> list[tuple[int, float, list[str], float]]:
        """Projects best matching a text: (project key, score, matched index terms, coverage), best first.

        Coverage is the share of the query's words (weighted by idf) that the project contains; below
        min_coverage a project is not returned ("no good match" rather than a project sharing one common word)."""
        weighted, _lang = query_terms(text, topic_code)
        scores = self.project_scores(weighted)
        units = self.query_units(text)
        total = sum(w for _u, _a, w in units) or 1.0
        order = np.argsort(-scores, kind="stable")
        out = []
        for i in order:
            if scores[i] <= 0 or len(out) >= k:
                break
            if allowed is not None and self.projects[i].key not in allowed:
                continue
            terms = self.doc_terms[i]
            coverage = sum(w for _u, alts, w in units if alts & terms) / total
            if coverage < min_coverage:
                continue
            out.append((self.projects[i].key, float(scores[i]), sorted(set(weighted) & terms), round(coverage, 3)))
        return out

    def figures(self, text: str, *, topic_code: str = "", exclude_projects: Iterable[int] = (),
                home: Iterable[int] = (), project_match: Mapping[int, float] | None = None) -> Figures:
        """Every organisation's figures for a query; excluded projects (and their participation rows) leave no
        trace: not in fit, network, experience, programme line, home links nor in the BM25 document frequencies."""
        exclude_projects = list(exclude_projects)
        excluded = {self.p_row[x] for x in exclude_projects if x in self.p_row}
        weighted = query_terms(text, topic_code)[0]
        if project_match is not None:
            scores = np.zeros(self.n_p)
            for key, value in project_match.items():
                if key in self.p_row:
                    scores[self.p_row[key]] = value
        else:
            scores = self.project_scores(weighted, exclude_projects)
        live = np.ones(self.n_p, dtype=bool)
        if excluded:
            live[list(excluded)] = False
            scores[list(excluded)] = 0.0
        top = np.argsort(-scores, kind="stable")[:TOP_PROJECTS]
        top = top[scores[top] > 0]
        match = np.zeros(self.n_p)
        if len(top):
            match[top] = (scores[top] / scores[top[0]]) ** MATCH_POWER
        live_part = live[self.part_p] if len(self.part_p) else np.zeros(0, dtype=bool)
        pp, po = self.part_p[live_part], self.part_o[live_part]
        fit = np.bincount(po, weights=match[pp], minlength=self.n_o)
        # network: per project, the fit of everyone in it; an organisation gets its projects' sums minus its own
        proj_fit = np.bincount(pp, weights=fit[po], minlength=self.n_p)
        deg = np.bincount(po, minlength=self.n_o).astype(np.float64)
        network = np.maximum(np.bincount(po, weights=proj_fit[pp], minlength=self.n_o) - fit * deg, 0.0)
        coord = np.bincount(po, weights=self.part_coord[live_part], minlength=self.n_o)
        experience = np.log1p(deg) + 0.5 * np.log1p(coord)
        home_rows = [self.o_row[h] for h in home if h in self.o_row]
        home_links = np.zeros(self.n_o)
        if home_rows:
            is_home = np.zeros(self.n_o)
            is_home[home_rows] = 1.0
            proj_home = np.bincount(pp, weights=is_home[po], minlength=self.n_p)
            home_links = np.bincount(po, weights=(proj_home[pp] > 0).astype(np.float64), minlength=self.n_o)
            home_links[home_rows] = 0.0
        # programme line: projects under the same topic family as the query's topic ('MSCA', 'SC5', 'CL5')
        family = np.zeros(self.n_o)
        fam = topic_family(topic_code)
        if fam and fam in self._family_ids:
            in_fam = (self.p_family == self._family_ids[fam]).astype(np.float64)
            family = np.bincount(po, weights=in_fam[pp], minlength=self.n_o)
        return Figures(match=match, live=live, fit=fit, network=network, experience=experience,
                       home_links=home_links, family=family, projects=deg, coordinated=coord,
                       family_name=fam.upper(), terms=weighted)

    def rank(self, text: str, *, topic_code: str = "", k: int = 20, filters: Filters | None = None,
             exclude_projects: Iterable[int] = (), home: Iterable[int] = (), require_fit: bool = True,
             project_match: Mapping[int, float] | None = None,
             project_terms: Mapping[int, Sequence[str]] | None = None,
             weights: Weights | None = None) -> list[Suggestion]:
        """The k organisations that fit the query best, each with the figures and projects behind its rank.

        project_match (project key -> score, e.g. the hybrid retriever's fused score) replaces the BM25 project
        scores as the basis of "fit"; project_terms then gives the shared words/concepts shown as evidence.
        With require_fit (the default) only organisations with at least one fitting past project are suggested:
        fewer suggestions rather than padding with merely experienced ones."""
        filters = filters or Filters()
        f = self.figures(text, topic_code=topic_code, exclude_projects=exclude_projects, home=home,
                         project_match=project_match)
        total = f.combined(weights)
        mask = f.projects > 0
        if filters.types:
            mask &= np.array([o.activity_type in filters.types for o in self.orgs])
        if filters.countries:
            mask &= np.array([o.country in filters.countries for o in self.orgs])
        if filters.min_population is not None or filters.max_population is not None:
            lo, hi = filters.min_population or 0, filters.max_population or 10**10
            mask &= np.array([o.population is not None and lo <= o.population <= hi for o in self.orgs])
        if filters.coordinated:
            mask &= f.coordinated > 0
        for key in filters.exclude:
            if key in self.o_row:
                mask[self.o_row[key]] = False
        if require_fit:
            mask &= f.fit > 0
        total = np.where(mask, total, -1.0)
        order = np.argsort(-total, kind="stable")[:k]
        rows = [int(i) for i in order if total[i] > 0]
        chosen = set(rows)
        live_part = f.live[self.part_p] if len(self.part_p) else np.zeros(0, dtype=bool)
        pp, po, live_coord = self.part_p[live_part], self.part_o[live_part], self.part_coord[live_part]
        # the last year counts only live projects: an excluded project must not show through its year either
        last_year = np.zeros(self.n_o)
        np.maximum.at(last_year, po, self.p_year[pp])
        weighted = f.terms
        display = term_display(text)
        out = []
        for i in rows:
            ev = []
            part_rows = list(np.nonzero(po == i)[0])
            for j in sorted(part_rows, key=lambda j: -f.match[pp[j]])[:3]:
                p = int(pp[j])
                if f.match[p] <= 0:
                    break
                doc = self.projects[p]
                shared = (list(project_terms.get(doc.key, ())) if project_terms is not None
                          else readable(sorted(set(weighted) & self.doc_terms[p]), display))
                ev.append(ProjectEvidence(doc.key, doc.title, doc.topic_code, round(float(f.match[p]), 3),
                                          "coordinator" if live_coord[j] else "participant", shared[:12]))
            partners = self._partners_among(i, chosen, f.live)
            out.append(Suggestion(
                org_key=self.orgs[i].key, score=round(float(total[i]), 4), fit=round(float(f.fit[i]), 3),
                network=round(float(f.network[i]), 3), experience=round(float(f.experience[i]), 3),
                home=round(float(f.home_links[i]), 3), family=int(f.family[i]), family_name=f.family_name,
                projects=int(f.projects[i]), coordinated=int(f.coordinated[i]),
                last_year=int(last_year[i]) or None, evidence=ev,
                partners_in_list=[self.orgs[x].key for x in partners], home_links=int(f.home_links[i])))
        return out

    def _partners_among(self, row: int, chosen: set[int], live: np.ndarray) -> list[int]:
        """Rows of other suggested organisations this one has worked with."""
        found: set[int] = set()
        for j in np.nonzero(self.part_o == row)[0]:
            p = int(self.part_p[j])
            if not live[p]:
                continue
            for j2 in self._by_project[p]:
                o = int(self.part_o[j2])
                if o != row and o in chosen:
                    found.add(o)
        return sorted(found)


def passages(text: str, terms: Iterable[str], lang: str = "en", *, max_passages: int = 2,
             width: int = 260) -> list[tuple[str, list[str]]]:
    """The sentences of a text that contain the most matched terms, with the words that matched."""
    wanted = set(terms)
    if not text or not wanted:
        return []
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]
    scored = []
    for idx, s in enumerate(sentences):
        words = [w for w, st in analyse_pairs(s, lang) if st in wanted]
        if words:
            scored.append((len(set(words)), -idx, s, sorted(set(words))))
    scored.sort(reverse=True)
    out = []
    for _n, _i, s, words in scored[:max_passages]:
        out.append((s if len(s) <= width else s[: width - 1].rsplit(" ", 1)[0] + "…", words))
    return out
