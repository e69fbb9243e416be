"""The activity reports' hooks."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from features.reports import api, overview, pages
from features.reports.settings import SETTINGS
from features.reports.widgets import latest_reports_widget
from hub.api import MenuItem, SettingsSection, WallScreen, Widget, hookimpl

MIGRATIONS = Path(__file__).parent / "migrations"


@hookimpl
def register_blueprints() -> list[Blueprint]:
    return [pages.blueprint, overview.blueprint, api.blueprint]


@hookimpl
def register_menu_items() -> list[MenuItem]:
    return [
        MenuItem(_l("Activity reports"), "reports.index", order=20),
        MenuItem(_l("Recap"), "report_overview.recap_page", order=25),
    ]


@hookimpl
def register_settings() -> list[SettingsSection]:
    return [SETTINGS]


@hookimpl
def register_widgets() -> list[Widget]:
    return [latest_reports_widget()]


@hookimpl
def register_screens() -> list[WallScreen]:
    return [
        WallScreen(
            "wards-and-sources",
            _l("Ward reports and data sources"),
            ("reports.latest", "sources.health"),
        )
    ]


@hookimpl
def register_migrations() -> list[Path]:
    return [MIGRATIONS]
