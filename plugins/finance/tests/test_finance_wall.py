"""The finance tiles of the default wall, from a sync of the finance simulator."""

from __future__ import annotations

from hub.testing import run_sync, widget_data


def test_the_finance_tiles_show_absorption_and_the_agencies_slowest_first(
    make_app, sqlite_url, serve_simulator
):
    finance = serve_simulator("finance")
    app = make_app(sqlite_url, only=("finance",), sources=(finance.source("finance-test"),))
    assert run_sync(app, "finance-test").status == "succeeded"

    assert 0 < widget_data(app, "finance.absorption")["value"] <= 100
    agencies = widget_data(app, "finance.lagging")["rows"]
    assert agencies and [row["value"] for row in agencies] == sorted(
        row["value"] for row in agencies
    )
    assert {row["colour"] for row in agencies} <= {"red", "yellow", "green"}
    assert widget_data(app, "finance.months")["series"][0]["values"]
