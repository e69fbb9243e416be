"""The jobs wall screen on known seekers, vacancies and placements synced from the simulator, as
of Friday 20 November 2026: exact figures and colours, the area of a screen, and the screen."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from jobs_helpers import TODAY, call, posting, seeker

from hub.api import live_room
from hub.testing import run_sync

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
SUKARASA, SUKASARI = "36.71.01.1001", "36.71.01.1007"
CIPONDOH, CIPONDOH_MAKMUR = "36.71.05.1001", "36.71.05.1002"
IN_CIPONDOH = "36.71.05"
MAKING, IT, LOGISTICS = "Manufaktur", "Teknologi Informasi", "Logistik dan Pergudangan"

SEEKERS = [
    seeker("S1", SUKARASA, "SMA/SMK", "2026-11-16"),
    seeker("S2", SUKASARI, "S1", "2026-11-20", sector=IT),
    seeker("S3", CIPONDOH, "SMA/SMK", "2026-11-02", status="placed"),
    seeker("S4", CIPONDOH_MAKMUR, "SMP", "2026-08-31"),
    seeker("S5", SUKARASA, "D3", "2026-08-30", sector=LOGISTICS),
    seeker("S6", SUKARASA, "S1", "2024-11-10", sector=IT, status="expired"),
    seeker("S7", CIPONDOH, "SMA/SMK", "2024-12-01", valid_until="2026-12-01"),
    seeker("S8", CIPONDOH, "S1", "2024-12-21", sector=IT, valid_until="2026-12-21"),
    seeker("S9", SUKASARI, "SMA/SMK", "2026-11-17", sector=LOGISTICS),
    seeker("S10", CIPONDOH, "SMP", "2026-11-03", sector=LOGISTICS),
    seeker("S11", SUKARASA, "SMA/SMK", "2026-10-05", sector=LOGISTICS),
    seeker("S12", CIPONDOH_MAKMUR, "SMA/SMK", "2026-09-07", status="placed"),
]
"""Nine looking for work: three for manufacturing, two for IT, four for logistics."""
VACANCIES = [
    posting("LOKER-1", "Operator Produksi", "2026-11-01", openings=3),
    posting(
        "LOKER-2",
        "Programmer Web",
        "2026-11-10",
        valid_through="2026-11-20",
        sector=IT,
        kelurahan=CIPONDOH,
    ),
    posting(
        "LOKER-3",
        "Helper Produksi",
        "2026-10-01",
        valid_through="2026-11-19T23:59:59+07:00",
        openings=2,
        kelurahan=CIPONDOH,
    ),
    posting(
        "LOKER-4", "Staf Gudang", "2026-11-18", valid_through=None, sector=LOGISTICS, kelurahan=None
    ),
    posting("LOKER-5", "Kurir", "2026-11-21", sector=LOGISTICS, openings=5, kelurahan=SUKASARI),
]
"""Open: 3 openings in manufacturing, 1 in IT (through today, in Cipondoh), 1 in logistics (no
kelurahan); LOKER-3 closed yesterday and LOKER-5 is posted tomorrow."""


def placement(number: str, who: str, day: str, kelurahan: str) -> dict[str, Any]:
    return {
        "object": "placement",
        "id": number,
        "seeker_id": who,
        "vacancy_id": "LOKER-1",
        "placed_on": day,
        "kelurahan_code": kelurahan,
    }


PLACEMENTS = [
    placement("PNM-1", "S3", "2026-11-10", CIPONDOH),
    placement("PNM-2", "S12", "2026-11-19", CIPONDOH_MAKMUR),
]


@pytest.fixture
def app(database_url: str, make_app, serve_simulator) -> Flask:
    simulator = serve_simulator("jobs", size=0, today=TODAY)
    given = {"seekers": SEEKERS, "vacancies": VACANCIES, "placements": PLACEMENTS}
    call(simulator, "POST", "/_sim/give", given)
    app = make_app(database_url, sources=(simulator.source("pencaker"),))
    assert run_sync(app, "pencaker").errored == 0
    return app


def tile(app: Flask, name: str, area: str | None = None) -> dict[str, Any]:
    """The data of ``jobs.<name>`` for ``area`` at NOW, checked as a screen gets it."""
    with app.test_request_context():
        room = live_room(app)
        result = room.run(room.widgets[f"jobs.{name}"], area, NOW)
    assert result.error is None, result.error
    return result.data


def test_open_vacancies_seekers_and_placements_in_the_city(app: Flask) -> None:
    assert tile(app, "vacancies") == {
        "value": 5,
        "unit": "posisi",
        "caption": "dalam 3 lowongan terbuka",
        "colour": "green",
    }
    assert tile(app, "seekers") == {"value": 9, "caption": "1,8 per posisi", "colour": "yellow"}
    assert tile(app, "placed") == {"value": 25.0, "unit": "%", "caption": "2 dari 8 ditempatkan"}


def test_the_sectors_with_the_most_openings_coloured_by_competition(app: Flask) -> None:
    data = tile(app, "sectors")

    assert data["rows"] == [
        {
            "label": MAKING,
            "value": 3,
            "caption": "3 pencari kerja meminatinya, 1,0 per posisi",
            "colour": "green",
        },
        {
            "label": LOGISTICS,
            "value": 1,
            "caption": "4 pencari kerja meminatinya, 4,0 per posisi",
            "colour": "red",
        },
        {
            "label": IT,
            "value": 1,
            "caption": "2 pencari kerja meminatinya, 2,0 per posisi",
            "colour": "yellow",
        },
    ]


def test_placements_and_registrations_per_week(app: Flask) -> None:
    data = tile(app, "weeks")

    assert (len(data["labels"]), data["labels"][0], data["labels"][-1]) == (12, "31 Agu", "16 Nov")
    assert data["series"] == [
        {"label": "Ditempatkan", "values": [0] * 10 + [1, 1], "colour": "green"},
        {
            "label": "Terdaftar",
            "values": [1, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 3],
            "colour": "yellow",
        },
    ]


def test_the_newest_open_vacancies_name_no_seeker(app: Flask) -> None:
    items = tile(app, "latest")["items"]

    assert [(item["title"], item["caption"]) for item in items] == [
        ("Staf Gudang", f"PT Sinar Cibodas Plastindo · {LOGISTICS} · 1 formasi"),
        ("Programmer Web", f"PT Sinar Cibodas Plastindo · {IT} · 1 formasi"),
        ("Operator Produksi", f"PT Sinar Cibodas Plastindo · {MAKING} · 3 formasi"),
    ]
    assert items[0]["at"] == "2026-11-17T17:00:00+00:00"
    assert "Siti Rahmawati" not in repr(items)


def test_a_kecamatan_screen_counts_its_kelurahan_only(app: Flask) -> None:
    assert tile(app, "vacancies", IN_CIPONDOH)["value"] == 1
    assert tile(app, "seekers", IN_CIPONDOH) == {
        "value": 4,
        "caption": "4,0 per posisi",
        "colour": "red",
    }
    assert tile(app, "placed", IN_CIPONDOH)["caption"] == "2 dari 4 ditempatkan"
    assert [row["label"] for row in tile(app, "sectors", IN_CIPONDOH)["rows"]] == [IT]
    weeks = tile(app, "weeks", IN_CIPONDOH)["series"]
    assert [series["values"] for series in weeks] == [
        [0] * 10 + [1, 1],
        [1, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0],
    ]
    assert [item["title"] for item in tile(app, "latest", IN_CIPONDOH)["items"]] == [
        "Programmer Web"
    ]
    assert tile(app, "vacancies", "36.71.13") == {
        "value": 0,
        "unit": "posisi",
        "caption": "dalam 0 lowongan terbuka",
        "colour": "grey",
    }
    assert tile(app, "seekers", "36.71.13")["colour"] == "grey"


def test_the_jobs_screen_shows_three_figures_over_three_tall_tiles(
    app: Flask, default_screen
) -> None:
    screen = default_screen(app, "jobs")

    assert screen["screen"]["columns"] == 3
    assert [(w["name"], w["kind"], w["status"]) for w in screen["widgets"]] == [
        ("jobs.vacancies", "kpi", "ok"),
        ("jobs.seekers", "kpi", "ok"),
        ("jobs.placed", "kpi", "ok"),
        ("jobs.sectors", "ranking", "ok"),
        ("jobs.weeks", "trend", "ok"),
        ("jobs.latest", "feed", "ok"),
    ]
    assert screen["widgets"][1]["title"] == "Pencari kerja aktif"
