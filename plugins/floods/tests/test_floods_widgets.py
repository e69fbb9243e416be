"""The wall tiles over synced gauges, checked against the simulator's own numbers."""

from collections import Counter
from typing import Any

import pytest
from flask import Flask
from floods_helpers import COLOUR_OF, storm

from hub.api import is_within
from hub.testing import csrf_token, run_sync, widget_data

WORDS = ["Siaga 4", "Siaga 3", "Siaga 2", "Siaga 1"]
LEGEND = ["Normal (Siaga 4)", "Siaga 3 (Waspada)", "Siaga 2 (Kritis)", "Siaga 1 (Bahaya)"]


@pytest.fixture
def wall(make_app, database_url, serve_simulator) -> tuple[Flask, list[dict[str, Any]]]:
    """A hub that synced the simulator's gauges after a storm, and those gauges."""
    simulator = serve_simulator("floods")
    gauges = storm(simulator)
    app = make_app(database_url, sources=(simulator.source("floods"),))
    assert run_sync(app, "floods").status == "succeeded"
    return app, gauges


def tile(app: Flask, name: str, area_code: str | None = None) -> dict[str, Any]:
    """The data of the tile ``floods.<name>`` for ``area_code``, as the wall gets it (checked
    against its kind's shape), in Indonesian."""
    return widget_data(app, f"floods.{name}", area_code)


def in_area(gauges: list[dict[str, Any]], area_code: str) -> list[dict[str, Any]]:
    return [gauge for gauge in gauges if is_within(gauge["kelurahan_code"], area_code)]


def worst_colour(gauges: list[dict[str, Any]]) -> str:
    return COLOUR_OF[max((gauge["status"] for gauge in gauges), key=WORDS.index)]


def test_the_alert_tile_counts_the_gauges_at_siaga_3_or_worse(wall):
    app, gauges = wall
    words = Counter(gauge["status"] for gauge in gauges)

    assert tile(app, "alerts") == {
        "value": 20 - words["Siaga 4"],
        "caption": f"dari 20 pos berstatus Siaga 3 ke atas; {words['Siaga 1']} di Siaga 1",
        "colour": "red",
    }


def test_the_alert_tile_of_a_kecamatan_takes_the_colour_of_its_worst_gauge(wall):
    app, gauges = wall
    kecamatan = sorted({gauge["kelurahan_code"][:8] for gauge in gauges})

    shown = {code: tile(app, "alerts", code) for code in kecamatan}

    assert shown == {
        code: {
            "value": sum(gauge["status"] != "Siaga 4" for gauge in in_area(gauges, code)),
            "caption": shown[code]["caption"],
            "colour": worst_colour(in_area(gauges, code)),
        }
        for code in kecamatan
    }
    assert {each["colour"] for each in shown.values()} >= {"red", "yellow"}


def test_the_alert_tile_of_a_kelurahan_without_gauges_is_grey_not_green(wall):
    app, gauges = wall
    hosting = {gauge["kelurahan_code"] for gauge in gauges}
    empty = next(f"31.75.01.{n}" for n in range(1001, 1010) if f"31.75.01.{n}" not in hosting)

    assert tile(app, "alerts", empty) == {
        "value": None,
        "caption": "tidak ada pos pantau banjir di sini",
        "colour": "grey",
    }


def test_the_map_shows_every_gauge_in_its_colour_and_names_those_at_siaga_2_or_1(wall):
    app, gauges = wall
    words = Counter(gauge["status"] for gauge in gauges)

    data = tile(app, "gauges")

    assert sorted(data["points"], key=lambda point: point["label"]) == sorted(
        (
            {
                "lat": gauge["latitude"],
                "lon": gauge["longitude"],
                "colour": COLOUR_OF[gauge["status"]],
                "label": f"{gauge['name']}: {gauge['level_cm']} cm",
            }
            for gauge in gauges
        ),
        key=lambda point: point["label"],
    )
    assert sorted(label["text"] for label in data["labels"]) == sorted(
        gauge["name"] for gauge in gauges if gauge["status"] in ("Siaga 2", "Siaga 1")
    )
    assert data["legend"] == [
        {"colour": COLOUR_OF[word], "label": label, "value": words[word]}
        for word, label in zip(WORDS, LEGEND, strict=True)
    ]
    assert data["caption"] == "20 pos pantau banjir"


def test_the_ranking_puts_the_gauges_closest_to_siaga_1_first(wall):
    app, gauges = wall
    shares = sorted(
        (-round(gauge["level_cm"] / gauge["thresholds_cm"]["siaga_1"] * 100, 1), gauge["name"])
        for gauge in gauges
    )
    by_name = {gauge["name"]: gauge for gauge in gauges}

    data = tile(app, "highest")

    assert [(row["label"], row["value"]) for row in data["rows"]] == [
        (name, -share) for share, name in shares[:10]
    ]
    top = by_name[data["rows"][0]["label"]]
    assert top["status"] == "Siaga 1" and data["rows"][0]["value"] >= 100
    limit = top["thresholds_cm"]["siaga_1"]
    assert data["rows"][0]["caption"] == f"{top['river']} · {top['level_cm']} dari {limit} cm"
    assert data["rows"][0]["display"] == f"{data['rows'][0]['value']:.0f}%"
    assert [row["colour"] for row in data["rows"]] == [
        COLOUR_OF[by_name[row["label"]]["status"]] for row in data["rows"]
    ]
    assert data["unit"] == "%"


