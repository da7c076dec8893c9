"""Tasks pages and their JSON twins: list with import, create/edit, a task's matches with feedback, and search."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from eudesk.config import Settings
from eudesk.core.dates import today as today_for
from eudesk.core.errors import InvalidInput
from eudesk.tasks import service
from eudesk.tasks.importers import FileProblem, ImportErrors, read_tasks_bytes
from eudesk.tasks.matcher import CallMatcher, get_matcher
from eudesk.tasks.models import MatchFeedback, Task
from eudesk.tasks.schemas import (
    ApplicantPhraseOut,
    BudgetOut,
    CallMatchOut,
    DeletedOut,
    FeedbackOut,
    FundingRateOut,
    ImportOut,
    MatchingStateOut,
    MoneyOut,
    PassageOut,
    SearchOut,
    SimilarProjectOut,
    TaskDetailOut,
    TaskListOut,
    TaskOut,
)
from eudesk.web.deps import get_session, get_settings, get_today, get_translator, set_freshness
from eudesk.web.i18n import Translator
from eudesk.web.rendering import render

log = logging.getLogger("eudesk.tasks")
router = APIRouter(tags=["tasks"])
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


# --- start-up ---------------------------------------------------------------------------------------------------

def setup(app: FastAPI) -> None:
    """Register the start-up hook that prepares the call index and re-matches the tasks."""
    app.state.startup_hooks.append(_start_matching)


def _start_matching(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    matcher = get_matcher(app.state, settings)
    if not matcher.background:
        return  # an instant embedder (tests): the index is built on first use, tasks re-match when viewed
    matcher.on_semantic_ready.append(lambda m: prepare_tasks(app, m))
    with app.state.sessionmaker() as session:
        matcher.refresh(session=session, today=today_for(settings.today))


def prepare_tasks(app: FastAPI, matcher: CallMatcher) -> int:
    """Match every task with the model and embed its similar-projects question ahead of the first page that shows
    them (run in the matcher's thread once the model's index is ready); returns how many tasks were re-matched.

    The model needs a minute for the bundled tasks. One short transaction per task, in the order of the tasks list:
    a request never waits for the whole re-match (one transaction held the database's write lock for all of it, and
    the first task page waited for it), and the tasks a user sees first are ready first. The model's work happens
    outside the task lock and pauses while a page is being served."""
    settings: Settings = app.state.settings
    sm = app.state.sessionmaker
    today = today_for(settings.today)
    with sm() as session:
        todo = [(t.id, service.query_text(t)) for t in service.list_tasks(session=session)]
        projects = _project_matcher(session)
    rematched = 0
    for task_id, text in todo:
        matcher.yield_to_pages()
        matcher.prepare_queries([text])
        if projects is not None and projects.semantic_ready:
            matcher.yield_to_pages()
            _prepare_similar([text], projects)
        matcher.yield_to_pages()
        try:
            with matcher.task_lock, sm.begin() as session:  # the lock until the commit: see service.match_task
                task = session.get(Task, task_id)
                if task is not None:
                    rematched += service.match_task(session=session, task=task, matcher=matcher, today=today)
        except SQLAlchemyError as exc:  # a request matched and stored this task at the same moment
            log.info("background matching of task %s left to the request: %s", task_id, exc.__class__.__name__)
    matcher.flush()
    if projects is not None:
        projects.wait()  # its model index may come after ours: the questions still missing are embedded then
        _prepare_similar([text for _id, text in todo], projects)
        projects.flush()
    log.info("tasks prepared: %d re-matched", rematched)
    return rematched


def _project_matcher(session: Session) -> Any:
    """The process's project matcher (for similar projects), or None without one."""
    try:
        from eudesk.projects.matcher import existing_matcher
    except ImportError:
        return None
    return existing_matcher(session=session)


def _prepare_similar(texts: list[str], projects: Any) -> None:
    from eudesk.partners.service import prepare_similar

    try:
        prepare_similar(texts=texts, matcher=projects)
    except Exception:  # similar projects then embed their question when a page asks
        log.exception("preparing similar projects failed")


