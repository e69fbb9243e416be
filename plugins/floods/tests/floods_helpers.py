"""Shared by the floods plugin's tests: the simulator without a server, and what it lists."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from hub.api import AreaDirectory
from hub.testing import RunningSimulator
from simpul_floods.simulator import DEMO_API_KEY, MAX_LIMIT, create_app

AREAS = AreaDirectory()
STATUS_OF = {"Siaga 4": "normal", "Siaga 3": "siaga_3", "Siaga 2": "siaga_2", "Siaga 1": "siaga_1"}
"""The hub's status for each of the app's alert words."""
COLOUR_OF = {"Siaga 4": "green", "Siaga 3": "yellow", "Siaga 2": "red", "Siaga 1": "red"}
"""The wall's colour for each of the app's alert words."""


def simulator_client(**options: Any) -> FlaskClient:
    """A test client of the simulator made with ``options``, sending its API key."""
    client = create_app(AREAS, **options).test_client()
    client.environ_base["HTTP_X_API_KEY"] = DEMO_API_KEY
    return client


def every_gauge(client: FlaskClient) -> list[dict[str, Any]]:
    """Every gauge the simulator lists, in one page."""
    return client.get("/api/v1/gauges", query_string={"limit": MAX_LIMIT}).get_json()["data"]


def listed(simulator: RunningSimulator) -> list[dict[str, Any]]:
    """Every gauge a served simulator lists, in one page."""
    return simulator.control(f"/api/v1/gauges?limit={MAX_LIMIT}")["data"]


def storm(simulator: RunningSimulator) -> list[dict[str, Any]]:
    """Rain on the 20 gauges of a seeded simulator until some reach each alert level; returns
    every gauge then."""
    for rain in (12, 8, 5):
        simulator.control("/_sim/tick", {"rain": rain})
    gauges = listed(simulator)
    assert {gauge["status"] for gauge in gauges} == set(STATUS_OF), "the storm missed a level"
    return gauges
