"""The portal connector: parsing raw search responses as the API really sends them, and the HTTP client against a
local stub server that replays the recorded responses and misbehaves on request."""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stub_portal import StubPortal, load_rows

from eudesk.calls.sources.ft_portal import (
    ParseStats,
    PortalClient,
    fetch_records,
    parse_search_response,
    portal_links,
    search_query,
)
from eudesk.core.errors import InvalidInput, SourceUnavailable

HORIZON = "43108390"


@pytest.fixture(scope="module")
def rows53(shared_dir: Path) -> list[dict[str, Any]]:
    return load_rows("search_results_53_topics.json", shared_dir / "data" / "calls" / "sedia_raw")


@pytest.fixture(scope="module")
def parsed53(rows53: list[dict[str, Any]]) -> dict[str, Any]:
    stats = ParseStats()
    records = parse_search_response({"results": copy.deepcopy(rows53)}, source="t.json", stats=stats)
    return {"records": {r.topic_id: (r, p) for r, p in records}, "stats": stats, "count": len(records)}


def _row(rows: list[dict[str, Any]], topic_id: str) -> dict[str, Any]:
    return copy.deepcopy(next(r for r in rows if r["metadata"]["identifier"] == [topic_id]))


# --- parsing -----------------------------------------------------------------------------------------------

def test_recorded_responses_parse_with_duplicates_merged(parsed53: dict[str, Any], shared_dir: Path) -> None:
    assert parsed53["count"] == 52
    st = parsed53["stats"]
    assert (st.rows, st.topics, st.duplicates_merged, st.stubs_skipped) == (53, 52, 1, 0)
    page = json.loads((shared_dir / "data/calls/sedia_raw/search_page_topics.json").read_text())
    stats = ParseStats()
    records = parse_search_response(page, source="page.json", stats=stats)
    assert len(records) == 8 and stats.duplicates_merged == 1
    assert [r.topic_id for r, _ in records].count("HORIZON-INFRA-2024-EOSC-01-03") == 1


def test_two_stage_topic_has_both_deadlines_and_its_opening_date(parsed53: dict[str, Any]) -> None:
    rec, prog = parsed53["records"]["HORIZON-CL4-2027-02-MAT-PROD-32-two-stage"]
    assert rec.deadlines == [dt.date(2027, 2, 2), dt.date(2027, 9, 2)]
    assert rec.opening_date == dt.date(2026, 9, 22)
    assert rec.deadline_model == "two-stage"
    assert rec.status == "forthcoming"
    assert (prog.id, prog.code) == (HORIZON, "HORIZON")
    assert parsed53["records"]["HORIZON-CL5-2026-09-D4-03"][0].status == "open"


def test_budget_comes_from_this_topics_own_action_in_the_calls_budget_table(parsed53: dict[str, Any]) -> None:
    recs = parsed53["records"]
    # The call's table lists DIGITAL-EMERGING-52 first; MAT-PROD-32's own line is 6 grants of 7-9 M, 52.5 M.
    rec = recs["HORIZON-CL4-2027-02-MAT-PROD-32-two-stage"][0]
    assert (rec.budget_min, rec.budget_max, rec.expected_grants, rec.budget_total) == (7_000_000, 9_000_000, 6,
                                                                                      52_500_000)
    # A budget spread over two years is summed.
    rec = recs["HORIZON-CL6-2026-04-GOVERNANCE-01"][0]
    assert rec.budget_total == 60_000_000
    # The portal's 0 means "not set": unknown, not a zero budget.
    rec = recs["HORIZON-MSCA-2027-COFUND-01-01"][0]
    assert (rec.budget_min, rec.budget_max, rec.expected_grants) == (None, None, None)
    assert rec.budget_total == 51_251_165


def test_budget_pooled_with_other_actions_has_no_total_and_a_cut_off_table_keeps_only_whole_actions(
    parsed53: dict[str, Any],
) -> None:
    recs = parsed53["records"]
    # CBE's budget line is shared by several actions: its yearly figure is the pool's, not the topic's.
    rec = recs["HORIZON-JU-CBE-2026-CSA-01"][0]
    assert (rec.budget_min, rec.budget_max, rec.expected_grants, rec.budget_total) == (1_200_000, 1_200_000, 1, None)
    # The recorded budgetOverview strings are cut at 800 characters; D5-06's action is whole before the cut...
    rec = recs["HORIZON-CL5-2027-03-D5-06"][0]
    assert (rec.budget_min, rec.expected_grants, rec.budget_total) == (8_000_000, 1, 8_000_000)
    # ...D5-05's is cut in the middle, so its budget is unknown rather than guessed.
    rec = recs["HORIZON-CL5-2027-03-D5-05"][0]
    assert (rec.budget_min, rec.budget_max, rec.expected_grants, rec.budget_total) == (None, None, None, None)
    assert parsed53["stats"].budgets_unknown > 0


