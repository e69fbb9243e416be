"""The complaint widgets: the red backlog, the response rate, what is overdue, the kelurahan with
the lowest response rate, the daily trend and the latest complaints.

The counts are the rankings' own (:func:`~features.complaints.rankings.period_counts` and
:func:`~features.complaints.rankings.backlogs`), which read the rollups when they are built; the
trend reads the rollups' whole days too. What is overdue, split by target, is counted from the
cases. Each is limited to the screen's area; before the rollups are built, everything is counted
from the cases.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from features.complaints import rollups
from features.complaints.kind import COMPLAINT
from features.complaints.models import UNFINISHED, ComplaintCase, ComplaintDaily
from features.complaints.rankings import (
    CITY,
    KELURAHAN,
    Figures,
    Period,
    Scope,
    backlogs,
    period_counts,
)
from features.complaints.wilson import wilson_upper_bound
from hub.api import FEED, KPI, RANKING, TREND, Area, Record, Settings, Widget, within

KIND = COMPLAINT.name
RATE_DAYS = 7
TREND_DAYS = 14
RANKING_SIZE = 10
FEED_SIZE = 8
GOOD_RATE, FAIR_RATE = 70.0, 30.0


def complaint_widgets(settings: Settings) -> list[Widget]:
    zone = ZoneInfo(settings.timezone)
    follows = {"record_kinds": (KIND,)}
    return [
        Widget("complaints.backlog", _l("Waiting for a response"), KPI, backlog, **follows),
        Widget(
            "complaints.response_rate",
            _l("Response rate, last 7 days"),
            KPI,
            response_rate,
            refresh_seconds=300,
            **follows,
        ),
        Widget("complaints.overdue", _l("Overdue complaints"), KPI, overdue, **follows),
        Widget(
            "complaints.ranking",
            _l("Lowest response rate by kelurahan, last 7 days"),
            RANKING,
            ranking,
            refresh_seconds=300,
            **follows,
        ),
        Widget(
            "complaints.trend",
            _l("Complaints per day"),
            TREND,
            lambda session, area, now: trend(session, area, now, zone),
            refresh_seconds=300,
            **follows,
        ),
        Widget("complaints.latest", _l("Latest complaints"), FEED, latest, **follows),
    ]


def backlog(session: Session, area: str | None, now: datetime) -> dict[str, Any]:
    """The complaints still waiting (red), and how many came in over the last day."""
    scope = Scope(area=area)
    waiting = sum(backlogs(session, CITY, now, scope).values())
    received = _city(session, Period(now - timedelta(days=1), now), now, scope).received
    return {
        "value": waiting,
        "colour": "red" if waiting else "green",
        "caption": gettext("%(count)d received in the last 24 hours", count=received),
    }


def response_rate(session: Session, area: str | None, now: datetime) -> dict[str, Any]:
    """The share of the last seven days' complaints that had a first response."""
    period = Period(now - timedelta(days=RATE_DAYS), now)
    row = _city(session, period, now, Scope(area=area))
    rate = _percent(row.answered, row.received)
    return {
        "value": rate,
        "unit": "%",
        "colour": _rate_colour(rate),
        "caption": gettext(
            "%(answered)d of %(received)d answered", answered=row.answered, received=row.received
        ),
    }


def overdue(session: Session, area: str | None, now: datetime) -> dict[str, Any]:
    """Unfinished complaints past their target for a first response or for the fix: the
    rollups' counts (:func:`~features.complaints.rollups.late_at`), or before they are built
    the cases whose overdue moment (the earlier of the two) has passed."""
    late = rollups.late_at(session, area, now) or _late_from_cases(session, area, now)
    return {
        "value": late.total,
        "colour": "red" if late.total else "green",
        "caption": gettext(
            "%(response)d without a first response in time, %(fix)d not fixed in time",
            response=late.response,
            fix=late.fix,
        ),
    }


def _late_from_cases(session: Session, area: str | None, now: datetime) -> rollups.Late:
    late = rollups.late_sql(now)
    row = session.execute(
        select(*(func.count(case((late[name], 1))) for name in rollups.LATE))
        .select_from(ComplaintCase)
        .where(UNFINISHED, ComplaintCase.overdue_at < now, *Scope(area=area).clauses())
    ).one()
    return rollups.Late(*row)


