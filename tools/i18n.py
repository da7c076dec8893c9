"""Translation upkeep: list template/code messages that a language's catalogue lacks, or write a catalogue.

    .venv/bin/python tools/i18n.py missing da            # messages without a Danish translation
    .venv/bin/python tools/i18n.py pot OUT.pot            # every message, as a gettext template
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

from jinja2.ext import babel_extract

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "eudesk"
KEYWORDS = ("_", "gettext", "ngettext")


def template_messages() -> Iterator[tuple[str, str | None, str]]:
    """(msgid, plural or None, 'file:line') for every translatable string in the templates."""
    for path in sorted((SRC / "web" / "templates").rglob("*.html")):
        with path.open("rb") as fh:
            for lineno, _func, message, _comments in babel_extract(fh, KEYWORDS, [], {"trimmed": "false"}):
                where = f"{path.relative_to(ROOT)}:{lineno}"
                if isinstance(message, tuple):
                    if message[0]:
                        yield message[0], message[1], where
                elif message:
                    yield message, None, where


def code_messages() -> Iterator[tuple[str, str | None, str]]:
    """(msgid, plural, where) for tr.gettext("...")/tr.ngettext("...", "...") calls, and calls of a function named
    `_` (a gettext handed to code that renders outside the templates, e.g. the Excel export), with literal strings
    in code."""
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Name) and node.func.id == "_":
                name = "gettext"
            elif isinstance(node.func, ast.Attribute):
                name = node.func.attr
            else:
                continue
            if name not in ("gettext", "ngettext") or not node.args:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                plural = None
                if name == "ngettext" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                    plural = str(node.args[1].value)
                yield first.value, plural, f"{path.relative_to(ROOT)}:{node.lineno}"


def all_messages() -> dict[str, tuple[str | None, str]]:
    """Every message of the app with its plural and first place of use."""
    out: dict[str, tuple[str | None, str]] = {}
    for msgid, plural, where in [*template_messages(), *code_messages()]:
        out.setdefault(msgid, (plural, where))
    return out


def missing(lang: str) -> list[tuple[str, str]]:
    """Messages the language's merged catalogue lacks, with where they are used."""
    sys.path.insert(0, str(ROOT / "src"))
    from eudesk.web.i18n import catalogue

    cat = catalogue(lang)
    return [(m, where) for m, (_plural, where) in all_messages().items() if m not in cat]


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "missing":
        rows = missing(argv[1])
        for msgid, where in rows:
            print(f"{where}: {msgid!r}")
        print(f"{len(rows)} missing", file=sys.stderr)
        return 1 if rows else 0
    if len(argv) >= 2 and argv[0] == "pot":
        from babel.messages.catalog import Catalog
        from babel.messages.pofile import write_po

        cat = Catalog()
        for msgid, (plural, where) in all_messages().items():
            cat.add((msgid, plural) if plural else msgid, locations=[(where.rsplit(":", 1)[0], int(where.rsplit(":", 1)[1]))])
        with open(argv[1], "wb") as fh:
            write_po(fh, cat, width=120)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