def matcher_dep(request: Request, session: Session = Depends(get_session),
                today: dt.date = Depends(get_today)) -> Iterator[CallMatcher]:
    """The app's call matcher, refreshed when the calls changed since it was built (background preparation of the
    tasks pauses until the request is done)."""
    matcher = get_matcher(request.app.state, request.app.state.settings)
    with matcher.serving():
        if matcher.refresh(session=session, today=today) and matcher.semantic_ready and matcher.key:
            # the calls changed (import, sync, a deadline passed): every task is re-matched so that new fitting
            # calls are flagged; with the real model this happens in the background thread once its index is ready
            service.rematch_all(session=session, matcher=matcher, today=today)
        yield matcher


# --- JSON shapes ----------------------------------------------------------------------------------------------

def money_out(task: Task) -> MoneyOut | None:
    """The money a task needs in both currencies."""
    if task.amount is None:
        return None
    return MoneyOut(amount=task.amount, currency=task.currency, eur=service.to_eur(task.amount, task.currency) or 0,
                    dkk=service.to_dkk(task.amount, task.currency) or 0)


def task_out(task: Task) -> TaskOut:
    """The JSON shape of a task."""
    return TaskOut(
        id=task.id, title=task.title, description=task.description, language=task.language,
        department=task.department, office=task.office, contact=task.contact, money_needed=money_out(task),
        start_date=task.start_date, end_date=task.end_date,
        themes=[t.strip() for t in task.themes.split(",") if t.strip()], status=task.status, source=task.source,
        created_at=task.created_at, updated_at=task.updated_at, matched_at=task.matched_at, url=f"/tasks/{task.id}",
    )


def match_out(view: service.MatchView) -> CallMatchOut:
    """The JSON shape of a matched call with its explanation and facts."""
    f = view.facts
    call = f.call
    expl = view.explanation
    return CallMatchOut(
        topic_id=call.topic_id, title=call.title, url=f"/calls/{call.topic_id}", portal_url=call.portal_url,
        programme=call.programme.code, programme_name=call.programme.name, action_type=call.action_type,
        types_of_action=call.types_of_action, status=f.status, next_deadline=f.next_deadline,
        days_left=f.days_left, score=round(view.score, 4), good=view.good,
        score_components={k: round(v, 4) for k, v in expl.get("components", {}).items()},
        passages=[PassageOut(text=p["text"], similarity=round(p["score"], 4) if p.get("score") else None,
                             shared_words=p.get("terms", [])) for p in expl.get("passages", [])],
        concepts=expl.get("concepts", []), shared_words=expl.get("terms", []),
        funding_rate=FundingRateOut(percent=f.rate.percent, up_to=f.rate.up_to, basis=f.rate.basis,
                                    source=f.rate.source),
        budget=BudgetOut(**dataclasses.asdict(f.budget)),
        applicant_phrases=[ApplicantPhraseOut(**dataclasses.asdict(p)) for p in f.phrases],
        new_since=view.new_since, first_matched_on=view.first_matched_on, verdict=view.verdict,
    )


def feedback_out(fb: MatchFeedback) -> FeedbackOut:
    """The JSON shape of a verdict."""
    return FeedbackOut(id=fb.id, task_id=fb.task_id, topic_id=fb.topic_id, verdict=fb.verdict, who=fb.who,
                       note=fb.note, at=fb.at, undone_at=fb.undone_at)


def matching_state(matcher: CallMatcher) -> MatchingStateOut:
    """How far the matching index is."""
    return MatchingStateOut(semantic=matcher.semantic_ready, preparing=not matcher.semantic_ready and not matcher.error,
                            progress_percent=matcher.progress_percent, error=matcher.error)


def _similar_out(hit: Any, *, in_denmark: bool) -> SimilarProjectOut:
    """A past project from the partners domain's similar_projects, whatever its exact shape, as plain fields."""
    project = getattr(hit, "project", hit)

    def get(obj: Any, name: str, default: Any = "") -> Any:
        value = obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)
        return default if value is None else value

    start = get(project, "start_date", None)
    pid = get(project, "id", None)
    return SimilarProjectOut(
        title=str(get(project, "title")), acronym=str(get(project, "acronym")),
        url=f"/projects/{pid}" if pid is not None else str(get(project, "url")),
        programme=str(get(project, "programme")), start_year=getattr(start, "year", None),
        source=str(get(project, "source")), countries=[str(c) for c in get(hit, "countries", [])],
        organisations=[str(o) for o in get(hit, "organisations", [])][:5],
        matched_terms=[str(t) for t in get(hit, "matched_terms", [])], in_denmark=in_denmark,
    )


