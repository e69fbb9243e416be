"""Turns one schema.org JobPosting into the hub's vacancy record."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Any

from hub.api import InvalidRecord, RecordIn
from simpul_jobs.dates import DEFAULT_ZONE, iso_moment, parse_moment
from simpul_jobs.education import lowest_level_in
from simpul_jobs.jsonld import is_posting, text_values
from simpul_jobs.kinds import CLOSED, OPEN, VACANCY

VILLAGE_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")
MAX_ID_LENGTH = 128


def normalize_posting(
    raw: Mapping[str, Any], zone: tzinfo = DEFAULT_ZONE, now: datetime | None = None
) -> RecordIn:
    """The vacancy for JobPosting ``raw``; InvalidRecord names the posting and the bad field.

    Dates without a time zone are in ``zone``; the vacancy is closed once its ``validThrough``
    is before ``now``.
    """
    if not is_posting(raw):
        raise InvalidRecord(f"expected a schema.org JobPosting, got @type {raw.get('@type')!r}")
    identifier = posting_identifier(raw)
    try:
        return _vacancy(raw, identifier, zone, now or datetime.now(UTC))
    except InvalidRecord as error:
        raise InvalidRecord(f"posting {identifier}: {error}") from None


def posting_identifier(raw: Mapping[str, Any]) -> str:
    """The posting's ``identifier`` (text or PropertyValue), else its ``@id``, else its ``url``."""
    for value in (raw.get("identifier"), raw.get("@id"), raw.get("url")):
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, Mapping):
            value = value.get("value")
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            if len(value) > MAX_ID_LENGTH:
                raise InvalidRecord(f"posting identifier is longer than {MAX_ID_LENGTH} characters")
            return value.strip()
    raise InvalidRecord("posting has no identifier (identifier, @id or url)")


def _vacancy(raw: Mapping[str, Any], identifier: str, zone: tzinfo, now: datetime) -> RecordIn:
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InvalidRecord("title is missing")
    if raw.get("datePosted") is None:
        raise InvalidRecord("datePosted is missing")
    posted = parse_moment("datePosted", raw["datePosted"], zone)
    modified = None
    if raw.get("dateModified") is not None:
        modified = parse_moment("dateModified", raw["dateModified"], zone)
    deadline = None
    if raw.get("validThrough") is not None:
        deadline = parse_moment("validThrough", raw["validThrough"], zone, end_of_day=True)
    location = _first(raw.get("jobLocation"))
    education = ", ".join(text_values(raw.get("educationRequirements")))
    return RecordIn(
        external_id=identifier,
        kind=VACANCY,
        title=title.strip(),
        status=CLOSED if deadline and deadline < now else OPEN,
        category=next(iter(text_values(raw.get("industry"))), None),
        area_code=_village_code(location),
        amount=openings(raw.get("totalJobOpenings")),
        created_at=posted,
        updated_at=modified,
        attributes={
            "company": next(iter(text_values(raw.get("hiringOrganization"))), None),
            "required_education": lowest_level_in(education),
            "education_requirements": education or None,
            "skills": skill_names(raw.get("skills")),
            "deadline": iso_moment(deadline),
            "employment_type": text_values(raw.get("employmentType")),
            "location": location,
            "url": raw.get("url") if isinstance(raw.get("url"), str) else None,
        },
    )


def openings(value: Any) -> Decimal:
    """``totalJobOpenings``: a whole number of 1 or more, 1 when the posting does not say."""
    if value is None:
        return Decimal(1)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if type(value) is not int or value < 1:
        raise InvalidRecord(f"totalJobOpenings {value!r} is not a whole number of 1 or more")
    return Decimal(value)


def skill_names(value: Any) -> list[str]:
    """Skills as a list of names, from a list, DefinedTerms or a comma-separated text."""
    names = [part.strip() for text in text_values(value) for part in re.split(r"[,;\n]", text)]
    return list(dict.fromkeys(name for name in names if name))


def _village_code(location: Any) -> str | None:
    """A Kemendagri kelurahan code given as the ``identifier`` of the job's Place or of the area
    it is ``containedInPlace``; None when the posting names none."""
    if not isinstance(location, Mapping):
        return None
    places = [location, *_as_places(location.get("containedInPlace"))]
    for place in places:
        for text in text_values(place.get("identifier")):
            if VILLAGE_CODE.fullmatch(text):
                return text
    return None


def _as_places(value: Any) -> list[Mapping[str, Any]]:
    values = value if isinstance(value, list) else [value]
    return [place for place in values if isinstance(place, Mapping)]


def _first(value: Any) -> Any:
    return (value[0] if value else None) if isinstance(value, list) else value
