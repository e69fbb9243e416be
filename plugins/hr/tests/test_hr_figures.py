"""The figures, computed on known data synced through the simulator, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta, tzinfo
from typing import Any

import pytest
from flask import Flask
from simpul_hr import figures

from hub.api import read_session
from hub.testing import run_sync

WENANG_UTARA, BUMI_BERINGIN = "Kelurahan Wenang Utara", "Kelurahan Bumi Beringin"
WENANG, SARIO, SOCIAL = "Kecamatan Wenang", "Kecamatan Sario", "Dinas Sosial"


def person(nip: str, name: str, unit: str, position: str, active: bool = True) -> dict[str, Any]:
    """A civil servant as ``/_sim/give`` takes one."""
    return {"nip": nip, "name": name, "unit": unit, "position": position, "active": active}


PEOPLE = [
    person("197805122005011003", "Jeane Rumengan", WENANG_UTARA, "Lurah"),
    person("199203152015032001", "Novita Sondakh", WENANG_UTARA, "Pengadministrasi Umum"),
    person("196911201995031002", "Ronald Lumowa", WENANG, "Camat"),
    person("198402142009022001", "Meiske Tambuwun", WENANG, "Sekretaris Kecamatan", active=False),
    person("196805301993031004", "Hendra Kalangi", SOCIAL, "Kepala Dinas"),
    person("198001012006041005", "Stevanus Wowor", BUMI_BERINGIN, "Lurah"),
    person("197501011999031001", "Frangky Sondakh", SARIO, "Camat"),
]
"""Seven civil servants, one of them inactive."""
FORMATION = 12 * 14 + 11 * 9 + 87 * 7
"""Every seat of the simulated city: 12 agencies, 11 kecamatan offices and 87 kelurahan."""


def day_of(person: dict[str, Any], day: date, status: str) -> dict[str, Any]:
    """An attendance record as the attendance API serves one."""
    times = {"present": ("07:41", "16:12"), "late": ("08:37", "16:30")}.get(status)
    return {
        "id": f"ABS-{day:%Y%m%d}-{person['nip']}",
        "nip": person["nip"],
        "unit": person["unit"],
        "date": day.isoformat(),
        "status": status,
        "check_in": f"{day}T{times[0]}:00+08:00" if times else None,
        "check_out": f"{day}T{times[1]}:00+08:00" if times else None,
    }


@pytest.fixture
def app(database_url: str, serve_simulator, make_hr_app, today: date) -> Flask:
    simulator = serve_simulator("hr", size=0)
    lurah, clerk, camat, _, head, other_lurah, other_camat = PEOPLE
    statuses = [
        (lurah, "present"),
        (clerk, "late"),
        (camat, "duty_travel"),
        (head, "leave"),
        (other_lurah, "absent"),
        (other_camat, "present"),
    ]
    attendance = [day_of(person, today, status) for person, status in statuses]
    attendance += [
        day_of(lurah, today - timedelta(days=29), "present"),
        day_of(clerk, today - timedelta(days=29), "absent"),
        day_of(camat, today - timedelta(days=29), "late"),
        day_of(lurah, today - timedelta(days=30), "present"),
    ]
    simulator.control("/_sim/give", {"users": PEOPLE, "attendance": attendance})
    app = make_hr_app(database_url, simulator, history_days=31)
    assert run_sync(app, "staff").errored == 0
    assert run_sync(app, "attendance").created == len(attendance)
    return app


def computed(app: Flask, day: date, zone: tzinfo) -> dict[str, Any]:
    with app.app_context(), read_session() as session:
        return {
            "totals": figures.staff_totals(session),
            "opds": figures.headcount_per_opd(session),
            "kecamatan": figures.headcount_per_kecamatan(session),
            "kelurahan": figures.headcount_per_kelurahan(session),
            "vacancies": figures.vacancies(session),
            "attendance": figures.attendance_on(session, day, zone),
            "trend": figures.attendance_trend(session, day, zone),
        }


def test_headcounts_and_vacant_positions_name_nobody(app: Flask, today: date, zone) -> None:
    found = computed(app, today, zone)

    assert found["totals"] == {"active": 6, "inactive": 1}
    assert found["opds"] == [
        {"opd": SOCIAL, "active": 1, "inactive": 0},
        {"opd": SARIO, "active": 1, "inactive": 0},
        {"opd": WENANG, "active": 4, "inactive": 1},
    ]
    assert found["kecamatan"] == [
        {"code": "71.71.06", "name": "Sario", "active": 1},
        {"code": "71.71.04", "name": "Wenang", "active": 4},
    ]
    assert found["kelurahan"] == [
        {
            "code": "71.71.04.1012",
            "name": "Bumi Beringin",
            "active": 1,
            "kecamatan_code": "71.71.04",
            "kecamatan": "Wenang",
        },
        {
            "code": "71.71.04.1005",
            "name": "Wenang Utara",
            "active": 2,
            "kecamatan_code": "71.71.04",
            "kecamatan": "Wenang",
        },
    ]
    vacancies = found["vacancies"]
    assert (vacancies["formation"], vacancies["vacant"]) == (FORMATION, FORMATION - 6)
    positions = {row["position"]: row["vacant"] for row in vacancies["positions"]}
    assert (positions["Lurah"], positions["Camat"], positions["Kepala Dinas"]) == (85, 9, 7)
    assert positions["Sekretaris Kecamatan"] == 11
    units = {row["unit"]: row for row in vacancies["units"]}
    assert units[WENANG_UTARA] == {
        "unit": WENANG_UTARA,
        "opd": WENANG,
        "formation": 7,
        "vacant": 5,
        "positions": {
            "Sekretaris Kelurahan": 1,
            "Kepala Seksi Pemerintahan": 1,
            "Kepala Seksi Kesejahteraan Sosial": 1,
            "Pengadministrasi Umum": 2,
        },
    }
    assert vacancies["units"][0]["vacant"] == 14 and units[SOCIAL]["vacant"] == 13
    for person in PEOPLE:
        assert person["nip"] not in repr(found) and person["name"] not in repr(found)


def test_attendance_today_per_unit_and_the_30_day_trend(app: Flask, today: date, zone) -> None:
    found = computed(app, today, zone)

    zero = {"present": 0, "late": 0, "leave": 0, "absent": 0}
    assert found["attendance"]["total"] == {
        **zero,
        "present": 2,
        "late": 1,
        "leave": 2,
        "absent": 1,
        "recorded": 6,
        "rate": 0.5,
    }
    assert found["attendance"]["units"] == [
        {"unit": SOCIAL, **zero, "leave": 1, "recorded": 1, "rate": 0.0},
        {"unit": SARIO, **zero, "present": 1, "recorded": 1, "rate": 1.0},
        {"unit": WENANG, **zero, "leave": 1, "recorded": 1, "rate": 0.0},
        {"unit": BUMI_BERINGIN, **zero, "absent": 1, "recorded": 1, "rate": 0.0},
        {"unit": WENANG_UTARA, **zero, "present": 1, "late": 1, "recorded": 2, "rate": 1.0},
    ]
    trend = found["trend"]
    assert [row["day"] for row in trend] == [today - timedelta(days=n) for n in range(29, -1, -1)]
    assert trend[0] == {
        "day": today - timedelta(days=29),
        **zero,
        "present": 1,
        "late": 1,
        "absent": 1,
        "recorded": 3,
        "rate": 0.6667,
    }
    assert trend[-1] == {"day": today, **found["attendance"]["total"]}
    assert all(row["recorded"] == 0 and row["rate"] is None for row in trend[1:-1])
