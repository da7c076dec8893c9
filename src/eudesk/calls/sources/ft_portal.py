"""The live connector to the EU Funding & Tenders Portal: its SEDIA search API, parsed as it really answers.

The API returns every metadata value as a list, packs `actions` and `budgetOverview` as JSON inside strings,
sends descriptions as HTML, repeats some topics (sometimes with less content) and mixes in empty stub rows.
`parse_search_response` turns one response into validated records; `PortalClient` pages through the search;
`sync` fetches everything first and only then stores it, so a failed sync changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

import httpx
from sqlalchemy.orm import Session

from eudesk.calls.schemas import ProgrammeInfo, TopicRecord
from eudesk.calls.service import ImportSummary, import_records, record_hash
from eudesk.config import Settings
from eudesk.core.dates import utcnow
from eudesk.core.errors import InvalidInput, SourceUnavailable
from eudesk.core.text import fix_text, html_to_text, normalise_whitespace, unglue

PORTAL_SOURCE = "EU Funding & Tenders Portal"
PORTAL_SCREEN = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities"
STATUS_IDS = {"31094501": "forthcoming", "31094502": "open", "31094503": "closed"}
FOLLOWED_STATUSES = ("31094501", "31094502")
# type 1 = call topic, 2 = call for tenders/topic variant, 8 = cascade funding; the portal's own UI asks for these.
RESULT_TYPES = ("1", "2", "8")
MAX_PAGES = 200  # hard cap: 200 pages of 100 is far above the ~2,000 open/forthcoming topics the portal lists
# Clusters as the bundled snapshot names them; the topic id's second segment, HLTH being cluster 1.
_CLUSTERS = {"CL2", "CL3", "CL4", "CL5", "CL6", "EIC", "EIE", "INFRA", "JU", "MISS", "MSCA", "WIDERA"}
_ACTION_RE = re.compile(r'\{\s*"action"\s*:')
# Short action types as the bundled snapshot uses them, from the portal's long "types of action" text.
_ACTION_TYPES = [
    ("Research and Innovation Action", "RIA"), ("Innovation Action", "IA"),
    ("Coordination and Support Action", "CSA"), ("Cofund", "CoFund"), ("MSCA Staff Exchanges", "MSCA-SE"),
    ("MSCA", "MSCA"), ("Pre-commercial Procurement", "HORIZON-PCP"),
    ("Public Procurement of Innovative Solutions", "PPI"), ("Prize", "Prize"), ("EDF Development Actions", "EDF-DA"),
    ("EDF Research Actions", "EDF-RA"), ("Infrastructure Projects", "CEF-INFRA"), ("Equity Only", "HORIZON-EIC-EQU"),
    ("Grant", "Grant"),
]
# A destination's long HTML text is repeated on every topic of the destination: convert each one once.
_destination_text = lru_cache(maxsize=256)(html_to_text)
# Metadata keys that may carry a programme's name when its id is not one we know.
_PROGRAMME_NAME_KEYS = ("frameworkProgrammeName", "programmeName")


@dataclass
class ParseStats:
    """What parsing met besides good topics: skipped stubs, merged duplicates, unreadable budgets."""

    rows: int = 0
    topics: int = 0
    stubs_skipped: int = 0
    duplicates_merged: int = 0  # identical re-deliveries
    duplicates_resolved: int = 0  # same identifier, different content: the most complete row was kept
    budgets_unknown: int = 0  # budgetOverview missing, cut short before this topic's action, or pooled

    def add(self, other: ParseStats) -> None:
        """Add another page's counts to these."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


# --- parsing one response ------------------------------------------------------------------------------------

def _values(meta: dict[str, Any], key: str, rec: str) -> list[str]:
    value = meta.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInput(f"expected a list, got {type(value).__name__}", record=rec, field=key)
    out = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise InvalidInput(f"expected a list of text, found {type(item).__name__}", record=rec, field=key)
        out.append(str(item))
    return out


def _first(meta: dict[str, Any], key: str, rec: str) -> str:
    values = _values(meta, key, rec)
    return values[0].strip() if values else ""


