"""Plugin discovery and isolation: a broken plugin is blocked and shown, the hub still starts.

The plugins found through entry points here are the sample plugin and a broken one, each
installed as a distribution for the test; the plugins installed with the hub are disabled."""

from __future__ import annotations

import json

import pytest
import sample_city
from click.testing import CliRunner

from hub.api import RecordKind, hookimpl
from hub.app import create_app
from hub.cli import cli
from hub.plugins import PluginError, PluginRegistry
from hub.state import current_hub


@pytest.fixture
def settings(make_settings, sqlite_url, installed_plugins):
    """Settings on SQLite with every plugin installed with the hub disabled."""

    def make(**overrides):
        return make_settings(sqlite_url, disabled_plugins=installed_plugins, **overrides)

    return make


def test_installed_plugins_are_loaded_with_version_and_hooks(install_plugin, installed_plugins):
    install_plugin("streetlights", "sample_city", version="1.2")
    registry = PluginRegistry(strict=True, disabled=installed_plugins)
    registry.load_entry_points()

    sample = registry.plugins["streetlights"]
    assert (sample.state, sample.module, sample.version) == ("loaded", "sample_city", "1.2")
    assert registry.manager.get_plugin("streetlights") is sample_city
    assert {"register_source_types", "register_widgets", "register_screens"} <= set(sample.hooks)
    assert {registry.plugins[name].state for name in installed_plugins} == {"disabled"}


def test_a_plugin_that_fails_to_import_is_blocked_and_the_hub_starts(install_plugin, settings):
    install_plugin("broken", "module_that_does_not_exist")
    install_plugin("streetlights", "sample_city")

    app = create_app(settings(strict_plugins=False))

    broken = current_hub(app).plugins.plugins["broken"]
    assert broken.state == "blocked"
    assert "module_that_does_not_exist" in broken.last_error
    assert set(current_hub(app).source_types) == {"streetlights"}
    listing = app.test_client().get("/-/plugins.json").get_json()
    assert {"name": "broken", "state": "blocked"}.items() <= next(
        p for p in listing if p["name"] == "broken"
    ).items()


def test_strict_mode_fails_loudly_on_a_broken_plugin(install_plugin, installed_plugins):
    install_plugin("broken", "module_that_does_not_exist")
    registry = PluginRegistry(strict=True, disabled=installed_plugins)

    with pytest.raises(PluginError, match="plugin broken failed to load"):
        registry.load_entry_points()


def test_a_disabled_plugin_is_listed_but_not_loaded(install_plugin, installed_plugins):
    install_plugin("streetlights", "sample_city")
    registry = PluginRegistry(disabled=(*installed_plugins, "streetlights"))
    registry.load_entry_points()

    assert registry.plugins["streetlights"].state == "disabled"
    assert registry.manager.get_plugin("streetlights") is None


class RaisingPlugin:
    @hookimpl
    def register_record_kinds(self):
        raise RuntimeError("kinds exploded")


class WrongTypePlugin:
    @hookimpl
    def register_record_kinds(self):
        return ["not a kind"]


class GoodPlugin:
    @hookimpl
    def register_record_kinds(self):
        return [RecordKind("river_level", "River level")]


def test_a_raising_hook_is_recorded_and_the_other_plugins_still_contribute(settings):
    app = create_app(
        settings(strict_plugins=False),
        extra_plugins={
            "streetlights": sample_city,
            "raising": RaisingPlugin(),
            "wrong": WrongTypePlugin(),
            "good": GoodPlugin(),
        },
    )
    hub = current_hub(app)

    assert set(hub.record_kinds) == {"streetlight", "river_level"}
    assert hub.plugins.plugins["raising"].last_error == "register_record_kinds: kinds exploded"
    assert "expected RecordKind, got str" in hub.plugins.plugins["wrong"].last_error
    assert hub.plugins.plugins["good"].last_error is None
    assert hub.plugins.plugins["streetlights"].last_error is None


def test_two_plugins_declaring_the_same_kind_keep_the_first(settings):
    class Duplicate:
        @hookimpl
        def register_record_kinds(self):
            return [RecordKind("streetlight", "Another streetlight")]

    app = create_app(
        settings(strict_plugins=False),
        extra_plugins={"streetlights": sample_city, "duplicate": Duplicate()},
    )
    hub = current_hub(app)

    assert hub.record_kinds["streetlight"] is sample_city.STREETLIGHT
    assert "already registered" in hub.plugins.plugins["duplicate"].last_error


def test_strict_mode_raises_on_a_raising_hook(settings):
    app = create_app(settings(), extra_plugins={"raising": RaisingPlugin()})

    with pytest.raises(PluginError, match="kinds exploded"):
        _ = current_hub(app).record_kinds


def test_simpul_plugins_lists_every_plugin(
    tmp_path, monkeypatch, sample_installed, install_plugin, installed_plugins
):
    monkeypatch.setenv("SIMPUL_DATABASE_URL", f"sqlite:///{tmp_path / 'hub.db'}")
    install_plugin("broken", "module_that_does_not_exist")

    result = CliRunner().invoke(cli, ["plugins", "--json"])

    assert result.exit_code == 0, result.output
    listing = {p["name"]: p for p in json.loads(result.output)}
    assert listing["streetlights"]["state"] == "loaded"
    assert listing["broken"]["state"] == "blocked"
    assert {listing[name]["state"] for name in installed_plugins} == {"disabled"}
    text = CliRunner().invoke(cli, ["plugins"]).output
    hooks = ", ".join(listing["streetlights"]["hooks"])
    assert f"streetlights 0.3 [loaded] {hooks}\n" in text
    assert hooks.startswith("register_blueprints, register_menu_items, register_record_kinds")
    assert "broken" in text and "error:" in text


def test_tracing_logs_each_hook_call_with_its_plugin_and_duration(settings, caplog):
    app = create_app(settings(trace_hooks=True), extra_plugins={"good": GoodPlugin()})

    with caplog.at_level("INFO", logger="simpul.hooks"):
        _ = current_hub(app).record_kinds

    traced = [record.getMessage() for record in caplog.records if record.name == "simpul.hooks"]
    assert any(message.startswith("register_record_kinds good ") for message in traced)
    assert all(message.endswith(" ms") for message in traced)


def test_an_app_of_the_testing_kit_loads_only_the_chosen_plugins(
    make_app, sqlite_url, install_plugin, installed_plugins
):
    install_plugin("streetlights", "sample_city")

    chosen = make_app(sqlite_url, only=("streetlights",))
    bare = make_app(sqlite_url)

    listing = {p["name"]: p["state"] for p in chosen.test_client().get("/-/plugins.json").json}
    assert listing == {"streetlights": "loaded", **dict.fromkeys(installed_plugins, "disabled")}
    assert set(current_hub(chosen).source_types) == {"streetlights"}
    bare_listing = bare.test_client().get("/-/plugins.json").json
    assert {p["state"] for p in bare_listing} == {"disabled"}
    assert current_hub(bare).source_types == {}
