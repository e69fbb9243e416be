"""The figures, computed on known data synced through the simulator, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from jobs_helpers import TODAY, call, posting, seeker
from simpul_jobs import figures

from hub.api import read_session
from hub.testing import run_sync

SUKARASA, SUKASARI = "36.71.01.1001", "36.71.01.1007"
CIPONDOH, CIPONDOH_MAKMUR = "36.71.05.1001", "36.71.05.1002"
IT, LOGISTICS = "Teknologi Informasi", "Logistik dan Pergudangan"
HIGH_SCHOOL = {"@type": "EducationalOccupationalCredential", "credentialCategory": "high school"}

SEEKERS = [
    seeker("3671-2611-0001", SUKARASA, "SMA/SMK", "2026-11-16"),
    seeker("3671-2611-0002", SUKASARI, "S1", "2026-11-20", sector=IT),
    seeker("3671-2611-0003", CIPONDOH, "SMA/SMK", "2026-11-02", status="placed"),
    seeker("3671-2608-0004", CIPONDOH_MAKMUR, "SMP", "2026-08-31"),
    seeker("3671-2608-0005", SUKARASA, "D3", "2026-08-30", sector=LOGISTICS),
    seeker("3671-2412-0006", CIPONDOH, "SMA/SMK", "2024-12-01", valid_until="2026-12-01"),
    seeker("3671-2411-0007", SUKARASA, "S1", "2024-11-10", sector=IT, status="expired"),
    seeker("3671-2412-0008", CIPONDOH, "SMA/SMK", "2024-12-21", valid_until="2026-12-21"),
]
"""Registered this week (2), three weeks ago, on the first day of the 12 weeks and the day
before it; an AK/1 card running out in 11 days, one that ran out, one running out in 31 days."""

VACANCIES = [
    posting("LOKER-1", "Operator Produksi", "2026-11-01", openings=3, education=HIGH_SCHOOL),
    posting(
        "LOKER-2",
        "Programmer Web",
        "2026-11-10",
        valid_through="2026-11-20",
        sector=IT,
        education="bachelor degree",
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
        "LOKER-4",
        "Staf Gudang",
        "2026-11-18",
        valid_through=None,
        sector=LOGISTICS,
        openings=4,
        education="Minimal SMP",
        kelurahan=None,
    ),
    posting("LOKER-5", "Kurir", "2026-11-21", sector=LOGISTICS, openings=5, kelurahan=SUKASARI),
    posting("LOKER-6", "Teknisi Mesin", "2026-11-01", openings=10),
]
"""Open; open through today; closed yesterday; open with no deadline and no kelurahan; posted
tomorrow; removed from the source (and so deleted)."""

PLACEMENT = {
    "object": "placement",
    "id": "PNM-1",
    "seeker_id": "3671-2611-0003",
    "vacancy_id": "LOKER-1",
    "placed_on": "2026-11-10",
    "kelurahan_code": CIPONDOH,
}


@pytest.fixture
def app(database_url: str, make_app, serve_simulator) -> Flask:
    simulator = serve_simulator("jobs", size=0, today=TODAY)
    call(
        simulator,
        "POST",
        "/_sim/give",
        {"seekers": SEEKERS, "vacancies": VACANCIES, "placements": [PLACEMENT]},
    )
    app = make_app(database_url, sources=(simulator.source("pencaker"),))
    run_sync(app, "pencaker")
    call(simulator, "DELETE", "/_sim/vacancies/LOKER-6")
    assert run_sync(app, "pencaker", full=True).deleted == 1
    return app


def computed(app: Flask, area: str | None = None) -> dict[str, Any]:
    with app.app_context(), read_session() as session:
        return {
            "weeks": figures.registrations_per_week(session, TODAY, area),
            "vacancies": figures.open_vacancy_totals(session, TODAY, area),
            "placement": figures.placement_rate(session, TODAY, area),
            "expiring": figures.expiring_cards(session, TODAY, area),
            "sector": figures.seekers_per_opening(session, TODAY, "sector", area),
            "education": figures.seekers_per_opening(session, TODAY, "education", area),
            "kecamatan": figures.by_kecamatan(session, TODAY, area),
        }


def weekly(counts: dict[str, int]) -> list[dict[str, Any]]:
    first = date(2026, 8, 31)
    mondays = [first + timedelta(weeks=week) for week in range(12)]
    return [{"week": m, "registrations": counts.get(m.isoformat(), 0)} for m in mondays]


def test_figures_for_the_whole_city_carry_no_personal_data(app: Flask) -> None:
    found = computed(app)

    assert found["weeks"] == weekly({"2026-08-31": 1, "2026-11-02": 1, "2026-11-16": 2})
    assert found["vacancies"] == {"vacancies": 3, "openings": 8}
    assert found["placement"] == {"registered": 4, "placed": 1, "rate": 0.25}
    assert found["expiring"] == 1
    assert found["sector"] == [
        {"group": LOGISTICS, "seekers": 1, "openings": 4, "per_opening": 0.25},
        {"group": "Manufaktur", "seekers": 4, "openings": 3, "per_opening": 1.3333},
        {"group": IT, "seekers": 1, "openings": 1, "per_opening": 1.0},
    ]
    assert found["education"] == [
        {"group": "SMP", "seekers": 1, "openings": 4, "per_opening": 0.25},
        {"group": "SMA/SMK", "seekers": 3, "openings": 3, "per_opening": 1.0},
        {"group": "D3", "seekers": 1, "openings": 0, "per_opening": None},
        {"group": "S1", "seekers": 1, "openings": 1, "per_opening": 1.0},
    ]
    assert found["kecamatan"] == [
        {
            "code": "36.71.05",
            "name": "Cipondoh",
            "registered": 2,
            "placed": 1,
            "placement_rate": 0.5,
            "looking": 3,
            "vacancies": 1,
            "openings": 1,
            "seekers_per_opening": 3.0,
            "expiring": 1,
        },
        {
            "code": "36.71.01",
            "name": "Tangerang",
            "registered": 2,
            "placed": 0,
            "placement_rate": 0.0,
            "looking": 3,
            "vacancies": 1,
            "openings": 3,
            "seekers_per_opening": 1.0,
            "expiring": 0,
        },
    ]
    for personal in ("Siti Rahmawati", "3671014506980003", "0812-8765-4321", "3671-2611-0001"):
        assert personal not in repr(found)


def test_figures_for_a_kecamatan_a_kelurahan_and_an_empty_area(app: Flask) -> None:
    district, village, empty = (computed(app, a) for a in ("36.71.05", CIPONDOH, "36.71.13"))

    assert district["weeks"] == weekly({"2026-08-31": 1, "2026-11-02": 1})
    assert district["vacancies"] == {"vacancies": 1, "openings": 1}
    assert district["placement"] == {"registered": 2, "placed": 1, "rate": 0.5}
    assert district["sector"] == [
        {"group": "Manufaktur", "seekers": 3, "openings": 0, "per_opening": None},
        {"group": IT, "seekers": 0, "openings": 1, "per_opening": 0.0},
    ]
    assert [row["name"] for row in district["kecamatan"]] == ["Cipondoh"]
    assert village["placement"] == {"registered": 1, "placed": 1, "rate": 1.0}
    assert (village["expiring"], village["vacancies"]) == (1, {"vacancies": 1, "openings": 1})
    assert sum(week["registrations"] for week in empty["weeks"]) == 0
    assert empty["vacancies"] == {"vacancies": 0, "openings": 0}
    assert empty["placement"] == {"registered": 0, "placed": 0, "rate": None}
    assert (empty["expiring"], empty["sector"], empty["kecamatan"]) == (0, [], [])
