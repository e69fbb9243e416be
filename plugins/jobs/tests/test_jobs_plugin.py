"""The plugin's hooks, called directly: source types, record kinds, menu and simulators."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.metadata import entry_points
from types import SimpleNamespace

import pytest
from jobs_helpers import TODAY, seeker
from simpul_jobs import plugin
from simpul_jobs.feed import JobPostingFeedConnector
from simpul_jobs.pencaker import PencakerConnector

from hub.api import AreaDirectory, ConfigError, RunningServer, SourceType


def fake_hub(timezone: str = "Asia/Jakarta") -> SimpleNamespace:
    return SimpleNamespace(settings=SimpleNamespace(timezone=timezone), areas=AreaDirectory())


@pytest.fixture
def source_types() -> dict[str, SourceType]:
    return {t.name: t for t in plugin.register_source_types(hub=fake_hub())}


def test_the_plugin_is_installed_under_the_simpul_entry_point() -> None:
    (found,) = [e for e in entry_points(group="simpul") if e.name == "jobs"]

    assert found.value == "simpul_jobs.plugin"
    assert found.load() is plugin


def test_registers_the_pencaker_and_the_feed_source_types(source_types) -> None:
    pencaker, feed = source_types["pencaker"], source_types["jobposting_feed"]

    assert (pencaker.title, pencaker.connect) == ("Pencaker online", PencakerConnector)
    assert [f.name for f in pencaker.config] == ["url", "api_key", "page_size", "timeout"]
    assert (feed.title, feed.connect) == ("JobPosting feed", JobPostingFeedConnector)
    assert [f.name for f in feed.config] == ["url", "timeout"]
    assert pencaker.description and feed.description


def test_normalizers_read_dates_in_the_hubs_time_zone() -> None:
    types = {t.name: t for t in plugin.register_source_types(hub=fake_hub("Asia/Makassar"))}
    raw = seeker("3671-2611-0001", "71.71.01.1001", "S1", "2026-11-16")

    record = types["pencaker"].normalize(raw)

    assert record.created_at == datetime(2026, 11, 15, 16, tzinfo=UTC)


def test_settings_take_the_key_from_the_environment(source_types, monkeypatch) -> None:
    monkeypatch.setenv("PENCAKER_KEY", "s3cret")

    settings = source_types["pencaker"].validate(
        "pencaker-tangerang", {"url": "http://pencaker", "api_key_env": "PENCAKER_KEY"}
    )

    assert settings == {
        "url": "http://pencaker",
        "api_key": "s3cret",
        "page_size": 500,
        "timeout": 10.0,
    }


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("pencaker", {"url": "http://pencaker", "api_key": "inline"}, "is a secret"),
        ("pencaker", {"url": "http://pencaker"}, "setting 'api_key' is missing"),
        ("jobposting_feed", {}, "setting 'url' is missing"),
        ("jobposting_feed", {"url": "http://board", "page_size": 5}, "unknown setting"),
    ],
)
def test_unusable_settings_are_config_errors(source_types, name: str, raw: dict, message) -> None:
    with pytest.raises(ConfigError, match=message):
        source_types[name].validate("jobs", raw)


def test_registers_three_record_kinds_with_traffic_light_statuses() -> None:
    kinds = {kind.name: kind for kind in plugin.register_record_kinds()}

    assert set(kinds) == {"job_seeker", "vacancy", "placement"}
    seeker_colours = {s.value: s.colour for s in kinds["job_seeker"].statuses}
    assert seeker_colours == {"looking": "yellow", "placed": "green", "expired": "grey"}
    assert {s.value: s.colour for s in kinds["vacancy"].statuses} == {
        "open": "green",
        "closed": "grey",
    }


def test_the_menu_links_every_role_to_the_jobs_pages() -> None:
    (item,) = plugin.register_menu_items()

    assert item.endpoint == "jobs.index"
    assert set(item.roles) == {"admin", "operator", "officer", "ward_staff"}


@pytest.mark.parametrize(("name", "kind"), [("jobs", "pencaker"), ("jobboard", "jobposting_feed")])
def test_each_simulator_feeds_a_source_of_its_type(
    source_types, monkeypatch, name: str, kind: str
) -> None:
    simulators = {s.name: s for s in plugin.register_simulators(hub=fake_hub())}
    simulator = simulators[name]
    for variable, value in simulator.environment.items():
        monkeypatch.setenv(variable, value)

    with RunningServer(simulator.create_app(size=30, today=TODAY)) as server:
        source_type = source_types[simulator.source_type]
        connector = source_type.connect(
            source_type.validate("demo", simulator.source_settings(server.url))
        )
        page = connector.fetch_page(None)
        connector.close()

    records = [source_type.normalize(raw) for raw in page.records]
    assert simulator.source_type == kind and records
    assert all(record.area_code.startswith("36.71.") for record in records)
