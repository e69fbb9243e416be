"""Rankings benchmark: the rankings and the weekly report over N complaints on PostgreSQL.

    .venv/bin/python bench/rankings.py               # N = 1,000,000
    .venv/bin/python bench/rankings.py -n 100000 --runs 5

It creates a scratch database (on SIMPUL_BENCH_POSTGRES_URL, default the local server's
``test`` database, where it is created and dropped) and fills it with N complaints, records and
their cases (with the kecamatan, city and overdue moment the hub keeps on each), in a few
``INSERT ... SELECT FROM generate_series`` statements: spread unevenly over the kelurahan of
the bundled areas and Qlue's categories (each routed to its agency with its service levels),
received over the last 90 days, and about 15% answered, as in Jakarta.

It then builds the rollups (``simpul complaints rebuild-rollups``) and times (the median of
``--runs`` runs after a warm-up, the hub and the from-scratch SQL in turns), in the same run:
- each figure of the rankings (counts, the two medians, the red backlog) per kelurahan,
  kecamatan and agency over the 90 days, through the hub (reading the rollups; the medians
  from the period's cases through covering indexes) and as the from-scratch aggregate over
  the cases written by hand, a plain GROUP BY run with the raw driver (psycopg, planning each
  query as the hub's connections do);
- the hub's whole ranking per grouping, its rankings page (as the page asks: the last seven
  local days, today's included) and its weekly report (last full week against the week
  before), for the city and for one kecamatan, against the sum of the from-scratch queries
  they stand for, and against the SQL the hub ran for them, captured and replayed with the raw
  driver (the rollup read they do);
and prints each time, the speed-up from-scratch / hub and the ratio hub / its SQL (targets at
1M: a speed-up of 20 for the weekly report and the rankings page, within 1.5 of their SQL; a
kecamatan's report as fast as the city's). It ends with the plans' use of indexes for the
weekly queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from features.complaints import rollups
from features.complaints.rankings import (
    AGENCY,
    CITY,
    COMPLETION,
    KECAMATAN,
    KELURAHAN,
    RESPONSE,
    Period,
    Scope,
    backlogs,
    median_query,
    period_counts,
    rank,
    total_of,
)
from features.complaints.routing import DEFAULT_CATEGORIES, Routing
from features.complaints.views.rankings import DEFAULT_DAYS, RankingChoice
from features.complaints.weekly import IsoWeek, weekly_report
from hub.areas import import_areas
from hub.db import Database
from hub.models import Base
from hub.models.base import utcnow

POSTGRES = os.environ.get(
    "SIMPUL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ZONE = ZoneInfo("Asia/Jakarta")
DAYS = 90
KECAMATAN_CODE = "31.75.10"
"""The kecamatan (Cipayung) of the one-kecamatan report."""

LIVE = "NOT EXISTS (SELECT 1 FROM records r WHERE r.id = c.record_id AND r.deleted_at IS NOT NULL)"
"""Not deleted by its source, as written by hand."""

KEYS = {
    KELURAHAN: ("c.area_code", ""),
    KECAMATAN: (
        "CASE WHEN a.level = 'village' THEN a.parent_code"
        " WHEN a.level = 'district' THEN a.code END",
        "LEFT JOIN areas a ON a.code = c.area_code",
    ),
    AGENCY: ("c.agency_code", ""),
    CITY: ("NULL", ""),
}
"""Each grouping's key and join, as written by hand."""

BARE = {
    "counts": """
        SELECT {key}, count(*), count(c.first_response_at),
               count(*) FILTER (WHERE c.status = 'closed'),
               count(*) FILTER (WHERE (c.first_response_at IS NULL
                                       AND c.response_due_at < %(now)s)
                                   OR (c.status NOT IN ('resolved', 'closed')
                                       AND c.completion_due_at < %(now)s))
        FROM complaint_cases c {join}
        WHERE {live} AND c.received_at >= %(start)s AND c.received_at < %(end)s {scope}
        {group}""",
    RESPONSE: """
        SELECT {key}, percentile_cont(0.5) WITHIN GROUP
               (ORDER BY extract(epoch FROM c.first_response_at - c.received_at))
        FROM complaint_cases c {join}
        WHERE {live} AND c.first_response_at IS NOT NULL
          AND c.received_at >= %(start)s AND c.received_at < %(end)s {scope}
        {group}""",
    COMPLETION: """
        SELECT {key}, percentile_cont(0.5) WITHIN GROUP
               (ORDER BY extract(epoch FROM c.resolved_at - c.received_at))
        FROM complaint_cases c {join}
        WHERE {live} AND c.status = 'resolved' AND c.resolved_at IS NOT NULL
          AND c.received_at >= %(start)s AND c.received_at < %(end)s {scope}
        {group}""",
    "backlog": """
        SELECT {key}, count(*)
        FROM complaint_cases c {join}
        WHERE {live} AND c.status = 'open' AND c.received_at < %(now)s {scope}
        {group}""",
}
"""The plain aggregates over the cases, as one would write them by hand: the from-scratch
baseline."""
WITHIN = "AND (c.area_code = %(area)s OR c.area_code LIKE %(area)s || '.%%')"
"""Within one area, as the cases were filtered before they knew their kecamatan."""

