"""The live room's hooks: its widgets and default screens, pages, menu item and commands, and the
changes it follows.

The widgets, views and commands are imported inside the hooks: they need hub.app (through the
access helpers), which imports this module while it loads.
"""

from __future__ import annotations

import click
from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hub.context import Hub
from hub.hookspecs import hookimpl
from hub.live import changes as live_changes
from hub.menu import MenuItem
from hub.sync.store import RecordChange
from hub.widgets import WallScreen, Widget

live_changes.watch_handling()


@hookimpl
def register_widgets(hub: Hub) -> list[Widget]:
    from hub.live.widgets import hub_widgets

    return hub_widgets(hub)


@hookimpl
def register_screens() -> list[WallScreen]:
    """The hub's own screens: complaints, their map, ward reports and the sources' health."""
    return [
        WallScreen(
            "complaints",
            _l("Citizen complaints"),
            (
                "complaints.backlog",
                "complaints.response_rate",
                "complaints.overdue",
                "complaints.ranking",
                "complaints.trend",
                "complaints.latest",
            ),
        ),
        WallScreen(
            "complaints-map",
            _l("Complaints map"),
            ("complaints.map", "complaints.backlog", "complaints.overdue"),
        ),
        WallScreen(
            "wards-and-sources",
            _l("Ward reports and data sources"),
            ("reports.latest", "complaints.latest", "sources.health"),
        ),
    ]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from hub.live import admin, views

    return [views.blueprint, admin.blueprint]


@hookimpl
def register_menu_items() -> list[MenuItem]:
    return [MenuItem(_l("Live room"), "live.index", roles=("admin", "operator"), order=80)]


@hookimpl
def register_commands() -> list[click.Command]:
    from hub.live.commands import live

    return [live]


@hookimpl
def records_changed(hub: Hub, session: Session, changes: list[RecordChange]) -> None:
    live_changes.follow_records(hub.settings, session, changes)
