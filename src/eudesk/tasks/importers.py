"""Read tasks from CSV or Excel files: all-or-nothing, every bad row reported with its row number and column."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from eudesk.core.errors import InvalidInput
from eudesk.tasks.schemas import TaskIn
from eudesk.tasks.service import FIELDS, validate_task

BUNDLED_SOURCE = "Danish EU structural-fund projects 2007-2020 led by municipalities (Erhvervsstyrelsen)"
REQUIRED = ("title", "description")
MAX_ERRORS_SHOWN = 10

# Column headers accepted for each field (lower-case), English and Danish.
ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "titel", "projekttitel", "navn på opgave", "opgave"),
    "description": ("description", "beskrivelse", "projektbeskrivelse"),
    "department": ("department", "forvaltning", "afdeling"),
    "office": ("office", "kontor"),
    "contact": ("contact", "kontakt", "kontaktperson"),
    "amount": ("amount", "money needed", "beløb", "budget", "økonomi"),
    "currency": ("currency", "valuta"),
    "start_date": ("start_date", "start", "start date", "startdato"),
    "end_date": ("end_date", "end", "end date", "slut", "slutdato"),
    "themes": ("themes", "temaer", "tema"),
    "status": ("status",),
    "language": ("language", "sprog"),
}
_HEADER_OF = {alias: name for name, aliases in ALIASES.items() for alias in aliases}


class ImportErrors(InvalidInput):
    """Several rows of a file are bad: one line per row (the first few), naming row and column."""

    def __init__(self, source: str, rows: Sequence[tuple[int, str, str]]) -> None:
        problems = [f"row {n}, column '{col}': {msg}" for n, col, msg in rows]
        shown = problems[:MAX_ERRORS_SHOWN]
        more = len(problems) - len(shown)
        tail = f"; and {more} more" if more > 0 else ""
        super().__init__(f"{source}: nothing imported; " + "; ".join(shown) + tail)
        self.source = source
        self.rows = list(rows)  # (row number, column, problem): the web page says them in the user's language
        self.problems = problems


class FileProblem(InvalidInput):
    """A whole file cannot be imported; the message keeps its template and values so that a page can translate it."""

    def __init__(self, template: str, **params: str) -> None:
        super().__init__(template % params)
        self.template = template
        self.params = params


def _columns(header: Sequence[object], source: str) -> dict[int, str]:
    cols: dict[int, str] = {}
    for i, raw in enumerate(header):
        name = _HEADER_OF.get(" ".join(str(raw or "").split()).lower().replace("_", " "))
        name = name or _HEADER_OF.get(str(raw or "").strip().lower())
        if name and name not in cols.values():
            cols[i] = name
    missing = [c for c in REQUIRED if c not in cols.values()]
    if missing:
        raise FileProblem("%(source)s: missing column %(missing)s (columns found: %(found)s)", source=source,
                          missing=", ".join(repr(m) for m in missing),
                          found=", ".join(str(h) for h in header if h) or "none")
    return cols


def parse_rows(rows: Iterable[Sequence[object]], *, source: str, first_row: int = 1) -> list[TaskIn]:
    """Validated tasks from a header row and data rows; ImportErrors lists every bad row (nothing is returned)."""
    it = iter(rows)
    header = next(it, None)
    if header is None:
        raise FileProblem("%(source)s: the file is empty", source=source)
    cols = _columns(header, source)
    tasks: list[TaskIn] = []
    problems: list[tuple[int, str, str]] = []
    for n, row in enumerate(it, start=first_row + 1):
        if not any(str(v).strip() for v in row if v is not None):
            continue  # blank lines are not tasks
        values = {name: row[i] if i < len(row) else None for i, name in cols.items()}
        task_in, errors = validate_task(values)
        if task_in is None:
            problems.extend((n, col, msg) for col, msg in errors.items())
        else:
            tasks.append(task_in)
    if problems:
        raise ImportErrors(source, problems)
    if not tasks:
        raise FileProblem("%(source)s: no tasks in the file", source=source)
    return tasks


def read_csv_bytes(data: bytes, *, source: str) -> list[TaskIn]:
    """Tasks from CSV bytes (UTF-8 with or without BOM, or Windows-1252; comma or semicolon separated)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # Excel's "CSV" export in Danish Windows
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return parse_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), source=source)


def read_excel_bytes(data: bytes, *, source: str) -> list[TaskIn]:
    """Tasks from the first sheet of an Excel workbook (.xlsx)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileProblem("%(source)s: not a readable Excel workbook (%(reason)s)", source=source,
                          reason=exc.__class__.__name__) from exc
    try:
        rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
    return parse_rows(rows, source=source)


def read_tasks_bytes(data: bytes, *, filename: str) -> list[TaskIn]:
    """Tasks from an uploaded file, by its extension (.csv, .xlsx)."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return read_excel_bytes(data, source=filename)
    if name.endswith((".csv", ".txt")):
        return read_csv_bytes(data, source=filename)
    raise FileProblem("%(source)s: use a .csv or .xlsx file", source=filename)


def read_tasks_file(path: str | Path) -> list[TaskIn]:
    """Tasks from a CSV or Excel file on disk."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read the file ({exc.strerror})") from exc
    return read_tasks_bytes(data, filename=path.name if path.suffix else str(path))


def bundled_tasks_path() -> Path:
    """The bundled demo tasks file."""
    return Path(str(resources.files("eudesk.data").joinpath("tasks", "demo_tasks.csv")))


def write_tasks_csv(tasks: Iterable[TaskIn], out: io.TextIOBase | io.StringIO) -> None:
    """Write tasks in the import layout (one column per field)."""
    w = csv.writer(out)
    w.writerow(FIELDS)
    for t in tasks:
        w.writerow([t.title, t.description, t.department, t.office, t.contact,
                    "" if t.amount is None else t.amount, t.currency,
                    t.start_date.isoformat() if t.start_date else "", t.end_date.isoformat() if t.end_date else "",
                    ", ".join(t.themes), t.status, t.language])
