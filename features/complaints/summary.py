"""The weekly summary: on Monday, from the digest hour, each camat is told how the kelurahan of
their kecamatan answered last week, and the city (its operators, and the staff of the city's
own office) how its kecamatan did, each beside the week before, ranked as the weekly report ranks.

A camat is ward staff, or an officer of no agency, whose area is a kecamatan. Each summary has a
``once_key`` of its week, so nobody gets two for a week however many schedulers tick; a tick
reads the reports only for the people who have not had theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from features.complaints.audience import ROLES
from features.complaints.rankings import EVERYWHERE, Scope
from features.complaints.settings import SUMMARY, reminders_of, routing_of
from features.complaints.weekly import IsoWeek, WeeklyReport, WeeklyRow, weekly_report
from hub.api import Area, Hub, Message, User, level_of, not_yet_told, notify

MONDAY = 1
ROWS = 10
"""The most areas a summary lists; the report's page has them all."""
NOTIFY = "notify"
CITY_ROLES = ("operator",)
"""The roles told the city's summary, besides the staff of a city's own office."""


def send_due(hub: Hub, now: datetime) -> int:
    """The periodic task: from Monday's digest hour on, send last week's summary to those who
    have not had it; return how many people it told."""
    zone = ZoneInfo(hub.settings.timezone)
    local = now.astimezone(zone)
    if SUMMARY not in reminders_of(hub).events:
        return 0
    if local.isoweekday() == MONDAY and local.hour < hub.section(NOTIFY).digest_hour:
        return 0
    week = IsoWeek.containing(local.date()).previous()
    with hub.db.session() as session:
        waiting = not_yet_told(session, audience(session), once_key(week))
        by_scope: dict[str | None, list[User]] = {}
        for user in waiting:
            by_scope.setdefault(summary_area(user), []).append(user)
        for area, users in by_scope.items():
            report = weekly_report(session, week, zone, routing_of(hub), now, Scope(area=area))
            name = session.scalar(select(Area.name).where(Area.code == area)) if area else None
            notify(hub, session, users, _message(report, name), now)
    return len(waiting)


def once_key(week: IsoWeek) -> str:
    return f"complaints:summary:{week}"


def audience(session: Session) -> list[User]:
    """Everyone a weekly summary is for: camat, the staff of a city's office, operators."""
    staff = select(User).where(
        User.active.is_(True),
        or_(
            User.role.in_(CITY_ROLES),
            (User.role.in_(ROLES)) & (User.area_code.is_not(None)),
        ),
    )
    users = session.scalars(staff.order_by(User.id))
    return [user for user in users if user.role in CITY_ROLES or _office(user) is not None]


def summary_area(user: User) -> str | None:
    """The area whose summary ``user`` gets: their kecamatan or city; None for every city."""
    return None if user.role in CITY_ROLES else _office(user)


def _office(user: User) -> str | None:
    """The kecamatan or city ``user`` works for as a whole, if they do."""
    if user.role == "officer" and user.agency_code:
        return None
    if user.area_code and level_of(user.area_code) in ("district", "regency"):
        return user.area_code
    return None


def _message(report: WeeklyReport, area_name: str | None) -> Message:
    args = f"week={report.week}"
    if report.scope != EVERYWHERE and report.area_grouping == "kelurahan":
        args += f"&kecamatan={report.scope.area}"
    return Message(
        kind="complaint.summary",
        url=f"/complaints/weekly?{args}",
        text=_text(report, area_name),
        once_key=once_key(report.week),
        digest=True,
    )


def _text(report: WeeklyReport, area_name: str | None) -> Callable[[int], tuple[str, str]]:
    def text(_count: int) -> tuple[str, str]:
        total = report.total
        title = gettext(
            "Week %(week)s in %(area)s: %(rate)s answered (the week before: %(before)s)",
            week=report.week,
            area=area_name or gettext("the city"),
            rate=_percent(total.current.response_rate),
            before=_percent(total.previous.response_rate),
        )
        rows = [row for row in report.areas if row.has_complaints]
        lines = [_line(position, row) for position, row in enumerate(rows[:ROWS], start=1)]
        if len(rows) > ROWS:
            more = len(rows) - ROWS
            lines.append(gettext("…and %(count)d more on the report's page.", count=more))
        if not rows:
            lines.append(gettext("No complaints in either week."))
        return title, "\n".join(lines)

    return text


def _line(position: int, row: WeeklyRow) -> str:
    now = row.current
    return gettext(
        "%(position)d. %(name)s: %(rate)s answered (%(change)s), %(received)d received,"
        " %(resolved)d resolved, %(closed)d closed not fixed, %(overdue)d overdue",
        position=position,
        name=row.name,
        rate=_percent(now.response_rate),
        change=_points(row.rate_change),
        received=now.received,
        resolved=now.resolved,
        closed=now.closed_not_fixed,
        overdue=now.overdue,
    )


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _points(change: float | None) -> str:
    if change is None:
        return gettext("new this week")
    return gettext("%(points)+d points", points=round(change * 100))
