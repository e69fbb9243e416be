"""The hooks of the Qlue plugin: the ``qlue`` source type and its simulator."""

from __future__ import annotations

from typing import Any

from hub.api import ConfigField, Hub, Simulator, SourceType, hookimpl
from simpul_qlue.connector import QlueConnector, write_back
from simpul_qlue.normalize import normalize
from simpul_qlue.simulator import DEMO_API_KEY, create_app

API_KEY_ENV = "SIMPUL_QLUE_API_KEY"
MAX_PAGE_SIZE = 1000
"""The most items a source may be asked for in one page."""


@hookimpl
def register_source_types(hub: Hub) -> list[SourceType]:
    return [
        SourceType(
            name="qlue",
            title="Qlue",
            connect=QlueConnector,
            normalize=normalize,
            config=(
                ConfigField("url", help="base URL of the Qlue API"),
                ConfigField("api_key", secret=True, help="sent as the X-API-Key header"),
                ConfigField(
                    "page_size",
                    "int",
                    required=False,
                    default=500,
                    help="reports per page",
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
            description="Citizen complaints from Qlue: photo, category, location and status.",
            write_back=write_back,
        )
    ]


@hookimpl
def register_simulators(hub: Hub) -> list[Simulator]:
    return [
        Simulator(
            name="qlue",
            source_type="qlue",
            create_app=lambda **options: create_app(hub.areas, **options),
            source_settings=source_settings,
            environment={API_KEY_ENV: DEMO_API_KEY},
        )
    ]


def source_settings(base_url: str) -> dict[str, Any]:
    """Settings of a ``qlue`` source that reads from the simulator at ``base_url``."""
    return {"url": base_url, "api_key_env": API_KEY_ENV, "page_size": 500}
