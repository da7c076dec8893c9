"""CORDIS open data (Horizon 2020 and Horizon Europe): project, organization and topics files, CSV or JSON.

The bulk CSVs are ';'-separated in recent extracts and ','-separated in older ones (sniffed from the header);
numbers may use a decimal comma. Files are recognised by their columns, so one import can mix them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from eudesk.core.text import fix_text, normalise_whitespace
from eudesk.projects.schemas import ParticipantRecord, ProjectRecord
from eudesk.projects.sources.common import bad, csv_rows, parse_amount, parse_date, read_text, suffix

SOURCE = "cordis"
ATTRIBUTION = "© European Union, CORDIS, CC BY 4.0"
ACTIVITY_TYPES = {"PUB", "HES", "REC", "PRC", "OTH"}
ROLES = {"coordinator", "participant", "partner", "thirdparty", "associatedpartner", "internationalpartner"}
_YEAR = re.compile(r"(?:^|-)(20\d\d)(?:-|$)")


def programme_of_topic(code: str) -> str:
    """The framework programme a topic code belongs to when no project file says: Horizon Europe topics start with
    HORIZON- or carry a year from 2021; older years are Horizon 2020; '' when the code says neither. (Grant numbers
    do not tell: late Horizon 2020 grants also have numbers from 101000000.)"""
    code = code.strip().upper()
    if not code:
        return ""
    if code.startswith("HORIZON"):
        return "HORIZON"
    years = [int(y) for y in _YEAR.findall(code)]
    if years:
        return "HORIZON" if min(years) >= 2021 else "H2020"
    return "H2020" if code.startswith("H2020") else ""


def _kind(columns: Iterable[str]) -> str:
    cols = set(columns)
    if {"projectID", "organisationID"} <= cols:
        return "organization"
    if {"id", "objective"} <= cols or {"id", "frameworkProgramme"} <= cols:
        return "project"
    if {"projectID", "topic", "title"} <= cols:
        return "topics"
    return ""


def _rows(path: Path) -> tuple[str, list[tuple[int | str, dict[str, Any]]]]:
    """The file's kind and its rows with a place for error messages (CSV line or JSON item number)."""
    if suffix(path) == ".json":
        try:
            data = json.loads(read_text(path))
        except json.JSONDecodeError as exc:
            raise bad(path, exc.lineno, "json", f"not valid JSON: {exc.msg}") from exc
        if isinstance(data, dict):  # some exports wrap the list
            data = next((v for v in data.values() if isinstance(v, list)), [])
        if not isinstance(data, list) or not data or not isinstance(data[0], dict):
            raise bad(path, 1, "json", "expected a list of objects")
        kind = _kind(data[0].keys())
        return kind, [(f"item {i + 1}", row) for i, row in enumerate(data)]
    header, rows = csv_rows(path)
    return _kind(header), list(rows)


