"""The default wall screens' jobs, finance and staffing tiles, from the plugins' own data."""

from __future__ import annotations

import pytest

from hub.live.room import live_room
from hub.models.base import utcnow
from hub.testing import run_sync

WIDGETS = (
    "jobs.vacancies",
    "jobs.seekers",
    "finance.absorption",
    "finance.lagging",
    "hr.attendance",
    "hr.staffing",
)


@pytest.fixture
def app(make_app, sqlite_url, serve_simulator):
    simulators = {
        name: serve_simulator(name) for name in ("jobs", "finance", "hr", "hr-attendance")
    }
    sources = tuple(sim.source(f"{name}-test") for name, sim in simulators.items())
    app = make_app(sqlite_url, only=("jobs", "finance", "hr"), sources=sources)
    for name in simulators:
        assert run_sync(app, f"{name}-test").status == "succeeded"
    return app


def test_each_plugin_tile_on_the_default_screens_shows_its_figures(app):
    room = live_room(app)

    with app.test_request_context():
        results = {name: room.run(room.widgets[name], None, utcnow()) for name in WIDGETS}

    assert {name: result.error for name, result in results.items()} == dict.fromkeys(WIDGETS)
    assert results["jobs.vacancies"].data["value"] > 0
    assert 0 < results["finance.absorption"].data["value"] <= 100
    assert results["hr.staffing"].data["value"] > 0
    assert all(row["colour"] == "red" for row in results["finance.lagging"].data["rows"])
