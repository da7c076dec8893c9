"""Shared fixtures: settings on a temporary database, sessions rolled back per test, an app with the bundled data.

Tests run with a fixed 'today' (two days after the bundled snapshot) so that statuses are deterministic, and with
the deterministic fake embedder (one integration test marked slow runs the real model).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from eudesk.config import Settings
from eudesk.db import make_engine, make_sessionmaker, upgrade

TEST_TODAY = "2026-08-12"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
if not SHARED.exists():  # CI clones main next to ../shared as well; allow an override
    SHARED = Path(os.environ.get("EUDESK_SHARED", "/work/shared"))


def _database_url(tmp: Path, name: str) -> str:
    pg = os.environ.get("EUDESK_TEST_POSTGRES_URL")
    if pg:
        return pg
    return f"sqlite:///{(tmp / f'{name}.sqlite3').as_posix()}"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared folder with real data and benchmark inputs."""
    if not SHARED.exists():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an empty database of this test only."""
    return Settings(data_dir=tmp_path, database_url=_database_url(tmp_path, "empty"), today=TEST_TODAY,
                    embedder="fake", load_bundled_data=False, portal_min_interval_s=0.0, portal_retries=1)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """A migrated, empty database for one test."""
    eng = make_engine(settings)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test."""
    with make_sessionmaker(engine)() as s:
        yield s
        s.rollback()


@pytest.fixture(scope="session")
def loaded_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a database filled once with the bundled data (shared by the tests that only read it)."""
    tmp = tmp_path_factory.mktemp("loaded")
    return Settings(data_dir=tmp, database_url=_database_url(tmp, "loaded"), today=TEST_TODAY, embedder="fake",
                    load_bundled_data=True)


@pytest.fixture(scope="session")
def app_client(loaded_settings: Settings) -> Iterator[object]:
    """A TestClient of the app on the database with the bundled data."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from eudesk.web.app import create_app

    with TestClient(create_app(loaded_settings)) as client:
        yield client


@pytest.fixture
def loaded_session(app_client: object, loaded_settings: Settings) -> Iterator[Session]:
    """A session on the bundled-data database, rolled back after the test."""
    eng = make_engine(loaded_settings)
    with make_sessionmaker(eng)() as s:
        yield s
        s.rollback()
    eng.dispose()
