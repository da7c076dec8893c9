"""`eudesk calls import` on files: a raw portal response, and malformed JSONL that must fail as a whole with one
clear message naming the file, record and field, leaving what was stored before untouched."""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from eudesk.calls import service
from eudesk.calls.models import Call
from eudesk.calls.sources.bundled import iter_json_objects, read_text
from eudesk.calls.sources.files import read_topic_file
from eudesk.config import Settings, get_settings
from eudesk.core.errors import InvalidInput
from eudesk.db import make_sessionmaker


@pytest.fixture(scope="module")
def bundled_objects(shared_dir: Path) -> list[dict[str, Any]]:
    text = read_text(shared_dir / "data" / "calls" / "ft_topics_2026-08-10.jsonl.gz")
    return [obj for _, obj in islice(iter_json_objects(text, source="t"), 4)]


@pytest.fixture
def cli_env(settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("EUDESK_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("EUDESK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("EUDESK_LOAD_BUNDLED_DATA", "false")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the real `eudesk` entry point (which turns domain errors into one line) and capture its output."""
    from eudesk.cli.main import main

    monkeypatch.setattr(sys, "argv", ["eudesk", "calls", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    out = capsys.readouterr()
    return int(exit_.value.code or 0), out.out, out.err


def _catalogue(engine: Engine) -> dict[str, tuple[str, str]]:
    with make_sessionmaker(engine)() as s:
        return {c.topic_id: (c.title, c.content_hash) for c in s.scalars(select(Call))}


def _jsonl(path: Path, objects: list[dict[str, Any]], tail: str = "") -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objects) + tail, encoding="utf-8")
    return path


def _flat(text: str) -> str:
    # cli.common.fail lets rich wrap at the console width (80 columns when not a terminal): join the pieces.
    return " ".join(text.split())


def _one_message(err: str) -> str:
    assert "Traceback" not in err and err.count("error:") == 1, err
    return _flat(err)


def test_import_a_raw_portal_response(cli_env: Settings, engine: Engine, shared_dir: Path,
                                      monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    raw = shared_dir / "data" / "calls" / "sedia_raw" / "search_results_53_topics.json"
    code, out, err = _run(monkeypatch, capsys, "import", str(raw))
    assert code == 0, err
    assert "Imported 52 topics from search_results_53_topics.json: 52 new, 0 changed, 0 unchanged." in _flat(out)
    assert len(_catalogue(engine)) == 52
    # The same file again: nothing changes.
    code, out, _ = _run(monkeypatch, capsys, "import", str(raw))
    assert "0 new, 0 changed, 52 unchanged" in _flat(out)


def test_a_raw_file_with_conflicting_duplicates_is_refused(
    cli_env: Settings, engine: Engine, shared_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = json.loads((shared_dir / "data" / "calls" / "sedia_raw" / "search_results_53_topics.json").read_text())
    thin = json.loads(json.dumps(data["results"][1]))
    thin["metadata"]["title"] = ["Another title"]
    data["results"].append(thin)
    path = tmp_path / "raw.json"
    path.write_text(json.dumps(data))
    code, _, err = _run(monkeypatch, capsys, "import", str(path))
    assert code == 1
    assert _one_message(err) == ("error: record HORIZON-CL5-2027-03-D5-05, field identifier: raw.json: the "
                                 "identifier occurs twice with different content")
    assert _catalogue(engine) == {}


def test_raw_response_and_bundled_layout_are_told_apart(shared_dir: Path, tmp_path: Path,
                                                        bundled_objects: list[dict[str, Any]]) -> None:
    raw = read_topic_file(shared_dir / "data" / "calls" / "sedia_raw" / "search_page_topics.json")
    assert len(raw) == 8
    gz = tmp_path / "few.jsonl.gz"
    gz.write_bytes(gzip.compress("".join(json.dumps(o) for o in bundled_objects).encode("utf-8-sig")))
    assert [r.topic_id for r, _ in read_topic_file(gz)] == [o["topicId"] for o in bundled_objects]


def test_a_truncated_raw_response_is_an_error(tmp_path: Path, shared_dir: Path) -> None:
    raw = (shared_dir / "data" / "calls" / "sedia_raw" / "search_page_topics.json").read_text()
    path = tmp_path / "raw.json"
    path.write_text(raw[: len(raw) // 2])
    with pytest.raises(InvalidInput, match=r"^raw.json: malformed JSON \("):
        read_topic_file(path)


def test_empty_description_is_fine(tmp_path: Path, bundled_objects: list[dict[str, Any]]) -> None:
    objs = [dict(bundled_objects[0], description="", objectives="")]
    (rec, _), = read_topic_file(_jsonl(tmp_path / "a.jsonl", objs))
    assert rec.description == ""


@pytest.mark.parametrize(("case", "message"), [
    ("truncated", "record #5: bad.jsonl: malformed JSON after record 4"),
    ("wrong_type", "record {id}, field budgetMin: expected a number, got str"),
    ("not_an_object", "bad.jsonl: expected a JSON object, got list"),
    ("bad_date", "record {id}, field deadline: not a date: 'next spring'"),
    ("duplicate", "record {id}, field topicId: bad.jsonl: the identifier occurs twice with different content"),
])
def test_a_bad_file_fails_whole_with_one_message_and_keeps_what_was_stored(
    cli_env: Settings, engine: Engine, tmp_path: Path, bundled_objects: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], case: str, message: str,
) -> None:
    first, *rest = bundled_objects
    code, _, err = _run(monkeypatch, capsys, "import", str(_jsonl(tmp_path / "good.jsonl", [first])))
    assert code == 0, err
    before = _catalogue(engine)
    # The bad file holds good, new records too (and a changed title of the stored one): none of them may land.
    changed = dict(first, title="A changed title")
    objs = [changed, *rest]
    tail = ""
    bad_id = rest[-1]["topicId"]
    if case == "truncated":
        tail = json.dumps(rest[0])[:40]
    elif case == "wrong_type":
        objs[-1] = dict(rest[-1], budgetMin="lots")
    elif case == "not_an_object":
        tail = "[1, 2]\n"
    elif case == "bad_date":
        objs[-1] = dict(rest[-1], deadline="next spring")
    elif case == "duplicate":
        objs.append(dict(rest[-1], title="Same id, other content"))
    code, out, err = _run(monkeypatch, capsys, "import", str(_jsonl(tmp_path / "bad.jsonl", objs, tail)))
    assert code == 1
    line = _one_message(err)
    assert line.startswith("error: ") and message.format(id=bad_id) in line, line
    assert _catalogue(engine) == before


def test_exact_repeats_in_a_file_are_merged(tmp_path: Path, engine: Engine,
                                            bundled_objects: list[dict[str, Any]]) -> None:
    path = _jsonl(tmp_path / "rep.jsonl", [bundled_objects[0], bundled_objects[0], bundled_objects[1]])
    records = read_topic_file(path)
    with make_sessionmaker(engine).begin() as s:
        summary = service.import_records(session=s, records=records, source="rep.jsonl", data_date=None,
                                         fetched_at=service.utcnow())
    assert (summary.seen, summary.new) == (2, 2)
