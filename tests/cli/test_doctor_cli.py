"""`eudesk doctor` names the embedder it really loads and, for the fast runtime, its recipe and version."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from eudesk.cli.main import app


def test_doctor_with_the_fake_embedder(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EUDESK_EMBEDDER", "fake")
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "embedder:   fake" in result.output and "runtime:" not in result.output


@pytest.mark.slow
def test_doctor_names_the_fast_runtime_and_its_recipe(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("onnxruntime")
    from eudesk.matching import fast_embedder as fe

    monkeypatch.setenv("EUDESK_EMBEDDER", "fast")
    monkeypatch.setenv("EUDESK_CACHE_DIR", str(env / "cache"))
    fe._instances.clear()
    result = CliRunner().invoke(app, ["doctor"])
    fe._instances.clear()
    assert result.exit_code == 0, result.output
    assert "embedder:   onnxruntime-int8" in result.output
    assert f"runtime:    recipe {fe.RECIPE}, onnxruntime " in result.output
