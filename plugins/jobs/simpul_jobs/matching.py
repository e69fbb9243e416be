"""Matching seekers and vacancies: a seeker fits a vacancy with at least the education it asks
for and, if it names skills, at least one of them. More shared skills rank higher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, defer

from hub.api import Record
from simpul_jobs.dates import DEFAULT_ZONE
from simpul_jobs.education import levels_from, meets
from simpul_jobs.queries import looking_seekers, open_vacancies

LIMIT = 50


@dataclass(frozen=True)
class Fit:
    """A seeker or vacancy that fits, and the skills the two share."""

    record: Record
    shared_skills: tuple[str, ...]


def shared_skills(have: list[str], wanted: list[str]) -> tuple[str, ...] | None:
    """The ``wanted`` skills found in ``have`` (ignoring case); None if ``wanted`` names skills
    and none is found."""
    known = {skill.casefold() for skill in have}
    shared = tuple(skill for skill in wanted if skill.casefold() in known)
    return shared if shared or not wanted else None


def fit(seeker: Record, vacancy: Record) -> tuple[str, ...] | None:
    """The skills ``seeker`` brings to ``vacancy``; None if the seeker does not fit it."""
    wanted = vacancy.attributes or {}
    if not meets(seeker.category, wanted.get("required_education")):
        return None
    return shared_skills((seeker.attributes or {}).get("skills") or [], wanted.get("skills") or [])


def seekers_for(
    session: Session,
    vacancy: Record,
    today: date,
    scope: ColumnElement[bool] | None = None,
    limit: int = LIMIT,
) -> list[Fit]:
    """The registered seekers who fit ``vacancy``: most shared skills first, then those who
    registered earlier. ``scope`` limits the seekers (to an officer's area, say)."""
    query = select(Record).options(defer(Record.payload)).where(*looking_seekers(today))
    required = (vacancy.attributes or {}).get("required_education")
    if required:
        query = query.where(Record.category.in_(levels_from(required)))
    if scope is not None:
        query = query.where(scope)
    fits = [
        Fit(seeker, shared)
        for seeker in session.scalars(query)
        if (shared := fit(seeker, vacancy)) is not None
    ]
    fits.sort(key=lambda f: (-len(f.shared_skills), f.record.created_at, f.record.external_id))
    return fits[:limit]


def vacancies_for(
    session: Session,
    seeker: Record,
    today: date,
    zone: tzinfo = DEFAULT_ZONE,
    limit: int = LIMIT,
) -> list[Fit]:
    """The vacancies open on ``today`` that ``seeker`` fits: most shared skills first, then the
    nearest deadline. Each Fit holds the vacancy."""
    query = select(Record).options(defer(Record.payload)).where(*open_vacancies(today, zone))
    fits = [
        Fit(vacancy, shared)
        for vacancy in session.scalars(query)
        if (shared := fit(seeker, vacancy)) is not None
    ]
    fits.sort(key=lambda f: (-len(f.shared_skills), _deadline(f.record), f.record.title))
    return fits[:limit]


def _deadline(vacancy: Record) -> str:
    """The deadline as ISO text for sorting; no deadline sorts last."""
    return (vacancy.attributes or {}).get("deadline") or "~"
