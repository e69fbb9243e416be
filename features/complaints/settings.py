"""The ``[complaints]`` table of the configuration: the agencies and how categories route.

[complaints.agencies]
dinas-bina-marga = "Dinas Bina Marga"

[complaints.categories."Jalan rusak"]
agency = "dinas-bina-marga"
response_hours = 24
completion_hours = 72
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from features.complaints.routing import Routing, read_routing
from hub.api import ConfigError, Hub, SettingsSection

SECTION = "complaints"
TABLES = ("agencies", "categories")


def read_settings(table: Mapping[str, Any]) -> Routing:
    unknown = sorted(set(table) - set(TABLES))
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r} (known: {', '.join(TABLES)})")
    return read_routing(table.get("agencies", {}), table.get("categories", {}))


SETTINGS = SettingsSection(SECTION, read_settings)


def routing_of(hub: Hub) -> Routing:
    """How ``hub`` routes complaints to agencies, with each category's deadlines."""
    return hub.section(SECTION)
