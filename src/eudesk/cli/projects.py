"""`eudesk projects ...`: import past projects (CORDIS bulk files, Danish structural-fund lists), merges."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from eudesk.cli.common import console, db_session

app = typer.Typer(help="Past EU projects and their organisations: import, merges.", no_args_is_help=True)


@app.command("import")
def import_(
    paths: list[Path] = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                       help="CORDIS project/organization/topics files (CSV with ';' or ',', or "
                                            "JSON; .gz allowed) and Danish structural-fund lists (CSV)."),
) -> None:
    """Import past projects; all-or-nothing, and importing the same files again changes nothing."""
    from eudesk.projects import service

    started = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("Reading files", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, description="Storing projects", completed=done, total=total)

        with db_session() as session:
            summary = service.import_files(session=session, paths=paths, progress=progress)
    secs = time.perf_counter() - started
    console.print(f"Imported {summary.projects_seen} projects ({summary.rows} rows) in {secs:.1f} s "
                  f"({summary.rows / secs:,.0f} rows/s): {summary.projects_new} new, {summary.projects_changed} "
                  f"changed, {summary.projects_unchanged} unchanged; {summary.participations_new} new participations, "
                  f"{summary.organisations_new} new organisations, {summary.merges} duplicates merged.")


@app.command("merges")
def merges() -> None:
    """List the merge log of organisations (automatic and by hand)."""
    from eudesk.partners import service

    with db_session() as session:
        table = Table(title="Organisation merges")
        for col in ("Id", "Kept", "Merged", "Why", "Undone"):
            table.add_column(col, overflow="fold")
        for m in service.list_merges(session=session):
            kept = service.get_organisation(session=session, org_id=m.kept_id)
            gone = service.get_organisation(session=session, org_id=m.merged_id)
            table.add_row(str(m.id), f"{kept.name} ({kept.id})", f"{gone.name} ({gone.id})", m.reason,
                          m.undone_at.date().isoformat() if m.undone_at else "")
    console.print(table)


@app.command("merge")
def merge(kept: int = typer.Argument(..., help="Id of the organisation to keep."),
          duplicate: int = typer.Argument(..., help="Id of the duplicate to merge into it.")) -> None:
    """Merge a duplicate organisation into another (refused for two different CORDIS ids)."""
    from eudesk.partners import service

    with db_session() as session:
        m = service.merge(session=session, kept_id=kept, merged_id=duplicate)
        console.print(f"Merge {m.id}: moved {len([i for i in m.moved_participations.split(',') if i])} "
                      f"participations. Undo with `eudesk projects unmerge {m.id}`.")


@app.command("unmerge")
def unmerge(merge_id: int = typer.Argument(..., help="Id of the merge (see `eudesk projects merges`).")) -> None:
    """Undo a merge: the merged organisation gets its participations back."""
    from eudesk.partners import service

    with db_session() as session:
        service.undo_merge(session=session, merge_id=merge_id)
    console.print(f"Merge {merge_id} undone.")
