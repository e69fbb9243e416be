"""The ``[open311]`` table of the configuration.

[open311]
submit_rate_limit = "30 per minute"
closed_not_fixed_notes = ["duplicate", "duplikat", "invalid", "tidak valid", "not a city issue",
                          "bukan kewenangan"]
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator

from features.open311.closing import DEFAULT_PHRASES
from hub.api import Hub, RateLimit, SettingsSection

SECTION = "open311"


class Open311Settings(BaseModel):
    """How the hub's GeoReport v2 server takes submissions, and how its source reads requests."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    submit_rate_limit: RateLimit = "30 per minute"
    """Requests one client address may submit, whatever its key."""
    closed_not_fixed_notes: tuple[str, ...] = DEFAULT_PHRASES
    """Phrases of a closed request's ``status_notes`` (whole words, any case) that mean it was
    closed without a fix: such a request is closed, not resolved."""

    @field_validator("closed_not_fixed_notes")
    @classmethod
    def _no_blank_phrase(cls, phrases: tuple[str, ...]) -> tuple[str, ...]:
        if any(not phrase.strip() for phrase in phrases):
            raise ValueError("a phrase is blank: remove it")
        return tuple(phrase.strip() for phrase in phrases)


SETTINGS = SettingsSection(SECTION, Open311Settings.model_validate)


def open311_settings(hub: Hub) -> Open311Settings:
    return hub.section(SECTION)
