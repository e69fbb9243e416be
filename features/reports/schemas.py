"""The JSON API's bodies as pydantic models: their types, shapes and lengths.

The OpenAPI document is generated from them (:mod:`features.reports.openapi`). What depends on the
hub (the configured activity types, the author's kelurahan, today's date, the city's box) is
checked afterwards, in :mod:`features.reports.fields`. A :class:`ValidationError` reads as the
problems the API and the form have always named (:func:`problems_of`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from flask_babel import lazy_gettext as _l
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    FiniteFloat,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from features.reports.models import REPORT_STATUSES
from hub.api import DOCUMENT, PHOTO, Problem

MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_COMMENT = 2000
MAX_PARTICIPANTS = 100_000
CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: Any) -> Any:
    """Text without control characters (line breaks and tabs kept) or surrounding spaces."""
    if not isinstance(value, str):
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("string_unicode", "Input should be UTF-8 text") from None
    return CONTROL_CHARACTERS.sub("", value).strip()


def _empty_is(default: Any) -> BeforeValidator:
    """Null, or empty as a form sends it, is ``default``; true and false are not numbers."""

    def read(value: Any) -> Any:
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise PydanticCustomError("bool_not_allowed", "Input should not be true or false")
        return value

    return BeforeValidator(read)


def _iso_day(value: Any) -> Any:
    if not isinstance(value, str) or len(value) != 10:
        raise PydanticCustomError("date_format", "Input should be a date as YYYY-MM-DD")
    return value


def _without_defaults(schema: dict[str, Any]) -> None:
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


CLEAN_TEXT = BeforeValidator(_text)
"""Listed after the constraints of a ``str``, so that they apply to the cleaned text."""
Title = Annotated[str, Field(min_length=1, max_length=MAX_TITLE), CLEAN_TEXT]
Description = Annotated[str, Field(max_length=MAX_DESCRIPTION), CLEAN_TEXT, _empty_is("")]
Day = Annotated[dt.date, BeforeValidator(_iso_day), Field(description="Not in the future")]
AreaCode = Annotated[
    Any,
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "null"}]}),
    Field(description="The author's kelurahan; any other is refused"),
]
ActivityType = Annotated[str, Field(description="One of the configured activity types")]
Coordinate = Annotated[FiniteFloat | None, _empty_is(None), Field(description="Degrees (WGS 84)")]
ClientId = Annotated[
    str,
    Field(
        pattern=f"^{CLIENT_ID.pattern}$",
        description="Chosen by the client once per report, e.g. a UUID",
    ),
]
Timestamp = Annotated[
    dt.datetime,
    PlainSerializer(dt.datetime.isoformat, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class ReportFields(BaseModel):
    """What the author of a report writes; a wrong field is named, the others still read."""

    area_code: AreaCode = None
    activity_type: ActivityType
    date: Day
    title: Title
    description: Description = ""
    participants: Annotated[int, _empty_is(0), Field(ge=0, le=MAX_PARTICIPANTS)] = 0
    latitude: Coordinate = None
    longitude: Coordinate = None
    location_source: Annotated[Literal["gps", "manual"] | None, _empty_is(None)] = None


class NewReport(ReportFields):
    """A report to create."""

    client_id: ClientId


class ReportChanges(ReportFields):
    """The fields to change; those not sent stay as they are."""

    model_config = ConfigDict(json_schema_extra=_without_defaults)

    activity_type: ActivityType = None
    date: Day = None
    title: Title = None


class Review(BaseModel):
    """Accept a submitted report, or return it to its author with what must be fixed."""

    decision: Literal["accept", "return"]
    comment: Annotated[
        str,
        Field(max_length=MAX_COMMENT, description="Required to return it"),
        CLEAN_TEXT,
        _empty_is(""),
    ] = ""


class Upload(BaseModel):
    """One photo or document, as multipart/form-data."""

    file: bytes


class Attachment(BaseModel):
    id: int
    kind: Literal[PHOTO, DOCUMENT]
    name: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    url: str
    thumbnail_url: str | None


class Report(BaseModel):
    id: int
    client_id: str
    area_code: str
    activity_type: str
    date: dt.date
    title: str
    description: str
    participants: int
    latitude: float | None
    longitude: float | None
    location_source: Literal["", "gps", "manual", "photo"]
    status: Literal[REPORT_STATUSES]
    review_comment: str
    reviewed_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp
    attachments: list[Attachment]


class ReportList(BaseModel):
    reports: list[Report]
    total: int
    page: int
    pages: int


class ActivityTypes(BaseModel):
    activity_types: list[str]


class ErrorDetail(BaseModel):
    code: str = Field(description="For programs: what went wrong")
    message: str = Field(description="For people, in their language")
    field: str | None = Field(description="The field it is about, if any")


class Error(BaseModel):
    error: ErrorDetail


TEXT_FIELDS = ("title", "description", "comment")
INVALID = {
    "activity_type": _l("Choose an activity type from the list."),
    "date": _l("Enter the date as YYYY-MM-DD."),
    "participants": _l(
        "The number of participants must be a whole number from 0 to %(most)d.",
        most=MAX_PARTICIPANTS,
    ),
    "latitude": _l("This must be a number of degrees."),
    "longitude": _l("This must be a number of degrees."),
    "location_source": _l("Unknown location source."),
    "decision": _l("Choose to accept or to return the report."),
}


def problems_of(error: ValidationError) -> list[Problem]:
    """The first problem of each wrong field, in the models' order of fields."""
    problems: dict[str | None, Problem] = {}
    for detail in error.errors():
        field = str(detail["loc"][0]) if detail["loc"] else None
        problems.setdefault(field, problem_for(field, detail))
    return list(problems.values())


def problem_for(field: str | None, detail: ErrorDetails) -> Problem:
    kind = detail["type"]
    if field is None:
        return Problem("invalid_json", _l("Send a JSON object as the request body."))
    if field == "client_id":
        message = _l("client_id must be 8 to 64 letters, digits, dots, dashes or underscores.")
        return Problem("invalid_client_id", message, field, 422)
    if kind == "missing" and field != "decision":
        return Problem("required", _l("Fill in this field."), field, 422)
    if field not in TEXT_FIELDS:
        return Problem("invalid", INVALID[field], field, 422)
    if kind == "string_too_short":
        return Problem("required", _l("Fill in this field."), field, 422)
    if kind == "string_too_long":
        limit = detail.get("ctx", {})["max_length"]
        return Problem(
            "too_long", _l("At most %(count)d characters, please.", count=limit), field, 422
        )
    if kind == "string_unicode":
        return Problem("invalid", _l("This field is not valid text."), field, 422)
    return Problem("invalid", _l("This field must be text."), field, 422)
