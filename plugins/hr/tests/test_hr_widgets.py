"""The staffing wall screen on known people and days synced from the simulator: exact figures and
colours, the area of a screen, and the screen that shows them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask

from hub.api import live_room
from hub.testing import run_sync

WENANG_UTARA, BUMI_BERINGIN = "Kelurahan Wenang Utara", "Kelurahan Bumi Beringin"
WENANG, SARIO, SOCIAL = "Kecamatan Wenang", "Kecamatan Sario", "Dinas Sosial"
IN_WENANG, IN_WENANG_UTARA = "71.71.04", "71.71.04.1005"


def person(nip: str, unit: str, position: str, active: bool = True) -> dict[str, Any]:
    """A civil servant as ``/_sim/give`` takes one."""
    return {
        "nip": nip,
        "name": f"Pegawai {nip[-4:]}",
        "unit": unit,
        "position": position,
        "active": active,
    }


LURAH = person("197805122005011003", WENANG_UTARA, "Lurah")
CLERK = person("199203152015032001", WENANG_UTARA, "Pengadministrasi Umum")
CAMAT = person("196911201995031002", WENANG, "Camat")
RETIRED = person("198402142009022001", WENANG, "Sekretaris Kecamatan", active=False)
OTHER_LURAH = person("198001012006041005", BUMI_BERINGIN, "Lurah")
SARIO_CAMAT = person("197501011999031001", SARIO, "Camat")
SOCIAL_HEAD = person("196805301993031004", SOCIAL, "Kepala Dinas")
ANALYSTS = [person(f"19810101200604100{n}", SOCIAL, "Analis Kebijakan") for n in (1, 2, 3)]
SOCIAL_CLERK = person("198101012006041004", SOCIAL, "Pengadministrasi Umum")
PEOPLE = [
    *(LURAH, CLERK, CAMAT, RETIRED, OTHER_LURAH, SARIO_CAMAT),
    *(SOCIAL_HEAD, *ANALYSTS, SOCIAL_CLERK),
]
TODAY = {
    "present": [LURAH, SARIO_CAMAT, SOCIAL_HEAD, ANALYSTS[1], ANALYSTS[2]],
    "late": [CLERK, ANALYSTS[0]],
    "duty_travel": [CAMAT],
    "absent": [OTHER_LURAH, SOCIAL_CLERK],
}
"""Kecamatan Wenang 2 of 4 at work (red), Dinas Sosial 4 of 5 (yellow), Kecamatan Sario 1 of 1
(green): 7 of 10 in all."""


def day_of(someone: dict[str, Any], day: date, status: str) -> dict[str, Any]:
    """An attendance record as the attendance API serves one."""
    checked_in = f"{day}T07:41:00+08:00" if status in ("present", "late") else None
    return {
        "id": f"ABS-{day:%Y%m%d}-{someone['nip']}",
        "nip": someone["nip"],
        "unit": someone["unit"],
        "date": day.isoformat(),
        "status": status,
        "check_in": checked_in,
        "check_out": None,
    }


@pytest.fixture
def app(database_url: str, serve_simulator, make_hr_app, today: date) -> Flask:
    simulator = serve_simulator("hr", size=0)
    attendance = [
        day_of(someone, today, status) for status, people in TODAY.items() for someone in people
    ]
    yesterday = today - timedelta(days=1)
    attendance += [day_of(LURAH, yesterday, "present"), day_of(CLERK, yesterday, "absent")]
    simulator.control("/_sim/give", {"users": PEOPLE, "attendance": attendance})
    app = make_hr_app(database_url, simulator, history_days=7)
    assert run_sync(app, "staff").errored == 0
    assert run_sync(app, "attendance").created == len(attendance)
    return app


@pytest.fixture
def tile(app: Flask, today: date, zone):
    """The data of ``hr.<name>`` for an area at ten in the morning, as a screen gets it."""
    now = datetime.combine(today, time(10), zone)

    def read(name: str, area: str | None = None) -> dict[str, Any]:
        with app.test_request_context():
            room = live_room(app)
            result = room.run(room.widgets[f"hr.{name}"], area, now)
        assert result.error is None, result.error
        return result.data

    return read


def test_todays_attendance_and_absences_in_the_city(tile) -> None:
    assert tile("attendance") == {
        "value": 70.0,
        "unit": "%",
        "caption": "7 dari 10 hadir, 2 di antaranya terlambat",
        "colour": "red",
    }
    assert tile("absent") == {
        "value": 2,
        "caption": "1 lainnya cuti atau dinas luar",
        "colour": "red",
    }
    assert tile("staffing") == {"value": 10, "caption": "ASN; 1 nonaktif"}


def test_attendance_per_opd_lowest_first_coloured_by_level(tile) -> None:
    data = tile("attendance_opd")

    assert data["rows"] == [
        {
            "label": WENANG,
            "value": 50.0,
            "caption": "2 dari 4 hadir, 1 tidak hadir",
            "colour": "red",
        },
        {
            "label": SOCIAL,
            "value": 80.0,
            "caption": "4 dari 5 hadir, 1 tidak hadir",
            "colour": "yellow",
        },
        {
            "label": SARIO,
            "value": 100.0,
            "caption": "1 dari 1 hadir, 0 tidak hadir",
            "colour": "green",
        },
    ]
    assert (data["unit"], data["caption"]) == ("%", "hijau mulai 90%, kuning mulai 80%")


def test_the_week_shows_the_days_with_records_only(tile, today: date) -> None:
    data = tile("attendance_week")

    assert len(data["labels"]) == 7
    assert data["series"] == [
        {"label": "Kehadiran", "values": [None] * 5 + [50.0, 70.0], "colour": "green"},
        {"label": "Tidak hadir", "values": [None] * 5 + [50.0, 20.0], "colour": "red"},
    ]


def test_a_kecamatan_screen_counts_its_office_and_kelurahan_only(tile) -> None:
    assert tile("attendance", IN_WENANG)["value"] == 50.0
    assert tile("absent", IN_WENANG)["value"] == 1
    assert tile("staffing", IN_WENANG) == {"value": 4, "caption": "ASN; 1 nonaktif"}
    assert [row["label"] for row in tile("attendance_opd", IN_WENANG)["rows"]] == [WENANG]
    assert tile("attendance_week", IN_WENANG)["series"][0]["values"][-2:] == [50.0, 50.0]
    assert tile("vacant", IN_WENANG)["rows"] == [
        {
            "label": WENANG,
            "value": 89,
            "caption": "89 dari 93 jabatan",
            "colour": "red",
        }
    ]

    kelurahan = tile("attendance", IN_WENANG_UTARA)
    assert (kelurahan["value"], kelurahan["colour"]) == (100.0, "green")
    assert tile("staffing", IN_WENANG_UTARA)["value"] == 2


def test_the_citys_code_covers_its_agencies(tile) -> None:
    for name in ("attendance", "absent", "staffing", "attendance_opd", "attendance_week"):
        assert tile(name, "71.71") == tile(name)
    vacant = tile("vacant")["rows"]
    assert len(vacant) == 10
    values = [row["value"] for row in vacant]
    assert values == sorted(values, reverse=True)


def test_a_day_without_records_is_grey_not_zero(app: Flask, zone, today: date) -> None:
    with app.test_request_context():
        room = live_room(app)
        now = datetime.combine(today - timedelta(days=30), time(10), zone)
        widgets = [room.widgets["hr.attendance"], room.widgets["hr.absent"]]
        results = [room.run(widget, None, now) for widget in widgets]

    assert [result.data for result in results] == [
        {"value": None, "caption": "belum ada presensi tercatat hari ini", "colour": "grey"}
    ] * 2


def test_the_staffing_screen_shows_three_figures_over_three_tall_tiles(
    app: Flask, default_screen
) -> None:
    screen = default_screen(app, "hr")

    assert screen["screen"]["columns"] == 3
    assert [(w["name"], w["kind"], w["status"]) for w in screen["widgets"]] == [
        ("hr.attendance", "kpi", "ok"),
        ("hr.absent", "kpi", "ok"),
        ("hr.staffing", "kpi", "ok"),
        ("hr.attendance_opd", "ranking", "ok"),
        ("hr.attendance_week", "trend", "ok"),
        ("hr.vacant", "ranking", "ok"),
    ]
    assert screen["widgets"][0]["title"] == "Hadir hari ini"
