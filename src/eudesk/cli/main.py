"""The `eudesk` command: serve the web app, upgrade the database, manage calls and the rest."""

from __future__ import annotations

import importlib
import sys

import typer

from eudesk.cli.common import fail
from eudesk.core.errors import EudeskError

app = typer.Typer(help="eudesk: an international office in a box for municipalities. Every command works on the "
                       "database in EUDESK_DATA_DIR (default ./var) or at EUDESK_DATABASE_URL, and creates and fills "
                       "it when it is empty.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
app.add_typer(db_app, name="db")

# Sub-command groups: (name, module); each module exposes a typer app `app`.
GROUPS = [
    ("calls", "eudesk.cli.calls"),
    ("projects", "eudesk.cli.projects"),
    ("tasks", "eudesk.cli.tasks"),
]
for _name, _module in GROUPS:
    app.add_typer(importlib.import_module(_module).app, name=_name)


@app.command()
def serve(
    host: str = typer.Option(None, help="Address to listen on (default: EUDESK_HOST or 127.0.0.1)."),
    port: int = typer.Option(None, help="Port to listen on (default: EUDESK_PORT or 8000)."),
    data_dir: str = typer.Option(None, help="Data folder (default: EUDESK_DATA_DIR or ./var). The other commands "
                                          "have no such option: they read EUDESK_DATA_DIR."),
) -> None:
    """Serve the web app (creates and fills the database on first start)."""
    import os

    import uvicorn

    from eudesk.config import get_settings
    from eudesk.web.app import create_app

    if data_dir:
        os.environ["EUDESK_DATA_DIR"] = data_dir
        get_settings.cache_clear()
    settings = get_settings()
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port, log_level="info")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the database schema to the newest version; an empty database also gets the bundled data
    (unless EUDESK_LOAD_BUNDLED_DATA=false), as at every command's and the web app's start."""
    from eudesk.cli.common import console, db_session

    with db_session():
        pass
    console.print("Database is up to date.")


@app.command()
def doctor() -> None:
    """Say what this installation runs on: data folder, database, calls stored (and the last import or sync),
    embedding runtime."""
    from sqlalchemy import func, select

    from eudesk import __version__
    from eudesk.calls import service as calls_service
    from eudesk.cli.common import console, db_session
    from eudesk.config import get_settings
    from eudesk.matching.embedder import make_embedder

    settings = get_settings()
    console.print(f"eudesk {__version__}")
    console.print(f"data dir:   {settings.data_dir}")
    console.print(f"database:   {settings.resolved_database_url.split('@')[-1]}")
    with db_session(settings) as session:
        from eudesk.calls.models import Call

        n = session.scalar(select(func.count(Call.id))) or 0
        run = calls_service.last_run(session=session)
        console.print(f"calls:      {n}" + (f" (last import/sync: {run.source}, {run.data_date or run.started_at:%Y-%m-%d})"
                                             if run else ""))
    embedder = make_embedder(settings.embedder, cache_dir=str(settings.resolved_cache_dir))
    console.print(f"embedder:   {embedder.name} (setting EUDESK_EMBEDDER={settings.embedder})")
    details = getattr(embedder, "details", "")
    if details:
        console.print(f"runtime:    {details}")


def main() -> None:
    """Entry point: run the CLI, turning domain errors into one line on stderr."""
    try:
        app()
    except EudeskError as exc:
        try:
            fail(str(exc))
        except typer.Exit as ex:
            sys.exit(ex.exit_code)
    except OSError as exc:
        try:
            fail(str(exc))
        except typer.Exit as ex:
            sys.exit(ex.exit_code)


if __name__ == "__main__":
    main()
