"""The rankings page and the weekly report page with its CSV and XLSX downloads."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

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
    read_only_portal,
    signed_in,
)

from features.complaints.weekly import IsoWeek
from hub.state import current_hub

WIB = ZoneInfo("Asia/Jakarta")
TODAY = datetime.now(WIB).date()
LAST_WEEK = IsoWeek.containing(TODAY).previous()
WEEK = LAST_WEEK.previous()
"""The report's week: never within the last seven days, nor is the week before it within
forty."""
USERS = (("admin", "admin", None), ("officer", "officer", None), ("setu", "ward_staff", SETU))


def hours_ago(hours: float) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)


def in_the_week(day: int, hour: int) -> datetime:
    """``hour`` o'clock WIB on day ``day`` (0 is Monday) of the report's week."""
    return datetime.combine(WEEK.monday + timedelta(days=day), time(hour), WIB)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = read_only_portal(
        tmp_path_factory.mktemp("rankings"),
        USERS,
        [
            Complaint(SETU, "dlh", hours_ago(30), "in_progress", response=1),
            Complaint(SETU, "dlh", hours_ago(20), "in_progress", response=3),
            Complaint(MUNJUL, "dishub", hours_ago(10), "open"),
            Complaint(PISANGAN_BARU, "dlh", hours_ago(24 * 40), "in_progress", response=1),
            Complaint(SETU, "dlh", in_the_week(0, 1), "in_progress", response=2),
            Complaint(MUNJUL, "dishub", in_the_week(6, 23), "open"),
        ],
    )
    yield app
    current_hub(app).db.dispose()


@pytest.fixture(scope="module")
def admin(city: Flask) -> FlaskClient:
    return signed_in(city, "admin")


def table_rows(page: str, section: int = 0) -> list[list[str]]:
    """The cells of each body row of the ``section``-th figures table, tags stripped."""
    table = re.findall(r"<table class=\"figures\">(.*?)</table>", page, re.S)[section]
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    return [
        [
            re.sub(r"<[^>]+>|\s+", " ", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def only_the_portals_scripts(page: str) -> bool:
    """Whether the page runs no script but the portal's own, for working without signal."""
    scripts = re.findall(r"<script[^>]*>", page)
    return all("webapp-messages" in tag or "offline.js" in tag for tag in scripts)


def test_rankings_default_to_the_kelurahan_over_the_last_seven_days(admin: FlaskClient) -> None:
    page = admin.get("/complaints/rankings").text

    assert f'name="from" value="{(TODAY - timedelta(days=6)).isoformat()}"' in page
    assert f'name="to" value="{TODAY.isoformat()}"' in page
    rows = table_rows(page)
    assert [row[:5] for row in rows] == [
        ["1", "Setu", "2", "2", "100.0%"],
        ["2", "Munjul", "1", "0", "0.0%"],
    ]
    assert rows[0][5] == "2.0"  # median hours to a first response: 1 and 3
    assert "3 complaints received" in page and "66.7% had a first response" in page
    assert "Top of the ranking" in page and "Bottom of the ranking" in page
    assert only_the_portals_scripts(page)


def test_rankings_by_kecamatan_and_agency_over_chosen_days(admin: FlaskClient) -> None:
    start = (TODAY - timedelta(days=45)).isoformat()

    by_kecamatan = table_rows(admin.get(f"/complaints/rankings?by=kecamatan&from={start}").text)
    by_agency = table_rows(admin.get(f"/complaints/rankings?by=agency&from={start}").text)

    # Matraman answered its one complaint (100%), Cipayung three of five (60%); the ranking
    # goes by the Wilson lower bound, 20.7% for one of one and 23.1% for three of five.
    assert [row[1:4] for row in by_kecamatan] == [["Cipayung", "5", "3"], ["Matraman", "1", "1"]]
    assert [row[1:4] for row in by_agency] == [
        ["Dinas Lingkungan Hidup", "4", "4"],
        ["Dinas Perhubungan", "2", "0"],
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("by=rt", "Unknown grouping “rt”."),
        ("from=yesterday", "“yesterday” is not a date"),
        ("from=2024-05-10&to=2024-05-01", "The start date is after the end date."),
    ],
)
def test_a_bad_ranking_choice_is_explained(admin: FlaskClient, query: str, message: str) -> None:
    response = admin.get(f"/complaints/rankings?{query}")

    assert response.status_code == 200
    assert message in response.text


