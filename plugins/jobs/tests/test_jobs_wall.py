"""The jobs tiles of the default wall, from a sync of the Pencaker simulator."""

from __future__ import annotations

from hub.testing import run_sync, widget_data


def test_the_jobs_tiles_show_the_synced_figures(make_app, sqlite_url, serve_simulator):
    pencaker = serve_simulator("jobs")
    app = make_app(sqlite_url, only=("jobs",), sources=(pencaker.source("jobs-test"),))
    assert run_sync(app, "jobs-test").status == "succeeded"

    assert widget_data(app, "jobs.vacancies")["value"] > 0
    assert widget_data(app, "jobs.seekers")["value"] > 0
