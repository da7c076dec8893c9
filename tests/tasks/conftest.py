"""Fixtures of the tasks tests: a small catalogue of real-looking calls on an empty database, and a matcher."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from eudesk.calls import service as calls_service
from eudesk.calls.schemas import ProgrammeInfo, TopicRecord
from eudesk.config import Settings
from eudesk.tasks.matcher import CallMatcher

TODAY = dt.date(2026, 8, 12)
HORIZON = ProgrammeInfo("43108390", "HORIZON", "Horizon Europe")
LIFE = ProgrammeInfo("43252405", "LIFE", "LIFE")

# Subjects of distinct calls (texts paraphrase real topics of the bundled snapshot).
SUBJECTS = {
    "HORIZON-CL2-2027-01-AGEING-01": (
        "Independent living of older people at home with assistive technology",
        "Expected outcome: older people live longer independently in their own homes thanks to welfare technology, "
        "telecare and home sensors. Scope: local and regional authorities test assistive technology with care "
        "providers and elderly citizens, including training of home care staff.", "RIA"),
    "LIFE-2026-SAP-CLIMA-CCA": (
        "Climate change adaptation of cities",
        "Projects help cities and municipalities adapt to climate change: cloudburst management, flood protection, "
        "green roofs and nature-based solutions in urban areas, and heat action plans.", "Grant"),
    "HORIZON-CL5-2027-02-D5-05": (
        "Zero-emission heavy-duty trucks and charging infrastructure",
        "Battery electric trucks, megawatt charging corridors along motorways, logistics operators and grid "
        "operators demonstrate zero-emission freight transport.", "IA"),
    "HORIZON-CL6-2026-01-SOIL-03": (
        "Soil health monitoring in agriculture",
        "Farmers and researchers measure soil organic carbon, soil biodiversity and erosion on arable land with "
        "sensors and sampling campaigns.", "RIA"),
    "HORIZON-CL4-2026-03-QUANTUM-02": (
        "Quantum computing hardware based on trapped ions",
        "Scalable trapped-ion qubits, error correction and cryogenic control electronics for quantum processors.",
        "RIA"),
    "HORIZON-HLTH-2026-02-CANCER-01": (
        "Paediatric cancer treatment trials",
        "Clinical trials of new therapies for childhood leukaemia and tumours in hospitals across Europe.", "RIA"),
    "HORIZON-CL3-2026-01-BM-02": (
        "Border surveillance with drones",
        "Unmanned aerial systems and radar for the surveillance of external maritime borders by border guards.",
        "IA"),
    "HORIZON-CL2-2026-02-DEMOCRACY-04": (
        "Youth participation in local democracy",
        "Young people take part in municipal decision making through youth councils and digital participation "
        "platforms; schools and youth organisations are involved.", "CSA"),
    "HORIZON-CL5-2026-04-D4-01": (
        "Energy renovation of public buildings",
        "Deep energy renovation of schools, town halls and social housing, heat pumps and district heating, with "
        "public authorities as building owners.", "IA"),
    "HORIZON-CL6-2027-03-OCEAN-02": (
        "Marine plastic litter removal",
        "Collection of plastic litter from rivers and the sea, fishing gear recycling and ocean clean-up.", "CSA"),
    "HORIZON-CL4-2027-01-SPACE-05": (
        "Satellite launchers and reusable rockets",
        "Reusable first stages, rocket engines and small launch vehicles for European access to space.", "RIA"),
    "HORIZON-CL1-2026-02-VACCINE-03": (
        "Vaccines against emerging viral diseases",
        "Platform vaccine technologies, antigen design and preclinical testing against pandemic viruses.", "RIA"),
}


def record(topic_id: str, title: str, description: str, action: str, *, deadline: dt.date = dt.date(2027, 1, 20),
           status: str = "open", budget_max: int | None = 4_000_000, conditions: str = "") -> TopicRecord:
    """A call topic as a source would deliver it."""
    return TopicRecord(topic_id=topic_id, title=title, programme_id="43252405" if topic_id.startswith("LIFE")
                       else "43108390", action_type=action, status=status, deadlines=[deadline],
                       budget_min=budget_max, budget_max=budget_max, expected_grants=3, description=description,
                       conditions=conditions, keywords="")


def programme_of(rec: TopicRecord) -> ProgrammeInfo:
    """The programme a test record belongs to."""
    return LIFE if rec.topic_id.startswith("LIFE") else HORIZON


def load_calls(session: Session, records: list[TopicRecord], *, when: dt.datetime | None = None) -> None:
    """Import records as one run (like an import or sync of calls)."""
    when = when or dt.datetime(2026, 8, 10, tzinfo=dt.UTC)
    calls_service.import_records(session=session, records=[(r, programme_of(r)) for r in records],
                                 source="test", data_date=when.date(), fetched_at=when)
    session.flush()


@pytest.fixture
def catalogue(session: Session) -> Session:
    """The empty test database with the small catalogue of calls."""
    load_calls(session, [record(t, ti, d, a) for t, (ti, d, a) in SUBJECTS.items()])
    return session


@pytest.fixture
def matcher(settings: Settings, catalogue: Session) -> CallMatcher:
    """A matcher (fake embedder, built synchronously) over the small catalogue."""
    m = CallMatcher(settings)
    m.refresh(session=catalogue, today=TODAY)
    return m
