"""The plugin's hooks, called directly: the ``qlue`` source type and its simulator."""

from __future__ import annotations

from importlib.metadata import entry_points
from types import SimpleNamespace

import pytest
from simpul_qlue import plugin
from simpul_qlue.connector import QlueConnector
from simpul_qlue.normalize import normalize

from hub.api import AreaDirectory, ConfigError, RunningServer, SourceType


@pytest.fixture
def source_type() -> SourceType:
    (only,) = plugin.register_source_types(hub=None)
    return only


def test_the_plugin_is_installed_under_the_simpul_entry_point() -> None:
    (found,) = [e for e in entry_points(group="simpul") if e.name == "qlue"]

    assert found.value == "simpul_qlue.plugin"
    assert found.load() is plugin


def test_registers_the_qlue_source_type(source_type: SourceType) -> None:
    assert (source_type.name, source_type.title) == ("qlue", "Qlue")
    assert source_type.connect is QlueConnector
    assert source_type.normalize is normalize
    assert [f.name for f in source_type.config] == ["url", "api_key", "page_size", "timeout"]
    assert source_type.description


def test_settings_take_the_key_from_the_environment_and_fill_defaults(
    source_type: SourceType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QLUE_KEY", "s3cret")

    settings = source_type.validate(
        "qlue-jaktim", {"url": "http://qlue", "api_key_env": "QLUE_KEY"}
    )

    assert settings == {
        "url": "http://qlue",
        "api_key": "s3cret",
        "page_size": 500,
        "timeout": 10.0,
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"api_key_env": "QLUE_KEY"}, "setting 'url' is missing"),
        ({"url": "http://qlue", "api_key": "inline"}, "setting 'api_key' is a secret"),
        ({"url": "http://qlue"}, "setting 'api_key' is missing"),
        ({"url": "http://qlue", "api_key_env": "QLUE_KEY", "page_size": "big"}, "must be int"),
    ],
)
def test_unusable_settings_are_config_errors(
    source_type: SourceType, monkeypatch: pytest.MonkeyPatch, raw: dict, message: str
) -> None:
    monkeypatch.setenv("QLUE_KEY", "s3cret")

    with pytest.raises(ConfigError, match=message):
        source_type.validate("qlue-jaktim", raw)


def test_the_simulator_feeds_a_source_of_its_type(
    source_type: SourceType, monkeypatch: pytest.MonkeyPatch
) -> None:
    (simulator,) = plugin.register_simulators(hub=SimpleNamespace(areas=AreaDirectory()))
    assert (simulator.name, simulator.source_type) == ("qlue", "qlue")
    for name, value in simulator.environment.items():
        monkeypatch.setenv(name, value)

    with RunningServer(simulator.create_app(seed=3, size=40, city="71.71")) as server:
        settings = source_type.validate("qlue-demo", simulator.source_settings(server.url))
        connector = source_type.connect(settings)
        page = connector.fetch_page(None)
        connector.close()

    records = [source_type.normalize(raw) for raw in page.records]
    assert len(records) == 40 and not page.has_more
    assert all(r.area_code.startswith("71.71.") for r in records)
