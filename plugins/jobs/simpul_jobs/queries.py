"""SQL conditions the figures, the matching and the pages share: which seekers are registered,
which vacancies are open on a given day and which of them the public sees, and the attributes
they are filtered by."""

from __future__ import annotations

from datetime import date, timedelta, tzinfo

from sqlalchemy import ColumnElement, or_, select, true

from hub.api import Record, Source, within
from simpul_jobs.dates import day_start, iso_moment
from simpul_jobs.kinds import LOOKING, SEEKER, VACANCY

Conditions = list[ColumnElement[bool]]
SOURCE_TYPES = ("pencaker", "jobposting_feed")
"""The source types whose records are the jobs plugin's."""


def attribute(name: str) -> ColumnElement[str]:
    """SQL for the text attribute ``name`` of a record (NULL where it has none)."""
    return Record.attributes[name].as_string()


def live(kind: str) -> Conditions:
    """Records of ``kind`` that the source still lists."""
    return [Record.kind == kind, Record.deleted_at.is_(None)]


def in_area(area: str | None) -> Conditions:
    """Records in the area ``area`` (a kecamatan or kelurahan code), or anywhere for None."""
    return [within(Record.area_code, area) if area else true()]


def looking_seekers(today: date) -> Conditions:
    """Seekers looking for work whose AK/1 card is still valid on ``today``."""
    return [
        *live(SEEKER),
        Record.status == LOOKING,
        or_(
            attribute("ak1_valid_until").is_(None),
            attribute("ak1_valid_until") >= today.isoformat(),
        ),
    ]


def open_vacancies(today: date, zone: tzinfo) -> Conditions:
    """Vacancies open on ``today``: posted by its end, their deadline not before its start.

    The deadline decides rather than the stored status, which is as of the last sync.
    """
    return [
        *live(VACANCY),
        Record.created_at < day_start(today + timedelta(days=1), zone),
        or_(
            attribute("deadline").is_(None),
            attribute("deadline") >= iso_moment(day_start(today, zone)),
        ),
    ]


def published_vacancies(today: date, zone: tzinfo) -> Conditions:
    """The vacancies anyone may see: open on ``today``, from an enabled jobs source, naming the
    company that hires and where (a kelurahan, a place, or remote work)."""
    sources = select(Source.id).where(Source.type.in_(SOURCE_TYPES), Source.enabled.is_(True))
    return [
        *open_vacancies(today, zone),
        Record.source_id.in_(sources),
        attribute("company").is_not(None),
        or_(
            Record.area_code.is_not(None),
            attribute("location").is_not(None),
            attribute("location_type") == "TELECOMMUTE",
        ),
    ]
