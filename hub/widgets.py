"""Widgets: the tiles of the live room's wall screens, contributed by plugins.

A plugin returns :class:`Widget` objects from the ``register_widgets`` hook. Each one declares
what it shows (its ``kind``) and computes plain data for one area with ``data(session,
area_code, now)``; the hub runs it inside an error boundary, checks the data against its kind
with :func:`checked_data`, caches it, and draws it on the screens that name the widget.

The data of each kind (colours are ``red``, ``yellow``, ``green`` or ``grey``; every key not
listed is an error; ``?`` marks an optional key):

- ``kpi``: ``{"value": number | None, "unit"?: str, "caption"?: str, "colour"?: colour}``
- ``ranking``: ``{"rows": [{"label": str, "value": number | None, "display"?: str,
  "caption"?: str, "colour"?: colour}], "unit"?: str, "caption"?: str}`` (best placed first)
- ``trend``: ``{"labels": [str], "series": [{"label": str, "values": [number | None],
  "colour"?: colour}], "unit"?: str, "caption"?: str}`` (one value per label)
- ``map``: ``{"points": [{"lat": number, "lon": number, "count"?: int, "colour"?: colour,
  "label"?: str}], "labels"?: [{"lat": number, "lon": number, "text": str}],
  "bounds"?: {"south", "west", "north", "east"}, "insets"?: [{"title": str, "bounds": {...}}],
  "legend"?: [{"colour": colour, "label": str, "value": number}], "caption"?: str}`` (with
  ``insets``, places far apart, such as several cities, are each drawn in a map of their own
  showing what lies within its bounds; without, one map fits ``bounds`` or else the points)
- ``feed``: ``{"items": [{"title": str, "caption"?: str, "at"?: ISO 8601 time with zone,
  "colour"?: colour, "image"?: a URL on this site ("/...")}], "caption"?: str}``
- ``health``: ``{"sources": [{"name": str, "state": "ok" | "degraded" | "down" |
  "needs_reauth" | "unknown", "as_of"?: ISO 8601 time | None, "caption"?: str}]}``
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

KPI, RANKING, TREND, MAP, FEED, HEALTH = "kpi", "ranking", "trend", "map", "feed", "health"
KINDS = (KPI, RANKING, TREND, MAP, FEED, HEALTH)
COLOURS = ("red", "yellow", "green", "grey")
HEALTH_STATES = ("ok", "degraded", "down", "needs_reauth", "unknown")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*$")
SCREEN_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_COLUMNS = 6
MAX_NAME = 64
MAX_TEXT = 300
MAX_ROWS = 50
MAX_LABELS = 400
MAX_SERIES = 6
MAX_POINTS = 5000
MAX_INSETS = 6

WidgetData = Callable[[Session, str | None, datetime], dict[str, Any]]


class WidgetDataError(ValueError):
    """A widget's data does not have the shape its kind needs."""


@dataclass(frozen=True)
class Widget:
    """A tile a wall screen can show.

    ``name`` is how screens refer to it (``"finance.absorption"``: lower case, the plugin's name
    first); ``title`` is shown above it (a lazy translation); ``kind`` is one of :data:`KINDS`.
    ``data(session, area_code, now)`` returns the widget's data for an area (a regency, kecamatan
    or kelurahan code, or None for everything) as a read-only ``session`` sees it at ``now``.

    ``record_kinds`` are the kinds of records it shows: after a change to one of them it is
    computed again at once and sent to every screen showing it, and the health and "data as of"
    of the sources storing them are shown with it. ``source_types`` names further source types
    it follows.
    ``refresh_seconds`` is how often screens read it again when nothing changed (for figures
    that move with time, such as what is overdue).
    """

    name: str
    title: str
    kind: str
    data: WidgetData
    record_kinds: tuple[str, ...] = ()
    source_types: tuple[str, ...] = ()
    refresh_seconds: int = 60

    def __post_init__(self) -> None:
        if not NAME.match(self.name) or len(self.name) > MAX_NAME:
            raise ValueError(
                f"widget name {self.name!r} must be lower-case words joined by dots, "
                "such as 'finance.absorption'"
            )
        if self.kind not in KINDS:
            raise ValueError(f"widget {self.name}: kind must be one of {', '.join(KINDS)}")
        if not callable(self.data):
            raise ValueError(f"widget {self.name}: data must be callable")
        if self.refresh_seconds < 1:
            raise ValueError(f"widget {self.name}: refresh_seconds must be at least 1")