FILL = [
    """CREATE TEMP TABLE bench_villages AS
       SELECT row_number() OVER (ORDER BY code) AS n, code FROM areas WHERE level = 'village'""",
    """CREATE UNLOGGED TABLE bench_complaints AS
       WITH picks AS (
         SELECT i,
                1 + floor(power(random(), 1.7) * (SELECT count(*) FROM bench_villages))::int
                  AS village,
                1 + floor(power(random(), 2) * (SELECT count(*) FROM bench_categories))::int
                  AS category,
                now() - random() * interval '90 days' AS received,
                random() AS fate, random() AS speed
         FROM generate_series(1, %(n)s) AS i)
       SELECT p.i AS id, v.code AS area_code, c.name AS category, c.agency,
              p.received,
              p.received + c.response_hours * interval '1 hour' AS response_due,
              p.received + c.completion_hours * interval '1 hour' AS completion_due,
              CASE WHEN p.fate < 0.85 THEN 'open' WHEN p.fate < 0.88 THEN 'in_progress'
                   WHEN p.fate < 0.90 THEN 'disposition' WHEN p.fate < 0.97 THEN 'resolved'
                   ELSE 'closed' END AS status,
              least(now(), p.received + power(p.speed, 2) * interval '96 hours') AS answered,
              least(now(), p.received + p.speed * interval '240 hours') AS finished,
              random() < 0.003 AS deleted
       FROM picks p
       JOIN bench_villages v ON v.n = p.village
       JOIN bench_categories c ON c.n = p.category""",
    """INSERT INTO records (id, source_id, external_id, kind, status, category, area_code,
                           title, created_at, updated_at, attributes, payload, content_hash,
                           first_seen_at, stored_at, deleted_at)
       SELECT id, %(source)s, id::text, 'complaint', status, category, area_code,
              category || ' #' || id, received, received, '{}', '{}', md5(id::text),
              received, received, CASE WHEN deleted THEN now() END
       FROM bench_complaints""",
    """INSERT INTO complaint_cases (record_id, status, category, area_code, agency_code,
                                   received_at, first_response_at, resolved_at,
                                   response_due_at, completion_due_at, reopened, updated_at,
                                   district_code, regency_code, source_deleted, overdue_at)
       SELECT id, status, category, area_code, agency, received,
              CASE WHEN status <> 'open' THEN answered END,
              CASE WHEN status IN ('resolved', 'closed') THEN greatest(answered, finished) END,
              response_due, completion_due, 0, now(),
              array_to_string((string_to_array(area_code, '.'))[1:3], '.'),
              array_to_string((string_to_array(area_code, '.'))[1:2], '.'),
              deleted,
              CASE WHEN status = 'open' THEN least(response_due, completion_due)
                   WHEN status IN ('in_progress', 'disposition') THEN completion_due END
       FROM bench_complaints""",
    "SELECT setval(pg_get_serial_sequence('records', 'id'), (SELECT max(id) FROM records))",
    "DROP TABLE bench_complaints",
]


def scratch_database() -> str:
    name = f"simpul_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        name = make_url(url).database
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def add_source_and_categories(connection: psycopg.Connection) -> int:
    """The bench's source, and the temporary table of the routed categories ``FILL`` reads;
    the source's id."""
    source = connection.execute(
        "INSERT INTO sources (name, type, enabled, interval_seconds, next_run_at,"
        " consecutive_failures, full_sync_requested, created_at)"
        " VALUES ('qlue-bench', 'qlue', true, 300, now(), 0, false, now()) RETURNING id"
    ).fetchone()[0]
    connection.execute(
        "CREATE TEMP TABLE bench_categories"
        " (n int, name text, agency text, response_hours int, completion_hours int)"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_categories VALUES (%s, %s, %s, %s, %s)",
            [
                (n, rule.category, rule.agency, rule.response_hours, rule.completion_hours)
                for n, rule in enumerate(DEFAULT_CATEGORIES, start=1)
            ],
        )
    return source


