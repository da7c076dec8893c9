"""Calls service: import/upsert with change tracking, status against today, search, facets, deadlines.

Plain functions with keyword-only arguments; the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import Boolean, Select, and_, case, func, not_, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, contains_eager
from sqlalchemy.sql.functions import FunctionElement

from eudesk.calls.models import Call, CallChange, CallDeadline, Programme, SyncRun
from eudesk.calls.programmes import part_label
from eudesk.calls.schemas import ProgrammeInfo, TopicRecord
from eudesk.core.dates import utcnow
from eudesk.core.errors import InvalidInput, NotFound
from eudesk.core.text import content_hash

STATUSES = ("open", "forthcoming", "closed")
SORTS = ("deadline", "-deadline", "budget", "-budget", "title")

# Change kinds recorded per call at each import/sync.
NEW, DEADLINE_MOVED, BUDGET_CHANGED, STATUS_CHANGED, TEXT_CHANGED, DISAPPEARED, REAPPEARED = (
    "new", "deadline_moved", "budget_changed", "status_changed", "text_changed", "disappeared", "reappeared",
)
_WORD = re.compile(r"\w+")
_BUDGET_FIELDS = ("budget_min", "budget_max", "expected_grants", "budget_total")
_TEXT_FIELDS = ("title", "description", "conditions")
_PLAIN_FIELDS = (
    "reference", "title", "cluster", "call_identifier", "call_title", "action_type", "types_of_action",
    "opening_date", "deadline_model", "budget_min", "budget_max", "expected_grants", "budget_total", "keywords",
    "cross_cutting", "description", "conditions", "support_info", "portal_url", "qna_url", "updates_url",
    "documents_url",
)


@dataclass
class ImportSummary:
    """What an import or sync did."""

    sync_id: int
    seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    disappeared: int = 0
    changes: list[tuple[str, str]] = field(default_factory=list)  # (topic_id, kind)


def record_hash(rec: TopicRecord) -> str:
    """A hash of everything a record says, to tell real changes from re-deliveries."""
    parts = [str(getattr(rec, name)) for name in _PLAIN_FIELDS]
    parts += [rec.status, rec.programme_id, ",".join(d.isoformat() for d in rec.deadlines)]
    return content_hash(*parts)


def dedupe_records(
    records: Iterable[tuple[TopicRecord, ProgrammeInfo]], *, source: str
) -> list[tuple[TopicRecord, ProgrammeInfo]]:
    """Drop exact re-deliveries of a topic; two different records with one identifier are an error."""
    seen: dict[str, tuple[str, tuple[TopicRecord, ProgrammeInfo]]] = {}
    for rec, prog in records:
        h = record_hash(rec)
        prev = seen.get(rec.topic_id)
        if prev is None:
            seen[rec.topic_id] = (h, (rec, prog))
        elif prev[0] != h:
            raise InvalidInput(f"{source}: the identifier occurs twice with different content", record=rec.topic_id,
                               field="topicId")
    return [v[1] for v in seen.values()]


def start_run(*, session: Session, source: str, data_date: dt.date | None = None) -> SyncRun:
    """Record the start of an import or sync."""
    run = SyncRun(source=source, started_at=utcnow(), data_date=data_date, status="running")
    session.add(run)
    session.flush()
    return run


def _ensure_programme(session: Session, info: ProgrammeInfo, cache: dict[str, Programme]) -> Programme:
    prog = cache.get(info.id) or session.get(Programme, info.id)
    if prog is None:
        code = info.code
        if session.scalar(select(Programme).where(Programme.code == code)) is not None:
            code = f"{code}-{info.id}"
        prog = Programme(id=info.id, code=code, name=info.name)
        session.add(prog)
        session.flush()
    cache[info.id] = prog
    return prog


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_fmt(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def upsert_topics(
    *,
    session: Session,
    records: Sequence[tuple[TopicRecord, ProgrammeInfo]],
    run: SyncRun,
    source: str,
    fetched_at: dt.datetime,
    complete_programmes: set[str] | None = None,
) -> ImportSummary:
    """Insert new topics, update changed ones and record each change; with complete_programmes, calls of those
    programmes that the source no longer lists are marked as disappeared. Never commits."""
    records = dedupe_records(records, source=source)
    summary = ImportSummary(sync_id=run.id)
    now = utcnow()
    programmes: dict[str, Programme] = {}
    existing = {c.topic_id: c for c in session.scalars(select(Call).where(
        Call.topic_id.in_([r.topic_id for r, _ in records])))} if records else {}

    def change(call: Call, kind: str, fld: str = "", old: object = None, new: object = None) -> None:
        session.add(CallChange(call=call, sync_id=run.id, kind=kind, field=fld, old_value=_fmt(old),
                               new_value=_fmt(new), at=now))
        summary.changes.append((call.topic_id, kind))

    for rec, prog_info in records:
        summary.seen += 1
        prog = _ensure_programme(session, prog_info, programmes)
        h = record_hash(rec)
        call = existing.get(rec.topic_id)
        if call is None:
            call = Call(topic_id=rec.topic_id, programme=prog, first_seen_at=now)
            _apply(call, rec, source=source, fetched_at=fetched_at, content=h)
            session.add(call)
            change(call, NEW, "", None, rec.title)
            summary.new += 1
            continue
        if call.gone_at is not None:
            call.gone_at = None
            change(call, REAPPEARED)
        if call.content_hash == h and call.programme_id == prog.id:
            call.fetched_at = fetched_at
            call.source = source
            summary.unchanged += 1
            continue
        old_deadlines = [d.deadline for d in call.deadlines]
        if old_deadlines != rec.deadlines:
            change(call, DEADLINE_MOVED, "deadlines", old_deadlines, rec.deadlines)
        for name in _BUDGET_FIELDS:
            if getattr(call, name) != getattr(rec, name):
                change(call, BUDGET_CHANGED, name, getattr(call, name), getattr(rec, name))
        if call.source_status != rec.status:
            change(call, STATUS_CHANGED, "status", call.source_status, rec.status)
        for name in _TEXT_FIELDS:
            if _words(getattr(call, name)) != _words(getattr(rec, name)):
                change(call, TEXT_CHANGED, name, "", "")
        call.programme = prog
        _apply(call, rec, source=source, fetched_at=fetched_at, content=h)
        summary.changed += 1

    if complete_programmes:
        seen_ids = {r.topic_id for r, _ in records}
        stale = session.scalars(select(Call).where(
            Call.programme_id.in_(complete_programmes), Call.gone_at.is_(None), Call.source_status != "closed"))
        for call in stale:
            if call.topic_id not in seen_ids:
                call.gone_at = now
                change(call, DISAPPEARED, "", call.source_status, "")
                summary.disappeared += 1
    run.topics_seen = summary.seen
    run.topics_new = summary.new
    run.topics_changed = summary.changed
    session.flush()
    return summary


def _words(text: str | None) -> str:
    """Text reduced to its lower-case words, so that layout alone (the snapshot's flattened HTML against the
    API's HTML, quotes, spacing) is not reported as a change of the call's text."""
    return " ".join(_WORD.findall((text or "").lower()))


def _apply(call: Call, rec: TopicRecord, *, source: str, fetched_at: dt.datetime, content: str) -> None:
    for name in _PLAIN_FIELDS:
        setattr(call, name, getattr(rec, name))
    call.source_status = rec.status
    call.deadline = max(rec.deadlines) if rec.deadlines else None
    call.source = source
    call.fetched_at = fetched_at
    call.content_hash = content
    wanted = sorted(set(rec.deadlines))
    if [d.deadline for d in call.deadlines] != wanted:
        # Keep the rows whose date stays: the unit of work inserts before it deletes, so clearing and re-adding
        # a date that stays breaks the unique (call_id, deadline) constraint.
        kept = {d.deadline: d for d in call.deadlines if d.deadline in wanted}
        for row in [d for d in call.deadlines if d.deadline not in kept]:
            call.deadlines.remove(row)
        for i, day in enumerate(wanted):
            if day in kept:
                kept[day].stage = i + 1
            else:
                call.deadlines.append(CallDeadline(deadline=day, stage=i + 1))
        call.deadlines.sort(key=lambda d: d.deadline)


def finish_run(*, run: SyncRun, status: str, message: str = "") -> None:
    """Record the end of an import or sync."""
    run.status = status
    run.message = message
    run.finished_at = utcnow()


# --- status against today ---------------------------------------------------------------------------------

def effective_status(call: Call, today: dt.date) -> str:
    """open, forthcoming or closed, judged against today (a passed last deadline means closed)."""
    if call.gone_at is not None or call.source_status == "closed":
        return "closed"
    if call.deadline is not None and call.deadline < today:
        return "closed"
    if call.source_status == "forthcoming":
        if call.opening_date is not None and call.opening_date <= today:
            return "open"
        return "forthcoming"
    return "open"


def _closed_clause(today: dt.date):  # type: ignore[no-untyped-def]
    # Spelled out for NULL deadlines: `deadline < today` is NULL there and NOT(NULL) would drop the call
    # from every status, where effective_status calls it open.
    return or_(Call.gone_at.is_not(None), Call.source_status == "closed",
               and_(Call.deadline.is_not(None), Call.deadline < today))


def _opened_clause(today: dt.date):  # type: ignore[no-untyped-def]
    return or_(Call.source_status != "forthcoming", and_(Call.opening_date.is_not(None), Call.opening_date <= today))


def status_case(today: dt.date):  # type: ignore[no-untyped-def]
    """SQL expression whose value is effective_status(call, today), for counting all statuses in one query."""
    return case((_closed_clause(today), "closed"), (_opened_clause(today), "open"), else_="forthcoming")


def status_clause(status: str, today: dt.date):  # type: ignore[no-untyped-def]
    """SQL condition equivalent to effective_status(call, today) == status."""
    closed = _closed_clause(today)
    opened = _opened_clause(today)
    if status == "closed":
        return closed
    if status == "open":
        return and_(not_(closed), opened)
    if status == "forthcoming":
        return and_(not_(closed), not_(opened))
    raise InvalidInput(f"unknown status {status!r}; use one of {', '.join(STATUSES)}", field="status")


def next_deadline(call: Call, today: dt.date) -> dt.date | None:
    """The first deadline on or after today, or None."""
    for d in call.deadlines:
        if d.deadline >= today:
            return d.deadline
    return None


# --- searching --------------------------------------------------------------------------------------------

@dataclass
class CallFilter:
    """What the calls list is filtered by; every field optional."""

    programmes: list[str] = field(default_factory=list)  # programme codes
    clusters: list[str] = field(default_factory=list)  # Horizon Europe parts: CL1..CL6, MISS, ...
    statuses: list[str] = field(default_factory=list)
    action_types: list[str] = field(default_factory=list)
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    budget_min: int | None = None  # per-grant budget at least
    budget_max: int | None = None  # per-grant budget at most
    q: str = ""
    topic_ids: list[str] | None = None  # restrict to these (e.g. matches)

    def validate(self) -> None:
        """Raise InvalidInput for contradictory or unknown values."""
        for s in self.statuses:
            if s not in STATUSES:
                raise InvalidInput(f"unknown status {s!r}; use one of {', '.join(STATUSES)}", field="status")
        if self.deadline_from and self.deadline_to and self.deadline_from > self.deadline_to:
            raise InvalidInput("the deadline window ends before it starts", field="deadline_to")
        if self.budget_min is not None and self.budget_max is not None and self.budget_min > self.budget_max:
            raise InvalidInput("the budget range ends below its start", field="budget_max")


@dataclass
class Facet:
    """One value of a facet with its count under the other filters."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass
class CallPage:
    """A page of calls with the total and facet counts."""

    items: list[Call]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[Facet]]

    @property
    def pages(self) -> int:
        """How many pages there are."""
        return max(1, -(-self.total // self.per_page))


class _contains_ci(FunctionElement[bool]):  # noqa: N801  (named like the SQL functions it stands for)
    """column LIKE pattern (a lower-case pattern with \\ as escape), ignoring case, as cheaply as each database can."""

    type = Boolean()
    inherit_cache = True
    name = "contains_ci"


@compiles(_contains_ci)
def _contains_ci_default(element: _contains_ci, compiler: object, **kw: object) -> str:
    col, pattern = (compiler.process(c, **kw) for c in element.clauses)  # type: ignore[attr-defined]
    return f"lower({col}) LIKE {pattern} ESCAPE '\\'"


@compiles(_contains_ci, "sqlite")
def _contains_ci_sqlite(element: _contains_ci, compiler: object, **kw: object) -> str:
    # SQLite's LIKE already ignores (ASCII) case and its lower() knows only ASCII: lower() would only copy
    # every 35k-character description on every search (it made the filtered list 40% slower).
    col, pattern = (compiler.process(c, **kw) for c in element.clauses)  # type: ignore[attr-defined]
    return f"{col} LIKE {pattern} ESCAPE '\\'"


@compiles(_contains_ci, "postgresql")
def _contains_ci_postgresql(element: _contains_ci, compiler: object, **kw: object) -> str:
    col, pattern = (compiler.process(c, **kw) for c in element.clauses)  # type: ignore[attr-defined]
    return f"{col} ILIKE {pattern} ESCAPE '\\'"


def _conditions(flt: CallFilter, today: dt.date, *, skip: str | None = None) -> list:  # type: ignore[type-arg]
    conds = []
    if flt.programmes and skip != "programme":
        conds.append(Programme.code.in_(flt.programmes))
    if flt.clusters and skip != "cluster":
        conds.append(Call.cluster.in_(flt.clusters))
    if flt.statuses and skip != "status":
        conds.append(or_(*[status_clause(s, today) for s in flt.statuses]))
    if flt.action_types and skip != "action_type":
        conds.append(Call.action_type.in_(flt.action_types))
    if flt.deadline_from or flt.deadline_to:
        sub = select(CallDeadline.call_id)
        if flt.deadline_from:
            sub = sub.where(CallDeadline.deadline >= flt.deadline_from)
        if flt.deadline_to:
            sub = sub.where(CallDeadline.deadline <= flt.deadline_to)
        conds.append(Call.id.in_(sub))
    if flt.budget_min is not None:
        conds.append(func.coalesce(Call.budget_max, Call.budget_min) >= flt.budget_min)
    if flt.budget_max is not None:
        conds.append(func.coalesce(Call.budget_min, Call.budget_max) <= flt.budget_max)
    if flt.q.strip():
        for word in flt.q.lower().split()[:8]:
            # % and _ typed by a user are literal characters, not wildcards
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            conds.append(or_(*(_contains_ci(col, pattern) for col in (Call.title, Call.topic_id, Call.keywords,
                                                                          Call.description))))
    if flt.topic_ids is not None:
        conds.append(Call.topic_id.in_(flt.topic_ids))
    return conds


def _base(flt: CallFilter, today: dt.date, *, skip: str | None = None) -> Select:  # type: ignore[type-arg]
    return select(Call).join(Programme).where(*_conditions(flt, today, skip=skip))


def _order(stmt: Select, sort: str, today: dt.date) -> Select:  # type: ignore[type-arg]
    if sort not in SORTS:
        raise InvalidInput(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}", field="sort")
    budget = func.coalesce(Call.budget_max, Call.budget_min)
    # "soonest first" means the next deadline a user can still make: calls whose deadlines have all passed go
    # after them, the most recently closed first (sorting on the last deadline put last spring's calls on top)
    upcoming = (select(func.min(CallDeadline.deadline)).where(CallDeadline.call_id == Call.id,
                                                              CallDeadline.deadline >= today)
                .correlate(Call).scalar_subquery())
    key = {
        "deadline": (upcoming.is_(None), upcoming.asc(), Call.deadline.is_(None), Call.deadline.desc()),
        "-deadline": (Call.deadline.is_(None), Call.deadline.desc()),
        "budget": (budget.is_(None), budget.asc()),
        "-budget": (budget.is_(None), budget.desc()),
        "title": (Call.title.asc(),),
    }[sort]
    return stmt.order_by(*key, Call.topic_id)


def search_calls(
    *, session: Session, flt: CallFilter, today: dt.date, sort: str = "deadline", page: int = 1, per_page: int = 25
) -> CallPage:
    """Calls matching the filter, one page, with facet counts (each facet counted under the other filters)."""
    flt.validate()
    flt = _resolve_text(session, flt)
    per_page = max(1, min(per_page, 200))
    stmt = _base(flt, today)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = max(1, min(page, -(-total // per_page)))  # a page past the last shows the last
    # The page's ids first, then their calls: sorting whole rows made SQLite copy every matching call's 35,000-character
    # texts into its sorter on each request (half of the calls page's time)
    ids_stmt = _order(stmt.with_only_columns(Call.id), sort, today).limit(per_page).offset((page - 1) * per_page)
    ids = list(session.scalars(ids_stmt))
    by_id = {c.id: c for c in session.scalars(select(Call).where(Call.id.in_(ids))).unique()} if ids else {}
    items = [by_id[i] for i in ids]
    return CallPage(items=items, total=total, page=page, per_page=per_page, facets=facets(session=session, flt=flt,
                                                                                               today=today))


def _resolve_text(session: Session, flt: CallFilter) -> CallFilter:
    """The filter with its free text replaced by the topic ids it matches: the text scan of 35,000-character
    descriptions then runs once per request instead of once per facet query."""
    if not flt.q.strip():
        return flt
    words = CallFilter(q=flt.q)
    ids = set(session.scalars(select(Call.topic_id).where(*_conditions(words, dt.date.min))))
    if flt.topic_ids is not None:
        ids &= set(flt.topic_ids)
    return replace(flt, q="", topic_ids=sorted(ids))


def facets(*, session: Session, flt: CallFilter, today: dt.date) -> dict[str, list[Facet]]:
    """Counts per programme, status and type of action under the other active filters."""
    flt = _resolve_text(session, flt)
    out: dict[str, list[Facet]] = {}
    ids = select(Call.id).join(Programme).where(*_conditions(flt, today, skip="programme"))
    rows = session.execute(
        select(Programme.code, Programme.name, func.count(Call.id)).join(Call).where(Call.id.in_(ids))
        .group_by(Programme.code, Programme.name).order_by(func.count(Call.id).desc(), Programme.name)).all()
    out["programme"] = [Facet(code, name, n, code in flt.programmes) for code, name, n in rows]
    ids = select(Call.id).join(Programme).where(*_conditions(flt, today, skip="cluster"))
    rows = session.execute(select(Call.cluster, func.count(Call.id)).where(Call.id.in_(ids), Call.cluster != "")
                           .group_by(Call.cluster).order_by(Call.cluster)).all()
    out["cluster"] = [Facet(c, part_label(c), n, c in flt.clusters) for c, n in rows]
    out["status"] = []
    ids = select(Call.id).join(Programme).where(*_conditions(flt, today, skip="status"))
    status = status_case(today)
    counts = dict(session.execute(select(status, func.count(Call.id)).where(Call.id.in_(ids)).group_by(status)).all())
    for s in STATUSES:
        out["status"].append(Facet(s, s, counts.get(s, 0), s in flt.statuses))
    ids = select(Call.id).join(Programme).where(*_conditions(flt, today, skip="action_type"))
    rows = session.execute(select(Call.action_type, func.count(Call.id)).where(Call.id.in_(ids))
                           .group_by(Call.action_type).order_by(func.count(Call.id).desc())).all()
    out["action_type"] = [Facet(a, a or "-", n, a in flt.action_types) for a, n in rows if a]
    return out


def get_call(*, session: Session, topic_id: str) -> Call:
    """The call with this topic identifier (case-insensitive), or NotFound."""
    call = session.scalar(select(Call).where(func.lower(Call.topic_id) == topic_id.lower()))
    if call is None:
        raise NotFound(f"no call with topic identifier {topic_id!r}")
    return call


def count_calls(*, session: Session) -> int:
    """How many calls the catalogue holds."""
    return session.scalar(select(func.count(Call.id))) or 0


def list_programmes(*, session: Session) -> list[Programme]:
    """All programmes with calls, by name."""
    return list(session.scalars(select(Programme).order_by(Programme.name)))


# --- changes, freshness and deadlines ----------------------------------------------------------------------

def last_run(*, session: Session, status: str | None = "ok") -> SyncRun | None:
    """The most recent import/sync run (by default the last successful one)."""
    stmt = select(SyncRun).order_by(SyncRun.id.desc()).limit(1)
    if status:
        stmt = stmt.where(SyncRun.status == status)
    return session.scalar(stmt)


def list_runs(*, session: Session, limit: int = 20) -> list[SyncRun]:
    """The latest import/sync runs, newest first."""
    return list(session.scalars(select(SyncRun).order_by(SyncRun.id.desc()).limit(limit)))


def list_changes(
    *, session: Session, sync_id: int | None = None, kinds: Sequence[str] = (), limit: int = 500
) -> list[CallChange]:
    """Recorded changes, newest first; by default those of the last successful run that changed anything."""
    # the call of each change comes with it (one query, not one per change: a first import records ~600 changes)
    stmt = (select(CallChange).join(CallChange.call).options(contains_eager(CallChange.call))
            .order_by(CallChange.id.desc()).limit(limit))
    if sync_id is not None:
        stmt = stmt.where(CallChange.sync_id == sync_id)
    if kinds:
        stmt = stmt.where(CallChange.kind.in_(list(kinds)))
    return list(session.scalars(stmt))


def count_changes(*, session: Session, sync_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """For each of these runs, how many changes of each kind it recorded (all of them, not only the ones a page
    lists); one query for all the runs, every run asked about in the result."""
    out: dict[int, dict[str, int]] = {i: {} for i in sync_ids}
    if out:
        stmt = (select(CallChange.sync_id, CallChange.kind, func.count()).where(CallChange.sync_id.in_(list(out)))
                .group_by(CallChange.sync_id, CallChange.kind).order_by(CallChange.sync_id, CallChange.kind))
        for sync_id, kind, n in session.execute(stmt):
            out[sync_id][kind] = int(n)
    return out


def deadlines_between(
    *, session: Session, start: dt.date, end: dt.date, flt: CallFilter | None = None, today: dt.date
) -> list[tuple[CallDeadline, Call]]:
    """Every deadline in [start, end] of the calls matching the filter, by date."""
    flt = flt or CallFilter()
    flt.validate()
    stmt = (select(CallDeadline, Call).join(Call, CallDeadline.call_id == Call.id).join(Programme)
            .where(CallDeadline.deadline >= start, CallDeadline.deadline <= end, *_conditions(flt, today))
            .order_by(CallDeadline.deadline, Call.topic_id))
    return [(d, c) for d, c in session.execute(stmt).unique().all()]


# --- imports ---------------------------------------------------------------------------------------------

def import_records(
    *,
    session: Session,
    records: Sequence[tuple[TopicRecord, ProgrammeInfo]],
    source: str,
    data_date: dt.date | None,
    fetched_at: dt.datetime,
    complete_programmes: set[str] | None = None,
) -> ImportSummary:
    """Store already-parsed records as one run; the caller's transaction makes it all-or-nothing."""
    run = start_run(session=session, source=source, data_date=data_date)
    summary = upsert_topics(session=session, records=records, run=run, source=source, fetched_at=fetched_at,
                            complete_programmes=complete_programmes)
    finish_run(run=run, status="ok",
               message=f"{summary.seen} topics: {summary.new} new, {summary.changed} changed, "
                       f"{summary.disappeared} disappeared")
    return summary


def record_failed_run(*, session: Session, source: str, message: str) -> SyncRun:
    """Record a failed import/sync (in its own transaction, after the failed one was rolled back)."""
    run = start_run(session=session, source=source)
    finish_run(run=run, status="failed", message=message)
    return run


def load_bundled(*, session: Session, settings: object = None) -> ImportSummary | None:
    """Load the bundled portal snapshot into an empty catalogue; does nothing when calls exist."""
    from eudesk.calls.sources.bundled import BUNDLED_FETCHED, BUNDLED_SOURCE, read_bundled

    if count_calls(session=session):
        return None
    fetched = dt.datetime.combine(BUNDLED_FETCHED, dt.time(), tzinfo=dt.UTC)
    return import_records(session=session, records=read_bundled(), source=BUNDLED_SOURCE,
                          data_date=BUNDLED_FETCHED, fetched_at=fetched)
