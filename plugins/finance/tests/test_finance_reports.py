"""Importing the spreadsheets finance officers have: a Laporan Realisasi Anggaran in the
Permendagri 77/2020 layout, a SIPD realisasi export, and a file whose columns are mapped once."""

from __future__ import annotations

import html
import io
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from simpul_finance.cells import read_percent, read_signed
from simpul_finance.reading import read_file
from sqlalchemy import select

from hub.api import Record, RunningServer, SourceSettings, read_session
from hub.testing import PASSWORD

JAKARTA = ZoneInfo("Asia/Jakarta")
AMOUNT_FORMAT = '#,##0.00;(#,##0.00);"-"'
PU = "1.03.0.00.0.00.01.0000"
PU_NAME = "Dinas Pekerjaan Umum dan Penataan Ruang"
LRA_ROWS: list[list[Any]] = [
    ["4", "PENDAPATAN DAERAH", 50_000_000, 52_000_000, 2_000_000, 1.04],
    ["4.1", "PENDAPATAN ASLI DAERAH (PAD)", 50_000_000, 52_000_000, 2_000_000, 1.04],
    ["4.1.02", "Retribusi Daerah", 50_000_000, 52_000_000, 2_000_000, 1.04],
    [None, "JUMLAH PENDAPATAN", 50_000_000, 52_000_000, 2_000_000, 1.04],
    ["5", "BELANJA DAERAH", 1_500_000_000, 700_000_000, -800_000_000, 0.4667],
    ["5.1", "BELANJA OPERASI", 1_000_000_000, 600_000_000, -400_000_000, 0.6],
    ["5.1.02", "Belanja Barang dan Jasa", 1_000_000_000, 600_000_000, -400_000_000, 0.6],
    ["5.1.02.01", "Belanja Barang", 400_000_000, 250_000_000, -150_000_000, 0.625],
    [
        "5.1.02.01.01.0024",
        "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor",
        "400.000.000,00",
        "250.000.000,00",
        "(150.000.000,00)",
        "62,50%",
    ],
    ["5.1.02.02", "Belanja Jasa", 600_000_000, 350_000_000, -250_000_000, 0.5833],
    [
        "5.1.02.02.01.0013",
        "Belanja Jasa Tenaga Kebersihan",
        "Rp 600.000.000,00",
        "Rp 350.000.000,00",
        "(250.000.000,00)",
        "58,33 %",
    ],
    ["5.2", "BELANJA MODAL", 500_000_000, 100_000_000, -400_000_000, 0.2],
    ["5.2.03", "Belanja Modal Peralatan dan Mesin", 500_000_000, 100_000_000, -400_000_000, 0.2],
    ["5.2.03.10.01.0001", "Belanja Modal Komputer Unit", 300_000_000, 100_000_000, -2e8, 0.3333],
    ["5.2.03.10.02.0001", "Belanja Modal Peralatan Jaringan", 200_000_000, "-", -2e8, "-"],
    [None, "JUMLAH BELANJA", 1_500_000_000, 700_000_000, -800_000_000, 0.4667],
    [None, "SURPLUS / (DEFISIT)", -1_450_000_000, -648_000_000, 802_000_000, None],
]
"""The body of the LRA: revenue, spending down to the detail accounts, totals without a code."""
LRA_LINES = {
    f"{PU}/5.1.02.01.01.0024": ("400000000.00", "250000000.00"),
    f"{PU}/5.1.02.02.01.0013": ("600000000.00", "350000000.00"),
    f"{PU}/5.2.03.10.01.0001": ("300000000.00", "100000000.00"),
    f"{PU}/5.2.03.10.02.0001": ("200000000.00", None),
}
"""What the LRA stores: each detail spending account's budget and realized to date."""


