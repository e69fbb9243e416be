"""Rollups: the rankings' counts kept as they change, so that a report reads a few rows a day.

``complaint_daily`` counts the complaints received on each local day (in the zone the rollups
were built in) per kelurahan and agency: received, answered (a first response), resolved,
closed not fixed, and overdue before the state's ``overdue_until``.
``complaint_backlog`` counts the complaints open now per kelurahan and agency, and the unfinished
ones overdue before ``overdue_until`` (late for the first response, for the fix, and either,
as the overdue tile shows them). Every change that moves a count (a status from the source, an
answer, a hand-off, a merge, a reopening, a deletion by the source) moves it in the same
transaction: take a :func:`snapshot` of the case before the change and one with :func:`after`
after it, and give both to :func:`moved`; new cases, once inserted, are counted in the database
with :func:`added`. Until :func:`rebuild` has run once (``simpul complaints
rebuild-rollups``), there are no rollups: nothing is kept and the rankings count the cases
themselves.

Overdue depends on the clock: each case keeps the moment it is overdue from as things stand
(``overdue_at``), and the daily counts hold those overdue before ``overdue_until``, a moment the
periodic task :func:`advance` moves up to now. Overdue at any moment ``at`` is then the count
plus the cases whose ``overdue_at`` lies between ``overdue_until`` and ``at`` (or less those
between ``at`` and it), a short range of the ``overdue_at`` index; the unfinished ones late at
``at`` likewise, with the ranges of their due times (:func:`late_at`). The medians are not kept
here: the rankings read them from the period's cases through partial covering indexes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    delete,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from features.complaints.audience import DEPTH
from features.complaints.models import (
    UNANSWERED,
    UNFINISHED,
    ComplaintBacklog,
    ComplaintCase,
    ComplaintDaily,
    ComplaintRollupState,
    area_parts,
    overdue_moment,
)
from features.complaints.statuses import CLOSED, FINISHED, OPEN, RESOLVED
from hub.api import Hub, Record, add_selected, add_to_rows, among, level_of, utcnow, within

NONE = ""
"""What stands for no kelurahan or agency in a rollup's key."""
STATE_ID = 1
STATE_KEY = "complaint_rollup_state"
"""Where a session keeps the state it read, with the transaction it read it in."""
COUNTS = ("received", "answered", "resolved", "closed_not_fixed", "overdue")
LATE = ("late", "late_response", "late_fix")
BACKLOG_COUNTS = ("open", *LATE)
COUNTERS = {ComplaintDaily: COUNTS, ComplaintBacklog: BACKLOG_COUNTS}
"""The counts of each rollup."""


@dataclass(frozen=True)
class Snapshot:
    """What of a case the rollups count."""

    received_at: datetime
    area_code: str | None
    agency_code: str | None
    status: str
    answered: bool
    deleted: bool
    overdue_at: datetime | None
    response_due_at: datetime | None
    completion_due_at: datetime | None


@dataclass(frozen=True)
class Late:
    """The unfinished complaints overdue at a moment: late for their first response, late for
    the fix, and either (``total``)."""

    total: int
    response: int
    fix: int


@dataclass(frozen=True)
class State:
    """The zone of the rollups' days, and up to when their overdue counts go."""

    zone: ZoneInfo
    overdue_until: datetime


def snapshot(case: ComplaintCase) -> Snapshot:
    return Snapshot(
        case.received_at,
        case.area_code,
        case.agency_code,
        case.status,
        case.first_response_at is not None,
        bool(case.source_deleted),
        overdue_moment(case),
        case.response_due_at,
        case.completion_due_at,
    )


def after(case: ComplaintCase) -> Snapshot:
    """The snapshot of a changed case, its ``overdue_at`` brought up to date."""
    case.overdue_at = overdue_moment(case)
    return snapshot(case)


