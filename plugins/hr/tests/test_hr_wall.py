"""The staffing tiles of the default wall, from syncs of the SCIM and attendance simulators."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hub.testing import run_sync, widget_data


def test_the_staffing_tiles_show_the_synced_figures(make_app, sqlite_url, serve_simulator):
    simulators = {name: serve_simulator(name) for name in ("hr", "hr-attendance")}
    sources = tuple(sim.source(f"{name}-test") for name, sim in simulators.items())
    app = make_app(sqlite_url, only=("hr",), sources=sources)
    for name in simulators:
        assert run_sync(app, f"{name}-test").status == "succeeded"

    assert widget_data(app, "hr.staffing")["value"] > 0
    attendance = widget_data(app, "hr.attendance")
    if datetime.now(ZoneInfo("Asia/Jakarta")).weekday() >= 5:
        assert attendance["value"] is None, "the simulator records no attendance at weekends"
    else:
        assert attendance["unit"] == "%" and 0 <= attendance["value"] <= 100
