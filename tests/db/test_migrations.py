"""Migrations: upgrade from empty to head creates exactly the models' schema (SQLite, and PostgreSQL when given)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text

import eudesk.models  # noqa: F401  (registers every domain's tables)
from eudesk.config import Settings
from eudesk.db import Base, make_engine, upgrade
from eudesk.db.engine import alembic_config

PG_URL = os.environ.get("EUDESK_TEST_POSTGRES_URL")


def _heads(engine: Engine) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())


def _check_schema(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables, f"missing: {sorted(set(Base.metadata.tables) - tables)}"
    with engine.connect() as conn:
        applied = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
        assert applied == _heads(engine)
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff[:5]}"


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(Settings(data_dir=tmp_path / "data", database_url=None, load_bundled_data=False))
    yield eng
    eng.dispose()


def test_first_migration_is_the_calls_catalogue_and_every_branch_starts_there(sqlite_engine: Engine) -> None:
    script = ScriptDirectory.from_config(alembic_config(sqlite_engine))
    bases = script.get_bases()
    assert bases == ["0001_calls"]
    revisions = [r.revision for r in script.walk_revisions()]
    assert len(revisions) == len(set(revisions))


def test_upgrade_from_empty_to_head_on_sqlite(sqlite_engine: Engine, tmp_path: Path) -> None:
    assert not inspect(sqlite_engine).get_table_names()
    upgrade(sqlite_engine)
    assert (tmp_path / "data" / "eudesk.sqlite3").exists()
    _check_schema(sqlite_engine)


def test_upgrade_twice_is_harmless_and_keeps_data(sqlite_engine: Engine) -> None:
    upgrade(sqlite_engine)
    with sqlite_engine.begin() as conn:
        conn.execute(text("INSERT INTO programmes (id, code, name) VALUES ('1', 'P', 'Programme')"))
    upgrade(sqlite_engine)
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM programmes")).scalar_one() == "Programme"
    _check_schema(sqlite_engine)


def test_calls_schema_has_the_expected_constraints(sqlite_engine: Engine) -> None:
    upgrade(sqlite_engine)
    insp = inspect(sqlite_engine)
    assert {"topic_id"} in [set(ix["column_names"]) for ix in insp.get_indexes("calls") if ix["unique"]] or \
        {"topic_id"} in [set(uc["column_names"]) for uc in insp.get_unique_constraints("calls")]
    fks = insp.get_foreign_keys("call_deadlines")
    assert fks[0]["referred_table"] == "calls" and fks[0]["options"].get("ondelete") == "CASCADE"
    assert {"call_id", "deadline"} in [set(uc["column_names"]) for uc in insp.get_unique_constraints("call_deadlines")]


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """A fresh, empty schema on the PostgreSQL server of EUDESK_TEST_POSTGRES_URL."""
    if not PG_URL:
        pytest.skip("EUDESK_TEST_POSTGRES_URL is not set")
    schema = f"eudesk_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng = create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.postgres
def test_upgrade_from_empty_to_head_on_postgres(pg_engine: Engine) -> None:
    assert not inspect(pg_engine).get_table_names()
    upgrade(pg_engine)
    _check_schema(pg_engine)
    upgrade(pg_engine)  # a second run is a no-op


@pytest.mark.postgres
def test_bundled_calls_load_and_filter_on_postgres(pg_engine: Engine) -> None:
    import datetime as dt

    from sqlalchemy import select

    from eudesk.calls import service
    from eudesk.calls.models import Call
    from eudesk.db import make_sessionmaker

    upgrade(pg_engine)
    sm = make_sessionmaker(pg_engine)
    with sm.begin() as s:
        service.load_bundled(session=s)
    with sm() as s:
        calls = s.scalars(select(Call)).all()
        assert len(calls) == 629
        for day in (dt.date(2026, 8, 12), dt.date(2027, 1, 1)):
            for status in service.STATUSES:
                in_sql = set(s.scalars(select(Call.topic_id).where(service.status_clause(status, day))))
                assert in_sql == {c.topic_id for c in calls if service.effective_status(c, day) == status}
        page = service.search_calls(session=s, flt=service.CallFilter(programmes=["LIFE"], statuses=["open"],
                                                                     q="climate"), today=dt.date(2026, 8, 12))
        assert page.total > 0 and all(c.programme.code == "LIFE" for c in page.items)
        for q in ("Climate", "100%", "net-zero"):  # case-insensitive, wildcards literal (ILIKE ... ESCAPE)
            found = service.search_calls(session=s, flt=service.CallFilter(q=q), today=dt.date(2026, 8, 12),
                                         per_page=200)
            want = {c.topic_id for c in calls
                    if q.lower() in " ".join([c.title, c.topic_id, c.keywords, c.description]).lower()}
            assert found.total == len(want), q
            assert {c.topic_id for c in found.items} <= want, q


def test_app_state_marks_older_databases_with_tasks_as_having_had_the_demo_tasks(sqlite_engine: Engine) -> None:
    """An older database that already has tasks never gets the demo tasks later, even once its list is emptied."""
    upgrade(sqlite_engine, "0002_tasks")
    with sqlite_engine.begin() as conn:
        conn.execute(text("INSERT INTO tasks (title, description, language, department, office, contact, currency, "
                          "themes, status, source, created_at, updated_at, matched_key) VALUES ('T', 'D', 'da', '', "
                          "'', '', 'DKK', '', 'new', 'form', '2026-01-01', '2026-01-01', '')"))
    upgrade(sqlite_engine)
    with sqlite_engine.connect() as conn:
        rows = conn.execute(text("SELECT key FROM app_state")).scalars().all()
    assert rows == ["tasks.bundled_loaded"]
    _check_schema(sqlite_engine)


def test_app_state_starts_empty_on_a_new_database(sqlite_engine: Engine) -> None:
    upgrade(sqlite_engine)
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM app_state")).scalar_one() == 0


def test_programme_labels_swapped_by_older_versions_are_put_right(sqlite_engine: Engine) -> None:
    upgrade(sqlite_engine, "0001_calls")
    with sqlite_engine.begin() as conn:
        conn.execute(text("INSERT INTO programmes (id, code, name) VALUES ('43252386', 'I3', 'Interregional "
                          "Innovation'), ('44416173', 'JUST', 'Justice'), ('43108390', 'HORIZON', 'Horizon Europe')"))
    upgrade(sqlite_engine)
    with sqlite_engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, code || ' ' || name FROM programmes")).all())
    assert rows == {"43252386": "JUST Justice", "44416173": "I3 Interregional Innovation",
                    "43108390": "HORIZON Horizon Europe"}
    _check_schema(sqlite_engine)
