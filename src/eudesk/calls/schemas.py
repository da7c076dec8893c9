"""Plain records that sources produce and the service stores (no ORM, no web)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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
