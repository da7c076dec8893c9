"""Shared parsing for project importers: delimiter sniffing, numbers, dates, and one-line errors naming the place."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path

from eudesk.core.errors import InvalidInput
from eudesk.core.text import fix_text

csv.field_size_limit(50_000_000)


def bad(path: Path | str, line: int | str, fld: str, message: str) -> InvalidInput:
    """An InvalidInput naming file, line and field."""
    where = line if isinstance(line, str) else f"line {line}"
    return InvalidInput(message, record=f"{Path(path).name} {where}", field=fld)


def suffix(path: Path) -> str:
    """The file's format suffix, ignoring a trailing .gz ('.csv', '.json')."""
    return (Path(path.stem).suffix if path.suffix.lower() == ".gz" else path.suffix).lower()


def read_text(path: Path) -> str:
    """The file's text (UTF-8, with or without BOM; Windows-1252 as a fallback for old exports)."""
    raw = path.read_bytes()
    if path.suffix.lower() == ".gz":
        raw = gzip.decompress(raw)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def csv_rows(path: Path, text: str | None = None) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Header and (line number, row) pairs of a CSV file separated by ';' or ',' (sniffed from the header)."""
    text = read_text(path) if text is None else text
    first = text.split("\n", 1)[0]
    delim = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, quotechar='"')
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise bad(path, 1, "header", "the file is empty") from exc

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                raise bad(path, reader.line_num, "columns",
                          f"{len(row)} values where the header has {len(header)} columns")
            yield reader.line_num, dict(zip(header, row, strict=True))

    return header, rows()


def parse_amount(value: object, *, path: Path, line: int | str, fld: str, dot_thousands: bool = False) -> float | None:
    """A number from '771225,1', '1.732084396E7', '15.414.794' (Danish thousands) or 771225; '' -> None."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    s = str(value).strip().replace(" ", "").replace("\u00a0", "").rstrip("%")
    if not s:
        return None
    if "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    elif "," in s:
        s = s.replace(",", ".") if s.count(",") == 1 else s.replace(",", "")
    elif "." in s and (dot_thousands or s.count(".") > 1) and "e" not in s.lower():
        s = s.replace(".", "")
    try:
        return float(s)
    except ValueError as exc:
        raise bad(path, line, fld, f"not a number: {value!r}") from exc


_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y")


def parse_date(value: object, *, path: Path, line: int | str, fld: str) -> dt.date | None:
    """A date from '2020-01-01', '18.07.2007' or '2020-01-01 10:00:00'; '' -> None."""
    s = str(value or "").strip()
    if not s:
        return None
    s = s.split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise bad(path, line, fld, f"not a date: {value!r}")


_INVERTED_Q = re.compile(r"¿")


def repair_danish(text: str) -> str:
    """Repair the export's lost characters: '¿' stood for quotes, apostrophes and dashes (context decides)."""
    text = re.sub(r"'{2,}", "’", fix_text(text))  # apostrophes the export doubled (SMV''er)
    if "¿" not in text:
        return text
    # "SMV¿er" / "ESCO¿en": a lost apostrophe before a Danish inflection ending
    text = re.sub(r"(?<=\w)¿(?=(?:erne|ernes|er|en|ens|et|s)\b)", "’", text)
    # " ¿ " between words: a lost dash (used for list items and asides)
    text = re.sub(r"(?:(?<=\s)|^)¿(?=\s)", "–", text)
    # the rest come in pairs around words: lost quotation marks
    text = re.sub(r"¿([^¿\n]{1,200}?)¿", r"“\1”", text)
    return text.replace("¿", "–")


def clamp(table: object, row: dict[str, object]) -> dict[str, object]:
    """The row with strings cut to their column's length (PostgreSQL refuses longer values; SQLite would not say)."""
    cols = table.columns  # type: ignore[attr-defined]
    for key, value in row.items():
        if isinstance(value, str) and key in cols:
            length = getattr(cols[key].type, "length", None)
            if length and len(value) > length:
                row[key] = value[: length - 1] + "…"
    return row
