"""Importing files through the portal: preview, confirmation, all or nothing; every bad input
gets a row-level error and leaves what is stored untouched."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from hub.api import Record, SourceSettings, commit_import, read_session

HEADER = [
    "ID Rincian",
    "Tahun",
    "Kode OPD",
    "Nama OPD",
    "Program",
    "Kegiatan",
    "Kode Rekening",
    "Pagu",
]
SPENT = ["Nomor SP2D", "Tanggal SP2D", "ID Rincian", "Nilai SP2D"]
ROADS = "1.03.0.00.0.00.01.0000"


def budget_row(line_id: str, amount: str) -> list[str]:
    return [
        line_id,
        "2026",
        ROADS,
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        "PROGRAM PENYELENGGARAAN JALAN",
        "Penyelenggaraan Jalan Kabupaten/Kota",
        "5.2.04.01.01.0012",
        amount,
    ]


STORED = [
    {
        "kind": "budget_line",
        "id": "BL-1",
        "year": 2026,
        "opd_code": ROADS,
        "opd_name": "Dinas Pekerjaan Umum dan Penataan Ruang",
        "program": "PROGRAM PENYELENGGARAAN JALAN",
        "activity": "Penyelenggaraan Jalan Kabupaten/Kota",
        "account_code": "5.2.04.01.01.0012",
        "amount": "1000000000.00",
    },
    {
        "kind": "realization",
        "sp2d_number": "SP2D-1",
        "date": "2026-02-01",
        "line_id": "BL-1",
        "opd_code": ROADS,
        "amount": "900000000.00",
    },
]
"""What the source stores before each test: line BL-1, 900 of its 1,000 million spent."""


def make_finance_app(make_app, url: str, make_user) -> Flask:
    app = make_app(url, sources=(SourceSettings("keuangan", "finance-file"),))
    make_user(app, "bendahara", "operator")
    make_user(app, "petugas", "officer")
    make_user(app, "staf", "ward_staff", area_code="36.71.01.1001")
    with app.test_request_context():
        commit_import("keuangan", STORED)
    return app


@pytest.fixture
def app(make_app, sqlite_url: str, make_user) -> Flask:
    return make_finance_app(make_app, sqlite_url, make_user)


@pytest.fixture
def both_app(make_app, database_url: str, make_user) -> Flask:
    return make_finance_app(make_app, database_url, make_user)


@pytest.fixture
def signed_in(sign_in) -> Callable[[Flask, str], FlaskClient]:
    def sign(app: Flask, username: str = "bendahara") -> FlaskClient:
        client = app.test_client()
        sign_in(client, username)
        client.get("/finance/import?lang=en")
        return client

    return sign


def token_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def upload(client: FlaskClient, data: bytes, filename: str = "realisasi.csv") -> Any:
    token = token_of(client.get("/finance/import").text)
    return client.post(
        "/finance/import",
        data={"csrf_token": token, "source": "keuangan", "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def confirm(client: FlaskClient, preview_page: str) -> Any:
    """Press the preview's Import button, as ``client``."""
    action = re.search(r'action="(/finance/import/[^"]+)"', preview_page).group(1)
    return client.post(action, data={"csrf_token": token_of(client.get("/finance/import").text)})


def stored(app: Flask) -> dict[str, tuple[int, Decimal]]:
    with app.app_context(), read_session() as session:
        rows = session.execute(
            select(Record.kind, func.count(), func.sum(Record.amount))
            .where(Record.deleted_at.is_(None))
            .group_by(Record.kind)
        )
        return {kind: (count, total) for kind, count, total in rows}


BEFORE = {
    "budget_line": (1, Decimal("1000000000.00")),
    "realization": (1, Decimal("900000000.00")),
}


def test_a_csv_file_is_previewed_then_imported(app: Flask, signed_in, make_csv) -> None:
    client = signed_in(app)
    data = make_csv(
        [
            HEADER,
            budget_row("BL-2", "2.500.000.000,00"),
            budget_row("BL-3", "750.000.000,50"),
        ],
        delimiter=";",
    )

    preview = upload(client, data, "anggaran.csv")

    page = preview.text
    assert preview.status_code == 200 and "No problems found" in page
    assert "2 rows" in page and "Rp\u00a03,250,000,000.50" in page
    assert stored(app) == BEFORE
    done = confirm(client, page)
    assert done.status_code == 302
    assert "2 new, 0 changed, 0 unchanged" in client.get(done.location).text
    assert stored(app)["budget_line"] == (3, Decimal("4250000000.50"))
    assert confirm(client, page).status_code == 404


