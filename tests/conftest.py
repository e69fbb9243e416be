"""Fixtures of the hub's own tests. Here an app loads no installed plugin and none of the hub's
features unless a test asks for them: the core is tested alone, or with the sample plugin of
``sample_city`` (the city's streetlights) where it needs one."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable, Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import sample_city
from browser import CHROMIUM_ARGS, chromium_or_skip

from hub.plugins import ENTRY_POINT_GROUP
from hub.simulators import RunningServer
from hub.testing import RunningSimulator

TESTS = Path(__file__).resolve().parent
SAMPLE = "streetlights"
"""The sample plugin's name, wherever the tests register or install it."""


@pytest.fixture(scope="session")
def installed_plugins() -> tuple[str, ...]:
    """The names of the plugins installed under the ``simpul`` entry point, features included
    (read before any test installs one of its own)."""
    return tuple(sorted({entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)}))


@pytest.fixture
def make_app(make_app):
    """The kit's ``make_app``, loading only the installed plugins ``only`` names: none unless a
    test asks; ``only=None`` loads them all, for a test about the whole installed system."""

    def make(
        database_url: str,
        plugins: dict[str, object] | None = None,
        only: Iterable[str] | None = (),
        **settings,
    ):
        return make_app(database_url, plugins, only, **settings)

    return make


@pytest.fixture
def make_city(make_app):
    """An app with the sample plugin and no installed one: ``make_city(url, sources=(...))``;
    ``plugins`` adds more beside it."""

    def make(database_url: str, plugins: dict[str, object] | None = None, **settings):
        return make_app(database_url, plugins={SAMPLE: sample_city, **(plugins or {})}, **settings)

    return make


@pytest.fixture
def serve_streetlights(monkeypatch) -> Iterator:
    """Serve the sample's streetlight app on loopback, its API key in the environment:
    ``serve_streetlights(size=60, seed=3)``; ``.source(name, **settings)`` reads it."""
    (simulator,) = sample_city.register_simulators()
    for variable, value in simulator.environment.items():
        monkeypatch.setenv(variable, value)
    running: list[RunningSimulator] = []

    def serve(**options) -> RunningSimulator:
        running.append(RunningSimulator(simulator, RunningServer(simulator.create_app(**options))))
        return running[-1]

    yield serve
    for each in running:
        each.stop()


@pytest.fixture
def install_plugin(tmp_path, monkeypatch):
    """Install a distribution whose ``simpul`` entry point ``name`` loads ``target``, found as
    any installed plugin is: ``install_plugin("broken", "no_such_module")``. Returns the
    environment in which a subprocess finds it too."""
    site = tmp_path / "site"

    def install(name: str, target: str, version: str = "0.3") -> dict[str, str]:
        info = site / f"{name}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{name} = {target}\n")
        if str(site) not in sys.path:
            monkeypatch.syspath_prepend(str(site))
        importlib.invalidate_caches()
        return {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(TESTS)])}

    return install


@pytest.fixture
def sample_installed(install_plugin, installed_plugins, monkeypatch) -> dict[str, str]:
    """The sample plugin installed as a distribution, and every other installed plugin disabled
    through ``SIMPUL_DISABLED_PLUGINS``: what the command line and a worker then load. Returns
    the environment for a subprocess."""
    monkeypatch.setenv("SIMPUL_DISABLED_PLUGINS", ",".join(installed_plugins))
    return install_plugin(SAMPLE, "sample_city")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for a module's tests (skipped, or failed in CI, without it)."""
    chromium = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