def test_an_area_narrows_every_tile_to_its_gauges(wall):
    app, gauges = wall
    danger = next(gauge for gauge in gauges if gauge["status"] == "Siaga 1")
    kecamatan = danger["kelurahan_code"][:8]
    local = in_area(gauges, kecamatan)
    assert 1 < len(local) < len(gauges)

    assert tile(app, "alerts", kecamatan)["value"] == sum(g["status"] != "Siaga 4" for g in local)
    points = tile(app, "gauges", kecamatan)["points"]
    assert sorted(point["label"].split(":")[0] for point in points) == sorted(
        gauge["name"] for gauge in local
    )
    rows = tile(app, "highest", kecamatan)["rows"]
    assert sorted(row["label"] for row in rows) == sorted(gauge["name"] for gauge in local)
    assert tile(app, "highest", danger["kelurahan_code"])["rows"][0]["label"] == danger["name"]


def test_the_hub_draws_the_three_tiles_on_a_screen_of_a_kecamatan(wall, make_user, sign_in):
    app, gauges = wall
    kecamatan = next(g for g in gauges if g["status"] == "Siaga 1")["kelurahan_code"][:8]
    make_user(app, "admin1", "admin")
    client = app.test_client()
    sign_in(client, "admin1")
    screen = {
        "csrf_token": csrf_token(client, "/live/admin/screens/new"),
        "name": "banjir",
        "title": "Pos pantau banjir",
        "area": kecamatan,
        "columns": "3",
        "widgets": "floods.alerts\nfloods.gauges\nfloods.highest",
    }
    assert client.post("/live/admin/screens/new", data=screen).status_code == 302

    shown = client.get("/live/api/screens/banjir/data").get_json()["widgets"]

    assert [(w["name"], w["status"]) for w in shown] == [
        ("floods.alerts", "ok"),
        ("floods.gauges", "ok"),
        ("floods.highest", "ok"),
    ]
    assert shown[0]["title"] == "Pos banjir berstatus siaga"
    assert shown[0]["data"] == tile(app, "alerts", kecamatan)
    assert shown[2]["data"] == tile(app, "highest", kecamatan)


def share_of_siaga_1(gauge: dict[str, Any]) -> float:
    return round(gauge["level_cm"] / gauge["thresholds_cm"]["siaga_1"] * 100, 1)


def test_the_danger_tile_counts_and_names_the_gauges_at_siaga_2_or_1(wall):
    app, gauges = wall
    critical = sorted(
        (g for g in gauges if g["status"] in ("Siaga 2", "Siaga 1")),
        key=lambda g: (-share_of_siaga_1(g), g["name"]),
    )
    assert len(critical) > 3
    names = ", ".join(gauge["name"] for gauge in critical[:3])

    assert tile(app, "danger") == {
        "value": len(critical),
        "caption": f"{names} dan {len(critical) - 3} lainnya",
        "colour": "red",
    }


def test_the_danger_tile_of_a_calm_area_is_green_and_of_an_empty_one_grey(wall):
    app, gauges = wall
    calm = next(g for g in gauges if g["status"] == "Siaga 4")["kelurahan_code"]
    hosting = {gauge["kelurahan_code"] for gauge in gauges}
    empty = next(f"31.75.01.{n}" for n in range(1001, 1010) if f"31.75.01.{n}" not in hosting)

    assert tile(app, "danger", calm) == {
        "value": 0,
        "caption": f"tidak satu pun dari {len(in_area(gauges, calm))} pos",
        "colour": "green",
    }
    assert tile(app, "danger", empty)["colour"] == tile(app, "top", empty)["colour"] == "grey"


def test_the_top_tile_is_the_gauge_highest_against_its_siaga_1_level(wall):
    app, gauges = wall
    top = min(gauges, key=lambda gauge: (-share_of_siaga_1(gauge), gauge["name"]))
    limit = top["thresholds_cm"]["siaga_1"]

    assert tile(app, "top") == {
        "value": share_of_siaga_1(top),
        "unit": "%",
        "caption": f"{top['name']} · {top['level_cm']} dari {limit} cm",
        "colour": COLOUR_OF[top["status"]],
    }
    calm = next(g for g in gauges if g["status"] == "Siaga 4")
    assert tile(app, "top", calm["kelurahan_code"])["value"] == share_of_siaga_1(calm)


def test_the_default_floods_screen_has_three_figures_over_the_map_and_the_ranking(
    wall, make_user, sign_in
):
    app, _ = wall
    assert app.test_cli_runner().invoke(args=["live", "defaults"]).exit_code == 0
    make_user(app, "operator1", "operator")
    client = app.test_client()
    sign_in(client, "operator1")

    screen = client.get("/live/api/screens/floods/data").get_json()

    assert screen["screen"]["columns"] == 3
    assert [(w["name"], w["kind"], w["status"]) for w in screen["widgets"]] == [
        ("floods.alerts", "kpi", "ok"),
        ("floods.danger", "kpi", "ok"),
        ("floods.top", "kpi", "ok"),
        ("floods.gauges", "map", "ok"),
        ("floods.highest", "ranking", "ok"),
    ]