def test_rankings_are_for_admins_operators_and_officers(city: Flask) -> None:
    officer, ward = signed_in(city, "officer"), signed_in(city, "setu")

    assert officer.get("/complaints/rankings").status_code == 200
    assert 'href="/complaints/rankings"' in officer.get("/complaints").text
    assert ward.get("/complaints/rankings").status_code == 403
    assert ward.get("/complaints/weekly.csv").status_code == 403
    assert 'href="/complaints/rankings"' not in ward.get("/complaints").text
    assert city.test_client().get("/complaints/weekly").status_code == 302


@pytest.fixture(scope="module")
def indonesian(city: Flask) -> FlaskClient:
    client = signed_in(city, "officer")
    client.get("/complaints/rankings?lang=id")
    return client


def test_the_pages_speak_indonesian(indonesian: FlaskClient) -> None:
    rankings = indonesian.get("/complaints/rankings").text
    weekly = indonesian.get(f"/complaints/weekly?week={WEEK}").text

    assert ">Peringkat</a>" in rankings
    assert "Teratas dalam peringkat" in rankings
    assert "Laporan kinerja mingguan" in weekly


def test_the_weekly_report_shows_last_week_by_default(admin: FlaskClient) -> None:
    page = admin.get("/complaints/weekly").text

    assert f'name="week" value="{LAST_WEEK}"' in page
    assert "@media print" in page and only_the_portals_scripts(page)


def test_the_weekly_report_by_kecamatan_and_agency(admin: FlaskClient) -> None:
    page = admin.get(f"/complaints/weekly?week={WEEK}").text

    assert [row[1:4] for row in table_rows(page, 0)] == [["Cipayung", "2", "1"]]
    assert [row[1:4] for row in table_rows(page, 1)] == [
        ["Dinas Lingkungan Hidup", "1", "1"],
        ["Dinas Perhubungan", "1", "0"],
    ]


def test_the_weekly_report_within_a_kecamatan(admin: FlaskClient) -> None:
    page = admin.get(f"/complaints/weekly?week={WEEK}&kecamatan=31.75.10").text

    assert [row[1:4] for row in table_rows(page, 0)] == [["Setu", "1", "1"], ["Munjul", "1", "0"]]
    assert "Kecamatan Cipayung" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("week=2024-19", "“2024-19” is not a week"),
        ("kecamatan=31.75.10.1005", "Unknown kecamatan “31.75.10.1005”."),
        ("agency=dinas-hantu", "Unknown agency “dinas-hantu”."),
    ],
)
def test_a_bad_weekly_choice_is_explained(admin: FlaskClient, query: str, message: str) -> None:
    assert message in admin.get(f"/complaints/weekly?{query}").text
    download = admin.get(f"/complaints/weekly.csv?{query}")
    assert download.status_code == 400
    assert message in download.text


def test_the_weekly_report_downloads_as_csv(admin: FlaskClient) -> None:
    response = admin.get(f"/complaints/weekly.csv?week={WEEK}")

    assert response.mimetype == "text/csv"
    assert f"weekly-{WEEK}.csv" in response.headers["Content-Disposition"]
    header, *rows = csv.reader(io.StringIO(response.text.removeprefix("\ufeff")))
    assert header[:5] == ["Section", "Rank", "Code", "Name", "Received"]
    assert [row[:7] for row in rows] == [
        ["Kecamatan", "1", "31.75.10", "Cipayung", "2", "1", "50.0"],
        ["Agency", "1", "dlh", "Dinas Lingkungan Hidup", "1", "1", "100.0"],
        ["Agency", "2", "dishub", "Dinas Perhubungan", "1", "0", "0.0"],
        ["Total", "", "", "All complaints", "2", "1", "50.0"],
    ]


