"""Tasks service: validation, create and edit, listing, money in both currencies."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from eudesk.core.errors import InvalidInput, NotFound
from eudesk.tasks import service

GOOD = {
    "title": "Velfærdsteknologi i eget hjem",
    "description": "Vi vil have ældre borgere til at blive længere i eget hjem med velfærdsteknologi.",
    "department": "ældre- og handicapforvaltningen",
    "amount": "2.500.000",
    "currency": "DKK",
    "start_date": "01.02.2027",
    "end_date": "2028-12-31",
    "themes": "velfærdsteknologi; ældre",
}


def test_valid_task_is_normalised() -> None:
    task_in, errors = service.validate_task(GOOD)
    assert errors == {} and task_in is not None
    assert task_in.department == "Ældre- og Handicapforvaltningen"  # the canonical spelling
    assert task_in.amount == 2_500_000 and task_in.currency == "DKK"
    assert task_in.start_date == dt.date(2027, 2, 1) and task_in.end_date == dt.date(2028, 12, 31)
    assert task_in.themes == ["velfærdsteknologi", "ældre"]
    assert task_in.language == "da" and task_in.status == "new"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("description", "", "is empty"),
    ("description", "velfærdsteknologi", "is too short"),
    ("title", "   ", "is empty"),
    ("start_date", "31.02.2027", "not a date"),
    ("end_date", "2026-01-01", "before the start date"),
    ("amount", "lots", "not an amount"),
    ("currency", "SEK", "unknown currency"),
    ("status", "done", "unknown status"),
])
def test_each_bad_field_gets_a_one_line_message(field: str, value: str, message: str) -> None:
    task_in, errors = service.validate_task({**GOOD, field: value})
    assert task_in is None
    assert message in errors[field] and "\n" not in errors[field]
    with pytest.raises(InvalidInput, match=f"record row 4, field {field}: "):
        service.check_task({**GOOD, field: value}, record="row 4")


@pytest.mark.parametrize(("text", "currency", "expected"), [
    ("1.500.000", "", (1_500_000, "")),
    ("1,500,000", "DKK", (1_500_000, "DKK")),
    ("200000 EUR", "", (200_000, "EUR")),
    ("2,5 mio. kr.", "", (2_500_000, "DKK")),
    ("1250000.5", "", (1_250_000, "")),
    ("", "EUR", (None, "EUR")),
])
def test_amounts_in_danish_and_english_notation(text: str, currency: str, expected: tuple[int | None, str]) -> None:
    assert service.parse_amount(text, currency) == expected


def test_english_description_is_recognised() -> None:
    task_in, _ = service.validate_task({**GOOD, "description": "We want older citizens to stay longer in their own "
                                                               "homes with the help of welfare technology."})
    assert task_in is not None and task_in.language == "en"


def test_create_edit_and_get(session: Session) -> None:
    task = service.create_task(session=session, task_in=service.check_task(GOOD))
    assert task.id and task.matched_at is None and task.source == "form"
    changed = service.check_task({**GOOD, "title": "Robotter i hjemmeplejen", "status": "exploring",
                                  "amount": "300000", "currency": "EUR"})
    service.update_task(session=session, task_id=task.id, task_in=changed)
    again = service.get_task(session=session, task_id=task.id)
    assert again.title == "Robotter i hjemmeplejen" and again.status == "exploring"
    assert again.updated_at >= again.created_at
    with pytest.raises(NotFound):
        service.get_task(session=session, task_id=task.id + 1000)


def test_list_filters_and_counts(session: Session) -> None:
    service.create_task(session=session, task_in=service.check_task(GOOD))
    service.create_task(session=session, task_in=service.check_task(
        {**GOOD, "department": "Børn- og Ungeforvaltningen", "status": "parked"}))
    assert len(service.list_tasks(session=session)) == 2
    assert [t.status for t in service.list_tasks(session=session, status="parked")] == ["parked"]
    assert len(service.list_tasks(session=session, department="Børn- og Ungeforvaltningen")) == 1
    deps, statuses = service.task_counts(session=session)
    assert deps == {"Børn- og Ungeforvaltningen": 1, "Ældre- og Handicapforvaltningen": 1}
    assert statuses["new"] == 1 and statuses["parked"] == 1 and statuses["application"] == 0
    with pytest.raises(InvalidInput, match="unknown status"):
        service.list_tasks(session=session, status="finished")


def test_money_in_both_currencies_at_the_peg() -> None:
    assert service.to_eur(746_038, "DKK") == 100_000
    assert service.to_dkk(100_000, "EUR") == 746_038
    assert service.to_eur(5, "EUR") == 5 and service.to_eur(None, "DKK") is None


def test_delete_tasks_with_their_matches_and_feedback(catalogue: Session) -> None:
    from eudesk.tasks.models import MatchFeedback, Task, TaskMatch

    session = catalogue
    keep = service.create_task(session=session, task_in=service.check_task(GOOD))
    gone = service.create_task(session=session, task_in=service.check_task({**GOOD, "title": "Slettes"}))
    service.set_feedback(session=session, task_id=gone.id, topic_id="LIFE-2026-SAP-CLIMA-CCA", verdict="apply")
    service.set_feedback(session=session, task_id=keep.id, topic_id="LIFE-2026-SAP-CLIMA-CCA", verdict="relevant")
    session.add(TaskMatch(task_id=gone.id, topic_id="LIFE-2026-SAP-CLIMA-CCA", rank=1, score=1.0, current=True,
                          first_matched_on=dt.date(2026, 8, 12), last_matched_on=dt.date(2026, 8, 12)))
    session.flush()
    assert service.deletion_counts(session=session, task_ids=[gone.id]) == service.Deleted(1, 1, 1)
    # all or nothing: one unknown id deletes nothing and says which id
    with pytest.raises(NotFound, match=f"no task with id {gone.id + 99}"):
        service.delete_tasks(session=session, task_ids=[gone.id, gone.id + 99])
    assert session.get(Task, gone.id) is not None
    assert service.delete_tasks(session=session, task_ids=[gone.id, gone.id]) == service.Deleted(1, 1, 1)
    assert session.get(Task, gone.id) is None
    assert session.query(MatchFeedback).filter_by(task_id=gone.id).count() == 0
    assert session.query(TaskMatch).filter_by(task_id=gone.id).count() == 0
    assert [t.id for t in service.list_tasks(session=session)] == [keep.id]
    assert len(service.feedback_history(session=session, task_id=keep.id)) == 1


def test_demo_tasks_load_once_and_stay_deleted(session: Session) -> None:
    loaded = service.load_bundled(session=session)
    assert loaded is not None and len(loaded) == len(service.demo_task_ids(session=session)) > 50
    edited = loaded[0]
    service.update_task(session=session, task_id=edited.id,
                        task_in=service.check_task({**GOOD, "title": "Vores egen udgave"}))
    assert edited.id in service.demo_task_ids(session=session)  # still a demo task, wherever it came from
    service.delete_tasks(session=session, task_ids=service.demo_task_ids(session=session))
    assert service.count_tasks(session=session) == 0
    assert service.load_bundled(session=session) is None  # an emptied list does not fill up again
    assert service.count_tasks(session=session) == 0


def test_demo_tasks_never_join_tasks_that_were_there_first(session: Session) -> None:
    service.create_task(session=session, task_in=service.check_task(GOOD))
    assert service.load_bundled(session=session) is None
    service.delete_tasks(session=session, task_ids=[t.id for t in service.list_tasks(session=session)])
    assert service.load_bundled(session=session) is None and service.count_tasks(session=session) == 0
