"""The flood-gauge simulator: seeded gauges, paging, readings, rain, installs, removals, faults."""

import base64

import pytest
from floods_helpers import AREAS, every_gauge, simulator_client

from hub.api import InvalidRecord, is_within
from simpul_floods.cities import CITIES
from simpul_floods.normalize import normalize
from simpul_floods.simulator import create_app

WORDS = ["Siaga 4", "Siaga 3", "Siaga 2", "Siaga 1"]
TIMES = ("observed_at", "installed_at", "updated_at")


def by_id(gauges: list[dict]) -> dict[str, dict]:
    return {gauge["id"]: gauge for gauge in gauges}


@pytest.mark.parametrize("city", ["31.75", "36.71", "71.71"])
def test_gauges_stand_in_the_citys_kelurahan_with_rising_thresholds(city):
    gauges = every_gauge(simulator_client(city=city, size=20))

    assert len(gauges) == 20
    box = CITIES[city]
    for gauge in gauges:
        assert AREAS.get(gauge["kelurahan_code"]).level == "village"
        assert is_within(gauge["kelurahan_code"], city)
        assert box.south <= gauge["latitude"] <= box.north
        assert box.west <= gauge["longitude"] <= box.east
        assert gauge["river"] in box.rivers
        limits = gauge["thresholds_cm"]
        assert 0 < limits["siaga_3"] < limits["siaga_2"] < limits["siaga_1"]
        reached = sum(gauge["level_cm"] >= limit for limit in limits.values())
        assert gauge["status"] == WORDS[reached]
        assert all(gauge[name].endswith("+07:00") for name in TIMES)
    assert len({gauge["name"] for gauge in gauges}) == 20


def test_a_city_starts_with_twenty_gauges_some_of_them_on_alert():
    gauges = every_gauge(simulator_client())

    assert len(gauges) == 20
    assert {gauge["status"] for gauge in gauges} >= {"Siaga 4", "Siaga 3"}


def test_the_gauges_depend_only_on_the_seed():
    def untimed(seed: int) -> list[dict]:
        gauges = every_gauge(simulator_client(seed=seed))
        return [{k: v for k, v in gauge.items() if k not in TIMES} for gauge in gauges]

    assert untimed(7) == untimed(7)
    assert untimed(7) != untimed(8)


def test_an_unknown_city_is_refused():
    with pytest.raises(ValueError, match=r"unknown city '32\.73'"):
        create_app(AREAS, city="32.73")


def test_the_listing_is_ordered_and_paged_with_after_cursors():
    client = simulator_client(size=30)
    seen, params = [], {"limit": 7}
    while True:
        body = client.get("/api/v1/gauges", query_string=params).get_json()
        seen.extend(body["data"])
        if not body["meta"]["has_more"]:
            break
        params["after"] = body["meta"]["next_after"]

    positions = [(gauge["updated_at"], gauge["id"]) for gauge in seen]
    assert positions == sorted(positions) and len(set(positions)) == 30
    params["after"] = body["meta"]["next_after"]
    assert client.get("/api/v1/gauges", query_string=params).get_json() == {
        "data": [],
        "meta": {"next_after": None, "has_more": False},
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "many"}, "limit must be a whole number"),
        ({"limit": "0"}, "limit must be at least 1"),
        ({"after": "page-2"}, "after is not a cursor"),
        ({"after": base64.urlsafe_b64encode(b"[1, 2]").decode()}, "after is not a cursor"),
    ],
)
def test_bad_listing_parameters_answer_400(params, message):
    response = simulator_client().get("/api/v1/gauges", query_string=params)

    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_readings_move_levels_and_the_gauges_to_the_end_of_the_listing():
    client = simulator_client()
    before = by_id(every_gauge(client))

    read = client.post("/_sim/tick", json={"readings": 5}).get_json()["read"]

    after = every_gauge(client)
    assert len(read) == 5 and {gauge["id"] for gauge in after[-5:]} == set(read)
    newest = max(gauge["updated_at"] for gauge in before.values())
    for gauge in after[-5:]:
        old = before[gauge["id"]]
        assert gauge["updated_at"] > newest and gauge["observed_at"] == gauge["updated_at"]
        assert -40 <= gauge["level_cm"] - old["level_cm"] <= 25 and gauge["level_cm"] >= 0
    assert by_id(after[:-5]) == {k: v for k, v in before.items() if k not in read}


