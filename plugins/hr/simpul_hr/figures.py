"""Staffing and attendance figures: plain data from a session and a day, for the portal and wall
screens. They count people and never name them.

An ``area`` (a city, kecamatan or kelurahan code; None for everywhere) limits staff to those
posted within it, and units, their formation and attendance to the units based within it: a
kecamatan's code covers its office and its kelurahan, the city's code every unit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session, aliased

from hub.api import Area, Record, within
from simpul_hr.kinds import (
    ABSENT,
    ACTIVE,
    ATTENDANCE,
    DUTY_TRAVEL,
    INACTIVE,
    LATE,
    LEAVE,
    PRESENT,
    STAFF,
    UNIT,
)

TREND_DAYS = 30
KECAMATAN_CODE, KELURAHAN_CODE = 8, 13
"""Lengths of a kecamatan code (``71.71.04``) and of a kelurahan code (``71.71.04.1005``)."""
COLUMNS = {PRESENT: "present", LATE: "late", LEAVE: "leave", DUTY_TRAVEL: "leave", ABSENT: "absent"}
"""Which column of the attendance figures each status counts in: leave and duty travel are both
away from the office with permission."""
_UNIT = aliased(Record)
"""The unit of an attendance record, in the queries that look it up."""


def live(kind: str) -> list[ColumnElement[bool]]:
    return [Record.kind == kind, Record.deleted_at.is_(None)]


def staff_totals(session: Session, area: str | None = None) -> dict[str, int]:
    """Active and inactive civil servants."""
    posted = within(Record.area_code, area) if area else true()
    counts = dict(
        session.execute(
            select(Record.status, func.count()).where(*live(STAFF), posted).group_by(Record.status)
        ).all()
    )
    return {"active": counts.get(ACTIVE, 0), "inactive": counts.get(INACTIVE, 0)}


def headcount_per_opd(session: Session) -> list[dict[str, Any]]:
    """Active and inactive civil servants of each OPD, by name."""
    opd = Record.attributes["opd"].as_string()
    rows = session.execute(
        select(opd, Record.status, func.count()).where(*live(STAFF)).group_by(opd, Record.status)
    ).all()
    counts: dict[str, Counter] = defaultdict(Counter)
    for name, status, count in rows:
        counts[name or ""][status] += count
    return [
        {"opd": name, "active": found[ACTIVE], "inactive": found[INACTIVE]}
        for name, found in sorted(counts.items())
    ]


def headcount_per_kecamatan(session: Session) -> list[dict[str, Any]]:
    """Active civil servants posted in each kecamatan (its office and its kelurahan), by name."""
    district = func.substr(Record.area_code, 1, KECAMATAN_CODE)
    return _per_area(
        session, district, func.length(Record.area_code) >= KECAMATAN_CODE, parent=False
    )


def headcount_per_kelurahan(session: Session) -> list[dict[str, Any]]:
    """Active civil servants posted in each kelurahan, with its kecamatan's code and name."""
    return _per_area(
        session, Record.area_code, func.length(Record.area_code) == KELURAHAN_CODE, parent=True
    )


def _per_area(
    session: Session, code: ColumnElement[str], where: ColumnElement[bool], *, parent: bool
) -> list[dict[str, Any]]:
    counts = dict(
        session.execute(
            select(code, func.count())
            .where(*live(STAFF), Record.status == ACTIVE, where)
            .group_by(code)
        ).all()
    )
    areas = {area.code: area for area in session.scalars(select(Area).where(Area.code.in_(counts)))}
    parents = dict(
        session.execute(
            select(Area.code, Area.name).where(
                Area.code.in_({a.parent_code for a in areas.values()})
            )
        ).all()
    )
    rows = []
    for area_code, count in counts.items():
        area = areas.get(area_code)
        row = {"code": area_code, "name": area.name if area else area_code, "active": count}
        if parent:
            row["kecamatan_code"] = area.parent_code if area else None
            row["kecamatan"] = parents.get(area.parent_code) if area else None
        rows.append(row)
    return sorted(rows, key=lambda row: (row.get("kecamatan") or "", row["name"]))


def vacancies(session: Session, area: str | None = None) -> dict[str, Any]:
    """Positions of each unit's formation without an active holder: per unit (most vacant first),
    per position, and in all."""
    held = Counter(
        {
            (unit, position): count
            for unit, position, count in session.execute(
                select(Record.category, Record.title, func.count())
                .where(*live(STAFF), Record.status == ACTIVE)
                .group_by(Record.category, Record.title)
            )
        }
    )
    units, per_position = [], Counter()
    for name, organization, attributes in session.execute(
        select(Record.external_id, Record.category, Record.attributes).where(
            *live(UNIT), within(Record.area_code, area) if area else true()
        )
    ):
        formation = (attributes or {}).get("formation") or {}
        open_posts = {p: max(0, n - held[(name, p)]) for p, n in formation.items()}
        per_position.update(open_posts)
        units.append(
            {
                "unit": name,
                "opd": organization,
                "formation": sum(formation.values()),
                "vacant": sum(open_posts.values()),
                "positions": {p: n for p, n in open_posts.items() if n},
            }
        )
    units.sort(key=lambda row: (-row["vacant"], row["unit"]))
    return {
        "formation": sum(row["formation"] for row in units),
        "vacant": sum(row["vacant"] for row in units),
        "units": units,
        "positions": [{"position": p, "vacant": n} for p, n in sorted(per_position.items()) if n],
    }


