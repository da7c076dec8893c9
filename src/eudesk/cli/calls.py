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
    source: str = typer.Option("", help="Name of the source shown in the app (default: from the file)."),
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
    sort: str = typer.Option("deadline", help="deadline, -deadline, budget, -budget or title."),
    limit: int = typer.Option(30, min=1, max=1000, help="How many calls to show."),
) -> None:
    """List calls in a table in the terminal."""
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
