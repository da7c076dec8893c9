"""Importing past projects into the database: all-or-nothing, idempotent re-import, the bundled knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eudesk.core.errors import InvalidInput
from eudesk.partners.models import Organisation
from eudesk.projects import service
from eudesk.projects.models import Participation, Project, ProjectSource

ORG_HEADER = ("projectID,projectAcronym,organisationID,name,shortName,activityType,postCode,city,country,nutsCode,"
              "order,role,ecContribution")


def write_orgs(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([ORG_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def counts(session: Session) -> tuple[int, int, int, int]:
    return tuple(int(session.scalar(select(func.count()).select_from(m)) or 0)  # type: ignore[return-value]
                 for m in (Project, Participation, Organisation, ProjectSource))


GOOD = ["1001,ALPHA,900000001,Odense Kommune,,PUB,5000,Odense,DK,,1,coordinator,100000",
        "1001,ALPHA,900000002,Lunds universitet,LU,HES,22100,Lund,SE,,2,participant,50000",
        "1002,BETA,900000002,Lunds universitet,LU,HES,22100,Lund,SE,,1,coordinator,70000",
        "1002,BETA,900000003,Stadt Wien,,PUB,1010,Wien,AT,,2,participant,"]


def test_import_then_reimport_changes_nothing(session: Session, tmp_path: Path) -> None:
    f = write_orgs(tmp_path / "organization.csv", GOOD)
    first = service.import_files(session=session, paths=[f])
    assert (first.projects_new, first.participations_new, first.organisations_new) == (2, 4, 3)
    before = counts(session)
    again = service.import_files(session=session, paths=[f])
    assert (again.projects_new, again.projects_changed, again.projects_unchanged) == (0, 0, 2)
    assert counts(session) == before  # not even a new import-log row


def test_changed_file_updates_the_project(session: Session, tmp_path: Path) -> None:
    service.import_files(session=session, paths=[write_orgs(tmp_path / "a.csv", GOOD)])
    changed = [*GOOD[:3], GOOD[3].replace("Stadt Wien", "Stadt Wien").replace(",2,participant,", ",2,coordinator,")]
    s = service.import_files(session=session, paths=[write_orgs(tmp_path / "b.csv", changed)])
    assert (s.projects_changed, s.projects_unchanged) == (1, 1)
    wien = session.scalar(select(Participation).join(Organisation).where(Organisation.name == "Stadt Wien"))
    assert wien is not None and wien.role == "coordinator"


def test_malformed_file_stores_nothing_and_keeps_what_was_there(session: Session, tmp_path: Path) -> None:
    service.import_files(session=session, paths=[write_orgs(tmp_path / "good.csv", GOOD)])
    before = counts(session)
    bad = write_orgs(tmp_path / "bad.csv", ["2001,GAMMA,900000009,New Org,,PUB,1,X,DK,,1,participant,",
                                            "2001,GAMMA,900000010,,,PUB,1,X,DK,,2,participant,"])
    good2 = write_orgs(tmp_path / "good2.csv", ["3001,DELTA,900000011,Other,,PRC,1,Y,DE,,1,coordinator,"])
    with pytest.raises(InvalidInput, match=r"bad.csv line 3, field name"):
        service.import_files(session=session, paths=[good2, bad])
    assert counts(session) == before


def test_detect_source_refuses_unknown_files(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("foo,bar\n1,2\n")
    with pytest.raises(InvalidInput, match="x.csv"):
        service.detect_source(f)


def test_load_bundled_fills_an_empty_database_once(session: Session) -> None:
    summary = service.load_bundled(session=session)
    assert summary is not None and summary.projects_new > 1000 and summary.participations_new > 9000
    sources = {p for (p,) in session.execute(select(Project.source).distinct())}
    assert sources == {"cordis", "dk-structural"}
    assert all(p.attribution for p in session.scalars(select(Project).limit(50)))
    assert service.load_bundled(session=session) is None  # not empty any more: nothing happens
    odense = session.scalars(select(Organisation).where(Organisation.name_key == "odense kommune",
                                                        Organisation.merged_into_id.is_(None))).all()
    assert len(odense) == 1 and odense[0].cordis_id  # the Danish free-text record was merged into CORDIS'
    assert odense[0].population and "GeoNames" in odense[0].population_source
    assert odense[0].nuts_code.startswith("DK03")


def test_long_values_are_cut_to_their_column(session: Session, tmp_path: Path) -> None:
    # PostgreSQL refuses values longer than the column (SQLite would silently store them)
    long_short = "S" * 300
    f = tmp_path / "o.csv"
    f.write_text(ORG_HEADER + f"\n4001,{'A' * 200},900000021,Org,{long_short},PUB,1,X,DK,,1,coordinator,\n")
    service.import_files(session=session, paths=[f])
    org = session.scalar(select(Organisation).where(Organisation.cordis_id == "900000021"))
    proj = session.scalar(select(Project).where(Project.external_id == "4001"))
    assert org is not None and len(org.short_name) == 120 and org.short_name.endswith("…")
    assert proj is not None and len(proj.acronym) == 120
