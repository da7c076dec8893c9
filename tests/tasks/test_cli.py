"""`eudesk tasks ...`: import (all or nothing, one-line errors), list and match in the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from eudesk.cli.tasks import app

DANISH = "Vi vil have ældre borgere til at blive længere i eget hjem med velfærdsteknologi"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from eudesk.config import get_settings

    monkeypatch.setenv("EUDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EUDESK_TODAY", "2026-08-12")
    monkeypatch.setenv("EUDESK_EMBEDDER", "fake")
    monkeypatch.setenv("EUDESK_LOAD_BUNDLED_DATA", "false")
    monkeypatch.delenv("EUDESK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_import_list_and_match(env: Path) -> None:
    good = env / "tasks.csv"
    good.write_text(f'title,description,amount\nVelfærd,"{DANISH}",2.000.000\n', encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(app, ["import", str(good)])
    assert r.exit_code == 0 and "Imported 1 task from tasks.csv" in r.output
    r = runner.invoke(app, ["list"])
    assert r.exit_code == 0 and "Velfærd" in r.output
    r = runner.invoke(app, ["match", "1", "--lexical"])  # no calls in this database: nothing can fit
    assert r.exit_code == 0 and "No good match" in r.output
    r = runner.invoke(app, ["export-feedback", str(env / "feedback.jsonl")])
    assert r.exit_code == 0 and "Wrote 0 cases" in r.output and (env / "feedback.jsonl").read_text() == ""


def test_bad_file_is_one_line_and_stores_nothing(env: Path) -> None:
    bad = env / "bad.csv"
    bad.write_text("title,description\nA,\nB,to ord\n", encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(app, ["import", str(bad)])
    assert r.exit_code != 0
    assert "row 2, column 'description': is empty; row 3, column 'description': is too short" in str(r.exception)
    r = runner.invoke(app, ["list"])
    assert "0 tasks" in r.output


def test_delete_asks_then_deletes_all_or_nothing(env: Path) -> None:
    good = env / "tasks.csv"
    good.write_text(f'title,description\nEn,"{DANISH}"\nTo,"{DANISH} og sensorer"\n', encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(good)]).exit_code == 0
    r = runner.invoke(app, ["delete", "1", "7"])  # 7 does not exist: nothing deleted, nothing asked
    assert r.exit_code != 0 and "no task with id 7" in str(r.exception) and "Delete" not in r.output
    r = runner.invoke(app, ["delete", "1"], input="n\n")
    assert r.exit_code == 1 and "Delete 1 task with 0 stored matches and 0 feedback marks?" in r.output
    assert "En" in runner.invoke(app, ["list"]).output
    r = runner.invoke(app, ["delete", "1", "--yes"])
    assert r.exit_code == 0 and "Deleted 1 task" in r.output
    listed = runner.invoke(app, ["list"]).output
    assert "1 tasks" in listed and "To" in listed
    r = runner.invoke(app, ["delete"])
    assert r.exit_code == 2 and "give task ids or --demo" in r.output
    r = runner.invoke(app, ["delete", "--demo", "--yes"])  # this database never had the demo tasks
    assert r.exit_code == 0 and "no demo tasks left" in r.output