def similar_projects(session: Session, task: Task) -> dict[str, list[SimilarProjectOut]] | None:
    """Past projects like the task, elsewhere and in Denmark; None when the projects module is not there."""
    try:
        from eudesk.partners.service import similar_projects as find
    except ImportError:
        return None
    text = service.query_text(task)
    own = task.title.strip().lower()

    def others(hits: Any, in_denmark: bool) -> list[SimilarProjectOut]:
        # a demo task comes from a past Danish project: that project is the task itself, not a similar one
        out = [_similar_out(p, in_denmark=in_denmark) for p in hits]
        return [p for p in out if p.title.strip().lower() != own][:5]

    try:
        return {
            "elsewhere": others(find(session=session, text=text, exclude_country="DK", k=6), False),
            "denmark": others(find(session=session, text=text, country="DK", k=6), True),
        }
    except Exception:  # another domain's failure must not take the task page down
        log.exception("similar projects failed")
        return None


def _searched(session: Session) -> dict[str, int] | None:
    """How many past projects "elsewhere" and "in Denmark" searched among (said when nothing was close enough)."""
    try:
        from eudesk.partners.service import project_counts

        denmark, elsewhere = project_counts(session=session, country="DK")
    except Exception:  # another domain's failure must not take the task page down
        log.exception("project counts failed")
        return None
    return {"elsewhere": elsewhere, "denmark": denmark}


# --- list and import --------------------------------------------------------------------------------------------

def _list(session: Session, department: str, status: str) -> tuple[list[Task], TaskListOut]:
    tasks = service.list_tasks(session=session, department=department, status=status)
    deps, stats = service.task_counts(session=session)
    return tasks, TaskListOut(total=len(tasks), items=[task_out(t) for t in tasks], departments=deps,
                              statuses=stats)


@router.get("/tasks.json", response_model=TaskListOut)
def tasks_json(department: str = "", status: str = "", session: Session = Depends(get_session)) -> TaskListOut:
    """Tasks, newest first, filtered by department and status, with counts per department and status."""
    return _list(session, department, status)[1]


@router.get("/tasks", include_in_schema=False)
def tasks_page(request: Request, department: str = "", status: str = "", imported: int | None = None,
               deleted: int | None = None, session: Session = Depends(get_session), today: dt.date = Depends(get_today),
               tr: Translator = Depends(get_translator), matcher: CallMatcher = Depends(matcher_dep)) -> Response:
    """The tasks list with filters, how many calls fit each task, and the import form."""
    set_freshness(request, session, today)
    return _list_page(request, session, tr, department=department, status=status, block="results",
                      imported=imported, deleted=deleted)


def _list_page(request: Request, session: Session, tr: Translator, *, department: str = "", status: str = "",
               block: str | None = None, status_code: int = 200, **extra: Any) -> Response:
    """The tasks list page (filters, counts of fitting calls, the import form, the demo tasks' link)."""
    tasks, out = _list(session, department, status)
    context: dict[str, Any] = {"imported": None, "deleted": None, "import_error": None, **extra}
    return render(request, "tasks/list.html", tr=tr, block=block, nav="tasks", tasks=tasks, out=out,
                  department=department, status=status, demo_count=len(service.demo_task_ids(session=session)),
                  statuses=service.STATUSES, departments=service.DEPARTMENTS,
                  counts=service.match_counts(session=session), status_code=status_code, **context)


@router.get("/tasks/import", include_in_schema=False)
def tasks_import_page(request: Request) -> Response:
    """The import's address opened again (reload, language switch after an error): the tasks list has the form."""
    return RedirectResponse(f"/tasks{_lang_query(request)}", status_code=303)


