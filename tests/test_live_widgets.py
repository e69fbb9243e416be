"""Widgets as plugins declare them: what each kind's data must look like, and the cache."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from hub.live.cache import Cached, RecentCache
from hub.widgets import Widget, WidgetDataError, checked_data

BOX = {"south": 1.42, "west": 124.8, "north": 1.56, "east": 124.92}


def no_data(session, area_code, now):
    return {}


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        ("kpi", {"value": Decimal("12.50"), "unit": "%"}, {"value": 12.5, "unit": "%"}),
        ("kpi", {"value": None, "colour": "grey"}, {"value": None, "colour": "grey"}),
        (
            "ranking",
            {"rows": [{"label": "Setu", "value": 3, "colour": "red"}]},
            {"rows": [{"label": "Setu", "value": 3, "colour": "red"}]},
        ),
        (
            "trend",
            {"labels": ["1 Nov", "2 Nov"], "series": [{"label": "In", "values": [1, None]}]},
            {"labels": ["1 Nov", "2 Nov"], "series": [{"label": "In", "values": [1, None]}]},
        ),
        (
            "map",
            {"points": [{"lat": -6.3, "lon": 106.9, "count": 4}], "labels": []},
            {"points": [{"lat": -6.3, "lon": 106.9, "count": 4}], "labels": []},
        ),
        (
            "map",
            {
                "points": [{"lat": 1.5, "lon": 124.8}],
                "insets": [{"title": "Manado", "bounds": BOX}],
            },
            {
                "points": [{"lat": 1.5, "lon": 124.8}],
                "insets": [{"title": "Manado", "bounds": BOX}],
            },
        ),
        (
            "feed",
            {"items": [{"title": "Banjir", "at": "2026-11-01T08:00:00+07:00", "image": "/x.jpg"}]},
            {"items": [{"title": "Banjir", "at": "2026-11-01T08:00:00+07:00", "image": "/x.jpg"}]},
        ),
        (
            "health",
            {"sources": [{"name": "lights", "state": "down", "as_of": None}]},
            {"sources": [{"name": "lights", "state": "down", "as_of": None}]},
        ),
    ],
)
def test_data_of_the_right_shape_is_kept_as_plain_json(kind, data, expected):
    assert checked_data(kind, data) == expected


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("kpi", [], "kpi: expected an object, got list"),
        ("kpi", {}, "kpi: 'value' is missing"),
        ("kpi", {"value": True}, "kpi.value: expected a number, got bool"),
        ("kpi", {"value": float("nan")}, "kpi.value: nan is not a finite number"),
        ("kpi", {"value": 1, "colour": "blue"}, "kpi.colour: colour must be one of"),
        ("kpi", {"value": 1, "extra": 2}, "kpi: unknown key 'extra'"),
        ("ranking", {"rows": [{"value": 1}]}, "ranking.rows[0]: 'label' is missing"),
        ("ranking", {"rows": [{"label": "x", "value": 1}] * 51}, "51 items, more than 50"),
        (
            "trend",
            {"labels": ["a", "b"], "series": [{"label": "s", "values": [1]}]},
            "trend.series[0]: 1 values for 2 labels",
        ),
        ("map", {"points": [{"lat": 95, "lon": 1}]}, "map.points[0].lat: 95 is outside"),
        ("map", {"points": [{"lat": 1, "lon": 1, "count": 0}]}, "at least 1, got 0"),
        ("map", {"points": [], "insets": [{"bounds": BOX}]}, "map.insets[0]: 'title' is missing"),
        (
            "map",
            {"points": [], "insets": [{"title": "x", "bounds": BOX}] * 7},
            "map.insets: 7 items, more than 6",
        ),
        (
            "feed",
            {"items": [{"title": "x", "image": "https://elsewhere.example/x.jpg"}]},
            "images must be served by the hub",
        ),
        ("feed", {"items": [{"title": "x", "at": "2026-11-01T08:00"}]}, "has no time zone"),
        ("feed", {"items": [{"title": "x" * 301}]}, "text longer than 300 characters"),
        ("health", {"sources": [{"name": "q", "state": "fine"}]}, "state must be one of"),
    ],
)
def test_data_of_the_wrong_shape_is_refused_with_the_reason(kind, data, message):
    with pytest.raises(WidgetDataError, match=message.replace("[", r"\[").replace("]", r"\]")):
        checked_data(kind, data)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "Finance Absorption"}, "must be lower-case words joined by dots"),
        ({"kind": "gauge"}, "kind must be one of kpi, ranking, trend, map, feed, health"),
        ({"data": "not callable"}, "data must be callable"),
        ({"refresh_seconds": 0}, "refresh_seconds must be at least 1"),
    ],
)
def test_a_badly_declared_widget_is_refused(changes, message):
    declared = {"name": "finance.absorption", "title": "Absorption", "kind": "kpi"}
    with pytest.raises(ValueError, match=message):
        Widget(**{**declared, "data": no_data, **changes})


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_cache_keeps_a_value_until_its_versions_change_or_it_ages():
    clock = Clock()
    cache = RecentCache(min_age=1.0, clock=clock)
    computed = []

    def compute():
        computed.append(clock.now)
        return len(computed)

    def get(versions):
        return cache.get("w", versions, 30, compute)

    assert get((1,)) == Cached(1)
    assert get((2,)) == Cached(1, current=False)  # younger than a second: not computed again
    clock.now += 2
    assert get((1,)) == Cached(1)
    assert get((2,)) == Cached(1, current=False)  # its records changed: computed again
    cache.settle(5)
    assert get((2,)) == Cached(2)
    clock.now += 31
    assert get((2,)) == Cached(2)  # too old, but nothing changed: computed again meanwhile
    cache.settle(5)
    assert get(None) == Cached(3)
    assert computed == [100.0, 102.0, 133.0]


def test_the_cache_holds_a_bounded_number_of_values():
    cache = RecentCache(size=3)

    for key in range(10):
        cache.get(key, None, 60, lambda key=key: key)

    kept = [cache.get(key, None, 60, lambda: "recomputed").value for key in (9, 8, 7, 0)]
    assert kept == [9, 8, 7, "recomputed"]


def test_a_stale_value_is_served_while_it_is_computed_again_once():
    clock = Clock()
    cache = RecentCache(clock=clock)
    cache.get("w", (1,), 30, lambda: "old")
    clock.now += 2
    release = threading.Event()
    calls = []

    def slow():
        calls.append(clock.now)
        release.wait(5)
        return "new"

    first = cache.get("w", (2,), 30, slow)
    second = cache.get("w", (2,), 30, slow)
    release.set()
    cache.settle(5)

    assert first == second == Cached("old", current=False)
    assert len(calls) == 1
    assert cache.get("w", (2,), 30, slow) == Cached("new")


def test_a_value_never_computed_yet_is_computed_once_and_waited_for():
    cache = RecentCache()
    computing, release = threading.Event(), threading.Event()
    calls, answers = [], []

    def slow():
        calls.append(1)
        computing.set()
        release.wait(5)
        return "first"

    def read():
        answers.append(cache.get("w", (1,), 30, slow))

    first, second = threading.Thread(target=read), threading.Thread(target=read)
    first.start()
    assert computing.wait(5)
    second.start()
    release.set()
    first.join(5)
    second.join(5)

    assert answers == [Cached("first"), Cached("first")]
    assert calls == [1]


def test_a_cache_for_what_must_never_be_stale_computes_it_at_once():
    clock = Clock()
    cache = RecentCache(min_age=0, clock=clock, in_background=False)
    cache.get("token", 1, 1.0, lambda: "valid")
    clock.now += 0.1

    assert cache.get("token", 2, 1.0, lambda: "revoked") == Cached("revoked")


def test_a_slow_value_is_kept_twice_as_long_as_it_took():
    clock = Clock()
    cache = RecentCache(clock=clock)

    def slow():
        clock.now += 3
        return clock.now

    first = cache.get("map", (1,), 60, slow)
    clock.now += 2
    kept = cache.get("map", (2,), 60, slow)
    clock.now += 2
    cache.get("map", (2,), 60, slow)
    cache.settle(5)

    assert kept == Cached(first.value, current=False)
    assert cache.get("map", (2,), 60, slow) == Cached(first.value + 7)
