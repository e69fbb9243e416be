"""The plugin's hooks: its source types, record kinds, menu item and simulator."""

from __future__ import annotations

from importlib.metadata import entry_points
from types import SimpleNamespace

import pytest
from simpul_finance import plugin
from simpul_finance.connector import FileSourceConnector, FinanceConnector
from simpul_finance.normalize import normalize

from hub.api import AreaDirectory, ConfigError, RunningServer, SourceType


@pytest.fixture
def source_types() -> dict[str, SourceType]:
    return {source_type.name: source_type for source_type in plugin.register_source_types(None)}


def test_the_plugin_is_installed_under_the_simpul_entry_point() -> None:
    (found,) = [e for e in entry_points(group="simpul") if e.name == "finance"]

    assert found.value == "simpul_finance.plugin" and found.load() is plugin


def test_registers_an_api_source_type_and_a_file_source_type(source_types) -> None:
    api, files = source_types["finance"], source_types["finance-file"]

    assert (api.connect, api.normalize) == (FinanceConnector, normalize)
    assert [f.name for f in api.config] == ["url", "api_key", "page_size", "timeout"]
    assert (files.connect, files.normalize, files.config) == (FileSourceConnector, normalize, ())
    assert files.validate("keuangan", {}) == {}


def test_settings_take_the_key_from_the_environment(source_types, monkeypatch) -> None:
    monkeypatch.setenv("SIPD_KEY", "s3cret")

    settings = source_types["finance"].validate(
        "keuangan", {"url": "http://sipd", "api_key_env": "SIPD_KEY"}
    )

    assert settings == {
        "url": "http://sipd",
        "api_key": "s3cret",
        "page_size": 500,
        "timeout": 10.0,
    }
    with pytest.raises(ConfigError, match="setting 'api_key' is a secret"):
        source_types["finance"].validate("keuangan", {"url": "http://sipd", "api_key": "inline"})


def test_declares_budget_lines_and_realizations_with_their_statuses() -> None:
    kinds = {kind.name: kind for kind in plugin.register_record_kinds(None)}

    assert [s.value for s in kinds["budget_line"].statuses] == ["original", "revised"]
    assert [(s.value, s.colour) for s in kinds["realization"].statuses] == [("issued", "green")]


def test_the_menu_links_the_figures_for_readers_of_them() -> None:
    (item,) = plugin.register_menu_items(None)

    assert (item.endpoint, item.roles) == ("finance.index", ("admin", "operator", "officer"))


def test_the_simulator_feeds_a_source_of_its_type(source_types, monkeypatch) -> None:
    (simulator,) = plugin.register_simulators(SimpleNamespace(areas=AreaDirectory()))
    for name, value in simulator.environment.items():
        monkeypatch.setenv(name, value)

    with RunningServer(simulator.create_app(size=10, city="71.71")) as server:
        source_type = source_types[simulator.source_type]
        connector = source_type.connect(
            source_type.validate("keuangan-demo", simulator.source_settings(server.url))
        )
        page = connector.fetch_page(None)
        connector.close()

    assert len(page.records) == 10 and page.has_more
    assert {source_type.normalize(record).kind for record in page.records} == {"budget_line"}