def test_a_cut_that_goes_through_one_of_the_topics_actions_leaves_the_budget_unknown(
    rows53: list[dict[str, Any]],
) -> None:
    row = _row(rows53, "HORIZON-CL5-2026-09-D4-03")
    whole = ('{"action":"HORIZON-CL5-2026-09-D4-03 - HORIZON-RIA","expectedGrants":2,"minContribution":1000000,'
             '"maxContribution":1000000,"budgetYearMap":{"2026":"2000000"}}')
    cut = '{"budgetYearsColumns":["2026"],"budgetTopicActionMap":{"1":[' + whole + '],"2":[{"action":' \
          '"HORIZON-CL5-2026-09-D4-03 - HORIZON-CSA","expectedGrants":1,"minCon'
    row["metadata"]["budgetOverview"] = [cut]
    (rec, _), = parse_search_response({"results": [row]}, source="t")
    assert (rec.budget_min, rec.budget_max, rec.expected_grants, rec.budget_total) == (None, None, None, None)
    # With the second action whole, both count: grants add up, the total is the sum of the two lines.
    second = whole.replace("HORIZON-RIA", "HORIZON-CSA").replace('"expectedGrants":2', '"expectedGrants":1')
    row["metadata"]["budgetOverview"] = ['{"budgetTopicActionMap":{"1":[' + whole + '],"2":[' + second + ']}}']
    (rec, _), = parse_search_response({"results": [row]}, source="t")
    assert (rec.budget_min, rec.budget_max, rec.expected_grants, rec.budget_total) == (1_000_000, 1_000_000, 3,
                                                                                      4_000_000)


def test_html_description_becomes_readable_sections(parsed53: dict[str, Any]) -> None:
    rec = parsed53["records"]["HORIZON-CL5-2027-03-D5-05"][0]
    assert "<" not in rec.description and "&amp;" not in rec.description
    lines = rec.description.split("\n")
    assert lines[0] == "Expected Outcome:"
    assert "Scope:" in lines
    assert any(line.startswith("* Demonstrated integration potential") for line in lines)
    # The destination text is kept after the topic's own text.
    assert "Achieving sustainable, inclusive, and competitive transport modes" in rec.description


def test_fields_and_portal_links(parsed53: dict[str, Any]) -> None:
    rec = parsed53["records"]["HORIZON-JU-CBE-2026-CSA-01"][0]
    assert rec.action_type == "CSA" and rec.cluster == "JU"
    assert rec.call_identifier == "HORIZON-JU-CBE-2026"
    assert rec.keywords.startswith("HORIZON-JU-CBE-2026-CSA-01, HORIZON-JU-CBE-2026")
    assert rec.portal_url.endswith("/topic-details/HORIZON-JU-CBE-2026-CSA-01")
    base = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities"
    assert rec.qna_url == f"{base}/questions-answers/horizon-ju-cbe-2026-csa-01"
    assert rec.updates_url == f"{base}/topic-updates/horizon-ju-cbe-2026-csa-01"
    assert rec.documents_url == f"{base}/documents/horizon-ju-cbe-2026-csa-01"
    assert portal_links("X-1")["portal_url"] == f"{base}/topic-details/x-1"


def test_topic_conditions_html_is_cleaned(rows53: list[dict[str, Any]]) -> None:
    row = _row(rows53, "HORIZON-CL5-2026-09-D4-03")
    row["metadata"]["topicConditions"] = ["<p><strong>General conditions</strong></p><ol><li>Admissibility: page "
                                          "limit</li><li>Eligible countries: see Annex B&nbsp;</li></ol>"]
    (rec, _), = parse_search_response({"results": [row]}, source="t")
    assert "<" not in rec.conditions and "General conditions" in rec.conditions
    assert "Eligible countries: see Annex B" in rec.conditions


def test_stub_rows_are_skipped_and_counted(rows53: list[dict[str, Any]]) -> None:
    good = _row(rows53, "HORIZON-CL5-2026-09-D4-03")
    stubs = [{"metadata": {}}, {"reference": "x"}, {"metadata": {"identifier": [], "title": ["A title"]}},
             {"metadata": {"identifier": ["HORIZON-X-1"], "title": [""]}}]
    stats = ParseStats()
    records = parse_search_response({"results": [stubs[0], good, *stubs[1:]]}, source="t", stats=stats)
    assert [r.topic_id for r, _ in records] == ["HORIZON-CL5-2026-09-D4-03"]
    assert stats.stubs_skipped == 4