def overdue_moment_sql() -> ColumnElement:
    """SQL for :func:`~features.complaints.models.overdue_moment` of each case."""
    unfinished = ComplaintCase.status.not_in(FINISHED)
    response_first = and_(
        ComplaintCase.first_response_at.is_(None),
        ComplaintCase.response_due_at.is_not(None),
        ~unfinished
        | ComplaintCase.completion_due_at.is_(None)
        | (ComplaintCase.response_due_at <= ComplaintCase.completion_due_at),
    )
    return case(
        (response_first, ComplaintCase.response_due_at),
        (unfinished, ComplaintCase.completion_due_at),
    )


def state_of(session: Session, lock: str | None = None) -> State | None:
    """The rollups' state; None while they are not built. ``lock``: ``"share"`` while a change
    moves the counts, ``"update"`` while :func:`advance` moves ``overdue_until``. Read once
    per transaction when no lock is asked for: a report's figures all see the same state."""
    transaction = session.get_transaction()
    kept = session.info.get(STATE_KEY)
    if not lock and kept is not None and kept[0] is transaction:
        return kept[1]
    query = select(ComplaintRollupState.zone, ComplaintRollupState.overdue_until).where(
        ComplaintRollupState.id == STATE_ID
    )
    if lock:
        query = query.with_for_update(read=lock == "share")
    found = session.connection().execute(query).one_or_none()
    state = State(ZoneInfo(found.zone), found.overdue_until) if found else None
    session.info[STATE_KEY] = (session.get_transaction(), state)
    return state


def zone_of(session: Session) -> ZoneInfo | None:
    """The zone the rollups' days are in; None while they are not built."""
    state = state_of(session)
    return state.zone if state else None


def moved(session: Session, changes: Iterable[tuple[Snapshot | None, Snapshot | None]]) -> None:
    """Move the rollups by each ``(before, after)`` of a case (None: the case did not exist)."""
    state = state_of(session, lock="share")
    if state is None:
        return
    daily: Counter[tuple] = Counter()
    backlog: Counter[tuple] = Counter()
    for before, after_change in changes:
        for each, sign in ((before, -1), (after_change, 1)):
            if each is not None and not each.deleted:
                _count(daily, backlog, each, state, sign)
    _upsert(session, ComplaintDaily, daily, COUNTS)
    _upsert(session, ComplaintBacklog, backlog, BACKLOG_COUNTS)


def rebuild(session: Session, zone: ZoneInfo, overdue_until: datetime | None = None) -> int:
    """Count every case again, with days in ``zone`` and overdue before ``overdue_until`` (by
    default now); return how many cases were counted. The changes made meanwhile wait for it
    (they move the counts under a share of the state's lock), but for the first build."""
    row = session.get(ComplaintRollupState, STATE_ID, with_for_update=True)
    if row is None and session.get_bind().dialect.name == "postgresql":
        # No change waits for a state that is not there yet: hold them off the cases instead.
        session.execute(text("LOCK TABLE complaint_cases IN SHARE ROW EXCLUSIVE MODE"))
    _refresh_cases(session)
    session.execute(delete(ComplaintDaily))
    session.execute(delete(ComplaintBacklog))
    now = utcnow()
    until = overdue_until or now
    if row is None:
        row = ComplaintRollupState(id=STATE_ID)
        session.add(row)
    row.zone, row.overdue_until, row.built_at = zone.key, until, now
    session.flush()
    session.info.pop(STATE_KEY, None)
    return _count_all(session, State(zone, until))


def _count_all(session: Session, state: State) -> int:
    """Fill the emptied rollups from the cases, each grouped in the database; return how many
    cases were counted."""
    for model, counted in _counted(session, state).items():
        _insert_counted(session, model, counted)
    live = ComplaintCase.source_deleted.is_(False)
    return session.scalar(select(func.count()).select_from(ComplaintCase).where(live))


def added(session: Session, record_ids: list[int]) -> None:
    """Count the cases of ``record_ids``, just made, into the rollups, grouped in the database:
    what :func:`moved` does for new cases, without counting each in Python."""
    state = state_of(session, lock="share")
    if state is None or not record_ids:
        return
    of_them = among(session, ComplaintCase.record_id, record_ids)
    for model, counted in _counted(session, state, of_them).items():
        names = [column.name for column in model.__table__.columns]
        add_selected(session, model.__table__, names, counted, COUNTERS[model])