def lra_workbook(rows: list[list[Any]] = LRA_ROWS, period: str = "30 JUNI 2026") -> bytes:
    """An LRA of one SKPD as Permendagri 77/2020 lays it out: title rows, a two-row header with
    merged cells, a row numbering the columns, the accounts, totals and the signature."""
    book = Workbook()
    sheet = book.active
    sheet.title = "LRA"
    titles = [
        "PEMERINTAH KOTA TANGERANG",
        "LAPORAN REALISASI ANGGARAN PENDAPATAN DAN BELANJA DAERAH",
        f"SKPD : {PU} {PU_NAME}",
        f"UNTUK PERIODE YANG BERAKHIR SAMPAI DENGAN {period}",
    ]
    for number, title in enumerate(titles, start=1):
        sheet.cell(number, 1, title).font = Font(bold=True)
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=6)
    sheet["A6"], sheet["B6"], sheet["C6"], sheet["E6"] = (
        "KODE REKENING",
        "URAIAN",
        "JUMLAH (Rp)",
        "BERTAMBAH/(BERKURANG)",
    )
    sheet["C7"], sheet["D7"], sheet["E7"], sheet["F7"] = "ANGGARAN", "REALISASI", "(Rp)", "%"
    for merged in ("A6:A7", "B6:B7", "C6:D6", "E6:F6"):
        sheet.merge_cells(merged)
    for column, label in enumerate(["1", "2", "3", "4", "5 = 4 - 3", "6"], start=1):
        sheet.cell(8, column, label).alignment = Alignment(horizontal="center")
    for number, row in enumerate(rows, start=9):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(number, column, value)
            if isinstance(value, int | float):
                cell.number_format = "0.00%" if column == 6 else AMOUNT_FORMAT
    end = 9 + len(rows) + 1
    sheet.cell(end, 5, "Tangerang, 5 Juli 2026")
    sheet.cell(end + 1, 5, "KEPALA DINAS PEKERJAAN UMUM DAN PENATAAN RUANG")
    sheet.cell(end + 4, 5, "Ir. BUDI SANTOSO, M.T.")
    sheet.cell(end + 5, 5, "NIP. 19700101 199503 1 001")
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


SIPD_HEADER = [
    "Kode SKPD",
    "Nama SKPD",
    "Kode Sub Kegiatan",
    "Nama Sub Kegiatan",
    "Kode Rekening",
    "Nama Rekening",
    "Pagu",
    "Realisasi",
    "Sisa",
    "Persentase",
]
EDUCATION = "1.01.0.00.0.00.01.0000"
SIPD_ROWS = [
    [
        EDUCATION,
        "Dinas Pendidikan",
        "1.01.02.2.01.0001",
        "Pembangunan Unit Sekolah Baru (USB)",
        "5.2.03.01.01.0001",
        "Belanja Modal Bangunan Gedung Sekolah",
        "2.500.000.000,00",
        "1.000.000.000,00",
        "1.500.000.000,00",
        "40,00",
    ],
    [
        EDUCATION,
        "Dinas Pendidikan",
        "1.01.02.2.01.0002",
        "Penambahan Ruang Kelas Baru",
        "5.2.03.01.01.0001",
        "Belanja Modal Bangunan Gedung Sekolah",
        "800.000.000,00",
        "-",
        "800.000.000,00",
        "0,00",
    ],
    [
        PU,
        PU_NAME,
        "1.03.10.2.01.0001",
        "Pembangunan Jalan",
        "5.1.02.01.01.0024",
        "Belanja Alat Tulis Kantor",
        "Rp 12.500.000",
        "Rp 2.345.678,90",
        "Rp 10.154.321,10",
        "18,77",
    ],
]


@pytest.fixture
def app(make_app, database_url: str, make_user) -> Flask:
    sources = (SourceSettings("keuangan", "finance-file"), SourceSettings("bpkad", "finance-file"))
    app = make_app(database_url, sources=sources)
    make_user(app, "bendahara", "operator")
    return app


@pytest.fixture
def client(app: Flask, sign_in) -> FlaskClient:
    client = app.test_client()
    sign_in(client, "bendahara")
    client.get("/finance/import?lang=en")
    return client


@pytest.fixture
def babel_context(babel_app: Flask) -> Iterator[None]:
    with babel_app.test_request_context():
        yield


def csrf(client: FlaskClient) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/finance/import").text)[1]


def upload(client: FlaskClient, data: bytes, filename: str, source: str = "keuangan") -> str:
    return client.post(
        "/finance/import",
        data={
            "csrf_token": csrf(client),
            "source": source,
            "file": (io.BytesIO(data), filename),
        },
        content_type="multipart/form-data",
    ).text


def confirm(client: FlaskClient, page: str) -> str:
    action = re.search(r'action="(/finance/import/[A-Za-z0-9_-]+)"', page)[1]
    return client.post(action, data={"csrf_token": csrf(client)}, follow_redirects=True).text


def problems_shown(page: str) -> list[str]:
    cards = re.findall(r'<li class="card">(.*?)</li>', page, re.S)
    texts = (html.unescape(re.sub(r"<[^>]+>", "", card)) for card in cards)
    return [re.sub(r"[ \t\r\n]+", " ", text).strip() for text in texts]


