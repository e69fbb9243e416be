"""Turns one ${title} item into a record of the hub."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hub.api import InvalidRecord, RecordIn

KIND = "${name}_item"
STATUSES = ("open", "in_progress", "closed")


def normalize(payload: Mapping[str, Any]) -> RecordIn:
    """The record of one item; InvalidRecord says what is wrong with a payload that has no use."""
    item_id = payload.get("id")
    if not isinstance(item_id, str) or not item_id:
        raise InvalidRecord("the item has no id")
    if payload.get("status") not in STATUSES:
        raise InvalidRecord(f"unknown status {payload.get('status')!r}", external_id=item_id)
    return RecordIn(
        external_id=item_id,
        kind=KIND,
        title=str(payload.get("title") or ""),
        status=payload["status"],
        area_code=payload.get("kelurahan_code"),
        created_at=_time(payload, "created_at", item_id),
        updated_at=_time(payload, "updated_at", item_id),
    )


def _time(payload: Mapping[str, Any], name: str, item_id: str) -> datetime:
    try:
        moment = datetime.fromisoformat(payload[name])
    except (KeyError, TypeError, ValueError):
        raise InvalidRecord(f"{name} must be an ISO 8601 time", external_id=item_id) from None
    if moment.tzinfo is None:
        raise InvalidRecord(f"{name} has no time zone", external_id=item_id)
    return moment
