"""The hooks of the finance plugin: the ``finance`` and ``finance-file`` source types, the budget
line and realization kinds, the finance pages, the table of column mappings and the simulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
from simpul_finance.connector import FileSourceConnector, FinanceConnector
from simpul_finance.kinds import BUDGET_LINE_KIND, REALIZATION_KIND
from simpul_finance.normalize import normalize
from simpul_finance.simulator import DEMO_API_KEY, create_app
from simpul_finance.views import READERS, create_blueprint
from simpul_finance.widgets import WIDGETS

API_KEY_ENV = "SIMPUL_FINANCE_API_KEY"
MIGRATIONS = Path(__file__).parent / "migrations"
MAX_PAGE_SIZE = 1000
"""The most items a source may be asked for in one page."""


@hookimpl
def register_source_types(hub: Hub) -> list[SourceType]:
    return [
        SourceType(
            name="finance",
            title="Keuangan daerah (API)",
            connect=FinanceConnector,
            normalize=normalize,
            config=(
                ConfigField("url", help="base URL of the finance system's API"),
                ConfigField("api_key", secret=True, help="sent as the X-API-Key header"),
                ConfigField(
                    "page_size",
                    "int",
                    required=False,
                    default=500,
                    help="items per page",
                    least=1,
                    most=MAX_PAGE_SIZE,
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
            description="Budget lines (APBD) and realizations (SP2D) from the finance system.",
        ),
        SourceType(
            name="finance-file",
            title="Keuangan daerah (file)",
            connect=FileSourceConnector,
            normalize=normalize,
            description="Budget lines and realizations imported from files on /finance/import.",
        ),
    ]


@hookimpl
def register_record_kinds(hub: Hub) -> list[RecordKind]:
    return [BUDGET_LINE_KIND, REALIZATION_KIND]


@hookimpl
def register_blueprints(hub: Hub) -> list[Blueprint]:
    return [create_blueprint(hub)]


@hookimpl
def register_migrations() -> list[Path]:
    return [MIGRATIONS]


@hookimpl
def register_menu_items(hub: Hub) -> list[MenuItem]:
    return [MenuItem(_l("Finance"), "finance.index", roles=READERS, order=30)]


@hookimpl
def register_simulators(hub: Hub) -> list[Simulator]:
    return [
        Simulator(
            name="finance",
            source_type="finance",
            create_app=lambda **options: create_app(hub.areas, **options),
            source_settings=source_settings,
            environment={API_KEY_ENV: DEMO_API_KEY},
        )
    ]


def source_settings(base_url: str) -> dict[str, Any]:
    """Settings of a ``finance`` source that reads from the simulator at ``base_url``."""
    return {"url": base_url, "api_key_env": API_KEY_ENV, "page_size": 500}


@hookimpl
def register_screens() -> list[WallScreen]:
    """Three figures on top, and below them the agencies, the months and the lines."""
    widgets = (
        "finance.absorption",
        "finance.behind",
        "finance.unspent",
        "finance.lagging",
        "finance.months",
        "finance.lines",
    )
    return [WallScreen("finance", _l("Finance"), widgets)]


@hookimpl
def register_widgets() -> list[Widget]:
    return WIDGETS
