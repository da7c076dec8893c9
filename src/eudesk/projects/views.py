"""Past projects pages and their JSON twins: the list with knowledge search, one project with notes."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from eudesk.config import Settings
from eudesk.core.errors import InvalidInput
from eudesk.partners import geo
from eudesk.partners import service as partners
from eudesk.projects import service
from eudesk.projects.matcher import ProjectMatcher, get_project_matcher
from eudesk.projects.models import Project
from eudesk.projects.schemas import (
    KnowledgeHitOut,
    NoteOut,
    ParticipationOut,
    PassageOut,
    ProjectDetailOut,
    ProjectListOut,
    ProjectSummaryOut,
    SourceOut,
)
from eudesk.web.deps import get_session, get_today, get_translator
from eudesk.web.i18n import Translator
from eudesk.web.rendering import render

router = APIRouter(tags=["projects"])
METHOD_NOTE = ("Words only (BM25 over titles, topics and descriptions, Danish and English stemming, a Danish-English "
               "glossary); no semantic model yet.")
COVERAGE_NOTE = "A project is shown when it contains at least 35% of the question's words (rarer words count more)."
HYBRID_NOTE = ("Meaning and words: the embedding model (%(m)s) compares the question with each "
               "project's title and first passages, and words are matched through a Danish-English glossary of "
               "concepts. A project is shown only when it scores above what the best project of an unrelated "
               "question would reach.")
PREPARING_NOTE = ("Words only for now: the multilingual model is still reading the projects (%(p)s%%). Results are "
                  "shown only when they clear the same 'good match' threshold.")
WORDS_CORE_NOTE = ("Words only (the multilingual model is not available: %(e)s). Results are shown only when they "
                   "clear the 'good match' threshold.")


def setup(app: FastAPI) -> None:
    """Register the start-up hook that prepares the project index (the model's part in a background thread)."""
    app.state.startup_hooks.append(_start_matching)


def _start_matching(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    if settings.embedder == "fake":
        return  # instant embedder (tests): built on first use
    with app.state.sessionmaker() as session:
        get_project_matcher(settings=settings, session=session)


def matcher_dep(request: Request, session: Session = Depends(get_session)) -> ProjectMatcher:
    """The app's project matcher, refreshed when the projects changed since it was built."""
    return get_project_matcher(settings=request.app.state.settings, session=session)


def method_note(matcher: ProjectMatcher | None) -> tuple[str, dict[str, object]]:
    """How knowledge search and the partners' fit are computed right now: a translatable message and its values."""
    if matcher is None:
        return METHOD_NOTE, {}
    if matcher.semantic_ready:
        return HYBRID_NOTE, {"m": matcher.embedder_name}
    if matcher.error:
        return WORDS_CORE_NOTE, {"e": matcher.error[:120]}
    return PREPARING_NOTE, {"p": matcher.progress_percent}


def note_error(text: str, author: str) -> str:
    """The (translatable) message of what is wrong with a note form, or ''."""
    if not text.strip():
        return "Write something in the note."
    if len(text.strip()) > partners.NOTE_MAX:
        return "A note is at most 5,000 characters."
    if len(author.strip()) > 120:
        return "The name is at most 120 characters."
    return ""


def summary_out(p: Project) -> ProjectSummaryOut:
    """The JSON shape of a project in a list."""
    return ProjectSummaryOut(id=p.id, source=p.source, external_id=p.external_id, acronym=p.acronym, title=p.title,
                             programme=p.programme, topic_code=p.topic_code, start_date=p.start_date,
                             end_date=p.end_date, eu_contribution=p.eu_contribution, currency=p.currency,
                             url=f"/projects/{p.id}")


def note_out(n: object) -> NoteOut:
    """The JSON shape of a note."""
    return NoteOut.model_validate(n, from_attributes=True)


def detail_out(p: Project, notes: list[object]) -> ProjectDetailOut:
    """The JSON shape of one project."""
    return ProjectDetailOut(
        **summary_out(p).model_dump(), objective=p.objective, topic_title=p.topic_title,
        funding_scheme=p.funding_scheme, total_cost=p.total_cost, region=p.region, source_url=p.url,
        attribution=p.attribution, notes=[note_out(n) for n in notes],
        participations=[ParticipationOut(organisation_id=x.organisation_id, organisation=x.organisation.name,
                                         activity_type=x.organisation.activity_type, country=x.organisation.country,
                                         city=x.organisation.city, role=x.role, eu_contribution=x.eu_contribution,
                                         url=f"/organisations/{x.organisation_id}") for x in p.participations],
    )


def hit_out(h: partners.KnowledgeHit) -> KnowledgeHitOut:
    """The JSON shape of a knowledge-search hit."""
    return KnowledgeHitOut(project=summary_out(h.project), score=h.score, coverage=h.coverage,  # type: ignore[arg-type]
                           matched_terms=h.matched_terms,
                           passages=[PassageOut(text=t, matched_terms=w) for t, w in h.passages],
                           organisations=h.organisations, countries=h.countries, concepts=h.concepts,
                           method=h.method)


def _list(session: Session, q: str, source: str, country: str, page: int, matcher: ProjectMatcher
          ) -> tuple[ProjectListOut, list, list, tuple[str, dict[str, object]]]:
    q = q.strip()[:500]
    if country and (len(country) != 2 or not country.isalpha()):
        raise InvalidInput(f"not a two-letter country code: {country!r}", field="country")
    hits: list[partners.KnowledgeHit] = []
    items: list[Project] = []
    if q:
        hits = partners.knowledge_search(session=session, text=q, k=15, country=country or None, matcher=matcher)
        total = len(hits)
    else:
        total, items = service.list_projects(session=session, source=source, country=country, page=page)
    sources = service.list_sources(session=session)
    method, values = method_note(matcher)
    note = (method % values if values else method) + (f" {COVERAGE_NOTE}" if method == METHOD_NOTE else "")
    preparing = None if matcher.semantic_ready or matcher.error else matcher.progress_percent
    out = ProjectListOut(total=total, q=q, note=note if q else "", semantic=matcher.semantic_ready,
                         preparing_percent=preparing,
                         sources=[SourceOut.model_validate(s, from_attributes=True) for s in sources],
                         items=[summary_out(p) for p in items], hits=[hit_out(h) for h in hits])
    return out, hits, items, (method, values)


@router.get("/projects.json", response_model=ProjectListOut)
def projects_json(q: str = "", source: str = "", country: str = "", page: int = Query(1, ge=1),
                  session: Session = Depends(get_session), matcher: ProjectMatcher = Depends(matcher_dep)
                  ) -> ProjectListOut:
    """Past projects (newest first), or with q a knowledge search in Danish or English with matching passages."""
    return _list(session, q, source, country, page, matcher)[0]


@router.get("/projects", include_in_schema=False)
def projects_page(request: Request, q: str = "", source: str = "", country: str = "", page: int = Query(1, ge=1),
                  session: Session = Depends(get_session), today: dt.date = Depends(get_today),
                  tr: Translator = Depends(get_translator), matcher: ProjectMatcher = Depends(matcher_dep)
                  ) -> Response:
    """The past projects page with the knowledge search box."""
    out, hits, items, (method, values) = _list(session, q, source, country, page, matcher)
    return render(request, "projects/list.html", tr=tr, block="results", nav="projects", out=out, hits=hits,
                  method=method, method_values=values,
                  coverage_note=COVERAGE_NOTE if method == METHOD_NOTE else "",
                  items=items, q=q, source=source, country=country, page=page,
                  pages=max(1, (out.total + 49) // 50), sources=service.list_sources(session=session))


@router.get("/projects/{project_id}.json", response_model=ProjectDetailOut)
def project_json(project_id: int, session: Session = Depends(get_session)) -> ProjectDetailOut:
    """One past project with its description, topic, consortium, provenance and staff notes."""
    p = service.get_project(session=session, project_id=project_id)
    return detail_out(p, partners.list_notes(session=session, target_kind="project", target_key=str(p.id)))


def _project_page(request: Request, tr: Translator, session: Session, project_id: int, *, values: dict[str, str],
                  error: str = "", status_code: int = 200) -> Response:
    p = service.get_project(session=session, project_id=project_id)
    notes = partners.list_notes(session=session, target_kind="project", target_key=str(p.id))
    matcher = get_project_matcher(settings=request.app.state.settings, session=session)
    similar = [h for h in partners.similar_projects(session=session, text=f"{p.title}\n{p.objective[:1500]}", k=6,
                                                    matcher=matcher)
               if h.project.id != p.id][:5]  # type: ignore[attr-defined]
    return render(request, "projects/detail.html", tr=tr, nav="projects", p=p, notes=notes, values=values,
                  error=error, similar=similar, core_city=geo.core_city, status_code=status_code)


@router.get("/projects/{project_id}", include_in_schema=False)
def project_page(request: Request, project_id: int, session: Session = Depends(get_session),
                 today: dt.date = Depends(get_today), tr: Translator = Depends(get_translator)) -> Response:
    """One past project's page."""
    return _project_page(request, tr, session, project_id, values={})


@router.post("/projects/{project_id}/notes", include_in_schema=False)
def project_note(request: Request, project_id: int, text: str = Form(""), author: str = Form(""),
                 session: Session = Depends(get_session), today: dt.date = Depends(get_today),
                 tr: Translator = Depends(get_translator)) -> Response:
    """Add a staff note to a project; an error shows the page again with what was typed."""
    service.get_project(session=session, project_id=project_id)
    error = note_error(text, author)
    if error:
        return _project_page(request, tr, session, project_id, values={"text": text, "author": author},
                             error=error, status_code=422)
    partners.add_note(session=session, target_kind="project", target_key=str(project_id), text=text, author=author)
    return RedirectResponse(f"/projects/{project_id}#notes", status_code=303)
