"""Reading uploads: CSV and XLSX told apart by content, rows into payloads, cell problems."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import datetime

import pytest
from flask import Flask
from simpul_finance import tables
from simpul_finance.reading import read_file
from simpul_finance.rows import Problem
from simpul_finance.tables import FileRefused

BUDGET_HEADER = [
    "ID Rincian",
    "Tahun",
    "Kode OPD",
    "Nama OPD",
    "Program",
    "Kegiatan",
    "Kode Rekening",
    "Pagu",
]
BUDGET_ROW = [
    "BL-1",
    "2026",
    "1.01.0.00.0.00.01.0000",
    "Dinas Pendidikan",
    "PROGRAM PENGELOLAAN PENDIDIKAN",
    "Pengelolaan Pendidikan Sekolah Dasar",
    "5.2.03.01.01.0001",
    "1.250.000.000,00",
]
BUDGET_PAYLOAD = {
    "kind": "budget_line",
    "id": "BL-1",
    "year": 2026,
    "opd_code": "1.01.0.00.0.00.01.0000",
    "opd_name": "Dinas Pendidikan",
    "program": "PROGRAM PENGELOLAAN PENDIDIKAN",
    "activity": "Pengelolaan Pendidikan Sekolah Dasar",
    "account_code": "5.2.03.01.01.0001",
    "amount": "1250000000.00",
}


@pytest.fixture(autouse=True)
def request_context(babel_app: Flask) -> Iterator[None]:
    with babel_app.test_request_context():
        yield


def test_a_csv_file_of_budget_lines_becomes_payloads(make_csv) -> None:
    contents = read_file(make_csv([BUDGET_HEADER, BUDGET_ROW]))

    assert contents.problems == []
    (row,) = contents.rows
    assert (row.table, row.number, row.kind) == ("", 2, "budget_line")
    assert row.payload == BUDGET_PAYLOAD
    assert row.headers["amount"] == "Pagu"


def test_semicolons_a_bom_title_rows_and_other_header_spellings_are_read(make_csv) -> None:
    header = ["no_sp2d", "TANGGAL", "ID Baris", "Nilai", "Keterangan"]
    data = make_csv(
        [
            ["LAPORAN REALISASI BELANJA TAHUN 2026"],
            [],
            header,
            ["00001/SP2D/LS/2026", "15/03/2026", "BL-1", "Rp 12.500.000", "honorarium"],
            ["", "", "", "", ""],
            ["00002/SP2D/LS/2026", "2026-04-01", "BL-1", "7500000.50", ""],
        ],
        delimiter=";",
    )

    contents = read_file("\ufeff".encode() + data)

    assert contents.problems == []
    assert [(row.number, row.payload) for row in contents.rows] == [
        (
            4,
            {
                "kind": "realization",
                "sp2d_number": "00001/SP2D/LS/2026",
                "date": "2026-03-15",
                "line_id": "BL-1",
                "amount": "12500000.00",
            },
        ),
        (
            6,
            {
                "kind": "realization",
                "sp2d_number": "00002/SP2D/LS/2026",
                "date": "2026-04-01",
                "line_id": "BL-1",
                "amount": "7500000.50",
            },
        ),
    ]


def test_each_sheet_of_a_workbook_is_a_table_and_numbers_stay_exact(make_xlsx) -> None:
    data = make_xlsx(
        {
            "Petunjuk": [["Isi lembar Anggaran dan Realisasi."]],
            "Anggaran": [
                ["APBD 2026"],
                BUDGET_HEADER,
                [*BUDGET_ROW[:1], 2026, *BUDGET_ROW[2:7], 1250000000.1],
            ],
            "Realisasi": [
                ["Nomor SP2D", "Tanggal SP2D", "ID Rincian", "Nilai SP2D"],
                ["00001/SP2D/LS/2026", datetime(2026, 3, 15), "BL-1", 12500000],
                ["00002/SP2D/LS/2026", "15-04-2026", "BL-1", 0.1],
            ],
        }
    )

    contents = read_file(data)

    assert contents.problems == [] and contents.skipped == ["Petunjuk"]
    assert contents.tables == ["Anggaran", "Realisasi"]
    assert [(r.table, r.number, r.payload["amount"]) for r in contents.rows] == [
        ("Anggaran", 3, "1250000000.10"),
        ("Realisasi", 2, "12500000.00"),
        ("Realisasi", 3, "0.10"),
    ]
    assert contents.rows[1].payload["date"] == "2026-03-15"
    assert contents.rows[2].payload["date"] == "2026-04-15"


def test_missing_columns_are_named(make_csv) -> None:
    header = [name for name in BUDGET_HEADER if name not in ("Pagu", "Kode Rekening")]

    contents = read_file(make_csv([header, BUDGET_ROW[:6]]))

    assert contents.rows == []
    (problem,) = contents.problems
    assert problem.row == 1
    assert problem.message.startswith("Missing columns: Kode Rekening, Pagu.")


@pytest.mark.parametrize(
    ("cell", "column", "message"),
    [
        ("sejuta", "Pagu", "sejuta is not an amount: write it like 1.250.000,00 or 1250000.00."),
        ("-1.000", "Pagu", "-1.000 is negative"),
        ("12,345", "Pagu", None),
        ("1250000.125", "Pagu", "is not an amount"),
        ("", "Pagu", "This cell is empty."),
    ],
)
def test_cells_that_cannot_be_read_are_problems_of_their_row_and_column(
    make_csv, cell: str, column: str, message: str | None
) -> None:
    contents = read_file(make_csv([BUDGET_HEADER, [*BUDGET_ROW[:7], cell]]))

    if message is None:
        assert contents.problems == [] and contents.rows[0].payload["amount"] == "12345.00"
    else:
        (problem,) = contents.problems
        assert (problem.row, problem.column) == (2, column)
        assert message in problem.message


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (["S1", "31/02/2026", "BL-1", "1000"], "Tanggal SP2D", "31/02/2026 is not a date"),
        (["S1", "2026-03-15", "BL-1", "0"], "Nilai SP2D", "A realization must be more than 0."),
        (["S1", "2026-03-15", "", "1000"], "ID Rincian", "This cell is empty."),
    ],
)
def test_realization_cells_are_checked(make_csv, cells: list, column: str, message: str) -> None:
    contents = read_file(
        make_csv([["Nomor SP2D", "Tanggal SP2D", "ID Rincian", "Nilai SP2D"], cells])
    )

    (problem,) = contents.problems
    assert (problem.row, problem.column) == (2, column)
    assert problem.message.startswith(message)


def test_a_table_without_a_header_or_rows_is_a_problem(make_csv) -> None:
    no_header = read_file(make_csv([["nama", "alamat"], ["Budi", "Jl. Melati"]]))
    no_rows = read_file(make_csv([BUDGET_HEADER]))

    assert no_header.problems[0].message.startswith("No header row with known columns")
    assert "Nomor SP2D" in no_header.problems[0].message
    assert no_rows.problems == [Problem("No rows to import.")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel workbook (.xls)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "neither a CSV file nor an XLSX workbook"),
        (b"ID Rincian,Pagu\nBL-1,\xe9t\xe9\n", "not UTF-8 text"),
    ],
)
def test_files_that_are_not_tables_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(FileRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_file(data)


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("readme.txt", "bukan workbook")

    with pytest.raises(FileRefused, match="neither a CSV file nor an XLSX workbook"):
        read_file(archive.getvalue())


def test_too_many_rows_are_refused(make_csv, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "MAX_ROWS", 3)

    with pytest.raises(FileRefused, match="more than 3 rows"):
        read_file(make_csv([BUDGET_HEADER, *[BUDGET_ROW] * 4]))
