"""Records read by the importers, and the JSON shapes of the projects pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydantic import BaseModel, Field


@dataclass
class ParticipantRecord:
    """One organisation's participation as a source states it."""

    name: str
    role: str = "participant"
    order: int = 0
    cordis_id: str | None = None
    short_name: str = ""
    activity_type: str = ""
    country: str = ""
    city: str = ""
    postcode: str = ""
    nuts_code: str = ""
    url: str = ""
    eu_contribution: float | None = None


@dataclass
class ProjectRecord:
    """One past project as a source states it, with its participants."""

    source: str
    external_id: str
    title: str = ""
    acronym: str = ""
    objective: str = ""
    language: str = "en"
    programme: str = ""
    topic_code: str = ""
    topic_title: str = ""
    funding_scheme: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    total_cost: float | None = None
    eu_contribution: float | None = None
    currency: str = "EUR"
    region: str = ""
    url: str = ""
    attribution: str = ""
    participants: list[ParticipantRecord] = field(default_factory=list)


class ParticipationOut(BaseModel):
    """An organisation's role in a project."""

    organisation_id: int
    organisation: str
    activity_type: str
    country: str
    city: str
    role: str
    eu_contribution: float | None
    url: str


class ProjectSummaryOut(BaseModel):
    """A past project in a list."""

    id: int
    source: str
    external_id: str
    acronym: str
    title: str
    programme: str
    topic_code: str
    start_date: dt.date | None
    end_date: dt.date | None
    eu_contribution: float | None
    currency: str
    url: str


class ProjectDetailOut(ProjectSummaryOut):
    """A past project with its text, topic, consortium and provenance."""

    objective: str
    topic_title: str
    funding_scheme: str
    total_cost: float | None
    region: str
    source_url: str
    attribution: str
    participations: list[ParticipationOut]
    notes: list[NoteOut]


class PassageOut(BaseModel):
    """A passage of a project's text that matched a knowledge search, with the matched words."""

    text: str
    matched_terms: list[str]


class KnowledgeHitOut(BaseModel):
    """One project found by a knowledge search, why, and who did it."""

    project: ProjectSummaryOut
    score: float = Field(description="Words only: BM25 score. Hybrid: the core's fused score (0.6 x dense z-score "
                                     "+ 0.4 x lexical z-score over all projects).")
    coverage: float | None = Field(description="Words only: share of the question's words (rarer words count "
                                               "more) the project contains; null for the hybrid core.")
    matched_terms: list[str]
    passages: list[PassageOut]
    organisations: list[str]
    countries: list[str]
    concepts: list[str] = Field(default_factory=list, description="Glossary concepts of the question the "
                                                                  "project also uses (hybrid core).")
    method: str = Field("words", description="hybrid (model + words), words-core (the core without the model "
                                             "while its vectors are prepared) or words (the BM25 engine).")


class ProjectListOut(BaseModel):
    """The projects list, or the hits of a knowledge search when q is given."""

    total: int
    q: str
    note: str
    semantic: bool = Field(False, description="True when the multilingual model takes part in knowledge search.")
    preparing_percent: int | None = Field(None, description="While the model's vectors of the projects are being "
                                                            "computed: how far (0-100); words answer meanwhile.")
    sources: list[SourceOut]
    items: list[ProjectSummaryOut]
    hits: list[KnowledgeHitOut]


class SourceOut(BaseModel):
    """One import of past projects."""

    source: str
    label: str
    attribution: str
    rows: int
    imported_at: dt.datetime


class NoteOut(BaseModel):
    """A staff note."""

    id: int
    target_kind: str
    target_key: str
    author: str
    text: str
    created_at: dt.datetime


ProjectDetailOut.model_rebuild()
ProjectListOut.model_rebuild()
