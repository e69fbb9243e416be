"""Personal data: one rule decides who sees a seeker's name, NIK, phone and full AK/1 number."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from simpul_jobs.privacy import (
    EXPORT,
    PAGE,
    WALL,
    mask_registration,
    seeker_row,
    shows_personal_data,
)

from hub.api import Record

PERSONAL = {"name": "Siti Rahmawati", "nik": "3671014506980003", "phone": "0812-8765-4321"}


@pytest.mark.parametrize(
    ("role", "purpose", "shown"),
    [
        ("admin", PAGE, True),
        ("officer", PAGE, True),
        ("operator", PAGE, False),
        ("ward_staff", PAGE, False),
        (None, PAGE, False),
        ("admin", EXPORT, False),
        ("officer", EXPORT, False),
        ("officer", WALL, False),
        ("operator", WALL, False),
    ],
)
def test_only_the_labour_agencys_pages_show_personal_data(
    role: str | None, purpose: str, shown: bool
) -> None:
    assert shows_personal_data(role, purpose) is shown


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("3671-2611-0042", "3671-****-0042"),
        ("3671-26-11-0042", "3671-**-**-0042"),
        ("367126110042", "********0042"),
        ("42", "42"),
    ],
)
def test_registration_numbers_keep_only_their_ends(number: str, masked: str) -> None:
    assert mask_registration(number) == masked


def record() -> Record:
    return Record(
        id=7,
        external_id="3671-2611-0042",
        kind="job_seeker",
        status="looking",
        category="SMA/SMK",
        area_code="36.71.05.1001",
        created_at=datetime(2026, 11, 15, 17, tzinfo=UTC),
        attributes={
            "skills": ["K3"],
            "sector": "Manufaktur",
            "ak1_valid_until": "2028-11-16",
            "personal": PERSONAL,
        },
    )


def test_an_officer_sees_who_the_seeker_is() -> None:
    row = seeker_row(record(), "officer")

    assert row["registration"] == "3671-2611-0042"
    assert PERSONAL.items() <= row.items()
    assert row["ak1_valid_until"] == date(2028, 11, 16)


@pytest.mark.parametrize(
    ("role", "purpose"), [("operator", PAGE), ("ward_staff", PAGE), ("admin", EXPORT)]
)
def test_others_see_an_anonymous_row(role: str, purpose: str) -> None:
    row = seeker_row(record(), role, purpose)

    assert row["registration"] == "3671-****-0042"
    assert not {"name", "nik", "phone"} & row.keys()
    assert not set(PERSONAL.values()) & {str(value) for value in row.values()}
    assert (row["education"], row["skills"], row["area_code"]) == (
        "SMA/SMK",
        ["K3"],
        "36.71.05.1001",
    )
