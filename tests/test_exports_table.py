"""Tables as CSV and XLSX: formula-like text never runs, numbers and dates stay what they are."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pytest
from flask import Flask, request

from hub.exports import CSV_TYPE, XLSX_TYPE, Table, download, export_table

FORMULAS = [
    '=HYPERLINK("http://example.com","klik")',
    "+62 812 3456",
    "-1+2",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
JAKARTA = timezone(timedelta(hours=7))


def table(rows: list[list[object]], **options: object) -> Table:
    return Table(["Nama", "Jumlah"], rows, **options)


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8").removeprefix("\ufeff"))))


def sheet_of(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_a_csv_starts_with_a_bom_and_keeps_formulas_as_text() -> None:
    data = export_table(table([[text, 1] for text in [*FORMULAS, "Kelurahan Setu"]]), "csv")

    header, *rows = csv_rows(data)

    assert header == ["Nama", "Jumlah"]
    assert [row[0] for row in rows] == [*("'" + text for text in FORMULAS), "Kelurahan Setu"]


def test_a_csv_writes_numbers_dates_and_blanks_plainly() -> None:
    moment = datetime(2024, 5, 6, 8, 30, 15, 999, tzinfo=JAKARTA)
    rows = [[-5, Decimal("12.50")], [date(2024, 5, 6), moment], [None, 0.25]]

    assert csv_rows(export_table(table(rows), "csv"))[1:] == [
        ["-5", "12.50"],
        ["2024-05-06", "2024-05-06T08:30:15+07:00"],
        ["", "0.25"],
    ]


def test_a_csv_header_is_kept_as_text_too() -> None:
    data = export_table(Table(["=1+1", "Jumlah"], []), "csv")

    assert csv_rows(data) == [["'=1+1", "Jumlah"]]


def test_an_xlsx_stores_formula_like_text_as_text() -> None:
    sheet = sheet_of(export_table(table([[text, 1] for text in FORMULAS]), "xlsx"))

    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.data_type for cell in cells] == ["s"] * len(FORMULAS)
    # A carriage return may be read back as a line feed, by an XML parser without lxml.
    assert [cell.value.replace("\r", "\n") for cell in cells] == [
        text.replace("\r", "\n") for text in FORMULAS
    ]


def test_an_xlsx_keeps_numbers_and_dates() -> None:
    moment = datetime(2024, 5, 6, 8, 30, tzinfo=JAKARTA)
    rows = [[-5, Decimal("12.50")], [date(2024, 5, 6), moment], [None, True]]

    sheet = sheet_of(export_table(table(rows), "xlsx"))

    header, *cells = sheet.iter_rows()
    assert [cell.font.b for cell in header] == [True, True]
    assert [[cell.value for cell in row] for row in cells] == [
        [-5, 12.5],
        [datetime(2024, 5, 6), datetime(2024, 5, 6, 8, 30)],
        [None, True],
    ]
    assert [cell.data_type for cell in cells[0]] == ["n", "n"]
    assert cells[1][0].is_date and cells[1][1].is_date


def test_an_xlsx_shows_notes_above_the_header_and_a_csv_does_not() -> None:
    period = [["Periode", date(2024, 5, 1), date(2024, 5, 31)]]
    recap = table([["Setu", 3]], title="Rekap: Mei/2024 [semua]", notes=period)

    sheet = sheet_of(export_table(recap, "xlsx"))

    assert sheet.title == "Rekap- Mei-2024 -semua-"
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Periode", datetime(2024, 5, 1), datetime(2024, 5, 31)],
        ["Nama", "Jumlah", None],
        ["Setu", 3, None],
    ]
    assert csv_rows(export_table(recap, "csv")) == [["Nama", "Jumlah"], ["Setu", "3"]]


def test_an_xlsx_drops_characters_a_workbook_cannot_hold() -> None:
    sheet = sheet_of(export_table(table([["Ba\x00njir\x1b", 1]]), "xlsx"))

    assert sheet.cell(row=2, column=1).value == "Banjir"


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="pdf"):
        export_table(table([]), "pdf")  # type: ignore[arg-type]


@pytest.fixture
def client():
    app = Flask(__name__)

    @app.get("/download.<fmt>")
    def get(fmt: str):
        rows = ([f"=baris {number}", number] for number in range(500))
        name = request.args.get("name", 'laporan "Setu"\r\n/Cipayung')
        return download(Table(["Nama", "Nomor"], rows, request.args.get("title", "")), fmt, name)

    return app.test_client()


def test_a_csv_download_is_streamed_with_its_type_and_a_safe_name(client) -> None:
    response = client.get("/download.csv")

    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == CSV_TYPE
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="laporan _Setu____Cipayung.csv"'
    )
    rows = csv_rows(response.data)
    assert len(rows) == 501
    assert rows[500] == ["'=baris 499", "499"]


def test_an_xlsx_download_has_its_type_and_the_rows(client) -> None:
    response = client.get("/download.xlsx?title=Rekap")

    assert response.status_code == 200
    assert response.mimetype == XLSX_TYPE
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="laporan _Setu____Cipayung.xlsx"'
    )
    sheet = sheet_of(response.data)
    assert sheet.title == "Rekap"
    assert (sheet["A501"].value, sheet["A501"].data_type) == ("=baris 499", "s")
    assert sheet["B501"].value == 499


def test_a_name_beyond_ascii_is_sent_in_utf8_beside_an_ascii_one(client) -> None:
    name = "rekap-Pasar Minggu–Mei ✓ café"

    with client.get("/download.csv", query_string={"name": name}) as response:
        disposition = response.headers["Content-Disposition"]

    assert disposition.isascii()
    fallback, utf8 = disposition.split("; filename*=UTF-8''")
    assert fallback == 'attachment; filename="rekap-Pasar Minggu_Mei _ cafe.csv"'
    assert unquote(utf8) == f"{name}.csv"


def test_an_empty_name_and_title_still_download(client) -> None:
    response = client.get("/download.xlsx?name=..")

    assert response.headers["Content-Disposition"] == 'attachment; filename="download.xlsx"'
    assert sheet_of(response.data).title == "Sheet"


def test_an_aware_time_keeps_its_wall_clock_in_an_xlsx() -> None:
    moment = datetime(2024, 5, 6, 1, 0, tzinfo=UTC).astimezone(JAKARTA)

    sheet = sheet_of(export_table(table([["Setu", moment]]), "xlsx"))

    assert sheet.cell(row=2, column=2).value == datetime(2024, 5, 6, 8, 0)
