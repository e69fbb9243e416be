"""The finance plugin's tiles for the live room's wall screens: is the budget being spent on time?

The expectation is linear: by the end of a day, the share of the year elapsed (``elapsed_share``,
counted in days) should be realized. An agency or a line is green at or above it, yellow below it
and red more than ten points below it (``figures.LAG_POINTS``), as on the portal's page.

Each tile takes the screen's area: a kecamatan's screen shows the budget lines of that kecamatan
and their SP2Ds; the lines of the city's agencies have no area and show on the city's screens
(and on screens without an area) only.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import format_date, format_decimal, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hub.api import KPI, RANKING, TREND, Widget
from simpul_finance.figures import (
    COLOURS,
    LAG_POINTS,
    LAGGING,
    NO_BUDGET,
    Spending,
    by_agency,
    by_line,
    elapsed_share,
    largest_unspent,
    monthly,
)
from simpul_finance.fiscal import record_date
from simpul_finance.kinds import BUDGET_LINE, REALIZATION

KINDS = (BUDGET_LINE, REALIZATION)
AGENCY_ROWS = 10
LINE_ROWS = 8
BILLION, TRILLION, MILLION = Decimal(10) ** 9, Decimal(10) ** 12, Decimal(10) ** 6


def absorption(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    """The share of the year's budget realized, against the linear target."""
    today = _today(now)
    total = _total(session, today, area_code)
    elapsed = elapsed_share(today.year, today)
    if not total.budget:
        return _no_budget()
    return {
        "value": _percent(total.share),
        "unit": "%",
        "caption": gettext(
            "%(realized)s of %(budget)s; linear target %(target)s%%",
            realized=short_rupiah(total.realized),
            budget=short_rupiah(total.budget),
            target=_percent_text(elapsed),
        ),
        "colour": COLOURS[total.standing(elapsed)],
    }


def lagging_count(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    """How many agencies are more than ten points behind the linear target."""
    today = _today(now)
    agencies = [a for a in by_agency(session, today.year, today, area_code) if a.budget]
    if not agencies:
        return _no_budget()
    elapsed = elapsed_share(today.year, today)
    behind = sum(agency.standing(elapsed) == LAGGING for agency in agencies)
    return {
        "value": behind,
        "caption": gettext(
            "of %(count)d OPD, more than %(points)d points below the linear target",
            count=len(agencies),
            points=int(LAG_POINTS * 100),
        ),
        "colour": "red" if behind else "green",
    }


def unspent(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    """The budget still to be spent this year, in billions of rupiah."""
    today = _today(now)
    total = _total(session, today, area_code)
    if not total.budget:
        return _no_budget()
    return {
        "value": float(round(total.unspent / BILLION, 1)),
        "unit": gettext("bn"),
        "caption": gettext(
            "rupiah left of the budget of %(budget)s", budget=short_rupiah(total.budget)
        ),
        "colour": "grey",
    }


def agencies(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    """Every agency's absorption, the slowest first, coloured against the linear target."""
    today = _today(now)
    elapsed = elapsed_share(today.year, today)
    spending = [a for a in by_agency(session, today.year, today, area_code) if a.budget]
    spending.sort(key=lambda agency: (agency.share, agency.name))
    return {
        "unit": "%",
        "caption": gettext(
            "linear target %(target)s%%; red: more than %(points)d points below it",
            target=_percent_text(elapsed),
            points=int(LAG_POINTS * 100),
        ),
        "rows": [
            {
                "label": agency.name,
                "value": _percent(agency.share),
                "caption": gettext(
                    "%(realized)s of %(budget)s",
                    realized=short_rupiah(agency.realized),
                    budget=short_rupiah(agency.budget),
                ),
                "colour": COLOURS[agency.standing(elapsed)],
            }
            for agency in spending[:AGENCY_ROWS]
        ],
    }


def months(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    """The year's realization to the end of each month so far, against the linear target."""
    today = _today(now)
    total = _total(session, today, area_code)
    year = monthly(session, today.year, today, total.budget, area_code) if total.budget else []
    return {
        "unit": "%",
        "labels": [format_date(date(today.year, month.month, 1), "MMM") for month in year],
        "series": [
            {
                "label": gettext("Realized"),
                "values": [_percent(month.share) for month in year],
                "colour": "green",
            },
            {
                "label": gettext("Linear target"),
                "values": [_percent(month.elapsed) for month in year],
                "colour": "grey",
            },
        ],
        "caption": gettext("share of the year's budget realized by the end of each month"),
    }


def unspent_lines(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    """The budget lines with the most left to spend."""
    today = _today(now)
    elapsed = elapsed_share(today.year, today)
    lines = largest_unspent(by_line(session, today.year, today, area_code), LINE_ROWS)
    return {
        "rows": [
            {
                "label": line.activity,
                "value": float(round(line.unspent / BILLION, 2)),
                "display": short_rupiah(line.unspent),
                "caption": gettext(
                    "%(agency)s · %(share)s%% realized",
                    agency=line.agency_name,
                    share=_percent_text(line.share),
                ),
                "colour": COLOURS[line.standing(elapsed)],
            }
            for line in lines
            if line.unspent > 0
        ],
        "caption": gettext("left to spend this year"),
    }


def short_rupiah(amount: Decimal) -> str:
    """``amount`` rounded for a wall: "Rp 1,2 T", "Rp 345,6 M", "Rp 12,5 jt" in Indonesian."""
    if abs(amount) >= TRILLION:
        return gettext("Rp %(amount)s tn", amount=_one_decimal(amount / TRILLION))
    if abs(amount) >= BILLION:
        return gettext("Rp %(amount)s bn", amount=_one_decimal(amount / BILLION))
    return gettext("Rp %(amount)s m", amount=_one_decimal(amount / MILLION))


def _one_decimal(number: Decimal) -> str:
    return format_decimal(number, format="#,##0.0")


def _today(now: datetime) -> date:
    return record_date(now)


def _total(session: Session, today: date, area_code: str | None) -> Spending:
    agencies = by_agency(session, today.year, today, area_code)
    return Spending(
        budget=sum((a.budget for a in agencies), Decimal(0)),
        realized=sum((a.realized for a in agencies), Decimal(0)),
    )


def _no_budget() -> dict[str, Any]:
    return {
        "value": None,
        "caption": gettext("no budget lines here this year"),
        "colour": COLOURS[NO_BUDGET],
    }


def _percent(share: Decimal | None) -> float | None:
    return None if share is None else float(round(share * 100, 1))


def _percent_text(share: Decimal | None) -> str:
    return "—" if share is None else format_decimal(round(share * 100), format="#,##0")


WIDGETS = [
    Widget("finance.absorption", _l("Budget absorption"), KPI, absorption, KINDS),
    Widget("finance.behind", _l("OPD lagging"), KPI, lagging_count, KINDS),
    Widget("finance.unspent", _l("Budget left to spend"), KPI, unspent, KINDS),
    Widget(
        "finance.lagging",
        _l("Budget absorption per OPD, slowest first"),
        RANKING,
        agencies,
        KINDS,
    ),
    Widget("finance.months", _l("Realization month by month"), TREND, months, KINDS),
    Widget("finance.lines", _l("Budget lines with the most left"), RANKING, unspent_lines, KINDS),
]
