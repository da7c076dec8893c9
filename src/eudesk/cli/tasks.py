"""`eudesk tasks ...`: import and list the administration's tasks, and show the calls that fit one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from eudesk.cli.common import console, db_session
from eudesk.config import get_settings
from eudesk.core.dates import today as today_for

if TYPE_CHECKING:
    from eudesk.config import Settings
    from eudesk.tasks.matcher import CallMatcher

app = typer.Typer(help="Tasks (project ideas): import from CSV/Excel, list, match to calls, delete, export feedback.",
                  no_args_is_help=True)


def _progress(done: int, total: int) -> None:
    if total:
        console.print(f"\rembedding call passages {done}/{total} (first time only; --lexical answers at once)",
                      end="" if done < total else "\n", highlight=False)


@app.command("import")
def import_(
    path: Path = typer.Argument(..., dir_okay=False, help="A .csv or .xlsx file with the columns title and "
                                                          "description, and optionally department, office, contact, "
                                                          "amount, currency, start_date, end_date, themes, status, "
                                                          "language (English or Danish headers, see docs/tasks.md)."),
) -> None:
    """Import tasks from a CSV or Excel file; all-or-nothing: a bad row stops the import and nothing is stored."""
    from eudesk.tasks import service
    from eudesk.tasks.importers import read_tasks_file

    tasks_in = read_tasks_file(path)
    with db_session() as session:
        tasks = service.import_tasks(session=session, tasks=tasks_in, source=path.name)
        first, last = tasks[0].id, tasks[-1].id
    console.print(f"Imported {len(tasks)} task{'' if len(tasks) == 1 else 's'} from {path.name} (ids {first}-{last}).")


@app.command("list")
def list_(
    department: str = typer.Option("", "--department", "-d", help="Only this department (exact name)."),
    status: str = typer.Option("", "--status", "-s", help="new, exploring, parked or application."),
    limit: int = typer.Option(50, min=1, max=10000, help="How many tasks to show."),
) -> None:
    """List tasks in a table in the terminal, newest first."""
    from eudesk.tasks import service

    with db_session() as session:
        tasks = service.list_tasks(session=session, department=department, status=status)
        table = Table(title=f"{len(tasks)} tasks")
        for col in ("Id", "Title", "Department", "Money needed", "Status"):
            table.add_column(col, overflow="fold")
        for t in tasks[:limit]:
            money = f"{t.amount:,} {t.currency}" if t.amount is not None else ""
            table.add_row(str(t.id), t.title, t.department, money, t.status)
    console.print(table)


def _matcher(lexical: bool) -> tuple[Settings, dt.date, CallMatcher]:
    """Settings, today and a calls matcher that builds in the foreground with a progress line."""
    from eudesk.tasks.matcher import CallMatcher

    settings = get_settings()
    matcher = CallMatcher(settings, background=False, semantic=not lexical)
    matcher.progress_callback = _progress
    return settings, today_for(settings.today), matcher


@app.command("match")
def match(
    task_id: int = typer.Argument(..., help="The task's id (see `eudesk tasks list`)."),
    lexical: bool = typer.Option(False, help="Shared words and concepts only, without the multilingual model "
                                             "(answers at once; weaker across languages)."),
) -> None:
    """Show the open and forthcoming calls that fit a task, why, and the deciding facts; or 'no good match'."""
    from eudesk.tasks import service

    settings, today, matcher = _matcher(lexical)
    with db_session(settings) as session:
        task = service.get_task(session=session, task_id=task_id)
        matcher.refresh(session=session, today=today)
        tm = service.task_matches(session=session, task=task, matcher=matcher, today=today)
        console.print(f"[bold]{task.title}[/] ({task.department or 'no department'})", highlight=False)
        if tm.no_good_match:
            console.print("No good match: no open or forthcoming call fits this task well enough.")
            return
        for i, v in enumerate(tm.matches, start=1):
            f = v.facts
            rate = (f"{'up to ' if f.rate.up_to else ''}{f.rate.percent}%" if f.rate.percent is not None
                    else "see call document")
            deadline = f"{f.next_deadline.isoformat()} ({f.days_left} days left)" if f.next_deadline else "unknown"
            budget = f"{f.budget.max_eur:,} EUR per grant" if f.budget.max_eur else "budget unknown"
            console.print(f"{i}. [bold]{f.call.topic_id}[/] {f.call.title}", highlight=False)
            console.print(f"   {f.call.programme.name} · {f.call.action_type or '-'} · {f.status} · deadline "
                          f"{deadline} · rate {rate} ({f.rate.source}) · {budget}", highlight=False)
            if v.new_since:
                console.print(f"   new since {v.new_since.isoformat()}")
            concepts = ", ".join(v.explanation.get("concepts", []))
            if concepts:
                console.print(f"   shared concepts: {concepts}", highlight=False)
            for p in f.phrases[:1]:
                console.print(f"   public authorities: “{p.phrase}” — {p.snippet}", highlight=False)
        if tm.hidden:
            console.print(f"({len(tm.hidden)} marked not relevant, not shown)")


@app.command("rematch")
def rematch(
    force: bool = typer.Option(False, help="Re-match every task, even when nothing changed."),
    lexical: bool = typer.Option(False, help="Shared words and concepts only, without the multilingual model."),
) -> None:
    """Re-match every task whose text or call index changed (run after importing or syncing calls)."""
    from eudesk.tasks import service

    settings, today, matcher = _matcher(lexical)
    with db_session(settings) as session:
        matcher.refresh(session=session, today=today)
        n = service.rematch_all(session=session, matcher=matcher, today=today, force=force)
    matcher.flush()
    console.print(f"Re-matched {n} tasks.")


@app.command("delete")
def delete(
    task_ids: list[int] = typer.Argument(None, help="The ids of the tasks to delete (see `eudesk tasks list`).",
                                         show_default=False),
    demo: bool = typer.Option(False, "--demo", help="Delete the bundled demo tasks still in the list (imported "
                                                    "from the bundled file at first start), edited or not."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete tasks for good, with their matches and feedback (all or nothing: an unknown id deletes nothing).
    The demo tasks are loaded once per database: once deleted they do not come back."""
    from eudesk.tasks import service

    with db_session() as session:
        ids = list(task_ids or []) + (service.demo_task_ids(session=session) if demo else [])
        if not ids:
            console.print("Nothing to delete: give task ids" + (" (there are no demo tasks left)." if demo else
                                                                 " or --demo."))
            raise typer.Exit(code=0 if demo else 2)
        counts = service.deletion_counts(session=session, task_ids=ids)
        if not yes:
            typer.confirm(f"Delete {counts.tasks} task{'' if counts.tasks == 1 else 's'} with {counts.matches} stored "
                          f"matches and {counts.feedback} feedback marks?", abort=True)
        done = service.delete_tasks(session=session, task_ids=ids)
    console.print(f"Deleted {done.tasks} task{'' if done.tasks == 1 else 's'} ({done.matches} stored matches, "
                  f"{done.feedback} feedback marks).")


@app.command("export-feedback")
def export_feedback(
    out: Path = typer.Argument(..., dir_okay=False, help="Output file, one JSON case a line (.jsonl)."),
) -> None:
    """Write the standing feedback on matches as task-to-call judgements (we apply = 2, relevant = 1, not relevant
    listed apart), one case per task that has feedback, in the benchmark's case format."""
    import json

    from eudesk.tasks import service

    with db_session() as session:
        cases = service.export_judgements(session=session)
    out.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    console.print(f"Wrote {len(cases)} cases to {out}.")