def fill(url: str, size: int) -> None:
    """Schema, areas, one source and ``size`` complaints with their cases, the indexes built
    after the rows; then VACUUM ANALYZE."""
    database = Database(url)
    Base.metadata.create_all(database.engine)
    import_areas(database)
    database.dispose()
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        source = add_source_and_categories(connection)
        connection.execute("SELECT setseed(0.42)")
        indexes = drop_indexes(connection, ("records", "complaint_cases"))
        for statement in FILL:
            connection.execute(
                statement, {"n": size, "source": source} if "%(" in statement else None
            )
        for statement in indexes:
            connection.execute(statement)
    database = Database(url)
    started = time.perf_counter()
    with database.session() as session:
        rollups.rebuild(session, ZONE)
    print(f"rollups rebuilt in {time.perf_counter() - started:.1f} s")
    database.dispose()
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def drop_indexes(connection: psycopg.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the secondary indexes of ``tables`` (a bulk load is faster without them); return
    the statements that create them again."""
    rows = connection.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
        " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        (list(tables),),
    ).fetchall()
    for name, _definition in rows:
        connection.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in rows]


def seconds(function: Callable[[], Any]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def bare_sql(figure: str, grouping: str, within: bool = False) -> str:
    key, join = KEYS[grouping]
    group = "" if grouping == CITY else "GROUP BY 1"
    scope = WITHIN if within else ""
    return BARE[figure].format(key=key, join=join, group=group, live=LIVE, scope=scope)


class Bench:
    """Both ways of running each query, against one filled database."""

    def __init__(self, url: str, runs: int) -> None:
        self.database = Database(url)
        self.raw = psycopg.connect(libpq(url), autocommit=True, prepare_threshold=None)
        self.runs = runs
        self.now = utcnow()
        self.today = datetime.now(ZONE).date()
        self.week = IsoWeek.containing(self.today).previous()
        self.routing = Routing()

    def close(self) -> None:
        self.raw.close()
        self.database.dispose()

    def hub_query(self, query: Any) -> Callable[[], Any]:
        def run() -> Any:
            with self.database.read_session() as session:
                return session.execute(query).all()

        return run

    def hub_call(self, function: Callable[..., Any], *arguments: Any) -> Callable[[], Any]:
        def run() -> Any:
            with self.database.read_session() as session:
                return function(session, *arguments)

        return run

    def bare(self, statements: list[tuple[str, dict]]) -> Callable[[], Any]:
        def run() -> Any:
            return [self.raw.execute(sql, values).fetchall() for sql, values in statements]

        return run

    def figure_queries(
        self, grouping: str, period: Period
    ) -> list[tuple[str, Callable[[], Any], list[tuple[str, dict]]]]:
        """(name, the hub's way, the from-scratch statements with their values) of each figure
        the rankings read."""
        values = {"start": period.start, "end": period.end, "now": self.now}

        def median(measure: str) -> Callable[[], Any]:
            query = median_query(grouping, measure, period, "postgresql", stored=True)
            return self.hub_query(query)

        counts = self.hub_call(period_counts, grouping, period, self.now)
        return [
            ("counts", counts, [(bare_sql("counts", grouping), values)]),
            ("median response", median(RESPONSE), [(bare_sql(RESPONSE, grouping), values)]),
            ("median completion", median(COMPLETION), [(bare_sql(COMPLETION, grouping), values)]),
            (
                "red backlog",
                self.hub_call(backlogs, grouping, self.now),
                [(bare_sql("backlog", grouping), values)],
            ),
        ]

    def compare(
        self, label: str, hub: Callable[[], Any], bare: Callable[[], Any], replay: bool = False
    ) -> float:
        """Time both ways, each warmed up once, then in turns (so that both meet the same load
        on the machine); print the medians and the speed-up; return the hub's seconds. With
        ``replay``, time the SQL the hub ran too, replayed with the raw driver."""
        ran = self.captured(hub)
        bare()
        ways = [hub, bare, self.bare(ran)] if replay else [hub, bare]
        turns = [[seconds(way) for way in ways] for _ in range(self.runs)]
        medians = [statistics.median(way) for way in zip(*turns, strict=True)]
        hub_seconds, bare_seconds, *own = medians
        line = (
            f"{label:<40} hub {hub_seconds * 1000:9.1f} ms"
            f"   from scratch {bare_seconds * 1000:9.1f} ms"
            f"   speed-up {bare_seconds / hub_seconds:7.1f}"
        )
        if own:
            ratio = hub_seconds / own[0]
            line += f"   its SQL {own[0] * 1000:7.1f} ms   hub / its SQL {ratio:4.2f}"
        print(line)
        return hub_seconds

    def captured(self, run: Callable[[], Any]) -> list[tuple[str, Any]]:
        """Run ``run`` once; return the statements it sent, with their values."""
        ran: list[tuple[str, Any]] = []

        def keep(_connection, _cursor, statement, values, _context, _many) -> None:
            ran.append((statement, values))

        event.listen(self.database.engine, "before_cursor_execute", keep)
        try:
            run()
        finally:
            event.remove(self.database.engine, "before_cursor_execute", keep)
        return [(sql, values) for sql, values in ran if sql.lstrip().upper().startswith("SELECT")]

    def rankings(self, groupings: tuple[str, ...], figures: bool) -> None:
        """Over the last 90 days: each figure's query (if ``figures``) and the whole ranking."""
        period = Period(self.now - timedelta(days=DAYS), self.now)
        for grouping in groupings:
            statements = []
            for name, hub, bare in self.figure_queries(grouping, period):
                statements += bare
                if figures:
                    self.compare(f"{grouping}: {name}", hub, self.bare(bare))
            self.compare(
                f"{grouping}: whole ranking", self.ranking(period, grouping), self.bare(statements)
            )

    def rankings_page(self) -> None:
        """What the rankings page runs by default: the kelurahan and the city (their total),
        over the last seven local days, today's included."""
        first = self.today - timedelta(days=DEFAULT_DAYS - 1)
        period = RankingChoice(KELURAHAN, first, self.today).period(ZONE)
        statements = [
            statement
            for grouping in (KELURAHAN, CITY)
            for _name, _query, bare in self.figure_queries(grouping, period)
            for statement in bare
        ]

        def page() -> Any:
            with self.database.read_session() as session:
                rows = rank(session, KELURAHAN, period, self.now, self.routing)
                return rows, total_of(session, rows, period)

        label = f"rankings page, last {DEFAULT_DAYS} days"
        self.compare(label, page, self.bare(statements), replay=True)

    def ranking(self, period: Period, *groupings: str) -> Callable[[], Any]:
        def run() -> Any:
            with self.database.read_session() as session:
                return [rank(session, each, period, self.now, self.routing) for each in groupings]

        return run

    def weekly(self, area: str | None = None) -> float:
        """The weekly report of the last full week: of the city, per kecamatan and agency, or
        of one kecamatan (``area``), per kelurahan and agency (of the week before, the counts
        it shows)."""
        scope = Scope(area=area)

        def run() -> Any:
            with self.database.read_session() as session:
                return weekly_report(session, self.week, ZONE, self.routing, self.now, scope)

        statements = []
        for grouping in (KELURAHAN if area else KECAMATAN, AGENCY, CITY):
            for week, figures in ((self.week, (RESPONSE, COMPLETION)), (self.week.previous(), ())):
                period = week.period(ZONE)
                values = {"start": period.start, "end": period.end, "now": self.now, "area": area}
                for figure in ("counts", *figures):
                    statements.append((bare_sql(figure, grouping, bool(area)), values))
            values = {"now": self.now, "area": area}
            statements.append((bare_sql("backlog", grouping, bool(area)), values))
        label = f"weekly report {self.week}{f' of {area}' if area else ''}"
        return self.compare(label, run, self.bare(statements), replay=True)

    def plan(self) -> None:
        """The scans of the weekly report's counts query."""
        period = self.week.period(ZONE)
        values = {"start": period.start, "end": period.end, "now": self.now}
        rows = self.raw.execute("EXPLAIN " + bare_sql("counts", KECAMATAN), values).fetchall()
        scans = [row[0].strip(" ->") for row in rows if "Scan" in row[0]]
        print("plan of the weekly counts: " + "; ".join(scans))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="complaints (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per query (default 3)")
    options = parser.parse_args()
    url = scratch_database()
    try:
        started = time.perf_counter()
        fill(url, options.n)
        print(f"== PostgreSQL, N = {options.n:,}: filled in {time.perf_counter() - started:.1f} s")
        print(f"median of {options.runs} runs; rankings over the last {DAYS} days unless said")
        bench = Bench(url, options.runs)
        try:
            bench.rankings((KELURAHAN, KECAMATAN, AGENCY), figures=True)
            bench.rankings_page()
            city = bench.weekly()
            kecamatan = bench.weekly(KECAMATAN_CODE)
            print(f"one kecamatan's weekly report / the city's: {kecamatan / city:.2f}")
            bench.plan()
        finally:
            bench.close()
    finally:
        drop_database(url)


if __name__ == "__main__":
    main()