@router.post("/tasks/import", include_in_schema=False)
async def tasks_import(request: Request, file: UploadFile, session: Session = Depends(get_session),
                       today: dt.date = Depends(get_today), tr: Translator = Depends(get_translator)) -> Response:
    """Import tasks from an uploaded CSV or Excel file (all or nothing)."""
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    name = file.filename or "upload"
    try:
        if len(data) > MAX_UPLOAD_BYTES:
            raise FileProblem("%(source)s: the file is larger than 10 MB", source=name)
        tasks = service.import_tasks(session=session, tasks=read_tasks_bytes(data, filename=name), source=name)
    except InvalidInput as exc:
        set_freshness(request, session, today)
        message, problems = _import_error(exc, tr)
        return _list_page(request, session, tr, import_error=message, import_problems=problems, status_code=422)
    lang = _lang_query(request).replace("?", "&")
    return RedirectResponse(f"/tasks?imported={len(tasks)}{lang}", status_code=303)


def _import_error(exc: InvalidInput, tr: Translator) -> tuple[str, list[str]]:
    """A failed import in the page's language: one line, and the bad rows one per line (the JSON twin and the CLI
    keep the English one-liner)."""
    if isinstance(exc, ImportErrors):
        rows = [tr.gettext("Row %(row)s, column '%(column)s': %(problem)s") % {
            "row": n, "column": col, "problem": tr.gettext(msg)} for n, col, msg in exc.rows]
        return tr.gettext("%(source)s: nothing imported.") % {"source": exc.source}, rows
    if isinstance(exc, FileProblem):
        return tr.gettext(exc.template) % exc.params, []
    return str(exc), []


@router.post("/tasks/import.json", response_model=ImportOut)
async def tasks_import_json(file: UploadFile, session: Session = Depends(get_session)) -> ImportOut:
    """Import tasks from a CSV or Excel file: all or nothing, errors name the row and column."""
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    name = file.filename or "upload"
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileProblem("%(source)s: the file is larger than 10 MB", source=name)
    tasks = service.import_tasks(session=session, tasks=read_tasks_bytes(data, filename=name), source=name)
    return ImportOut(imported=len(tasks), source=name)


# --- create and edit ----------------------------------------------------------------------------------------

def _form_values(task: Task | None) -> dict[str, str]:
    if task is None:
        return {"currency": "DKK", "status": "new"}
    return {
        "title": task.title, "description": task.description, "department": task.department,
        "office": task.office, "contact": task.contact, "amount": "" if task.amount is None else str(task.amount),
        "currency": task.currency, "start_date": task.start_date.isoformat() if task.start_date else "",
        "end_date": task.end_date.isoformat() if task.end_date else "", "themes": task.themes,
        "status": task.status, "language": task.language,
    }


def _form_page(request: Request, tr: Translator, *, task: Task | None, values: dict[str, str],
               errors: dict[str, str], status_code: int = 200) -> Response:
    return render(request, "tasks/form.html", tr=tr, nav="tasks", task=task, values=values, errors=errors,
                  statuses=service.STATUSES, departments=service.DEPARTMENTS, currencies=service.CURRENCIES,
                  status_code=status_code)


def _lang_query(request: Request) -> str:
    lang = request.query_params.get("lang")
    return f"?lang={lang}" if lang in ("da", "en") else ""


async def _posted(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(form.get(k) or "") for k in service.FIELDS}


@router.get("/tasks/new", include_in_schema=False)
def task_new(request: Request, session: Session = Depends(get_session), today: dt.date = Depends(get_today),
             tr: Translator = Depends(get_translator)) -> Response:
    """The form for a new task."""
    set_freshness(request, session, today)
    return _form_page(request, tr, task=None, values=_form_values(None), errors={})


@router.post("/tasks/new", include_in_schema=False)
async def task_create(request: Request, session: Session = Depends(get_session), today: dt.date = Depends(get_today),
                      tr: Translator = Depends(get_translator)) -> Response:
    """Create a task; errors show the form again with what was typed."""
    values = await _posted(request)
    task_in, errors = service.validate_task(values)
    if task_in is None:
        set_freshness(request, session, today)
        return _form_page(request, tr, task=None, values=values, errors=errors, status_code=422)
    task = service.create_task(session=session, task_in=task_in, source="form")
    return RedirectResponse(f"/tasks/{task.id}{_lang_query(request)}", status_code=303)


