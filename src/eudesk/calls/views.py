"""Calls pages and their JSON twins: list with facets, detail, what changed, deadline calendar, iCalendar feed."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import Response
from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from eudesk.calls import service
from eudesk.calls.models import Call
from eudesk.calls.programmes import mission_of, part_label
from eudesk.calls.schemas import (
    CallDetailOut,
    CallListOut,
    CallSummaryOut,
    ChangeOut,
    ChangesOut,
    DeadlineEntryOut,
    DeadlineOut,
    DeadlinesOut,
    FacetOut,
    ProgrammeOut,
    SyncRunOut,
)
from eudesk.core.errors import InvalidInput
from eudesk.web.deps import get_session, get_today, get_translator, set_freshness
from eudesk.web.i18n import Translator
from eudesk.web.rendering import render

router = APIRouter(tags=["calls"])

Multi = Annotated[list[str], Query()]


def _date_param(value: str | None, name: str) -> dt.date | None:
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput(f"not a date (YYYY-MM-DD): {value!r}", field=name) from exc


def _int_param(value: str | None, name: str) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        return int(value.replace(".", "").replace(",", "").replace(" ", ""))
    except ValueError as exc:
        raise InvalidInput(f"not a whole number: {value!r}", field=name) from exc


def _ical_url(request: Request) -> str:
    """The iCalendar feed of the same selection of calls as this page (paging, sorting, month and language dropped)."""
    keep = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "sort", "month", "lang")]
    return f"/deadlines.ics?{urlencode(keep)}".rstrip("?")


def call_filter(
    programme: Multi = [],  # noqa: B006
    cluster: Multi = [],  # noqa: B006
    status: Multi = [],  # noqa: B006
    action_type: Multi = [],  # noqa: B006
    deadline_from: str | None = None,
    deadline_to: str | None = None,
    budget_min: str | None = None,
    budget_max: str | None = None,
    q: str = "",
) -> service.CallFilter:
    """The calls filter read from query parameters (empty form fields mean 'any')."""
    flt = service.CallFilter(
        programmes=[p for p in programme if p],
        clusters=[c for c in cluster if c],
        statuses=[s for s in status if s],
        action_types=[a for a in action_type if a],
        deadline_from=_date_param(deadline_from, "deadline_from"),
        deadline_to=_date_param(deadline_to, "deadline_to"),
        budget_min=_int_param(budget_min, "budget_min"),
        budget_max=_int_param(budget_max, "budget_max"),
        q=q.strip()[:300],
    )
    flt.validate()
    return flt


def summary_out(call: Call, today: dt.date) -> CallSummaryOut:
    """The JSON shape of a call in a list."""
    return CallSummaryOut(
        topic_id=call.topic_id,
        title=call.title,
        programme=ProgrammeOut(id=call.programme.id, code=call.programme.code, name=call.programme.name),
        call_identifier=call.call_identifier,
        action_type=call.action_type,
        status=service.effective_status(call, today),
        source_status=call.source_status,
        deadlines=[DeadlineOut(date=d.deadline, stage=d.stage, days_left=(d.deadline - today).days)
                   for d in call.deadlines],
        next_deadline=service.next_deadline(call, today),
        budget_min_eur=call.budget_min,
        budget_max_eur=call.budget_max,
        expected_grants=call.expected_grants,
        url=f"/calls/{call.topic_id}",
        portal_url=call.portal_url,
    )


def detail_out(call: Call, today: dt.date) -> CallDetailOut:
    """The JSON shape of one call with everything known about it."""
    base = summary_out(call, today).model_dump()
    return CallDetailOut(
        **base,
        reference=call.reference, cluster=call.cluster, call_title=call.call_title,
        types_of_action=call.types_of_action, deadline_model=call.deadline_model, opening_date=call.opening_date,
        budget_total_eur=call.budget_total, keywords=call.keywords, cross_cutting=call.cross_cutting,
        description=call.description, conditions=call.conditions, support_info=call.support_info,
        qna_url=call.qna_url, updates_url=call.updates_url, documents_url=call.documents_url, source=call.source,
        fetched_at=call.fetched_at, first_seen_at=call.first_seen_at, gone_at=call.gone_at,
    )


def _list(session: Session, flt: service.CallFilter, today: dt.date, sort: str, page: int,
          per_page: int) -> tuple[service.CallPage, CallListOut]:
    result = service.search_calls(session=session, flt=flt, today=today, sort=sort, page=page, per_page=per_page)
    out = CallListOut(
        total=result.total, page=result.page, per_page=result.per_page, pages=result.pages, today=today,
        items=[summary_out(c, today) for c in result.items],
        facets={k: [FacetOut(**vars(f)) for f in v] for k, v in result.facets.items()},
    )
    return result, out


@router.get("/calls.json", response_model=CallListOut)
def calls_json(
    flt: service.CallFilter = Depends(call_filter),
    sort: str = "deadline",
    page: int = Query(1, ge=1),
    per_page: int = Query(25, ge=1, le=200),
    session: Session = Depends(get_session),
    today: dt.date = Depends(get_today),
) -> CallListOut:
    """Calls filtered by programme, status, deadline window, type of action, budget and text; with facet counts."""
    return _list(session, flt, today, sort, page, per_page)[1]


@router.get("/calls", include_in_schema=False)
def calls_page(
    request: Request,
    flt: service.CallFilter = Depends(call_filter),
    sort: str = "deadline",
    page: int = Query(1, ge=1),
    per_page: int = Query(25, ge=1, le=200),
    session: Session = Depends(get_session),
    today: dt.date = Depends(get_today),
    tr: Translator = Depends(get_translator),
) -> Response:
    """The calls catalogue page."""
    set_freshness(request, session, today)
    result, _out = _list(session, flt, today, sort, page, per_page)
    programmes = {p.code: p.name for p in service.list_programmes(session=session)}
    return render(request, "calls/list.html", tr=tr, block="results", nav="calls", result=result, flt=flt,
                  sort=sort, programmes=programmes, status_of=service.effective_status,
                  next_deadline=service.next_deadline, ical_url=_ical_url(request))


@router.get("/calls/{topic_id}.json", response_model=CallDetailOut)
def call_json(topic_id: str, session: Session = Depends(get_session),
              today: dt.date = Depends(get_today)) -> CallDetailOut:
    """One call with its full text, conditions, deadlines, budget and provenance."""
    return detail_out(service.get_call(session=session, topic_id=topic_id), today)


@router.get("/calls/{topic_id}/changes.json", response_model=list[ChangeOut])
def call_changes_json(topic_id: str, session: Session = Depends(get_session)) -> list[ChangeOut]:
    """The recorded history of one call."""
    call = service.get_call(session=session, topic_id=topic_id)
    return [_change_out(ch, call) for ch in reversed(call.changes)]


@router.get("/calls/{topic_id}", include_in_schema=False)
def call_page(
    request: Request,
    topic_id: str,
    session: Session = Depends(get_session),
    today: dt.date = Depends(get_today),
    tr: Translator = Depends(get_translator),
) -> Response:
    """One call's page."""
    set_freshness(request, session, today)
    call = service.get_call(session=session, topic_id=topic_id)
    return render(request, "calls/detail.html", tr=tr, nav="calls", call=call, part_label=part_label,
                  mission=mission_of(call.topic_id),
                  status=service.effective_status(call, today), history=list(reversed(call.changes)))


