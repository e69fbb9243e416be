"""Dates and times in payloads: ISO 8601, taken in the city's time zone when they carry none."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from hub.api import InvalidRecord

DEFAULT_ZONE = ZoneInfo("Asia/Jakarta")
ZONELESS_MIDNIGHT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]00:00(:00(\.0+)?)?")


def parse_day(name: str, value: Any) -> date:
    """An ISO 8601 calendar date such as ``2026-11-20``."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidRecord(f"{name} {value!r} is not an ISO 8601 date (YYYY-MM-DD)") from None


def parse_moment(name: str, value: Any, zone: tzinfo, *, end_of_day: bool = False) -> datetime:
    """A date, or a date and time, in UTC. A date alone is the start of that day in ``zone`` (its
    end with ``end_of_day``); a time without a zone is a time in ``zone``."""
    try:
        return day_start(date.fromisoformat(value), zone, end_of_day=end_of_day)
    except (TypeError, ValueError):
        pass
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidRecord(f"{name} {value!r} is not an ISO 8601 date or time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def parse_deadline(name: str, value: Any, zone: tzinfo) -> datetime:
    """A deadline such as ``validThrough``, in UTC: a date alone, or the midnight of a date
    without a zone (how boards that keep only a date write one), runs to the end of that day in
    ``zone``; any other time is the moment it names."""
    if isinstance(value, str) and ZONELESS_MIDNIGHT.fullmatch(value.strip()):
        value = value.strip()[:10]
    return parse_moment(name, value, zone, end_of_day=True)


def day_start(day: date, zone: tzinfo, *, end_of_day: bool = False) -> datetime:
    """When ``day`` starts (or ends) in ``zone``, in UTC."""
    return datetime.combine(day, time.max if end_of_day else time.min, zone).astimezone(UTC)


def iso_moment(moment: datetime | None) -> str | None:
    """``2026-11-20T16:59:59+00:00``: UTC to the second, so that such strings sort by time."""
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None