@router.post("/tasks.json", response_model=TaskOut, status_code=201)
def task_create_json(values: dict[str, Any], session: Session = Depends(get_session)) -> TaskOut:
    """Create a task from a JSON object with the form's fields; 422 names the bad field."""
    task_in = service.check_task(values)
    return task_out(service.create_task(session=session, task_in=task_in, source="api"))


@router.get("/tasks/{task_id}/edit", include_in_schema=False)
def task_edit(request: Request, task_id: int, session: Session = Depends(get_session),
              today: dt.date = Depends(get_today), tr: Translator = Depends(get_translator)) -> Response:
    """The form to change a task."""
    set_freshness(request, session, today)
    task = service.get_task(session=session, task_id=task_id)
    return _form_page(request, tr, task=task, values=_form_values(task), errors={})


@router.post("/tasks/{task_id}/edit", include_in_schema=False)
async def task_update(request: Request, task_id: int, session: Session = Depends(get_session),
                      today: dt.date = Depends(get_today), tr: Translator = Depends(get_translator)) -> Response:
    """Save a changed task; errors show the form again with what was typed."""
    task = service.get_task(session=session, task_id=task_id)
    values = await _posted(request)
    task_in, errors = service.validate_task(values)
    if task_in is None:
        set_freshness(request, session, today)
        return _form_page(request, tr, task=task, values=values, errors=errors, status_code=422)
    service.update_task(session=session, task_id=task_id, task_in=task_in)
    return RedirectResponse(f"/tasks/{task_id}{_lang_query(request)}", status_code=303)


# --- delete -------------------------------------------------------------------------------------------------------

def _delete_page(request: Request, session: Session, tr: Translator, today: dt.date, *, ids: list[int],
                 task: Task | None) -> Response:
    set_freshness(request, session, today)
    counts = service.deletion_counts(session=session, task_ids=ids)
    action = f"/tasks/{task.id}/delete" if task is not None else "/tasks/demo/delete"
    return render(request, "tasks/delete.html", tr=tr, nav="tasks", task=task, counts=counts,
                  action=action + _lang_query(request))


def _deleted(request: Request, counts: service.Deleted) -> Response:
    lang = _lang_query(request).replace("?", "&")
    return RedirectResponse(f"/tasks?deleted={counts.tasks}{lang}", status_code=303)


# "demo" before "{task_id}": the path of the demo tasks' deletion is not a task id
@router.get("/tasks/demo/delete", include_in_schema=False)
def demo_delete_confirm(request: Request, session: Session = Depends(get_session),
                        today: dt.date = Depends(get_today), tr: Translator = Depends(get_translator)) -> Response:
    """Ask before deleting the bundled demo tasks still in the list."""
    return _delete_page(request, session, tr, today, ids=service.demo_task_ids(session=session), task=None)


@router.post("/tasks/demo/delete", include_in_schema=False)
def demo_delete(request: Request, session: Session = Depends(get_session)) -> Response:
    """Delete the bundled demo tasks still in the list, with their matches and feedback."""
    return _deleted(request, service.delete_tasks(session=session, task_ids=service.demo_task_ids(session=session)))


@router.get("/tasks/{task_id}/delete", include_in_schema=False)
def task_delete_confirm(request: Request, task_id: int, session: Session = Depends(get_session),
                        today: dt.date = Depends(get_today), tr: Translator = Depends(get_translator)) -> Response:
    """Ask before deleting a task: what goes with it (matches, feedback)."""
    task = service.get_task(session=session, task_id=task_id)
    return _delete_page(request, session, tr, today, ids=[task.id], task=task)


@router.post("/tasks/{task_id}/delete", include_in_schema=False)
def task_delete(request: Request, task_id: int, session: Session = Depends(get_session)) -> Response:
    """Delete a task for good, with its matches and feedback."""
    return _deleted(request, service.delete_tasks(session=session, task_ids=[task_id]))