def _counted(session: Session, state: State, *where: ColumnElement[bool]) -> dict[type, Select]:
    """By rollup model, the rows of its counts of the cases (those ``where`` selects), grouped
    in the database, in the order of the model's columns."""
    places = [
        func.coalesce(column, NONE)
        for column in (
            ComplaintCase.area_code,
            ComplaintCase.agency_code,
            ComplaintCase.district_code,
            ComplaintCase.regency_code,
        )
    ]
    day = _local_day(session, state.zone)
    keys = [day, *places]
    daily = select(
        *keys,
        func.count(),
        func.count(ComplaintCase.first_response_at),
        func.count(case((ComplaintCase.status == RESOLVED, 1))),
        func.count(case((ComplaintCase.status == CLOSED, 1))),
        func.count(case((ComplaintCase.overdue_at < state.overdue_until, 1))),
    )
    late = late_sql(state.overdue_until)
    backlog = select(
        *places,
        func.count(case((ComplaintCase.status == OPEN, 1))),
        *(func.count(case((late[name], 1))) for name in LATE),
    )
    live = ComplaintCase.source_deleted.is_(False)
    return {
        ComplaintDaily: daily.where(live, *where).group_by(*keys),
        ComplaintBacklog: backlog.where(UNFINISHED, *where).group_by(*places),
    }


