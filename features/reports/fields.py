"""Checking a report's fields, as the JSON API and the form send them, before anything is stored.

Their types, shapes and lengths are those of the models in :mod:`features.reports.schemas`; here
they are also checked against what the hub knows. Every problem is collected, so that a form can
show them all at once; the API reports the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from flask_babel import lazy_gettext as _l
from pydantic import Field, TypeAdapter, ValidationError

from features.reports.bounds import Box
from features.reports.schemas import (
    CLEAN_TEXT,
    MAX_COMMENT,
    ClientId,
    NewReport,
    ReportChanges,
    problem_for,
    problems_of,
)
from hub.api import InvalidFields, Problem

__all__ = ["MAX_COMMENT", "Rules", "read_client_id", "read_fields", "read_text"]
ORDER = {name: index for index, name in enumerate(ReportChanges.model_fields)}
CLIENT_IDS = TypeAdapter(ClientId)


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
    try:
        model = (ReportChanges if partial else NewReport).model_validate(data)
        problems = []
    except ValidationError as error:
        problems = problems_of(error)
        wrong = {problem.field for problem in problems}  # the others are still checked below
        model = ReportChanges.model_validate({k: v for k, v in data.items() if k not in wrong})
    values = model.model_dump(exclude_unset=True, exclude={"client_id"})
    for name, check in CHECKS.items():
        try:
            if name in values:
                check(values[name], rules)
        except Problem as problem:
            problems.append(problem)
    if not problems:
        problems.extend(_location_problems(values, rules))
    if problems:
        raise InvalidFields(sorted(problems, key=lambda problem: ORDER.get(problem.field, -1)))
    values.pop("area_code", None)
    return values


def read_client_id(value: Any) -> str:
    try:
        return CLIENT_IDS.validate_python(value)
    except ValidationError as error:
        raise problem_for("client_id", error.errors()[0]) from None


def read_text(value: Any, field: str, limit: int) -> str:
    """Text without control characters (line breaks and tabs kept), at most ``limit`` long;
    nothing (None) is empty text."""
    try:
        return _text_of(limit).validate_python("" if value is None else value)
    except ValidationError as error:
        raise problem_for(field, error.errors()[0]) from None


@cache
def _text_of(limit: int) -> TypeAdapter[str]:
    return TypeAdapter(Annotated[str, Field(max_length=limit), CLEAN_TEXT])


def _activity_type(value: str, rules: Rules) -> None:
    if value not in rules.activity_types:
        raise Problem("invalid", _l("Choose an activity type from the list."), "activity_type", 422)


def _date(day: dt.date, rules: Rules) -> None:
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


def _area_code(value: str | None, rules: Rules) -> None:
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


CHECKS: dict[str, Callable[[Any, Rules], None]] = {
    "area_code": _area_code,
    "activity_type": _activity_type,
    "date": _date,
}
