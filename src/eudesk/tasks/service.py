"""Tasks service: create, edit, list and import tasks; match them to calls with explanations and the deciding facts;
record feedback on matches; search calls by free text.

Plain functions with keyword-only arguments; the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from eudesk.calls.models import Call, CallChange
from eudesk.calls.service import effective_status, next_deadline
from eudesk.core.dates import utcnow
from eudesk.core.errors import InvalidInput, NotFound
from eudesk.core.money import DKK_PER_EUR
from eudesk.core.text import content_hash
from eudesk.tasks.funding import FundingRate, PhraseHit, applicant_phrases, funding_rate
from eudesk.tasks.matcher import CallMatcher, Hit, Result
from eudesk.tasks.models import MatchFeedback, Task, TaskMatch
from eudesk.tasks.schemas import TaskIn

# Odense Kommune's five departments (domain.md), then a catch-all for offices outside them.
DEPARTMENTS = (
    "Borgmesterforvaltningen",
    "By- og Kulturforvaltningen",
    "Børn- og Ungeforvaltningen",
    "Ældre- og Handicapforvaltningen",
    "Beskæftigelses- og Socialforvaltningen",
)
STATUSES = ("new", "exploring", "parked", "application")
CURRENCIES = ("DKK", "EUR")
VERDICTS = ("relevant", "not_relevant", "apply")
MATCHES_PER_TASK = 10
TASK_LOCK_WAIT_S = 5.0  # longest a request waits for the background re-match to finish the task it works on
MIN_DESCRIPTION_WORDS = 3
FIELDS = ("title", "description", "department", "office", "contact", "amount", "currency", "start_date",
          "end_date", "themes", "status", "language")

_WORDS = re.compile(r"\w+", re.UNICODE)


# --- validation ---------------------------------------------------------------------------------------------

def parse_date(value: object, *, field: str) -> dt.date | None:
    """A date from YYYY-MM-DD, DD.MM.YYYY, DD-MM-YYYY or DD/MM/YYYY (or a date/datetime); '' gives None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text[:10] if fmt == "%Y-%m-%d" else text, fmt).date()
        except ValueError:
            continue
    raise InvalidInput(f"not a date: {text!r} (use YYYY-MM-DD or DD.MM.YYYY)", field=field)


def parse_amount(value: object, currency: str = "") -> tuple[int | None, str]:
    """An amount of money and its currency from '1.500.000', '1500000 kr.', '200,000 EUR', '2,5 mio. kr.'."""
    if value is None:
        return None, currency
    if isinstance(value, int | float):
        return int(round(value)), currency
    text = str(value).strip()
    if not text:
        return None, currency
    low = text.lower()
    if "eur" in low or "€" in low:
        currency = "EUR"
    elif "dkk" in low or "kr" in low:
        currency = "DKK"
    factor = 1_000_000 if re.search(r"\bmio\b|\bmillion", low) else 1
    digits = re.sub(r"[^\d.,]", "", text)
    if not digits:
        raise InvalidInput(f"not an amount: {text!r}", field="amount")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", digits) and factor == 1:
        number = float(re.sub(r"[.,]", "", digits))  # thousands separators (Danish dots or English commas)
    else:
        number = float(digits.replace(".", "").replace(",", ".") if "," in digits else digits)
    return int(round(number * factor)), currency


def _normalise_department(value: str) -> str:
    text = value.strip()
    for dep in DEPARTMENTS:
        if text.lower() == dep.lower():
            return dep
    return text