def test_rain_pushes_each_gauge_over_its_next_threshold():
    client = simulator_client()
    before = by_id(every_gauge(client))

    rained = client.post("/_sim/tick", json={"rain": 6}).get_json()["rained"]

    after = by_id(every_gauge(client))
    assert len(rained) == 6
    for gauge_id in rained:
        old, new = before[gauge_id], after[gauge_id]
        assert WORDS.index(new["status"]) == WORDS.index(old["status"]) + 1
        assert new["level_cm"] > old["level_cm"]
    stats = client.get("/_sim/stats").get_json()
    assert stats["statuses"] == {
        word: sum(g["status"] == word for g in after.values()) for word in WORDS
    }


def test_rain_spares_gauges_already_at_siaga_1():
    client = simulator_client(size=4)
    for _ in range(3):
        client.post("/_sim/tick", json={"rain": 4})

    assert {gauge["status"] for gauge in every_gauge(client)} == {"Siaga 1"}
    assert client.post("/_sim/tick", json={"rain": 4}).get_json()["rained"] == []


def test_new_gauges_are_installed_and_removed_ones_leave_the_listing():
    client = simulator_client()
    before = by_id(every_gauge(client))

    changes = client.post("/_sim/tick", json={"new": 3, "removals": 4}).get_json()

    after = by_id(every_gauge(client))
    assert set(after) == set(before) - set(changes["removed"]) | set(changes["installed"])
    assert len(after) == 19 and set(changes["removed"]) <= set(before)
    for gauge_id in changes["installed"]:
        assert after[gauge_id]["installed_at"] == after[gauge_id]["updated_at"]
    assert client.get("/_sim/stats").get_json()["total"] == 19


def test_each_gauge_takes_part_in_one_change_of_a_tick():
    client = simulator_client(size=10)

    changes = client.post(
        "/_sim/tick", json={"readings": 4, "rain": 4, "new": 2, "removals": 4}
    ).get_json()

    ids = [gauge_id for each in changes.values() for gauge_id in each]
    assert len(ids) == len(set(ids)) == 12


def test_an_empty_tick_changes_nothing():
    client = simulator_client()
    before = every_gauge(client)

    assert client.post("/_sim/tick").get_json() == {
        "installed": [],
        "read": [],
        "rained": [],
        "removed": [],
    }
    assert every_gauge(client) == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"rain": -1}, "rain must be a whole number, 0 or more"),
        ({"readings": "2"}, "readings must be a whole number"),
        ({"flood": 1}, "unknown field 'flood' (expected readings, rain, new, removals)"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_a_bad_tick_answers_400_with_the_reason(body, message):
    response = simulator_client().post("/_sim/tick", json=body)

    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_a_tick_that_is_not_json_answers_400():
    response = simulator_client().post(
        "/_sim/tick", data="rain please", content_type="application/json"
    )

    assert (response.status_code, response.get_json()) == (400, {"error": "expected a JSON object"})


def test_invalid_next_adds_a_gauge_with_a_broken_sensor():
    client = simulator_client()
    client.post("/_sim/faults", json={"invalid_next": 1})

    broken = every_gauge(client)
    clean = every_gauge(client)

    assert len(broken) == 21 and len(clean) == 20
    with pytest.raises(InvalidRecord, match="level_cm '--' is not a number") as refused:
        normalize(broken[-1])
    assert refused.value.external_id == f"{broken[0]['id']}-X1"


def test_stats_count_gauges_by_alert_word_and_listing_requests():
    client = simulator_client()
    gauges = every_gauge(client)
    every_gauge(client)

    assert client.get("/_sim/stats").get_json() == {
        "total": 20,
        "statuses": {word: sum(g["status"] == word for g in gauges) for word in WORDS},
        "requests": 2,
    }


@pytest.mark.parametrize("path", ["/api/v1/gauges", "/_sim/stats"])
def test_a_wrong_key_answers_401(path):
    client = create_app(AREAS).test_client()

    response = client.get(path, headers={"X-API-Key": "wrong"})

    assert (response.status_code, response.get_json()) == (401, {"error": "invalid api key"})


def test_faults_keep_working():
    client = simulator_client()
    client.post("/_sim/faults", json={"fail_next": 1, "rate_limit_next": 1, "retry_after": 9})

    assert client.get("/api/v1/gauges").status_code == 500
    limited = client.get("/api/v1/gauges")
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "9")
    assert client.get("/api/v1/gauges").status_code == 200
