"""Downloads of the complaint list: CSV and XLSX with the list's filters and the user's scope."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import gettext
from test_rankings import (
    MUNJUL,
    PISANGAN_BARU,
    SETU,
    Complaint,
    add_complaints,
    read_only_portal,
    signed_in,
)

from features.complaints import exports
from hub.exports import XLSX_TYPE
from hub.state import current_hub

HEADER = [
    "ID",
    "Source",
    "External ID",
    "Title",
    "Category",
    "Status",
    "Kelurahan",
    "Kecamatan",
    "Agency",
    "Received",
    "First response",
    "Resolved",
    "Overdue",
]
FORMULA = '=HYPERLINK("http://example.com","klik")'


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


USERS = (("admin", "admin", None), ("setu", "ward_staff", SETU))
COMPLAINTS = [
    Complaint(SETU, "dlh", utc(2024, 5, 6, 1), "in_progress", response=2, title="Sampah di Setu"),
    Complaint(
        MUNJUL,
        "dishub",
        utc(2024, 5, 7, 1),
        "open",
        response_due=1,
        category="Banjir",
        title="Banjir di Munjul",
    ),
    Complaint(
        PISANGAN_BARU, "dlh", utc(2024, 5, 8, 1), "resolved", response=1, resolved=26, title=FORMULA
    ),
    Complaint(SETU, "dlh", utc(2024, 5, 9, 1), "open", title="Dihapus", deleted=True),
    Complaint(SETU, None, utc(2024, 5, 10, 1), "closed", response=1, resolved=1),
]


@pytest.fixture
def city(make_app, database_url, make_user) -> Flask:
    """On SQLite and PostgreSQL, with an officer of Dinas Perhubungan."""
    app = make_app(database_url, language="en")
    for username, role, area in USERS:
        make_user(app, username, role, area)
    make_user(app, "dishub", "officer", agency_code="dishub")
    add_complaints(app, COMPLAINTS)
    return app


@pytest.fixture(scope="module")
def small_city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """On SQLite only, shared by the module's tests that only read."""
    app = read_only_portal(tmp_path_factory.mktemp("exports"), USERS, COMPLAINTS)
    yield app
    current_hub(app).db.dispose()


@pytest.fixture(scope="module")
def admin(small_city: Flask) -> FlaskClient:
    return signed_in(small_city, "admin")


def csv_rows(client: FlaskClient, query: str = "") -> list[list[str]]:
    response = client.get(f"/complaints/export.csv?{query}")
    assert response.status_code == 200, response.text
    assert response.is_streamed
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    header, *rows = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    assert header == HEADER
    return rows


def test_the_csv_holds_every_column_newest_first_read_in_batches(
    city: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "BATCH", 2)

    rows = csv_rows(signed_in(city, "admin"))

    assert [row[3] for row in rows] == [
        "Laporan",
        "'" + FORMULA,
        "Banjir di Munjul",
        "Sampah di Setu",
    ]
    setu, munjul = rows[3], rows[2]
    assert setu[1:] == [
        "qlue",
        "1",
        "Sampah di Setu",
        "Sampah",
        "In process",
        "Setu",
        "Cipayung",
        "Dinas Lingkungan Hidup",
        "2024-05-06T08:00:00+07:00",
        "2024-05-06T10:00:00+07:00",
        "",
        "No",
    ]
    assert munjul[5:] == [
        "Waiting",
        "Munjul",
        "Cipayung",
        "Dinas Perhubungan",
        "2024-05-07T08:00:00+07:00",
        "",
        "",
        "Yes",
    ]
    assert rows[1][5] == "Done" and rows[1][7:9] == ["Matraman", "Dinas Lingkungan Hidup"]
    assert rows[0][5] == "Closed, not fixed" and rows[0][8] == ""


def test_exports_keep_to_the_users_scope(city: Flask) -> None:
    ward, officer = signed_in(city, "setu"), signed_in(city, "dishub")

    assert [row[3] for row in csv_rows(ward)] == ["Laporan", "Sampah di Setu"]
    assert [row[3] for row in csv_rows(officer)] == ["Banjir di Munjul"]
    elsewhere = ward.get("/complaints/export.csv?kecamatan=31.75.01")
    assert elsewhere.status_code == 400
    assert "Unknown kecamatan “31.75.01”." in elsewhere.text


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("status=open", ["Banjir di Munjul"]),
        ("kecamatan=31.75.01", ["'" + FORMULA]),
        ("category=Banjir", ["Banjir di Munjul"]),
        ("from=2024-05-07&to=2024-05-08", ["'" + FORMULA, "Banjir di Munjul"]),
        ("kecamatan=31.75.10&kelurahan=31.75.10.1005", ["Laporan", "Sampah di Setu"]),
    ],
)
def test_exports_apply_the_lists_filters(admin: FlaskClient, query: str, titles: list[str]) -> None:
    assert [row[3] for row in csv_rows(admin, query)] == titles


def test_a_bad_filter_refuses_the_download(admin: FlaskClient) -> None:
    for extension in ("csv", "xlsx"):
        response = admin.get(f"/complaints/export.{extension}?status=lost&from=31-12-2024")
        assert response.status_code == 400
        assert "Unknown status “lost”." in response.text
        assert "“31-12-2024” is not a date" in response.text


def test_the_xlsx_holds_the_same_rows_in_indonesian(small_city: Flask) -> None:
    client = signed_in(small_city, "admin")

    response = client.get("/complaints/export.xlsx?lang=id&kecamatan=31.75.10")

    assert response.status_code == 200
    assert response.mimetype == XLSX_TYPE
    assert "complaints-" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header, *rows = sheet.iter_rows(values_only=True)
    with small_city.test_request_context("/?lang=id"):
        assert list(header) == [gettext(title) for title in HEADER]
        in_process, no = gettext("In process"), gettext("No")
    assert header[2] == "ID eksternal"
    assert [row[3] for row in rows] == ["Laporan", "Banjir di Munjul", "Sampah di Setu"]
    setu = rows[2]
    assert setu[5:] == (
        in_process,
        "Setu",
        "Cipayung",
        "Dinas Lingkungan Hidup",
        datetime(2024, 5, 6, 8),
        datetime(2024, 5, 6, 10),
        None,
        no,
    )


def test_a_formula_in_a_title_stays_text_in_the_xlsx(admin: FlaskClient) -> None:
    response = admin.get("/complaints/export.xlsx?kecamatan=31.75.01")

    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    cell = sheet.cell(row=2, column=4)
    assert (cell.value, cell.data_type) == (FORMULA, "s")


def test_the_list_links_to_its_export_with_its_filters(admin: FlaskClient) -> None:
    page = admin.get("/complaints?status=open&page=1").text

    assert 'href="/complaints/export.csv?status=open"' in page
    assert 'href="/complaints/export.xlsx?status=open"' in page
