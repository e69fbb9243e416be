"""Turns one GeoReport v2 service request into the hub's complaint record.

The connector adds ``city_code`` (the source's city) to each request, so that the kelurahan its
address names is looked up in that city only. A closed request is resolved, or closed (not fixed)
when its ``status_notes`` say so (see :mod:`features.open311.closing`); the server's extension
fields are kept (see :mod:`features.open311.extensions`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from features.complaints.kind import KIND
from features.complaints.statuses import RESOLVED
from features.open311.addresses import Place, find_village, simplified
from features.open311.closing import DEFAULT_PHRASES, closed_status
from features.open311.extensions import details, extensions
from features.open311.georeport import OPEN311_STATUSES, code_text, request_title
from hub.api import AreaDirectory, InvalidRecord, RecordIn

CITY_KEY = "city_code"


def normalize_request(
    areas: AreaDirectory,
    raw: Mapping[str, Any],
    closed_not_fixed: tuple[str, ...] = DEFAULT_PHRASES,
) -> RecordIn:
    """The complaint for the service request ``raw``; InvalidRecord says what makes it unusable.
    A closed request whose notes contain one of the phrases ``closed_not_fixed`` is closed, not
    resolved."""
    code = code_text(raw.get("service_code"))
    category = _text(raw.get("service_name")) or code
    if category is None:
        raise InvalidRecord("request has neither service_name nor service_code")
    requested = timestamp("requested_datetime", raw.get("requested_datetime"))
    updated = raw.get("updated_datetime")
    description = _text(raw.get("description"))
    notes = _text(raw.get("status_notes"))
    address = _text(raw.get("address"))
    city = raw.get(CITY_KEY)
    status = hub_status(raw.get("status"))
    if status == RESOLVED:
        status = closed_status(notes, closed_not_fixed)
    kept = extensions(raw)
    return RecordIn(
        external_id=request_id(raw.get("service_request_id")),
        kind=KIND,
        title=request_title(description, category),
        status=status,
        category=category,
        area_code=find_village(address, city_places(areas, city)) if city else None,
        latitude=coordinate("lat", raw.get("lat"), 90),
        longitude=coordinate("long", raw.get("long"), 180),
        created_at=requested,
        updated_at=timestamp("updated_datetime", updated) if updated else requested,
        attributes={
            "description": description,
            "status_notes": notes,
            "address": address,
            "media_url": _text(raw.get("media_url")),
            "agency_responsible": _text(raw.get("agency_responsible")),
            "service_code": code,
            "source_status": raw.get("status"),
            "extensions": kept,
            "details": details(kept),
        },
    )


def request_id(value: Any) -> str:
    """A ``service_request_id``, text or number, as text."""
    text = code_text(value)
    if text is None:
        raise InvalidRecord("request has no service_request_id")
    return text


def hub_status(value: Any) -> str:
    """The hub's status for a GeoReport status (``open`` or ``closed``)."""
    try:
        return OPEN311_STATUSES.canonical(
            value.strip().lower() if isinstance(value, str) else value
        )
    except ValueError as error:
        raise InvalidRecord(str(error)) from None


def coordinate(name: str, value: Any, limit: float) -> float | None:
    """A latitude (``limit`` 90) or longitude (``limit`` 180); servers send numbers or text."""
    if value is None or value == "":
        return None
    try:
        degrees = float(value)
    except (TypeError, ValueError):
        degrees = None
    if isinstance(value, bool) or degrees is None or not -limit <= degrees <= limit:
        raise InvalidRecord(f"{name} {value!r} is not a number from {-limit} to {limit}")
    return degrees


def timestamp(name: str, value: Any) -> datetime:
    """An ISO 8601 time with a zone, in UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidRecord(f"{name} {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise InvalidRecord(f"{name} {value!r} has no time zone")
    return moment.astimezone(UTC)


@lru_cache(maxsize=32)
def city_places(areas: AreaDirectory, city: str) -> dict[str, tuple[Place, ...]]:
    """The kelurahan of ``city`` by simplified name, for :func:`find_village`."""
    regency = areas.get(city)
    places: dict[str, list[Place]] = defaultdict(list)
    for village in areas.villages(within=city):
        district = areas.get(village.parent_code or "")
        district_name = district.name if district else ""
        regency_name = regency.name if regency else ""
        places[simplified(village.name)].append(
            Place(village.code, village.name, district_name, regency_name)
        )
    return {name: tuple(found) for name, found in places.items()}


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None
