"""Importing tasks from CSV and Excel: good files, and bad ones rejected whole with row- and column-level errors."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook
from sqlalchemy.orm import Session

from eudesk.core.errors import InvalidInput
from eudesk.tasks import service
from eudesk.tasks.importers import (
    ImportErrors,
    bundled_tasks_path,
    read_csv_bytes,
    read_excel_bytes,
    read_tasks_bytes,
    read_tasks_file,
)

HEADER = ["title", "description", "department", "amount", "currency", "start_date", "end_date", "themes"]
ROWS = [
    ["Velfærdsteknologi", "Ældre borgere skal blive længere i eget hjem med velfærdsteknologi.",
     "Ældre- og Handicapforvaltningen", "2.000.000", "DKK", "2027-01-01", "2028-12-31", "velfærd, ældre"],
    ["Skybrudssikring", "Vi vil klimatilpasse byen mod skybrud med grønne løsninger.",
     "By- og Kulturforvaltningen", "500000", "EUR", "01.03.2027", "", "klima"],
]


def csv_bytes(header: list[str], rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_good_csv() -> None:
    tasks = read_csv_bytes(csv_bytes(HEADER, ROWS), source="tasks.csv")
    assert [t.title for t in tasks] == ["Velfærdsteknologi", "Skybrudssikring"]
    assert tasks[1].amount == 500_000 and tasks[1].currency == "EUR" and tasks[1].end_date is None


def test_excel_style_csv_semicolons_windows_1252_and_danish_headers() -> None:
    header = ["Titel", "Beskrivelse", "Forvaltning", "Beløb"]
    data = csv_bytes(header, [[r[0], r[1], r[2], r[3]] for r in ROWS], delimiter=";", encoding="cp1252")
    tasks = read_csv_bytes(data, source="opgaver.csv")
    assert tasks[0].description.startswith("Ældre borgere") and tasks[0].amount == 2_000_000


def test_good_excel_with_real_dates() -> None:
    import datetime as dt

    rows = [[*ROWS[0][:5], dt.datetime(2027, 1, 1), dt.datetime(2028, 12, 31), ROWS[0][7]],
            [ROWS[1][0], ROWS[1][1], ROWS[1][2], 500000, "EUR", None, None, "klima"]]
    tasks = read_excel_bytes(xlsx_bytes(HEADER, rows), source="tasks.xlsx")
    assert tasks[0].start_date == dt.date(2027, 1, 1) and tasks[1].amount == 500_000


def test_missing_column_names_the_column() -> None:
    with pytest.raises(InvalidInput, match="tasks.csv: missing column 'description'"):
        read_csv_bytes(csv_bytes(["title", "department"], [["A", "B"]]), source="tasks.csv")


@pytest.mark.parametrize("reader", ["csv", "xlsx"])
def test_bad_rows_are_all_reported_with_row_and_column(reader: str) -> None:
    rows = [ROWS[0], [ROWS[1][0], "", *ROWS[1][2:]], [*ROWS[0][:5], "32.13.2027", "", ""],
            ["Ét ord", "Velfærd", *ROWS[0][2:]]]
    data = csv_bytes(HEADER, rows) if reader == "csv" else xlsx_bytes(HEADER, rows)
    with pytest.raises(ImportErrors) as err:
        read_tasks_bytes(data, filename=f"tasks.{reader}")
    message = str(err.value)
    assert message.startswith(f"tasks.{reader}: nothing imported; ")
    assert "row 3, column 'description': is empty" in message
    assert "row 4, column 'start_date': not a date" in message
    assert "row 5, column 'description': is too short" in message
    assert "row 2" not in message and "\n" not in message
    assert len(err.value.problems) == 3


def test_a_failed_import_stores_nothing_and_keeps_earlier_tasks(session: Session) -> None:
    service.import_tasks(session=session, tasks=read_csv_bytes(csv_bytes(HEADER, ROWS), source="a.csv"),
                         source="a.csv")
    before = service.count_tasks(session=session)
    with pytest.raises(ImportErrors):
        service.import_tasks(session=session, source="b.csv", tasks=read_csv_bytes(
            csv_bytes(HEADER, [ROWS[0], [ROWS[1][0], "", *ROWS[1][2:]]]), source="b.csv"))
    assert service.count_tasks(session=session) == before == 2


def test_other_files_are_refused_in_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match=r"tasks.pdf: use a .csv or .xlsx file"):
        read_tasks_bytes(b"%PDF", filename="tasks.pdf")
    with pytest.raises(InvalidInput, match="not a readable Excel workbook"):
        read_tasks_bytes(b"not a zip", filename="tasks.xlsx")
    with pytest.raises(InvalidInput, match="cannot read the file"):
        read_tasks_file(tmp_path / "missing.csv")
    with pytest.raises(InvalidInput, match="the file is empty"):
        read_tasks_bytes(b"", filename="empty.csv")


def test_bundled_demo_tasks_are_valid_danish_municipal_projects() -> None:
    tasks = read_tasks_file(bundled_tasks_path())
    assert len(tasks) == 86
    assert all(t.language == "da" and "kommune" in t.contact.lower() for t in tasks)
    assert {t.department for t in tasks} == set(service.DEPARTMENTS)
    text = " ".join(t.title + t.description for t in tasks)
    assert "¿" not in text and "ESCO'erne" in text  # repaired from 'ESCO¿erne'


def test_load_bundled_fills_an_empty_task_list_once(session: Session) -> None:
    created = service.load_bundled(session=session)
    assert created is not None and len(created) == 86
    assert service.load_bundled(session=session) is None
    assert service.count_tasks(session=session) == 86
