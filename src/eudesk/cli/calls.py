"""`eudesk calls ...`: import, sync and list the EU calls catalogue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from eudesk.calls import service
from eudesk.cli.common import console, db_session
from eudesk.config import get_settings
from eudesk.core.dates import today as today_for
from eudesk.core.dates import utcnow

app = typer.Typer(help="The EU calls catalogue: import, sync from the portal, list.", no_args_is_help=True)


@app.command("import")
def import_(
    paths: list[Path] = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                       help="Files in the bundled JSONL layout (.jsonl or .jsonl.gz) or raw portal "
                                            "search responses (.json)."),
    source: str = typer.Option("", help="Name of the source shown in the app (default: the file names)."),
) -> None:
    """Import call topics from files; all-or-nothing: a bad record stops the import and nothing is stored."""
    from eudesk.calls.sources.files import read_topic_file

    records = []
    for path in paths:
        records.extend(read_topic_file(path))
    label = source or ", ".join(p.name for p in paths)
    with db_session() as session:
        summary = service.import_records(session=session, records=records, source=label, data_date=None,
                                         fetched_at=utcnow())
    console.print(f"Imported {summary.seen} topics from {label}: {summary.new} new, {summary.changed} changed, "
                  f"{summary.unchanged} unchanged.")


@app.command("list")
def list_(
    programme: list[str] = typer.Option([], "--programme", "-p", help="Programme code (HORIZON, LIFE, CERV, ...)."),
    status: list[str] = typer.Option([], "--status", "-s", help="open, forthcoming or closed (judged against today)."),
    q: str = typer.Option("", "--text", "-q", help="Words that must occur in the title, id, keywords or text."),
    deadline_from: str = typer.Option("", help="Earliest deadline, YYYY-MM-DD."),
    deadline_to: str = typer.Option("", help="Latest deadline, YYYY-MM-DD."),
    sort: str = typer.Option("deadline", help="deadline (next deadline still to come first, closed calls after), "
                                              "-deadline, budget, -budget or title."),
    limit: int = typer.Option(30, min=1, max=200, help="How many calls to show (at most 200)."),
) -> None:
    """List calls in a table in the terminal (every status unless --status is given)."""
    from eudesk.calls.views import _date_param

    settings = get_settings()
    today = today_for(settings.today)
    flt = service.CallFilter(programmes=[p.upper() for p in programme], statuses=status, q=q,
                             deadline_from=_date_param(deadline_from, "deadline_from"),
                             deadline_to=_date_param(deadline_to, "deadline_to"))
    with db_session(settings) as session:
        page = service.search_calls(session=session, flt=flt, today=today, sort=sort, per_page=limit)
        table = Table(title=f"{page.total} calls (today {today.isoformat()})")
        for col in ("Topic", "Programme", "Status", "Deadline", "Per grant (EUR)", "Title"):
            table.add_column(col, overflow="fold")
        for c in page.items:
            nd = service.next_deadline(c, today) or c.deadline
            budget = f"{c.budget_max:,}" if c.budget_max else ""
            table.add_row(c.topic_id, c.programme.code, service.effective_status(c, today),
                          nd.isoformat() if isinstance(nd, dt.date) else "", budget, c.title)
    console.print(table)


@app.command("sync")
def sync(
    programme: list[str] = typer.Option([], "--programme", "-p",
                                        help="Portal programme id or code (43252405 or LIFE) to follow "
                                             "(repeatable; default: EUDESK_PORTAL_PROGRAMMES)."),
    url: str = typer.Option("", help="Search endpoint to use instead of EUDESK_PORTAL_SEARCH_URL."),
) -> None:
    """Fetch forthcoming and open topics from the EU Funding & Tenders Portal; all-or-nothing, changes recorded."""
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from sqlalchemy.exc import SQLAlchemyError

    from eudesk.calls.sources.ft_portal import PORTAL_SOURCE, SyncSummary
    from eudesk.calls.sources.ft_portal import sync as portal_sync
    from eudesk.cli.common import err_console
    from eudesk.core.errors import EudeskError

    settings = get_settings()
    fetched = SyncSummary()
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err_console,
                   transient=True)
    pages_task = bar.add_task("pages", total=None)
    topics_task = bar.add_task("topics", total=None)

    def progress(page: int, pages: int | None, rows: int, total: int | None) -> None:
        bar.update(pages_task, completed=page, total=pages)
        bar.update(topics_task, completed=rows, total=total)

    def failed(message: str, code: int) -> None:
        # The failed transaction was rolled back; the failure itself is recorded in a transaction of its own.
        try:
            with db_session(settings) as session:
                service.record_failed_run(session=session, source=PORTAL_SOURCE, message=message[:2000])
        except Exception:  # noqa: BLE001 - the sync's own error is the one to report
            pass
        # soft_wrap: one line however narrow the terminal, so logs and scripts see the whole message.
        err_console.print(f"[bold red]error:[/] sync failed, nothing was changed: {escape(message)}",
                          highlight=False, soft_wrap=True)
        raise typer.Exit(code)

    try:
        with bar, db_session(settings) as session:
            summary = portal_sync(session=session, settings=settings, progress=progress, url=url or None,
                                  programmes=programme or None, fetched=fetched)
    except (EudeskError, OSError, SQLAlchemyError) as exc:
        failed(" ".join(str(exc).split("\n")[:1]) or type(exc).__name__, 1)
        return
    except KeyboardInterrupt:
        failed("interrupted", 130)
        return
    st = fetched.stats
    console.print(f"Synced {summary.seen} topics from {fetched.pages} page{'s' if fetched.pages != 1 else ''}: "
                  f"{summary.new} new, {summary.changed} changed, {summary.unchanged} unchanged, "
                  f"{summary.disappeared} disappeared.")
    counts = ((st.stubs_skipped, "empty stub row{} skipped"),
              (st.duplicates_merged + st.duplicates_resolved, "duplicate{} merged"),
              (st.budgets_unknown, "topic{} without a readable budget"))
    skipped = [f"{n} {label.format('' if n == 1 else 's')}" for n, label in counts if n]
    if skipped:
        console.print("Also: " + ", ".join(skipped) + ".")
    if summary.new or summary.changed or summary.disappeared:
        console.print("Tasks are re-matched when the web app next shows them; `eudesk tasks rematch` does it now.")