@router.delete("/tasks/{task_id}.json", response_model=DeletedOut)
def task_delete_json(task_id: int, session: Session = Depends(get_session)) -> DeletedOut:
    """Delete a task for good, with its stored matches and feedback; says how many of each went (404: no such
    task)."""
    d = service.delete_tasks(session=session, task_ids=[task_id])
    return DeletedOut(tasks=d.tasks, matches=d.matches, feedback=d.feedback)


# --- a task and its matches -----------------------------------------------------------------------------------

def _detail(session: Session, task: Task, matcher: CallMatcher, today: dt.date) -> tuple[service.TaskMatches,
                                                                                           TaskDetailOut, Any]:
    tm = service.task_matches(session=session, task=task, matcher=matcher, today=today)
    similar = similar_projects(session, task)
    out = TaskDetailOut(
        task=task_out(task), matching=matching_state(matcher), no_good_match=tm.no_good_match,
        matches=[match_out(v) for v in tm.matches], hidden=[v.topic_id for v in tm.hidden],
        feedback=[feedback_out(fb) for fb in service.feedback_history(session=session, task_id=task.id)],
        similar_projects=None if similar is None else [*similar["elsewhere"], *similar["denmark"]],
    )
    return tm, out, similar


@router.get("/tasks/{task_id}.json", response_model=TaskDetailOut)
def task_json(task_id: int, session: Session = Depends(get_session), today: dt.date = Depends(get_today),
              matcher: CallMatcher = Depends(matcher_dep)) -> TaskDetailOut:
    """A task with its matching calls, why they fit and the deciding facts, or 'no good match'."""
    task = service.get_task(session=session, task_id=task_id)
    return _detail(session, task, matcher, today)[1]


def _task_page(request: Request, session: Session, task: Task, matcher: CallMatcher, today: dt.date,
               tr: Translator, *, block: str | None = None) -> Response:
    set_freshness(request, session, today)
    tm, _out, similar = _detail(session, task, matcher, today)
    history = service.feedback_history(session=session, task_id=task.id)
    return render(request, "tasks/detail.html", tr=tr, block=block, nav="tasks", task=task, tm=tm,
                  similar=similar, history=history,
                  # counted only when a section has nothing to show (the page then says how many were searched)
                  searched=_searched(session) if similar is not None and not all(similar.values()) else None,
                  matcher=matcher, money=money_out(task),
                  matched_on=service.last_matched_on(task))


@router.get("/tasks/{task_id}", include_in_schema=False)
def task_page(request: Request, task_id: int, session: Session = Depends(get_session),
              today: dt.date = Depends(get_today), tr: Translator = Depends(get_translator),
              matcher: CallMatcher = Depends(matcher_dep)) -> Response:
    """A task's page: details, matching calls with explanations and facts, feedback, similar projects."""
    task = service.get_task(session=session, task_id=task_id)
    return _task_page(request, session, task, matcher, today, tr, block="matches")


@router.post("/tasks/{task_id}/feedback", include_in_schema=False)
def task_feedback(request: Request, task_id: int, topic_id: str = Form(...), verdict: str = Form(...),
                  note: str = Form(""), who: str = Form(""), session: Session = Depends(get_session),
                  today: dt.date = Depends(get_today), tr: Translator = Depends(get_translator),
                  matcher: CallMatcher = Depends(matcher_dep)) -> Response:
    """Mark a match relevant, not relevant or 'we apply'; htmx gets the matches block back."""
    service.set_feedback(session=session, task_id=task_id, topic_id=topic_id, verdict=verdict, who=who, note=note)
    if request.headers.get("HX-Request") == "true":
        task = service.get_task(session=session, task_id=task_id)
        return _task_page(request, session, task, matcher, today, tr, block="matches")
    return RedirectResponse(f"/tasks/{task_id}{_lang_query(request)}#matches", status_code=303)


@router.post("/tasks/{task_id}/feedback.json", response_model=FeedbackOut)
def task_feedback_json(task_id: int, topic_id: str = Form(...), verdict: str = Form(...), note: str = Form(""),
                       who: str = Form(""), session: Session = Depends(get_session)) -> FeedbackOut:
    """Record a verdict on a match: relevant, not_relevant (hidden from the list) or apply."""
    fb = service.set_feedback(session=session, task_id=task_id, topic_id=topic_id, verdict=verdict, who=who,
                              note=note)
    return feedback_out(fb)


