"""The jobs plugin's tiles for the live room's wall screens: counts and vacancies only, never a
job seeker's personal data.

A vacancy is open by its deadline (``queries.open_vacancies``), a seeker is looking while their
AK/1 card is valid. Each tile takes the screen's area: seekers, placements and vacancies by their
kelurahan; a vacancy whose posting names no kelurahan shows on screens without an area only.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta, tzinfo
from typing import Any

from flask_babel import format_date, format_decimal, gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.api import FEED, KPI, RANKING, TREND, Record, Widget
from simpul_jobs.dates import day_start
from simpul_jobs.figures import (
    open_vacancy_totals,
    period_start,
    placement_rate,
    registrations_per_week,
    seekers_per_opening,
)
from simpul_jobs.kinds import PLACEMENT, SEEKER, VACANCY
from simpul_jobs.queries import in_area, live, looking_seekers, open_vacancies

KINDS = (SEEKER, VACANCY, PLACEMENT)
SECTOR_ROWS = 10
FEED_SIZE = 8
FEW_SEEKERS, MANY_SEEKERS = 1.0, 3.0
"""Seekers per opening up to which a sector is green, and yellow; red above."""


def jobs_widgets(zone: tzinfo) -> list[Widget]:
    """The tiles, counting days in ``zone``, the hub's time zone."""

    def on_day(figure: Any) -> Any:
        return lambda session, area, now: figure(session, area, now.astimezone(zone).date(), zone)

    tile = {"record_kinds": KINDS, "refresh_seconds": 300}
    return [
        Widget("jobs.vacancies", _l("Job openings"), KPI, on_day(openings), **tile),
        Widget("jobs.seekers", _l("Job seekers looking for work"), KPI, on_day(seekers), **tile),
        Widget("jobs.placed", _l("Job seekers placed, last 12 weeks"), KPI, on_day(placed), **tile),
        Widget("jobs.sectors", _l("Openings by sector"), RANKING, on_day(sectors), **tile),
        Widget("jobs.weeks", _l("Placements per week"), TREND, on_day(weeks), **tile),
        Widget("jobs.latest", _l("Newest vacancies"), FEED, on_day(latest), **tile),
    ]


def openings(session: Session, area: str | None, today: date, zone: tzinfo) -> dict[str, Any]:
    """The openings of the vacancies open today."""
    totals = open_vacancy_totals(session, today, area, zone)
    return {
        "value": totals["openings"],
        "unit": gettext("openings"),
        "caption": gettext("in %(count)d open vacancies", count=totals["vacancies"]),
        "colour": "green" if totals["openings"] else "grey",
    }


def seekers(session: Session, area: str | None, today: date, zone: tzinfo) -> dict[str, Any]:
    """The seekers looking for work, and how many there are for each opening."""
    looking = session.scalar(
        select(func.count()).select_from(Record).where(*looking_seekers(today), *in_area(area))
    )
    offered = open_vacancy_totals(session, today, area, zone)["openings"]
    return {
        "value": looking,
        "caption": gettext(
            "%(per_opening)s per opening", per_opening=_ratio_text(looking, offered)
        ),
        "colour": _competition_colour(looking / offered if offered else None),
    }


def placed(session: Session, area: str | None, today: date, zone: tzinfo) -> dict[str, Any]:
    """The share of the last twelve weeks' registrations already placed."""
    rate = placement_rate(session, today, area, zone)
    return {
        "value": round(rate["rate"] * 100, 1) if rate["rate"] is not None else None,
        "unit": "%",
        "caption": gettext(
            "%(placed)d of %(registered)d placed",
            placed=rate["placed"],
            registered=rate["registered"],
        ),
    }


def sectors(session: Session, area: str | None, today: date, zone: tzinfo) -> dict[str, Any]:
    """The sectors with the most openings, coloured by the seekers who want each."""
    groups = [
        group
        for group in seekers_per_opening(session, today, "sector", area, zone)
        if group["openings"]
    ]
    groups.sort(key=lambda group: (-group["openings"], group["group"] or ""))
    return {
        "caption": gettext(
            "green: at most %(few)d seeker per opening; red: more than %(many)d",
            few=FEW_SEEKERS,
            many=MANY_SEEKERS,
        ),
        "rows": [
            {
                "label": group["group"] or gettext("Sector not given"),
                "value": group["openings"],
                "caption": gettext(
                    "%(seekers)d seekers want it, %(per_opening)s per opening",
                    seekers=group["seekers"],
                    per_opening=_ratio_text(group["seekers"], group["openings"]),
                ),
                "colour": _competition_colour(group["per_opening"]),
            }
            for group in groups[:SECTOR_ROWS]
        ],
    }


def weeks(session: Session, area: str | None, today: date, zone: tzinfo) -> dict[str, Any]:
    """Placements and new registrations in each of the last twelve weeks, Monday to Sunday."""
    registered = registrations_per_week(session, today, area, zone)
    mondays = [row["week"] for row in registered]
    placements = _placements_per_week(session, today, area, zone)
    return {
        "labels": [format_date(monday, "d MMM") for monday in mondays],
        "series": [
            {
                "label": gettext("Placed"),
                "values": [placements[monday] for monday in mondays],
                "colour": "green",
            },
            {
                "label": gettext("Registered"),
                "values": [row["registrations"] for row in registered],
                "colour": "yellow",
            },
        ],
        "caption": gettext("weeks from Monday"),
    }


def latest(session: Session, area: str | None, today: date, zone: tzinfo) -> dict[str, Any]:
    """The vacancies open today, the newest first."""
    rows = session.execute(
        select(Record.title, Record.category, Record.amount, Record.created_at, Record.attributes)
        .where(*open_vacancies(today, zone), *in_area(area))
        .order_by(Record.created_at.desc(), Record.id.desc())
        .limit(FEED_SIZE)
    )
    items = []
    for title, sector, amount, posted, attributes in rows:
        details = [attributes.get("company"), sector]
        details.append(ngettext("%(num)d opening", "%(num)d openings", int(amount or 1)))
        item = {
            "title": title[:200],
            "caption": " · ".join(part for part in details if part)[:300],
            "colour": "green",
        }
        if posted is not None:
            item["at"] = posted.isoformat()
        items.append(item)
    return {"items": items}


def _placements_per_week(
    session: Session, today: date, area: str | None, zone: tzinfo
) -> Counter[date]:
    moments = session.scalars(
        select(Record.created_at).where(
            *live(PLACEMENT),
            Record.created_at >= day_start(period_start(today), zone),
            Record.created_at < day_start(today + timedelta(days=1), zone),
            *in_area(area),
        )
    )
    days = (moment.astimezone(zone).date() for moment in moments)
    return Counter(day - timedelta(days=day.weekday()) for day in days)


def _ratio_text(part: int, whole: int) -> str:
    return format_decimal(part / whole, format="#,##0.0") if whole else "—"


def _competition_colour(per_opening: float | None) -> str:
    if per_opening is None:
        return "grey"
    if per_opening <= FEW_SEEKERS:
        return "green"
    return "yellow" if per_opening <= MANY_SEEKERS else "red"