@pytest.mark.parametrize("thin_first", [True, False])
def test_conflicting_duplicates_keep_the_most_complete_row(rows53: list[dict[str, Any]], thin_first: bool) -> None:
    full = _row(rows53, "HORIZON-CL5-2026-09-D4-03")
    thin = copy.deepcopy(full)
    for key in ("descriptionByte", "budgetOverview", "actions", "callTitle"):
        thin["metadata"].pop(key)
    stats = ParseStats()
    pair = [thin, full] if thin_first else [full, thin]
    (rec, _), = parse_search_response({"results": pair}, source="t", stats=stats, resolve_conflicts=True)
    assert rec.description.startswith("Expected Outcome:") and rec.budget_max == 5_250_000
    assert stats.duplicates_resolved == 1
    # Read as a file, the same pair is an error: an import does not guess.
    with pytest.raises(InvalidInput) as err:
        parse_search_response({"results": pair}, source="raw.json")
    assert str(err.value) == ("record HORIZON-CL5-2026-09-D4-03, field identifier: raw.json: the identifier occurs "
                              "twice with different content")


def test_wrong_type_names_the_record_and_field(rows53: list[dict[str, Any]]) -> None:
    row = _row(rows53, "HORIZON-CL5-2026-09-D4-03")
    row["metadata"]["deadlineDate"] = "2026-09-15T00:00:00.000+0000"
    with pytest.raises(InvalidInput) as err:
        parse_search_response({"results": [row]}, source="portal page 3")
    assert str(err.value) == ("portal page 3: record HORIZON-CL5-2026-09-D4-03, field deadlineDate: "
                              "expected a list, got str")
    assert err.value.field == "deadlineDate"
    with pytest.raises(InvalidInput, match="field results: expected a list"):
        parse_search_response({"results": {"a": 1}}, source="t")
    row = _row(rows53, "HORIZON-CL5-2026-09-D4-03")
    row["metadata"]["budgetOverview"] = ['{"budgetTopicActionMap": []}']
    with pytest.raises(InvalidInput, match="field budgetOverview"):
        parse_search_response({"results": [row]}, source="t")


def test_bad_dates_and_statuses_are_errors(rows53: list[dict[str, Any]]) -> None:
    row = _row(rows53, "HORIZON-CL5-2026-09-D4-03")
    row["metadata"]["deadlineDate"] = ["soon"]
    with pytest.raises(InvalidInput, match="field deadlineDate: not a date"):
        parse_search_response({"results": [row]}, source="t")
    row = _row(rows53, "HORIZON-CL5-2026-09-D4-03")
    row["metadata"]["status"] = ["123"]
    with pytest.raises(InvalidInput, match="field status: unknown status id '123'"):
        parse_search_response({"results": [row]}, source="t")
    row["metadata"]["status"] = ["31094503"]
    assert parse_search_response({"results": [row]}, source="t")[0][0].status == "closed"


def test_unknown_programme_needs_a_name(rows53: list[dict[str, Any]]) -> None:
    row = _row(rows53, "HORIZON-CL5-2026-09-D4-03")
    row["metadata"]["frameworkProgramme"] = ["99999999"]
    with pytest.raises(InvalidInput) as err:
        parse_search_response({"results": [row]}, source="t")
    assert "record HORIZON-CL5-2026-09-D4-03, field frameworkProgramme: unknown programme id '99999999'" in str(
        err.value)
    row["metadata"]["frameworkProgrammeName"] = ["Test Programme"]
    (rec, prog), = parse_search_response({"results": [row]}, source="t")
    assert (rec.programme_id, prog.id, prog.name) == ("99999999", "99999999", "Test Programme")
    assert rec.cluster == ""  # clusters are Horizon Europe's


# --- the HTTP client against the stub server -----------------------------------------------------------------

@pytest.fixture
def stub(rows53: list[dict[str, Any]]) -> Iterator[StubPortal]:
    with StubPortal(copy.deepcopy(rows53), hang_s=1.0) as server:
        yield server


def _client(stub: StubPortal, **kw: Any) -> PortalClient:
    opts: dict[str, Any] = {"page_size": 20, "min_interval_s": 0.0, "retries": 2, "backoff_s": 0.01,
                            "timeout_s": 2.0}
    opts.update(kw)
    return PortalClient(url=stub.url, programmes=[HORIZON], **opts)