def stored(app: Flask) -> dict[str, tuple[str, str | None, dict]]:
    """Each stored budget line: its budget, what is realized of it, and its attributes."""
    with app.app_context(), read_session() as session:
        records = session.scalars(select(Record).where(Record.deleted_at.is_(None))).all()
    realized = {
        r.attributes["line_id"]: f"{r.amount:.2f}" for r in records if r.kind != "budget_line"
    }
    return {
        r.external_id: (f"{r.amount:.2f}", realized.get(r.external_id), r.attributes)
        for r in records
        if r.kind == "budget_line"
    }


def test_an_lra_workbook_stores_its_detail_spending_accounts(app: Flask, client) -> None:
    page = upload(client, lra_workbook(), "LRA Juni 2026.xlsx")

    assert problems_shown(page) == []
    assert "Budget Realization Report (LRA, Permendagri 77/2020)" in page
    confirm(client, page)

    books = stored(app)
    assert {line: amounts[:2] for line, amounts in books.items()} == LRA_LINES
    attributes = books[f"{PU}/5.1.02.01.01.0024"][2]
    assert attributes["account_code"] == "5.1.02.01.01.0024"
    assert attributes["account_level"] == 6
    assert attributes["opd_name"] == PU_NAME
    assert attributes["program"] == "BELANJA OPERASI"
    assert attributes["year"] == 2026
    with app.app_context(), read_session() as session:
        dates = set(session.scalars(select(Record.created_at).where(Record.kind == "realization")))
    assert {moment.astimezone(JAKARTA).date() for moment in dates} == {date(2026, 6, 30)}


def test_the_next_lra_replaces_what_is_realized_to_date(app: Flask, client) -> None:
    confirm(client, upload(client, lra_workbook(), "LRA Juni.xlsx"))
    later = [list(row) for row in LRA_ROWS]
    for row in later:
        if row[0] in ("5", "5.1", "5.1.02", "5.1.02.01"):
            row[3] += 100_000_000
    later[8][3] = "350.000.000,00"

    page = upload(client, lra_workbook(later, "30 SEPTEMBER 2026"), "LRA September.xlsx")

    assert problems_shown(page) == []
    confirm(client, page)
    books = stored(app)
    assert books[f"{PU}/5.1.02.01.01.0024"][:2] == ("400000000.00", "350000000.00")
    assert books[f"{PU}/5.1.02.02.01.0013"][:2] == ("600000000.00", "350000000.00")


def test_bad_cells_and_wrong_subtotals_are_named_by_row_and_column_and_nothing_is_stored(
    app: Flask, client
) -> None:
    rows = [list(row) for row in LRA_ROWS]
    rows[8][3] = "dua ratus juta"
    rows[9][2] = 610_000_000
    rows[14][5] = "banyak"

    page = upload(client, lra_workbook(rows), "LRA.xlsx")

    assert problems_shown(page) == [
        "Sheet LRA, row 17, column JUMLAH (Rp) REALISASI: dua ratus juta is not an amount: "
        "write it like 1.250.000,00 or 1250000.00.",
        "Sheet LRA, row 18, column JUMLAH (Rp) ANGGARAN: The subtotal of 5.1.02.02 is "
        "Rp\u00a0610,000,000 but its accounts add up to Rp\u00a0600,000,000.",
        "Sheet LRA, row 23, column BERTAMBAH/(BERKURANG) %: banyak is not a percentage like "
        "85,50%.",
    ]
    assert "Nothing was stored" in page and "Import</button>" not in page
    assert stored(app) == {}


def test_a_sipd_export_stores_a_line_per_agency_sub_activity_and_account(
    app: Flask, client, make_csv
) -> None:
    data = make_csv(
        [
            ["LAPORAN REALISASI ANGGARAN BELANJA PER SUB KEGIATAN"],
            ["Periode : 01 Januari 2026 s.d. 31 Mei 2026"],
            [],
            SIPD_HEADER,
            *SIPD_ROWS,
        ],
        delimiter=";",
    )

    page = upload(client, data, "sipd-realisasi.csv")

    assert problems_shown(page) == []
    assert "SIPD realization export" in page
    confirm(client, page)
    books = stored(app)
    assert {line: amounts[:2] for line, amounts in books.items()} == {
        f"{EDUCATION}/1.01.02.2.01.0001/5.2.03.01.01.0001": ("2500000000.00", "1000000000.00"),
        f"{EDUCATION}/1.01.02.2.01.0002/5.2.03.01.01.0001": ("800000000.00", None),
        f"{PU}/1.03.10.2.01.0001/5.1.02.01.01.0024": ("12500000.00", "2345678.90"),
    }
    school = books[f"{EDUCATION}/1.01.02.2.01.0001/5.2.03.01.01.0001"][2]
    assert (school["opd_name"], school["activity"]) == (
        "Dinas Pendidikan",
        "Pembangunan Unit Sekolah Baru (USB)",
    )


