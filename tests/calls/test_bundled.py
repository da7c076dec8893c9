"""The bundled portal snapshot: 629 topics, repaired text, readable sections, programmes as entities, bad input."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eudesk.calls import service
from eudesk.calls.models import Call, CallChange, Programme, SyncRun
from eudesk.calls.programmes import KNOWN_PROGRAMMES
from eudesk.calls.schemas import ProgrammeInfo, TopicRecord
from eudesk.calls.sources.bundled import (
    BUNDLED_SOURCE,
    bundled_path,
    iter_json_objects,
    parse_bundled_record,
    read_bundled,
    read_text,
)
from eudesk.core.errors import InvalidInput

MOJIBAKE = re.compile("â€|Ã[\u0080-\u00bf¸¼¥¦]|Â[\u00a0-\u00bf]")
TEXT_FIELDS = ("title", "call_title", "description", "conditions", "keywords", "cross_cutting", "support_info")


@pytest.fixture(scope="module")
def records() -> list[tuple[TopicRecord, ProgrammeInfo]]:
    """Every record of the bundled snapshot, parsed once for this module."""
    return read_bundled()


@pytest.fixture(scope="module")
def raw() -> list[dict]:
    """The snapshot's raw JSON objects."""
    return [obj for _i, obj in iter_json_objects(read_text(bundled_path()), source="bundled")]


def test_snapshot_has_629_unique_topics(records: list[tuple[TopicRecord, ProgrammeInfo]]) -> None:
    ids = [r.topic_id for r, _ in records]
    assert len(ids) == 629
    assert len(set(ids)) == 629


def test_statuses_and_deadlines_as_the_provenance_says(records: list[tuple[TopicRecord, ProgrammeInfo]]) -> None:
    assert Counter(r.status for r, _ in records) == {"open": 363, "forthcoming": 262, "closed": 4}
    deadlines = [d for r, _ in records for d in r.deadlines]
    assert all(r.deadlines for r, _ in records)
    assert min(deadlines) >= dt.date(2026, 3, 1)
    assert max(deadlines) <= dt.date(2027, 12, 31)


def test_programmes_are_known_entities(records: list[tuple[TopicRecord, ProgrammeInfo]]) -> None:
    by_code = Counter(p.code for _, p in records)
    assert by_code["HORIZON"] == 460
    assert by_code["LIFE"] == 31
    assert by_code["CERV"] == 8
    for rec, prog in records:
        assert prog.id in KNOWN_PROGRAMMES, f"{rec.topic_id}: unknown programme {prog}"
        assert rec.programme_id == prog.id


def test_raw_snapshot_has_mojibake_and_parsed_records_do_not(
    records: list[tuple[TopicRecord, ProgrammeInfo]], raw: list[dict]
) -> None:
    assert sum(1 for obj in raw if "â€" in json.dumps(obj, ensure_ascii=False)) > 100  # the test data is real
    for rec, _ in records:
        for name in TEXT_FIELDS:
            value = getattr(rec, name)
            assert not MOJIBAKE.search(value), f"{rec.topic_id}.{name}: {MOJIBAKE.search(value)}"


def test_repaired_text_keeps_its_meaning(records: list[tuple[TopicRecord, ProgrammeInfo]], raw: list[dict]) -> None:
    # A title with mojibake in the raw data must come out with a real apostrophe or dash in the same place.
    parsed = {r.topic_id: r for r, _ in records}
    broken = [o for o in raw if "â€" in o["title"]]
    assert broken, "expected at least one raw title with mojibake"
    for obj in broken:
        title = parsed[obj["topicId"]].title
        assert "â€" not in title
        assert title.replace("’", "'").replace("–", "-") .startswith(
            obj["title"].split("â€")[0].strip()[:20].replace("’", "'"))


def test_descriptions_are_readable_sections_without_html(records: list[tuple[TopicRecord, ProgrammeInfo]]) -> None:
    with_sections = 0
    for rec, _ in records:
        assert not re.search(r"<(p|div|li|br|span)\b", rec.description), rec.topic_id
        assert not re.search(r"<(p|div|li|br|span)\b", rec.conditions), rec.topic_id
        # A section heading never stays glued to the sentence before it ("impact.Scope:").
        assert not re.search(r"[a-z]\.(Scope|Expected Outcome|Expected Impact):", rec.description), rec.topic_id
        if re.search(r"^(Expected Outcome|Scope|Objective):$", rec.description, re.M):
            with_sections += 1
    assert with_sections > 500


