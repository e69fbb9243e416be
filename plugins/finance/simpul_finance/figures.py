"""Is each agency spending its budget on track? Figures for one budget year, as of one date.

Pure functions of a database session, a year and a reference date, returning plain data for the
portal's page and the wall's widgets. Sums are made by the database over exact amounts and every
share is a :class:`~decimal.Decimal`.

An ``area`` limits the figures to the budget lines of a kecamatan (or of anything within it) and
the realizations of those lines; the lines of the city's agencies have no area, so they count
only when there is no area or the area is the city (or its province).

The rule for lagging: an agency (OPD) lags when the share of its budget it has realized is more
than ``LAG_POINTS`` (10 percentage points) below the share of the year elapsed. An agency behind
the year by less than that is "behind"; one at or ahead of it is "on track".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from hub.api import Record, level_of, within
from simpul_finance.fiscal import day_start, record_date, year_end, year_start
from simpul_finance.kinds import BUDGET_LINE, REALIZATION
from simpul_finance.money import share

LAG_POINTS = Decimal("0.10")
UNSPENT_LINES = 10
ON_TRACK, BEHIND, LAGGING, NO_BUDGET = "on_track", "behind", "lagging", "no_budget"
COLOURS = {ON_TRACK: "green", BEHIND: "yellow", LAGGING: "red", NO_BUDGET: "grey"}


@dataclass(frozen=True, kw_only=True)
class Spending:
    """What was budgeted and what was realized of it."""

    budget: Decimal
    realized: Decimal

    @property
    def share(self) -> Decimal | None:
        """The share of the budget realized (0.25 for a quarter); None without a budget."""
        return share(self.realized, self.budget)

    @property
    def unspent(self) -> Decimal:
        return self.budget - self.realized

    def standing(self, elapsed: Decimal) -> str:
        """``on_track``, ``behind`` or ``lagging`` against the share of the year ``elapsed``."""
        realized = self.share
        if realized is None:
            return NO_BUDGET
        if realized >= elapsed:
            return ON_TRACK
        return LAGGING if elapsed - realized > LAG_POINTS else BEHIND


@dataclass(frozen=True, kw_only=True)
class AgencySpending(Spending):
    code: str
    name: str


@dataclass(frozen=True, kw_only=True)
class ProgramSpending(Spending):
    agency_code: str
    agency_name: str
    program: str


@dataclass(frozen=True, kw_only=True)
class LineSpending(Spending):
    line_id: str
    agency_code: str
    agency_name: str
    program: str
    activity: str
    account_code: str
    account_name: str


@dataclass(frozen=True)
class Month:
    """Realization in one month, and in the year up to its end against the year's budget."""

    month: int
    realized: Decimal
    cumulative: Decimal
    share: Decimal | None
    elapsed: Decimal


@dataclass(frozen=True)
class Overview:
    """Every figure of a budget year as of a date, for the portal's page."""

    year: int
    as_of: date
    elapsed: Decimal
    total: Spending
    agencies: list[AgencySpending]
    lagging: list[AgencySpending]
    programs: list[ProgramSpending]
    unspent_lines: list[LineSpending]
    months: list[Month]


def overview(session: Session, year: int, today: date) -> Overview:
    agencies = by_agency(session, year, today)
    lines = by_line(session, year, today)
    total = Spending(
        budget=sum((a.budget for a in agencies), Decimal(0)),
        realized=sum((a.realized for a in agencies), Decimal(0)),
    )
    elapsed = elapsed_share(year, today)
    return Overview(
        year=year,
        as_of=reference_date(year, today),
        elapsed=elapsed,
        total=total,
        agencies=agencies,
        lagging=lagging(agencies, elapsed),
        programs=by_program(lines),
        unspent_lines=largest_unspent(lines),
        months=monthly(session, year, today, total.budget),
    )


def budget_years(session: Session) -> list[int]:
    """The years that have budget lines, newest first."""
    starts = session.scalars(select(Record.created_at).where(*_live(BUDGET_LINE)).distinct()).all()
    return sorted({record_date(start).year for start in starts if start}, reverse=True)


def reference_date(year: int, today: date) -> date:
    """``today`` kept within the budget year ``year``."""
    return min(max(today, date(year, 1, 1)), date(year, 12, 31))


def elapsed_share(year: int, today: date) -> Decimal:
    """The share of budget year ``year`` elapsed by the end of ``today``: 0 before it starts,
    1 after it ends."""
    first = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first).days
    elapsed = min(max((today - first).days + 1, 0), days)
    return Decimal(elapsed) / Decimal(days)


def by_agency(
    session: Session, year: int, today: date, area: str | None = None
) -> list[AgencySpending]:
    """Budget and realization of every agency (OPD), by agency code."""
    budgets = session.execute(
        select(
            Record.category,
            func.max(Record.attributes["opd_name"].as_string()),
            func.sum(Record.amount),
        )
        .where(*_of_year(BUDGET_LINE, year), _lines_in(area))
        .group_by(Record.category)
    ).all()
    realized = dict(
        session.execute(
            select(Record.category, func.sum(Record.amount))
            .where(*_realized(year, today), _realized_in(session, area))
            .group_by(Record.category)
        ).all()
    )
    names = {code: name for code, name, _ in budgets}
    budgeted = {code: amount for code, _, amount in budgets}
    return [
        AgencySpending(
            code=code,
            name=names.get(code) or code,
            budget=budgeted.get(code, Decimal(0)),
            realized=realized.get(code, Decimal(0)),
        )
        for code in sorted(budgeted.keys() | realized.keys())
    ]


