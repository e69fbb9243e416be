"""The figures page: in Indonesian by default, amounts in Rupiah, a year to choose, access."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hub.api import SourceSettings, commit_import

HEALTH = "1.02.0.00.0.00.01.0000"


def line(line_id: str, year: int, amount: str) -> dict:
    return {
        "kind": "budget_line",
        "id": line_id,
        "year": year,
        "opd_code": HEALTH,
        "opd_name": "Dinas Kesehatan",
        "program": "PROGRAM REHABILITASI SOSIAL",
        "activity": f"Kegiatan {line_id}",
        "account_code": "5.1.02.01.01.0029",
        "account_name": "Belanja Bahan Obat-Obatan",
        "amount": amount,
    }


@pytest.fixture
def app(make_app, sqlite_url: str, make_user) -> Flask:
    app = make_app(sqlite_url, sources=(SourceSettings("keuangan", "finance-file"),))
    make_user(app, "petugas", "officer")
    make_user(app, "staf", "ward_staff", area_code="36.71.01.1001")
    with app.test_request_context():
        commit_import(
            "keuangan",
            [
                line("BL-2025", 2025, "750000000.00"),
                line("BL-2026", 2026, "1250000000.00"),
                {
                    "kind": "realization",
                    "sp2d_number": "00001/SP2D/LS/2026",
                    "date": "2026-01-05",
                    "line_id": "BL-2026",
                    "opd_code": HEALTH,
                    "amount": "250000000.50",
                },
            ],
        )
    return app


@pytest.fixture
def officer(app: Flask, sign_in) -> FlaskClient:
    client = app.test_client()
    sign_in(client, "petugas")
    return client


def text_of(page: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_figures_are_in_indonesian_with_amounts_in_rupiah(officer: FlaskClient) -> None:
    page = officer.get("/finance/?year=2026").text
    text = text_of(page)

    assert "Realisasi Anggaran 2026" in text
    assert "keuangan: Normal Data per" in text
    assert "Rp\u00a01.250.000.000" in text and "Rp\u00a0250.000.000,50" in text
    assert "20,0%" in text
    assert "Dinas Kesehatan" in text and "Kegiatan BL-2026" in text
    for heading in ("Per OPD", "Tren bulanan", "Sisa anggaran terbesar", "Per program"):
        assert heading in text
    assert "Januari" in text
    assert '<a href="/finance/" aria-current="page">Keuangan</a>' in page
    assert "/finance/import" not in page
    assert "/finance/static/finance.css" in page


def test_another_year_and_english_can_be_chosen(officer: FlaskClient) -> None:
    text = text_of(officer.get("/finance/?year=2025&lang=en").text)

    assert "Budget realization 2025" in text
    assert "Rp\u00a0750,000,000" in text and "Rp\u00a00" in text
    assert "100.0% of the budget year has elapsed" in text
    assert "Lagging" in text and "No agency is lagging behind." not in text


def test_an_unknown_year_shows_the_latest_with_data(officer: FlaskClient) -> None:
    text = text_of(officer.get("/finance/?year=1999").text)

    assert "Realisasi Anggaran 2026" in text


def test_ward_staff_neither_see_nor_open_the_figures(app: Flask, sign_in) -> None:
    client = app.test_client()
    sign_in(client, "staf")

    assert client.get("/finance/").status_code == 403
    assert 'href="/finance/"' not in client.get("/complaints").text