@dataclass(frozen=True)
class WallScreen:
    """A screen of the live room's default wall: its widgets in order, in ``columns``.

    ``name`` is the screen's address (``/live/screens/<name>``: lower-case letters, digits and
    dashes); ``title`` is shown above it (a lazy translation). The default screens are made, in
    plugin order, the first time the live room is opened, and rotate on the ``wall`` playlist;
    afterwards administrators change them as they like.
    """

    name: str
    title: str
    widgets: tuple[str, ...]
    columns: int = 3

    def __post_init__(self) -> None:
        if not SCREEN_NAME.match(self.name):
            raise ValueError(
                f"screen name {self.name!r} must be lower-case letters, digits and dashes"
            )
        if not self.widgets or not all(NAME.match(widget) for widget in self.widgets):
            raise ValueError(f"screen {self.name}: widgets must be widget names, at least one")
        if not 1 <= self.columns <= MAX_COLUMNS:
            raise ValueError(f"screen {self.name}: columns must be from 1 to {MAX_COLUMNS}")


def checked_data(kind: str, data: Any) -> dict[str, Any]:
    """``data`` as a widget of ``kind`` must return it, as plain JSON types; raises
    :class:`WidgetDataError` naming the first problem."""
    result = _object(data, kind, _SHAPES[kind])
    if kind == TREND:
        for index, series in enumerate(result["series"]):
            if len(series["values"]) != len(result["labels"]):
                raise WidgetDataError(
                    f"{kind}.series[{index}]: {len(series['values'])} values for "
                    f"{len(result['labels'])} labels"
                )
    return result


def _kpi() -> dict[str, Any]:
    return {"value": _optional_number, "unit?": _text, "caption?": _text, "colour?": _colour}


def _ranking() -> dict[str, Any]:
    row = {
        "label": _text,
        "value": _optional_number,
        "display?": _text,
        "caption?": _text,
        "colour?": _colour,
    }
    return {"rows": _list_of(row, MAX_ROWS), "unit?": _text, "caption?": _text}


def _trend() -> dict[str, Any]:
    series = {"label": _text, "values": _numbers, "colour?": _colour}
    return {
        "labels": _texts,
        "series": _list_of(series, MAX_SERIES),
        "unit?": _text,
        "caption?": _text,
    }


def _map() -> dict[str, Any]:
    point = {
        "lat": _latitude,
        "lon": _longitude,
        "count?": _count,
        "colour?": _colour,
        "label?": _text,
    }
    label = {"lat": _latitude, "lon": _longitude, "text": _text}
    bounds = {"south": _latitude, "west": _longitude, "north": _latitude, "east": _longitude}
    legend = {"colour": _colour, "label": _text, "value": _optional_number}
    inset = {"title": _text, "bounds": lambda value, where: _object(value, where, bounds)}
    return {
        "points": _list_of(point, MAX_POINTS),
        "labels?": _list_of(label, MAX_LABELS),
        "bounds?": lambda value, where: _object(value, where, bounds),
        "insets?": _list_of(inset, MAX_INSETS),
        "legend?": _list_of(legend, len(COLOURS) * 2),
        "caption?": _text,
    }


def _feed() -> dict[str, Any]:
    item = {
        "title": _text,
        "caption?": _text,
        "at?": _time,
        "colour?": _colour,
        "image?": _local_url,
    }
    return {"items": _list_of(item, MAX_ROWS), "caption?": _text}


def _health() -> dict[str, Any]:
    source = {"name": _text, "state": _health_state, "as_of?": _optional_time, "caption?": _text}
    return {"sources": _list_of(source, MAX_ROWS)}


