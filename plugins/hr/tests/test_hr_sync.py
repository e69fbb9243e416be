"""Syncing the simulated HR system into the hub, on SQLite and PostgreSQL: what is stored, and
bad input as record errors with nothing else lost."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from hub.testing import run_sync

UNITS = 110
"""The simulated Kota Manado: 12 agencies, 11 kecamatan and 87 kelurahan."""
SIZE = 30


def attendance_total(hr, days: int = 7) -> int:
    """How many attendance records the simulator serves for the last ``days`` days."""
    headers = {"Authorization": f"Bearer {hr.api_key}"}
    today = date.fromisoformat(hr.control("/_sim/stats")["today"])
    with httpx.Client(base_url=hr.url, headers=headers) as client:
        return sum(
            client.get(
                "/api/v1/attendance", params={"date": str(today - timedelta(days=n))}
            ).json()["total"]
            for n in range(days)
        )


def test_a_first_sync_stores_units_staff_and_attendance(hr_app, hr, stored) -> None:
    staff_run = run_sync(hr_app, "staff")
    attendance_run = run_sync(hr_app, "attendance")

    assert (staff_run.status, staff_run.created, staff_run.errored) == (
        "succeeded",
        UNITS + SIZE,
        0,
    )
    assert (attendance_run.status, attendance_run.errored) == ("succeeded", 0)
    assert attendance_run.created == attendance_total(hr) > 0
    units, staff = stored(hr_app, "unit"), stored(hr_app, "staff")
    assert len(units) == UNITS and len(staff) == SIZE
    wenang_utara = units["Kelurahan Wenang Utara"]
    assert (wenang_utara.category, wenang_utara.area_code) == ("Kecamatan Wenang", "71.71.04.1005")
    assert wenang_utara.attributes["formation"]["Lurah"] == 1
    lurah = next(record for record in staff.values() if record.title == "Lurah")
    assert len(lurah.external_id) == 18 and lurah.external_id.isdigit()
    assert lurah.category.startswith("Kelurahan ") and lurah.area_code.count(".") == 3
    assert lurah.attributes["nip"] == lurah.external_id and lurah.attributes["name"]
    assert lurah.attributes["opd"].startswith("Kecamatan ")


def test_bad_scim_users_are_record_errors_and_nothing_is_lost(
    hr_app, hr, stored, source_page
) -> None:
    run_sync(hr_app, "staff")
    before = stored(hr_app, "staff")
    hr.control("/_sim/faults", {"invalid_next": 1})
    moved = hr.control("/_sim/tick", {"moves": 1})["moved"]

    run = run_sync(hr_app, "staff")

    after = stored(hr_app, "staff")
    assert (run.status, run.errored, run.deleted) == ("succeeded", 2, 0)
    assert set(after) == set(before)
    changed = [nip for nip in after if after[nip].category != before[nip].category]
    assert [after[nip].attributes["scim_id"] for nip in changed] == moved
    page = source_page(hr_app, "staff")
    assert f"SCIM user '{changed[0]}' has no id" in page
    assert "unknown unit 'Dinas Urusan Tidak Dikenal'" in page


def test_bad_attendance_is_a_record_error_and_nothing_is_lost(
    hr_app, hr, stored, source_page
) -> None:
    run_sync(hr_app, "staff")
    run_sync(hr_app, "attendance")
    before = stored(hr_app, "attendance")
    hr.control("/_sim/faults", {"invalid_next": 1})

    run = run_sync(hr_app, "attendance", full=True)

    assert (run.status, run.errored, run.deleted, run.created) == ("succeeded", 2, 0, 0)
    assert stored(hr_app, "attendance").keys() == before.keys()
    assert "999999999999998001" not in str(list(before))
    page = source_page(hr_app, "attendance")
    assert "unknown staff '999999999999998001'" in page
    assert "T07:30:00+08:00 is before check-in " in page and "T16:05:00+08:00" in page