def test_an_xlsx_workbook_with_lines_and_their_realizations_is_imported(
    both_app: Flask, signed_in, make_xlsx
) -> None:
    client = signed_in(both_app)
    data = make_xlsx(
        {
            "Anggaran": [["APBD Kota Tangerang 2026"], HEADER, budget_row("BL-2", 300000000)],
            "Realisasi": [
                SPENT,
                ["SP2D-2", datetime(2026, 3, 1), "BL-2", 120000000.25],
                ["SP2D-3", "02/03/2026", "BL-1", "100.000.000"],
            ],
        }
    )

    page = upload(client, data, "keuangan.xlsx").text
    assert "No problems found" in page
    confirm(client, page)

    assert stored(both_app) == {
        "budget_line": (2, Decimal("1300000000.00")),
        "realization": (3, Decimal("1120000000.25")),
    }
    with both_app.app_context(), read_session() as session:
        record = session.scalars(select(Record).where(Record.external_id == "SP2D-2")).one()
    assert record.category == ROADS and record.attributes["line_id"] == "BL-2"


def problems_shown(page: str) -> list[str]:
    """The problems listed on a preview page, as text."""
    items = re.findall(r'<li class="card"><span class="where">(.*?)</li>', page, re.S)
    texts = [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in items]
    return [re.sub(r"[ \t\r\n]+", " ", text).strip() for text in texts]


BAD_FILES: list[tuple[str, list | bytes, str]] = [
    (
        "a missing column",
        [["Nomor SP2D", "Tanggal SP2D", "ID Rincian"], ["SP2D-2", "2026-03-01", "BL-1"]],
        "Row 1: Missing columns: Nilai SP2D.",
    ),
    (
        "a non-numeric amount",
        [
            SPENT,
            ["SP2D-2", "2026-03-01", "BL-1", "1.000"],
            ["SP2D-3", "2026-03-01", "BL-1", "satu juta"],
        ],
        "Row 3, column Nilai SP2D: satu juta is not an amount",
    ),
    (
        "a negative amount",
        [HEADER, budget_row("BL-2", "-5.000")],
        "Row 2, column Pagu: -5.000 is negative",
    ),
    (
        "an SP2D twice in the file",
        [
            SPENT,
            ["SP2D-2", "2026-03-01", "BL-1", "1.000"],
            ["SP2D-2", "2026-03-02", "BL-1", "2.000"],
        ],
        "Row 3, column Nomor SP2D: SP2D SP2D-2 appears again: it is on row 2.",
    ),
    (
        "an SP2D dated in the future",
        [SPENT, ["SP2D-2", "2099-03-01", "BL-1", "1.000"]],
        "Row 2, column Tanggal SP2D: The SP2D is dated in the future.",
    ),
    (
        "an area the hub does not know",
        [[*HEADER, "Kode Wilayah"], [*budget_row("BL-2", "1.000"), "36.71.99"]],
        "Row 2: unknown area code '36.71.99'",
    ),
    ("an empty file", b"", "The file: The file is empty."),
    ("a PDF", b"%PDF-1.7\n\x00\x01", "The file: This is neither a CSV file nor an XLSX workbook."),
    (
        "an old .xls workbook",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00",
        "The file: This is an old Excel workbook (.xls)",
    ),
]
"""Files refused for what they hold: (what, rows or the file's bytes, the problem shown)."""

CLASHES: list[tuple[str, list, str]] = [
    (
        "an SP2D already stored",
        [SPENT, ["SP2D-1", "2026-03-01", "BL-1", "1.000"]],
        "Row 2, column Nomor SP2D: SP2D SP2D-1 is already stored.",
    ),
    (
        "a realization for an unknown budget line",
        [SPENT, ["SP2D-2", "2026-03-01", "BL-9", "1.000"]],
        "Row 2, column ID Rincian: There is no budget line BL-9, neither stored nor in this file.",
    ),
    (
        "a realization overspending its stored line",
        [
            SPENT,
            ["SP2D-2", "2026-03-01", "BL-1", "60.000.000"],
            ["SP2D-3", "2026-03-02", "BL-1", "40.000.000,01"],
        ],
        "Row 3, column Nilai SP2D: This realization overspends line BL-1: "
        "Rp\u00a01,000,000,000.01 realized of a budget of Rp\u00a01,000,000,000, "
        "Rp\u00a00.01 over.",
    ),
    (
        "a budget cut below what is realized",
        [HEADER, budget_row("BL-1", "800.000.000")],
        "Row 2, column Pagu: The budget of line BL-1 would be Rp\u00a0800,000,000, below the "
        "Rp\u00a0900,000,000 already realized.",
    ),
]
"""Files refused for clashing with what the source stores: (what, rows, the problem shown)."""