def _local_day(session: Session, zone: ZoneInfo) -> ColumnElement:
    """SQL: the local day in ``zone`` of a case's receipt. SQLite knows no time zones: there
    the session's connection is given a function that asks Python."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(zone.key, ComplaintCase.received_at))

    def local_day(stored: str) -> str:
        moment = datetime.fromisoformat(stored).replace(tzinfo=UTC)
        return moment.astimezone(zone).date().isoformat()

    driver = session.connection().connection.driver_connection
    driver.create_function("complaint_local_day", 1, local_day, deterministic=True)
    return func.complaint_local_day(ComplaintCase.received_at)


def _insert_counted(session: Session, model: type, counted: Select) -> None:
    """Insert the rows ``counted`` selects (in the order of the columns) into ``model``, in
    the order of the first (the day), so that the rows of a day lie together on disk."""
    columns = [column.name for column in model.__table__.columns]
    ordered = counted.order_by(literal_column("1"))
    session.execute(model.__table__.insert().from_select(columns, ordered))


def advance_due(hub: Hub, now: datetime) -> int:
    """The periodic task: count into the rollups the complaints that became overdue. A hub
    with no complaint yet builds its rollups here; one that has complaints, with
    ``simpul complaints rebuild-rollups``."""
    with hub.db.session() as session:
        if state_of(session) is None and session.scalar(select(ComplaintCase.record_id)) is None:
            rebuild(session, ZoneInfo(hub.settings.timezone))
            return 0
        return advance(session, now)


def advance(session: Session, now: datetime) -> int:
    """Count the cases that became overdue since ``overdue_until`` and move it up to ``now``;
    return how many were counted."""
    state = state_of(session, lock="update")
    if state is None or now <= state.overdue_until:
        return 0
    columns = (ComplaintCase.received_at, ComplaintCase.area_code, ComplaintCase.agency_code)
    rows = session.execute(
        select(*columns).where(
            ComplaintCase.overdue_at >= state.overdue_until,
            ComplaintCase.overdue_at < now,
            ComplaintCase.source_deleted.is_(False),
        )
    ).all()
    daily: Counter[tuple] = Counter()
    for received, area, agency in rows:
        day = received.astimezone(state.zone).date()
        daily[(day, area or NONE, agency or NONE, "overdue")] += 1
    _upsert(session, ComplaintDaily, daily, COUNTS)
    backlog: Counter[tuple] = Counter()
    for name, area, agency, count in _late_between(session, state.overdue_until, now):
        backlog[(area or NONE, agency or NONE, name)] += count
    _upsert(session, ComplaintBacklog, backlog, BACKLOG_COUNTS)
    session.execute(
        update(ComplaintRollupState)
        .where(ComplaintRollupState.id == STATE_ID)
        .values(overdue_until=now)
    )
    session.info.pop(STATE_KEY, None)
    return len(rows)


def late_sql(at: datetime) -> dict[str, ColumnElement]:
    """SQL of whether an unfinished case is late at ``at``, by :data:`LATE` name."""
    response = and_(ComplaintCase.first_response_at.is_(None), ComplaintCase.response_due_at < at)
    fix = ComplaintCase.completion_due_at < at
    return {"late": or_(response, fix), "late_response": response, "late_fix": fix}


def late_at(session: Session, area: str | None, at: datetime) -> Late | None:
    """The unfinished complaints in ``area`` (None: everywhere) late at ``at``: the backlog's
    counts, and those whose due time lies between its ``overdue_until`` and ``at``. None while
    the rollups are not built."""
    state = state_of(session)
    if state is None:
        return None
    columns = (ComplaintBacklog.area_code, ComplaintBacklog.district_code)
    where = [area_clause(*columns, ComplaintBacklog.regency_code, area)] if area else []
    sums = [func.coalesce(func.sum(getattr(ComplaintBacklog, name)), 0) for name in LATE]
    counts = dict(zip(LATE, session.execute(select(*sums).where(*where)).one(), strict=True))
    until = state.overdue_until
    low, high, sign = (until, at, 1) if until <= at else (at, until, -1)
    for name, _area, _agency, count in _late_between(session, low, high, area):
        counts[name] += sign * count
    return Late(counts["late"], counts["late_response"], counts["late_fix"])


def _late_between(
    session: Session, start: datetime, end: datetime, area: str | None = None
) -> list[tuple]:
    """``(name, kelurahan, agency, count)``: the unfinished cases (in ``area``) that became late
    between ``start`` and ``end``, by :data:`LATE` name. A case is late from its overdue moment
    (the earlier due time), for the response from its response due time while it has no first
    response, and for the fix from its completion due time: each a range of its own index."""
    moments = {
        "late": (ComplaintCase.overdue_at, UNFINISHED),
        "late_response": (ComplaintCase.response_due_at, UNANSWERED),
        "late_fix": (ComplaintCase.completion_due_at, UNFINISHED),
    }
    places = (ComplaintCase.area_code, ComplaintCase.agency_code)
    columns = (ComplaintCase.area_code, ComplaintCase.district_code, ComplaintCase.regency_code)
    scoped = [area_clause(*columns, area)] if area else []
    found = []
    for name, (moment, followed) in moments.items():
        rows = session.execute(
            select(*places, func.count())
            .where(followed, moment >= start, moment < end, *scoped)
            .group_by(*places)
        )
        found.extend((name, *row) for row in rows)
    return found


def whole_days(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date] | None:
    """The local days from the first midnight at or after ``start`` up to the last one at or
    before ``end`` (the second day excluded); None when there is no whole day between."""
    first = start.astimezone(zone).date()
    if midnight(first, zone) < start:
        first += timedelta(days=1)
    last = end.astimezone(zone).date()
    return (first, last) if first < last else None


def midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def area_clause(area: ColumnElement, district: ColumnElement, regency: ColumnElement, code: str):
    """SQL: kelurahan column ``area`` lies within area ``code``, read from the column of its
    level (a kecamatan's or city's code is an equality lookup)."""
    level = level_of(code)
    if DEPTH[level] == DEPTH["district"]:
        return district == code
    if DEPTH[level] == DEPTH["regency"]:
        return regency == code
    if DEPTH[level] > DEPTH["district"]:
        return area == code
    return within(area, code)


def daily_query(grouping_key: ColumnElement | None, first: date, last: date, where: list) -> Select:
    """Per group: ``key, received, answered, resolved, closed_not_fixed`` over the days from
    ``first`` up to ``last``, of the groups that received complaints."""
    query = select(_key(grouping_key), *daily_sums()).where(
        ComplaintDaily.day >= first, ComplaintDaily.day < last, *where
    )
    if grouping_key is not None:
        query = query.group_by(grouping_key)
    return query.having(func.sum(ComplaintDaily.received) > 0)


def daily_sums() -> list[ColumnElement]:
    """The sums of the daily counts, each labelled with its count's name."""
    return [func.sum(getattr(ComplaintDaily, name)).label(name) for name in COUNTS]


