"""The ``[reports]`` table of the configuration.

[reports]
activity_types = ["Kerja bakti", "Posyandu", "Lainnya"]
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hub.api import Hub, SettingsSection

SECTION = "reports"
ActivityType = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
"""The name of a kind of activity, as the report form lists it (and a report stores it)."""


class ReportSettings(BaseModel):
    """What ward staff may report."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    activity_types: tuple[ActivityType, ...] = Field(
        default=(
            "Kerja bakti",
            "Posyandu",
            "Musrenbang",
            "Patroli",
            "Penanganan banjir",
            "Penyuluhan",
            "Rapat koordinasi",
            "Pelayanan warga",
            "Lainnya",
        ),
        min_length=1,
    )


SETTINGS = SettingsSection(SECTION, ReportSettings.model_validate)


def report_settings(hub: Hub) -> ReportSettings:
    return hub.section(SECTION)
