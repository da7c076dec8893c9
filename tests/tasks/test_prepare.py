"""Start-up preparation of the tasks: every task matched (and its questions embedded) in the background, one short
transaction per task, so that the first task page computes nothing; a request and the background never store one
task's matches twice; background work pauses while a page is served."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from eudesk.config import Settings
from eudesk.db import make_sessionmaker
from eudesk.tasks import service
from eudesk.tasks.matcher import CallMatcher
from eudesk.tasks.models import Task
from eudesk.tasks.views import _start_matching, prepare_tasks

from .conftest import SUBJECTS, TODAY, load_calls, record

DESCRIPTIONS = [
    "Vi vil have ældre borgere til at blive længere i eget hjem med velfærdsteknologi",
    "Klimatilpasning af byen mod skybrud og oversvømmelser med grønne tage",
    "Unge skal deltage i det lokale demokrati gennem ungdomsråd og digitale platforme",
]


@pytest.fixture
def stored(engine: Engine) -> sessionmaker[Session]:
    """The test catalogue and three tasks, committed (the background works in transactions of its own)."""
    sm = make_sessionmaker(engine)
    with sm.begin() as s:
        load_calls(s, [record(t, ti, d, a) for t, (ti, d, a) in SUBJECTS.items()])
        for i, text in enumerate(DESCRIPTIONS):
            service.create_task(session=s, task_in=service.check_task({"title": f"Opgave {i}", "description": text}))
    return sm


def _matcher(settings: Settings, sm: sessionmaker[Session]) -> CallMatcher:
    m = CallMatcher(settings)  # the fake embedder: built at once
    with sm() as s:
        m.refresh(session=s, today=TODAY)
    return m


def _fail(*_a: Any, **_k: Any) -> Any:
    pytest.fail("a page matched a task that the background had prepared")


def test_prepared_tasks_need_no_matching_on_their_page_and_keep_their_matches(
        settings: Settings, stored: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> None:
    matcher, reference = _matcher(settings, stored), _matcher(settings, stored)
    app = SimpleNamespace(state=SimpleNamespace(settings=settings, sessionmaker=stored))
    assert prepare_tasks(app, matcher) == len(DESCRIPTIONS)  # type: ignore[arg-type]
    assert prepare_tasks(app, matcher) == 0  # type: ignore[arg-type]  # nothing left to do
    monkeypatch.setattr(matcher, "search", _fail)
    found = 0
    with stored.begin() as s:
        for task in service.list_tasks(session=s):
            shown = service.task_matches(session=s, task=task, matcher=matcher, today=TODAY).matches
            expected = reference.search(service.query_text(task), k=service.MATCHES_PER_TASK).good
            assert [v.topic_id for v in shown] == [h.topic_id for h in expected]
            found += len(shown)
    assert found


def test_prepared_queries_are_not_embedded_again(settings: Settings, stored: sessionmaker[Session],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    matcher = _matcher(settings, stored)
    assert matcher.prepare_queries(DESCRIPTIONS)
    monkeypatch.setattr(matcher._index.embedder, "query", _fail)
    assert matcher.search(DESCRIPTIONS[0]).good


def test_a_task_matched_meanwhile_by_the_background_is_not_matched_twice(
        settings: Settings, stored: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> None:
    matcher = _matcher(settings, stored)
    with stored.begin() as request:
        task = request.scalars(select(Task).order_by(Task.id)).first()
        assert task is not None and not task.matches  # the page read the task before it was matched
        with stored.begin() as background:
            assert service.match_task(session=background, task=background.get(Task, task.id),  # type: ignore[arg-type]
                                      matcher=matcher, today=TODAY)
        monkeypatch.setattr(matcher, "search", _fail)
        assert not service.match_task(session=request, task=task, matcher=matcher, today=TODAY)
        assert task.matched_key == service.match_key(task, matcher) and any(m.current for m in task.matches)


def test_background_work_waits_while_a_page_is_served(settings: Settings) -> None:
    matcher = CallMatcher(settings)
    with matcher.serving():
        start = time.perf_counter()
        matcher.yield_to_pages(timeout=0.2)
        assert time.perf_counter() - start >= 0.19
    start = time.perf_counter()
    matcher.yield_to_pages(timeout=5.0)
    assert time.perf_counter() - start < 1.0


def test_start_up_prepares_every_task_once_the_model_is_ready(settings: Settings,
                                                               stored: sessionmaker[Session]) -> None:
    matcher = CallMatcher(settings, background=True)  # as with the real model: built in a thread
    app = SimpleNamespace(state=SimpleNamespace(settings=settings, sessionmaker=stored, task_matcher=matcher))
    _start_matching(app)  # type: ignore[arg-type]
    assert matcher.wait(30)
    with stored() as s:
        tasks = service.list_tasks(session=s)
        assert all(t.matched_key == service.match_key(t, matcher) for t in tasks) and len(tasks) == 3