def _s(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _int_id(row: dict[str, Any], key: str, path: Path, line: int | str) -> str:
    value = _s(row, key)
    if value.endswith(".0"):
        value = value[:-2]
    if not value.isdigit():
        raise bad(path, line, key, f"not a numeric id: {value!r}")
    return value


def read_cordis(paths: Iterable[Path], *, topic_projects_only: bool = True) -> list[ProjectRecord]:
    """Project records built from any mix of CORDIS project, organization and topics files (all-or-nothing)."""
    projects: dict[str, ProjectRecord] = {}
    topics: dict[str, tuple[str, str]] = {}
    seen_parts: dict[str, set[str]] = {}
    for path in paths:
        path = Path(path)
        kind, rows = _rows(path)
        if not kind:
            raise bad(path, 1, "header", "not a CORDIS project, organization or topics file (unknown columns)")
        for line, row in rows:
            if kind == "topics":
                pid = _int_id(row, "projectID", path, line)
                topics[pid] = (_s(row, "topic"), fix_text(_s(row, "title")))
            elif kind == "project":
                _project_row(projects, row, path, line)
            else:
                _organisation_row(projects, seen_parts, row, path, line)
    for pid, (code, title) in topics.items():
        rec = projects.get(pid)
        if rec is None:
            if topic_projects_only:
                continue  # a topics file annotates projects; alone it carries no consortium
            rec = projects[pid] = _blank(pid)
        if not rec.topic_code or rec.topic_code == code:
            rec.topic_code, rec.topic_title = code, title
    for rec in projects.values():
        if not rec.programme:
            rec.programme = programme_of_topic(rec.topic_code)
        if not rec.title:
            rec.title = rec.acronym or rec.external_id
        rec.participants.sort(key=lambda p: (p.order or 10_000, p.name))
    return list(projects.values())


def _blank(pid: str) -> ProjectRecord:
    return ProjectRecord(source=SOURCE, external_id=pid, url=f"https://cordis.europa.eu/project/id/{pid}",
                         attribution=ATTRIBUTION, language="en")


def _project_row(projects: dict[str, ProjectRecord], row: dict[str, Any], path: Path, line: int | str) -> None:
    pid = _int_id(row, "id", path, line)
    rec = projects.setdefault(pid, _blank(pid))
    rec.acronym = fix_text(_s(row, "acronym")) or rec.acronym
    rec.title = normalise_whitespace(fix_text(_s(row, "title"))) or rec.title
    rec.objective = normalise_whitespace(fix_text(_s(row, "objective")))
    fp = _s(row, "frameworkProgramme").upper()
    rec.programme = "HORIZON" if fp.startswith("HORIZON") else (fp or rec.programme)
    code = _s(row, "topics").split(";")[0].strip()
    if code:
        rec.topic_code = code
    rec.funding_scheme = _s(row, "fundingScheme")
    rec.start_date = parse_date(row.get("startDate"), path=path, line=line, fld="startDate")
    rec.end_date = parse_date(row.get("endDate"), path=path, line=line, fld="endDate")
    rec.total_cost = parse_amount(row.get("totalCost"), path=path, line=line, fld="totalCost")
    rec.eu_contribution = parse_amount(row.get("ecMaxContribution"), path=path, line=line, fld="ecMaxContribution")


def _organisation_row(projects: dict[str, ProjectRecord], seen: dict[str, set[str]], row: dict[str, Any],
                      path: Path, line: int | str) -> None:
    pid = _int_id(row, "projectID", path, line)
    oid = _int_id(row, "organisationID", path, line)
    name = normalise_whitespace(fix_text(_s(row, "name")))
    if not name:
        raise bad(path, line, "name", "the organisation has no name")
    role = _s(row, "role").lower() or "participant"
    if role not in ROLES:
        raise bad(path, line, "role", f"unknown role {role!r}")
    # some rows repeat the value ("PRC;PRC"): the first is the organisation's type
    activity = _s(row, "activityType").upper().split(";")[0].strip()
    if activity and activity not in ACTIVITY_TYPES:
        raise bad(path, line, "activityType", f"unknown activity type {activity!r} (PUB, HES, REC, PRC or OTH)")
    country = _s(row, "country").upper().split(";")[0].strip()
    if country and (len(country) != 2 or not country.isalpha()):
        raise bad(path, line, "country", f"not a two-letter country code: {country!r}")
    order_s = _s(row, "order")
    try:
        order = int(float(order_s)) if order_s else 0
    except ValueError as exc:
        raise bad(path, line, "order", f"not a number: {order_s!r}") from exc
    rec = projects.setdefault(pid, _blank(pid))
    if not rec.acronym:
        rec.acronym = fix_text(_s(row, "projectAcronym"))
    parts = seen.setdefault(pid, set())
    if oid in parts:  # the same organisation twice in one project (re-delivered row): keep the first
        return
    parts.add(oid)
    rec.participants.append(ParticipantRecord(
        name=name, role="coordinator" if role == "coordinator" else role, order=order, cordis_id=oid,
        short_name=fix_text(_s(row, "shortName")), activity_type=activity, country=country,
        city=fix_text(_s(row, "city")), postcode=_s(row, "postCode"), nuts_code=_s(row, "nutsCode"),
        url=_s(row, "organizationURL"),
        eu_contribution=parse_amount(row.get("ecContribution"), path=path, line=line, fld="ecContribution"),
    ))