def setup(app: FastAPI) -> None:
    """Serve calls whose topic identifiers contain slashes (EuropeAid/186246/DD/ACT/NG)."""
    app.state.startup_hooks.append(_add_slash_routes)


def _add_slash_routes(app: FastAPI) -> None:
    # Added at start-up, after every module's routers, so that these catch-all paths cannot shadow another
    # domain's /calls/<id>/<something> routes; the more specific changes route goes before the .json one.
    for path, endpoint in (("/calls/{topic_id:path}/changes.json", call_changes_json),
                           ("/calls/{topic_id:path}.json", call_json), ("/calls/{topic_id:path}", call_page)):
        app.router.add_api_route(path, endpoint, methods=["GET"], include_in_schema=False)


def _run_out(run: service.SyncRun) -> SyncRunOut:  # type: ignore[name-defined]
    return SyncRunOut.model_validate(run, from_attributes=True)


def _change_out(ch: service.CallChange, call: Call | None = None) -> ChangeOut:  # type: ignore[name-defined]
    call = call or ch.call
    return ChangeOut(topic_id=call.topic_id, title=call.title, kind=ch.kind, field=ch.field, old_value=ch.old_value,
                     new_value=ch.new_value, at=ch.at, sync_id=ch.sync_id)


def _changes(session: Session, run_id: int | None) -> tuple[object, list[object], list[object]]:
    runs = service.list_runs(session=session, limit=30)
    run = None
    if run_id is not None:
        run = next((r for r in runs if r.id == run_id), None)
        if run is None:
            raise InvalidInput(f"no import or sync with id {run_id}", field="run")
    else:
        run = service.last_run(session=session)
    changes = service.list_changes(session=session, sync_id=run.id) if run else []
    return run, list(runs), list(changes)


@router.get("/changes.json", response_model=ChangesOut)
def changes_json(run: int | None = None, session: Session = Depends(get_session)) -> ChangesOut:
    """What changed at an import or sync (default: the latest successful one)."""
    r, runs, changes = _changes(session, run)
    return ChangesOut(run=_run_out(r) if r else None, runs=[_run_out(x) for x in runs],
                      changes=[_change_out(c) for c in changes])


