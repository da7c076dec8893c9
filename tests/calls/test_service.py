"""Calls service: upsert with change tracking, status against today, search, filters, facets, sorting, pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from eudesk.calls import service
from eudesk.calls.models import Call, CallChange
from eudesk.calls.schemas import ProgrammeInfo, TopicRecord
from eudesk.core.errors import InvalidInput, NotFound
from eudesk.db import make_sessionmaker

LIFE = ProgrammeInfo("43252405", "LIFE", "LIFE")
HORIZON = ProgrammeInfo("43108390", "HORIZON", "Horizon Europe")
TODAY = dt.date(2026, 8, 12)
FETCHED = dt.datetime(2026, 8, 10, tzinfo=dt.UTC)


def record(topic_id: str = "LIFE-2026-T1", **over: object) -> TopicRecord:
    """A plausible topic record; keyword arguments override fields."""
    fields: dict[str, object] = {
        "topic_id": topic_id, "title": f"Topic {topic_id}", "programme_id": LIFE.id, "status": "open",
        "deadlines": [dt.date(2026, 10, 1)], "budget_min": 500_000, "budget_max": 1_000_000,
        "expected_grants": 3, "action_type": "Grant", "description": "Cities adapt to climate change.",
        "conditions": "Public authorities may apply.", "keywords": "climate",
    }
    fields.update(over)
    return TopicRecord(**fields)  # type: ignore[arg-type]


def store(session: Session, *recs: TopicRecord | tuple[TopicRecord, ProgrammeInfo],
          complete: set[str] | None = None) -> service.ImportSummary:
    """Import records (LIFE unless a programme is given) as one run."""
    pairs = [r if isinstance(r, tuple) else (r, LIFE) for r in recs]
    return service.import_records(session=session, records=pairs, source="test", data_date=None,
                                  fetched_at=FETCHED, complete_programmes=complete)


def kinds(summary: service.ImportSummary) -> list[tuple[str, str]]:
    return sorted(summary.changes)


# --- upsert and change tracking --------------------------------------------------------------------------

def test_new_topics_are_recorded_as_new(session: Session) -> None:
    summary = store(session, record("A"), record("B"))
    assert (summary.seen, summary.new, summary.changed, summary.unchanged) == (2, 2, 0, 0)
    assert kinds(summary) == [("A", "new"), ("B", "new")]
    call = service.get_call(session=session, topic_id="A")
    assert call.programme.code == "LIFE"
    assert [d.deadline for d in call.deadlines] == [dt.date(2026, 10, 1)]
    assert call.first_seen_at is not None and call.gone_at is None


def test_reimporting_the_same_records_records_nothing(session: Session) -> None:
    store(session, record("A"), record("B"))
    before = session.scalar(select(CallChange.id).order_by(CallChange.id.desc()))
    summary = store(session, record("A"), record("B"))
    assert (summary.new, summary.changed, summary.unchanged) == (0, 0, 2)
    assert summary.changes == []
    assert session.scalar(select(CallChange.id).order_by(CallChange.id.desc())) == before


def test_deadline_moved(session: Session) -> None:
    store(session, record("A"))
    summary = store(session, record("A", deadlines=[dt.date(2026, 11, 5)]))
    assert kinds(summary) == [("A", "deadline_moved")]
    ch = session.scalar(select(CallChange).where(CallChange.kind == "deadline_moved"))
    assert (ch.old_value, ch.new_value) == ("2026-10-01", "2026-11-05")
    call = service.get_call(session=session, topic_id="A")
    assert call.deadline == dt.date(2026, 11, 5)
    assert [d.deadline for d in call.deadlines] == [dt.date(2026, 11, 5)]


def test_budget_changed_names_the_field(session: Session) -> None:
    store(session, record("A"))
    summary = store(session, record("A", budget_max=1_500_000))
    assert kinds(summary) == [("A", "budget_changed")]
    ch = session.scalar(select(CallChange).where(CallChange.kind == "budget_changed"))
    assert (ch.field, ch.old_value, ch.new_value) == ("budget_max", "1000000", "1500000")


def test_status_changed(session: Session) -> None:
    store(session, record("A", status="forthcoming"))
    summary = store(session, record("A", status="open"))
    assert kinds(summary) == [("A", "status_changed")]
    ch = session.scalar(select(CallChange).where(CallChange.kind == "status_changed"))
    assert (ch.old_value, ch.new_value) == ("forthcoming", "open")


def test_text_changed(session: Session) -> None:
    store(session, record("A"))
    summary = store(session, record("A", description="A rewritten scope."))
    assert kinds(summary) == [("A", "text_changed")]
    assert service.get_call(session=session, topic_id="A").description == "A rewritten scope."


def test_a_change_elsewhere_updates_without_a_named_change(session: Session) -> None:
    store(session, record("A"))
    summary = store(session, record("A", portal_url="https://example.org/new"))
    assert summary.changed == 1 and summary.changes == []
    assert service.get_call(session=session, topic_id="A").portal_url == "https://example.org/new"


def test_disappeared_and_reappeared(session: Session) -> None:
    store(session, record("A"), record("B"), complete={LIFE.id})
    summary = store(session, record("A"), complete={LIFE.id})
    assert summary.disappeared == 1
    assert ("B", "disappeared") in summary.changes
    gone = service.get_call(session=session, topic_id="B")
    assert gone.gone_at is not None
    assert service.effective_status(gone, TODAY) == "closed"
    again = store(session, record("A"), record("B"), complete={LIFE.id})
    assert ("B", "reappeared") in again.changes
    assert service.get_call(session=session, topic_id="B").gone_at is None
    assert again.disappeared == 0


def test_disappearance_needs_a_complete_listing_of_the_programme(session: Session) -> None:
    store(session, record("A"), record("B"), (record("H", programme_id=HORIZON.id), HORIZON))
    summary = store(session, record("A"))  # not complete: a partial file says nothing about B
    assert summary.disappeared == 0
    summary = store(session, record("A"), complete={LIFE.id})  # complete for LIFE only: H stays
    assert [c for c in summary.changes if c[1] == "disappeared"] == [("B", "disappeared")]
    assert service.get_call(session=session, topic_id="H").gone_at is None


def test_exact_duplicates_are_dropped_and_conflicting_ones_refused(session: Session) -> None:
    summary = store(session, record("A"), record("A"))
    assert summary.seen == 1
    with pytest.raises(InvalidInput) as err:
        store(session, record("B"), record("B", title="Another title"))
    assert "B" in str(err.value) and "topicId" in str(err.value)


def test_failed_import_keeps_what_was_stored_before(engine: Engine) -> None:
    sm = make_sessionmaker(engine)
    with sm.begin() as s:
        store(s, record("A"))
    with pytest.raises(InvalidInput), sm.begin() as s:
        store(s, record("A", title="Changed"), record("C"), record("C", title="clash"))
    with sm() as s:
        assert service.count_calls(session=s) == 1
        assert service.get_call(session=s, topic_id="A").title == "Topic A"
        assert s.scalars(select(CallChange.kind)).all() == ["new"]


# --- status against today ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"status": "open", "deadlines": [dt.date(2026, 10, 1)]}, "open"),
        ({"status": "open", "deadlines": [dt.date(2026, 8, 12)]}, "open"),  # closes today: still open
        ({"status": "open", "deadlines": [dt.date(2026, 8, 11)]}, "closed"),  # passed: closed, whatever the source
        ({"status": "open", "deadlines": [dt.date(2026, 5, 1), dt.date(2026, 9, 1)]}, "open"),  # stage 2 ahead
        ({"status": "forthcoming", "deadlines": [dt.date(2026, 8, 1)]}, "closed"),
        ({"status": "forthcoming", "deadlines": [dt.date(2027, 1, 1)]}, "forthcoming"),
        ({"status": "forthcoming", "opening_date": dt.date(2026, 8, 1), "deadlines": [dt.date(2027, 1, 1)]}, "open"),
        ({"status": "forthcoming", "opening_date": dt.date(2026, 9, 1), "deadlines": [dt.date(2027, 1, 1)]},
         "forthcoming"),
        ({"status": "closed", "deadlines": [dt.date(2027, 1, 1)]}, "closed"),
        ({"status": "open", "deadlines": []}, "open"),
        ({"status": "forthcoming", "deadlines": []}, "forthcoming"),
        ({"status": "", "deadlines": [dt.date(2027, 1, 1)]}, "open"),
    ],
)
def test_effective_status_and_sql_filter_agree(session: Session, over: dict, expected: str) -> None:
    store(session, record("X", **over))
    call = service.get_call(session=session, topic_id="X")
    assert service.effective_status(call, TODAY) == expected
    for status in service.STATUSES:
        found = session.scalar(select(Call.topic_id).where(service.status_clause(status, TODAY)))
        assert (found == "X") == (status == expected), f"SQL filter for {status!r}"


def test_status_case_agrees_on_edge_cases(session: Session) -> None:
    store(session, record("NO-DEADLINE", deadlines=[]), record("PASSED", deadlines=[dt.date(2026, 8, 1)]),
          record("SOON", status="forthcoming", deadlines=[dt.date(2027, 1, 1)]),
          record("OPENED", status="forthcoming", opening_date=dt.date(2026, 8, 12), deadlines=[dt.date(2027, 1, 1)]))
    got = dict(session.execute(select(Call.topic_id, service.status_case(TODAY))).all())
    assert got == {"NO-DEADLINE": "open", "PASSED": "closed", "SOON": "forthcoming", "OPENED": "open"}


def test_text_search_ignores_case_and_takes_wildcards_literally(session: Session) -> None:
    store(session, record("A", title="100% renewable heating", keywords=""),
          record("B", title="1000 renewable heat pumps", keywords=""),
          record("C", title="District heating", keywords="smart_city"),
          record("D", title="Smart city labs", keywords="smartXcity"))

    def ids(q: str) -> list[str]:
        return sorted(c.topic_id for c in service.search_calls(session=session, flt=service.CallFilter(q=q),
                                                               today=TODAY).items)

    assert ids("100%") == ["A"]
    assert ids("smart_city") == ["C"]
    assert ids("RENEWABLE") == ["A", "B"]
    assert ids("renewable heating") == ["A"]  # every word must occur


def test_next_deadline_skips_passed_ones(session: Session) -> None:
    store(session, record("X", deadlines=[dt.date(2026, 5, 1), dt.date(2026, 9, 1)]))
    call = service.get_call(session=session, topic_id="X")
    assert service.next_deadline(call, TODAY) == dt.date(2026, 9, 1)
    assert service.next_deadline(call, dt.date(2026, 9, 2)) is None
    assert [d.stage for d in call.deadlines] == [1, 2]


def test_unknown_status_is_refused() -> None:
    with pytest.raises(InvalidInput, match="status"):
        service.status_clause("pending", TODAY)


@pytest.mark.parametrize("day", [dt.date(2026, 1, 1), dt.date(2026, 6, 30), TODAY, dt.date(2026, 9, 15),
                                 dt.date(2027, 1, 1), dt.date(2027, 6, 1), dt.date(2028, 1, 1)])
def test_sql_status_filter_agrees_with_effective_status_on_bundled_calls(loaded_session: Session,
                                                                         day: dt.date) -> None:
    calls = loaded_session.scalars(select(Call)).all()
    assert len(calls) == 629
    for status in service.STATUSES:
        in_sql = set(loaded_session.scalars(select(Call.topic_id).where(service.status_clause(status, day))))
        in_python = {c.topic_id for c in calls if service.effective_status(c, day) == status}
        assert in_sql == in_python, f"{status} on {day}: {sorted(in_sql ^ in_python)[:5]}"
    by_case = dict(loaded_session.execute(select(Call.topic_id, service.status_case(day))).all())
    assert by_case == {c.topic_id: service.effective_status(c, day) for c in calls}


def test_bundled_statuses_on_test_today(loaded_session: Session) -> None:
    page = service.search_calls(session=loaded_session, flt=service.CallFilter(), today=TODAY)
    counts = {f.value: f.count for f in page.facets["status"]}
    assert counts == {"open": 363, "forthcoming": 262, "closed": 4}
    # A year on, most calls have passed their deadline although the snapshot says open or forthcoming.
    later = service.facets(session=loaded_session, flt=service.CallFilter(), today=dt.date(2027, 1, 1))
    assert {f.value: f.count for f in later["status"]}["closed"] > 300


# --- searching on the bundled catalogue -----------------------------------------------------------------

@pytest.fixture(scope="module")
def everything(app_client: object, loaded_settings: object) -> Iterator[list[dict]]:
    """Plain snapshots of every bundled call, for computing expected results in Python."""
    from eudesk.db import make_engine

    eng = make_engine(loaded_settings)  # type: ignore[arg-type]
    with make_sessionmaker(eng)() as s:
        rows = [{
            "topic_id": c.topic_id, "programme": c.programme.code, "status": service.effective_status(c, TODAY),
            "action_type": c.action_type, "deadlines": [d.deadline for d in c.deadlines], "deadline": c.deadline,
            "budget": c.budget_max if c.budget_max is not None else c.budget_min,
            "budget_low": c.budget_min if c.budget_min is not None else c.budget_max,
            "text": " ".join([c.title, c.topic_id, c.keywords, c.description]).lower(), "title": c.title,
        } for c in s.scalars(select(Call))]
    eng.dispose()
    yield rows


def _all_ids(session: Session, flt: service.CallFilter, sort: str = "deadline") -> list[str]:
    page = service.search_calls(session=session, flt=flt, today=TODAY, sort=sort, per_page=200)
    ids = [c.topic_id for c in page.items]
    for n in range(2, page.pages + 1):
        ids += [c.topic_id for c in service.search_calls(session=session, flt=flt, today=TODAY, sort=sort,
                                                         page=n, per_page=200).items]
    assert len(ids) == page.total
    return ids


@pytest.mark.parametrize(
    ("flt", "predicate"),
    [
        (service.CallFilter(programmes=["LIFE"]), lambda r: r["programme"] == "LIFE"),
        (service.CallFilter(programmes=["LIFE", "CERV"]), lambda r: r["programme"] in ("LIFE", "CERV")),
        (service.CallFilter(statuses=["open"]), lambda r: r["status"] == "open"),
        (service.CallFilter(statuses=["forthcoming", "closed"]), lambda r: r["status"] != "open"),
        (service.CallFilter(programmes=["LIFE"], statuses=["open"]),
         lambda r: r["programme"] == "LIFE" and r["status"] == "open"),
        (service.CallFilter(action_types=["CSA"]), lambda r: r["action_type"] == "CSA"),
        (service.CallFilter(deadline_from=dt.date(2026, 9, 1), deadline_to=dt.date(2026, 9, 30)),
         lambda r: any(dt.date(2026, 9, 1) <= d <= dt.date(2026, 9, 30) for d in r["deadlines"])),
        (service.CallFilter(deadline_from=dt.date(2027, 6, 1)),
         lambda r: any(d >= dt.date(2027, 6, 1) for d in r["deadlines"])),
        (service.CallFilter(budget_min=5_000_000), lambda r: r["budget"] is not None and r["budget"] >= 5_000_000),
        (service.CallFilter(budget_max=500_000),
         lambda r: r["budget_low"] is not None and r["budget_low"] <= 500_000),
        (service.CallFilter(q="climate adaptation"),
         lambda r: "climate" in r["text"] and "adaptation" in r["text"]),
        (service.CallFilter(q="CLIMA-CCA"), lambda r: "clima-cca" in r["text"]),
        (service.CallFilter(q="zzzznothing"), lambda r: False),
    ],
    ids=lambda v: "" if callable(v) else repr(v)[:80],
)
def test_filters_select_exactly_the_matching_calls(loaded_session: Session, everything: list[dict],
                                                   flt: service.CallFilter, predicate: object) -> None:
    expected = {r["topic_id"] for r in everything if predicate(r)}  # type: ignore[operator]
    got = _all_ids(loaded_session, flt)
    assert len(got) == len(set(got))
    assert set(got) == expected


def test_programme_plus_status_plus_text(loaded_session: Session, everything: list[dict]) -> None:
    flt = service.CallFilter(programmes=["HORIZON"], statuses=["open"], q="cities")
    expected = {r["topic_id"] for r in everything
                if r["programme"] == "HORIZON" and r["status"] == "open" and "cities" in r["text"]}
    assert expected, "the bundled data has open Horizon calls about cities"
    assert set(_all_ids(loaded_session, flt)) == expected


def test_facet_counts_are_counted_under_the_other_filters(loaded_session: Session, everything: list[dict]) -> None:
    flt = service.CallFilter(programmes=["LIFE"], statuses=["open"])
    facets = service.facets(session=loaded_session, flt=flt, today=TODAY)
    programme = {f.value: f for f in facets["programme"]}
    status = {f.value: f for f in facets["status"]}
    # Programme counts ignore the programme filter but keep the status one, and vice versa.
    for code, f in programme.items():
        assert f.count == sum(1 for r in everything if r["programme"] == code and r["status"] == "open")
        assert f.selected == (code == "LIFE")
    for s, f in status.items():
        assert f.count == sum(1 for r in everything if r["programme"] == "LIFE" and r["status"] == s)
        assert f.selected == (s == "open")
    for f in facets["action_type"]:
        assert f.count == sum(1 for r in everything if r["programme"] == "LIFE" and r["status"] == "open"
                              and r["action_type"] == f.value)
    # Selecting a facet value gives exactly its count.
    life_total = service.search_calls(session=loaded_session, flt=flt, today=TODAY).total
    assert life_total == programme["LIFE"].count == status["open"].count
    assert sum(f.count for f in facets["status"]) == sum(1 for r in everything if r["programme"] == "LIFE")


def test_sorting(loaded_session: Session, everything: list[dict]) -> None:
    by_id = {r["topic_id"]: r for r in everything}
    flt = service.CallFilter(programmes=["HORIZON"])
    ids = _all_ids(loaded_session, flt, "deadline")
    # soonest first: by the next deadline still ahead; calls that closed go after them, the latest closed first
    upcoming = [min((d for d in by_id[i]["deadlines"] if d >= TODAY), default=None) for i in ids]
    ahead = [d for d in upcoming if d is not None]
    assert ahead and upcoming[: len(ahead)] == sorted(ahead)
    passed = [by_id[i]["deadline"] for i, d in zip(ids, upcoming, strict=True) if d is None]
    assert [d for d in passed if d is not None] == sorted((d for d in passed if d is not None), reverse=True)
    deadlines = [by_id[i]["deadline"] for i in ids]
    ids = _all_ids(loaded_session, flt, "-deadline")
    assert [by_id[i]["deadline"] for i in ids] == sorted(deadlines, reverse=True)
    ids = _all_ids(loaded_session, flt, "-budget")
    budgets = [by_id[i]["budget"] for i in ids]
    known = [b for b in budgets if b is not None]
    assert known == sorted(known, reverse=True)
    assert budgets[: len(known)] == known  # unknown budgets go last
    ids = _all_ids(loaded_session, flt, "budget")
    budgets = [by_id[i]["budget"] for i in ids]
    assert [b for b in budgets if b is not None] == sorted(known)
    assert budgets[: len(known)] == sorted(known)
    titles = [by_id[i]["title"] for i in _all_ids(loaded_session, flt, "title")]
    assert titles == sorted(titles)
    with pytest.raises(InvalidInput, match="sort"):
        service.search_calls(session=loaded_session, flt=flt, today=TODAY, sort="popularity")


def test_pagination_covers_everything_once(loaded_session: Session) -> None:
    flt = service.CallFilter(statuses=["open"])
    first = service.search_calls(session=loaded_session, flt=flt, today=TODAY, per_page=25)
    assert first.total == 363 and first.pages == 15 and len(first.items) == 25
    seen: list[str] = []
    for n in range(1, first.pages + 1):
        page = service.search_calls(session=loaded_session, flt=flt, today=TODAY, page=n, per_page=25)
        seen += [c.topic_id for c in page.items]
    assert len(seen) == len(set(seen)) == 363
    beyond = service.search_calls(session=loaded_session, flt=flt, today=TODAY, page=99, per_page=25)
    # a page past the last (an old link after a sync) shows the last page rather than "Page 99 of 15" and nothing
    assert beyond.page == 15 and beyond.total == 363
    assert [c.topic_id for c in beyond.items] == [c.topic_id for c in service.search_calls(
        session=loaded_session, flt=flt, today=TODAY, page=15, per_page=25).items]
    clamped = service.search_calls(session=loaded_session, flt=flt, today=TODAY, page=0, per_page=10_000)
    assert clamped.page == 1 and clamped.per_page == 200


@pytest.mark.parametrize(
    ("flt", "field"),
    [
        (service.CallFilter(statuses=["pending"]), "status"),
        (service.CallFilter(deadline_from=dt.date(2027, 1, 1), deadline_to=dt.date(2026, 1, 1)), "deadline_to"),
        (service.CallFilter(budget_min=2_000_000, budget_max=1_000_000), "budget_max"),
    ],
)
def test_contradictory_filters_are_refused(session: Session, flt: service.CallFilter, field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        service.search_calls(session=session, flt=flt, today=TODAY)
    assert field in str(err.value)


def test_get_call_is_case_insensitive_and_reports_unknown_ids(loaded_session: Session) -> None:
    assert service.get_call(session=loaded_session, topic_id="life-2026-sap-clima-cca").topic_id == \
        "LIFE-2026-SAP-CLIMA-CCA"
    with pytest.raises(NotFound, match="NO-SUCH-TOPIC"):
        service.get_call(session=loaded_session, topic_id="NO-SUCH-TOPIC")


def test_deadlines_between_lists_each_deadline_in_the_window(session: Session) -> None:
    store(session, record("A", deadlines=[dt.date(2026, 9, 1), dt.date(2027, 2, 1)]),
          record("B", deadlines=[dt.date(2026, 9, 15)]), (record("H", programme_id=HORIZON.id), HORIZON))
    rows = service.deadlines_between(session=session, start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30),
                                     today=TODAY)
    assert [(d.deadline, c.topic_id) for d, c in rows] == [(dt.date(2026, 9, 1), "A"), (dt.date(2026, 9, 15), "B")]
    rows = service.deadlines_between(session=session, start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31),
                                     today=TODAY, flt=service.CallFilter(programmes=["HORIZON"]))
    assert [c.topic_id for _d, c in rows] == ["H"]


def test_list_changes_and_runs(session: Session) -> None:
    first = store(session, record("A"))
    second = store(session, record("A", budget_max=2_000_000), record("B"))
    changes = service.list_changes(session=session, sync_id=second.sync_id)
    assert sorted((c.call.topic_id, c.kind) for c in changes) == [("A", "budget_changed"), ("B", "new")]
    runs = service.list_runs(session=session)
    assert [r.id for r in runs] == [second.sync_id, first.sync_id]
    assert all(r.status == "ok" for r in runs)
    assert service.last_run(session=session).id == second.sync_id  # type: ignore[union-attr]
    assert runs[0].topics_new == 1 and runs[0].topics_changed == 1


def test_list_changes_loads_the_calls_with_the_changes(session: Session) -> None:
    # a first import records one change per call: one query per change made the changes page take seconds
    from sqlalchemy import event

    summary = store(session, record("A"), record("B"), record("C"), record("D"))
    session.expire_all()
    statements: list[str] = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        titles = sorted(c.call.topic_id for c in service.list_changes(session=session, sync_id=summary.sync_id))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert titles == ["A", "B", "C", "D"]
    assert len(statements) <= 2, statements  # the changes with their calls, then the calls' deadlines


def test_records_are_plain_dataclasses() -> None:
    # The service compares records field by field; a new field must also go into the change hash.
    names = {f.name for f in dataclasses.fields(TopicRecord)}
    hashed = set(service._PLAIN_FIELDS) | {"topic_id", "status", "programme_id", "deadlines"}
    assert names == hashed
