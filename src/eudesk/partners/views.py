"""Partner pages and their JSON twins: partner search with consortium and Excel export, organisation and city
profiles with staff notes, undoing merges."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from eudesk.partners import geo, service
from eudesk.partners.export import shortlist_xlsx
from eudesk.partners.models import Organisation
from eudesk.partners.schemas import (
    CityProfileOut,
    ConsortiumMemberOut,
    ConsortiumOut,
    EvidenceOut,
    FiguresOut,
    MergeOut,
    OrganisationOut,
    OrganisationProfileOut,
    PartnerCountOut,
    PartnerSearchOut,
    RoleOut,
    SuggestionOut,
)
from eudesk.projects.matcher import ProjectMatcher
from eudesk.projects.views import matcher_dep, method_note, note_error, note_out, summary_out
from eudesk.web.deps import get_session, get_today, get_translator
from eudesk.web.i18n import Translator
from eudesk.web.rendering import render

router = APIRouter(tags=["partners"])
Multi = Annotated[list[str], Query()]
TYPE_LABELS = {"PUB": "Public body", "HES": "University or school", "REC": "Research organisation",
               "PRC": "Company", "OTH": "Other"}


def setup(app: FastAPI) -> None:
    """Build the partner ranking index (~2 s) as a warm-up in the background after start-up, not in the first
    request using it (a task page's similar projects, partner search); tests (the fake embedder) build it on use."""
    if app.state.settings.embedder != "fake":
        app.state.warmups.append(_warm_index)


def _warm_index(app: FastAPI) -> None:
    with app.state.sessionmaker() as session:
        service.partner_index(session=session)


def org_out(o: Organisation) -> OrganisationOut:
    """The JSON shape of an organisation."""
    return OrganisationOut(id=o.id, name=o.name, short_name=o.short_name, cordis_id=o.cordis_id,
                           activity_type=o.activity_type, country=o.country, city=o.city, nuts_code=o.nuts_code,
                           nuts_source=o.nuts_source, population=o.population, population_source=o.population_source,
                           url=o.url, page=f"/organisations/{o.id}")


def partner_query(text: str = "", call: str = "", type: Multi = [], country: Multi = [],  # noqa: A002, B006
                  size: str = "", coordinated: str = "", k: int = 20) -> service.PartnerQuery:
    """The partner search read from query parameters (empty form fields mean 'any')."""
    return service.PartnerQuery(
        text=text.strip()[:3000], call=call.strip()[:120], types=[t.upper() for t in type if t],
        countries=[c.strip().upper() for c in country for c in c.split(",") if c.strip()],
        comparable_size=size in ("1", "on", "true", "comparable"), coordinated=coordinated in ("1", "on", "true"),
        k=k)


def result_out(r: service.PartnerResult, method: str = "") -> PartnerSearchOut:
    """The JSON shape of a partner search (method: how the fit was computed, in English)."""
    names = {s.organisation.id: s.organisation.name for s in r.suggestions}
    sugg = []
    for s in r.suggestions:
        x = s.raw
        sugg.append(SuggestionOut(
            rank=s.rank, organisation=org_out(s.organisation),
            figures=FiguresOut(score=x.score, fit=x.fit, network=x.network, experience=x.experience,  # type: ignore[attr-defined]
                               programme_line=x.family_name, projects_in_programme_line=x.family,  # type: ignore[attr-defined]
                               home_links=x.home_links, danish_links=s.danish_links, projects=x.projects,  # type: ignore[attr-defined]
                               coordinated=x.coordinated, last_year=x.last_year),  # type: ignore[attr-defined]
            evidence=[EvidenceOut(project_id=e.project_key, title=e.title, topic_code=e.topic_code, match=e.match,
                                  role=e.role, matched_terms=[t for t in e.matched_terms if not t.startswith("tc:")])
                      for e in x.evidence],  # type: ignore[attr-defined]
            worked_with=[names[i] for i in x.partners_in_list if i in names],  # type: ignore[attr-defined]
        ))
    cons = None
    if r.consortium:
        cons = ConsortiumOut(rule=r.consortium.rule, satisfied=r.consortium.satisfied, missing=r.consortium.missing_text,
                             members=[ConsortiumMemberOut(organisation=org_out(m.organisation), reasons=m.reason_texts)
                                      for m in r.consortium.members])
    q = r.query
    return PartnerSearchOut(text=q.text, call=q.call, call_title=r.call_title, action_type=r.action_type,
                            types=q.types, countries=q.countries, comparable_size=q.comparable_size,
                            coordinated=q.coordinated, home_population=r.home_population, note=r.note,
                            method=method, suggestions=sugg, consortium=cons)


@router.get("/partners.json", response_model=PartnerSearchOut)
def partners_json(q: service.PartnerQuery = Depends(partner_query), session: Session = Depends(get_session),
                  matcher: ProjectMatcher = Depends(matcher_dep)) -> PartnerSearchOut:
    """Partner search for a task text or a call (topic id), with filters; each suggestion explains itself."""
    msg, values = method_note(matcher)
    return result_out(service.search_partners(session=session, query=q, matcher=matcher),
                      method=msg % values if values else msg)


@router.get("/partners/export.xlsx", response_class=Response,
            responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def partners_xlsx(request: Request, q: service.PartnerQuery = Depends(partner_query),
                  session: Session = Depends(get_session), matcher: ProjectMatcher = Depends(matcher_dep),
                  tr: Translator = Depends(get_translator)) -> Response:
    """The partner shortlist of a search as an Excel workbook (suggestions, consortium, query), in the page's
    language."""
    result = service.search_partners(session=session, query=q, matcher=matcher)
    data = shortlist_xlsx(result, base_url=str(request.base_url).rstrip("/"), gettext=tr.gettext,
                          type_labels=TYPE_LABELS)
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="eudesk-partners.xlsx"'})


@router.get("/partners", include_in_schema=False)
def partners_page(request: Request, q: service.PartnerQuery = Depends(partner_query),
                  session: Session = Depends(get_session), today: dt.date = Depends(get_today),
                  tr: Translator = Depends(get_translator), matcher: ProjectMatcher = Depends(matcher_dep)
                  ) -> Response:
    """The partner search page."""
    result = service.search_partners(session=session, query=q, matcher=matcher) if (q.text or q.call) else None
    export = "/partners/export.xlsx" + (f"?{request.url.query}" if request.url.query else "")
    method, values = method_note(matcher)
    return render(request, "partners/search.html", tr=tr, block="results", nav="partners", q=q, result=result,
                  types=TYPE_LABELS, export_url=export, method=method, method_values=values)


@router.get("/organisations/{org_id}.json", response_model=OrganisationProfileOut)
def organisation_json(org_id: int, session: Session = Depends(get_session)) -> OrganisationProfileOut:
    """An organisation's projects with roles, programmes, topics, EU contribution, partners, countries, merges."""
    p = service.organisation_profile(session=session, org_id=org_id)
    return OrganisationProfileOut(
        organisation=org_out(p.organisation), merged_into=org_out(p.merged_into) if p.merged_into else None,
        projects=[RoleOut(project=summary_out(x.project), role=x.role, eu_contribution=x.eu_contribution)  # type: ignore[attr-defined]
                  for x in p.participations],
        coordinated=p.coordinated, eu_contribution_total=p.eu_total, programmes=dict(p.programmes),
        topics=[{"topic_code": c, "topic_title": t, "projects": n} for c, t, n in p.topics],
        partners=[PartnerCountOut(organisation=org_out(o), shared_projects=n) for o, n in p.partners],
        countries=dict(p.countries), merges=[MergeOut.model_validate(m, from_attributes=True) for m in p.merges],
        notes=[note_out(n) for n in p.notes],
    )


def _org_page(request: Request, tr: Translator, session: Session, org_id: int, *, values: dict[str, str],
              error: str = "", status_code: int = 200) -> Response:
    p = service.organisation_profile(session=session, org_id=org_id)
    names = {o.id: o.name for o, _n in p.partners}
    for m in p.merges:
        for i in (m.kept_id, m.merged_id):
            if i not in names:
                names[i] = service.get_organisation(session=session, org_id=i).name
    return render(request, "partners/organisation.html", tr=tr, nav="partners", p=p, o=p.organisation,
                  values=values, error=error, names=names, types=TYPE_LABELS, reason_parts=service.reason_parts,
                  city_url=f"/cities/{p.organisation.country}/{geo.core_city(p.organisation.city)}"
                  if p.organisation.city else "",
                  status_code=status_code)


@router.get("/organisations/{org_id}", include_in_schema=False)
def organisation_page(request: Request, org_id: int, session: Session = Depends(get_session),
                      today: dt.date = Depends(get_today), tr: Translator = Depends(get_translator)) -> Response:
    """An organisation's profile page."""
    return _org_page(request, tr, session, org_id, values={})


@router.post("/organisations/{org_id}/notes", include_in_schema=False)
def organisation_note(request: Request, org_id: int, text: str = Form(""), author: str = Form(""),
                      session: Session = Depends(get_session), today: dt.date = Depends(get_today),
                      tr: Translator = Depends(get_translator)) -> Response:
    """Add a staff note to an organisation; an error shows the page again with what was typed."""
    service.get_organisation(session=session, org_id=org_id)
    error = note_error(text, author)
    if error:
        return _org_page(request, tr, session, org_id, values={"text": text, "author": author}, error=error,
                         status_code=422)
    service.add_note(session=session, target_kind="organisation", target_key=str(org_id), text=text, author=author)
    return RedirectResponse(f"/organisations/{org_id}#notes", status_code=303)


@router.post("/organisations/merges/{merge_id}/undo", include_in_schema=False)
def undo_merge(merge_id: int, session: Session = Depends(get_session)) -> Response:
    """Undo a merge of two organisation records and go back to the merged record."""
    m = service.undo_merge(session=session, merge_id=merge_id)
    return RedirectResponse(f"/organisations/{m.merged_id}", status_code=303)


@router.get("/cities/{country}/{city}.json", response_model=CityProfileOut)
def city_json(country: str, city: str, session: Session = Depends(get_session)) -> CityProfileOut:
    """A city's organisations, projects, programmes, partner countries and population (with its source)."""
    c = service.city_profile(session=session, country=country, city=city)
    return CityProfileOut(
        country=c.country, city=c.city, population=c.population, population_source=c.population_source,
        organisations=[PartnerCountOut(organisation=org_out(o), shared_projects=n) for o, n in c.organisations],
        projects=[summary_out(p) for p in c.projects], programmes=dict(c.programmes),  # type: ignore[arg-type]
        partner_countries=dict(c.partner_countries), notes=[note_out(n) for n in c.notes],
    )


def _city_page(request: Request, tr: Translator, session: Session, country: str, city: str, *,
               values: dict[str, str], error: str = "", status_code: int = 200) -> Response:
    c = service.city_profile(session=session, country=country, city=city)
    return render(request, "partners/city.html", tr=tr, nav="partners", c=c, values=values, error=error,
                  types=TYPE_LABELS, status_code=status_code)


@router.get("/cities/{country}/{city}", include_in_schema=False)
def city_page(request: Request, country: str, city: str, session: Session = Depends(get_session),
              today: dt.date = Depends(get_today), tr: Translator = Depends(get_translator)) -> Response:
    """A city's profile page."""
    return _city_page(request, tr, session, country, city, values={})


@router.post("/cities/{country}/{city}/notes", include_in_schema=False)
def city_note(request: Request, country: str, city: str, text: str = Form(""), author: str = Form(""),
              session: Session = Depends(get_session), today: dt.date = Depends(get_today),
              tr: Translator = Depends(get_translator)) -> Response:
    """Add a staff note to a city; an error shows the page again with what was typed."""
    service.city_profile(session=session, country=country, city=city)
    error = note_error(text, author)
    if error:
        return _city_page(request, tr, session, country, city, values={"text": text, "author": author},
                          error=error, status_code=422)
    service.add_note(session=session, target_kind="city", target_key=service.city_key(country, city), text=text,
                     author=author)
    return RedirectResponse(f"/cities/{country}/{city}#notes", status_code=303)
