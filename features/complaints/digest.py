"""The daily digest: at the configured local hour, each person with open work is told what waits
for them: how many complaints are open, overdue and due today, how their area (or agency) ranks
on response this week, and the one to answer first.

The digest of a day goes to people in the order of their ids, ``BATCH`` a tick; the day's row of
:class:`ComplaintDigest` keeps how far it went and is held by one scheduler at a time. Each
digest has a ``once_key`` of its day, so nobody gets two in a day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from features.complaints.audience import ROLES, ancestor
from features.complaints.models import ComplaintCase, ComplaintDigest
from features.complaints.notices import short
from features.complaints.queries import complaints, visible_complaints
from features.complaints.rankings import (
    AGENCY,
    EVERYWHERE,
    KECAMATAN,
    KELURAHAN,
    Figures,
    Period,
    Scope,
    overdue,
    rank,
)
from features.complaints.routing import Routing
from features.complaints.settings import DIGEST, reminders_of, routing_of
from features.complaints.statuses import FINISHED
from features.complaints.weekly import IsoWeek
from hub.api import Hub, Message, Record, User, level_of, notify

BATCH = 50
"""The most people one tick sends a digest to; the rest get theirs on the next ticks."""
TITLE_LENGTH = 60
NOTIFY = "notify"
NEXT_DEADLINE = case(
    (ComplaintCase.first_response_at.is_(None), ComplaintCase.response_due_at),
    else_=ComplaintCase.completion_due_at,
)
"""SQL: the deadline a complaint meets next, the first response's until it has one."""


@dataclass(frozen=True)
class Standing:
    """How an area or agency ranks on response this week."""

    name: str
    rate: float
    position: int
    of: int


@dataclass(frozen=True)
class Digest:
    """One person's open work."""

    open: int
    overdue: int
    due_today: int
    first: tuple[int, str, datetime | None] | None
    """The complaint to answer first: its id, title and next deadline."""
    standing: Standing | None


def send_due(hub: Hub, now: datetime) -> int:
    """The periodic task: from the digest hour on, send the day's digest to the next people
    who have not had it; return how many people it looked at."""
    zone = ZoneInfo(hub.settings.timezone)
    local = now.astimezone(zone)
    if DIGEST not in reminders_of(hub).events or local.hour < hub.section(NOTIFY).digest_hour:
        return 0
    with hub.db.session() as session:
        progress = _claim(session, local.date())
        if progress is None:
            return 0
        people = session.scalars(
            select(User)
            .where(User.id > progress.last_user_id, User.active.is_(True), User.role.in_(ROLES))
            .order_by(User.id)
            .limit(BATCH)
        ).all()
        week = IsoWeek.containing(local.date()).period(zone)
        standings = Standings(session, routing_of(hub), week, now)
        for user in people:
            digest = read_digest(session, user, now, zone, standings)
            if digest.open:
                notify(hub, session, [user], _message(digest, local.date(), zone), now)
        if people:
            progress.last_user_id = people[-1].id
    return len(people)


def read_digest(
    session: Session, user: User, now: datetime, zone: ZoneInfo, standings: Standings
) -> Digest:
    """``user``'s open work at ``now``: what is open, what is overdue, what is due before the
    day ends, and the one whose deadline comes (or came) first."""
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    end_of_day = datetime.combine(tomorrow, time.min, tzinfo=zone)
    deadline = NEXT_DEADLINE
    waiting = [*visible_complaints(user), ComplaintCase.status.not_in(FINISHED)]
    counts = session.execute(
        complaints(
            func.count(),
            func.count(case((overdue(now), 1))),
            func.count(case((and_(deadline >= now, deadline < end_of_day), 1))),
        ).where(*waiting)
    ).one()
    first = session.execute(
        complaints(Record.id, Record.title, deadline)
        .where(*waiting)
        .order_by(deadline.asc().nulls_last(), ComplaintCase.received_at, Record.id)
        .limit(1)
    ).first()
    return Digest(
        open=counts[0],
        overdue=counts[1],
        due_today=counts[2],
        first=(first[0], short(first[1], TITLE_LENGTH), first[2]) if first else None,
        standing=standings.of(user),
    )


class Standings:
    """This week's rankings, each read once a tick however many people's digests need it."""

    def __init__(self, session: Session, routing: Routing, week: Period, now: datetime) -> None:
        self.session, self.routing, self.week, self.now = session, routing, week, now
        self._ranked: dict[tuple[str, Scope], list[Figures]] = {}

    def of(self, user: User) -> Standing | None:
        """Where ``user``'s kelurahan, kecamatan (among the city's) or agency stands."""
        found = _ranking_of(user)
        if found is None:
            return None
        grouping, key, scope = found
        if (grouping, scope) not in self._ranked:
            ranked = rank(self.session, grouping, self.week, self.now, self.routing, scope)
            self._ranked[grouping, scope] = [g for g in ranked if g.key and g.received]
        ranked = self._ranked[grouping, scope]
        for position, group in enumerate(ranked, start=1):
            if group.key == key and group.response_rate is not None:
                return Standing(str(group.name), group.response_rate, position, len(ranked))
        return None


def _ranking_of(user: User) -> tuple[str, str, Scope] | None:
    """The ranking ``user``'s work is in: their agency's, or their area's within its city."""
    if user.role == "officer" and user.agency_code:
        return AGENCY, user.agency_code, EVERYWHERE
    if not user.area_code:
        return None
    grouping = {"village": KELURAHAN, "district": KECAMATAN}.get(level_of(user.area_code))
    if grouping is None:
        return None
    return grouping, user.area_code, Scope(area=ancestor(user.area_code, "regency"))


def _claim(session: Session, day: date) -> ComplaintDigest | None:
    """The row of ``day``'s digest, held for this transaction; None while another scheduler
    holds it."""
    locked = (
        select(ComplaintDigest).where(ComplaintDigest.day == day).with_for_update(skip_locked=True)
    )
    progress = session.scalar(locked)
    if progress is not None or session.get(ComplaintDigest, day) is not None:
        return progress
    progress = ComplaintDigest(day=day, last_user_id=0)
    try:
        with session.begin_nested():
            session.add(progress)
    except IntegrityError:
        return None
    return progress


def _message(digest: Digest, day: date, zone: ZoneInfo) -> Message:
    first = digest.first
    return Message(
        kind="complaint.digest",
        url=f"/complaints/{first[0]}" if first else "/complaints",
        text=_text(digest, zone),
        once_key=f"complaints:digest:{day}",
        digest=True,
    )


def _text(digest: Digest, zone: ZoneInfo) -> Callable[[int], tuple[str, str]]:
    def text(_count: int) -> tuple[str, str]:
        title = gettext(
            "Your complaints today: %(open)d open, %(overdue)d overdue",
            open=digest.open,
            overdue=digest.overdue,
        )
        lines = [gettext("Due today: %(count)d.", count=digest.due_today)]
        if standing := digest.standing:
            lines.append(
                gettext(
                    "%(name)s answered %(rate)s of this week's complaints: rank %(position)d of"
                    " %(of)d.",
                    name=standing.name,
                    rate=f"{standing.rate:.0%}",
                    position=standing.position,
                    of=standing.of,
                )
            )
        if first := digest.first:
            record_id, title_of_first, due = first
            when = due.astimezone(zone).strftime("%d/%m/%Y %H:%M") if due else "-"
            lines.append(
                gettext(
                    "Answer first: #%(id)d %(title)s, due %(due)s.",
                    id=record_id,
                    title=title_of_first,
                    due=when,
                )
            )
        return title, "\n".join(lines)

    return text
