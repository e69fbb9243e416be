"""Open311's hooks: the source type, the simulator, the server and its commands."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import click
from flask import Blueprint

from features.open311.commands import open311
from features.open311.connector import MAX_PAGE_SIZE, Open311Connector
from features.open311.normalize import normalize_request
from features.open311.server import blueprint
from features.open311.settings import SETTINGS, open311_settings
from features.open311.simulator import DEMO_API_KEY, create_app
from hub.api import (
    ConfigField,
    Hub,
    RecordIn,
    SettingsSection,
    Simulator,
    SourceType,
    hookimpl,
)

requires = ("complaints",)
"""Open311 serves and stores the hub's complaints."""
API_KEY_ENV = "SIMPUL_OPEN311_API_KEY"
SOURCE_TYPE = "open311"


@hookimpl
def register_source_types(hub: Hub) -> list[SourceType]:
    return [
        SourceType(
            name=SOURCE_TYPE,
            title="Open311 GeoReport v2",
            connect=partial(Open311Connector, areas=hub.areas),
            normalize=partial(normalize_with_settings, hub),
            config=(
                ConfigField("url", help="the GeoReport v2 endpoint: the folder of services.json"),
                ConfigField(
                    "city",
                    help="the regency code (Kemendagri) whose kelurahan addresses name: 71.71",
                ),
                ConfigField(
                    "start_date",
                    help="the day (YYYY-MM-DD) of the oldest request; full listings start there",
                ),
                ConfigField(
                    "api_key",
                    secret=True,
                    required=False,
                    help="sent as api_key, if the server asks",
                ),
                ConfigField("jurisdiction_id", required=False, help="sent as jurisdiction_id"),
                ConfigField(
                    "extensions",
                    "bool",
                    required=False,
                    default=False,
                    help="sends extensions=true, for servers (Chicago, Helsinki) that then add "
                    "extended_attributes and notes to each request",
                ),
                ConfigField(
                    "window_days",
                    "int",
                    required=False,
                    default=30,
                    help="days per request window",
                    least=1,
                    most=366,
                ),
                ConfigField(
                    "page_size",
                    "int",
                    required=False,
                    default=100,
                    help="requests per page; no more than the server serves in one page",
                    least=1,
                    most=MAX_PAGE_SIZE,
                ),
                ConfigField(
                    "window_by",
                    required=False,
                    default="requested",
                    help="requested (the standard start_date/end_date) or updated (the "
                    "updated_after/updated_before extension, which the hub serves)",
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
            description="Service requests from any Open311 GeoReport v2 server.",
        )
    ]


@hookimpl
def register_simulators(hub: Hub) -> list[Simulator]:
    return [
        Simulator(
            name="open311",
            source_type=SOURCE_TYPE,
            create_app=lambda **options: create_app(hub.areas, **options),
            source_settings=source_settings,
            environment={API_KEY_ENV: DEMO_API_KEY},
        )
    ]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    return [blueprint]


@hookimpl
def register_settings() -> list[SettingsSection]:
    return [SETTINGS]


@hookimpl
def register_commands() -> list[click.Command]:
    return [open311]


def normalize_with_settings(hub: Hub, raw: Mapping[str, Any]) -> RecordIn:
    """:func:`normalize_request` with the phrases ``[open311] closed_not_fixed_notes``."""
    phrases = open311_settings(hub).closed_not_fixed_notes
    return normalize_request(hub.areas, raw, phrases)


def source_settings(base_url: str) -> dict[str, Any]:
    """Settings of an ``open311`` source reading the simulator served at ``base_url``."""
    start = datetime.now(UTC).date() - timedelta(days=90)
    return {
        "url": f"{base_url}/open311/v2",
        "api_key_env": API_KEY_ENV,
        "city": "71.71",
        "start_date": start.isoformat(),
        "window_by": "updated",
    }