def validate_task(values: Mapping[str, object]) -> tuple[TaskIn | None, dict[str, str]]:
    """A validated task from form or file values, or the errors per field (one line each)."""
    errors: dict[str, str] = {}

    def text(name: str, limit: int) -> str:
        value = values.get(name)
        out = " ".join(str(value).split()) if value is not None else ""
        if len(out) > limit:
            errors[name] = f"is longer than {limit} characters"
        return out

    title = text("title", 300)
    description = str(values.get("description") or "").strip()
    if not title and "title" not in errors:
        errors["title"] = "is empty"
    n_words = len(_WORDS.findall(description))
    if n_words == 0:
        errors["description"] = "is empty"
    elif n_words < MIN_DESCRIPTION_WORDS:
        errors["description"] = "is too short: describe the need in a sentence or more so that calls can be matched"
    status = text("status", 16).lower() or "new"
    if status not in STATUSES:
        errors["status"] = "unknown status; use new, exploring, parked or application"
    currency = text("currency", 3).upper()
    amount: int | None = None
    try:
        amount, currency = parse_amount(values.get("amount"), currency)
    except InvalidInput:
        errors["amount"] = "not an amount"
    currency = currency or "DKK"
    if currency not in CURRENCIES:
        errors["currency"] = "unknown currency; use DKK or EUR"
    if amount is not None and amount < 0:
        errors["amount"] = "is negative"
    dates: dict[str, dt.date | None] = {}
    for name in ("start_date", "end_date"):
        try:
            dates[name] = parse_date(values.get(name), field=name)
        except InvalidInput:
            errors[name] = "not a date; use YYYY-MM-DD or DD.MM.YYYY"
            dates[name] = None
    if dates["start_date"] and dates["end_date"] and dates["end_date"] < dates["start_date"]:
        errors["end_date"] = "is before the start date"
    language = text("language", 2).lower()
    if language and language not in ("da", "en"):
        errors["language"] = "use da or en"
    themes_raw = values.get("themes") or ""
    themes = ([str(t).strip() for t in themes_raw] if isinstance(themes_raw, list | tuple)
              else [t.strip() for t in re.split(r"[,;]", str(themes_raw))])
    if errors:
        return None, errors
    return TaskIn(
        title=title, description=description, department=_normalise_department(text("department", 200)),
        office=text("office", 200), contact=text("contact", 200), amount=amount, currency=currency,
        start_date=dates["start_date"], end_date=dates["end_date"], themes=[t for t in themes if t],
        status=status, language=language or guess_language(f"{title}. {description}"),
    ), {}


def check_task(values: Mapping[str, object], *, record: str | None = None) -> TaskIn:
    """A validated task, or InvalidInput naming the first bad field."""
    task_in, errors = validate_task(values)
    if task_in is None:
        name, message = next(iter(errors.items()))
        raise InvalidInput(message, record=record, field=name)
    return task_in


_DANISH_MARKS = re.compile(r"[æøå]|\b(og|til|det|der|vil|med|ikke|borgere|kommune|af|på|er|en|som)\b", re.IGNORECASE)
_ENGLISH_MARKS = re.compile(r"\b(the|and|of|to|we|with|for|is|are|citizens|municipality)\b", re.IGNORECASE)


def guess_language(text: str) -> str:
    """'da' or 'en' by counting common words (Danish letters count for Danish)."""
    try:
        from eudesk.matching.text import guess_language as core_guess

        return "da" if core_guess(text) == "da" else "en"
    except ImportError:  # the matching core is optional here
        return "da" if len(_DANISH_MARKS.findall(text)) >= len(_ENGLISH_MARKS.findall(text)) else "en"


# --- tasks ------------------------------------------------------------------------------------------------

def _apply(task: Task, task_in: TaskIn) -> None:
    task.title = task_in.title
    task.description = task_in.description
    task.department = task_in.department
    task.office = task_in.office
    task.contact = task_in.contact
    task.amount = task_in.amount
    task.currency = task_in.currency
    task.start_date = task_in.start_date
    task.end_date = task_in.end_date
    task.themes = ", ".join(task_in.themes)
    task.status = task_in.status
    task.language = task_in.language or guess_language(task_in.description)


def create_task(*, session: Session, task_in: TaskIn, source: str = "form") -> Task:
    """Store a new task (not yet matched)."""
    now = utcnow()
    task = Task(created_at=now, updated_at=now, source=source, matched_key="")
    _apply(task, task_in)
    session.add(task)
    session.flush()
    return task


def update_task(*, session: Session, task_id: int, task_in: TaskIn) -> Task:
    """Change a task; its matches are recomputed the next time they are asked for when its text changed."""
    task = get_task(session=session, task_id=task_id)
    _apply(task, task_in)
    task.updated_at = utcnow()
    session.flush()
    return task


@dataclass(frozen=True)
class Deleted:
    """What a deletion removed."""

    tasks: int
    matches: int
    feedback: int


def deletion_counts(*, session: Session, task_ids: Sequence[int]) -> Deleted:
    """What deleting these tasks would remove (for the confirmation): tasks, stored matches, feedback marks; an
    unknown id is NotFound."""
    ids = list(dict.fromkeys(task_ids))
    if not ids:
        return Deleted(0, 0, 0)
    found = set(session.scalars(select(Task.id).where(Task.id.in_(ids))))
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"no task with id {', '.join(str(i) for i in missing)}")
    n_tasks = len(found)
    n_matches = session.scalar(select(func.count(TaskMatch.id)).where(TaskMatch.task_id.in_(ids))) or 0
    n_feedback = session.scalar(select(func.count(MatchFeedback.id)).where(MatchFeedback.task_id.in_(ids))) or 0
    return Deleted(n_tasks, n_matches, n_feedback)