def test_unknown_columns_are_mapped_once_and_the_next_file_is_recognised(
    app: Flask, client, make_csv
) -> None:
    header = ["No", "Rekening", "Keterangan", "Target", "Capaian"]
    first = make_csv(
        [
            ["Rekap Serapan Anggaran Tahun Anggaran 2026"],
            header,
            ["1", "5.1.02.01.01.0024", "Alat Tulis Kantor", "10.000.000", "2.500.000"],
        ]
    )

    page = upload(client, first, "rekap.csv")

    assert "Which column holds what?" in page
    assert "Import</button>" not in page
    options = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', page))
    assert options == {"0": "No", "1": "Rekening", "2": "Keterangan", "3": "Target", "4": "Capaian"}
    action = re.search(r'action="(/finance/import/[^"/]+/columns)"', page)[1]
    refused = client.post(
        action,
        data={"csrf_token": csrf(client), "layout": "statement", "column-code": "1"},
    )
    assert refused.status_code == 400
    assert "Choose the column that holds Uraian." in refused.text
    mapped = client.post(
        action,
        data={
            "csrf_token": csrf(client),
            "layout": "statement",
            "column-code": "1",
            "column-name": "2",
            "column-budget": "3",
            "column-realized": "4",
        },
    ).text
    assert problems_shown(mapped) == []
    confirm(client, mapped)
    second = make_csv(
        [
            ["Rekap Serapan Anggaran Tahun Anggaran 2026"],
            header,
            ["1", "5.1.02.01.01.0024", "Alat Tulis Kantor", "10.000.000", "4.000.000"],
            ["2", "5.1.02.02.01.0013", "Jasa Kebersihan", "20.000.000", "-"],
        ]
    )

    page = upload(client, second, "rekap-2.csv")

    assert "Which column holds what?" not in page and problems_shown(page) == []
    assert "Read as: the columns chosen for this source." in page
    confirm(client, page)
    assert {line: amounts[:2] for line, amounts in stored(app).items()} == {
        "pemda/5.1.02.01.01.0024": ("10000000.00", "4000000.00"),
        "pemda/5.1.02.02.01.0013": ("20000000.00", None),
    }
    assert "Which column holds what?" in upload(client, second, "rekap-2.csv", "bpkad")


def test_a_table_can_be_mapped_as_budget_lines(app: Flask, client, make_csv) -> None:
    header = ["No. Urut", "Kode", "Thn", "Unit", "Nama Unit", "Prog", "Keg", "Akun", "Nilai"]
    row = ["1", "BL-9", "2026", PU, PU_NAME, "Jalan", "Pemeliharaan Jalan", "5.1.02.01.01.0024"]
    page = upload(client, make_csv([header, [*row, "Rp 7.500.000"]]), "pagu.csv")
    switch = re.search(r'href="(/finance/import/[^"]+/columns\?layout=budget_line)"', page)[1]

    form = client.get(switch.replace("&amp;", "&")).text
    assert '<strong aria-current="true">Budget lines</strong>' in form
    action = re.search(r'action="(/finance/import/[^"/]+/columns)"', form)[1]
    columns = ["id", "year", "opd_code", "opd_name", "program", "activity", "account_code"]
    choice = {f"column-{name}": str(index) for index, name in enumerate(columns, start=1)}
    mapped = client.post(
        action,
        data={"csrf_token": csrf(client), "layout": "budget_line", "column-amount": "8", **choice},
    ).text

    assert problems_shown(mapped) == []
    confirm(client, mapped)
    assert {line: amounts[:2] for line, amounts in stored(app).items()} == {
        "BL-9": ("7500000.00", None)
    }


def test_indonesian_numbers_and_a_two_row_header_are_read(
    babel_context: None, make_csv: Callable[..., bytes]
) -> None:
    contents = read_file(lra_workbook())

    assert contents.problems == []
    assert contents.layouts == {"LRA": "Budget Realization Report (LRA, Permendagri 77/2020)"}
    assert [(row.number, row.kind) for row in contents.rows] == [
        (17, "budget_line"),
        (17, "realization"),
        (19, "budget_line"),
        (19, "realization"),
        (22, "budget_line"),
        (22, "realization"),
        (23, "budget_line"),
    ]


