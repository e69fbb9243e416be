"""Turns one schema.org JobPosting into the hub's vacancy record."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from contextlib import suppress
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Any

from hub.api import InvalidRecord, RecordIn
from simpul_jobs.dates import DEFAULT_ZONE, iso_moment, parse_deadline, parse_moment
from simpul_jobs.education import lowest_level_in
from simpul_jobs.jsonld import UNREADABLE, is_posting, is_unreadable, text_values
from simpul_jobs.kinds import CLOSED, OPEN, VACANCY
from simpul_jobs.salary import read_salary

VILLAGE_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")
MAX_ID_LENGTH = 128
DIGEST_PREFIX = "jobposting:sha256:"
"""Starts the identity made for a posting that names none."""


def normalize_posting(
    raw: Mapping[str, Any], zone: tzinfo = DEFAULT_ZONE, now: datetime | None = None
) -> RecordIn:
    """The vacancy for JobPosting ``raw``; InvalidRecord names the posting and the bad field.

    Dates without a time zone are in ``zone``; the vacancy is closed once its ``validThrough``
    is before ``now``.
    """
    if is_unreadable(raw):
        raise InvalidRecord(raw[UNREADABLE])
    if not is_posting(raw):
        raise InvalidRecord(f"expected a schema.org JobPosting, got @type {raw.get('@type')!r}")
    identifier = posting_identifier(raw, zone)
    try:
        return _vacancy(raw, identifier, zone, now or datetime.now(UTC))
    except InvalidRecord as error:
        raise InvalidRecord(f"posting {identifier}: {error}") from None


def posting_identifier(raw: Mapping[str, Any], zone: tzinfo = DEFAULT_ZONE) -> str:
    """The posting's ``identifier`` (text or PropertyValue), else its ``@id``, else its ``url``,
    else :func:`posting_digest`."""
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
    return posting_digest(raw, zone)


def posting_digest(raw: Mapping[str, Any], zone: tzinfo = DEFAULT_ZONE) -> str:
    """An identity for a posting that names none: a hash of who hires, for what job, since when
    and where (hiringOrganization's name, title, datePosted and jobLocation, or the applicant
    location of a remote job).

    These are what makes a job the job it is, and a board serves them the same on every visit;
    what a board edits on a live posting (description, validThrough, salary) is left out, so an
    extended deadline or a corrected text updates the vacancy instead of making a new one, while
    a job advertised again later (a new datePosted) is a new vacancy. Spacing and letter case of
    the texts, the order of keys and how the date is written do not change it.
    """
    posted = raw.get("datePosted")
    with suppress(InvalidRecord):
        posted = iso_moment(parse_moment("datePosted", posted, zone))
    where = raw.get("jobLocation") or raw.get("applicantLocationRequirements")
    facts = [
        _folded(next(iter(text_values(raw.get("hiringOrganization"))), "")),
        _folded(raw.get("title")),
        posted,
        where,
    ]
    text = json.dumps(facts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return DIGEST_PREFIX + hashlib.sha256(text.encode()).hexdigest()[:40]


def _folded(value: Any) -> str:
    return " ".join(value.split()).casefold() if isinstance(value, str) else ""


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
        deadline = parse_deadline("validThrough", raw["validThrough"], zone)
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
            "location_type": next(iter(text_values(raw.get("jobLocationType"))), None),
            "applicant_locations": text_values(raw.get("applicantLocationRequirements")),
            "salary": read_salary(raw),
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