def key_of(value: str | None) -> str | None:
    """A rollup's key as the rankings name groups: None for none."""
    return value or None


def _key(grouping_key: ColumnElement | None) -> ColumnElement:
    return (grouping_key if grouping_key is not None else literal(None)).label("key")


def _count(daily: Counter, backlog: Counter, case: Snapshot, state: State, sign: int) -> None:
    area, agency = case.area_code or NONE, case.agency_code or NONE
    day = case.received_at.astimezone(state.zone).date()
    key = (day, area, agency)
    overdue = case.overdue_at is not None and case.overdue_at < state.overdue_until
    response, fix = _lateness(case, state.overdue_until)
    daily[(*key, "received")] += sign
    daily[(*key, "answered")] += sign * case.answered
    daily[(*key, "resolved")] += sign * (case.status == RESOLVED)
    daily[(*key, "closed_not_fixed")] += sign * (case.status == CLOSED)
    daily[(*key, "overdue")] += sign * overdue
    backlog[(area, agency, "open")] += sign * (case.status == OPEN)
    backlog[(area, agency, "late")] += sign * (response or fix)
    backlog[(area, agency, "late_response")] += sign * response
    backlog[(area, agency, "late_fix")] += sign * fix


def _lateness(case: Snapshot, at: datetime) -> tuple[bool, bool]:
    """Whether an unfinished case is late at ``at`` for its first response, and for the fix."""
    if case.status in FINISHED:
        return False, False
    due = case.response_due_at
    response = not case.answered and due is not None and due < at
    fix = case.completion_due_at is not None and case.completion_due_at < at
    return response, fix


def _upsert(session: Session, model: type, counts: Counter, counters: tuple[str, ...]) -> None:
    """Add ``counts`` (by key and column) to the rows of ``model``, making those missing."""
    add_to_rows(session, model.__table__, _rows(model, counts, counters), counters)


def _rows(model: type, counts: Counter, counters: tuple[str, ...]) -> list[dict]:
    """The rows of ``model`` that ``counts`` (by key and column) make, in key order."""
    rows: dict[tuple, dict] = {}
    for (*key, column), amount in counts.items():
        if amount:
            rows.setdefault(tuple(key), {})[column] = amount
    keys = [column.name for column in model.__table__.primary_key.columns]
    values = []
    for key in sorted(rows):
        row = dict(zip(keys, key, strict=True))
        district, regency = area_parts(row["area_code"] or None)
        row.update(district_code=district or NONE, regency_code=regency or NONE)
        row.update({name: rows[key].get(name, 0) for name in counters})
        values.append(row)
    return values


def _refresh_cases(session: Session) -> None:
    """Each case's kecamatan, city, overdue moment, and whether its source deleted it and where
    it is (from its record), where they changed."""
    deleted = exists().where(Record.id == ComplaintCase.record_id, Record.deleted_at.is_not(None))
    moment = overdue_moment_sql()
    for column, value in (
        (ComplaintCase.source_deleted, deleted),
        (ComplaintCase.latitude, _of_record(Record.latitude)),
        (ComplaintCase.longitude, _of_record(Record.longitude)),
        (ComplaintCase.overdue_at, moment),
    ):
        session.execute(
            update(ComplaintCase)
            .where(column.is_distinct_from(value))
            .values({column.key: value})
            .execution_options(synchronize_session=False)
        )
    codes = session.scalars(select(ComplaintCase.area_code).distinct()).all()
    for code in codes:
        district, regency = area_parts(code)
        session.execute(
            update(ComplaintCase)
            .where(
                ComplaintCase.area_code == code if code else ComplaintCase.area_code.is_(None),
                ComplaintCase.district_code.is_distinct_from(district)
                | ComplaintCase.regency_code.is_distinct_from(regency),
            )
            .values(district_code=district, regency_code=regency)
            .execution_options(synchronize_session=False)
        )


def _of_record(column: ColumnElement) -> ColumnElement:
    """``column`` of each case's record."""
    return select(column).where(Record.id == ComplaintCase.record_id).scalar_subquery()
