"""`calls sync` end to end against the local stub portal: inserts, a no-change re-sync, recorded changes,
disappeared topics, and a failed sync that leaves the catalogue exactly as it was."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from stub_portal import StubPortal, load_rows
from typer.testing import CliRunner

from eudesk.calls import service
from eudesk.calls.models import Call, CallChange, CallDeadline, SyncRun
from eudesk.calls.sources.ft_portal import PORTAL_SOURCE, PortalClient, SyncSummary, programme_ids, sync
from eudesk.config import Settings, get_settings
from eudesk.core.errors import InvalidInput, SourceUnavailable
from eudesk.db import make_sessionmaker

HORIZON = "43108390"
D5_05 = "HORIZON-CL5-2027-03-D5-05"
GOVERNANCE = "HORIZON-CL6-2026-04-GOVERNANCE-01"
TWO_STAGE = "HORIZON-CL4-2027-02-MAT-PROD-32-two-stage"
CIT = "HORIZON-MISS-2027-04-CIT-01"


@pytest.fixture
def stub(shared_dir: Path) -> Iterator[StubPortal]:
    with StubPortal(load_rows("search_results_53_topics.json", shared_dir / "data" / "calls" / "sedia_raw")) as s:
        yield s


def _client(stub: StubPortal) -> PortalClient:
    return PortalClient(url=stub.url, programmes=[HORIZON], page_size=20, min_interval_s=0, retries=1,
                        backoff_s=0.01, timeout_s=2)


def _sync(engine: Engine, settings: Settings, stub: StubPortal, fetched: SyncSummary | None = None
          ) -> service.ImportSummary:
    """One sync in its own transaction, as the CLI runs it."""
    with make_sessionmaker(engine).begin() as session:
        return sync(session=session, settings=settings, client=_client(stub), programmes=[HORIZON],
                    fetched=fetched)


def _snapshot(engine: Engine) -> dict[str, Any]:
    """Everything a sync may touch, in comparable form."""
    with make_sessionmaker(engine)() as s:
        calls = {c.topic_id: (c.content_hash, c.source_status, c.deadline, c.budget_max, c.gone_at, c.fetched_at,
                              c.source) for c in s.scalars(select(Call))}
        deadlines = sorted((d.call_id, d.deadline, d.stage) for d in s.scalars(select(CallDeadline)))
        changes = s.scalar(select(func.count(CallChange.id)))
        return {"calls": calls, "deadlines": deadlines, "changes": changes}


def _changes(engine: Engine, sync_id: int) -> list[tuple[str, str, str]]:
    with make_sessionmaker(engine)() as s:
        return sorted((c.call.topic_id, c.kind, c.field) for c in
                      service.list_changes(session=s, sync_id=sync_id))


def _edit(stub: StubPortal, topic_id: str) -> dict[str, Any]:
    return next(r for r in stub.rows if r["metadata"]["identifier"] == [topic_id])["metadata"]


def test_first_sync_inserts_every_topic_once(engine: Engine, settings: Settings, stub: StubPortal) -> None:
    fetched = SyncSummary()
    summary = _sync(engine, settings, stub, fetched)
    assert (summary.seen, summary.new, summary.changed, summary.disappeared) == (52, 52, 0, 0)
    assert (fetched.pages, fetched.stats.rows, fetched.stats.duplicates_merged) == (3, 53, 1)
    with make_sessionmaker(engine)() as s:
        assert service.count_calls(session=s) == 52
        call = service.get_call(session=s, topic_id=TWO_STAGE)
        assert [(d.deadline.isoformat(), d.stage) for d in call.deadlines] == [("2027-02-02", 1), ("2027-09-02", 2)]
        assert (call.budget_min, call.budget_max, call.expected_grants) == (7_000_000, 9_000_000, 6)
        assert call.source == PORTAL_SOURCE and call.programme.code == "HORIZON"
        run = service.last_run(session=s)
        assert run is not None and run.status == "ok" and run.topics_new == 52 and run.source == PORTAL_SOURCE


def test_second_sync_of_the_same_data_changes_nothing(engine: Engine, settings: Settings, stub: StubPortal) -> None:
    _sync(engine, settings, stub)
    before = _snapshot(engine)
    summary = _sync(engine, settings, stub)
    assert (summary.new, summary.changed, summary.unchanged, summary.disappeared) == (0, 0, 52, 0)
    assert summary.changes == [] and _changes(engine, summary.sync_id) == []
    after = _snapshot(engine)
    assert after["deadlines"] == before["deadlines"] and after["changes"] == before["changes"]
    assert {k: v[:5] for k, v in after["calls"].items()} == {k: v[:5] for k, v in before["calls"].items()}


def test_changes_in_a_later_replay_are_recorded(engine: Engine, settings: Settings, stub: StubPortal) -> None:
    _sync(engine, settings, stub)
    _edit(stub, D5_05)["deadlineDate"] = ["2027-04-21T00:00:00.000+0000"]
    meta = _edit(stub, GOVERNANCE)
    budget = json.loads(meta["budgetOverview"][0])
    for line in budget["budgetTopicActionMap"].values():
        line[0]["expectedGrants"] = 2
        line[0]["minContribution"] = 30_000_000
    meta["budgetOverview"] = [json.dumps(budget)]
    _edit(stub, TWO_STAGE)["status"] = ["31094502"]
    summary = _sync(engine, settings, stub)
    assert (summary.new, summary.changed, summary.disappeared) == (0, 3, 0)
    assert _changes(engine, summary.sync_id) == [
        (TWO_STAGE, service.STATUS_CHANGED, "status"),
        (D5_05, service.DEADLINE_MOVED, "deadlines"),
        (GOVERNANCE, service.BUDGET_CHANGED, "budget_min"),
        (GOVERNANCE, service.BUDGET_CHANGED, "expected_grants"),
    ]
    with make_sessionmaker(engine)() as s:
        change = service.list_changes(session=s, sync_id=summary.sync_id, kinds=[service.DEADLINE_MOVED])[0]
        assert (change.old_value, change.new_value) == ("2027-04-14", "2027-04-21")
        assert service.get_call(session=s, topic_id=TWO_STAGE).source_status == "open"


def test_a_topic_missing_from_a_later_replay_is_marked_disappeared(
    engine: Engine, settings: Settings, stub: StubPortal
) -> None:
    _sync(engine, settings, stub)
    everything = stub.rows
    stub.rows = [r for r in stub.rows if r["metadata"]["identifier"] != [CIT]]
    summary = _sync(engine, settings, stub)
    assert (summary.seen, summary.disappeared) == (51, 1)
    assert _changes(engine, summary.sync_id) == [(CIT, service.DISAPPEARED, "")]
    with make_sessionmaker(engine)() as s:
        call = service.get_call(session=s, topic_id=CIT)
        assert call.gone_at is not None
        assert service.effective_status(call, call.deadline) == "closed"  # type: ignore[arg-type]
    # It comes back: recorded as reappeared.
    stub.rows = everything
    summary = _sync(engine, settings, stub)
    assert (CIT, service.REAPPEARED, "") in _changes(engine, summary.sync_id)


def test_a_thin_duplicate_row_on_another_page_does_not_fail_a_sync(
    engine: Engine, settings: Settings, stub: StubPortal
) -> None:
    thin = json.loads(json.dumps(next(r for r in stub.rows if r["metadata"]["identifier"] == [D5_05])))
    for key in ("descriptionByte", "budgetOverview", "actions"):
        thin["metadata"].pop(key)
    stub.rows = [thin, *stub.rows]  # page 1 has the thin row, page 2 the full one
    fetched = SyncSummary()
    summary = _sync(engine, settings, stub, fetched)
    assert summary.new == 52 and fetched.stats.duplicates_resolved == 1
    with make_sessionmaker(engine)() as s:
        assert service.get_call(session=s, topic_id=D5_05).description.startswith("Expected Outcome:")


def test_topics_of_programmes_not_followed_are_left_alone(
    engine: Engine, settings: Settings, stub: StubPortal
) -> None:
    _sync(engine, settings, stub)
    stub.rows = []
    with make_sessionmaker(engine).begin() as s:
        client = PortalClient(url=stub.url, programmes=["43252405"], min_interval_s=0)
        summary = sync(session=s, settings=settings, client=client, programmes=["43252405"])
    assert (summary.seen, summary.disappeared) == (0, 0)


@pytest.mark.parametrize("fault", ["truncated", "html", "wrong_type", "unknown_programme", "500"])
def test_a_failed_sync_leaves_the_catalogue_exactly_as_it_was(
    engine: Engine, settings: Settings, stub: StubPortal, fault: str
) -> None:
    _sync(engine, settings, stub)
    before = _snapshot(engine)
    _edit(stub, D5_05)["deadlineDate"] = ["2027-04-21T00:00:00.000+0000"]  # a change that must not land
    stub.fail(3, fault, fault)
    with pytest.raises((SourceUnavailable, InvalidInput)):
        _sync(engine, settings, stub)
    assert _snapshot(engine) == before


def test_no_programmes_is_an_error(session: Session, settings: Settings) -> None:
    with pytest.raises(InvalidInput, match="no programmes to follow"):
        sync(session=session, settings=settings.model_copy(update={"portal_programmes": " , "}))


def test_programmes_by_id_or_code(session: Session, settings: Settings) -> None:
    assert programme_ids(["HORIZON", "life", "43251589", " ", "43108390"]) == [HORIZON, "43252405", "43251589"]
    with pytest.raises(InvalidInput, match="field programme: unknown programme 'NOPE'"):
        sync(session=session, settings=settings, programmes=["NOPE"])


# --- the CLI -----------------------------------------------------------------------------------------------

@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("EUDESK_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("EUDESK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("EUDESK_LOAD_BUNDLED_DATA", "false")
    monkeypatch.setenv("EUDESK_PORTAL_MIN_INTERVAL_S", "0")
    monkeypatch.setenv("EUDESK_PORTAL_RETRIES", "0")
    monkeypatch.setenv("EUDESK_PORTAL_PAGE_SIZE", "20")
    monkeypatch.setenv("EUDESK_PORTAL_PROGRAMMES", HORIZON)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def _cli(*args: str) -> Any:
    from eudesk.cli.main import app

    return CliRunner().invoke(app, ["calls", *args])


def test_cli_sync_prints_the_summary(cli_env: Settings, engine: Engine, stub: StubPortal) -> None:
    result = _cli("sync", "--url", stub.url)
    assert result.exit_code == 0, result.output
    assert "Synced 52 topics from 3 pages: 52 new, 0 changed, 0 unchanged, 0 disappeared." in result.stdout
    assert "Also: 1 duplicate merged, 34 topics without a readable budget." in result.stdout
    result = _cli("sync", "--url", stub.url, "--programme", "horizon")
    assert "52 topics from 3 pages: 0 new, 0 changed, 52 unchanged, 0 disappeared." in result.stdout


def test_cli_failure_is_one_line_and_recorded_as_a_failed_run(
    cli_env: Settings, engine: Engine, stub: StubPortal
) -> None:
    assert _cli("sync", "--url", stub.url).exit_code == 0
    before = _snapshot(engine)
    stub.fail(2, "truncated")
    result = _cli("sync", "--url", stub.url)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: sync failed, nothing was changed: portal page 2: the portal answered "
                               "malformed JSON")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert _snapshot(engine) == before
    with make_sessionmaker(engine)() as s:
        runs = service.list_runs(session=s)
        assert [r.status for r in runs] == ["failed", "ok"]
        assert runs[0].message.startswith("portal page 2: the portal answered malformed JSON")
        assert s.scalar(select(func.count(SyncRun.id))) == 2


def test_cli_sync_unreachable_portal(cli_env: Settings, engine: Engine) -> None:
    result = _cli("sync", "--url", "http://127.0.0.1:9/search")
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        "error: sync failed, nothing was changed: portal page 1: connection failed (ConnectError: [Errno 111] "
        "Connection refused) after 1 attempt; the portal at http://127.0.0.1:9/search is unavailable"]


def test_a_second_stage_deadline_added_later_is_stored(engine: Engine, settings: Settings, stub: StubPortal) -> None:
    # Regression: adding a date while another stays broke the unique (call, deadline) constraint.
    meta = _edit(stub, TWO_STAGE)
    both = meta["deadlineDate"]
    meta["deadlineDate"] = both[:1]
    _sync(engine, settings, stub)
    meta["deadlineDate"] = both
    summary = _sync(engine, settings, stub)
    assert _changes(engine, summary.sync_id) == [(TWO_STAGE, service.DEADLINE_MOVED, "deadlines")]
    with make_sessionmaker(engine)() as s:
        call = service.get_call(session=s, topic_id=TWO_STAGE)
        assert [(d.deadline.isoformat(), d.stage) for d in call.deadlines] == [("2027-02-02", 1), ("2027-09-02", 2)]


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("EUDESK_TEST_POSTGRES_URL"), reason="EUDESK_TEST_POSTGRES_URL not set")
def test_sync_on_postgres(session: Session, settings: Settings, stub: StubPortal) -> None:
    # The CI database is shared by the postgres tests: everything here stays in the session that is rolled back.
    assert session.get_bind().dialect.name == "postgresql"
    first = sync(session=session, settings=settings, client=_client(stub), programmes=[HORIZON])
    assert first.new + first.changed + first.unchanged == 52
    again = sync(session=session, settings=settings, client=_client(stub), programmes=[HORIZON])
    assert (again.new, again.changed, again.unchanged, again.changes) == (0, 0, 52, [])
    meta = _edit(stub, TWO_STAGE)
    meta["deadlineDate"] = [*meta["deadlineDate"], "2027-12-01T00:00:00.000+0000"]
    changed = sync(session=session, settings=settings, client=_client(stub), programmes=[HORIZON])
    assert changed.changes == [(TWO_STAGE, service.DEADLINE_MOVED)]
    call = service.get_call(session=session, topic_id=TWO_STAGE)
    assert [d.stage for d in call.deadlines] == [1, 2, 3]
    count = service.count_calls(session=session)
    stub.fail(2, "truncated", "truncated")
    with pytest.raises(SourceUnavailable), session.begin_nested():
        sync(session=session, settings=settings, client=_client(stub), programmes=[HORIZON])
    assert service.count_calls(session=session) == count
