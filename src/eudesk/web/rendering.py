"""Template rendering: full pages, or one named block of the same template for htmx requests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2_fragments import render_block

from eudesk.web.i18n import LANGUAGES, Translator

TEMPLATES = Path(__file__).parent / "templates"

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html", "xml"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _query(request: Request, **changes: Any) -> str:
    """The current query string with some parameters replaced (None removes them)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    for k, v in changes.items():
        if v is None:
            continue
        if isinstance(v, list | tuple):
            params.extend((k, str(x)) for x in v)
        else:
            params.append((k, str(v)))
    return "?" + urlencode(params) if params else "?"


def _toggle(request: Request, key: str, value: str) -> str:
    """The current query string with one value of a multi-valued parameter switched on or off (page reset)."""
    values = request.query_params.getlist(key)
    values = [v for v in values if v != value] if value in values else [*values, value]
    return _query(request, **{key: values, "page": None})


def _concept_labels() -> frozenset[str]:
    try:
        from eudesk.matching.glossary import CONCEPTS
    except ImportError:  # the matching core is optional here, as for the tasks
        return frozenset()
    return frozenset(c.label for c in CONCEPTS)


# lists that mix the glossary's concepts with the text's own words translate only the concepts (a word like "open"
# must stay what the text said)
_env.globals.update(query=_query, toggle=_toggle, LANGUAGES=LANGUAGES, concept_labels=_concept_labels())


def render(
    request: Request,
    template: str,
    *,
    tr: Translator,
    block: str | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page; an htmx request asking for `block` gets only that block."""
    ctx = {
        "request": request,
        "tr": tr,
        "lang": tr.lang,
        "_": tr.gettext,
        "ngettext": tr.ngettext,
        "today": getattr(request.state, "today", dt.date.today()),
        "freshness": getattr(request.state, "freshness", None),
        **context,
    }
    # htmx restoring a page from history wants the whole page, not the block its filters asked for
    if block and request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true":
        html = render_block(_env, template, block, ctx)
    else:
        html = _env.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status_code)


def warm_templates() -> int:
    """Compile every template now (about 0.4 s for a task page's templates), not on the first request of each page."""
    names = _env.list_templates(extensions=["html"])
    for name in names:
        _env.get_template(name)
    return len(names)
