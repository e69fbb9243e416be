"""The hooks of the ${title} plugin.

Its source type, record kind, simulator, wall tile and screen.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from hub.api import (
    ConfigField,
    Hub,
    RecordKind,
    Simulator,
    SourceType,
    Status,
    WallScreen,
    Widget,
    hookimpl,
)
from ${package}.connector import ${class_name}Connector
from ${package}.normalize import KIND, normalize
from ${package}.simulator import DEMO_API_KEY, create_app
from ${package}.widgets import WIDGETS

API_KEY_ENV = "${env_name}"


@hookimpl
def register_source_types(hub: Hub) -> list[SourceType]:
    return [
        SourceType(
            name="${name}",
            title="${title}",
            connect=${class_name}Connector,
            normalize=normalize,
            config=(
                ConfigField("url", help="base URL of the ${title} API"),
                ConfigField("api_key", secret=True, help="sent as the X-API-Key header"),
                ConfigField(
                    "page_size",
                    "int",
                    required=False,
                    default=500,
                    help="items per page",
                    least=1,
                    most=1000,
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
            description="Items from ${title}.",
        )
    ]


@hookimpl
def register_record_kinds(hub: Hub) -> list[RecordKind]:
    return [
        RecordKind(
            KIND,
            _l("${title} item"),
            (
                Status("open", _l("Open"), "red"),
                Status("in_progress", _l("In progress"), "yellow"),
                Status("closed", _l("Closed"), "green"),
            ),
        )
    ]


@hookimpl
def register_simulators(hub: Hub) -> list[Simulator]:
    return [
        Simulator(
            name="${name}",
            source_type="${name}",
            create_app=lambda **options: create_app(hub.areas, **options),
            source_settings=source_settings,
            environment={API_KEY_ENV: DEMO_API_KEY},
        )
    ]


def source_settings(base_url: str) -> dict[str, Any]:
    """Settings of a source that reads from the simulator at ``base_url``."""
    return {"url": base_url, "api_key_env": API_KEY_ENV}


@hookimpl
def register_widgets(hub: Hub) -> list[Widget]:
    return WIDGETS


@hookimpl
def register_screens(hub: Hub) -> list[WallScreen]:
    return [
        WallScreen(
            "${screen_name}",
            _l("${title}"),
            ("${name}.open",),
            columns=1,
        )
    ]