def delete_tasks(*, session: Session, task_ids: Sequence[int]) -> Deleted:
    """Delete tasks with their matches and feedback (all or nothing: an unknown id is NotFound, nothing deleted).

    Deleting is for good: the contact field holds a person's name, and the office must be able to remove it."""
    ids = list(dict.fromkeys(task_ids))
    counts = deletion_counts(session=session, task_ids=ids)
    tasks = list(session.scalars(select(Task).where(Task.id.in_(ids)))) if ids else []
    for task in tasks:
        session.delete(task)  # matches and feedback go with it (cascade)
    session.flush()
    return counts


def demo_task_ids(*, session: Session) -> list[int]:
    """Ids of the bundled demo tasks still in the list (imported from the bundled file, whatever was edited since)."""
    from eudesk.tasks.importers import BUNDLED_SOURCE

    return list(session.scalars(select(Task.id).where(Task.source == BUNDLED_SOURCE).order_by(Task.id)))


def get_task(*, session: Session, task_id: int) -> Task:
    """The task with this id, or NotFound."""
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(f"no task with id {task_id}")
    return task


def list_tasks(*, session: Session, department: str = "", status: str = "") -> list[Task]:
    """Tasks, newest first, optionally of one department and/or status."""
    if status and status not in STATUSES:
        raise InvalidInput(f"unknown status {status!r}; use one of {', '.join(STATUSES)}", field="status")
    stmt = select(Task).order_by(Task.id.desc())
    if department:
        stmt = stmt.where(Task.department == department)
    if status:
        stmt = stmt.where(Task.status == status)
    return list(session.scalars(stmt))