@router.get("/changes", include_in_schema=False)
def changes_page(
    request: Request,
    run: int | None = None,
    session: Session = Depends(get_session),
    today: dt.date = Depends(get_today),
    tr: Translator = Depends(get_translator),
) -> Response:
    """What changed at the latest sync, and the runs before it."""
    set_freshness(request, session, today)
    r, runs, changes = _changes(session, run)
    # counted in the database: the list shows at most the newest 500 (a first import records one per call)
    run_counts = service.count_changes(session=session, sync_ids=[x.id for x in [*runs, *([r] if r else [])]])  # type: ignore[attr-defined]
    by_kind = run_counts[r.id] if r else {}  # type: ignore[attr-defined]
    return render(request, "calls/changes.html", tr=tr, nav="changes", run=r, runs=runs, changes=changes,
                  by_kind=by_kind, total=sum(by_kind.values()), run_counts=run_counts)


def _month(value: str | None, today: dt.date) -> dt.date:
    if not value:
        return today.replace(day=1)
    try:
        year, month = (int(x) for x in value.split("-")[:2])
        return dt.date(year, month, 1)
    except ValueError as exc:
        raise InvalidInput(f"not a month (YYYY-MM): {value!r}", field="month") from exc


def _deadlines(session: Session, flt: service.CallFilter, month: dt.date,
               today: dt.date) -> tuple[dt.date, dt.date, list[tuple[object, Call]]]:
    start = month
    end = dt.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    return start, end, service.deadlines_between(session=session, start=start, end=end, flt=flt, today=today)


@router.get("/deadlines.json", response_model=DeadlinesOut)
def deadlines_json(
    request: Request,
    month: str | None = None,
    flt: service.CallFilter = Depends(call_filter),
    session: Session = Depends(get_session),
    today: dt.date = Depends(get_today),
) -> DeadlinesOut:
    """Deadlines of one month (default: this month) of the calls matching the filter."""
    start, end, rows = _deadlines(session, flt, _month(month, today), today)
    return DeadlinesOut(
        start=start, end=end, ical_url=_ical_url(request),
        deadlines=[DeadlineEntryOut(date=d.deadline, topic_id=c.topic_id, title=c.title,  # type: ignore[attr-defined]
                                    programme=c.programme.name, status=service.effective_status(c, today))
                   for d, c in rows],
    )


@router.get("/deadlines", include_in_schema=False)
def deadlines_page(
    request: Request,
    month: str | None = None,
    flt: service.CallFilter = Depends(call_filter),
    session: Session = Depends(get_session),
    today: dt.date = Depends(get_today),
    tr: Translator = Depends(get_translator),
) -> Response:
    """A month calendar of deadlines, with the iCalendar feed of the same selection."""
    set_freshness(request, session, today)
    first = _month(month, today)
    start, end, rows = _deadlines(session, flt, first, today)
    by_day: dict[dt.date, list[Call]] = {}
    for d, c in rows:
        by_day.setdefault(d.deadline, []).append(c)  # type: ignore[attr-defined]
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = end + dt.timedelta(days=1)
    programmes = {p.code: p.name for p in service.list_programmes(session=session)}
    return render(request, "calls/deadlines.html", tr=tr, nav="deadlines", first=first, weeks=weeks,
                  by_day=by_day, prev_month=prev_month, next_month=next_month, flt=flt, programmes=programmes,
                  ical_url=_ical_url(request), count=len(rows))


@router.get("/deadlines.ics", response_class=Response,
            responses={200: {"content": {"text/calendar": {}}, "description": "An iCalendar (RFC 5545) feed"}})
def deadlines_ics(
    request: Request,
    flt: service.CallFilter = Depends(call_filter),
    session: Session = Depends(get_session),
    today: dt.date = Depends(get_today),
) -> Response:
    """An iCalendar feed of every deadline of the selected calls (one all-day event each, stable UIDs)."""
    start = today - dt.timedelta(days=90)
    end = today + dt.timedelta(days=3 * 365)
    rows = service.deadlines_between(session=session, start=start, end=end, flt=flt, today=today)
    cal = Calendar()
    cal.add("prodid", "-//eudesk//EU call deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "eudesk: EU call deadlines")
    base = str(request.base_url).rstrip("/")
    for d, c in rows:
        ev = Event()
        stage = f" (stage {d.stage})" if len(c.deadlines) > 1 else ""  # type: ignore[attr-defined]
        ev.add("uid", f"{c.topic_id}-{d.stage}@eudesk")  # type: ignore[attr-defined]
        ev.add("summary", f"Deadline{stage}: {c.topic_id} – {c.title}")
        ev.add("dtstart", d.deadline)  # type: ignore[attr-defined]
        ev.add("dtend", d.deadline + dt.timedelta(days=1))  # type: ignore[attr-defined]
        ev.add("dtstamp", c.fetched_at)
        ev.add("last-modified", c.fetched_at)
        ev.add("url", f"{base}/calls/{c.topic_id}")
        ev.add("description", f"{c.programme.name} · {c.call_identifier}\n{base}/calls/{c.topic_id}\n{c.portal_url}")
        ev.add("categories", [c.programme.code])
        cal.add_component(ev)
    return Response(cal.to_ical(), media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="eudesk-deadlines.ics"'})