def test_client_pages_until_total_and_sends_the_query_as_json_parts(stub: StubPortal) -> None:
    with _client(stub) as client:
        records = fetch_records(client)
    assert len(records) == 52
    assert [r["params"]["pageNumber"] for r in stub.requests] == ["1", "2", "3"]
    first = stub.requests[0]
    assert first["params"]["apiKey"] == "SEDIA" and first["params"]["text"] == "***"
    assert first["params"]["pageSize"] == "20"
    assert json.loads(first["parts"]["query"]) == search_query([HORIZON])
    assert json.loads(first["parts"]["languages"]) == ["en"]
    assert json.loads(first["parts"]["sort"]) == {"field": "sortStatus", "order": "ASC"}


def test_query_filters_the_followed_programmes(stub: StubPortal) -> None:
    with PortalClient(url=stub.url, programmes=["43252405"], min_interval_s=0) as client:
        assert fetch_records(client) == []
    assert len(stub.requests) == 1


def test_client_retries_server_errors_then_succeeds(stub: StubPortal) -> None:
    stub.fail(2, "500", "500")
    with _client(stub) as client:
        assert len(fetch_records(client)) == 52
        assert client.requests_made == 5
    assert [r["fault"] for r in stub.requests if r["params"]["pageNumber"] == "2"] == ["500", "500", None]


def test_client_gives_up_after_retries_with_one_clear_message(stub: StubPortal) -> None:
    stub.fail(1, "500", "500", "500")
    with _client(stub) as client, pytest.raises(SourceUnavailable) as err:
        fetch_records(client)
    assert str(err.value).startswith("portal page 1: HTTP 500 after 3 attempts")


def test_client_times_out_a_hanging_server(stub: StubPortal) -> None:
    stub.fail(2, "hang", "hang")
    started = time.monotonic()
    with _client(stub, timeout_s=0.2, retries=1) as client, pytest.raises(SourceUnavailable) as err:
        fetch_records(client)
    assert "portal page 2: no answer within 0.2 s after 2 attempts" in str(err.value)
    assert time.monotonic() - started < 5


def test_a_connection_refused_is_source_unavailable() -> None:
    client = PortalClient(url="http://127.0.0.1:9/search", programmes=[HORIZON], retries=1, backoff_s=0.01,
                          min_interval_s=0, timeout_s=1)
    with client, pytest.raises(SourceUnavailable, match="connection failed"):
        fetch_records(client)


@pytest.mark.parametrize(("fault", "error", "message"), [
    ("truncated", SourceUnavailable, "portal page 2: the portal answered malformed JSON"),
    ("html", SourceUnavailable, "portal page 2: the portal answered with an HTML page instead of JSON"),
    ("wrong_type", InvalidInput, "portal page 2: record HORIZON-JU-CBE-2026-RIA-03, field deadlineDate: "
                                 "expected a list, got int"),
    ("unknown_programme", InvalidInput, "portal page 2: record HORIZON-CL3-2027-01-BM-01, field frameworkProgramme"),
    ("empty", SourceUnavailable, "portal page 2 came back empty after 20 of 53 results"),
])
def test_garbage_on_a_page_is_a_clear_error(stub: StubPortal, fault: str, error: type, message: str) -> None:
    stub.fail(2, fault)
    with _client(stub) as client, pytest.raises(error) as err:
        fetch_records(client)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_client_stops_at_its_page_cap(stub: StubPortal) -> None:
    with _client(stub, max_pages=2) as client, pytest.raises(SourceUnavailable, match="stopped after 2 pages"):
        fetch_records(client)


def test_client_keeps_a_minimum_interval_between_pages(stub: StubPortal) -> None:
    starts: list[float] = []

    class Timed(PortalClient):
        def _post(self, page: int) -> Any:
            starts.append(time.monotonic())
            return super()._post(page)

    with Timed(url=stub.url, programmes=[HORIZON], page_size=20, min_interval_s=0.3) as client:
        fetch_records(client)
    assert len(starts) == 3
    assert all(b - a >= 0.29 for a, b in zip(starts, starts[1:], strict=False))


def test_progress_reports_pages_and_topics(stub: StubPortal) -> None:
    seen: list[tuple[int, int | None, int, int | None]] = []
    with _client(stub) as client:
        fetch_records(client, progress=lambda *a: seen.append(a))
    assert seen == [(1, 3, 20, 53), (2, 3, 40, 53), (3, 3, 53, 53)]
