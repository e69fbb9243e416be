"""The complaint widgets: the red backlog, the response rate, what is overdue, the kelurahan with
the lowest response rate, the daily trend and the latest complaints.

Each is one or two aggregate queries over the complaint cases (the rankings' own queries where
they exist), limited to the screen's area, on the indexes of the cases and records.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from features.complaints.kind import COMPLAINT
from features.complaints.models import ComplaintCase
from features.complaints.rankings import (
    CITY,
    KELURAHAN,
    Period,
    Scope,
    backlog_query,
    counts_query,
)
from features.complaints.statuses import FINISHED
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
    waiting = session.execute(backlog_query(CITY, now, scope)).one().backlog
    day = session.execute(counts_query(CITY, Period(now - timedelta(days=1), now), now, scope))
    received = day.one().received
    return {
        "value": waiting,
        "colour": "red" if waiting else "green",
        "caption": gettext("%(count)d received in the last 24 hours", count=received),
    }


def response_rate(session: Session, area: str | None, now: datetime) -> dict[str, Any]:
    """The share of the last seven days' complaints that had a first response."""
    period = Period(now - timedelta(days=RATE_DAYS), now)
    row = session.execute(counts_query(CITY, period, now, Scope(area=area))).one()
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
    """Unfinished complaints past their target for a first response or for the fix."""
    late_response = and_(
        ComplaintCase.first_response_at.is_(None), ComplaintCase.response_due_at < now
    )
    late_fix = ComplaintCase.completion_due_at < now
    row = session.execute(
        select(
            func.count(case((late_response, 1))).label("response"),
            func.count(case((late_fix, 1))).label("fix"),
            func.count(case((late_response | late_fix, 1))).label("total"),
        )
        .select_from(ComplaintCase)
        .where(ComplaintCase.status.not_in(FINISHED), _not_deleted(), *Scope(area=area).clauses())
    ).one()
    return {
        "value": row.total,
        "colour": "red" if row.total else "green",
        "caption": gettext(
            "%(response)d without a first response in time, %(fix)d not fixed in time",
            response=row.response,
            fix=row.fix,
        ),
    }


def ranking(session: Session, area: str | None, now: datetime) -> dict[str, Any]:
    """The kelurahan that clearly answered the smallest share of their last seven days'
    complaints: by the Wilson upper bound of the rate, so that one unanswered complaint of one
    does not come before many left unanswered."""
    period = Period(now - timedelta(days=RATE_DAYS), now)
    rows = [
        row
        for row in session.execute(counts_query(KELURAHAN, period, now, Scope(area=area)))
        if row.key and row.received
    ]
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
    day = case(
        *[(ComplaintCase.received_at < start, index) for index, start in enumerate(starts[1:])],
        else_=len(starts) - 1,
    ).label("day")
    counts = {
        row.day: row
        for row in session.execute(
            select(
                day,
                func.count().label("received"),
                func.count(ComplaintCase.first_response_at).label("answered"),
            )
            .where(
                ComplaintCase.received_at >= starts[0],
                ComplaintCase.received_at < now,
                _not_deleted(),
                *Scope(area=area).clauses(),
            )
            .group_by(day)
        )
    }
    return {
        "labels": [format_date(start, "d MMM") for start in starts],
        "series": [
            {
                "label": gettext("Received"),
                "values": [_count(counts, index, "received") for index in range(len(starts))],
                "colour": "red",
            },
            {
                "label": gettext("Answered"),
                "values": [_count(counts, index, "answered") for index in range(len(starts))],
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


def _count(counts: dict[int, Any], index: int, figure: str) -> int:
    row = counts.get(index)
    return getattr(row, figure) if row is not None else 0
