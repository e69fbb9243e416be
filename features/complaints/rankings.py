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
backlog from ``complaint_backlog``; the medians from the durations counted in buckets in
``complaint_durations`` (with the bucketed durations of the cases of the hours at either end),
each within 1% of the exact median (see :mod:`features.complaints.sketch`). Before the rollups
are built, every figure is counted from the cases, the medians exact: PostgreSQL's
``percentile_cont(0.5) WITHIN GROUP``, and on SQLite, which has no percentile function, the
middle row (or the two middle rows) of each group picked with ``row_number() OVER`` and
averaged. Each figure is one SQL aggregate grouped in the database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from features.complaints import rollups
from features.complaints.models import (
    ComplaintBacklog,
    ComplaintCase,
    ComplaintDaily,
    ComplaintDuration,
)
from features.complaints.routing import Routing
from features.complaints.sketch import median_of
from features.complaints.statuses import CLOSED, FINISHED, OPEN, RESOLVED
from features.complaints.wilson import wilson_lower_bound
from hub.api import Area, Record

KELURAHAN, KECAMATAN, AGENCY, CITY = "kelurahan", "kecamatan", "agency", "city"
GROUPINGS = {
    KELURAHAN: _l("Kelurahan"),
    KECAMATAN: _l("Kecamatan"),
    AGENCY: _l("Agency"),
}
"""The groupings a ranking can use, with their titles; ``CITY`` is one row for everything."""

RESPONSE, COMPLETION = rollups.RESPONSE, rollups.COMPLETION
MEDIANS = {RESPONSE: "median_response_hours", COMPLETION: "median_completion_hours"}
NO_AREA, NO_AGENCY, EVERYTHING = _l("No area"), _l("No agency"), _l("All complaints")
SECONDS_PER_HOUR = 3600


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
        return dict(session.execute(backlog_query(grouping, at, scope)).all())
    key = group_key(grouping, ComplaintBacklog)
    query = rollups.backlog_rollup_query(key, scope.clauses_of(ComplaintBacklog))
    found = {rollups.key_of(k): count for k, count in session.execute(query)}
    later = _grouped(grouping, func.count(), stored=True).where(
        ComplaintCase.status == OPEN, ComplaintCase.received_at >= at, *scope.clauses()
    )
    for k, count in session.execute(later):
        found[k] = found.get(k, 0) - count
    return {k: count for k, count in found.items() if count > 0}


def median_query(
    grouping: str,
    measure: str,
    period: Period,
    dialect: str,
    scope: Scope = EVERYWHERE,
) -> Select:
    """Per group: ``key, seconds``, the exact median seconds from receipt to the first response
    (``RESPONSE``) or to the fix (``COMPLETION``), over the complaints that have one."""
    seconds, condition = _duration(measure, dialect)
    where = [condition, *period.clauses(), *scope.clauses()]
    if dialect == "postgresql":
        median = func.percentile_cont(0.5).within_group(seconds)
        return _grouped(grouping, median.label("seconds")).where(*where)
    return _median_by_rows(grouping, seconds, where)


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
    for measure, key, seconds in _medians(session, grouping, period, scope):
        if seconds is not None:
            hours = float(seconds) / SECONDS_PER_HOUR
            setattr(figures.setdefault(key, Figures(key)), MEDIANS[measure], hours)
    return figures


def _medians(
    session: Session, grouping: str, period: Period, scope: Scope
) -> list[tuple[str, str | None, float | None]]:
    """``(measure, key, seconds)``: each group's median of each measure, from the rollups'
    buckets when they are built."""
    state = rollups.state_of(session)
    dialect = session.get_bind().dialect.name
    if state is None:
        return [
            (measure, key, seconds)
            for measure in MEDIANS
            for key, seconds in session.execute(
                median_query(grouping, measure, period, dialect, scope)
            )
        ]
    query = sketched_median_query(grouping, period, scope, state, dialect)
    return [
        (measure, rollups.key_of(key), median_of(lower, upper))
        for measure, key, lower, upper in session.execute(query)
    ]