def task_counts(*, session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """How many tasks each department and each status has."""
    deps = dict(session.execute(select(Task.department, func.count(Task.id)).group_by(Task.department)
                                .order_by(Task.department)).all())
    stats = dict(session.execute(select(Task.status, func.count(Task.id)).group_by(Task.status)).all())
    return deps, {s: stats.get(s, 0) for s in STATUSES}


def count_tasks(*, session: Session) -> int:
    """How many tasks there are."""
    return session.scalar(select(func.count(Task.id))) or 0


def match_counts(*, session: Session) -> dict[int, tuple[int, int]]:
    """Per task: how many calls fitted at its last matching and how many of them are flagged new (for the list)."""
    rows = session.execute(
        select(TaskMatch.task_id, func.count(TaskMatch.id), func.count(TaskMatch.new_since))
        .where(TaskMatch.current.is_(True)).group_by(TaskMatch.task_id)).all()
    return {task_id: (int(n), int(new)) for task_id, n, new in rows}


def import_tasks(*, session: Session, tasks: Sequence[TaskIn], source: str) -> list[Task]:
    """Store already-validated tasks; the caller's transaction makes the import all-or-nothing."""
    return [create_task(session=session, task_in=t, source=source) for t in tasks]


def to_eur(amount: int | None, currency: str) -> int | None:
    """An amount in EUR (DKK converted at the ERM II central rate)."""
    if amount is None:
        return None
    return int(round(amount / DKK_PER_EUR)) if currency == "DKK" else amount


def to_dkk(amount: int | None, currency: str) -> int | None:
    """An amount in DKK (EUR converted at the ERM II central rate)."""
    if amount is None:
        return None
    return int(round(amount * DKK_PER_EUR)) if currency == "EUR" else amount


# --- matching ---------------------------------------------------------------------------------------------

def query_text(task: Task) -> str:
    """What a task is matched by: its title, description and themes."""
    parts = [task.title, task.description]
    if task.themes:
        parts.append(task.themes)
    return ". ".join(p.strip().rstrip(".") for p in parts if p.strip())


def match_key(task: Task, matcher: CallMatcher) -> str:
    """Fingerprint of what a task's matches depend on: its text, the call index and its kind."""
    return content_hash(query_text(task), matcher.key, matcher.index_kind)[:64]


def _hit_json(hit: Hit) -> str:
    return json.dumps({
        "passages": [{"text": p.text, "score": p.score, "source": p.source, "terms": p.terms} for p in hit.passages],
        "concepts": hit.concepts, "terms": hit.terms, "components": hit.components,
    }, ensure_ascii=False)


def match_task(*, session: Session, task: Task, matcher: CallMatcher, today: dt.date, force: bool = False) -> bool:
    """(Re)compute a task's matches when its text or the calls changed; returns True when it re-matched.

    Calls that start fitting after the task's first matching get new_since (the previous matching date) so that
    the page can flag them; calls that no longer fit stay stored (with their first-matched date) but not current.
    """
    key = match_key(task, matcher)
    if not force and task.matched_key == key:
        return False
    # the background re-match holds the lock while it matches and commits one task; the wait is bounded because a
    # request that has already written holds SQLite's write lock, which the background would wait for in turn
    locked = matcher.task_lock.acquire(timeout=TASK_LOCK_WAIT_S)
    try:
        if not force:
            # read the task afresh: the background re-match (its own transaction) may have matched it meanwhile
            session.flush()
            session.scalars(select(Task).where(Task.id == task.id).options(selectinload(Task.matches))
                            .execution_options(populate_existing=True)).all()
            key = match_key(task, matcher)
            if task.matched_key == key:
                return False
        return _store_matches(session=session, task=task, matcher=matcher, today=today, key=key)
    finally:
        if locked:
            matcher.task_lock.release()


def _store_matches(*, session: Session, task: Task, matcher: CallMatcher, today: dt.date, key: str) -> bool:
    result = matcher.search(query_text(task), k=MATCHES_PER_TASK)
    if result.preparing:
        return False
    previous_at = task.matched_at
    previous_on = last_matched_on(task)
    existing = {m.topic_id: m for m in task.matches}
    good = {h.topic_id: h for h in result.good}
    fresh = _changed_since(session, [t for t in good if t not in existing], previous_at) if previous_at else set()
    for m in existing.values():
        if m.topic_id not in good:
            m.current = False
    for rank, hit in enumerate(result.good, start=1):
        m = existing.get(hit.topic_id)
        if m is None:
            # Flag only calls that are new or changed since the last matching: a better index alone is no news.
            since = previous_on if hit.topic_id in fresh else None
            m = TaskMatch(topic_id=hit.topic_id, first_matched_on=today, new_since=since)
            task.matches.append(m)
        m.rank = rank
        m.score = hit.score
        m.current = True
        m.last_matched_on = today
        m.explanation = _hit_json(hit)
    task.matched_key = key
    task.matched_at = utcnow()
    session.flush()
    return True


def last_matched_on(task: Task) -> dt.date | None:
    """The day (in the app's 'today', which demos may set) the task was last matched; None if never."""
    days = [m.last_matched_on for m in task.matches]
    if days:
        return max(days)
    return task.matched_at.date() if task.matched_at else None


def _changed_since(session: Session, topic_ids: Sequence[str], since: dt.datetime) -> set[str]:
    """Topics first seen, or changed by an import or sync, after `since`."""
    if not topic_ids:
        return set()
    new = set(session.scalars(select(Call.topic_id).where(Call.topic_id.in_(list(topic_ids)),
                                                          Call.first_seen_at > since)))
    changed = set(session.scalars(select(Call.topic_id).join(CallChange, CallChange.call_id == Call.id)
                                  .where(Call.topic_id.in_(list(topic_ids)), CallChange.at > since)))
    return new | changed


def rematch_all(*, session: Session, matcher: CallMatcher, today: dt.date, force: bool = False) -> int:
    """Re-match every task whose text or call index changed (call after each import or sync of calls)."""
    return sum(match_task(session=session, task=t, matcher=matcher, today=today, force=force)
               for t in session.scalars(select(Task).order_by(Task.id)))


# --- the facts of a call ------------------------------------------------------------------------------------

@dataclass
class Budget:
    """EU contribution per grant against the money needed."""

    min_eur: int | None
    max_eur: int | None
    expected_grants: int | None
    needed_eur: int | None
    verdict: str  # covers | partly | unknown | no_need


@dataclass
class CallFacts:
    """What decides whether to go for a call: deadline, days left, funding rate, budget, applicant phrases."""

    call: Call
    status: str
    next_deadline: dt.date | None
    days_left: int | None
    rate: FundingRate
    budget: Budget
    phrases: list[PhraseHit]


def call_facts(call: Call, *, today: dt.date, needed_eur: int | None = None) -> CallFacts:
    """The deciding facts of a call, for a task needing needed_eur (None: the task states no amount)."""
    nd = next_deadline(call, today)
    rate = funding_rate(programme=call.programme.code, action_type=call.action_type, conditions=call.conditions,
                        description=call.description)
    top = call.budget_max or call.budget_min
    if needed_eur is None:
        verdict = "no_need"
    elif top is None:
        verdict = "unknown"
    else:
        verdict = "covers" if top >= needed_eur else "partly"
    return CallFacts(
        call=call, status=effective_status(call, today), next_deadline=nd,
        days_left=(nd - today).days if nd else None, rate=rate,
        budget=Budget(call.budget_min, call.budget_max, call.expected_grants, needed_eur, verdict),
        phrases=applicant_phrases(title=call.title, description=call.description, conditions=call.conditions),
    )


@dataclass
class MatchView:
    """A ranked call with its explanation, facts and feedback, ready for a page or its JSON twin."""

    topic_id: str
    score: float
    good: bool
    explanation: dict[str, Any]
    facts: CallFacts
    new_since: dt.date | None = None
    first_matched_on: dt.date | None = None
    verdict: str | None = None
    feedback_id: int | None = None


def _calls_by_topic(session: Session, topic_ids: Sequence[str]) -> dict[str, Call]:
    if not topic_ids:
        return {}
    return {c.topic_id: c for c in session.scalars(select(Call).where(Call.topic_id.in_(list(topic_ids)))).unique()}


def current_feedback(*, session: Session, task_id: int) -> dict[str, MatchFeedback]:
    """The standing (not undone) verdict per topic of a task: the latest one wins."""
    out: dict[str, MatchFeedback] = {}
    for fb in session.scalars(select(MatchFeedback).where(MatchFeedback.task_id == task_id,
                                                          MatchFeedback.undone_at.is_(None))
                              .order_by(MatchFeedback.id)):
        out[fb.topic_id] = fb
    return out


@dataclass
class TaskMatches:
    """A task's current matches, the ones hidden as not relevant, and whether matching said 'no good match'."""

    matches: list[MatchView]
    hidden: list[MatchView]
    no_good_match: bool
    preparing: bool


def task_matches(*, session: Session, task: Task, matcher: CallMatcher, today: dt.date) -> TaskMatches:
    """A task's matches (re-matched first when its text or the calls changed); 'not relevant' ones are hidden."""
    match_task(session=session, task=task, matcher=matcher, today=today)
    if task.matched_at is None:
        return TaskMatches([], [], False, True)
    current = [m for m in task.matches if m.current]
    current.sort(key=lambda m: m.rank)
    calls = _calls_by_topic(session, [m.topic_id for m in current])
    feedback = current_feedback(session=session, task_id=task.id)
    needed = to_eur(task.amount, task.currency)
    shown: list[MatchView] = []
    hidden: list[MatchView] = []
    for m in current:
        call = calls.get(m.topic_id)
        if call is None or effective_status(call, today) == "closed":
            continue
        fb = feedback.get(m.topic_id)
        view = MatchView(m.topic_id, m.score, True, json.loads(m.explanation or "{}"),
                         call_facts(call, today=today, needed_eur=needed), m.new_since, m.first_matched_on,
                         fb.verdict if fb else None, fb.id if fb else None)
        (hidden if fb is not None and fb.verdict == "not_relevant" else shown).append(view)
    return TaskMatches(shown, hidden, not shown and not hidden, False)


def hidden_topics(*, session: Session, task_id: int) -> set[str]:
    """Topics marked not relevant for a task: left out of its list and of any later digest."""
    return {t for t, fb in current_feedback(session=session, task_id=task_id).items() if fb.verdict == "not_relevant"}


# --- feedback ------------------------------------------------------------------------------------------------

def set_feedback(*, session: Session, task_id: int, topic_id: str, verdict: str, who: str = "",
                 note: str = "") -> MatchFeedback:
    """Record a verdict on a task's match (it replaces the standing one, which stays in the history)."""
    if verdict not in VERDICTS:
        raise InvalidInput(f"unknown verdict {verdict!r}; use one of {', '.join(VERDICTS)}", field="verdict")
    get_task(session=session, task_id=task_id)
    if not _calls_by_topic(session, [topic_id]):
        raise NotFound(f"no call with topic identifier {topic_id!r}")
    now = utcnow()
    standing = current_feedback(session=session, task_id=task_id).get(topic_id)
    if standing is not None:
        standing.undone_at = now
    fb = MatchFeedback(task_id=task_id, topic_id=topic_id, verdict=verdict, who=who.strip()[:200],
                       note=note.strip(), at=now)
    session.add(fb)
    session.flush()
    return fb


def undo_feedback(*, session: Session, feedback_id: int) -> MatchFeedback:
    """Undo a verdict: the match shows again as before (the verdict stays in the history, marked undone)."""
    fb = session.get(MatchFeedback, feedback_id)
    if fb is None:
        raise NotFound(f"no feedback with id {feedback_id}")
    if fb.undone_at is None:
        fb.undone_at = utcnow()
        session.flush()
    return fb


def feedback_history(*, session: Session, task_id: int) -> list[MatchFeedback]:
    """Every verdict on a task's matches, newest first (undone ones too)."""
    return list(session.scalars(select(MatchFeedback).where(MatchFeedback.task_id == task_id)
                                .order_by(MatchFeedback.id.desc())))


# Graded gains as the benchmark reads them (2 = could credibly apply, 1 = partly related, 0 = not relevant).
VERDICT_GRADES = {"apply": 2, "relevant": 1, "not_relevant": 0}


def export_judgements(*, session: Session) -> list[dict[str, Any]]:
    """Standing feedback as benchmark cases: {id, department, description_da|en, relevant, not_relevant,
    expect_none} per task with feedback (not-relevant topics are explicit zero judgements)."""
    rows = session.scalars(select(MatchFeedback).where(MatchFeedback.undone_at.is_(None))
                           .order_by(MatchFeedback.task_id, MatchFeedback.id))
    by_task: dict[int, dict[str, int]] = {}
    for fb in rows:
        by_task.setdefault(fb.task_id, {})[fb.topic_id] = VERDICT_GRADES[fb.verdict]
    out = []
    for task_id, grades in by_task.items():
        task = get_task(session=session, task_id=task_id)
        case: dict[str, Any] = {
            "id": f"feedback-task-{task_id}", "department": task.department,
            f"description_{task.language or 'da'}": query_text(task),
            "relevant": {t: g for t, g in grades.items() if g > 0},
            "not_relevant": sorted(t for t, g in grades.items() if g == 0),
            "expect_none": False,
        }
        out.append(case)
    return out


# --- search ---------------------------------------------------------------------------------------------------

@dataclass
class SearchResults:
    """Explained calls for a free-text question."""

    q: str
    result: Result
    items: list[MatchView] = field(default_factory=list)

    @property
    def no_good_match(self) -> bool:
        """True when the question was asked and nothing cleared the threshold."""
        return bool(self.q) and not self.result.preparing and not self.items


def search(*, session: Session, matcher: CallMatcher, q: str, today: dt.date, k: int = 10) -> SearchResults:
    """'What is there for X?': the open and forthcoming calls that fit a Danish or English question, explained."""
    q = " ".join(q.split())[:1000]
    if not q:
        return SearchResults(q, Result([], True, "", float("inf"), matcher.semantic_ready))
    result = matcher.search(q, k=k)
    calls = _calls_by_topic(session, [h.topic_id for h in result.good])
    items = []
    for h in result.good:
        call = calls.get(h.topic_id)
        if call is None or effective_status(call, today) == "closed":
            continue
        expl = json.loads(_hit_json(h))
        items.append(MatchView(h.topic_id, h.score, h.good, expl, call_facts(call, today=today)))
    return SearchResults(q, result, items)


# --- bundled demo tasks -------------------------------------------------------------------------------------

BUNDLED_TASKS_LOADED = "tasks.bundled_loaded"  # app_state key (also set by migration 0004 for older databases)


def load_bundled(*, session: Session, settings: object = None) -> list[Task] | None:
    """Load the bundled demo tasks (municipality-led Danish structural-fund projects) into an empty task list, once
    per database."""
    from eudesk.db.state import get_state, set_state
    from eudesk.tasks.importers import BUNDLED_SOURCE, bundled_tasks_path, read_tasks_file

    # Once only: after the office deleted the demo tasks (or had tasks of its own first), they never come back.
    if get_state(session, BUNDLED_TASKS_LOADED) is not None:
        return None
    if count_tasks(session=session):
        set_state(session, BUNDLED_TASKS_LOADED, "tasks were there first")
        return None
    tasks = import_tasks(session=session, tasks=read_tasks_file(bundled_tasks_path()), source=BUNDLED_SOURCE)
    set_state(session, BUNDLED_TASKS_LOADED, f"{len(tasks)} demo tasks")
    return tasks
