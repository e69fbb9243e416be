"""The normalizer: a Qlue report becomes a complaint, or InvalidRecord says why it cannot."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from simpul_qlue.normalize import normalize

from hub.api import InvalidRecord

REPORT: dict[str, Any] = {
    "id": "QLUE-3175-000001",
    "title": "Sampah menumpuk di Jl. Raya Setu",
    "description": "Sampah rumah tangga menumpuk sudah tiga hari.",
    "category": "Sampah",
    "status": "process",
    "location": {
        "lat": -6.3251,
        "lng": 106.9143,
        "kelurahan_code": "31.75.10.1005",
        "address": "Jl. Raya Setu No. 12, Setu",
    },
    "photo_url": "http://qlue.test/photos/QLUE-3175-000001.jpg",
    "reporter": "warga123",
    "likes": 3,
    "created_at": "2026-11-20T08:00:00.000001Z",
    "updated_at": "2026-11-21T09:30:00.000002Z",
}


def changed(path: str, value: Any) -> dict[str, Any]:
    """REPORT with the field at dotted ``path`` set to ``value`` (or removed if ``...``)."""
    report = copy.deepcopy(REPORT)
    *parents, name = path.split(".")
    target = report
    for parent in parents:
        target = target[parent]
    if value is ...:
        del target[name]
    else:
        target[name] = value
    return report


def test_maps_a_report_to_a_complaint() -> None:
    record = normalize(REPORT)

    assert record.external_id == "QLUE-3175-000001"
    assert record.kind == "complaint"
    assert record.title == "Sampah menumpuk di Jl. Raya Setu"
    assert record.status == "in_progress"
    assert record.category == "Sampah"
    assert record.area_code == "31.75.10.1005"
    assert (record.latitude, record.longitude) == (-6.3251, 106.9143)
    assert record.created_at == datetime(2026, 11, 20, 8, 0, 0, 1, tzinfo=UTC)
    assert record.updated_at == datetime(2026, 11, 21, 9, 30, 0, 2, tzinfo=UTC)
    assert record.attributes == {
        "description": "Sampah rumah tangga menumpuk sudah tiga hari.",
        "photo_url": "http://qlue.test/photos/QLUE-3175-000001.jpg",
        "address": "Jl. Raya Setu No. 12, Setu",
        "reporter": "warga123",
        "likes": 3,
        "source_status": "process",
    }
    assert not record.deleted


@pytest.mark.parametrize(
    ("qlue", "hub"), [("wait", "open"), ("process", "in_progress"), ("complete", "resolved")]
)
def test_statuses_map_to_the_hubs(qlue: str, hub: str) -> None:
    assert normalize(changed("status", qlue)).status == hub


def test_title_falls_back_to_the_category() -> None:
    assert normalize(changed("title", "")).title == "Sampah"
    assert normalize(changed("title", ...)).title == "Sampah"


def test_times_in_other_zones_become_utc() -> None:
    record = normalize(changed("created_at", "2026-11-20T15:00:00+07:00"))

    assert record.created_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert record.created_at.utcoffset().total_seconds() == 0


def test_integer_coordinates_are_accepted_as_floats() -> None:
    record = normalize(changed("location.lat", 1))

    assert record.latitude == 1.0 and isinstance(record.latitude, float)


def test_unknown_but_well_formed_kelurahan_codes_are_left_to_the_hub() -> None:
    assert normalize(changed("location.kelurahan_code", "99.99.99.9999")).area_code == (
        "99.99.99.9999"
    )


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("id", ..., "report has no id"),
        ("id", "", "report has no id"),
        ("id", 17, "report has no id"),
        ("status", "foo", "unknown status 'foo' (expected wait, process, complete)"),
        ("status", ..., "unknown status None (expected wait, process, complete)"),
        ("location", ..., "report has no location object"),
        ("location", "Setu", "report has no location object"),
        ("location.kelurahan_code", "3175101005", "'3175101005' is not a kelurahan code"),
        ("location.kelurahan_code", "31.75.10", "'31.75.10' is not a kelurahan code"),
        ("location.kelurahan_code", ..., "None is not a kelurahan code"),
        ("location.lat", 91.0, "location.lat 91.0 is not a number from -90 to 90"),
        ("location.lat", "-6.3", "location.lat '-6.3' is not a number"),
        ("location.lat", True, "location.lat True is not a number"),
        ("location.lng", -181, "location.lng -181 is not a number from -180 to 180"),
        ("location.lng", ..., "location.lng None is not a number"),
        ("created_at", "20/11/2026", "created_at '20/11/2026' is not an ISO 8601 time"),
        ("created_at", ..., "created_at None is not an ISO 8601 time"),
        ("updated_at", "2026-11-21T09:30:00", "updated_at '2026-11-21T09:30:00' has no time zone"),
    ],
)
def test_unusable_reports_are_invalid_records(path: str, value: Any, message: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        normalize(changed(path, value))

    assert message in str(caught.value)


def test_every_simulated_report_normalizes(control: httpx.Client) -> None:
    reports = control.get("/api/v1/reports", params={"limit": 1000}).json()["data"]

    records = [normalize(report) for report in reports]

    assert {r.external_id for r in records} == {r["id"] for r in reports}
    assert {r.status for r in records} == {"open", "in_progress", "resolved"}
