"""The hooks of the HR plugin: the ``scim`` and ``attendance`` source types, their record kinds,
account provisioning, the staffing pages and the simulated HR system."""

from __future__ import annotations

from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hub.api import (
    ConfigField,
    Hub,
    MenuItem,
    RecordKind,
    Simulator,
    SourceType,
    WallScreen,
    Widget,
    hookimpl,
)
from simpul_hr.attendance_connector import AttendanceConnector
from simpul_hr.kinds import KINDS
from simpul_hr.normalize_attendance import normalize_attendance
from simpul_hr.normalize_scim import normalize_scim
from simpul_hr.provisioning import SCIM, provision_staff
from simpul_hr.scim import DEPARTMENT
from simpul_hr.scim_connector import ScimConnector
from simpul_hr.simulator.app import DEMO_API_KEY, create_app
from simpul_hr.views import READERS, blueprint
from simpul_hr.widgets import hr_widgets

TOKEN_ENV = "SIMPUL_HR_API_KEY"
MAX_PAGE_SIZE = 1000
"""The most items a source may be asked for in one page."""
DEMO_POSITIONS = ["Camat"]
"""Positions the demo provisions accounts for: few, as each new account's password hash takes a
noticeable fraction of a second."""
TIMEOUT = ConfigField(
    "timeout",
    "float",
    required=False,
    default=10.0,
    help="seconds per request",
    least=0.1,
    most=300,
)
TOKEN = ConfigField("token", secret=True, help="sent as the bearer token")
FULL_EVERY = 24 * 3600
"""Seconds between the complete listings of a ``scim`` source, which bring who was removed."""


@hookimpl
def register_source_types(hub: Hub) -> list[SourceType]:
    zone = ZoneInfo(hub.settings.timezone)
    return [
        SourceType(
            name=SCIM,
            title="SCIM 2.0",
            connect=ScimConnector,
            normalize=normalize_scim,
            config=(
                ConfigField("url", help="base URL of the SCIM API, the folder of /Users"),
                ConfigField("token", required=False, secret=True, help="a static bearer token"),
                ConfigField(
                    "token_url",
                    required=False,
                    help="OAuth 2 token endpoint, for the client-credentials grant",
                ),
                ConfigField("client_id", required=False, help="OAuth 2 client id"),
                ConfigField(
                    "client_secret", required=False, secret=True, help="OAuth 2 client secret"
                ),
                ConfigField("scope", required=False, help="OAuth 2 scope to ask for, if any"),
                ConfigField(
                    "page_size",
                    "int",
                    required=False,
                    default=100,
                    help="resources per page",
                    least=1,
                    most=MAX_PAGE_SIZE,
                ),
                ConfigField(
                    "unit_attribute",
                    required=False,
                    default=DEPARTMENT,
                    help="the user attribute naming their unit, a group's displayName",
                ),
                ConfigField(
                    "provision_positions",
                    "list",
                    required=False,
                    help="positions whose holders get a portal account (e.g. Lurah, Camat)",
                ),
                TIMEOUT,
            ),
            description="Civil servants and work units from any SCIM 2.0 service provider.",
            full_every=FULL_EVERY,
        ),
        SourceType(
            name="attendance",
            title="Presensi",
            connect=partial(AttendanceConnector, zone=zone),
            normalize=partial(normalize_attendance, zone=zone),
            config=(
                ConfigField("url", help="base URL of the attendance API"),
                TOKEN,
                ConfigField(
                    "history_days",
                    "int",
                    required=False,
                    default=30,
                    help="days a complete listing reads, up to today",
                    least=1,
                    most=366,
                ),
                ConfigField(
                    "page_size",
                    "int",
                    required=False,
                    default=500,
                    help="records per page",
                    least=1,
                    most=MAX_PAGE_SIZE,
                ),
                TIMEOUT,
            ),
            description="Daily attendance of civil servants: check-in, check-out, leave.",
        ),
    ]


@hookimpl
def register_record_kinds() -> list[RecordKind]:
    return list(KINDS)


@hookimpl
def records_changed(hub: Hub, session: Session, changes: list[Any]) -> None:
    provision_staff(hub, session, changes)


@hookimpl
def register_blueprints() -> list[Blueprint]:
    return [blueprint]


@hookimpl
def register_menu_items() -> list[MenuItem]:
    return [MenuItem(_l("Staffing"), "hr.index", roles=READERS, order=40)]


@hookimpl
def register_simulators(hub: Hub) -> list[Simulator]:
    """The HR system twice: its SCIM provider and its attendance API, for a source of each.

    The demo serves each simulator on its own; both start from the same seed and change alike.
    """
    return [
        Simulator(
            name="hr",
            source_type=SCIM,
            create_app=lambda **options: create_app(hub.areas, **options),
            source_settings=scim_settings,
            environment={TOKEN_ENV: DEMO_API_KEY},
        ),
        Simulator(
            name="hr-attendance",
            source_type="attendance",
            create_app=lambda **options: create_app(hub.areas, **options),
            source_settings=attendance_settings,
            environment={TOKEN_ENV: DEMO_API_KEY},
        ),
    ]


def scim_settings(base_url: str) -> dict[str, Any]:
    """Settings of a ``scim`` source reading the simulator at ``base_url``."""
    return {
        "url": f"{base_url}/scim/v2",
        "token_env": TOKEN_ENV,
        "page_size": 100,
        "provision_positions": DEMO_POSITIONS,
    }


def attendance_settings(base_url: str) -> dict[str, Any]:
    """Settings of an ``attendance`` source reading the simulator at ``base_url``."""
    return {"url": base_url, "token_env": TOKEN_ENV}


@hookimpl
def register_screens() -> list[WallScreen]:
    """Three figures on top, and below them attendance per OPD, the week and the vacant posts."""
    widgets = (
        "hr.attendance",
        "hr.absent",
        "hr.staffing",
        "hr.attendance_opd",
        "hr.attendance_week",
        "hr.vacant",
    )
    return [WallScreen("hr", _l("Staffing"), widgets)]


@hookimpl
def register_widgets(hub: Hub) -> list[Widget]:
    return hr_widgets(ZoneInfo(hub.settings.timezone))