def ranking(session: Session, area: str | None, now: datetime) -> dict[str, Any]:
    """The kelurahan that clearly answered the smallest share of their last seven days'
    complaints: by the Wilson upper bound of the rate, so that one unanswered complaint of one
    does not come before many left unanswered."""
    period = Period(now - timedelta(days=RATE_DAYS), now)
    counted = period_counts(session, KELURAHAN, period, now, Scope(area=area))
    rows = [row for row in counted.values() if row.key and row.received]
    rows.sort(key=lambda row: (wilson_upper_bound(row.answered, row.received), row.key))
    rows = rows[:RANKING_SIZE]
    names = dict(
        session.execute(
            select(Area.code, Area.name).where(Area.code.in_([row.key for row in rows]))
        ).all()
    )
    return {
        "unit": "%",
        "rows": [
            {
                "label": names.get(row.key, row.key),
                "value": _percent(row.answered, row.received),
                "caption": gettext(
                    "%(answered)d of %(received)d",
                    answered=row.answered,
                    received=row.received,
                ),
                "colour": _rate_colour(_percent(row.answered, row.received)),
            }
            for row in rows
        ],
    }


def trend(session: Session, area: str | None, now: datetime, zone: ZoneInfo) -> dict[str, Any]:
    """Complaints received on each of the last fourteen days (in the city's time), and how
    many of them have been answered since."""
    today = datetime.combine(now.astimezone(zone).date(), time(), zone)
    starts = [today - timedelta(days=days) for days in range(TREND_DAYS - 1, -1, -1)]
    scope = Scope(area=area)
    if rollups.zone_of(session) == zone:
        counts = _rolled_up_days(session, starts, scope)
        counts.update(_counted_days(session, starts[-1:], now, scope))
    else:
        counts = _counted_days(session, starts, now, scope)
    days = [counts.get(start.date(), (0, 0)) for start in starts]
    return {
        "labels": [format_date(start, "d MMM") for start in starts],
        "series": [
            {
                "label": gettext("Received"),
                "values": [received for received, _answered in days],
                "colour": "red",
            },
            {
                "label": gettext("Answered"),
                "values": [answered for _received, answered in days],
                "colour": "green",
            },
        ],
    }


def latest(session: Session, area: str | None, now: datetime) -> dict[str, Any]:
    """The newest complaints, with their status colour, category and kelurahan."""
    query = (
        select(Record.title, Record.category, Record.created_at, ComplaintCase.status, Area.name)
        .join(ComplaintCase, ComplaintCase.record_id == Record.id)
        .outerjoin(Area, Area.code == Record.area_code)
        .where(Record.kind == KIND, Record.deleted_at.is_(None), Record.created_at <= now)
        .order_by(Record.created_at.desc(), Record.id.desc())
        .limit(FEED_SIZE)
    )
    if area:
        query = query.where(within(Record.area_code, area))
    items = []
    for title, category, created_at, status, village in session.execute(query):
        known = COMPLAINT.status(status)
        item = {
            "title": (title or category or "")[:200],
            "caption": " · ".join(part for part in (category, village) if part),
            "colour": known.colour if known else "grey",
        }
        if created_at is not None:
            item["at"] = created_at.isoformat()
        items.append(item)
    return {"items": items}


def _city(session: Session, period: Period, now: datetime, scope: Scope) -> Figures:
    """The counts of everything received in ``period`` within ``scope``."""
    return period_counts(session, CITY, period, now, scope).get(None) or Figures(None)


def _rolled_up_days(
    session: Session, starts: list[datetime], scope: Scope
) -> dict[date, tuple[int, int]]:
    """The rollups' received and answered of each day of ``starts`` (local midnights in the
    rollups' zone) but the last."""
    where = scope.clauses_of(ComplaintDaily)
    query = rollups.daily_query(ComplaintDaily.day, starts[0].date(), starts[-1].date(), where)
    return {row.key: (int(row.received), int(row.answered)) for row in session.execute(query)}


def _counted_days(
    session: Session, starts: list[datetime], now: datetime, scope: Scope
) -> dict[date, tuple[int, int]]:
    """The cases' received and answered of each day from ``starts`` (the last up to ``now``)."""
    received = ComplaintCase.received_at
    columns = []
    for start, end in zip(starts, [*starts[1:], now], strict=True):
        on_the_day = and_(received >= start, received < end)
        columns.append(func.count(case((on_the_day, 1))))
        columns.append(func.count(case((on_the_day, ComplaintCase.first_response_at))))
    row = session.execute(
        select(*columns).where(
            received >= starts[0], received < now, _not_deleted(), *scope.clauses()
        )
    ).one()
    return {start.date(): (row[2 * i], row[2 * i + 1]) for i, start in enumerate(starts)}


def _not_deleted() -> Any:
    return ~exists().where(Record.id == ComplaintCase.record_id, Record.deleted_at.is_not(None))


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _rate_colour(rate: float | None) -> str:
    if rate is None:
        return "grey"
    if rate >= GOOD_RATE:
        return "green"
    return "yellow" if rate >= FAIR_RATE else "red"
