"""The HR plugin's tiles for the live room's wall screens: counts only, never names or NIP.

Attendance is today's (the city's day, in the hub's time zone) as the attendance source reports
it; "at work" is present or late. A rate is green from 90%, yellow from 80%, red below. On a
screen with an area, attendance and posts are those of the units based there (a kecamatan's
office and its kelurahan; the city's code covers the agencies too) and staff those posted there.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, tzinfo
from typing import Any

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hub.api import KPI, RANKING, TREND, Widget
from simpul_hr.figures import (
    attendance_on,
    attendance_per_opd,
    attendance_trend,
    staff_totals,
    vacancies,
)
from simpul_hr.kinds import ATTENDANCE, STAFF, UNIT

GOOD_RATE, FAIR_RATE = 90.0, 80.0
WEEK = 7
RANKING_SIZE = 10
MANY_VACANT, SOME_VACANT = 20.0, 10.0
"""Shares of a formation vacant (in percent) from which an OPD is red, and yellow."""


def hr_widgets(zone: tzinfo) -> list[Widget]:
    """The tiles, counting days in ``zone``, the hub's time zone."""

    def on_day(figure: Any) -> Any:
        return lambda session, area, now: figure(session, area, now, zone)

    attendance = {"record_kinds": (ATTENDANCE, UNIT), "refresh_seconds": 300}
    return [
        Widget("hr.attendance", _l("At work today"), KPI, on_day(at_work_today), **attendance),
        Widget("hr.absent", _l("Absent without leave today"), KPI, on_day(absent), **attendance),
        Widget("hr.staffing", _l("Staff"), KPI, active_staff, (STAFF,)),
        Widget(
            "hr.attendance_opd",
            _l("At work today per OPD, lowest first"),
            RANKING,
            on_day(per_opd),
            **attendance,
        ),
        Widget("hr.attendance_week", _l("At work, last 7 days"), TREND, on_day(week), **attendance),
        Widget("hr.vacant", _l("Vacant posts per OPD"), RANKING, vacant_posts, (STAFF, UNIT)),
    ]


def at_work_today(
    session: Session, area: str | None, now: datetime, zone: tzinfo
) -> dict[str, Any]:
    """The share of the people recorded today who came to work."""
    total = attendance_on(session, now.astimezone(zone).date(), zone, area)["total"]
    if not total["recorded"]:
        return _nothing_recorded()
    rate = _percent(total["rate"])
    at_work = total["present"] + total["late"]
    return {
        "value": rate,
        "unit": "%",
        "caption": gettext(
            "%(at_work)d of %(recorded)d at work, %(late)d of them late",
            at_work=at_work,
            recorded=total["recorded"],
            late=total["late"],
        ),
        "colour": _rate_colour(rate),
    }


def absent(session: Session, area: str | None, now: datetime, zone: tzinfo) -> dict[str, Any]:
    """The people absent today without leave or duty travel."""
    total = attendance_on(session, now.astimezone(zone).date(), zone, area)["total"]
    if not total["recorded"]:
        return _nothing_recorded()
    return {
        "value": total["absent"],
        "caption": gettext("%(leave)d more on leave or duty travel", leave=total["leave"]),
        "colour": "red" if total["absent"] else "green",
    }


def active_staff(session: Session, area: str | None, now: datetime) -> dict[str, Any]:
    """The active civil servants posted here."""
    totals = staff_totals(session, area)
    return {
        "value": totals["active"],
        "caption": gettext("civil servants; %(inactive)d inactive", inactive=totals["inactive"]),
    }


def per_opd(session: Session, area: str | None, now: datetime, zone: tzinfo) -> dict[str, Any]:
    """Each OPD's share at work today, the lowest first."""
    opds = attendance_per_opd(session, now.astimezone(zone).date(), zone, area)
    opds.sort(key=lambda row: (row["rate"], row["opd"]))
    return {
        "unit": "%",
        "caption": gettext(
            "green from %(good)d%%, yellow from %(fair)d%%", good=GOOD_RATE, fair=FAIR_RATE
        ),
        "rows": [
            {
                "label": row["opd"] or gettext("Unit not known"),
                "value": _percent(row["rate"]),
                "caption": gettext(
                    "%(at_work)d of %(recorded)d at work, %(absent)d absent",
                    at_work=row["present"] + row["late"],
                    recorded=row["recorded"],
                    absent=row["absent"],
                ),
                "colour": _rate_colour(_percent(row["rate"])),
            }
            for row in opds[:RANKING_SIZE]
        ],
    }


def week(session: Session, area: str | None, now: datetime, zone: tzinfo) -> dict[str, Any]:
    """The share at work and the share absent on each of the last seven days; none on days
    without records (weekends, holidays)."""
    days = attendance_trend(session, now.astimezone(zone).date(), zone, WEEK, area)
    return {
        "unit": "%",
        "labels": [format_date(row["day"], "EEE d MMM") for row in days],
        "series": [
            {
                "label": gettext("At work"),
                "values": [_percent(row["rate"]) for row in days],
                "colour": "green",
            },
            {
                "label": gettext("Absent"),
                "values": [_share(row["absent"], row["recorded"]) for row in days],
                "colour": "red",
            },
        ],
    }


def vacant_posts(session: Session, area: str | None, now: datetime) -> dict[str, Any]:
    """Each OPD's posts without an active holder, the most first."""
    formation: dict[str, int] = defaultdict(int)
    vacant: dict[str, int] = defaultdict(int)
    for unit in vacancies(session, area)["units"]:
        formation[unit["opd"] or unit["unit"]] += unit["formation"]
        vacant[unit["opd"] or unit["unit"]] += unit["vacant"]
    ranked = sorted((name for name in vacant if vacant[name]), key=lambda n: (-vacant[n], n))
    return {
        "caption": gettext(
            "red from %(many)d%% of the formation vacant, yellow from %(some)d%%",
            many=MANY_VACANT,
            some=SOME_VACANT,
        ),
        "rows": [
            {
                "label": name,
                "value": vacant[name],
                "caption": gettext(
                    "%(vacant)d of %(formation)d posts",
                    vacant=vacant[name],
                    formation=formation[name],
                ),
                "colour": _vacancy_colour(_share(vacant[name], formation[name])),
            }
            for name in ranked[:RANKING_SIZE]
        ],
    }


def _nothing_recorded() -> dict[str, Any]:
    return {"value": None, "caption": gettext("no attendance recorded today"), "colour": "grey"}


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _rate_colour(rate: float | None) -> str:
    if rate is None:
        return "grey"
    if rate >= GOOD_RATE:
        return "green"
    return "yellow" if rate >= FAIR_RATE else "red"


def _vacancy_colour(share: float | None) -> str:
    if share is None:
        return "grey"
    if share >= MANY_VACANT:
        return "red"
    return "yellow" if share >= SOME_VACANT else "green"
