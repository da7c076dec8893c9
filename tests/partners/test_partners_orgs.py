"""Organisations: one record per organisation, conservative resolution of free-text names, merges and undo that
never lose a participation, and staff notes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eudesk.core.errors import InvalidInput
from eudesk.partners import service
from eudesk.partners.models import Organisation
from eudesk.projects import service as projects
from eudesk.projects.models import Participation
from eudesk.projects.schemas import ParticipantRecord, ProjectRecord


def rec(source: str, ext: str, *parts: ParticipantRecord) -> ProjectRecord:
    return ProjectRecord(source=source, external_id=ext, title=f"Project {ext}", participants=list(parts))


def P(name: str, country: str = "DK", city: str = "", cordis_id: str | None = None, role: str = "participant",
      activity: str = "PUB") -> ParticipantRecord:
    return ParticipantRecord(name=name, country=country, city=city, cordis_id=cordis_id, role=role,
                             activity_type=activity)


def n_participations(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Participation)) or 0)


def org(session: Session, name_key: str, **kw: object) -> list[Organisation]:
    stmt = select(Organisation).where(Organisation.name_key == name_key)
    for k, v in kw.items():
        stmt = stmt.where(getattr(Organisation, k) == v)
    return list(session.scalars(stmt))


def test_cordis_ids_identify_and_free_text_resolves_conservatively(session: Session) -> None:
    projects.import_records(session=session, source="cordis", label="t", merge=False, records=[
        rec("cordis", "1", P("AARHUS KOMMUNE", city="Aarhus", cordis_id="111")),
        rec("cordis", "2", P("Aarhus Kommune", city="AARHUS", cordis_id="111")),
    ])
    assert len(org(session, "aarhus kommune")) == 1
    projects.import_records(session=session, source="dk-structural", label="t", merge=False, records=[
        rec("dk-structural", "a", P("Vejle Kommune."), P("Nordic Hub", city="Vejle")),
        rec("dk-structural", "b", P("VEJLE KOMMUNE")),
        rec("dk-structural", "c", P("Nordic Hub", city="Kolding")),  # same name, other city: not the same
        rec("dk-structural", "d", P("Vejle Kommune", country="SE")),  # other country: not the same
    ])
    assert len(org(session, "vejle kommune", country="DK")) == 1
    assert len(org(session, "nordic hub")) == 2
    assert len(org(session, "vejle kommune")) == 2


def test_auto_merge_joins_free_text_to_the_cordis_record_and_undo_restores(session: Session) -> None:
    projects.import_records(session=session, source="cordis", label="t", merge=False, records=[
        rec("cordis", "1", P("ODENSE KOMMUNE", city="Odense", cordis_id="555", role="coordinator"),
            P("Lund University", country="SE", cordis_id="777"))])
    projects.import_records(session=session, source="dk-structural", label="t", merge=False, records=[
        rec("dk-structural", "x", P("Odense Kommune", city="Odense C")),
        rec("dk-structural", "y", P("Odense Kommune"), P("Syddansk Universitet", activity="HES"))])
    total = n_participations(session)
    merges = service.auto_merge(session=session)
    assert len(merges) == 1
    kept = session.get(Organisation, merges[0].kept_id)
    gone = session.get(Organisation, merges[0].merged_id)
    assert kept is not None and gone is not None
    assert kept.cordis_id == "555" and gone.merged_into_id == kept.id
    assert n_participations(session) == total  # a merge never loses a participation
    assert session.scalar(select(func.count()).select_from(Participation)
                          .where(Participation.organisation_id == kept.id)) == 3
    service.undo_merge(session=session, merge_id=merges[0].id)
    assert gone.merged_into_id is None
    assert session.scalar(select(func.count()).select_from(Participation)
                          .where(Participation.organisation_id == gone.id)) == 2
    assert n_participations(session) == total
    # an undone merge is a human's "no": the automatic rule does not redo it
    assert service.merge_candidates(session=session) == []
    with pytest.raises(InvalidInput, match="already undone"):
        service.undo_merge(session=session, merge_id=merges[0].id)


def test_merge_refuses_two_different_cordis_ids(session: Session) -> None:
    projects.import_records(session=session, source="cordis", label="t", merge=False, records=[
        rec("cordis", "1", P("Same Name", cordis_id="1"), P("Same Name Two", cordis_id="2"))])
    a, b = org(session, "same name")[0], org(session, "same name two")[0]
    with pytest.raises(InvalidInput, match="different CORDIS ids"):
        service.merge(session=session, kept_id=a.id, merged_id=b.id)


def test_merge_keeps_shared_project_rows_where_they_are(session: Session) -> None:
    projects.import_records(session=session, source="x", label="t", merge=False, records=[
        rec("x", "1", P("Alpha"), P("Alpha Ltd")), rec("x", "2", P("Alpha Ltd"))])
    a, b = org(session, "alpha")[0], org(session, "alpha ltd")[0]
    total = n_participations(session)
    m = service.merge(session=session, kept_id=a.id, merged_id=b.id)
    assert "stay with the merged record" in m.reason
    assert n_participations(session) == total
    service.undo_merge(session=session, merge_id=m.id)
    assert n_participations(session) == total


def test_notes_attach_and_validate(session: Session) -> None:
    note = service.add_note(session=session, target_kind="city", target_key=service.city_key("SE", "Göteborg"),
                            text="Study trip to Göteborg 2025: their bike-counting pilot", author="Mette")
    assert service.list_notes(session=session, target_kind="city", target_key="SE/göteborg") == [note]
    with pytest.raises(InvalidInput, match="field text"):
        service.add_note(session=session, target_kind="city", target_key="SE/göteborg", text="  ")
    with pytest.raises(InvalidInput, match="field target_kind"):
        service.add_note(session=session, target_kind="planet", target_key="x", text="hello")
