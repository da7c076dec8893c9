"""Projects service: import past projects from files (all-or-nothing, idempotent), list, show, and the bundled
knowledge base. Plain functions with keyword-only arguments; the caller owns the transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session, selectinload

from eudesk.core.dates import utcnow
from eudesk.core.errors import InvalidInput, NotFound
from eudesk.core.text import content_hash
from eudesk.partners import service as partners
from eudesk.partners.models import Organisation
from eudesk.projects.models import Participation, Project, ProjectSource
from eudesk.projects.schemas import ProjectRecord
from eudesk.projects.sources import cordis, dk_structural
from eudesk.projects.sources.common import clamp, csv_rows, read_text, suffix

Progress = Callable[[int, int], None]
_FIELDS = ("acronym", "title", "objective", "language", "programme", "topic_code", "topic_title", "funding_scheme",
           "start_date", "end_date", "total_cost", "eu_contribution", "currency", "region", "url", "attribution")


@dataclass
class ImportSummary:
    """What an import did."""

    rows: int = 0
    projects_seen: int = 0
    projects_new: int = 0
    projects_changed: int = 0
    projects_unchanged: int = 0
    participations_new: int = 0
    organisations_new: int = 0
    merges: int = 0


def bundled_dir() -> Path:
    """The folder of the bundled knowledge base (CORDIS samples and the Danish structural-fund lists)."""
    return Path(str(resources.files("eudesk").joinpath("data/projects")))


def detect_source(path: Path) -> str:
    """Which importer reads the file: 'cordis' or 'dk-structural' (by its columns)."""
    if suffix(path) == ".json":
        return cordis.SOURCE
    header, _rows = csv_rows(path, read_text(path).split("\n", 1)[0] + "\n")
    cols = set(header)
    if set(dk_structural.LAYOUT_2007.values()) <= cols or set(dk_structural.LAYOUT_2014.values()) <= cols:
        return dk_structural.SOURCE
    if cordis._kind(cols):
        return cordis.SOURCE
    raise InvalidInput("not a file eudesk can import (CORDIS project/organization/topics file or a Danish "
                       "structural-fund list)", record=path.name, field="header")


def read_files(paths: Sequence[Path]) -> list[tuple[str, list[ProjectRecord], str]]:
    """Read every file first (so a bad one stops the import before anything is stored): (source, records, label)."""
    groups: list[tuple[str, list[ProjectRecord], str]] = []
    cordis_paths = []
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise InvalidInput("no such file", record=str(path))
        kind = detect_source(path)
        if kind == cordis.SOURCE:
            cordis_paths.append(path)
        else:
            groups.append((kind, dk_structural.read_dk_structural(path), path.name))
    if cordis_paths:  # CORDIS files complete each other (projects + organisations + topics): read them together
        groups.insert(0, (cordis.SOURCE, cordis.read_cordis(cordis_paths), ", ".join(p.name for p in cordis_paths)))
    return groups


def _record_hash(rec: ProjectRecord) -> str:
    parts = [str(getattr(rec, f)) for f in _FIELDS]
    for p in rec.participants:
        parts.append("|".join(str(v) for v in vars(p).values()))
    return content_hash(*parts)


def import_records(*, session: Session, records: Iterable[ProjectRecord], source: str, label: str,
                   attribution: str = "", file_hash: str = "", progress: Progress | None = None,
                   resolver: partners.OrganisationResolver | None = None, merge: bool = True) -> ImportSummary:
    """Insert or update projects and their participations; a record identical to the stored one changes nothing."""
    records = list(records)
    summary = ImportSummary(rows=sum(max(1, len(r.participants)) for r in records))
    # only ids and hashes: the ORM objects are loaded for changed projects alone
    known = {ext: (pid, h) for pid, ext, h in session.execute(
        select(Project.id, Project.external_id, Project.content_hash).where(Project.source == source))}
    resolver = resolver or partners.OrganisationResolver(session)
    now = utcnow()
    todo: list[tuple[ProjectRecord, Project | None, str, list[Organisation]]] = []
    for i, rec in enumerate(records):
        summary.projects_seen += 1
        h = _record_hash(rec)
        old = known.get(rec.external_id)
        if old is not None and old[1] == h:
            summary.projects_unchanged += 1
        else:
            proj = get_project(session=session, project_id=old[0]) if old else None
            todo.append((rec, proj, h, [resolver.resolve(p, source=source) for p in rec.participants]))
        if progress and i % 100 == 0:
            progress(i + 1, len(records))
    resolver.flush_new()
    # New projects and their participations go in with bulk inserts; changed ones through the ORM (rare).
    fresh = [(rec, h, orgs) for rec, proj, h, orgs in todo if proj is None]
    if fresh:
        table = Project.__table__
        rows = [clamp(table, {**{f: getattr(rec, f) for f in _FIELDS}, "source": source,
                              "external_id": rec.external_id, "content_hash": h, "imported_at": now})
                for rec, h, _orgs in fresh]
        ids = [r[0] for r in session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                             rows)]
        part_rows = []
        for (rec, _h, orgs), pid in zip(fresh, ids, strict=True):
            seen: set[int] = set()
            for p, org in zip(rec.participants, orgs, strict=True):
                if org.id in seen:
                    continue  # the same organisation named twice in one project
                seen.add(org.id)
                part_rows.append(clamp(Participation.__table__, {
                    "project_id": pid, "organisation_id": org.id, "role": p.role, "order": p.order,
                    "eu_contribution": p.eu_contribution, "name_as_given": p.name}))
        if part_rows:
            session.execute(insert(Participation.__table__), part_rows)
        summary.projects_new += len(fresh)
        summary.participations_new += len(part_rows)
    for rec, proj, h, orgs in todo:
        if proj is None:
            continue
        summary.projects_changed += 1
        for f, v in clamp(Project.__table__, {f: getattr(rec, f) for f in _FIELDS}).items():
            setattr(proj, f, v)
        proj.content_hash, proj.imported_at = h, now
        by_org = {part.organisation_id: part for part in proj.participations}
        wanted: dict[int, Participation] = {}
        for p, org in zip(rec.participants, orgs, strict=True):
            if org.id in wanted:
                continue
            part = by_org.get(org.id)
            if part is None:
                part = Participation(organisation_id=org.id, name_as_given=p.name)
                proj.participations.append(part)
                summary.participations_new += 1
            part.role, part.order, part.eu_contribution = p.role[:32], p.order, p.eu_contribution
            wanted[org.id] = part
        for part in list(proj.participations):
            if part.organisation_id not in wanted:
                # a re-delivered project with a changed consortium: the file is the authority on who took part
                proj.participations.remove(part)
    summary.organisations_new = resolver.created
    session.flush()
    if merge:
        summary.merges = len(partners.auto_merge(session=session))
    changed = summary.projects_new or summary.projects_changed or summary.merges
    if changed:
        session.add(ProjectSource(source=source, label=label[:300], attribution=attribution, file_hash=file_hash,
                                  rows=summary.rows, projects_new=summary.projects_new,
                                  projects_changed=summary.projects_changed,
                                  participations_new=summary.participations_new, imported_at=now))
    session.flush()
    if progress:
        progress(len(records), len(records))
    return summary


def _files_hash(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).read_bytes())
    return h.hexdigest()


def import_files(*, session: Session, paths: Sequence[Path], progress: Progress | None = None) -> ImportSummary:
    """Import past projects from CORDIS files and Danish structural-fund lists; all-or-nothing."""
    total = ImportSummary()
    groups = read_files(paths)
    attributions = {cordis.SOURCE: cordis.ATTRIBUTION, dk_structural.SOURCE: dk_structural.ATTRIBUTION}
    fh = _files_hash(paths)
    resolver = partners.OrganisationResolver(session)
    for source, records, label in groups:
        s = import_records(session=session, records=records, source=source, label=label,
                           attribution=attributions.get(source, ""), file_hash=fh, progress=progress,
                           resolver=resolver, merge=False)
        for f in vars(total):
            setattr(total, f, getattr(total, f) + getattr(s, f))
    total.merges = len(partners.auto_merge(session=session))
    total.organisations_new = resolver.created
    return total


BUNDLED_FILES = ("projects_sample.csv", "organizations_sample.csv.gz", "project_topics_sample.csv",
                 "project.json.gz", "organization.json.gz", "structural_funds_2007-2013.csv.gz",
                 "structural_funds_2014-2020.csv")


def load_bundled(*, session: Session, settings: object = None) -> ImportSummary | None:
    """Load the bundled knowledge base into an empty database (does nothing when projects exist)."""
    if session.scalar(select(func.count()).select_from(Project)):
        return None
    folder = bundled_dir()
    return import_files(session=session, paths=[folder / name for name in BUNDLED_FILES])


# --- reading ----------------------------------------------------------------------------------------------------

def get_project(*, session: Session, project_id: int) -> Project:
    """One project with its participations."""
    proj = session.get(Project, project_id, options=[selectinload(Project.participations)])
    if proj is None:
        raise NotFound(f"no project with id {project_id}")
    return proj


def count_projects(*, session: Session) -> int:
    """How many past projects are stored."""
    return int(session.scalar(select(func.count()).select_from(Project)) or 0)


def list_projects(*, session: Session, q: str = "", source: str = "", country: str = "", page: int = 1,
                  per_page: int = 50) -> tuple[int, list[Project]]:
    """Projects, newest first, optionally filtered by a word in acronym/title, source or a participant's country."""
    stmt = select(Project)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Project.title.ilike(like), Project.acronym.ilike(like), Project.topic_code.ilike(like)))
    if source:
        stmt = stmt.where(Project.source == source)
    if country:
        sub = (select(Participation.project_id).join(Organisation, Organisation.id == Participation.organisation_id)
               .where(Organisation.country == country.upper()))
        stmt = stmt.where(Project.id.in_(sub))
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    items = list(session.scalars(stmt.order_by(Project.start_date.desc().nulls_last(), Project.id)
                                 .offset((page - 1) * per_page).limit(per_page)))
    return total, items


def list_sources(*, session: Session) -> list[ProjectSource]:
    """Imports of past projects, newest first."""
    return list(session.scalars(select(ProjectSource).order_by(ProjectSource.id.desc())))
