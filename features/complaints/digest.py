"""The daily digest: at the configured local hour, each person with open work is told what waits
for them: how many complaints are open, overdue and due today, how their area (or agency) ranks
on response this week, and the one to answer first.

The digest of a day goes to people in the order of their ids, ``BATCH`` a tick; the day's row of
:class:`ComplaintDigest` keeps how far it went and is held by one scheduler at a time. Each
digest has a ``once_key`` of its day, so nobody gets two in a day.

A tick reads the open work once, counted per kelurahan and agency (who may see a complaint
depends on these alone), and each person's digest adds up the groups they may see; the week's
rankings are read once a tick too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import Row, Select, and_, case, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from features.complaints.access import may_handle
from features.complaints.audience import ROLES, ancestor
from features.complaints.models import ComplaintCase, ComplaintDigest
from features.complaints.notices import short
from features.complaints.rankings import (
    AGENCY,
    EVERYWHERE,
    KECAMATAN,
    KELURAHAN,
    Figures,
    Period,
    Scope,
    name_groups,
    overdue,
    period_figures,
    ranked,
)
from features.complaints.routing import Routing
from features.complaints.settings import DIGEST, reminders_of, routing_of
from features.complaints.statuses import FINISHED
from features.complaints.weekly import IsoWeek
from hub.api import Hub, Message, Record, User, UTCDateTime, level_of, notify

BATCH = 50
"""The most people one tick sends a digest to; the rest get theirs on the next ticks."""
TITLE_LENGTH = 60
NOTIFY = "notify"
NEXT_DEADLINE = case(
    (ComplaintCase.first_response_at.is_(None), ComplaintCase.response_due_at),
    else_=ComplaintCase.completion_due_at,
)
"""SQL: the deadline a complaint meets next, the first response's until it has one."""
NEVER = datetime(9999, 12, 31, tzinfo=UTC)
"""Where a complaint without a next deadline sorts: after all others."""
DUE = func.coalesce(NEXT_DEADLINE, literal(NEVER, UTCDateTime()))
"""SQL: the next deadline, ``NEVER`` for none: what the first complaint is chosen by."""
GROUP = (ComplaintCase.area_code, ComplaintCase.agency_code)
"""What the open work is counted by: who sees a complaint depends on these alone."""
Key = tuple[str | None, str | None]
"""A group's area and agency."""
Order = tuple[datetime, datetime, int]
"""How a complaint sorts to be answered first: by next deadline (``NEVER`` for none), receipt
and id."""


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
        if not people:
            return 0
        week = IsoWeek.containing(local.date()).period(zone)
        standings = Standings(session, routing_of(hub), week, now)
        workloads = Workloads(session, now, zone)
        for user in people:
            digest = workloads.of(user, standings)
            if digest.open:
                notify(hub, session, [user], _message(digest, local.date(), zone), now)
        progress.last_user_id = people[-1].id
    return len(people)


@dataclass(frozen=True)
class Group:
    """The open work of one kelurahan (or other area) and agency."""

    area_code: str | None
    agency_code: str | None
    open: int
    overdue: int
    due_today: int
    first: tuple[int, str, datetime | None] | None
    """Its complaint to answer first (None when finished while the tick read the others)."""
    order: Order | None
    """How that complaint sorts among others."""


class Workloads:
    """Everyone's open work at ``now``, read once a tick per area and agency, however many
    people's digests need it."""

    def __init__(self, session: Session, now: datetime, zone: ZoneInfo) -> None:
        self.groups = _groups(session, now, zone)
        self.within: dict[str, list[Group]] = {}
        """The groups of each area and of the areas inside it."""
        for group in self.groups:
            for area in _containing(group.area_code):
                self.within.setdefault(area, []).append(group)

    def of(self, user: User, standings: Standings) -> Digest:
        """``user``'s open work: what is open, what is overdue, what is due before the day
        ends, and the one whose deadline comes (or came) first."""
        # someone with an area sees only (some of) the complaints inside it
        nearby = self.within.get(user.area_code, []) if user.area_code else self.groups
        mine = [group for group in nearby if may_handle(user, group)]
        first = min((g for g in mine if g.order), key=lambda g: g.order, default=None)
        return Digest(
            open=sum(g.open for g in mine),
            overdue=sum(g.overdue for g in mine),
            due_today=sum(g.due_today for g in mine),
            first=first.first if first else None,
            standing=standings.of(user),
        )