def test_a_csv_lra_of_summary_accounts_keeps_each_code_and_level(
    app: Flask, client, make_csv
) -> None:
    data = make_csv(
        [
            ["PEMERINTAH KOTA TANGERANG"],
            ["LAPORAN REALISASI ANGGARAN"],
            ["TAHUN ANGGARAN 2025"],
            ["Kode Rekening", "Uraian", "Anggaran", "Realisasi", "Lebih/(Kurang)", "%"],
            ["5", "BELANJA DAERAH", "300.000,00", "250.000,00", "(50.000,00)", "83,33"],
            ["5.1", "BELANJA OPERASI", "300.000,00", "250.000,00", "(50.000,00)", "83,33"],
            ["5.1.01", "Belanja Pegawai", "100.000,00", "100.000,00", "-", "100,00"],
            ["5.1.02", "Belanja Barang dan Jasa", "200.000,00", "150.000,00", "(50.000,00)", "75"],
        ],
        delimiter=";",
    )

    page = upload(client, data, "lra-2025.csv")

    assert problems_shown(page) == []
    confirm(client, page)
    books = stored(app)
    assert {
        line: (amounts[:2], amounts[2]["account_level"]) for line, amounts in books.items()
    } == {
        "pemda/5.1.01": (("100000.00", "100000.00"), 3),
        "pemda/5.1.02": (("200000.00", "150000.00"), 3),
    }
    assert books["pemda/5.1.01"][2]["opd_name"] == "PEMERINTAH KOTA TANGERANG"


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("1.234.567,89", "1234567.89"),
        ("(1.234,00)", "-1234.00"),
        ("-1.234,00", "-1234.00"),
        ("Rp 1.250.000", "1250000"),
        ("Rp. (500,50)", "-500.50"),
        ("-", "0"),
        (None, "0"),
        (1250000.5, "1250000.5"),
        (-2e8, "-200000000.0"),
    ],
)
def test_report_amounts_are_read_as_indonesian_reports_write_them(
    babel_context: None, cell: Any, amount: str
) -> None:
    assert read_signed(cell) == Decimal(amount)


@pytest.mark.parametrize(
    ("cell", "share"), [("85,50%", "85.50"), ("58,33 %", "58.33"), ("-", "0"), (0.625, "0.625")]
)
def test_percent_cells_are_read(babel_context: None, cell: Any, share: str) -> None:
    assert read_percent(cell) == Decimal(share)


@pytest.mark.slow
def test_mapping_columns_fits_a_360_px_phone_in_indonesian(
    app: Flask, make_csv, tmp_path: Path
) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no chromium executable on PATH: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    data = make_csv(
        [
            ["Rekap Serapan Anggaran Pemerintah Kota Tangerang Tahun Anggaran 2026"],
            ["Nomor Urut", "Rekening Belanja", "Keterangan Rekening", "Target Anggaran", "Capaian"],
            ["1", "5.1.02.01.01.0024", "Alat Tulis Kantor", "10.000.000", "2.500.000"],
        ]
    )
    (tmp_path / "rekap.csv").write_bytes(data)
    with RunningServer(app) as hub, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        phone = browser.new_page(viewport={"width": 360, "height": 740})
        phone.goto(hub.url + "/login")
        phone.fill("input[name=username]", "bendahara")
        phone.fill("input[name=password]", PASSWORD)
        with phone.expect_navigation():
            phone.click("button[type=submit]")
        phone.goto(hub.url + "/finance/import")
        phone.set_input_files("input[type=file]", str(tmp_path / "rekap.csv"))
        with phone.expect_navigation():
            phone.click("form.panel button.primary")
        heading = phone.text_content("#mapping")
        widths = [phone.evaluate("document.documentElement.scrollWidth")]
        heights = phone.eval_on_selector_all(
            ".mapping select, .mapping button", "nodes => nodes.map(n => n.offsetHeight)"
        )
        phone.screenshot(path=str(tmp_path / "mapping.png"), full_page=True)
        phone.select_option("select[name=column-code]", label="Rekening Belanja")
        phone.select_option("select[name=column-name]", label="Keterangan Rekening")
        phone.select_option("select[name=column-budget]", label="Target Anggaran")
        phone.select_option("select[name=column-realized]", label="Capaian")
        with phone.expect_navigation():
            phone.click(".mapping button.primary")
        widths.append(phone.evaluate("document.documentElement.scrollWidth"))
        ready = phone.text_content("form.panel p")
        phone.screenshot(path=str(tmp_path / "checked.png"), full_page=True)
        browser.close()

    assert heading == "Kolom mana berisi apa?"
    assert widths == [360, 360]
    assert min(heights) >= 44
    assert ready.startswith("Tidak ditemukan masalah")