def by_line(
    session: Session, year: int, today: date, area: str | None = None
) -> list[LineSpending]:
    """Budget and realization of every budget line of the year."""
    line_id = Record.attributes["line_id"].as_string()
    realized = {
        (source_id, line): amount
        for source_id, line, amount in session.execute(
            select(Record.source_id, line_id, func.sum(Record.amount))
            .where(*_realized(year, today))
            .group_by(Record.source_id, line_id)
        )
    }
    rows = session.execute(
        select(
            Record.source_id, Record.external_id, Record.category, Record.amount, Record.attributes
        )
        .where(*_of_year(BUDGET_LINE, year), _lines_in(area))
        .order_by(Record.category, Record.external_id)
    )
    return [_line(row, realized.get((row.source_id, row.external_id), Decimal(0))) for row in rows]


def by_program(lines: Iterable[LineSpending]) -> list[ProgramSpending]:
    """Budget and realization of every program of every agency, by agency and program."""
    budgets: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    realized: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        program = (line.agency_code, line.program, line.agency_name)
        budgets[program] += line.budget
        realized[program] += line.realized
    return [
        ProgramSpending(
            agency_code=code,
            agency_name=name,
            program=program,
            budget=budgets[(code, program, name)],
            realized=realized[(code, program, name)],
        )
        for code, program, name in sorted(budgets)
    ]


def largest_unspent(
    lines: Iterable[LineSpending], limit: int = UNSPENT_LINES
) -> list[LineSpending]:
    """The ``limit`` lines with the most budget left to spend."""
    return sorted(lines, key=lambda line: (-line.unspent, line.line_id))[:limit]


def lagging(agencies: Iterable[AgencySpending], elapsed: Decimal) -> list[AgencySpending]:
    """The agencies lagging behind the year (see the module's rule), furthest behind first."""
    behind = [a for a in agencies if a.standing(elapsed) == LAGGING]
    return sorted(behind, key=lambda agency: (agency.share, agency.code))


def monthly(
    session: Session, year: int, today: date, budget: Decimal, area: str | None = None
) -> list[Month]:
    """Realization month by month, January to the reference date's month."""
    per_day = session.execute(
        select(Record.created_at, func.sum(Record.amount))
        .where(*_realized(year, today), _realized_in(session, area))
        .group_by(Record.created_at)
    )
    per_month: dict[int, Decimal] = defaultdict(Decimal)
    for moment, amount in per_day:
        per_month[record_date(moment).month] += amount
    last = reference_date(year, today)
    if today < last:
        return []
    months, cumulative = [], Decimal(0)
    for month in range(1, last.month + 1):
        cumulative += per_month[month]
        end = min(_month_end(year, month), last)
        months.append(
            Month(
                month,
                per_month[month],
                cumulative,
                share(cumulative, budget),
                elapsed_share(year, end),
            )
        )
    return months


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def _line(row: Any, realized: Decimal) -> LineSpending:
    attributes = row.attributes
    return LineSpending(
        line_id=row.external_id,
        agency_code=row.category or "",
        agency_name=attributes.get("opd_name") or row.category or "",
        program=attributes.get("program") or "",
        activity=attributes.get("activity") or "",
        account_code=attributes.get("account_code") or "",
        account_name=attributes.get("account_name") or "",
        budget=row.amount or Decimal(0),
        realized=realized,
    )


def _live(kind: str) -> list[ColumnElement[bool]]:
    return [Record.kind == kind, Record.deleted_at.is_(None)]


def _of_year(kind: str, year: int) -> list[ColumnElement[bool]]:
    return [
        *_live(kind),
        Record.created_at >= year_start(year),
        Record.created_at < year_end(year),
    ]


def _whole_city(area: str | None) -> bool:
    return area is None or level_of(area) in ("province", "regency")


def _lines_in(area: str | None) -> ColumnElement[bool]:
    """Budget lines of ``area`` (see the module's note on areas)."""
    return true() if _whole_city(area) else within(Record.area_code, area)


def _realized_in(session: Session, area: str | None) -> ColumnElement[bool]:
    """Realizations of the budget lines of ``area``: the lines are read first, as they are few
    and the planner cannot know it before the tables are analyzed."""
    if _whole_city(area):
        return true()
    lines = session.scalars(
        select(Record.external_id).where(*_live(BUDGET_LINE), within(Record.area_code, area))
    )
    return Record.attributes["line_id"].as_string().in_(list(lines))


def _realized(year: int, today: date) -> list[ColumnElement[bool]]:
    """Realizations of budget year ``year`` dated up to and including ``today``."""
    return [*_of_year(REALIZATION, year), Record.created_at < day_start(today + timedelta(days=1))]
