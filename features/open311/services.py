"""The services the hub offers over GeoReport v2: the city's complaint categories.

Each category is a service whose code is a slug of its name and whose group is the agency it is
routed to. Requests may also carry categories of other sources, outside the routing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext

from features.complaints.routing import CategoryRule, Routing
from features.open311.georeport import service_code


def services(routing: Routing) -> list[dict[str, Any]]:
    """The ``services`` document: one service per routed category."""
    return [_service(routing, rule) for rule in routing.categories]


def service_definition(routing: Routing, code: str) -> dict[str, Any] | None:
    """The definition of the service ``code``: it needs no attributes beyond the standard's."""
    if category_of(routing, code) is None:
        return None
    return {"service_code": code, "attributes": []}


def category_of(routing: Routing, code: str) -> str | None:
    """The routed category whose service code is ``code``."""
    return next((r.category for r in routing.categories if service_code(r.category) == code), None)


def categories_by_code(categories: Iterable[str]) -> dict[str, str]:
    """Service code to category, for every category in ``categories``."""
    return {service_code(category): category for category in categories}


def _service(routing: Routing, rule: CategoryRule) -> dict[str, Any]:
    agency = routing.agency(rule.agency)
    return {
        "service_code": service_code(rule.category),
        "service_name": rule.category,
        "description": gettext(
            "First response within %(response)d hours, completion within %(completion)d hours.",
            response=rule.response_hours,
            completion=rule.completion_hours,
        ),
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": agency.name if agency else "",
    }