def _containing(code: str | None) -> list[str]:
    """``code`` and the areas it lies in: ``31``, ``31.75``, ``31.75.10`` and ``31.75.10.1005``
    for ``31.75.10.1005``."""
    parts = code.split(".") if code else []
    return [".".join(parts[:depth]) for depth in range(1, len(parts) + 1)]


def _groups(session: Session, now: datetime, zone: ZoneInfo) -> list[Group]:
    """The open complaints' counts per area and agency and the first of each, in two passes
    over them and no sort."""
    counts = _counts(session, now, zone)
    firsts = _firsts(session, counts)
    titles = dict(
        session.execute(
            select(Record.id, Record.title).where(Record.id.in_(f[2] for f in firsts.values()))
        ).all()
    )
    groups = []
    for key, row in counts.items():
        order, first = firsts.get(key), None
        if order is not None:
            due, _received, record_id = order
            title = short(titles.get(record_id, ""), TITLE_LENGTH)
            first = record_id, title, None if due == NEVER else due
        groups.append(Group(*key, row.open, row.overdue, row.due_today, first, order))
    return groups


def _counts(session: Session, now: datetime, zone: ZoneInfo) -> dict[Key, Row]:
    """Each area and agency's open, overdue and due today, and its earliest deadline."""
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    end_of_day = datetime.combine(tomorrow, time.min, tzinfo=zone)
    deadline = NEXT_DEADLINE
    today = and_(deadline >= now, deadline < end_of_day)
    rows = session.execute(
        _open_cases(
            *GROUP,
            func.count().label("open"),
            func.count(case((overdue(now), 1))).label("overdue"),
            func.count(case((today, 1))).label("due_today"),
            func.min(DUE).label("due"),
        ).group_by(*GROUP)
    )
    return {(row.area_code, row.agency_code): row for row in rows}


def _firsts(session: Session, counts: dict[Key, Row]) -> dict[Key, Order]:
    """How each group's first complaint sorts: of those that meet the group's earliest
    deadline, the first received (then the lowest id)."""
    earliest = {row.due for row in counts.values()}
    rows = session.execute(
        _open_cases(
            *GROUP, ComplaintCase.received_at, ComplaintCase.record_id, DUE.label("due")
        ).where(DUE.in_(earliest))
    )
    firsts: dict[Key, Order] = {}
    for row in rows:
        key, order = (row.area_code, row.agency_code), (row.due, row.received_at, row.record_id)
        group = counts.get(key)
        if group is not None and row.due == group.due:
            firsts[key] = min(firsts.get(key, order), order)
    return firsts


def _open_cases(*columns: Any) -> Select:
    """``select(*columns)`` over the cases of complaints not finished and not deleted (the
    deleted records are few: an anti-join asks for them rather than joining every record)."""
    gone = aliased(Record)
    deleted = select(gone.id).where(
        gone.id == ComplaintCase.record_id, gone.deleted_at.is_not(None)
    )
    return (
        select(*columns)
        .select_from(ComplaintCase)
        .where(ComplaintCase.status.not_in(FINISHED), ~deleted.exists())
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
            self._ranked[grouping, scope] = self._rank(grouping, scope)
        groups = self._ranked[grouping, scope]
        for position, group in enumerate(groups, start=1):
            if group.key == key and group.response_rate is not None:
                return Standing(str(group.name), group.response_rate, position, len(groups))
        return None

    def _rank(self, grouping: str, scope: Scope) -> list[Figures]:
        """The areas or agencies that received complaints this week, ranked as
        :func:`~features.complaints.rankings.rank` ranks them (their backlog, which does not
        change the order, left out)."""
        figures = period_figures(self.session, grouping, self.week, self.now, scope)
        received = [group for group in figures.values() if group.key and group.received]
        name_groups(self.session, grouping, received, self.routing)
        return ranked(received)


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
