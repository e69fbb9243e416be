"""Checking a report's fields, as the JSON API and the form send them, before anything is stored.

Every problem is collected, so that a form can show them all at once; the API reports the first.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from hub.reports.bounds import Box
from hub.reports.problems import InvalidFields, Problem

MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_COMMENT = 2000
MAX_PARTICIPANTS = 100_000
LOCATION_SOURCES = ("gps", "manual")
CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
REQUIRED = ("activity_type", "date", "title")


@dataclass(frozen=True)
class Rules:
    """What a report's fields are checked against: the configured activity types, the author's
    kelurahan, today's date in the city, and the city's box with its name."""

    activity_types: tuple[str, ...]
    area_code: str
    area_name: str
    today: dt.date
    city_box: Box
    city_name: str


def read_fields(data: Mapping[str, Any], rules: Rules, *, partial: bool = False) -> dict[str, Any]:
    """The checked values of the fields in ``data``; ``partial`` for an update, where absent
    fields stay as they are. Raises :class:`InvalidFields` naming every problem."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, read in READERS.items():
        if name not in data:
            if not partial and name in REQUIRED:
                problems.append(Problem("required", _l("Fill in this field."), name, 422))
            continue
        try:
            values[name] = read(data[name], rules)
        except Problem as problem:
            problems.append(problem)
    if not problems:
        problems.extend(_location_problems(values, rules))
    if problems:
        raise InvalidFields(problems)
    values.pop("area_code", None)
    return values


def read_client_id(value: Any) -> str:
    if not isinstance(value, str) or not CLIENT_ID.fullmatch(value):
        raise Problem(
            "invalid_client_id",
            _l("client_id must be 8 to 64 letters, digits, dots, dashes or underscores."),
            "client_id",
            422,
        )
    return value


def read_text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    """Text without control characters (line breaks and tabs kept), at most ``limit`` long."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Problem("invalid", _l("This field must be text."), field, 422)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Problem("invalid", _l("This field is not valid text."), field, 422) from None
    text = CONTROL_CHARACTERS.sub("", value).strip()
    if required and not text:
        raise Problem("required", _l("Fill in this field."), field, 422)
    if len(text) > limit:
        raise Problem(
            "too_long", _l("At most %(count)d characters, please.", count=limit), field, 422
        )
    return text


def _activity_type(value: Any, rules: Rules) -> str:
    if value not in rules.activity_types:
        raise Problem("invalid", _l("Choose an activity type from the list."), "activity_type", 422)
    return value


def _date(value: Any, rules: Rules) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None or len(value) != 10:
        raise Problem("invalid", _l("Enter the date as YYYY-MM-DD."), "date", 422)
    if day > rules.today:
        raise Problem(
            "future_date",
            _l(
                "%(date)s is in the future: report an activity once it has taken place.",
                date=day.isoformat(),
            ),
            "date",
            422,
        )
    return day


def _participants(value: Any, rules: Rules) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_PARTICIPANTS:
        raise Problem(
            "invalid",
            _l(
                "The number of participants must be a whole number from 0 to %(most)d.",
                most=MAX_PARTICIPANTS,
            ),
            "participants",
            422,
        )
    return value


def _coordinate(field: str) -> Callable[[Any, Rules], float | None]:
    def read(value: Any, rules: Rules) -> float | None:
        if value is None or value == "":
            return None
        try:
            if isinstance(value, bool):
                raise ValueError(value)
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            number = math.nan
        if not math.isfinite(number):
            raise Problem("invalid", _l("This must be a number of degrees."), field, 422)
        return number

    return read


def _location_source(value: Any, rules: Rules) -> str:
    if value in (None, ""):
        return ""
    if value not in LOCATION_SOURCES:
        raise Problem("invalid", _l("Unknown location source."), "location_source", 422)
    return value


def _area_code(value: Any, rules: Rules) -> str:
    if value not in (None, "", rules.area_code):
        raise Problem(
            "forbidden_area",
            _l(
                "You can only report for your own kelurahan, %(name)s.",
                name=rules.area_name,
            ),
            "area_code",
            403,
        )
    return rules.area_code


def _location_problems(values: dict[str, Any], rules: Rules) -> list[Problem]:
    if "latitude" not in values and "longitude" not in values:
        values.pop("location_source", None)
        return []
    latitude, longitude = values.get("latitude"), values.get("longitude")
    if (latitude is None) != (longitude is None):
        message = _l("Give both the latitude and the longitude, or neither.")
        return [Problem("invalid", message, "latitude", 422)]
    if latitude is None:
        values["location_source"] = ""
        return []
    if not rules.city_box.contains(latitude, longitude):
        message = _l(
            "The location %(latitude).5f, %(longitude).5f is outside %(city)s.",
            latitude=latitude,
            longitude=longitude,
            city=rules.city_name,
        )
        return [Problem("outside_city", message, "latitude", 422)]
    values["location_source"] = values.get("location_source") or "manual"
    return []


READERS: dict[str, Callable[[Any, Rules], Any]] = {
    "area_code": _area_code,
    "activity_type": _activity_type,
    "date": _date,
    "title": lambda value, rules: read_text(value, "title", MAX_TITLE, required=True),
    "description": lambda value, rules: read_text(value, "description", MAX_DESCRIPTION),
    "participants": _participants,
    "latitude": _coordinate("latitude"),
    "longitude": _coordinate("longitude"),
    "location_source": _location_source,
}
