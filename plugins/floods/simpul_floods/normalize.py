"""Turns one gauge of the flood-gauge app into a ``flood_gauge`` record.

The status is derived from the water level and the gauge's own thresholds (a level at or above a
threshold has reached it), not taken from the app's ``status`` word: that word is set at the post
and can lag the reading, and the wall must never show a level and a status that disagree. The
app's word stays in the stored payload.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hub.api import InvalidRecord, RecordIn
from simpul_floods.kinds import ALERTS, KIND, NORMAL

VILLAGE_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")


def normalize(payload: Mapping[str, Any]) -> RecordIn:
    """The record of one gauge; InvalidRecord says what is wrong with a payload that has no use."""
    gauge_id = payload.get("id")
    if not isinstance(gauge_id, str) or not gauge_id.strip():
        raise InvalidRecord("the gauge has no id")
    try:
        level = number("level_cm", payload.get("level_cm"))
        thresholds = checked_thresholds(payload.get("thresholds_cm"))
        return RecordIn(
            external_id=gauge_id,
            kind=KIND,
            title=str(payload.get("name") or gauge_id),
            status=alert_level(level, thresholds),
            area_code=village_code(payload.get("kelurahan_code")),
            latitude=coordinate("latitude", payload.get("latitude"), 90),
            longitude=coordinate("longitude", payload.get("longitude"), 180),
            created_at=timestamp("installed_at", payload.get("installed_at")),
            updated_at=timestamp("updated_at", payload.get("updated_at")),
            attributes={
                "river": payload.get("river"),
                "level_cm": level,
                "thresholds_cm": thresholds,
                "observed_at": timestamp("observed_at", payload.get("observed_at")).isoformat(),
            },
        )
    except ValueError as error:
        raise InvalidRecord(str(error), external_id=gauge_id) from None


def alert_level(level: float, thresholds: Mapping[str, float]) -> str:
    """The highest alert level whose threshold ``level`` has reached, else normal."""
    return next((alert for alert in reversed(ALERTS) if level >= thresholds[alert]), NORMAL)


def checked_thresholds(value: Any) -> dict[str, float]:
    """The thresholds in cm by alert level; they must rise from Siaga 3 to Siaga 1."""
    if not isinstance(value, Mapping):
        raise ValueError("thresholds_cm must be an object with siaga_3, siaga_2 and siaga_1")
    thresholds = {alert: number(f"thresholds_cm.{alert}", value.get(alert)) for alert in ALERTS}
    levels = list(thresholds.values())
    if levels[0] <= 0 or levels != sorted(set(levels)):
        shown = ", ".join(f"{alert} {level:g}" for alert, level in thresholds.items())
        raise ValueError(f"thresholds_cm must rise above 0 from siaga_3 to siaga_1, got {shown}")
    return thresholds


def number(name: str, value: Any) -> float:
    """A finite number of centimetres, as the app sent it."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} {value!r} is not a number")
    return value


def village_code(value: Any) -> str:
    """A Kemendagri kelurahan code such as ``31.75.10.1005``."""
    if not isinstance(value, str) or not VILLAGE_CODE.fullmatch(value):
        raise ValueError(f"kelurahan_code {value!r} is not a kelurahan code like '31.75.10.1005'")
    return value


def coordinate(name: str, value: Any, limit: float) -> float:
    """A latitude (``limit`` 90) or longitude (``limit`` 180) in degrees."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not -limit <= value <= limit
    ):
        raise ValueError(f"{name} {value!r} is not a number from {-limit} to {limit}")
    return float(value)


def timestamp(name: str, value: Any) -> datetime:
    """An ISO 8601 time with its zone."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{name} {value!r} has no time zone")
    return moment
