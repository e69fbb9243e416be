"""Complaint handling: the hub's own feature over complaints from every source.

Every complaint gets a case (status, routing to an agency, deadlines), officials answer and hand
it off from the portal, answers go back to the source app through an outbox, and rankings and a
weekly report show who answers. The citizens' photos are copied into the hub's file store, so a
complaint's page never depends on its source app. The people who handle a complaint are told
what waits for them: new complaints, hand-offs, deadlines (escalated when missed), a daily
digest. A plugin like any other, loaded by its entry point.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from features.complaints import cases, digest, jobs, notices, photos, reminders, rollups, summary
from features.complaints.commands import complaints
from features.complaints.kind import COMPLAINT
from features.complaints.settings import SETTINGS, reminders_of, routing_of
from features.complaints.views import handling, listing, rankings
from features.complaints.widgets.map import complaint_map_widget
from features.complaints.widgets.tiles import complaint_widgets
from hub.api import (
    Agency,
    Hub,
    MenuItem,
    PeriodicTask,
    RecordChange,
    RecordKind,
    SettingsSection,
    WallScreen,
    Widget,
    hookimpl,
    utcnow,
)

MIGRATIONS = Path(__file__).parent / "migrations"


@hookimpl
def register_record_kinds() -> list[RecordKind]:
    return [COMPLAINT]


@hookimpl
def register_menu_items() -> list[MenuItem]:
    return [
        MenuItem(_l("Complaints"), "complaints.index", order=10),
        MenuItem(
            _l("Rankings"), "rankings.index", roles=("admin", "operator", "officer"), order=20
        ),
    ]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    return [listing.blueprint, handling.blueprint, rankings.blueprint]


@hookimpl
def register_settings() -> list[SettingsSection]:
    return [SETTINGS]


@hookimpl
def register_agencies(hub: Hub) -> list[Agency]:
    return [Agency(agency.code, agency.name) for agency in routing_of(hub).agencies]


@hookimpl
def register_widgets(hub: Hub) -> list[Widget]:
    return [*complaint_widgets(hub.settings), complaint_map_widget()]


@hookimpl
def register_screens() -> list[WallScreen]:
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
    ]


@hookimpl
def register_periodic_tasks() -> list[PeriodicTask]:
    return [
        PeriodicTask("complaints.photos", jobs.copy_due_photos),
        PeriodicTask("complaints.write_back", jobs.send_due_write_backs),
        PeriodicTask("complaints.reminders", reminders.remind_due),
        PeriodicTask("complaints.digest", digest.send_due),
        PeriodicTask("complaints.summary", summary.send_due),
        PeriodicTask("complaints.rollups", rollups.advance_due),
    ]


@hookimpl
def register_commands() -> list[click.Command]:
    return [complaints]


@hookimpl
def register_migrations() -> list[Path]:
    return [MIGRATIONS]


@hookimpl
def records_changed(hub: Hub, session: Session, changes: list[RecordChange]) -> None:
    followed = cases.follow_changes(session, routing_of(hub), reminders_of(hub), changes)
    photos.follow_changes(session, changes)
    notices.new_complaints(hub, session, followed.new, utcnow())
    notices.reopened(hub, session, followed.disputed)
