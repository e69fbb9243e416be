"""The hooks of the jobs plugin: its source types, record kinds, pages and simulators."""

from __future__ import annotations

from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint
from flask_babel import lazy_gettext as _l

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
from simpul_jobs.feed import JobPostingFeedConnector
from simpul_jobs.kinds import KINDS
from simpul_jobs.normalize import normalize
from simpul_jobs.pencaker import PencakerConnector
from simpul_jobs.posting import normalize_posting
from simpul_jobs.public import blueprint as public_blueprint
from simpul_jobs.simulator import DEMO_API_KEY, FEED_PATH, create_app
from simpul_jobs.views import ALL_ROLES, blueprint
from simpul_jobs.widgets import jobs_widgets

API_KEY_ENV = "SIMPUL_PENCAKER_API_KEY"
MAX_PAGE_SIZE = 1000
"""The most items a source may be asked for in one page."""
TIMEOUT = ConfigField(
    "timeout",
    "float",
    required=False,
    default=10.0,
    help="seconds per request",
    least=0.1,
    most=300,
)


@hookimpl
def register_source_types(hub: Hub) -> list[SourceType]:
    zone = ZoneInfo(hub.settings.timezone)
    return [
        SourceType(
            name="pencaker",
            title="Pencaker online",
            connect=PencakerConnector,
            normalize=partial(normalize, zone=zone),
            config=(
                ConfigField("url", help="base URL of the Pencaker API"),
                ConfigField("api_key", secret=True, help="sent as the X-API-Key header"),
                ConfigField(
                    "page_size",
                    "int",
                    required=False,
                    default=500,
                    help="objects per page",
                    least=1,
                    most=MAX_PAGE_SIZE,
                ),
                TIMEOUT,
            ),
            description="Job seekers (AK/1), vacancies uploaded by companies, and placements.",
        ),
        SourceType(
            name="jobposting_feed",
            title="JobPosting feed",
            connect=JobPostingFeedConnector,
            normalize=partial(normalize_posting, zone=zone),
            config=(
                ConfigField("url", help="address of the JSON-LD document or of the HTML page"),
                TIMEOUT,
            ),
            description="Vacancies from any schema.org JobPosting feed of a job board: a JSON-LD "
            "document, or an HTML page with JSON-LD blocks.",
        ),
    ]


@hookimpl
def register_record_kinds() -> list[RecordKind]:
    return list(KINDS)


@hookimpl
def register_blueprints() -> list[Blueprint]:
    return [blueprint, public_blueprint]


@hookimpl
def register_menu_items() -> list[MenuItem]:
    return [MenuItem(_l("Jobs"), "jobs.index", roles=ALL_ROLES, order=30)]


@hookimpl
def register_simulators(hub: Hub) -> list[Simulator]:
    return [
        Simulator(
            name="jobs",
            source_type="pencaker",
            create_app=lambda **options: create_app(hub.areas, **options),
            source_settings=pencaker_settings,
            environment={API_KEY_ENV: DEMO_API_KEY},
        ),
        Simulator(
            name="jobboard",
            source_type="jobposting_feed",
            create_app=lambda **options: create_app(
                hub.areas, **{"seed": 2, **options}, posting_prefix="BURSA"
            ),
            source_settings=feed_settings,
            environment={API_KEY_ENV: DEMO_API_KEY},
        ),
    ]


def pencaker_settings(base_url: str) -> dict[str, Any]:
    """Settings of a ``pencaker`` source that reads from the simulator at ``base_url``."""
    return {"url": base_url, "api_key_env": API_KEY_ENV, "page_size": 500}


def feed_settings(base_url: str) -> dict[str, Any]:
    """Settings of a ``jobposting_feed`` source that reads the simulator's feed at ``base_url``."""
    return {"url": base_url + FEED_PATH}


@hookimpl
def register_screens() -> list[WallScreen]:
    """Three figures on top, and below them the sectors, the weeks and the newest vacancies."""
    widgets = (
        "jobs.vacancies",
        "jobs.seekers",
        "jobs.placed",
        "jobs.sectors",
        "jobs.weeks",
        "jobs.latest",
    )
    return [WallScreen("jobs", _l("Jobs"), widgets)]


@hookimpl
def register_widgets(hub: Hub) -> list[Widget]:
    return jobs_widgets(ZoneInfo(hub.settings.timezone))
