"""The ``[open311]`` table of the configuration.

[open311]
submit_rate_limit = "30 per minute"
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from hub.api import Hub, RateLimit, SettingsSection

SECTION = "open311"


class Open311Settings(BaseModel):
    """How the hub's GeoReport v2 server takes submissions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    submit_rate_limit: RateLimit = "30 per minute"
    """Requests one client address may submit, whatever its key."""


SETTINGS = SettingsSection(SECTION, Open311Settings.model_validate)


def open311_settings(hub: Hub) -> Open311Settings:
    return hub.section(SECTION)
