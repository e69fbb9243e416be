"""The finance wall screen on known books, as of 30 June 2026 (49.6% of the year elapsed): exact
figures and colours, the area of a screen, and the screen that shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from simpul_finance.fiscal import WIB

from hub.api import SourceSettings, commit_import, live_room

NOW = datetime(2026, 6, 30, 10, 0, tzinfo=WIB)
EDUCATION, HEALTH, TRANSPORT = (
    "1.01.0.00.0.00.01.0000",
    "1.02.0.00.0.00.01.0000",
    "2.15.0.00.0.00.01.0000",
)
JATIUWUNG, TANGERANG = "7.01.0.00.0.00.02.0000", "7.01.0.00.0.00.01.0000"
NAMES = {
    EDUCATION: "Dinas Pendidikan",
    HEALTH: "Dinas Kesehatan",
    TRANSPORT: "Dinas Perhubungan",
    JATIUWUNG: "Kecamatan Jatiuwung",
    TANGERANG: "Kecamatan Tangerang",
}
IN_JATIUWUNG, IN_TANGERANG = "36.71.02", "36.71.01"


def line(
    line_id: str, agency: str, amount: str, area: str | None = None, year: int = 2026
) -> dict[str, Any]:
    return {
        "kind": "budget_line",
        "id": line_id,
        "year": year,
        "opd_code": agency,
        "opd_name": NAMES[agency],
        "program": "PROGRAM",
        "activity": f"Kegiatan {line_id}",
        "account_code": "5.1.02.01.01.0024",
        "amount": amount,
        "area_code": area,
    }


def sp2d(number: str, line_id: str, agency: str, day: str, amount: str) -> dict[str, Any]:
    return {
        "kind": "realization",
        "sp2d_number": number,
        "line_id": line_id,
        "opd_code": agency,
        "date": day,
        "amount": amount,
    }


BOOKS = [
    line("L0", EDUCATION, "70000000.00", year=2025),
    line("L1", EDUCATION, "1000000000.00"),
    line("L3", HEALTH, "2000000000.00"),
    line("L4", TRANSPORT, "300000000.00"),
    line("K1", JATIUWUNG, "400000000.00", IN_JATIUWUNG),
    line("K2", TANGERANG, "100000000.00", IN_TANGERANG),
    sp2d("S0", "L0", EDUCATION, "2025-12-31", "60000000.00"),
    sp2d("S1", "L1", EDUCATION, "2026-01-05", "100000000.00"),
    sp2d("S2", "L1", EDUCATION, "2026-03-05", "150000000.00"),
    sp2d("S4", "L3", HEALTH, "2026-02-10", "1000000000.00"),
    sp2d("S5", "L3", HEALTH, "2026-07-01", "5000000.00"),
    sp2d("S6", "L4", TRANSPORT, "2026-04-01", "200000000.00"),
    sp2d("S7", "K1", JATIUWUNG, "2026-05-20", "180000000.00"),
]
"""Education at 25% (lagging), health at 50% and transport at 66.7% (on track), the Jatiuwung
office at 45% (behind) and the Tangerang office at 0% (lagging); S5 is dated tomorrow."""
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun"]
TARGETS = [8.5, 16.2, 24.7, 32.9, 41.4, 49.6]
"""The share of 2026 elapsed at the end of each month to June (31, 59, 90, 120, 151, 181 days)."""


@pytest.fixture
def app(make_app, database_url: str) -> Flask:
    app = make_app(database_url, sources=(SourceSettings("keuangan", "finance-file"),))
    with app.test_request_context():
        commit_import("keuangan", BOOKS)
    return app


def tile(app: Flask, name: str, area: str | None = None) -> dict[str, Any]:
    """The data of ``finance.<name>`` for ``area`` at NOW, checked as a screen gets it."""
    with app.test_request_context():
        room = live_room(app)
        result = room.run(room.widgets[f"finance.{name}"], area, NOW)
    assert result.error is None, result.error
    return result.data


def test_the_citys_absorption_against_the_linear_target(app: Flask) -> None:
    assert tile(app, "absorption") == {
        "value": 42.9,
        "unit": "%",
        "caption": "Rp 1,6 M dari Rp 3,8 M; target linear 50%",
        "colour": "yellow",
    }
    assert tile(app, "behind") == {
        "value": 2,
        "caption": "dari 5 OPD, lebih dari 10 poin di bawah target linear",
        "colour": "red",
    }
    assert tile(app, "unspent") == {
        "value": 2.2,
        "unit": "M",
        "caption": "rupiah tersisa dari pagu Rp 3,8 M",
        "colour": "grey",
    }


def test_the_agencies_are_ranked_slowest_first_and_coloured_by_the_target(app: Flask) -> None:
    data = tile(app, "lagging")

    assert [(r["label"], r["value"], r["colour"], r["caption"]) for r in data["rows"]] == [
        ("Kecamatan Tangerang", 0.0, "red", "Rp 0,0 jt dari Rp 100,0 jt"),
        ("Dinas Pendidikan", 25.0, "red", "Rp 250,0 jt dari Rp 1,0 M"),
        ("Kecamatan Jatiuwung", 45.0, "yellow", "Rp 180,0 jt dari Rp 400,0 jt"),
        ("Dinas Kesehatan", 50.0, "green", "Rp 1,0 M dari Rp 2,0 M"),
        ("Dinas Perhubungan", 66.7, "green", "Rp 200,0 jt dari Rp 300,0 jt"),
    ]
    assert data["unit"] == "%"
    assert data["caption"] == "target linear 50%; merah: lebih dari 10 poin di bawahnya"


def test_the_months_show_the_cumulative_realization_against_the_target(app: Flask) -> None:
    assert tile(app, "months") == {
        "unit": "%",
        "labels": MONTHS,
        "series": [
            {
                "label": "Realisasi",
                "values": [2.6, 28.9, 32.9, 38.2, 42.9, 42.9],
                "colour": "green",
            },
            {"label": "Target linear", "values": TARGETS, "colour": "grey"},
        ],
        "caption": "bagian pagu tahun ini yang terealisasi sampai akhir tiap bulan",
    }


def test_the_lines_with_the_most_left_to_spend(app: Flask) -> None:
    data = tile(app, "lines")

    assert [(r["label"], r["value"], r["display"], r["colour"]) for r in data["rows"]] == [
        ("Kegiatan L3", 1.0, "Rp 1,0 M", "green"),
        ("Kegiatan L1", 0.75, "Rp 750,0 jt", "red"),
        ("Kegiatan K1", 0.22, "Rp 220,0 jt", "yellow"),
        ("Kegiatan K2", 0.1, "Rp 100,0 jt", "red"),
        ("Kegiatan L4", 0.1, "Rp 100,0 jt", "green"),
    ]
    assert data["rows"][0]["caption"] == "Dinas Kesehatan · 50% terealisasi"


def test_a_kecamatan_screen_shows_its_own_lines_and_their_sp2d(app: Flask) -> None:
    assert tile(app, "absorption", IN_JATIUWUNG)["value"] == 45.0
    assert tile(app, "absorption", IN_JATIUWUNG)["colour"] == "yellow"
    assert [row["label"] for row in tile(app, "lagging", IN_JATIUWUNG)["rows"]] == [
        "Kecamatan Jatiuwung"
    ]
    months = tile(app, "months", IN_JATIUWUNG)["series"][0]["values"]
    assert months == [0.0, 0.0, 0.0, 0.0, 45.0, 45.0]
    assert [row["label"] for row in tile(app, "lines", IN_TANGERANG)["rows"]] == ["Kegiatan K2"]


def test_the_city_counts_every_line_and_a_kelurahan_without_lines_has_none(app: Flask) -> None:
    assert tile(app, "absorption", "36.71") == tile(app, "absorption")
    assert tile(app, "unspent", "36.71") == tile(app, "unspent")

    for name in ("absorption", "behind", "unspent"):
        assert tile(app, name, "36.71.02.1001") == {
            "value": None,
            "caption": "tidak ada rincian anggaran di sini tahun ini",
            "colour": "grey",
        }
    assert tile(app, "lagging", "36.71.02.1001")["rows"] == []
    assert tile(app, "months", "36.71.02.1001")["labels"] == []


def test_the_finance_screen_shows_three_figures_over_three_tall_tiles(
    app: Flask, default_screen
) -> None:
    screen = default_screen(app, "finance")

    assert screen["screen"]["columns"] == 3
    assert [(w["name"], w["kind"], w["status"]) for w in screen["widgets"]] == [
        ("finance.absorption", "kpi", "ok"),
        ("finance.behind", "kpi", "ok"),
        ("finance.unspent", "kpi", "ok"),
        ("finance.lagging", "ranking", "ok"),
        ("finance.months", "trend", "ok"),
        ("finance.lines", "ranking", "ok"),
    ]
    assert screen["widgets"][0]["title"] == "Serapan anggaran"
