"""The default wall screens of the flood gauges, staffing, jobs and finance plugins at 1920x1080
in headless Chromium, on data synced from their simulators: every tile is drawn, the tiles fill
the screen (no empty half), and axe-core finds no WCAG A or AA violation.

Skipped without Playwright or a ``chromium`` on PATH. With ``ARTIFACTS`` set, a screenshot of
each screen is saved there as ``wall-<screen>.png``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from flask import Flask

from hub.api import RunningServer
from hub.testing import PASSWORD, run_sync

pytestmark = pytest.mark.slow

FULL_HD = {"width": 1920, "height": 1080}
WAIT_MS = 15_000
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
SCREENS = {
    "floods": ("floods.alerts", "floods.danger", "floods.top", "floods.gauges", "floods.highest"),
    "hr": ("hr.attendance", "hr.attendance_opd", "hr.vacant"),
    "jobs": ("jobs.vacancies", "jobs.sectors", "jobs.latest"),
    "finance": ("finance.absorption", "finance.lagging", "finance.lines"),
}
"""Each screen, and tiles that must be drawn on it."""
COVERAGE = """() => {
  const grid = document.getElementById("screen").getBoundingClientRect();
  const tiles = [...document.querySelectorAll("#screen .tile")].map(
    (tile) => tile.getBoundingClientRect());
  const area = tiles.reduce((sum, t) => sum + t.width * t.height, 0);
  return {
    tiles: tiles.length,
    covered: area / (grid.width * grid.height),
    right: Math.max(...tiles.map((t) => t.right)) / grid.right,
    bottom: Math.max(...tiles.map((t) => t.bottom)) / grid.bottom,
  };
}"""
"""How much of the screen's grid its tiles cover, and how far right and down they reach."""


@pytest.fixture(scope="module")
def chromium() -> str:
    pytest.importorskip("playwright.sync_api", reason="the Python package playwright is missing")
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("no chromium executable on PATH")
    return executable


@pytest.fixture
def wall(make_app, sqlite_url, serve_simulator, make_user) -> Flask:
    """An app with the four plugins' sources synced once, and its default screens."""
    simulators = {
        "floods": serve_simulator("floods"),
        "hr": serve_simulator("hr", size=120),
        "hr-attendance": serve_simulator("hr-attendance", size=120),
        "jobs": serve_simulator("jobs"),
        "finance": serve_simulator("finance"),
    }
    sources = tuple(simulator.source(name) for name, simulator in simulators.items())
    app = make_app(sqlite_url, only=("floods", "hr", "jobs", "finance"), sources=sources)
    for name in simulators:
        assert run_sync(app, name).status == "succeeded", name
    assert app.test_cli_runner().invoke(args=["live", "defaults"]).exit_code == 0
    make_user(app, "operator1", "operator")
    return app


def test_each_screen_is_full_and_accessible_at_full_hd(chromium: str, wall: Flask) -> None:
    from axe_playwright_python.base import AXE_SCRIPT, AxeResults
    from playwright.sync_api import expect, sync_playwright

    with RunningServer(wall) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=FULL_HD)
        page.goto(f"{server.url}/login")
        page.fill('input[name="username"]', "operator1")
        page.fill('input[name="password"]', PASSWORD)
        page.locator('input[name="password"]').press("Enter")
        page.wait_for_url(lambda url: "/login" not in url)
        for screen, widgets in SCREENS.items():
            page.goto(f"{server.url}/live/screens/{screen}")
            for widget in widgets:
                body = page.locator(f'[data-widget="{widget}"] .tile-body > *').first
                expect(body).to_be_visible(timeout=WAIT_MS)
            coverage = page.evaluate(COVERAGE)
            assert coverage["covered"] > 0.85 and coverage["right"] > 0.98, (screen, coverage)
            assert coverage["bottom"] > 0.98, (screen, coverage)
            page.evaluate(AXE_SCRIPT)
            violations = page.evaluate("(o) => axe.run(o).then((r) => r.violations)", AXE_OPTIONS)
            assert not violations, AxeResults({"violations": violations}).generate_report()
            if os.environ.get("ARTIFACTS"):
                page.screenshot(path=str(Path(os.environ["ARTIFACTS"]) / f"wall-{screen}.png"))
        browser.close()
