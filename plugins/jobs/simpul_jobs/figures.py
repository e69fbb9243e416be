"""Figures on job seekers and vacancies for the portal and the wall: plain data, no personal data.

Every function takes a database session, the day the figures are for (``today``), an optional
area (a kecamatan or kelurahan code) and, where days start matters, the city's time zone.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from hub.api import Area, Record
from simpul_jobs.dates import DEFAULT_ZONE, day_start
from simpul_jobs.education import LEVELS
from simpul_jobs.kinds import PLACED, SEEKER
from simpul_jobs.queries import (
    Conditions,
    attribute,
    in_area,
    live,
    looking_seekers,
    open_vacancies,
)

WEEKS = 12
EXPIRY_DAYS = 30
DISTRICT = func.substr(Record.area_code, 1, 8)
"""The kecamatan of a kelurahan code: ``36.71.01`` of ``36.71.01.1001``."""
GROUPINGS = {
    "sector": (attribute("sector"), Record.category),
    "education": (Record.category, attribute("required_education")),
}
"""What seekers and vacancies are grouped by for each way of counting seekers per opening."""

ByDistrict = dict[str | None, tuple[Any, ...]]


def period_start(today: date) -> date:
    """The Monday that starts the last ``WEEKS`` weeks up to ``today``."""
    return today - timedelta(days=today.weekday(), weeks=WEEKS - 1)


def registrations_per_week(
    session: Session, today: date, area: str | None = None, zone: tzinfo = DEFAULT_ZONE
) -> list[dict[str, Any]]:
    """New AK/1 registrations in each of the last 12 weeks (Monday to Sunday), oldest first."""
    first = period_start(today)
    moments = session.scalars(
        select(Record.created_at).where(*_registered_in_period(today, zone), *in_area(area))
    )
    weeks = Counter(_monday(moment.astimezone(zone).date()) for moment in moments)
    mondays = [first + timedelta(weeks=week) for week in range(WEEKS)]
    return [{"week": monday, "registrations": weeks[monday]} for monday in mondays]


def open_vacancy_totals(
    session: Session, today: date, area: str | None = None, zone: tzinfo = DEFAULT_ZONE
) -> dict[str, int]:
    """How many vacancies are open on ``today``, and how many openings they offer."""
    vacancies, openings = _totals(_vacancies(session, today, area, zone))
    return {"vacancies": vacancies, "openings": int(openings)}


def placement_rate(
    session: Session, today: date, area: str | None = None, zone: tzinfo = DEFAULT_ZONE
) -> dict[str, Any]:
    """Of the seekers registered in the last 12 weeks, how many are placed, and their share."""
    registered, placed = _totals(_registrations(session, today, area, zone))
    return {"registered": registered, "placed": placed, "rate": _ratio(placed, registered)}


def expiring_cards(session: Session, today: date, area: str | None = None) -> int:
    """Looking seekers whose AK/1 card runs out within 30 days of ``today``."""
    _, expiring = _totals(_looking(session, today, area))
    return expiring


def seekers_per_opening(
    session: Session,
    today: date,
    by: str,
    area: str | None = None,
    zone: tzinfo = DEFAULT_ZONE,
) -> list[dict[str, Any]]:
    """Looking seekers against open openings, by ``"sector"`` (the one a seeker prefers, the
    vacancy's industry) or by ``"education"`` (the seeker's, the one a vacancy asks for; None
    for vacancies open to any). Groups are in education order, or by name; None last."""
    seeker_group, vacancy_group = GROUPINGS[by]
    seekers = dict(
        session.execute(
            select(seeker_group, func.count())
            .where(*looking_seekers(today), *in_area(area))
            .group_by(seeker_group)
        ).all()
    )
    openings = dict(
        session.execute(
            select(vacancy_group, func.sum(Record.amount))
            .where(*open_vacancies(today, zone), *in_area(area))
            .group_by(vacancy_group)
        ).all()
    )
    groups = sorted(set(seekers) | set(openings), key=lambda group: _group_order(by, group))
    return [
        {
            "group": group,
            "seekers": seekers.get(group, 0),
            "openings": int(openings.get(group) or 0),
            "per_opening": _ratio(seekers.get(group, 0), openings.get(group) or 0),
        }
        for group in groups
    ]


def by_kecamatan(
    session: Session, today: date, area: str | None = None, zone: tzinfo = DEFAULT_ZONE
) -> list[dict[str, Any]]:
    """Every figure for each kecamatan that has seekers or vacancies, by name."""
    registrations = _registrations(session, today, area, zone)
    looking = _looking(session, today, area)
    vacancies = _vacancies(session, today, area, zone)
    codes = (set(registrations) | set(looking) | set(vacancies)) - {None}
    names = dict(session.execute(select(Area.code, Area.name).where(Area.code.in_(codes))).all())
    rows = []
    for code in codes:
        registered, placed = registrations.get(code, (0, 0))
        seekers, expiring = looking.get(code, (0, 0))
        open_count, openings = vacancies.get(code, (0, Decimal(0)))
        rows.append(
            {
                "code": code,
                "name": names.get(code, code),
                "registered": registered,
                "placed": placed,
                "placement_rate": _ratio(placed, registered),
                "looking": seekers,
                "vacancies": open_count,
                "openings": int(openings),
                "seekers_per_opening": _ratio(seekers, openings),
                "expiring": expiring,
            }
        )
    return sorted(rows, key=lambda row: (row["name"], row["code"]))


def _registered_in_period(today: date, zone: tzinfo) -> Conditions:
    return [
        *live(SEEKER),
        Record.created_at >= day_start(period_start(today), zone),
        Record.created_at < day_start(today + timedelta(days=1), zone),
    ]


def _registrations(session: Session, today: date, area: str | None, zone: tzinfo) -> ByDistrict:
    """(registered, placed) of the seekers registered in the period, by kecamatan."""
    placed = func.sum(case((Record.status == PLACED, 1), else_=0))
    return _by_district(
        session, [func.count(), placed], [*_registered_in_period(today, zone), *in_area(area)]
    )


def _looking(session: Session, today: date, area: str | None) -> ByDistrict:
    """(looking, cards expiring within 30 days) of the seekers looking for work, by kecamatan."""
    last_day = (today + timedelta(days=EXPIRY_DAYS)).isoformat()
    expiring = func.sum(case((attribute("ak1_valid_until") <= last_day, 1), else_=0))
    return _by_district(
        session, [func.count(), expiring], [*looking_seekers(today), *in_area(area)]
    )


def _vacancies(session: Session, today: date, area: str | None, zone: tzinfo) -> ByDistrict:
    """(open vacancies, their openings) by kecamatan."""
    columns = [func.count(), func.sum(Record.amount)]
    return _by_district(session, columns, [*open_vacancies(today, zone), *in_area(area)])


def _by_district(session: Session, columns: list[Any], conditions: Conditions) -> ByDistrict:
    rows = session.execute(select(DISTRICT, *columns).where(*conditions).group_by(DISTRICT))
    return {row[0]: tuple(value or 0 for value in row[1:]) for row in rows}


def _totals(by_district: ByDistrict) -> tuple[Any, ...]:
    return tuple(sum(values) for values in zip(*by_district.values(), strict=True)) or (0, 0)


def _group_order(by: str, group: str | None) -> tuple[bool, int, str]:
    """Education levels lowest first, sectors by name; None last."""
    level = LEVELS.index(group) if by == "education" and group in LEVELS else len(LEVELS)
    return group is None, level, group or ""


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _ratio(part: int | Decimal, whole: int | Decimal) -> float | None:
    return round(float(part) / float(whole), 4) if whole else None
