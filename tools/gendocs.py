"""Write docs/settings.md and docs/cli.md from the code (Settings field descriptions, CLI help texts).

    .venv/bin/python tools/gendocs.py          # rewrite both files
    .venv/bin/python tools/gendocs.py --check  # exit 1 when either file is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def settings_md() -> str:
    """The settings reference: one row per Settings field."""
    from eudesk.config import Settings

    lines = [
        "# Settings",
        "",
        "eudesk reads its settings from environment variables with the prefix `EUDESK_` (or from a `.env` file in",
        "the working folder). This page is generated from `src/eudesk/config.py` by `tools/gendocs.py`.",
        "",
        "| Variable | Default | Meaning |",
        "| --- | --- | --- |",
    ]
    for name, field in Settings.model_fields.items():
        default = "(computed)" if field.default_factory is not None else repr(field.default)
        if field.default is None and field.default_factory is None:
            default = "(empty)"
        desc = (field.description or "").replace("|", "\\|")
        lines.append(f"| `EUDESK_{name.upper()}` | `{default}` | {desc} |")
    return "\n".join(lines) + "\n"


def _walk(cmd: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    out = [(path, cmd)]
    if hasattr(cmd, "commands"):
        for name in sorted(cmd.commands):
            out.extend(_walk(cmd.commands[name], [*path, name]))
    return out


def cli_md() -> str:
    """The CLI reference: every command with its help and options."""
    from eudesk.cli.main import app

    root = typer.main.get_command(app)
    lines = ["# Command line", "", "The `eudesk` command (installed into `.venv/bin/`). Generated from the code by",
             "`tools/gendocs.py`; `eudesk COMMAND --help` says the same.", ""]
    for path, cmd in _walk(root, ["eudesk"]):
        if len(path) == 1:
            continue
        title = " ".join(path)
        lines += [f"## `{title}`", "", (cmd.help or "").strip().split("\n\n")[0], ""]
        params = [p for p in cmd.params if p.name != "help"]
        if params and not hasattr(cmd, "commands"):
            lines += ["| Argument or option | Meaning |", "| --- | --- |"]
            for p in params:
                if getattr(p, "param_type_name", "") == "option":
                    names = ", ".join(f"`{o}`" for o in p.opts)
                    helptext = (p.help or "").replace("|", "\\|")
                else:
                    names = f"`{(p.name or '').upper()}`"
                    helptext = (getattr(p, "help", "") or "").replace("|", "\\|")
                lines.append(f"| {names} | {helptext} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    if any(a in ("-h", "--help") for a in argv) or any(a != "--check" for a in argv):
        print(__doc__.strip())
        return 0 if any(a in ("-h", "--help") for a in argv) else 2
    targets = {ROOT / "docs" / "settings.md": settings_md(), ROOT / "docs" / "cli.md": cli_md()}
    stale = [p for p, text in targets.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for p in stale:
            print(f"{p.relative_to(ROOT)} is out of date: run .venv/bin/python tools/gendocs.py")
        return 1 if stale else 0
    for p, text in targets.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
