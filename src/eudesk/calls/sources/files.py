"""Reading call topics from files: the bundled JSONL layout or raw portal search responses."""

from __future__ import annotations

import json
from pathlib import Path

from eudesk.calls.schemas import ProgrammeInfo, TopicRecord
from eudesk.calls.sources.bundled import iter_json_objects, parse_bundled_record, read_text
from eudesk.core.errors import InvalidInput


def read_topic_file(path: Path) -> list[tuple[TopicRecord, ProgrammeInfo]]:
    """Every topic in the file, validated; a raw portal response is recognised by its `results` list."""
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise InvalidInput(f"{path.name}: cannot read the file ({exc})") from exc
    stripped = text.lstrip()
    if not stripped:
        raise InvalidInput(f"{path.name}: the file is empty")
    if stripped.startswith("{") and '"results"' in stripped[:5000]:
        from eudesk.calls.sources.ft_portal import parse_search_response

        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{path.name}: malformed JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from exc
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            return parse_search_response(data, source=path.name)
    return [parse_bundled_record(obj, i) for i, obj in iter_json_objects(text, source=path.name)]
