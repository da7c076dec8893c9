"""Shared CLI plumbing: settings, a session with one transaction, one-line errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.orm import Session

from eudesk.config import Settings, get_settings
from eudesk.db import make_engine, make_sessionmaker

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> None:
    """Print one line to stderr and exit with the code."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def db_session(settings: Settings | None = None, *, migrate: bool = True) -> Iterator[Session]:
    """A session inside one transaction on the configured database (schema upgraded and bundled data loaded
    into an empty database first, exactly as the web app does at start-up)."""
    settings = settings or get_settings()
    engine = make_engine(settings)
    try:
        sm = make_sessionmaker(engine)
        if migrate:
            from eudesk.web.app import bootstrap

            bootstrap(settings, sm)
        with sm.begin() as session:
            yield session
    finally:
        engine.dispose()