@router.post("/tasks/{task_id}/feedback/{feedback_id}/undo", include_in_schema=False)
def task_feedback_undo(request: Request, task_id: int, feedback_id: int, session: Session = Depends(get_session),
                       today: dt.date = Depends(get_today), tr: Translator = Depends(get_translator),
                       matcher: CallMatcher = Depends(matcher_dep)) -> Response:
    """Undo a verdict; htmx gets the matches block back."""
    fb = service.undo_feedback(session=session, feedback_id=feedback_id)
    if fb.task_id != task_id:
        raise InvalidInput("the feedback belongs to another task", field="feedback_id")
    if request.headers.get("HX-Request") == "true":
        task = service.get_task(session=session, task_id=task_id)
        return _task_page(request, session, task, matcher, today, tr, block="matches")
    return RedirectResponse(f"/tasks/{task_id}{_lang_query(request)}#matches", status_code=303)


@router.get("/feedback.json", response_model=list[dict[str, Any]])
def feedback_json(session: Session = Depends(get_session)) -> list[dict[str, Any]]:
    """Standing feedback on matches as benchmark judgements (one case per task)."""
    return service.export_judgements(session=session)


# --- search ------------------------------------------------------------------------------------------------------

def _search(session: Session, matcher: CallMatcher, q: str, today: dt.date) -> tuple[service.SearchResults,
                                                                                     SearchOut]:
    res = service.search(session=session, matcher=matcher, q=q, today=today)
    out = SearchOut(q=res.q, query_language=res.result.query_lang, matching=matching_state(matcher),
                    no_good_match=res.no_good_match, concepts=res.result.concepts,
                    results=[match_out(v) for v in res.items])
    return res, out


MAX_SEARCH_CHARS = 1000


@router.get("/search.json", response_model=SearchOut)
def search_json(q: str = Query("", max_length=MAX_SEARCH_CHARS), session: Session = Depends(get_session),
                today: dt.date = Depends(get_today), matcher: CallMatcher = Depends(matcher_dep)) -> SearchOut:
    """'What is there for X?': open and forthcoming calls for a Danish or English question, explained."""
    return _search(session, matcher, q, today)[1]


@router.get("/search", include_in_schema=False)
def search_page(request: Request, q: str = "", session: Session = Depends(get_session),
                today: dt.date = Depends(get_today), tr: Translator = Depends(get_translator),
                matcher: CallMatcher = Depends(matcher_dep)) -> Response:
    """One search box over all open and forthcoming calls, with the same explanations as task matches."""
    set_freshness(request, session, today)
    # a pasted project description longer than the limit is searched by its beginning, and the page says so
    # (it was an error page that lost the text)
    cut = len(q) > MAX_SEARCH_CHARS
    if cut:
        q = q[:MAX_SEARCH_CHARS].rsplit(" ", 1)[0]
    res, _out = _search(session, matcher, q, today)
    return render(request, "search/search.html", tr=tr, block="results", nav="search", res=res, matcher=matcher,
                  cut=MAX_SEARCH_CHARS if cut else None)


@router.get("/matching/status", include_in_schema=False)
def matching_status(request: Request, tr: Translator = Depends(get_translator)) -> Response:
    """The 'semantic matching is being prepared' banner, polled by htmx until it is ready."""
    matcher = get_matcher(request.app.state, request.app.state.settings)
    response = render(request, "tasks/_matching.html", tr=tr, matcher=matcher)
    if matcher.semantic_ready and request.headers.get("HX-Request") == "true":
        response.headers["HX-Refresh"] = "true"  # the page was showing lexical matches: reload with the model's
    return response


@router.get("/matching/status.json", response_model=MatchingStateOut)
def matching_status_json(request: Request, settings: Settings = Depends(get_settings)) -> MatchingStateOut:
    """Whether matching uses the multilingual model yet, and how far its preparation is."""
    return matching_state(get_matcher(request.app.state, settings))