def test_bad_files_are_refused_row_by_row_and_nothing_is_stored(
    app: Flask, signed_in, make_csv
) -> None:
    client = signed_in(app)
    for what, content, problem in BAD_FILES:
        data = content if isinstance(content, bytes) else make_csv(content)

        page = upload(client, data).text

        assert problem in " | ".join(problems_shown(page)), what
        assert "Nothing was stored" in page and "/finance/import/" not in page, what
        assert stored(app) == BEFORE, what


def test_files_clashing_with_the_stored_books_are_refused_and_nothing_is_lost(
    both_app: Flask, signed_in, make_csv, make_xlsx
) -> None:
    client = signed_in(both_app)
    same_file = make_xlsx(
        {
            "Anggaran": [HEADER, budget_row("BL-2", "5.000.000")],
            "Realisasi": [SPENT, ["SP2D-2", "2026-03-01", "BL-2", "6.000.000"]],
        }
    )
    for what, rows, problem in CLASHES:
        page = upload(client, make_csv(rows)).text

        assert problem in " | ".join(problems_shown(page)), what
        assert stored(both_app) == BEFORE, what

    page = upload(client, same_file, "keuangan.xlsx").text

    assert problems_shown(page) == [
        "Sheet Realisasi, row 2, column Nilai SP2D: This realization overspends line BL-2: "
        "Rp\u00a06,000,000 realized of a budget of Rp\u00a05,000,000, Rp\u00a01,000,000 over."
    ]
    assert stored(both_app) == BEFORE


def test_a_file_over_the_size_limit_is_refused(app: Flask, signed_in) -> None:
    response = upload(signed_in(app), b"a" * (10 * 2**20 + 1))

    assert response.status_code == 413
    assert "The file is larger than 10 MB: split it." in response.text
    assert stored(app) == BEFORE


def test_a_request_far_over_the_limit_is_refused_before_its_form_is_read(
    app: Flask, signed_in
) -> None:
    client = signed_in(app)
    token = token_of(client.get("/finance/import").text)

    response = client.post(
        "/finance/import",
        data={
            "csrf_token": token,
            "source": "no-such-source",
            "file": (io.BytesIO(b"a" * 11 * 2**20), "a.csv"),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 413
    assert "The file is larger than 10 MB: split it." in response.text


def test_confirming_checks_again_and_stores_nothing_if_the_books_changed(
    app: Flask, signed_in, make_csv
) -> None:
    client = signed_in(app)
    page = upload(client, make_csv([SPENT, ["SP2D-2", "2026-03-01", "BL-1", "60.000.000"]])).text
    assert "No problems found" in page
    with app.test_request_context():
        commit_import("keuangan", [{**STORED[1], "sp2d_number": "SP2D-9", "amount": "50000000.00"}])

    refused = confirm(client, page)

    assert refused.status_code == 200
    assert problems_shown(refused.text) == [
        "Row 2, column Nilai SP2D: This realization overspends line BL-1: Rp\u00a01,010,000,000 "
        "realized of a budget of Rp\u00a01,000,000,000, Rp\u00a010,000,000 over."
    ]
    assert stored(app)["realization"] == (2, Decimal("950000000.00"))


def test_only_the_uploader_can_confirm(app: Flask, signed_in, make_user, make_csv) -> None:
    make_user(app, "admin2", "admin")
    uploader = signed_in(app)
    page = upload(uploader, make_csv([SPENT, ["SP2D-2", "2026-03-01", "BL-1", "1.000"]])).text

    other = signed_in(app, "admin2")

    assert confirm(other, page).status_code == 404
    assert stored(app) == BEFORE
    assert (
        confirm(uploader, page.replace("/finance/import/", "/finance/import/x")).status_code == 404
    )
    assert confirm(uploader, page).status_code == 302
    assert stored(app)["realization"] == (2, Decimal("900001000.00"))


def test_a_source_must_be_chosen_among_the_finance_sources(app: Flask, signed_in) -> None:
    client = signed_in(app)
    token = token_of(client.get("/finance/import").text)

    response = client.post(
        "/finance/import",
        data={"csrf_token": token, "source": "qlue", "file": (io.BytesIO(b"x"), "a.csv")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400 and "Choose the source to import into." in response.text


def test_who_may_import_and_who_may_read_the_figures(app: Flask, sign_in) -> None:
    def status(username: str, path: str) -> int:
        client = app.test_client()
        sign_in(client, username)
        return client.get(path).status_code

    assert status("bendahara", "/finance/import") == 200
    assert status("petugas", "/finance/import") == 403
    assert status("petugas", "/finance/") == 200
    assert status("staf", "/finance/") == 403
    assert app.test_client().get("/finance/import").status_code == 302
