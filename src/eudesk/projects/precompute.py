"""Precompute passage vectors of the bundled projects: ``python -m eudesk.projects.precompute OUT [--cache DIR]``."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def bundled_documents() -> list[Any]:
    """Documents of the bundled knowledge base, read back from a scratch database so that their texts are exactly
    what the app stores (repaired, cut to column length)."""
    from eudesk.config import Settings
    from eudesk.db import make_engine, make_sessionmaker, upgrade
    from eudesk.projects.matcher import project_documents
    from eudesk.projects.service import load_bundled

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/scratch.db", load_bundled_data=False)
        engine = make_engine(settings)
        try:
            upgrade(engine)
            with make_sessionmaker(engine).begin() as session:
                load_bundled(session=session, settings=settings)
                return project_documents(session=session)
        finally:
            engine.dispose()


def main(argv: Iterable[str] | None = None) -> int:
    """Embed the bundled projects' passages with the real model and write them as one float16 .npz file."""
    from eudesk.matching.precompute import precompute_main

    return precompute_main(argv, prog="python -m eudesk.projects.precompute", what="projects' passages",
                           documents=bundled_documents, example_out="src/eudesk/data/vectors/bundled_projects.npz")


if __name__ == "__main__":
    sys.exit(main())
