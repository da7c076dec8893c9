"""A fresh, empty data folder for CLI commands (no bundled data loaded), with the settings cache cleared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eudesk.config import get_settings


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("EUDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EUDESK_LOAD_BUNDLED_DATA", "false")
    monkeypatch.delenv("EUDESK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
