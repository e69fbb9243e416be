"""The weekly performance report: each area and agency over one ISO week, beside the week before.

A week runs from Monday 00:00 to the next Monday 00:00 in the city's time zone (WIB in Jakarta):
a complaint made on Monday at 01:00 WIB belongs to that week although it is still Sunday in UTC.
The areas are the city's kecamatan, or the kelurahan of one kecamatan; the figures are those of
:mod:`features.complaints.rankings`, with the red backlog as it is when the report is made.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Session

from features.complaints.rankings import (
    AGENCY,
    CITY,
    EVERYWHERE,
    GROUPINGS,
    KECAMATAN,
    KELURAHAN,
    Figures,
    Period,
    Scope,
    backlogs,
    name_groups,
    period_counts,
    period_figures,
    ranked,
    read_together,
)
from features.complaints.routing import Routing
from hub.api import level_of

WEEK_PATTERN = re.compile(r"(\d{4})-W(\d{1,2})")
TOTAL = _l("Total")
TABLE_HEADER = (
    _l("Section"),
    _l("Rank"),
    _l("Code"),
    _l("Name"),
    _l("Received"),
    _l("Answered"),
    _l("Response rate (%)"),
    _l("Change since the week before (points)"),
    _l("Median hours to first response"),
    _l("Median hours to completion"),
    _l("Resolved"),
    _l("Closed, not fixed"),
    _l("Overdue"),
    _l("Waiting now"),
    _l("Received the week before"),
    _l("Response rate the week before (%)"),
)


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO 8601 week: ``IsoWeek(2024, 19)`` is Monday 6 to Sunday 12 May 2024."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """``"2024-W19"``, as ``<input type="week">`` sends it; ValueError if it is not a week."""
        match = WEEK_PATTERN.fullmatch(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a week: write it as YYYY-Www, for example 2024-W19")
        year, week = int(match[1]), int(match[2])
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{year} has no week {week}") from None
        return cls(year, week)

    @classmethod
    def containing(cls, day: date) -> IsoWeek:
        year, week, _weekday = day.isocalendar()
        return cls(year, week)

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def period(self, zone: ZoneInfo) -> Period:
        """Monday 00:00 up to the next Monday 00:00, in ``zone``."""
        start = datetime.combine(self.monday, time.min, tzinfo=zone)
        return Period(start, datetime.combine(self.monday + timedelta(days=7), time.min, zone))

    def previous(self) -> IsoWeek:
        return IsoWeek.containing(self.monday - timedelta(days=7))

    def next(self) -> IsoWeek:
        return IsoWeek.containing(self.monday + timedelta(days=7))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


@dataclass(frozen=True)
class WeeklyRow:
    """One area or agency: its figures this week, and its counts (no medians) the week before."""

    current: Figures
    previous: Figures

    @property
    def name(self) -> str | LazyString:
        return self.current.name

    @property
    def has_complaints(self) -> bool:
        """Whether it received complaints in either week."""
        return bool(self.current.received or self.previous.received)

    @property
    def rate_change(self) -> float | None:
        """The change in response rate since the week before (a fraction: 0.05 is 5 points)."""
        now, before = self.current.response_rate, self.previous.response_rate
        return None if now is None or before is None else now - before


@dataclass(frozen=True)
class WeeklyReport:
    """The report of one week, for the whole city or within ``scope`` (a kecamatan, an
    agency), made at ``made_at``. Areas and agencies are ranked best first."""

    week: IsoWeek
    scope: Scope
    made_at: datetime
    area_grouping: str
    areas: list[WeeklyRow]
    agencies: list[WeeklyRow]
    total: WeeklyRow


def weekly_report(
    session: Session,
    week: IsoWeek,
    zone: ZoneInfo,
    routing: Routing,
    now: datetime,
    scope: Scope = EVERYWHERE,
) -> WeeklyReport:
    """The report of ``week`` in the city's time ``zone``; "overdue" and "waiting" as at ``now``.
    Within a kecamatan it ranks its kelurahan; within a city or everywhere, the kecamatan."""
    area_grouping = KELURAHAN if scope.area and level_of(scope.area) == "district" else KECAMATAN
    with read_together(session, area_grouping, AGENCY):
        sections = {
            grouping: _compare(session, grouping, week, zone, routing, now, scope)
            for grouping in (area_grouping, AGENCY, CITY)
        }
    return WeeklyReport(
        week=week,
        scope=scope,
        made_at=now,
        area_grouping=area_grouping,
        areas=sections[area_grouping],
        agencies=sections[AGENCY],
        total=sections[CITY][0],
    )


def weekly_table(report: WeeklyReport) -> Iterator[list[Any]]:
    """The report as rows for a spreadsheet: a header, then each area, agency and the total."""
    yield [str(title) for title in TABLE_HEADER]
    sections = (
        (GROUPINGS[report.area_grouping], report.areas),
        (GROUPINGS[AGENCY], report.agencies),
    )
    for section, rows in sections:
        for position, row in enumerate(rows, start=1):
            yield _table_row(str(section), position, row)
    yield _table_row(str(TOTAL), None, report.total)


def _table_row(section: str, position: int | None, row: WeeklyRow) -> list[Any]:
    now, before = row.current, row.previous
    return [
        section,
        position,
        now.key or "",
        str(row.name),
        now.received,
        now.answered,
        _percent(now.response_rate),
        _percent(row.rate_change),
        _rounded(now.median_response_hours),
        _rounded(now.median_completion_hours),
        now.resolved,
        now.closed_not_fixed,
        now.overdue,
        now.backlog,
        before.received,
        _percent(before.response_rate),
    ]


def _compare(
    session: Session,
    grouping: str,
    week: IsoWeek,
    zone: ZoneInfo,
    routing: Routing,
    now: datetime,
    scope: Scope,
) -> list[WeeklyRow]:
    current = period_figures(session, grouping, week.period(zone), now, scope)
    previous = period_counts(session, grouping, week.previous().period(zone), now, scope)
    if grouping == CITY:
        current.setdefault(None, Figures(None))
    for key, backlog in backlogs(session, grouping, now, scope).items():
        current.setdefault(key, Figures(key)).backlog = backlog
    for key in previous.keys() - current.keys():
        current[key] = Figures(key)
    for key in current.keys() - previous.keys():
        previous[key] = Figures(key)
    name_groups(session, grouping, [*current.values(), *previous.values()], routing)
    return [WeeklyRow(figures, previous[figures.key]) for figures in ranked(current.values())]


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 1)


def _rounded(hours: float | None) -> float | None:
    return None if hours is None else round(hours, 1)
