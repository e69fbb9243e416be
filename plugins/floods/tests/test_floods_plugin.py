"""The floods plugin in a running hub: gauges synced from the simulator on both databases."""

from typing import Any

from flask import Flask
from floods_helpers import STATUS_OF, listed, storm
from sqlalchemy import select

from hub.api import Record, read_session
from hub.testing import run_sync


def stored(app: Flask) -> dict[str, tuple[Any, ...]]:
    """The gauges the hub holds: status, kelurahan, place and level by external id."""
    columns = (Record.status, Record.area_code, Record.latitude, Record.longitude)
    query = select(Record.external_id, *columns, Record.attributes).where(
        Record.kind == "flood_gauge", Record.deleted_at.is_(None)
    )
    with app.test_request_context(), read_session() as session:
        rows = session.execute(query).all()
    return {key: (*rest, attributes["level_cm"]) for key, *rest, attributes in rows}


def expected(gauges: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    """What the hub should hold for ``gauges`` as the simulator lists them."""
    return {
        gauge["id"]: (
            STATUS_OF[gauge["status"]],
            gauge["kelurahan_code"],
            gauge["latitude"],
            gauge["longitude"],
            gauge["level_cm"],
        )
        for gauge in gauges
    }


def test_a_sync_stores_every_gauge_at_the_simulators_alert_level(
    make_app, database_url, serve_simulator
):
    simulator = serve_simulator("floods")
    gauges = storm(simulator)
    app = make_app(database_url, sources=(simulator.source("floods"),))

    run = run_sync(app, "floods")

    assert (run.status, run.created, run.errored) == ("succeeded", 20, 0)
    assert stored(app) == expected(gauges)


def test_later_syncs_follow_readings_rain_new_gauges_and_removals(
    make_app, database_url, serve_simulator
):
    simulator = serve_simulator("floods")
    app = make_app(database_url, sources=(simulator.source("floods"),))
    run_sync(app, "floods")

    simulator.control("/_sim/tick", {"readings": 5, "rain": 4, "new": 2})
    changed = run_sync(app, "floods")
    assert (changed.status, changed.created, changed.updated) == ("succeeded", 2, 9)
    assert stored(app) == expected(listed(simulator))

    removed = simulator.control("/_sim/tick", {"removals": 3})["removed"]
    swept = run_sync(app, "floods", full=True)
    assert (swept.status, swept.deleted) == ("succeeded", 3)
    assert stored(app) == expected(listed(simulator))
    assert not set(removed) & set(stored(app))


def test_a_gauge_with_a_broken_sensor_is_kept_aside_and_the_rest_is_stored(
    make_app, database_url, serve_simulator
):
    simulator = serve_simulator("floods", size=10)
    simulator.control("/_sim/faults", {"invalid_next": 1})
    app = make_app(database_url, sources=(simulator.source("floods"),))

    run = run_sync(app, "floods")

    assert (run.status, run.created, run.errored) == ("succeeded", 10, 1)
    assert stored(app) == expected(listed(simulator))


def test_the_plugin_is_loaded_with_its_hooks(make_app, sqlite_url):
    plugins = make_app(sqlite_url).test_client().get("/-/plugins.json").get_json()

    mine = next(plugin for plugin in plugins if plugin["name"] == "floods")
    assert mine["state"] == "loaded"
    assert {
        "register_source_types",
        "register_record_kinds",
        "register_simulators",
        "register_widgets",
    } <= set(mine["hooks"])
