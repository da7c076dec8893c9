"""The tasks domain on PostgreSQL (CI sets EUDESK_TEST_POSTGRES_URL): store, match, feedback, re-match."""

from __future__ import annotations

import os

import pytest
from sqlalchemy.orm import Session

from eudesk.tasks import service
from eudesk.tasks.matcher import CallMatcher

from .conftest import TODAY

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("EUDESK_TEST_POSTGRES_URL"), reason="EUDESK_TEST_POSTGRES_URL not set"),
]


def test_tasks_round_trip_on_postgres(catalogue: Session, matcher: CallMatcher) -> None:
    assert catalogue.get_bind().dialect.name == "postgresql"
    task = service.create_task(session=catalogue, task_in=service.check_task({
        "title": "Længere i eget hjem", "amount": "2.000.000", "start_date": "01.02.2027",
        "description": "Vi vil have ældre borgere til at blive længere i eget hjem med velfærdsteknologi"}))
    tm = service.task_matches(session=catalogue, task=task, matcher=matcher, today=TODAY)
    top = tm.matches[0].topic_id
    fb = service.set_feedback(session=catalogue, task_id=task.id, topic_id=top, verdict="not_relevant")
    assert service.hidden_topics(session=catalogue, task_id=task.id) == {top}
    service.undo_feedback(session=catalogue, feedback_id=fb.id)
    assert service.rematch_all(session=catalogue, matcher=matcher, today=TODAY, force=True) == 1
    deps, statuses = service.task_counts(session=catalogue)
    assert statuses["new"] == 1 and service.export_judgements(session=catalogue) == []