def sketched_median_query(
    grouping: str, period: Period, scope: Scope, state: rollups.State, dialect: str
) -> Select:
    """Per measure and group: ``measure, key, lower, upper``, the buckets of the group's two
    middle durations (one and the same for an odd count): counted in ``complaint_durations``
    for the whole days of ``period``, bucketed from the cases for the hours before the first
    midnight and after the last.

    In a group of ``total`` durations in bucket order, the middle ones are at (0-based)
    positions ``(total - 1) // 2`` and ``total // 2``; a bucket with ``before`` durations in
    the buckets below it holds position ``p`` when ``before <= p < before + count``, that is,
    for these two, when ``2 * before <= total - 1`` (or ``total``) ``< 2 * (before + count)``.
    """
    rows = union_all(*_bucketed(grouping, period, scope, state, dialect)).subquery("durations")
    parts = (rows.c.measure, rows.c.key)
    summed = (
        select(*parts, rows.c.bucket, func.sum(rows.c.count).label("count"))
        .group_by(*parts, rows.c.bucket)
        .subquery("summed")
    )
    window = {"partition_by": (summed.c.measure, summed.c.key)}
    placed = select(
        summed.c.measure,
        summed.c.key,
        summed.c.bucket,
        (summed.c.count * 2).label("width"),
        (func.sum(summed.c.count).over(order_by=summed.c.bucket, **window) * 2).label("upto"),
        func.sum(summed.c.count).over(**window).label("total"),
    ).subquery("placed")
    start = placed.c.upto - placed.c.width

    def holds(position: ColumnElement) -> ColumnElement[bool]:
        return and_(start <= position, position < placed.c.upto)

    lower, upper = holds(placed.c.total - 1), holds(placed.c.total)
    return (
        select(
            placed.c.measure,
            placed.c.key,
            func.min(case((lower, placed.c.bucket))).label("lower"),
            func.max(case((upper, placed.c.bucket))).label("upper"),
        )
        .where(lower | upper)
        .group_by(placed.c.measure, placed.c.key)
    )


def _bucketed(
    grouping: str, period: Period, scope: Scope, state: rollups.State, dialect: str
) -> list[Select]:
    """``measure, key, bucket, count`` of the durations of ``period``: the rollups' of its
    whole days, and one for each case of the hours at either end."""
    parts = []
    edges = [period]
    days = rollups.whole_days(period.start, period.end, state.zone)
    if days is not None:
        first, last = days
        key = group_key(grouping, ComplaintDuration)
        where = scope.clauses_of(ComplaintDuration)
        parts.append(rollups.durations_query(key, first, last, where))
        whole = Period(rollups.midnight(first, state.zone), rollups.midnight(last, state.zone))
        edges = [Period(period.start, whole.start), Period(whole.end, period.end)]
    key = _key_column(group_key(grouping, ComplaintCase))
    one = literal_column("1").label("count")
    for measure in MEDIANS:
        end, condition = rollups.measured(measure)
        bucket = cast(rollups.bucket_sql(end, dialect), Integer).label("bucket")
        bucketed = select(literal(measure).label("measure"), key, bucket, one)
        for edge in edges:
            if edge.start < edge.end:
                query = _from_cases(bucketed, grouping, stored=True)
                parts.append(query.where(condition, *edge.clauses(), *scope.clauses()))
    return parts


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
    for row in session.execute(query):
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
    key = group_key(grouping, ComplaintDaily)
    query = rollups.daily_query(key, first, last, scope.clauses_of(ComplaintDaily))
    figures: dict[str | None, Figures] = {}
    for row in session.execute(query):
        figures[rollups.key_of(row.key)] = Figures(
            rollups.key_of(row.key),
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
    for key, change in session.execute(_overdue_since(grouping, whole, at, scope, state)):
        if change:
            figures.setdefault(key, Figures(key)).overdue += change
    return figures


def _overdue_since(grouping: str, whole: Period, at: datetime, scope: Scope, state) -> Select:
    """Per group: how many more of the complaints received in ``whole`` are overdue at ``at``
    than the rollups count (overdue before their ``overdue_until``): a range of the
    ``overdue_at`` index between the two moments."""
    until = state.overdue_until
    low, high, sign = (until, at, 1) if until <= at else (at, until, -1)
    between = [ComplaintCase.overdue_at >= low, ComplaintCase.overdue_at < high]
    return _grouped(grouping, (sign * func.count()).label("change"), stored=True).where(
        *between, *whole.clauses(), *scope.clauses()
    )


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
    names = dict(session.execute(select(Area.code, Area.name).where(Area.code.in_(codes))).all())
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
    """The seconds from receipt to the measured moment (0 for a moment before it, a source's
    clock behind), and which complaints have one."""
    end, condition = rollups.measured(measure)
    if dialect == "postgresql":
        return func.greatest(extract("epoch", end - ComplaintCase.received_at), 0), condition
    return func.max(_epoch(end) - _epoch(ComplaintCase.received_at), 0), condition


def _epoch(column: ColumnElement) -> ColumnElement:
    """SQLite: whole seconds since 1970 of a stored timestamp (UTC)."""
    return cast(func.strftime("%s", column), Integer)


def _median_by_rows(grouping: str, seconds: ColumnElement, where: list) -> Select:
    """The median without a percentile function: number each group's values in order and
    average the middle one (odd count) or two (even count): ``n <= 2 * row <= n + 2``."""
    key = group_key(grouping)
    partition = {"partition_by": key} if key is not None else {}
    values = _from_cases(
        select(
            _key_column(key),
            seconds.label("seconds"),
            func.row_number().over(order_by=seconds, **partition).label("position"),
            func.count().over(**partition).label("size"),
        ),
        grouping,
    ).where(*where)
    numbered = values.subquery("numbered")
    middle = (2 * numbered.c.position).between(numbered.c.size, numbered.c.size + 2)
    return (
        select(numbered.c.key, func.avg(numbered.c.seconds).label("seconds"))
        .where(middle)
        .group_by(numbered.c.key)
    )
