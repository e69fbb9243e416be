"""Normalizing flood gauges: the status comes from the level and the thresholds."""

import pytest

from hub.api import InvalidRecord
from simpul_floods.normalize import normalize

GAUGE = {
    "id": "TMA-3175-0001",
    "name": "PA Kampung Melayu",
    "river": "Ciliwung",
    "kelurahan_code": "31.75.03.1001",
    "latitude": -6.2245,
    "longitude": 106.8664,
    "thresholds_cm": {"siaga_3": 750, "siaga_2": 850, "siaga_1": 950},
    "level_cm": 640,
    "status": "Siaga 4",
    "observed_at": "2026-11-02T09:25:00+07:00",
    "installed_at": "2019-01-15T08:00:00+07:00",
    "updated_at": "2026-11-02T09:30:00+07:00",
}


def test_a_gauge_becomes_a_record():
    record = normalize(GAUGE)

    assert (record.external_id, record.kind, record.status) == (
        "TMA-3175-0001",
        "flood_gauge",
        "normal",
    )
    assert (record.title, record.area_code) == ("PA Kampung Melayu", "31.75.03.1001")
    assert (record.latitude, record.longitude) == (-6.2245, 106.8664)
    assert record.created_at.isoformat() == "2019-01-15T08:00:00+07:00"
    assert record.updated_at.isoformat() == "2026-11-02T09:30:00+07:00"
    assert record.attributes == {
        "river": "Ciliwung",
        "level_cm": 640,
        "thresholds_cm": {"siaga_3": 750, "siaga_2": 850, "siaga_1": 950},
        "observed_at": "2026-11-02T09:25:00+07:00",
    }


@pytest.mark.parametrize(
    ("level", "status"),
    [
        (0, "normal"),
        (749.9, "normal"),
        (750, "siaga_3"),
        (849, "siaga_3"),
        (850, "siaga_2"),
        (950, "siaga_1"),
        (1200, "siaga_1"),
    ],
)
def test_the_status_is_the_highest_threshold_the_level_reached(level, status):
    assert normalize({**GAUGE, "level_cm": level}).status == status


def test_the_apps_own_alert_word_is_not_trusted():
    record = normalize({**GAUGE, "level_cm": 900, "status": "Siaga 4"})

    assert record.status == "siaga_2"


def test_a_gauge_without_a_name_is_titled_by_its_id():
    assert normalize({**GAUGE, "name": ""}).title == "TMA-3175-0001"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": None}, "the gauge has no id"),
        ({"id": " "}, "the gauge has no id"),
        ({"level_cm": "--"}, "level_cm '--' is not a number"),
        ({"level_cm": None}, "level_cm None is not a number"),
        ({"level_cm": True}, "level_cm True is not a number"),
        ({"level_cm": float("nan")}, "level_cm nan is not a number"),
        ({"thresholds_cm": None}, "thresholds_cm must be an object"),
        ({"thresholds_cm": {"siaga_3": 750, "siaga_2": 850}}, "thresholds_cm.siaga_1 None"),
        (
            {"thresholds_cm": {"siaga_3": 900, "siaga_2": 850, "siaga_1": 950}},
            "thresholds_cm must rise above 0 from siaga_3 to siaga_1, "
            "got siaga_3 900, siaga_2 850, siaga_1 950",
        ),
        (
            {"thresholds_cm": {"siaga_3": 850, "siaga_2": 850, "siaga_1": 950}},
            "must rise above 0",
        ),
        ({"thresholds_cm": {"siaga_3": 0, "siaga_2": 5, "siaga_1": 9}}, "must rise above 0"),
        ({"kelurahan_code": "31.75.03"}, "kelurahan_code '31.75.03' is not a kelurahan code"),
        ({"latitude": 91}, "latitude 91 is not a number from -90 to 90"),
        ({"longitude": "106.8"}, "longitude '106.8' is not a number from -180 to 180"),
        ({"updated_at": "yesterday"}, "updated_at 'yesterday' is not an ISO 8601 time"),
        ({"installed_at": None}, "installed_at None is not an ISO 8601 time"),
        (
            {"observed_at": "2026-11-02T09:25:00"},
            "observed_at '2026-11-02T09:25:00' has no time zone",
        ),
    ],
)
def test_an_unusable_gauge_is_refused_with_the_reason(change, message):
    with pytest.raises(InvalidRecord, match=message) as refused:
        normalize({**GAUGE, **change})

    assert refused.value.external_id == (None if "id" in change else GAUGE["id"])