def test_the_weekly_report_downloads_as_xlsx_in_indonesian(
    city: Flask, indonesian: FlaskClient
) -> None:
    response = indonesian.get(f"/complaints/weekly.xlsx?week={WEEK}&agency=dlh")

    assert response.status_code == 200
    assert f"weekly-{WEEK}-dlh.xlsx" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert header[:5] == ("Bagian", "Peringkat", "Kode", "Nama", "Diterima")
    with city.test_request_context("/?lang=id"):
        agency, total, everything = gettext("Agency"), gettext("Total"), gettext("All complaints")
    assert everything != "All complaints"
    assert [row[:7] for row in rows] == [
        ("Kecamatan", 1, "31.75.10", "Cipayung", 1, 1, 100),
        (agency, 1, "dlh", "Dinas Lingkungan Hidup", 1, 1, 100),
        (total, None, None, everything, 1, 1, 100),
    ]


def drawing(page: str) -> tuple[str, dict[str, list[float]]]:
    """The page's one chart: its opening tag, and the lengths of its bars by class."""
    (svg,) = re.findall(r"<svg class=\"chart\".*?</svg>", page, re.S)
    lengths: dict[str, list[float]] = {}
    for kind, width in re.findall(
        r'<rect class="(bar|before)" x="0" y="[\d.]+" width="([\d.]+)"', svg
    ):
        lengths.setdefault(kind, []).append(float(width))
    return svg.split(">", 1)[0], lengths


def test_the_rankings_draw_a_bar_per_area_as_long_as_its_rate(admin: FlaskClient) -> None:
    start = (TODAY - timedelta(days=45)).isoformat()
    page = admin.get(f"/complaints/rankings?by=kecamatan&from={start}").text

    assert "Ranked by the Wilson lower bound (95%) of the response rate" in page
    tag, lengths = drawing(page)
    assert 'role="img"' in tag and 'aria-label="Bar chart' in tag
    assert 'viewBox="0 0 320 ' in tag and 'width="100%"' in tag
    cipayung, matraman = lengths["bar"]  # in ranking order: 3 of 5, then 1 of 1
    assert cipayung / matraman == pytest.approx(0.6)
    assert only_the_portals_scripts(page)


def test_the_rankings_count_the_resolved_and_the_closed_not_fixed(admin: FlaskClient) -> None:
    page = admin.get("/complaints/rankings").text

    header = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', page)
    assert header[7:9] == ["Resolved", "Closed, not fixed"]
    assert [row[7:9] for row in table_rows(page)] == [["0", "0"], ["0", "0"]]


def test_the_rankings_say_how_they_are_ordered_in_indonesian(indonesian: FlaskClient) -> None:
    page = indonesian.get("/complaints/rankings").text

    assert (
        "Diurutkan menurut batas bawah Wilson (95%) dari tingkat tanggapan, agar wilayah dengan"
        " sedikit aduan tidak langsung di puncak."
    ) in page


def test_the_printable_weekly_report_draws_this_week_beside_the_week_before(
    admin: FlaskClient,
) -> None:
    page = admin.get(f"/complaints/weekly?week={WEEK}").text

    tag, lengths = drawing(page)
    assert 'role="img"' in tag and f"week {WEEK.week}" in tag
    # Cipayung answered one of two this week and had nothing the week before: one bar, half long.
    assert lengths == {"bar": [125.0]}
    # Printed, the drawing is kept (only the menu, the form and the links are left out) in black.
    assert '<figure class="chart-box">' in page
    assert re.search(r"@media print \{.*\.chart \.bar \{ fill: #000; \}", page, re.S)
    assert [row[8:10] for row in table_rows(page, 0)] == [["0", "0"]]  # resolved, closed