def _object(value: Any, where: str, fields: Mapping[str, Callable[[Any, str], Any]]) -> dict:
    if not isinstance(value, Mapping):
        raise WidgetDataError(f"{where}: expected an object, got {_type(value)}")
    wanted = {key.rstrip("?"): key.endswith("?") for key in fields}
    unknown = sorted(str(key) for key in value if key not in wanted)
    if unknown:
        raise WidgetDataError(f"{where}: unknown key {unknown[0]!r}")
    result = {}
    for key, check in fields.items():
        name = key.rstrip("?")
        if name in value:
            result[name] = check(value[name], f"{where}.{name}")
        elif not wanted[name]:
            raise WidgetDataError(f"{where}: {name!r} is missing")
    return result


def _list_of(fields: Mapping[str, Any], limit: int) -> Callable[[Any, str], list]:
    def check(value: Any, where: str) -> list:
        items = _list(value, where, limit)
        return [_object(item, f"{where}[{index}]", fields) for index, item in enumerate(items)]

    return check


def _list(value: Any, where: str, limit: int) -> list:
    if not isinstance(value, list | tuple):
        raise WidgetDataError(f"{where}: expected a list, got {_type(value)}")
    if len(value) > limit:
        raise WidgetDataError(f"{where}: {len(value)} items, more than {limit}")
    return list(value)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise WidgetDataError(f"{where}: expected text, got {_type(value)}")
    if len(value) > MAX_TEXT:
        raise WidgetDataError(f"{where}: text longer than {MAX_TEXT} characters")
    return value


def _texts(value: Any, where: str) -> list[str]:
    return [_text(item, f"{where}[{i}]") for i, item in enumerate(_list(value, where, MAX_LABELS))]


def _optional_number(value: Any, where: str) -> float | int | None:
    return None if value is None else _number(value, where)


def _number(value: Any, where: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise WidgetDataError(f"{where}: expected a number, got {_type(value)}")
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise WidgetDataError(f"{where}: {value} is not a finite number")
    return value


def _numbers(value: Any, where: str) -> list[float | int | None]:
    items = _list(value, where, MAX_LABELS)
    return [_optional_number(item, f"{where}[{i}]") for i, item in enumerate(items)]


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise WidgetDataError(f"{where}: expected a whole number of at least 1, got {value!r}")
    return value


def _latitude(value: Any, where: str) -> float | int:
    return _within(_number(value, where), 90, where)


def _longitude(value: Any, where: str) -> float | int:
    return _within(_number(value, where), 180, where)


def _within(value: float | int, limit: int, where: str) -> float | int:
    if not -limit <= value <= limit:
        raise WidgetDataError(f"{where}: {value} is outside -{limit} to {limit}")
    return value


def _colour(value: Any, where: str) -> str:
    if value not in COLOURS:
        raise WidgetDataError(f"{where}: colour must be one of {', '.join(COLOURS)}")
    return value


def _health_state(value: Any, where: str) -> str:
    if value not in HEALTH_STATES:
        raise WidgetDataError(f"{where}: state must be one of {', '.join(HEALTH_STATES)}")
    return value


def _time(value: Any, where: str) -> str:
    text = _text(value, where)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise WidgetDataError(f"{where}: {text!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise WidgetDataError(f"{where}: {text!r} has no time zone")
    return text


def _optional_time(value: Any, where: str) -> str | None:
    return None if value is None else _time(value, where)


def _local_url(value: Any, where: str) -> str:
    text = _text(value, where)
    if not text.startswith("/") or text.startswith("//"):
        raise WidgetDataError(f"{where}: images must be served by the hub (a path such as /...)")
    return text


def _type(value: Any) -> str:
    return "null" if value is None else type(value).__name__


_SHAPES: dict[str, dict[str, Any]] = {
    KPI: _kpi(),
    RANKING: _ranking(),
    TREND: _trend(),
    MAP: _map(),
    FEED: _feed(),
    HEALTH: _health(),
}
