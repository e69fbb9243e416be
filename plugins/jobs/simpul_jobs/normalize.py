"""Turns the Pencaker API's objects into records: job seekers, vacancies and placements."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from typing import Any

from hub.api import InvalidRecord, RecordIn
from simpul_jobs.dates import DEFAULT_ZONE, day_start, parse_day, parse_moment
from simpul_jobs.education import LEVELS
from simpul_jobs.jsonld import is_posting
from simpul_jobs.kinds import EXPIRED, LOOKING, PLACED, PLACEMENT, SEEKER
from simpul_jobs.posting import VILLAGE_CODE, normalize_posting
from simpul_jobs.privacy import mask_registration

SEEKER_STATUSES = (LOOKING, PLACED, EXPIRED)
AK1_VALIDITY_YEARS = 2
NIK = re.compile(r"\d{16}")


def normalize(raw: Mapping[str, Any], zone: tzinfo = DEFAULT_ZONE) -> RecordIn:
    """The record for one object of the Pencaker API: a JobPosting, a job seeker or a placement."""
    if is_posting(raw):
        return normalize_posting(raw, zone)
    kind = raw.get("object")
    if kind == "job_seeker":
        return normalize_seeker(raw, zone)
    if kind == "placement":
        return normalize_placement(raw, zone)
    raise InvalidRecord(
        f"unknown object {kind!r} (expected job_seeker, placement or a schema.org JobPosting)"
    )


def normalize_seeker(raw: Mapping[str, Any], zone: tzinfo = DEFAULT_ZONE) -> RecordIn:
    """The job seeker registered on the AK/1 card ``raw``; personal data go in ``personal``."""
    number = required_text(raw, "id", "seeker has no AK/1 registration number (id)")
    registered = parse_day("registered_on", raw.get("registered_on"))
    valid_until = raw.get("valid_until")
    return RecordIn(
        external_id=number,
        kind=SEEKER,
        title=mask_registration(number),
        status=choice("status", raw.get("status"), SEEKER_STATUSES),
        category=choice("education", raw.get("education"), LEVELS),
        area_code=village_code(raw.get("kelurahan_code")),
        created_at=day_start(registered, zone),
        updated_at=optional_moment("updated_at", raw.get("updated_at"), zone),
        attributes={
            "skills": text_list("skills", raw.get("skills")),
            "sector": raw.get("preferred_sector") or None,
            "ak1_valid_until": (
                parse_day("valid_until", valid_until) if valid_until else years_after(registered)
            ).isoformat(),
            "personal": {
                "name": raw.get("name") or None,
                "nik": nik(raw.get("nik")),
                "phone": raw.get("phone") or None,
            },
        },
    )


def normalize_placement(raw: Mapping[str, Any], zone: tzinfo = DEFAULT_ZONE) -> RecordIn:
    """The placement ``raw``: which seeker got which vacancy, and when."""
    placement_id = required_text(raw, "id", "placement has no id")
    code = raw.get("kelurahan_code")
    return RecordIn(
        external_id=placement_id,
        kind=PLACEMENT,
        title=raw.get("position") or "",
        area_code=village_code(code) if code is not None else None,
        created_at=day_start(parse_day("placed_on", raw.get("placed_on")), zone),
        updated_at=optional_moment("updated_at", raw.get("updated_at"), zone),
        attributes={
            "seeker": required_text(raw, "seeker_id", f"placement {placement_id} has no seeker_id"),
            "vacancy": required_text(
                raw, "vacancy_id", f"placement {placement_id} has no vacancy_id"
            ),
            "company": raw.get("company") or None,
        },
    )


def required_text(raw: Mapping[str, Any], name: str, message: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecord(message)
    return value.strip()


def choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InvalidRecord(f"{name} {value!r} is not one of {', '.join(allowed)}")
    return value


def village_code(value: Any) -> str:
    """A Kemendagri kelurahan code such as ``36.71.01.1001``."""
    if not isinstance(value, str) or not VILLAGE_CODE.fullmatch(value):
        raise InvalidRecord(
            f"kelurahan_code {value!r} is not a kelurahan code like '36.71.01.1001'"
        )
    return value


def nik(value: Any) -> str | None:
    """The 16 digits of a NIK (the national ID number), if given."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not NIK.fullmatch(value):
        raise InvalidRecord("nik is not 16 digits")
    return value


def text_list(name: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidRecord(f"{name} must be a list of texts")
    return [item.strip() for item in value if item.strip()]


def optional_moment(name: str, value: Any, zone: tzinfo) -> datetime | None:
    return parse_moment(name, value, zone) if value is not None else None


def years_after(day: date, years: int = AK1_VALIDITY_YEARS) -> date:
    """The same day ``years`` later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=day.day - 1)
