"""Turns one Qlue report into the hub's complaint record."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from hub.api import InvalidRecord, RecordIn

KIND = "complaint"
HUB_STATUS = {"wait": "open", "process": "in_progress", "complete": "resolved"}
"""The hub's complaint status for each Qlue status (red, yellow, green)."""
QLUE_STATUS = {
    "open": "wait",
    "coordination": "process",
    "disposition": "process",
    "in_progress": "process",
    "resolved": "complete",
    "closed": "complete",
}
"""The Qlue status that shows each of the hub's statuses to the citizen."""
VILLAGE_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")


def normalize(raw: Mapping[str, Any]) -> RecordIn:
    """The complaint for Qlue report ``raw``; InvalidRecord says what makes it unusable."""
    external_id = raw.get("id")
    if not isinstance(external_id, str) or not external_id.strip():
        raise InvalidRecord("report has no id")
    location = raw.get("location")
    if not isinstance(location, Mapping):
        raise InvalidRecord("report has no location object")
    category = raw.get("category") or None
    return RecordIn(
        external_id=external_id,
        kind=KIND,
        title=raw.get("title") or category or "",
        status=hub_status(raw.get("status")),
        category=category,
        area_code=village_code(location.get("kelurahan_code")),
        latitude=coordinate("lat", location.get("lat"), 90),
        longitude=coordinate("lng", location.get("lng"), 180),
        created_at=timestamp("created_at", raw.get("created_at")),
        updated_at=timestamp("updated_at", raw.get("updated_at")),
        attributes={
            "description": raw.get("description"),
            "photo_url": raw.get("photo_url"),
            "address": location.get("address"),
            "reporter": raw.get("reporter"),
            "likes": raw.get("likes"),
            "source_status": raw.get("status"),
        },
    )


def hub_status(value: Any) -> str:
    """The hub's complaint status for a Qlue status."""
    try:
        return HUB_STATUS[value]
    except (KeyError, TypeError):
        known = ", ".join(HUB_STATUS)
        raise InvalidRecord(f"unknown status {value!r} (expected {known})") from None


def village_code(value: Any) -> str:
    """A Kemendagri kelurahan code such as ``31.75.10.1005``."""
    if not isinstance(value, str) or not VILLAGE_CODE.fullmatch(value):
        raise InvalidRecord(
            f"location.kelurahan_code {value!r} is not a kelurahan code like '31.75.10.1005'"
        )
    return value


def coordinate(name: str, value: Any, limit: float) -> float:
    """A latitude (``limit`` 90) or longitude (``limit`` 180) in degrees."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or not -limit <= value <= limit:
        raise InvalidRecord(f"location.{name} {value!r} is not a number from {-limit} to {limit}")
    return float(value)


def timestamp(name: str, value: Any) -> datetime:
    """An ISO 8601 time with a zone, in UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidRecord(f"{name} {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise InvalidRecord(f"{name} {value!r} has no time zone")
    return moment.astimezone(UTC)
