"""The jobs pages: in Indonesian, scoped to the reader's area, with personal data for the labour
agency only, and exports that never carry it."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jobs_helpers import call, posting, seeker, stored

from hub.testing import run_sync

CIPONDOH, SUKARASA = "36.71.05.1001", "36.71.01.1001"
SITI = {"name": "Siti Rahmawati", "nik": "3671014506980003", "phone": "0812-8765-4321"}
HIGH_SCHOOL = {"@type": "EducationalOccupationalCredential", "credentialCategory": "high school"}


@pytest.fixture
def app(sqlite_url: str, make_app, make_user, serve_simulator) -> Flask:
    today = date.today()
    registered = (today - timedelta(days=10)).isoformat()
    simulator = serve_simulator("jobs", size=0, today=today)
    call(
        simulator,
        "POST",
        "/_sim/give",
        {
            "seekers": [
                seeker("3671-2611-0001", CIPONDOH, "SMA/SMK", registered, skills=("K3", "Las")),
                seeker("3671-2611-0002", SUKARASA, "S1", registered, name="Budi Santoso"),
            ],
            "vacancies": [
                posting(
                    "LOKER-1",
                    "Operator Produksi",
                    registered,
                    education=HIGH_SCHOOL,
                    skills=("Operator mesin", "K3", "Las"),
                    kelurahan=CIPONDOH,
                    openings=4,
                )
            ],
        },
    )
    app = make_app(sqlite_url, sources=(simulator.source("pencaker"),))
    run_sync(app, "pencaker")
    for username, role, area in [
        ("admin", "admin", None),
        ("petugas", "officer", None),
        ("operator", "operator", None),
        ("lurah", "ward_staff", "36.71.05"),
        ("staf", "ward_staff", None),
    ]:
        make_user(app, username, role, area)
    return app


@pytest.fixture
def as_user(app: Flask, sign_in):
    def client(username: str) -> FlaskClient:
        signed_in = app.test_client()
        sign_in(signed_in, username)
        return signed_in

    return client


def text(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    return response.get_data(as_text=True)


def record_id(app: Flask, kind: str, external_id: str) -> int:
    return stored(app, kind)[external_id].id


def test_pages_are_in_indonesian_for_signed_in_users_only(app: Flask, as_user) -> None:
    officer = as_user("petugas")

    figures = text(officer, "/jobs/")
    seekers = text(officer, "/jobs/seekers")
    vacancies = text(officer, "/jobs/vacancies")

    assert '<html lang="id">' in figures and "<h1>Pencari kerja dan lowongan</h1>" in figures
    for label in ["Pendaftaran per minggu", "Lowongan terbuka", "Tingkat penempatan", "Kecamatan"]:
        assert label in figures
    assert ">Pencaker</a>" in figures
    assert "Mencari kerja" in seekers and "2 pencari kerja" in seekers
    assert "1 lowongan terbuka" in vacancies and "4 formasi" in vacancies
    assert "Sign out" not in figures + seekers + vacancies
    assert "<h1>Job seekers</h1>" in text(officer, "/jobs/seekers?lang=en")
    anonymous = app.test_client().get("/jobs/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_officers_see_who_fits_a_vacancy_with_their_contact(app: Flask, as_user) -> None:
    officer = as_user("petugas")
    vacancy = record_id(app, "vacancy", "LOKER-1")
    siti = record_id(app, "job_seeker", "3671-2611-0001")

    listing = text(officer, "/jobs/seekers")
    matching = text(officer, f"/jobs/vacancies/{vacancy}")
    detail = text(officer, f"/jobs/seekers/{siti}")

    assert "Siti Rahmawati" in listing and "3671-2611-0001" in listing
    assert "Siti Rahmawati" in matching and SITI["phone"] in matching
    assert matching.index("Siti Rahmawati") < matching.index("Budi Santoso")
    assert all(value in detail for value in SITI.values())
    assert "Operator Produksi" in detail and f"/jobs/vacancies/{vacancy}" in detail


def test_operators_and_ward_staff_see_anonymous_rows_of_their_area(app: Flask, as_user) -> None:
    details = [
        f"/jobs/vacancies/{record_id(app, 'vacancy', 'LOKER-1')}",
        f"/jobs/seekers/{record_id(app, 'job_seeker', '3671-2611-0001')}",
    ]
    readers = {name: as_user(name) for name in ("operator", "lurah")}

    for reader in readers.values():
        pages = {
            path: text(reader, path) for path in ["/jobs/", "/jobs/seekers", "/jobs/vacancies"]
        }
        assert "3671-****-0001" in pages["/jobs/seekers"]
        for page in pages.values():
            for personal in [*SITI.values(), "Budi Santoso", "3671-2611-0001"]:
                assert personal not in page
        assert "/jobs/vacancies/" not in pages["/jobs/vacancies"]
        assert "/jobs/seekers/" not in pages["/jobs/seekers"]
        for path in details:
            text(reader, path, status=403)

    assert "3671-****-0002" in text(readers["operator"], "/jobs/seekers")
    assert "3671-****-0002" not in text(readers["lurah"], "/jobs/seekers")
    outside = text(readers["lurah"], "/jobs/?kecamatan=36.71.01")
    assert "Tidak ada kecamatan 36.71.01 untuk dipilih." in outside
    assert ">Tangerang<" not in outside and ">Cipondoh<" in outside
    unknown = text(readers["operator"], "/jobs/seekers?kecamatan=99.99.99")
    assert "Tidak ada kecamatan 99.99.99 untuk dipilih." in unknown
    assert "2 pencari kerja" in unknown
    text(as_user("staf"), "/jobs/", status=403)


def test_exports_never_carry_personal_data(app: Flask, as_user) -> None:
    for username, numbers in [
        ("admin", ["3671-****-0002", "3671-****-0001"]),
        ("petugas", ["3671-****-0002", "3671-****-0001"]),
        ("lurah", ["3671-****-0001"]),
    ]:
        response = as_user(username).get("/jobs/seekers.csv")

        assert response.status_code == 200 and response.mimetype == "text/csv"
        export = response.get_data(as_text=True)
        table = list(csv.reader(io.StringIO(export.removeprefix("\ufeff"))))
        assert table[0][:3] == ["Nomor AK/1", "Status", "Pendidikan"]
        assert [row[0] for row in table[1:]] == numbers
        for personal in [*SITI.values(), "Budi Santoso", "3671-2611-0001", "3671-2611-0002"]:
            assert personal not in export


def test_the_export_keeps_formulas_as_text(
    sqlite_url: str, make_app, make_user, serve_simulator, sign_in
) -> None:
    formula = '=HYPERLINK("http://example.com","klik")'
    today = date.today()
    simulator = serve_simulator("jobs", size=0, today=today)
    given = seeker("3671-2611-0003", CIPONDOH, "SMA/SMK", today.isoformat(), sector=formula)
    call(simulator, "POST", "/_sim/give", {"seekers": [{**given, "skills": ["@SUM(1+1)"]}]})
    app = make_app(sqlite_url, sources=(simulator.source("pencaker"),))
    run_sync(app, "pencaker")
    make_user(app, "admin", "admin", None)
    client = app.test_client()
    sign_in(client, "admin")

    export = client.get("/jobs/seekers.csv").get_data(as_text=True)

    _header, row = csv.reader(io.StringIO(export.removeprefix("\ufeff")))
    assert row[3:5] == ["'@SUM(1+1)", "'" + formula]
