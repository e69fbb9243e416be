"""The ${name} plugin in a running hub: synced from its simulator, shown on the
wall."""

from hub.api import Record, read_session
from hub.testing import run_sync, widget_data


def test_a_sync_stores_the_items_and_the_wall_counts_the_open_ones(
    make_app, database_url, serve_simulator
):
    simulator = serve_simulator("${name}", size=40)
    for _ in range(2):
        simulator.control("/_sim/tick", {"updates": 30})
    app = make_app(database_url, sources=(simulator.source("${name}"),))

    run = run_sync(app, "${name}")

    stats = simulator.control("/_sim/stats")
    assert (run.status, run.created, run.errored) == ("succeeded", stats["total"], 0)
    with app.app_context(), read_session() as session:
        assert session.query(Record).count() == stats["total"]
    tile = widget_data(app, "${name}.open")
    assert tile["value"] == stats["open"] < stats["total"]
    assert widget_data(app, "${name}.open", "36.71")["value"] == 0


def test_an_invalid_item_is_kept_aside_and_the_rest_is_stored(
    make_app, database_url, serve_simulator
):
    simulator = serve_simulator("${name}", size=10)
    simulator.control("/_sim/faults", {"invalid_next": 1})
    app = make_app(database_url, sources=(simulator.source("${name}"),))

    run = run_sync(app, "${name}")

    assert (run.status, run.created, run.errored) == ("succeeded", 10, 1)


def test_the_plugin_is_loaded_with_its_hooks(make_app, sqlite_url):
    app = make_app(sqlite_url, only=("${name}",))
    plugins = app.test_client().get("/-/plugins.json").get_json()

    mine = next(plugin for plugin in plugins if plugin["name"] == "${name}")
    assert mine["state"] == "loaded"
    assert {"register_source_types", "register_widgets", "register_screens"} <= set(mine["hooks"])
