"""Complaint handling: the hub's own feature over complaints from every source.

Registered as a built-in plugin, through the same hooks any plugin uses.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hub.complaints import cases
from hub.complaints.statuses import (
    CLOSED,
    COORDINATION,
    DISPOSITION,
    IN_PROGRESS,
    OPEN,
    RESOLVED,
)
from hub.context import Hub
from hub.hookspecs import hookimpl
from hub.kinds import RecordKind, Status
from hub.menu import MenuItem
from hub.sync.store import RecordChange

KIND = cases.KIND

COMPLAINT = RecordKind(
    name=KIND,
    title=_l("Complaint"),
    statuses=(
        Status(OPEN, _l("Waiting"), "red"),
        Status(COORDINATION, _l("Coordination"), "yellow"),
        Status(DISPOSITION, _l("Handed off"), "yellow"),
        Status(IN_PROGRESS, _l("In process"), "yellow"),
        Status(RESOLVED, _l("Done"), "green"),
        Status(CLOSED, _l("Closed, not fixed"), "grey"),
    ),
)


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
        MenuItem(_l("Data sources"), "sources.index", order=90),
    ]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from hub.complaints.views import handling, rankings

    return [handling.blueprint, rankings.blueprint]


@hookimpl
def records_changed(hub: Hub, session: Session, changes: list[RecordChange]) -> None:
    cases.follow_changes(session, hub.settings.routing, changes)
