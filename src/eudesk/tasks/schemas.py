"""Plain records of the tasks domain (validated input) and the JSON shapes of its pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydantic import BaseModel, Field


@dataclass
class TaskIn:
    """A task as typed in a form or read from a file row, already validated."""

    title: str
    description: str
    department: str = ""
    office: str = ""
    contact: str = ""
    amount: int | None = None
    currency: str = "DKK"
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    themes: list[str] = field(default_factory=list)
    status: str = "new"
    language: str = ""


# --- JSON shapes -----------------------------------------------------------------------------------------------

class MoneyOut(BaseModel):
    """An amount in both currencies (DKK per EUR 7.46038, the ERM II central rate)."""

    amount: int
    currency: str
    eur: int
    dkk: int


class TaskOut(BaseModel):
    """A task."""

    id: int
    title: str
    description: str
    language: str
    department: str
    office: str
    contact: str
    money_needed: MoneyOut | None
    start_date: dt.date | None
    end_date: dt.date | None
    themes: list[str]
    status: str
    source: str
    created_at: dt.datetime
    updated_at: dt.datetime
    matched_at: dt.datetime | None
    url: str


class TaskListOut(BaseModel):
    """Tasks filtered by department and status, with the counts per department and status."""

    total: int
    items: list[TaskOut]
    departments: dict[str, int]
    statuses: dict[str, int]


class PassageOut(BaseModel):
    """A passage of the call that corresponds to the task or query, with the words it shares with it."""

    text: str
    similarity: float | None = Field(description="cosine between the passage and the query (None: lexical only)")
    shared_words: list[str]


class FundingRateOut(BaseModel):
    """The EU funding rate a municipality would get, and where that figure comes from."""

    percent: int | None = Field(description="None: see the call document")
    up_to: bool
    basis: str
    source: str


class ApplicantPhraseOut(BaseModel):
    """A phrase of the call naming public authorities or cities as applicants or partners."""

    phrase: str
    snippet: str
    field: str


class BudgetOut(BaseModel):
    """The call's EU contribution per grant against the money the task needs."""

    min_eur: int | None
    max_eur: int | None
    expected_grants: int | None
    needed_eur: int | None
    verdict: str = Field(description="covers, partly, unknown or no_need (the task states no amount)")


class FeedbackOut(BaseModel):
    """A verdict on a match."""

    id: int
    task_id: int
    topic_id: str
    verdict: str
    who: str
    note: str
    at: dt.datetime
    undone_at: dt.datetime | None


class CallMatchOut(BaseModel):
    """A call that fits, why it fits, and the facts that decide whether to go for it."""

    topic_id: str
    title: str
    url: str
    portal_url: str
    programme: str
    programme_name: str
    action_type: str
    types_of_action: str
    status: str
    next_deadline: dt.date | None
    days_left: int | None
    score: float
    good: bool
    score_components: dict[str, float]
    passages: list[PassageOut]
    concepts: list[str]
    shared_words: list[str]
    funding_rate: FundingRateOut
    budget: BudgetOut
    applicant_phrases: list[ApplicantPhraseOut]
    new_since: dt.date | None = Field(description="set when the call started fitting after the task's first matching")
    first_matched_on: dt.date | None
    verdict: str | None


class MatchingStateOut(BaseModel):
    """How the matching index stands: semantic (multilingual model) or lexical only while it is prepared."""

    semantic: bool
    preparing: bool
    progress_percent: int
    error: str


class SimilarProjectOut(BaseModel):
    """A past project like the task (from the projects/partners domains), with who did it and where."""

    title: str
    acronym: str
    url: str
    programme: str
    start_year: int | None
    source: str
    countries: list[str]
    organisations: list[str]
    matched_terms: list[str]
    in_denmark: bool = Field(description="listed under 'in Denmark' (else 'elsewhere')")


class TaskDetailOut(BaseModel):
    """A task with its matches (or 'no good match'), hidden matches, feedback and similar projects."""

    task: TaskOut
    matching: MatchingStateOut
    no_good_match: bool
    matches: list[CallMatchOut]
    hidden: list[str] = Field(description="topic ids marked not relevant (left out of the list)")
    feedback: list[FeedbackOut]
    similar_projects: list[SimilarProjectOut] | None = Field(
        description="past projects elsewhere; None when the projects module is not available")


class SearchOut(BaseModel):
    """Calls for a free-text question, explained; no_good_match when nothing clears the threshold."""

    q: str
    query_language: str
    matching: MatchingStateOut
    no_good_match: bool
    concepts: list[str]
    results: list[CallMatchOut]


class DeletedOut(BaseModel):
    """What a deletion removed: tasks, their stored matches and their feedback marks."""

    tasks: int
    matches: int
    feedback: int


class ImportOut(BaseModel):
    """The result of an import."""

    imported: int
    source: str
