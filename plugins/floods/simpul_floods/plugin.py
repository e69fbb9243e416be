"""The hooks of the flood-gauge plugin: the ``floods`` source type, the ``flood_gauge`` kind, the
simulator, the wall tiles and their screen."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from hub.api import (
    ConfigField,
    Hub,
    RecordKind,
    Simulator,
    SourceType,
    WallScreen,
    Widget,
    hookimpl,
)
from simpul_floods.connector import GaugeConnector
from simpul_floods.kinds import FLOOD_GAUGE
from simpul_floods.normalize import normalize
from simpul_floods.simulator import DEMO_API_KEY, create_app
from simpul_floods.widgets import WIDGETS

API_KEY_ENV = "SIMPUL_FLOODS_API_KEY"
MAX_PAGE_SIZE = 1000
"""The most items a source may be asked for in one page."""


@hookimpl
def register_source_types(hub: Hub) -> list[SourceType]:
    return [
        SourceType(
            name="floods",
            title="Pos Pantau Banjir",
            connect=GaugeConnector,
            normalize=normalize,
            config=(
                ConfigField("url", help="base URL of the flood-gauge API"),
                ConfigField("api_key", secret=True, help="sent as the X-API-Key header"),
                ConfigField(
                    "page_size",
                    "int",
                    required=False,
                    default=500,
                    help="gauges per page",
                    least=1,
                    most=MAX_PAGE_SIZE,
                ),
                ConfigField(
                    "timeout",
                    "float",
                    required=False,
                    default=10.0,
                    help="seconds per request",
                    least=0.1,
                    most=300,
                ),
            ),
            description="Water levels and alert levels (Siaga 4 to 1) of the city's flood gauges.",
        )
    ]


@hookimpl
def register_record_kinds(hub: Hub) -> list[RecordKind]:
    return [FLOOD_GAUGE]


@hookimpl
def register_simulators(hub: Hub) -> list[Simulator]:
    return [
        Simulator(
            name="floods",
            source_type="floods",
            create_app=lambda **options: create_app(hub.areas, **options),
            source_settings=source_settings,
            environment={API_KEY_ENV: DEMO_API_KEY},
        )
    ]


def source_settings(base_url: str) -> dict[str, Any]:
    """Settings of a ``floods`` source that reads from the simulator at ``base_url``."""
    return {"url": base_url, "api_key_env": API_KEY_ENV}


@hookimpl
def register_screens(hub: Hub) -> list[WallScreen]:
    """Three figures on top; below them the map, two columns wide, and the ranking."""
    return [
        WallScreen(
            "floods",
            _l("Flood gauges"),
            ("floods.alerts", "floods.danger", "floods.top", "floods.gauges", "floods.highest"),
        )
    ]


@hookimpl
def register_widgets(hub: Hub) -> list[Widget]:
    return WIDGETS
