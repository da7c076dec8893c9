"""The bundled snapshot of Funding & Tenders Portal topics (JSON objects back to back, UTF-8 with BOM)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from eudesk.calls.schemas import ProgrammeInfo, TopicRecord
from eudesk.core.errors import InvalidInput
from eudesk.core.text import fix_text, html_to_text, normalise_whitespace, unglue

BUNDLED_FILE = "ft_topics_2026-08-10.jsonl.gz"
BUNDLED_SOURCE = "EU Funding & Tenders Portal"
BUNDLED_FETCHED = dt.date(2026, 8, 10)
_STATUSES = {"open", "forthcoming", "closed"}


def bundled_path() -> Path:
    """Path of the snapshot shipped inside the package."""
    return Path(str(resources.files("eudesk.data").joinpath("calls", BUNDLED_FILE)))


def iter_json_objects(text: str, *, source: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (index, object) from JSON objects written back to back (or one per line)."""
    decoder = json.JSONDecoder()
    pos, n, index = 0, len(text), 0
    while True:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n:
            return
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{source}: malformed JSON after record {index} ({exc.msg}; character {exc.pos})",
                               record=f"#{index + 1}") from exc
        if not isinstance(obj, dict):
            raise InvalidInput(f"{source}: expected a JSON object, got {type(obj).__name__}", record=f"#{index + 1}")
        index += 1
        yield index, obj


def read_text(path: Path) -> str:
    """A file's text: gunzipped if it ends in .gz, BOM removed."""
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as fh:
            data = fh.read()
    else:
        data = path.read_bytes()
    return data.decode("utf-8-sig")


def _str(obj: dict[str, Any], key: str, record: str, *, required: bool = False) -> str:
    value = obj.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"expected text, got {type(value).__name__}", record=record, field=key)
    if required and not value.strip():
        raise InvalidInput("is empty", record=record, field=key)
    return value


def _int(obj: dict[str, Any], key: str, record: str) -> int | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"expected a number, got {type(value).__name__}", record=record, field=key)
    return int(value)


def _date(value: str, record: str, key: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise InvalidInput(f"not a date: {value!r}", record=record, field=key) from exc


def parse_bundled_record(obj: dict[str, Any], index: int) -> tuple[TopicRecord, ProgrammeInfo]:
    """Normalise one snapshot object; raises InvalidInput naming the record and field."""
    topic_id = _str(obj, "topicId", f"#{index}", required=True).strip()
    rec = topic_id
    programme_name = _str(obj, "programme", rec, required=True).strip()
    programme_id = _str(obj, "programmeId", rec, required=True).strip()
    status = _str(obj, "callStatus", rec).strip().lower()
    if status and status not in _STATUSES:
        raise InvalidInput(f"unknown status {status!r}", record=rec, field="callStatus")
    deadlines = [d for d in (_date(x, rec, "deadline") for x in _str(obj, "deadline", rec).split(",")) if d]
    description = unglue(html_to_text(_str(obj, "description", rec)))
    objectives = html_to_text(_str(obj, "objectives", rec))
    if objectives and objectives not in description:
        description = f"{description}\n\n{objectives}".strip()
    conditions = unglue(html_to_text(_str(obj, "topicConditions", rec).lstrip('">')))
    title = normalise_whitespace(fix_text(_str(obj, "title", rec, required=True)))
    from eudesk.calls.programmes import programme_for

    programme = programme_for(programme_id, programme_name)
    record = TopicRecord(
        topic_id=topic_id,
        reference=_str(obj, "reference", rec),
        title=title,
        programme_id=programme.id,
        cluster=_str(obj, "cluster", rec).strip(),
        call_identifier=_str(obj, "callIdentifier", rec).strip(),
        call_title=normalise_whitespace(fix_text(_str(obj, "callTitle", rec))),
        action_type=_str(obj, "actionType", rec).strip(),
        types_of_action=normalise_whitespace(_str(obj, "typesOfAction", rec)),
        status=status,
        deadlines=sorted(set(deadlines)),
        deadline_model=_str(obj, "deadlineModel", rec).strip(),
        budget_min=_int(obj, "budgetMin", rec),
        budget_max=_int(obj, "budgetMax", rec),
        expected_grants=_int(obj, "expectedGrants", rec),
        keywords=fix_text(_str(obj, "keywords", rec)),
        cross_cutting=fix_text(_str(obj, "crossCuttingPriorities", rec)),
        description=description,
        conditions=conditions,
        support_info=html_to_text(_str(obj, "supportInfo", rec)),
        portal_url=_str(obj, "portalUrl", rec),
        qna_url=_str(obj, "qnaUrl", rec),
        updates_url=_str(obj, "updatesUrl", rec),
        documents_url=_str(obj, "documentsUrl", rec),
    )
    return record, programme


def read_bundled(path: Path | None = None) -> list[tuple[TopicRecord, ProgrammeInfo]]:
    """Every topic of a snapshot file (default: the bundled one), validated; raises on the first bad record."""
    path = path or bundled_path()
    text = read_text(path)
    return [parse_bundled_record(obj, i) for i, obj in iter_json_objects(text, source=path.name)]
