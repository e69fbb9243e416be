"""Plugin discovery and isolation: a broken plugin is blocked and shown, the hub still starts."""

from __future__ import annotations

import importlib
import json

import pytest
from click.testing import CliRunner

from hub.api import RecordKind, hookimpl
from hub.app import create_app, state
from hub.cli import cli
from hub.plugins import PluginError, PluginRegistry


def install_distribution(tmp_path, monkeypatch, name: str, target: str) -> None:
    """Put a real distribution on sys.path whose ``simpul`` entry point names ``target``."""
    info = tmp_path / f"{name}-0.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.3\n")
    (info / "entry_points.txt").write_text(f"[simpul]\n{name} = {target}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()


def test_installed_plugins_are_loaded_with_version_and_hooks():
    registry = PluginRegistry(strict=True)
    registry.load_entry_points()

    qlue = registry.plugins["qlue"]
    assert qlue.state == "loaded"
    assert qlue.version == "0.1.0"
    assert "register_source_types" in qlue.hooks


def test_a_plugin_that_fails_to_import_is_blocked_and_the_hub_starts(
    tmp_path, monkeypatch, make_settings, sqlite_url
):
    install_distribution(tmp_path, monkeypatch, "broken", "module_that_does_not_exist")

    app = create_app(make_settings(sqlite_url, strict_plugins=False))

    broken = state(app).hub.plugins.plugins["broken"]
    assert broken.state == "blocked"
    assert "module_that_does_not_exist" in broken.last_error
    assert "qlue" in state(app).hub.source_types
    listing = app.test_client().get("/-/plugins.json").get_json()
    assert {"name": "broken", "state": "blocked"}.items() <= next(
        p for p in listing if p["name"] == "broken"
    ).items()


def test_strict_mode_fails_loudly_on_a_broken_plugin(tmp_path, monkeypatch):
    install_distribution(tmp_path, monkeypatch, "broken", "module_that_does_not_exist")
    registry = PluginRegistry(strict=True)

    with pytest.raises(PluginError, match="plugin broken failed to load"):
        registry.load_entry_points()


def test_a_disabled_plugin_is_listed_but_not_loaded():
    registry = PluginRegistry(disabled=("qlue",))
    registry.load_entry_points()

    assert registry.plugins["qlue"].state == "disabled"
    assert registry.manager.get_plugin("qlue") is None


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


def test_a_raising_hook_is_recorded_and_the_other_plugins_still_contribute(
    make_settings, sqlite_url
):
    app = create_app(
        make_settings(sqlite_url, strict_plugins=False),
        extra_plugins={
            "raising": RaisingPlugin(),
            "wrong": WrongTypePlugin(),
            "good": GoodPlugin(),
        },
    )
    hub = state(app).hub

    assert {"complaint", "river_level"} <= set(hub.record_kinds)
    assert hub.plugins.plugins["raising"].last_error == "register_record_kinds: kinds exploded"
    assert "expected RecordKind, got str" in hub.plugins.plugins["wrong"].last_error
    assert hub.plugins.plugins["good"].last_error is None


def test_two_plugins_declaring_the_same_kind_keep_the_first(make_settings, sqlite_url):
    class Duplicate:
        @hookimpl
        def register_record_kinds(self):
            return [RecordKind("complaint", "Another complaint")]

    app = create_app(
        make_settings(sqlite_url, strict_plugins=False), extra_plugins={"duplicate": Duplicate()}
    )
    hub = state(app).hub

    assert str(hub.record_kinds["complaint"].title) != "Another complaint"
    assert "already registered" in hub.plugins.plugins["duplicate"].last_error


def test_strict_mode_raises_on_a_raising_hook(make_settings, sqlite_url):
    app = create_app(make_settings(sqlite_url), extra_plugins={"raising": RaisingPlugin()})

    with pytest.raises(PluginError, match="kinds exploded"):
        _ = state(app).hub.record_kinds


def test_simpul_plugins_lists_every_plugin(tmp_path, monkeypatch):
    monkeypatch.setenv("SIMPUL_DATABASE_URL", f"sqlite:///{tmp_path / 'hub.db'}")
    install_distribution(tmp_path, monkeypatch, "broken", "module_that_does_not_exist")

    result = CliRunner().invoke(cli, ["plugins", "--json"])

    assert result.exit_code == 0, result.output
    listing = {p["name"]: p for p in json.loads(result.output)}
    assert listing["qlue"]["state"] == "loaded"
    assert listing["broken"]["state"] == "blocked"
    text = CliRunner().invoke(cli, ["plugins"]).output
    assert "broken" in text and "error:" in text


def test_tracing_logs_each_hook_call_with_its_plugin_and_duration(
    make_settings, sqlite_url, caplog
):
    app = create_app(
        make_settings(sqlite_url, trace_hooks=True), extra_plugins={"good": GoodPlugin()}
    )

    with caplog.at_level("INFO", logger="simpul.hooks"):
        _ = state(app).hub.record_kinds

    traced = [record.getMessage() for record in caplog.records if record.name == "simpul.hooks"]
    assert any(message.startswith("register_record_kinds good ") for message in traced)
    assert all(message.endswith(" ms") for message in traced)


def test_an_app_of_the_testing_kit_loads_only_the_chosen_plugins(make_app, sqlite_url):
    app = make_app(sqlite_url, only=("qlue",))

    listing = {p["name"]: p["state"] for p in app.test_client().get("/-/plugins.json").json}
    assert listing["qlue"] == listing["hub.complaints"] == "loaded"
    assert {listing[name] for name in ("jobs", "finance", "hr", "floods")} == {"disabled"}
    assert set(state(app).hub.source_types) == {"qlue", "open311"}
