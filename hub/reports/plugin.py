"""The activity reports' hooks: their pages, their JSON API and their menu items."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from hub.hookspecs import hookimpl
from hub.menu import MenuItem


@hookimpl
def register_blueprints() -> list[Blueprint]:
    # Imported here: the views need hub.app, which imports this module while it loads.
    from hub.reports import api, overview, pages

    return [pages.blueprint, overview.blueprint, api.blueprint]


@hookimpl
def register_menu_items() -> list[MenuItem]:
    return [
        MenuItem(_l("Activity reports"), "reports.index", order=20),
        MenuItem(_l("Recap"), "report_overview.recap_page", order=25),
    ]