def _date(value: str, rec: str, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise InvalidInput(f"not a date: {value[:40]!r}", record=rec, field=key) from exc


def _json_in_string(raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return None


def _int(value: Any, rec: str, key: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidInput(f"expected a number, got {value!r}", record=rec, field=key)
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            pass
    raise InvalidInput(f"expected a number, got {str(value)[:40]!r}", record=rec, field=key)


def _own_actions(raw: str, topic_id: str, rec: str) -> list[tuple[dict[str, Any], bool]]:
    """This topic's actions in a budgetOverview string as (action, pooled); none when they cannot all be read.

    budgetOverview is the budget table of the whole call, so only actions named "<topic id> - ..." count. An
    action that shares its budget line with other actions ("pooled") has a budget per year that is not its own.
    """
    data = _json_in_string(raw)
    wanted = topic_id.lower()

    def mine(action: Any) -> bool:
        if not isinstance(action, dict):
            raise InvalidInput("expected an object per action", record=rec, field="budgetOverview")
        name = action.get("action")
        return isinstance(name, str) and name.split(" - ", 1)[0].strip().lower() == wanted

    if data is not None:
        table = data.get("budgetTopicActionMap") if isinstance(data, dict) else None
        if not isinstance(table, dict):
            raise InvalidInput("expected an object with budgetTopicActionMap", record=rec, field="budgetOverview")
        out = []
        for line in table.values():
            if not isinstance(line, list):
                raise InvalidInput("expected a list of actions per budget line", record=rec, field="budgetOverview")
            out += [(a, len(line) > 1) for a in line if mine(a)]
        return out
    # The string was cut short (recorded responses are): keep only the action objects that are complete.
    decoder = json.JSONDecoder()
    out = []
    for m in _ACTION_RE.finditer(raw):
        try:
            action, end = decoder.raw_decode(raw, m.start())
        except json.JSONDecodeError:
            continue
        if mine(action):
            before = raw[:m.start()].rstrip()[-1:]
            after = raw[end:].lstrip()[:1]
            out.append((action, not (before == "[" and after == "]")))
    # An action of this topic that the cut went through would make the figures partial: then none count.
    named = re.findall(r'"action"\s*:\s*"' + re.escape(topic_id) + r"\s+-", raw, flags=re.IGNORECASE)
    return out if len(named) == len(out) else []


def _budget(raw: str, topic_id: str, rec: str) -> tuple[int | None, int | None, int | None, int | None]:
    """(budget_min, budget_max, expected_grants, budget_total) of this topic; None where unknown.

    The portal writes 0 for "not set" (e.g. MSCA COFUND), so 0 is unknown, not a zero budget.
    """
    actions = _own_actions(raw, topic_id, rec)
    mins, maxs, grants, total = [], [], [], 0
    total_known = bool(actions)
    for action, pooled in actions:
        lo = _int(action.get("minContribution"), rec, "budgetOverview.minContribution")
        hi = _int(action.get("maxContribution"), rec, "budgetOverview.maxContribution")
        n = _int(action.get("expectedGrants"), rec, "budgetOverview.expectedGrants")
        if lo:
            mins.append(lo)
        if hi:
            maxs.append(hi)
        if n:
            grants.append(n)
        years = action.get("budgetYearMap")
        if pooled or not isinstance(years, dict) or not years:
            total_known = False
        else:
            total += sum(_int(v, rec, "budgetOverview.budgetYearMap") or 0 for v in years.values())
    return (min(mins) if mins else None, max(maxs) if maxs else None, sum(grants) if grants else None,
            total if total_known and total else None)


def _actions(meta: dict[str, Any], rec: str) -> list[dict[str, Any]]:
    raw = _first(meta, "actions", rec)
    if not raw:
        return []
    data = _json_in_string(raw)
    if not isinstance(data, list):
        return []  # cut short or odd: the same facts come from plain metadata fields, which win anyway
    return [a for a in data if isinstance(a, dict)]


def _action_type(types_of_action: str) -> str:
    for needle, short in _ACTION_TYPES:
        if needle.lower() in types_of_action.lower():
            return short
    return ""


def _cluster(topic_id: str, programme: ProgrammeInfo) -> str:
    if programme.code != "HORIZON":
        return ""
    parts = topic_id.split("-")
    part = parts[1].upper() if len(parts) > 1 else ""
    return "CL1" if part == "HLTH" else part if part in _CLUSTERS else ""


def portal_links(topic_id: str) -> dict[str, str]:
    """The portal's topic, Q&A, updates and documents pages of a topic (lower-case id, as the portal links them)."""
    slug = topic_id.lower()
    return {
        "portal_url": f"{PORTAL_SCREEN}/topic-details/{slug}",
        "qna_url": f"{PORTAL_SCREEN}/questions-answers/{slug}",
        "updates_url": f"{PORTAL_SCREEN}/topic-updates/{slug}",
        "documents_url": f"{PORTAL_SCREEN}/documents/{slug}",
    }


def parse_result(row: Any, index: int, *, stats: ParseStats | None = None) -> tuple[TopicRecord, ProgrammeInfo] | None:
    """One search result as a record; None for an empty stub row (no identifier or title)."""
    from eudesk.calls.programmes import programme_for

    if not isinstance(row, dict):
        raise InvalidInput(f"expected an object, got {type(row).__name__}", record=f"#{index}")
    meta = row.get("metadata")
    if meta is None:
        return None
    if not isinstance(meta, dict):
        raise InvalidInput(f"expected an object, got {type(meta).__name__}", record=f"#{index}", field="metadata")
    topic_id = _first(meta, "identifier", f"#{index}")
    title = normalise_whitespace(fix_text(_first(meta, "title", topic_id or f"#{index}")))
    if not topic_id or not title:
        return None
    rec = topic_id
    programme_id = _first(meta, "frameworkProgramme", rec)
    if not programme_id:
        raise InvalidInput("is missing", record=rec, field="frameworkProgramme")
    name = next((n for n in (_first(meta, k, rec) for k in _PROGRAMME_NAME_KEYS) if n), None)
    try:
        programme = programme_for(programme_id, name)
    except KeyError:
        raise InvalidInput(f"unknown programme id {programme_id!r} and no programme name in the metadata",
                           record=rec, field="frameworkProgramme") from None

    actions = _actions(meta, rec)
    status_id = _first(meta, "status", rec)
    if not status_id and actions and isinstance(actions[0].get("status"), dict):
        status_id = str(actions[0]["status"].get("id", ""))
    if status_id and status_id not in STATUS_IDS:
        raise InvalidInput(f"unknown status id {status_id!r}", record=rec, field="status")
    deadlines = [_date(v, rec, "deadlineDate") for v in _values(meta, "deadlineDate", rec) if v.strip()]
    if not deadlines and actions:
        deadlines = [_date(str(v), rec, "actions.deadlineDates") for a in actions
                     for v in (a.get("deadlineDates") or []) if str(v).strip()]
    start = _first(meta, "startDate", rec)
    if not start and actions:
        start = str(actions[0].get("plannedOpeningDate") or "")
    budget_raw = _first(meta, "budgetOverview", rec)
    budget = _budget(budget_raw, topic_id, rec) if budget_raw else (None, None, None, None)
    if stats is not None and budget == (None, None, None, None):
        stats.budgets_unknown += 1

    description = unglue(html_to_text(_first(meta, "descriptionByte", rec)))
    # The destination's text says what the topic serves; the bundled snapshot keeps it too ("objectives").
    destination = " ".join(p for p in (normalise_whitespace(fix_text(_first(meta, "destinationDescription", rec))),
                                       _destination_text(_first(meta, "destinationDetails", rec))) if p)
    if destination and destination not in description:
        description = f"{description}\n\n{destination}".strip()
    types_of_action = normalise_whitespace(", ".join(_values(meta, "typesOfAction", rec)))
    url = _first(meta, "url", rec) or str(row.get("url") or "")
    links = portal_links(topic_id)
    if url.startswith(("https://", "http://")):
        links["portal_url"] = url
    record = TopicRecord(
        topic_id=topic_id,
        reference=_first(meta, "REFERENCE", rec) or str(row.get("reference") or ""),
        title=title,
        programme_id=programme.id,
        cluster=_cluster(topic_id, programme),
        call_identifier=_first(meta, "callIdentifier", rec),
        call_title=normalise_whitespace(fix_text(_first(meta, "callTitle", rec))),
        action_type=_action_type(types_of_action),
        types_of_action=types_of_action,
        status=STATUS_IDS.get(status_id, ""),
        opening_date=_date(start, rec, "startDate") if start.strip() else None,
        deadlines=sorted(set(deadlines)),
        deadline_model=_first(meta, "deadlineModel", rec),
        budget_min=budget[0],
        budget_max=budget[1],
        expected_grants=budget[2],
        budget_total=budget[3],
        keywords=fix_text(", ".join(_values(meta, "keywords", rec))),
        cross_cutting=", ".join(_values(meta, "crossCuttingPriorities", rec)),
        description=description,
        conditions=unglue(html_to_text(_first(meta, "topicConditions", rec))),
        support_info=html_to_text(_first(meta, "supportInfo", rec)),
        **links,
    )
    return record, programme


def _completeness(rec: TopicRecord) -> tuple[int, int]:
    filled = sum(1 for f in fields(rec) if getattr(rec, f.name) not in (None, "", []))
    return filled, len(rec.description) + len(rec.conditions)


def merge_duplicates(
    records: Sequence[tuple[TopicRecord, ProgrammeInfo]], *, stats: ParseStats | None = None, resolve: bool = True,
    source: str = "",
) -> list[tuple[TopicRecord, ProgrammeInfo]]:
    """One record per identifier: identical repeats merged; of differing ones the most complete kept (resolve) or
    an error (not resolve).

    The search API really delivers a topic twice, once as a thin index row; failing a sync over it would help
    nobody. A file import is stricter, like calls.service.dedupe_records: it has no business guessing.
    """
    best: dict[str, tuple[TopicRecord, ProgrammeInfo]] = {}
    for rec, prog in records:
        prev = best.get(rec.topic_id)
        if prev is None:
            best[rec.topic_id] = (rec, prog)
            continue
        if record_hash(prev[0]) == record_hash(rec) and prev[1] == prog:
            if stats is not None:
                stats.duplicates_merged += 1
            continue
        if not resolve:
            raise InvalidInput(f"{source}: the identifier occurs twice with different content", record=rec.topic_id,
                               field="identifier")
        if stats is not None:
            stats.duplicates_resolved += 1
        if _completeness(rec) > _completeness(prev[0]):
            best[rec.topic_id] = (rec, prog)
    return list(best.values())


def _results(data: Any, source: str) -> list[Any]:
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: expected a JSON object, got {type(data).__name__}")
    results = data.get("results")
    if not isinstance(results, list):
        raise InvalidInput(f"{source}: field results: expected a list, got {type(results).__name__}")
    return results


def parse_search_response(
    data: dict[str, Any], *, source: str, stats: ParseStats | None = None, resolve_conflicts: bool = False
) -> list[tuple[TopicRecord, ProgrammeInfo]]:
    """Every topic in one raw search response, validated, stubs skipped, identical repeats merged.

    Two different rows with one identifier are an error (a file import), or with resolve_conflicts (the sync)
    the most complete row is kept.
    """
    stats = stats if stats is not None else ParseStats()
    parsed = []
    for i, row in enumerate(_results(data, source), start=1):
        stats.rows += 1
        try:
            item = parse_result(row, i, stats=stats)
        except InvalidInput as exc:
            located = InvalidInput(f"{source}: {exc}")
            located.record, located.field = exc.record, exc.field
            raise located from exc
        if item is None:
            stats.stubs_skipped += 1
        else:
            parsed.append(item)
    merged = merge_duplicates(parsed, stats=stats, resolve=resolve_conflicts, source=source)
    stats.topics += len(merged)
    return merged


# --- the HTTP client -----------------------------------------------------------------------------------------

def followed_programmes(settings: Settings) -> list[str]:
    """The programme ids the office follows (Settings.portal_programmes)."""
    return [p.strip() for p in settings.portal_programmes.split(",") if p.strip()]


def programme_ids(values: Sequence[str]) -> list[str]:
    """Portal programme ids from ids or known codes (43252405 or LIFE); an unknown code is an error."""
    from eudesk.calls.programmes import KNOWN_PROGRAMMES

    by_code = {p.code.upper(): p.id for p in KNOWN_PROGRAMMES.values()}
    out = []
    for value in (v.strip() for v in values):
        if not value:
            continue
        if value.isdigit():
            out.append(value)
        elif value.upper() in by_code:
            out.append(by_code[value.upper()])
        else:
            raise InvalidInput(f"unknown programme {value!r}; use a portal programme id or one of "
                               f"{', '.join(sorted(by_code))}", field="programme")
    return list(dict.fromkeys(out))


def search_query(programmes: Sequence[str]) -> dict[str, Any]:
    """The search DSL query for forthcoming and open topics of these programmes (bool/must/terms only)."""
    return {"bool": {"must": [
        {"terms": {"type": list(RESULT_TYPES)}},
        {"terms": {"status": list(FOLLOWED_STATUSES)}},
        {"terms": {"frameworkProgramme": list(programmes)}},
    ]}}


# progress(page, pages or None, rows so far, total rows or None)
Progress = Callable[[int, int | None, int, int | None], None]


@dataclass
class PortalClient:
    """Pages through the portal's search API politely: minimum interval, retries with exponential back-off."""

    url: str
    programmes: list[str]
    api_key: str = "SEDIA"
    page_size: int = 100
    timeout_s: float = 30.0
    retries: int = 3
    min_interval_s: float = 1.0
    backoff_s: float = 1.0
    max_pages: int = MAX_PAGES
    sleep: Callable[[float], None] = time.sleep
    requests_made: int = 0
    _last_request: float | None = field(default=None, repr=False)
    _http: httpx.Client | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, *, url: str | None = None, programmes: Sequence[str] | None = None,
                      **overrides: Any) -> PortalClient:
        """A client configured from the settings (url and programmes can be overridden)."""
        return cls(url=url or settings.portal_search_url,
                   programmes=list(programmes) if programmes else followed_programmes(settings),
                   api_key=settings.portal_api_key, page_size=settings.portal_page_size,
                   timeout_s=settings.portal_timeout_s, retries=settings.portal_retries,
                   min_interval_s=settings.portal_min_interval_s, **overrides)

    def __enter__(self) -> PortalClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        if self._http is not None:
            self._http.close()
            self._http = None

    def _wait_politely(self) -> None:
        if self._last_request is not None and self.min_interval_s > 0:
            left = self.min_interval_s - (time.monotonic() - self._last_request)
            if left > 0:
                self.sleep(left)
        self._last_request = time.monotonic()

    def _post(self, page: int) -> httpx.Response:
        if self._http is None:
            self._http = httpx.Client(timeout=self.timeout_s)
        params = {"apiKey": self.api_key, "text": "***", "pageSize": str(self.page_size), "pageNumber": str(page)}
        # The API wants query/languages/sort as JSON *file* parts: as plain form fields it answers 500, and as
        # URL parameters it silently ignores the query.
        files = {
            "query": ("blob", json.dumps(search_query(self.programmes)), "application/json"),
            "languages": ("blob", json.dumps(["en"]), "application/json"),
            "sort": ("blob", json.dumps({"field": "sortStatus", "order": "ASC"}), "application/json"),
        }
        return self._http.post(self.url, params=params, files=files)

    def fetch_page(self, page: int) -> dict[str, Any]:
        """One page of results as JSON; retries 5xx, 429, timeouts and connection errors, else SourceUnavailable."""
        where = f"portal page {page}"
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff_s * 2 ** (attempt - 1))
            self._wait_politely()
            self.requests_made += 1
            try:
                resp = self._post(page)
            except httpx.TimeoutException:
                problem = f"no answer within {self.timeout_s:g} s"
                continue
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__}: {exc})"
                continue
            if resp.status_code >= 500 or resp.status_code == 429:
                problem = f"HTTP {resp.status_code}"
                continue
            if resp.status_code >= 400:
                raise SourceUnavailable(f"{where}: the portal refused the request (HTTP {resp.status_code}: "
                                        f"{_snippet(resp.text)})")
            return _decode(resp, where)
        tries = self.retries + 1
        raise SourceUnavailable(f"{where}: {problem} after {tries} attempt{'s' if tries > 1 else ''}; "
                                f"the portal at {self.url} is unavailable")

    def pages(self, progress: Progress | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
        """(page number, response) until totalResults rows were seen or a page is empty; capped at max_pages."""
        seen, total, page = 0, None, 1
        while True:
            if page > self.max_pages:
                raise SourceUnavailable(f"stopped after {self.max_pages} pages with {seen} of {total} results; "
                                        "the listing is incomplete, so nothing was stored")
            data = self.fetch_page(page)
            where = f"portal page {page}"
            results = _results(data, where)
            raw_total = data.get("totalResults")
            if raw_total is not None and (isinstance(raw_total, bool) or not isinstance(raw_total, int)):
                raise InvalidInput(f"{where}: field totalResults: expected a number, got {raw_total!r}")
            total = raw_total if raw_total is not None else total
            if not results:
                if total is not None and seen < total:
                    # Storing a partial listing would mark the missing topics as disappeared.
                    raise SourceUnavailable(f"{where} came back empty after {seen} of {total} results; "
                                            "the listing is incomplete, so nothing was stored")
                return
            seen += len(results)
            if progress:
                pages = -(-total // self.page_size) if total else None
                progress(page, pages, seen, total)
            yield page, data
            if total is not None and seen >= total:
                return
            if total is None and len(results) < self.page_size:
                return
            page += 1


def _snippet(text: str) -> str:
    return normalise_whitespace(html_to_text(text[:2000]))[:120].replace("\n", " ") or "no message"


def _decode(resp: httpx.Response, where: str) -> dict[str, Any]:
    ctype = resp.headers.get("content-type", "")
    if "html" in ctype.lower() or resp.text.lstrip()[:1] == "<":
        raise SourceUnavailable(f"{where}: the portal answered with an HTML page instead of JSON "
                                f"(HTTP {resp.status_code}: {_snippet(resp.text)})")
    try:
        data = resp.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        detail = f"{exc.msg}, character {exc.pos}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise SourceUnavailable(f"{where}: the portal answered malformed JSON ({detail}, "
                                f"{len(resp.content)} bytes)") from exc
    if not isinstance(data, dict):
        raise SourceUnavailable(f"{where}: expected a JSON object, got {type(data).__name__}")
    return data


# --- the sync ------------------------------------------------------------------------------------------------

@dataclass
class SyncSummary:
    """What a sync fetched (pages, rows, stubs, duplicates) besides what the import stored."""

    pages: int = 0
    stats: ParseStats = field(default_factory=ParseStats)
    requests: int = 0


def fetch_records(
    client: PortalClient, *, progress: Progress | None = None, summary: SyncSummary | None = None
) -> list[tuple[TopicRecord, ProgrammeInfo]]:
    """Every followed topic from the portal, parsed and validated; raises before anything is stored."""
    summary = summary if summary is not None else SyncSummary()
    records: list[tuple[TopicRecord, ProgrammeInfo]] = []
    for page, data in client.pages(progress):
        summary.pages = page
        stats = ParseStats()
        records += parse_search_response(data, source=f"portal page {page}", stats=stats, resolve_conflicts=True)
        summary.stats.add(stats)
    # The same topic can come back on two pages when the index shifts between requests.
    before = len(records)
    cross = ParseStats()
    records = merge_duplicates(records, stats=cross)
    summary.stats.duplicates_merged += cross.duplicates_merged
    summary.stats.duplicates_resolved += cross.duplicates_resolved
    summary.stats.topics -= before - len(records)
    summary.requests = client.requests_made
    return records


def sync(
    *,
    session: Session,
    settings: Settings,
    progress: Progress | None = None,
    url: str | None = None,
    programmes: Sequence[str] | None = None,
    client: PortalClient | None = None,
    fetched: SyncSummary | None = None,
) -> ImportSummary:
    """Fetch every followed topic, then store them as one run; the caller's transaction makes it all-or-nothing.

    Topics of the followed programmes that the portal no longer lists are
    recorded as disappeared (closed ones drop out of the open/forthcoming search).
    """
    followed = programme_ids(list(programmes) if programmes else followed_programmes(settings))
    if not followed:
        raise InvalidInput("no programmes to follow; set EUDESK_PORTAL_PROGRAMMES or pass --programme",
                           field="portal_programmes")
    own = client is None
    client = client or PortalClient.from_settings(settings, url=url, programmes=followed)
    try:
        records = fetch_records(client, progress=progress, summary=fetched)
    finally:
        if own:
            client.close()
    now = utcnow()
    return import_records(session=session, records=records, source=PORTAL_SOURCE, data_date=now.date(),
                          fetched_at=now, complete_programmes=set(followed))