def attendance_on(
    session: Session, day: date, zone: tzinfo, area: str | None = None
) -> dict[str, Any]:
    """Attendance on ``day`` per unit (by name) and in all: present, late, on leave or duty
    travel, absent, and how many were recorded."""
    rows = session.execute(
        select(Record.category, Record.status, func.count())
        .where(*live(ATTENDANCE), *_days(day, day, zone), _of_units_in(session, area))
        .group_by(Record.category, Record.status)
    ).all()
    units: dict[str, dict[str, Any]] = {}
    for unit, status, count in rows:
        _count(units.setdefault(unit or "", _empty(unit=unit or "")), status, count)
    total = _empty()
    for row in units.values():
        for column in ("present", "late", "leave", "absent", "recorded"):
            total[column] += row[column]
    return {"total": _with_rate(total), "units": [_with_rate(units[u]) for u in sorted(units)]}


def attendance_per_opd(
    session: Session, day: date, zone: tzinfo, area: str | None = None
) -> list[dict[str, Any]]:
    """Attendance on ``day`` per OPD (by name), the OPD of each record's unit; "" for records
    of a unit no ``unit`` record names."""
    opd = _unit_of_attendance().with_only_columns(_UNIT.category).limit(1).scalar_subquery()
    rows = session.execute(
        select(opd.label("opd"), Record.status, func.count())
        .where(*live(ATTENDANCE), *_days(day, day, zone), _of_units_in(session, area))
        .group_by(opd, Record.status)
    ).all()
    opds: dict[str, dict[str, Any]] = {}
    for name, status, count in rows:
        _count(opds.setdefault(name or "", _empty(opd=name or "")), status, count)
    return [_with_rate(opds[name]) for name in sorted(opds)]


def attendance_trend(
    session: Session, day: date, zone: tzinfo, days: int = TREND_DAYS, area: str | None = None
) -> list[dict[str, Any]]:
    """Attendance of each of the ``days`` days up to ``day``, oldest first."""
    first = day - timedelta(days=days - 1)
    rows = session.execute(
        select(Record.created_at, Record.status, func.count())
        .where(*live(ATTENDANCE), *_days(first, day, zone), _of_units_in(session, area))
        .group_by(Record.created_at, Record.status)
    ).all()
    trend = {first + timedelta(days=n): _empty(day=first + timedelta(days=n)) for n in range(days)}
    for created_at, status, count in rows:
        row = trend.get(created_at.astimezone(zone).date())
        if row is not None:
            _count(row, status, count)
    return [_with_rate(row) for row in trend.values()]


def _unit_of_attendance() -> Any:
    """The live ``unit`` records named by the attendance record of the enclosing query."""
    return select(_UNIT.id).where(
        _UNIT.kind == UNIT, _UNIT.deleted_at.is_(None), _UNIT.external_id == Record.category
    )


def _of_units_in(session: Session, area: str | None) -> ColumnElement[bool]:
    """Attendance of units based in ``area``, all of it for None: the units are read first, as
    they are few and the planner cannot know it before the tables are analyzed."""
    if not area:
        return true()
    units = session.scalars(
        select(Record.external_id).where(*live(UNIT), within(Record.area_code, area))
    )
    return Record.category.in_(list(units))


def _days(first: date, last: date, zone: tzinfo) -> list[ColumnElement[bool]]:
    """Records created on the days ``first`` to ``last`` in ``zone``."""
    start = datetime.combine(first, time(), zone)
    end = datetime.combine(last + timedelta(days=1), time(), zone)
    return [Record.created_at >= start, Record.created_at < end]


def _empty(**label: Any) -> dict[str, Any]:
    return {**label, "present": 0, "late": 0, "leave": 0, "absent": 0, "recorded": 0}


def _count(row: dict[str, Any], status: str, count: int) -> None:
    column = COLUMNS.get(status)
    if column:
        row[column] += count
        row["recorded"] += count


def _with_rate(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with ``rate``: the share of recorded people who came to work, None if none was."""
    at_work = row["present"] + row["late"]
    return {**row, "rate": round(at_work / row["recorded"], 4) if row["recorded"] else None}