def test_a_known_topic_reads_as_expected(records: list[tuple[TopicRecord, ProgrammeInfo]]) -> None:
    rec = next(r for r, _ in records if r.topic_id == "LIFE-2026-SAP-CLIMA-CCA")
    assert rec.title == "Climate Change Adaptation"
    assert rec.status in ("open", "forthcoming")
    assert rec.deadlines and rec.deadlines[0].year == 2026
    assert rec.portal_url.startswith("https://")


def _write(path: Path, objs: list[dict], *, bom: bool = True, gz: bool = False) -> Path:
    text = "".join(json.dumps(o) for o in objs)  # back to back, as the real file
    data = (("\ufeff" if bom else "") + text).encode("utf-8")
    if gz:
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def _obj(**over: object) -> dict:
    base = {"topicId": "TEST-2026-01", "title": "A test topic", "programme": "LIFE", "programmeId": "43252405",
            "callStatus": "Open", "deadline": "2026-10-01,2027-02-01", "budgetMin": 100000, "budgetMax": 200000,
            "description": "<p>Expected Outcome:Cities adapt.</p>"}
    base.update(over)
    return base


def test_reads_back_to_back_objects_with_bom_gzipped(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.jsonl.gz", [_obj(), _obj(topicId="TEST-2026-02")], gz=True)
    recs = read_bundled(path)
    assert [r.topic_id for r, _ in recs] == ["TEST-2026-01", "TEST-2026-02"]
    rec = recs[0][0]
    assert rec.status == "open"
    assert rec.deadlines == [dt.date(2026, 10, 1), dt.date(2027, 2, 1)]
    assert recs[0][1].code == "LIFE"


@pytest.mark.parametrize(
    ("obj", "names"),
    [
        (_obj(topicId=""), ("#1", "topicId")),
        (_obj(callStatus="pending"), ("TEST-2026-01", "callStatus")),
        (_obj(deadline="2026-13-45"), ("TEST-2026-01", "deadline")),
        (_obj(budgetMax="lots"), ("TEST-2026-01", "budgetMax")),
        (_obj(title=42), ("TEST-2026-01", "title")),
        (_obj(programmeId=""), ("TEST-2026-01", "programmeId")),
    ],
)
def test_bad_record_names_record_and_field(obj: dict, names: tuple[str, str]) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_bundled_record(obj, 1)
    message = str(err.value)
    assert "\n" not in message
    for name in names:
        assert name in message


def test_malformed_json_names_the_file_and_record(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(_obj()) + '{"topicId": "X", ', encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        read_bundled(path)
    assert "broken.jsonl" in str(err.value)
    assert "#2" in str(err.value)


def test_load_bundled_stores_programmes_and_calls(loaded_session: Session) -> None:
    assert service.count_calls(session=loaded_session) == 629
    programmes = loaded_session.scalars(select(Programme)).all()
    assert len(programmes) == len({p.code for p in programmes}) == 22
    life = loaded_session.scalar(select(Programme).where(Programme.code == "LIFE"))
    assert life is not None and life.name == "LIFE" and len(life.calls) == 31
    run = service.last_run(session=loaded_session)
    assert run is not None and run.source == BUNDLED_SOURCE and run.data_date == dt.date(2026, 8, 10)
    assert run.topics_new == 629
    assert loaded_session.scalar(select(func.count(CallChange.id)).where(CallChange.kind == "new")) == 629
    call = service.get_call(session=loaded_session, topic_id="LIFE-2026-SAP-CLIMA-CCA")
    assert call.fetched_at.date() == dt.date(2026, 8, 10)
    assert call.source == BUNDLED_SOURCE


def test_load_bundled_does_nothing_when_calls_exist(loaded_session: Session) -> None:
    runs = loaded_session.scalar(select(func.count(SyncRun.id)))
    assert service.load_bundled(session=loaded_session) is None
    assert loaded_session.scalar(select(func.count(SyncRun.id))) == runs
    assert loaded_session.scalar(select(func.count(Call.id))) == 629
