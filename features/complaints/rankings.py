"""Rankings: how well each kelurahan, kecamatan and agency answers the complaints it receives.

The figures cover the complaints received in a period, grouped by kelurahan (the case's area),
kecamatan (that kelurahan's parent) or agency: how many, how many answered (a first response)
and so the response rate, how many were resolved (fixed) and how many closed, not fixed, the
median hours to the first response and to completion ("resolved" only), and how many are
overdue now. Groups are ranked by the Wilson lower bound of their response rate (see
:mod:`features.complaints.wilson`), so that a group with few complaints does not top the
ranking by chance. The red backlog counts the complaints still waiting (status open) at a
moment, whenever they came in.

When the rollups are built (:mod:`features.complaints.rollups`), the counts of a period's
whole local days, overdue among them, come from ``complaint_daily`` (overdue corrected by the
cases whose overdue moment lies between the rollups' ``overdue_until`` and the moment asked
for), those of the hours before its first midnight and after its last from the cases, and the
backlog from ``complaint_backlog``; the medians are exact, from the period's cases through
partial covering indexes. Before the rollups are built, every figure is counted from the cases.
Each figure is one SQL aggregate grouped in the database; on PostgreSQL, with the rollups
built, a grouping's figure comes with the city's (and with those of the groupings a report
reads together, :func:`read_together`) in one pass, by ``GROUPING SETS``, and is kept for the
rest of the transaction. Medians use PostgreSQL's
``percentile_cont(0.5) WITHIN GROUP``; SQLite has no percentile function, so there the middle
row (or the two middle rows) of each group is picked with ``row_number() OVER`` and averaged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from features.complaints import rollups
from features.complaints.models import ComplaintBacklog, ComplaintCase, ComplaintDaily
from features.complaints.routing import Routing
from features.complaints.statuses import CLOSED, FINISHED, OPEN, RESOLVED
from features.complaints.wilson import wilson_lower_bound
from hub.api import Area, Record, among

KELURAHAN, KECAMATAN, AGENCY, CITY = "kelurahan", "kecamatan", "agency", "city"
GROUPINGS = {
    KELURAHAN: _l("Kelurahan"),
    KECAMATAN: _l("Kecamatan"),
    AGENCY: _l("Agency"),
}
"""The groupings a ranking can use, with their titles; ``CITY`` is one row for everything."""

RESPONSE, COMPLETION = "response", "completion"
MEDIANS = {RESPONSE: "median_response_hours", COMPLETION: "median_completion_hours"}
NO_AREA, NO_AGENCY, EVERYTHING = _l("No area"), _l("No agency"), _l("All complaints")
SECONDS_PER_HOUR = 3600
TOGETHER_KEY = "complaint_groupings_together"
"""Where a session keeps the groupings :func:`read_together` names."""
GROUPINGS_KEY = "complaint_groupings"
"""Where a session keeps the figures of every grouping it read at once, by what was asked."""
ADDED_UP = (*rollups.COUNTS, "backlog")
"""The figures of groups that add up to those of all of them."""


@dataclass(frozen=True)
class Period:
    """Complaints received from ``start`` up to, not including, ``end`` (both timezone-aware)."""

    start: datetime
    end: datetime

    def clauses(self) -> list[ColumnElement[bool]]:
        return [ComplaintCase.received_at >= self.start, ComplaintCase.received_at < self.end]


@dataclass(frozen=True)
class Scope:
    """Complaints within one area (a kecamatan's code covers its kelurahan) and of one agency;
    None means any."""

    area: str | None = None
    agency: str | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        return self.clauses_of(ComplaintCase)

    def clauses_of(self, table: type) -> list[ColumnElement[bool]]:
        """The clauses on ``table``'s kelurahan, kecamatan, city and agency columns."""
        clauses = []
        if self.area:
            columns = (table.area_code, table.district_code, table.regency_code)
            clauses.append(rollups.area_clause(*columns, self.area))
        if self.agency:
            clauses.append(table.agency_code == self.agency)
        return clauses


EVERYWHERE = Scope()


@dataclass
class Figures:
    """The figures of one group (one kelurahan, kecamatan or agency; ``key`` is its code)."""

    key: str | None
    name: str | LazyString = ""
    received: int = 0
    answered: int = 0
    resolved: int = 0
    closed_not_fixed: int = 0
    overdue: int = 0
    backlog: int = 0
    median_response_hours: float | None = None
    median_completion_hours: float | None = None

    @property
    def response_rate(self) -> float | None:
        """The share of the complaints received that had a first response (0 to 1)."""
        return self.answered / self.received if self.received else None

    @property
    def ranking_rate(self) -> float:
        """The Wilson lower bound (95%) of the response rate: what the ranking orders by."""
        return wilson_lower_bound(self.answered, self.received)


@dataclass(frozen=True)
class Leaderboard:
    """The best and the worst groups, in the order of :func:`ranked`."""

    best: list[Figures] = field(default_factory=list)
    worst: list[Figures] = field(default_factory=list)


def overdue(at: datetime) -> ColumnElement[bool]:
    """SQL: the complaint is overdue at ``at`` (see :func:`features.complaints.sla.overdue`): its
    first response is late, or it is not finished after its completion target."""
    return or_(
        and_(ComplaintCase.first_response_at.is_(None), ComplaintCase.response_due_at < at),
        and_(ComplaintCase.status.not_in(FINISHED), ComplaintCase.completion_due_at < at),
    )


def group_key(grouping: str, table: type | None = None) -> ColumnElement | None:
    """The SQL expression a grouping groups by; None for ``CITY`` (one group). With a
    ``table`` (the cases or a rollup), its kecamatan column rather than the areas' parents."""
    if grouping == KELURAHAN:
        return (table or ComplaintCase).area_code
    if grouping == KECAMATAN:
        if table is not None:
            return table.district_code
        return case(
            (Area.level == "village", Area.parent_code),
            (Area.level == "district", Area.code),
        )
    if grouping == AGENCY:
        return (table or ComplaintCase).agency_code
    if grouping == CITY:
        return None
    raise ValueError(f"unknown grouping {grouping!r} (expected {', '.join(GROUPINGS)}, {CITY})")


def counts_query(
    grouping: str, period: Period, at: datetime, scope: Scope = EVERYWHERE, stored: bool = False
) -> Select:
    """Per group: ``key, received, answered, resolved, closed_not_fixed, overdue`` (overdue at
    ``at``). ``stored``: read the cases' kecamatan and deletion columns, joining nothing."""
    return _grouped(
        grouping,
        func.count().label("received"),
        func.count(ComplaintCase.first_response_at).label("answered"),
        func.count(case((ComplaintCase.status == RESOLVED, 1))).label("resolved"),
        func.count(case((ComplaintCase.status == CLOSED, 1))).label("closed_not_fixed"),
        func.count(case((overdue(at), 1))).label("overdue"),
        stored=stored,
    ).where(*period.clauses(), *scope.clauses())


def backlog_query(
    grouping: str, at: datetime, scope: Scope = EVERYWHERE, stored: bool = False
) -> Select:
    """Per group: ``key, backlog``, the complaints received before ``at`` and still open."""
    return _grouped(grouping, func.count().label("backlog"), stored=stored).where(
        ComplaintCase.status == OPEN, ComplaintCase.received_at < at, *scope.clauses()
    )


def backlogs(
    session: Session, grouping: str, at: datetime, scope: Scope = EVERYWHERE
) -> dict[str | None, int]:
    """The red backlog of each group that has one (see :func:`backlog_query`): the rollup's
    open complaints, less those received at or after ``at``."""
    if rollups.zone_of(session) is None:
        return dict(_read(session, backlog_query(grouping, at, scope)))
    open_now = func.sum(ComplaintBacklog.open)

    def kept(query: Select) -> Select:
        where = scope.clauses_of(ComplaintBacklog)
        return query.select_from(ComplaintBacklog).where(*where).having(open_now > 0)

    def received_later(query: Select) -> Select:
        later = [ComplaintCase.status == OPEN, ComplaintCase.received_at >= at]
        return _from_cases(query, grouping, stored=True).where(*later, *scope.clauses())

    backlog = [open_now.label("count")]
    rows = _group_rows(session, ("backlog", scope), grouping, ComplaintBacklog, backlog, kept)
    found = {key: row.count for key, row in rows.items()}
    counted = [func.count().label("count")]
    asked = ("later", at, scope)
    later = _group_rows(session, asked, grouping, ComplaintCase, counted, received_later)
    for key, row in later.items():
        found[key] = found.get(key, 0) - row.count
    return {key: count for key, count in found.items() if count > 0}


def median_query(
    grouping: str,
    measure: str,
    period: Period,
    dialect: str,
    scope: Scope = EVERYWHERE,
    stored: bool = False,
) -> Select:
    """Per group: ``key, seconds``, the median seconds from receipt to the first response
    (``RESPONSE``) or to the fix (``COMPLETION``), over the complaints that have one."""
    seconds, condition = _duration(measure, dialect)
    where = [condition, *period.clauses(), *scope.clauses()]
    if dialect == "postgresql":
        median = func.percentile_cont(0.5).within_group(seconds)
        return _grouped(grouping, median.label("seconds"), stored=stored).where(*where)
    return _median_by_rows(grouping, seconds, where, stored)


def rank(
    session: Session,
    grouping: str,
    period: Period,
    now: datetime,
    routing: Routing,
    scope: Scope = EVERYWHERE,
) -> list[Figures]:
    """Every figure of each group with complaints in ``period`` or a backlog at ``now``, best
    first (see :func:`ranked`)."""
    figures = period_figures(session, grouping, period, now, scope)
    for key, backlog in backlogs(session, grouping, now, scope).items():
        figures.setdefault(key, Figures(key)).backlog = backlog
    name_groups(session, grouping, figures.values(), routing)
    return ranked(figures.values())


def period_figures(
    session: Session, grouping: str, period: Period, at: datetime, scope: Scope = EVERYWHERE
) -> dict[str | None, Figures]:
    """The counts and medians of the complaints received in ``period``, by group key."""
    figures = period_counts(session, grouping, period, at, scope)
    _add_medians(session, grouping, period, scope, figures)
    return figures


def total_of(
    session: Session, groups: Sequence[Figures], period: Period, scope: Scope = EVERYWHERE
) -> Figures:
    """The figures of all of ``groups`` (every group of a ranking over ``period``) together,
    as :func:`rank` gives them for ``CITY``: their counts added up, and the medians of all
    their complaints."""
    total = Figures(None, EVERYTHING)
    for group in groups:
        for name in ADDED_UP:
            setattr(total, name, getattr(total, name) + getattr(group, name))
    _add_medians(session, CITY, period, scope, {None: total})
    return total


def _add_medians(
    session: Session,
    grouping: str,
    period: Period,
    scope: Scope,
    figures: dict[str | None, Figures],
) -> None:
    """Set the medians of the groups of ``figures`` (adding those missing)."""
    stored = rollups.zone_of(session) is not None
    dialect = session.get_bind().dialect.name
    for measure, figure in MEDIANS.items():
        if stored and dialect == "postgresql":
            found = _medians_with_the_city(session, grouping, measure, period, scope)
        else:
            query = median_query(grouping, measure, period, dialect, scope, stored)
            found = dict(_read(session, query))
        for key, seconds in found.items():
            if seconds is not None:
                hours = float(seconds) / SECONDS_PER_HOUR
                setattr(figures.setdefault(key, Figures(key)), figure, hours)


def _medians_with_the_city(
    session: Session, grouping: str, measure: str, period: Period, scope: Scope
) -> dict[str | None, float]:
    """PostgreSQL, with the cases' kecamatan stored: the medians of ``measure`` by group key,
    in one pass over the period's cases with the city's (see :func:`_group_rows`)."""
    seconds, condition = _duration(measure, "postgresql")
    median = func.percentile_cont(0.5).within_group(seconds).label("seconds")

    def over_the_cases(query: Select) -> Select:
        query = _from_cases(query, CITY, stored=True)
        return query.where(condition, *period.clauses(), *scope.clauses())

    asked = (measure, period, scope)
    rows = _group_rows(session, asked, grouping, ComplaintCase, [median], over_the_cases)
    return {key: row.seconds for key, row in rows.items()}


def _group_rows(
    session: Session,
    asked: tuple,
    grouping: str,
    table: type,
    figures: list[ColumnElement],
    source: Callable[[Select], Select],
) -> dict[str | None, Row]:
    """The rows of ``figures`` by group key of ``grouping`` (on ``table``'s columns), from a
    query that ``source`` gives its table and conditions. On PostgreSQL it is grouped with
    ``GROUPING SETS`` by the grouping, by those :func:`read_together` names, and by nothing:
    the city's rows and theirs come in the same pass, kept for the rest of the transaction
    under what was ``asked``."""
    if session.get_bind().dialect.name != "postgresql":
        key = group_key(grouping, table)
        query = source(select(_key_column(key), *figures))
        query = query.group_by(key) if key is not None else query
        return {rollups.key_of(row.key): row for row in _read(session, query)}
    memo = session.info.setdefault(GROUPINGS_KEY, {})
    transaction = session.get_transaction()
    if memo.get((asked, grouping), (None,))[0] is transaction:
        return memo[asked, grouping][1]
    together = dict.fromkeys((grouping, *session.info.get(TOGETHER_KEY, ())))
    groupings = [each for each in together if each != CITY]
    keys = [group_key(each, table) for each in groupings]
    if not keys:
        query = source(select(literal(0).label("grouped"), *figures))
    else:
        query = source(select(func.grouping(*keys).label("grouped"), *keys, *figures))
        query = query.group_by(func.grouping_sets(*(tuple_(key) for key in keys), tuple_()))
    found: dict[str, dict[str | None, Row]] = {each: {} for each in (*groupings, CITY)}
    everything = (1 << len(keys)) - 1
    for row in _read(session, query):
        if row.grouped == everything:
            found[CITY][None] = row
            continue
        # GROUPING() sets the bit of each key a row is not grouped by, the first key highest
        position = len(keys) - (everything & ~row.grouped).bit_length()
        found[groupings[position]][rollups.key_of(row[1 + position])] = row
    for each, rows in found.items():
        memo[asked, each] = (session.get_transaction(), rows)
    return found[grouping]


@contextmanager
def read_together(session: Session, *groupings: str) -> Iterator[None]:
    """While in this block, a figure of one of ``groupings`` is read together with the same
    figure of the others (and of the city), in one pass on PostgreSQL: for a report that shows
    several groupings of one period."""
    session.info[TOGETHER_KEY] = groupings
    try:
        yield
    finally:
        session.info.pop(TOGETHER_KEY, None)


def period_counts(
    session: Session, grouping: str, period: Period, at: datetime, scope: Scope = EVERYWHERE
) -> dict[str | None, Figures]:
    """The counts (received to overdue, no medians) of the complaints received in ``period``:
    from the rollups when they are built, else from the cases."""
    state = rollups.state_of(session)
    if state is None:
        return _counted(session, counts_query(grouping, period, at, scope))
    return _rolled_up(session, grouping, period, at, scope, state)


def _counted(
    session: Session, query: Select, into: dict[str | None, Figures] | None = None
) -> dict[str | None, Figures]:
    """Add the counts of each row of ``query`` (see :func:`counts_query`) to its group's."""
    figures = {} if into is None else into
    for row in _read(session, query):
        group = figures.setdefault(row.key, Figures(row.key))
        group.received += row.received
        group.answered += row.answered
        group.resolved += row.resolved
        group.closed_not_fixed += row.closed_not_fixed
        group.overdue += getattr(row, "overdue", 0)
    return figures


def _rolled_up(
    session: Session, grouping: str, period: Period, at: datetime, scope: Scope, state
) -> dict[str | None, Figures]:
    """The counts of the rollups' whole days of ``period``, and those of the cases of the hours
    before the first midnight and after the last."""
    days = rollups.whole_days(period.start, period.end, state.zone)
    if days is None:
        return _counted(session, counts_query(grouping, period, at, scope, stored=True))
    first, last = days
    whole = Period(rollups.midnight(first, state.zone), rollups.midnight(last, state.zone))
    figures: dict[str | None, Figures] = {}
    for key, row in _days_counted(session, grouping, first, last, scope).items():
        figures[key] = Figures(
            key,
            received=int(row.received),
            answered=int(row.answered),
            resolved=int(row.resolved),
            closed_not_fixed=int(row.closed_not_fixed),
            overdue=int(row.overdue),
        )
    for edge in (Period(period.start, whole.start), Period(whole.end, period.end)):
        if edge.start < edge.end:
            _counted(session, counts_query(grouping, edge, at, scope, stored=True), figures)
    if grouping == CITY:
        figures.setdefault(None, Figures(None))
    for key, change in _overdue_since(session, grouping, whole, at, scope, state).items():
        if change:
            figures.setdefault(key, Figures(key)).overdue += change
    return figures


def _days_counted(
    session: Session, grouping: str, first: date, last: date, scope: Scope
) -> dict[str | None, Row]:
    """The rollups' counts of the days from ``first`` up to ``last``, by group key."""

    def over_the_days(query: Select) -> Select:
        days = [ComplaintDaily.day >= first, ComplaintDaily.day < last]
        received = func.sum(ComplaintDaily.received) > 0
        where = scope.clauses_of(ComplaintDaily)
        return query.select_from(ComplaintDaily).where(*days, *where).having(received)

    asked = ("days", first, last, scope)
    sums = rollups.daily_sums()
    return _group_rows(session, asked, grouping, ComplaintDaily, sums, over_the_days)


def _overdue_since(
    session: Session, grouping: str, whole: Period, at: datetime, scope: Scope, state
) -> dict[str | None, int]:
    """By group key: how many more of the complaints received in ``whole`` are overdue at
    ``at`` than the rollups count (overdue before their ``overdue_until``): a range of the
    ``overdue_at`` index between the two moments."""
    until = state.overdue_until
    low, high, sign = (until, at, 1) if until <= at else (at, until, -1)

    def between(query: Select) -> Select:
        moments = [ComplaintCase.overdue_at >= low, ComplaintCase.overdue_at < high]
        where = [*moments, *whole.clauses(), *scope.clauses()]
        return _from_cases(query, grouping, stored=True).where(*where)

    asked = ("overdue", whole, at, until, scope)
    counted = [func.count().label("count")]
    rows = _group_rows(session, asked, grouping, ComplaintCase, counted, between)
    return {key: sign * row.count for key, row in rows.items()}


def name_groups(
    session: Session, grouping: str, groups: Iterable[Figures], routing: Routing
) -> None:
    """Give each group its area's or agency's name; the group of complaints without one gets
    a translatable label."""
    groups = list(groups)
    if grouping == CITY:
        for group in groups:
            group.name = EVERYTHING
        return
    if grouping == AGENCY:
        for group in groups:
            agency = routing.agency(group.key)
            group.name = agency.name if agency else group.key or NO_AGENCY
        return
    codes = [group.key for group in groups if group.key]
    named = select(Area.code, Area.name).where(among(session, Area.code, codes))
    names = dict(_read(session, named))
    for group in groups:
        group.name = names.get(group.key, group.key) if group.key else NO_AREA


def ranked(groups: Iterable[Figures]) -> list[Figures]:
    """Groups by the Wilson lower bound of their response rate, highest first; ties go to the
    faster median response, then the name. Groups without complaints come last."""
    return sorted(groups, key=_rank_order)


def leaderboard(groups: Sequence[Figures], size: int = 5) -> Leaderboard:
    """The ``size`` best and worst of ``groups`` that received complaints (and are an area or
    an agency, not the complaints without one); with fewer than twice ``size`` of them, the
    better half is the best and the rest the worst, so that no group is on both."""
    candidates = ranked(group for group in groups if group.key and group.received)
    half = min(size, (len(candidates) + 1) // 2)
    return Leaderboard(best=candidates[:half], worst=candidates[half:][::-1][:size])


def _rank_order(group: Figures) -> tuple[float, float, str]:
    median = group.median_response_hours
    return (
        -group.ranking_rate if group.received else math.inf,
        median if median is not None else math.inf,
        str(group.name) if group.key else "",
    )


def _grouped(grouping: str, *figures: ColumnElement, stored: bool = False) -> Select:
    """``SELECT key, figures`` over the cases of complaints not deleted, grouped by ``grouping``."""
    key = group_key(grouping, ComplaintCase if stored else None)
    query = _from_cases(select(_key_column(key), *figures), grouping, stored)
    return query.group_by(key) if key is not None else query


def _key_column(key: ColumnElement | None) -> ColumnElement:
    """A grouping's key, labelled ``key`` (NULL for the one group of ``CITY``)."""
    return (key if key is not None else literal(None)).label("key")


def _read(session: Session, query: Select) -> Sequence[Row]:
    """The rows of ``query``, all fetched at once, read on the session's connection (after a
    flush of the session's changes): plain columns need none of the ORM's work."""
    session.flush()
    return session.connection().execute(query).all()


def _from_cases(query: Select, grouping: str, stored: bool = False) -> Select:
    """``query`` over the complaint cases whose record the source has not deleted.

    The deleted records are few: asking for them (an anti-join) rather than joining every live
    record lets the database skip the wide records table when an index finds them. ``stored``:
    the cases' own kecamatan and deletion columns instead, with no join.
    """
    if stored:
        return query.select_from(ComplaintCase).where(ComplaintCase.source_deleted.is_(False))
    query = query.select_from(ComplaintCase)
    if grouping == KECAMATAN:
        query = query.outerjoin(Area, Area.code == ComplaintCase.area_code)
    deleted = select(Record.id).where(
        Record.id == ComplaintCase.record_id, Record.deleted_at.is_not(None)
    )
    return query.where(~deleted.exists())


def _duration(measure: str, dialect: str) -> tuple[ColumnElement, ColumnElement[bool]]:
    """The seconds from receipt to the measured moment, and which complaints have one."""
    if measure == RESPONSE:
        end = ComplaintCase.first_response_at
        condition = end.is_not(None)
    elif measure == COMPLETION:
        end = ComplaintCase.resolved_at
        condition = and_(ComplaintCase.status == RESOLVED, end.is_not(None))
    else:
        raise ValueError(f"unknown measure {measure!r} (expected {RESPONSE}, {COMPLETION})")
    if dialect == "postgresql":
        # date_part gives seconds as a double, which sorts faster than extract's numeric
        return func.date_part("epoch", end - ComplaintCase.received_at), condition
    return _epoch(end) - _epoch(ComplaintCase.received_at), condition


def _epoch(column: ColumnElement) -> ColumnElement:
    """SQLite: whole seconds since 1970 of a stored timestamp (UTC)."""
    return cast(func.strftime("%s", column), Integer)


def _median_by_rows(
    grouping: str, seconds: ColumnElement, where: list, stored: bool = False
) -> Select:
    """The median without a percentile function: number each group's values in order and
    average the middle one (odd count) or two (even count): ``n <= 2 * row <= n + 2``."""
    key = group_key(grouping, ComplaintCase if stored else None)
    partition = {"partition_by": key} if key is not None else {}
    values = _from_cases(
        select(
            (key if key is not None else literal(None)).label("key"),
            seconds.label("seconds"),
            func.row_number().over(order_by=seconds, **partition).label("position"),
            func.count().over(**partition).label("size"),
        ),
        grouping,
        stored,
    ).where(*where)
    numbered = values.subquery("numbered")
    middle = (2 * numbered.c.position).between(numbered.c.size, numbered.c.size + 2)
    return (
        select(numbered.c.key, func.avg(numbered.c.seconds).label("seconds"))
        .where(middle)
        .group_by(numbered.c.key)
    )
