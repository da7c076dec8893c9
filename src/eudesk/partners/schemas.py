"""JSON shapes of the partner pages (partner search, organisation and city profiles)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from eudesk.projects.schemas import NoteOut, ProjectSummaryOut


class OrganisationOut(BaseModel):
    """An organisation: identity, type and place."""

    id: int
    name: str
    short_name: str
    cordis_id: str | None
    activity_type: str
    country: str
    city: str
    nuts_code: str
    nuts_source: str
    population: int | None
    population_source: str
    url: str
    page: str


class EvidenceOut(BaseModel):
    """A past project of the organisation that fits the query: how well (0-1, best project = 1) and on which words."""

    project_id: int
    title: str
    topic_code: str
    match: float
    role: str
    matched_terms: list[str]


class FiguresOut(BaseModel):
    """The figures behind a suggestion's rank (see docs/projects.md for how they combine)."""

    score: float
    fit: float
    network: float
    experience: float
    programme_line: str
    projects_in_programme_line: int
    home_links: int
    danish_links: int
    projects: int
    coordinated: int
    last_year: int | None


class SuggestionOut(BaseModel):
    """A suggested partner and why."""

    rank: int
    organisation: OrganisationOut
    figures: FiguresOut
    evidence: list[EvidenceOut]
    worked_with: list[str]


class ConsortiumMemberOut(BaseModel):
    """A consortium member and the rules it satisfies."""

    organisation: OrganisationOut
    reasons: list[str]


class ConsortiumOut(BaseModel):
    """A suggested consortium and whether it meets the composition rule."""

    rule: str
    satisfied: bool
    missing: str
    members: list[ConsortiumMemberOut]


class PartnerSearchOut(BaseModel):
    """The answer of a partner search."""

    text: str
    call: str
    call_title: str
    action_type: str
    types: list[str]
    countries: list[str]
    comparable_size: bool
    coordinated: bool
    home_population: int | None
    note: str
    method: str
    suggestions: list[SuggestionOut]
    consortium: ConsortiumOut | None


class PartnerCountOut(BaseModel):
    """A frequent partner and how many projects were shared."""

    organisation: OrganisationOut
    shared_projects: int


class RoleOut(BaseModel):
    """A project and the organisation's role in it."""

    project: ProjectSummaryOut
    role: str
    eu_contribution: float | None


class MergeOut(BaseModel):
    """A merge of two organisation records."""

    id: int
    kept_id: int
    merged_id: int
    reason: str
    automatic: bool
    at: dt.datetime
    undone_at: dt.datetime | None


class OrganisationProfileOut(BaseModel):
    """An organisation's profile."""

    organisation: OrganisationOut
    merged_into: OrganisationOut | None
    projects: list[RoleOut]
    coordinated: int
    eu_contribution_total: dict[str, float]
    programmes: dict[str, int]
    topics: list[dict[str, str | int]]
    partners: list[PartnerCountOut]
    countries: dict[str, int]
    merges: list[MergeOut]
    notes: list[NoteOut]


class CityProfileOut(BaseModel):
    """A city's profile."""

    country: str
    city: str
    population: int | None
    population_source: str
    organisations: list[PartnerCountOut]
    projects: list[ProjectSummaryOut]
    programmes: dict[str, int]
    partner_countries: dict[str, int]
    notes: list[NoteOut]
