"""Plain records that sources produce and the service stores (no ORM, no web)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydantic import BaseModel, Field


@dataclass(frozen=True)
class ProgrammeInfo:
    """A funding programme as the portal identifies it."""

    id: str
    code: str
    name: str


@dataclass
class TopicRecord:
    """One call topic, normalised from any source (bundled file, raw portal response)."""

    topic_id: str
    title: str
    programme_id: str
    reference: str = ""
    cluster: str = ""
    call_identifier: str = ""
    call_title: str = ""
    action_type: str = ""
    types_of_action: str = ""
    status: str = ""  # forthcoming | open | closed, as the source said
    opening_date: dt.date | None = None
    deadlines: list[dt.date] = field(default_factory=list)
    deadline_model: str = ""
    budget_min: int | None = None
    budget_max: int | None = None
    expected_grants: int | None = None
    budget_total: int | None = None
    keywords: str = ""
    cross_cutting: str = ""
    description: str = ""
    conditions: str = ""
    support_info: str = ""
    portal_url: str = ""
    qna_url: str = ""
    updates_url: str = ""
    documents_url: str = ""


# --- JSON shapes of the web API (the JSON twins of the pages) ----------------------------------------------

class ProgrammeOut(BaseModel):
    """A programme."""

    id: str
    code: str
    name: str


class DeadlineOut(BaseModel):
    """One deadline of a call, with days left from today (negative when passed)."""

    date: dt.date
    stage: int
    days_left: int


class CallSummaryOut(BaseModel):
    """A call in a list."""

    topic_id: str
    title: str
    programme: ProgrammeOut
    call_identifier: str
    action_type: str
    status: str = Field(description="open, forthcoming or closed, judged against today")
    source_status: str = Field(description="the status the source reported when the data was fetched")
    deadlines: list[DeadlineOut]
    next_deadline: dt.date | None
    budget_min_eur: int | None = Field(description="smallest EU contribution per grant, EUR")
    budget_max_eur: int | None = Field(description="largest EU contribution per grant, EUR")
    expected_grants: int | None
    url: str
    portal_url: str


class CallDetailOut(CallSummaryOut):
    """A call with all its text, conditions and provenance."""

    reference: str
    cluster: str
    call_title: str
    types_of_action: str
    deadline_model: str
    opening_date: dt.date | None
    budget_total_eur: int | None
    keywords: str
    cross_cutting: str
    description: str
    conditions: str
    support_info: str
    qna_url: str
    updates_url: str
    documents_url: str
    source: str
    fetched_at: dt.datetime
    first_seen_at: dt.datetime
    gone_at: dt.datetime | None


class FacetOut(BaseModel):
    """One facet value with its count under the other filters."""

    value: str
    label: str
    count: int
    selected: bool


class CallListOut(BaseModel):
    """A page of calls with facet counts."""

    total: int
    page: int
    per_page: int
    pages: int
    today: dt.date
    items: list[CallSummaryOut]
    facets: dict[str, list[FacetOut]]


class ChangeOut(BaseModel):
    """A recorded change of a call."""

    topic_id: str
    title: str
    kind: str
    field: str
    old_value: str
    new_value: str
    at: dt.datetime
    sync_id: int | None


class SyncRunOut(BaseModel):
    """An import or sync run."""

    id: int
    source: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    data_date: dt.date | None
    topics_seen: int
    topics_new: int
    topics_changed: int
    message: str


class ChangesOut(BaseModel):
    """The changes of one run (default: the latest successful one) and the list of runs."""

    run: SyncRunOut | None
    runs: list[SyncRunOut]
    changes: list[ChangeOut]


class DeadlineEntryOut(BaseModel):
    """A deadline on the calendar."""

    date: dt.date
    topic_id: str
    title: str
    programme: str
    status: str


class DeadlinesOut(BaseModel):
    """Deadlines of one month (or a date window)."""

    start: dt.date
    end: dt.date
    deadlines: list[DeadlineEntryOut]
    ical_url: str
