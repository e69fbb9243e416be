"""Daily digest benchmark: the digest for P people over N complaints on PostgreSQL.

    .venv/bin/python bench/digest.py                 # N = 1,000,000 complaints, P = 1,000 people
    .venv/bin/python bench/digest.py -n 200000 --people 500

It creates a scratch database (on SIMPUL_BENCH_POSTGRES_URL, default the local server's
``test`` database, where it is created and dropped) and fills it in a few ``INSERT ... SELECT
FROM generate_series`` statements: N complaints, records and their cases, spread unevenly over
the kelurahan of the bundled areas (Jakarta Timur, Tangerang, Manado) and Qlue's categories
(each routed to its agency with its service levels), received over the last 90 days, about 15%
answered; and P people: ward staff of kelurahan and of kecamatan, agency heads, and officers of
an agency within a kecamatan.

Then, in a fresh child process (so that its peak memory is the digest's alone), it runs the
periodic task ``digest.send_due`` tick after tick until everyone has had theirs, and prints, at
N and at N/10:
- the whole digest's time and ticks (target: under 60 s at N = 1,000,000), against a baseline
  measured in the same child: one plain ``COUNT(*) ... GROUP BY area_code`` of the open cases
  once a tick (the least a tick that reads the open work can do), and against the digest at
  N/10;
- the peak memory (RSS) of the child at N and at N/10, and their ratio (target: flat, near 1).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import timedelta

import psycopg
from rankings import FILL, add_source_and_categories, drop_database, libpq, scratch_database
from sqlalchemy import func, select

from features.complaints import digest
from features.complaints.routing import DEFAULT_AGENCIES
from hub.app import create_app
from hub.areas import import_areas
from hub.config import Settings
from hub.models import Area, Base, Notification
from hub.models.base import utcnow
from hub.state import current_hub

BASELINE = """SELECT area_code, count(*) FROM complaint_cases
              WHERE status NOT IN ('resolved', 'closed') GROUP BY area_code"""


def bench_app(url: str):
    settings = Settings(
        database_url=url,
        strict_plugins=True,
        secret_key="bench",
        sections={"notify": {"digest_hour": 0}},
    )
    return create_app(settings)


def people(villages: list[str], districts: list[str], count: int) -> list[tuple]:
    """``count`` people, in turns: two ward staff per kelurahan, three per kecamatan, two heads
    per agency, then officers of each agency in each kecamatan."""
    agencies = [agency.code for agency in DEFAULT_AGENCIES]
    wanted = [
        *(("ward_staff", village, None) for village in villages for _ in range(2)),
        *(("ward_staff", district, None) for district in districts for _ in range(3)),
        *(("officer", None, agency) for agency in agencies for _ in range(2)),
    ]
    pairs = [(district, agency) for district in districts for agency in agencies]
    while len(wanted) < count:
        district, agency = pairs[len(wanted) % len(pairs)]
        wanted.append(("officer", district, agency))
    return [
        (f"person{number}", "-", role, area, agency, True, 0)
        for number, (role, area, agency) in enumerate(wanted[:count], start=1)
    ]


def fill(url: str, size: int, count: int) -> None:
    """Schema, areas, one source, ``size`` complaints with their cases and ``count`` people,
    the indexes built after the rows; then VACUUM ANALYZE."""
    hub = current_hub(bench_app(url))
    Base.metadata.create_all(hub.db.engine)
    import_areas(hub.db)
    with hub.db.read_session() as session:
        areas = session.execute(select(Area.level, Area.code).order_by(Area.code)).all()
    hub.db.dispose()
    villages = [code for level, code in areas if level == "village"]
    districts = [code for level, code in areas if level == "district"]
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        source = add_source_and_categories(connection)
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO users (username, password_hash, role, area_code, agency_code,"
                " active, session_version, full_name, created_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, '', now())",
                people(villages, districts, count),
            )
        connection.execute("SELECT setseed(0.42)")
        indexes = drop_indexes(connection, ("records", "complaint_cases"))
        for statement in FILL:
            connection.execute(
                statement, {"n": size, "source": source} if "%(" in statement else None
            )
        for statement in indexes:
            connection.execute(statement)
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


def measure_digest(url: str) -> dict:
    """Child process: the plain GROUP BY, then the digest ticks until everyone had theirs."""
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        connection.execute(BASELINE).fetchall()
        started = time.perf_counter()
        connection.execute(BASELINE).fetchall()
        baseline = time.perf_counter() - started
    app = bench_app(url)
    hub = current_hub(app)
    now, ticks, looked_at = utcnow(), 0, 0
    started = time.perf_counter()
    with app.app_context():
        while seen := digest.send_due(hub, now + timedelta(microseconds=ticks)):
            ticks, looked_at = ticks + 1, looked_at + seen
    seconds = time.perf_counter() - started
    with hub.db.read_session() as session:
        told = session.scalar(select(func.count()).select_from(Notification))
    return {
        "seconds": seconds,
        "ticks": ticks,
        "people": looked_at,
        "told": told,
        "baseline_seconds": baseline,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def in_child(function: str, *args: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", function, *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def measured(size: int, count: int) -> dict:
    """Fill a scratch database with ``size`` complaints and ``count`` people; the digest's
    figures over it."""
    url = scratch_database()
    try:
        started = time.perf_counter()
        fill(url, size, count)
        filled = time.perf_counter() - started
        return {**in_child("digest", url), "filled_seconds": filled, "size": size}
    finally:
        drop_database(url)


def report(figures: dict) -> None:
    floor = figures["ticks"] * figures["baseline_seconds"]
    print(
        f"N = {figures['size']:>9,} (filled in {figures['filled_seconds']:5.1f} s):"
        f" digest for {figures['people']:,} people ({figures['told']:,} told) in"
        f" {figures['ticks']} ticks {figures['seconds']:6.2f} s; plain GROUP BY"
        f" {figures['baseline_seconds'] * 1000:6.1f} ms, once a tick {floor:5.2f} s;"
        f" ratio {figures['seconds'] / floor:5.1f}"
    )


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps(measure_digest(sys.argv[3])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="complaints (default 1,000,000)")
    parser.add_argument("--people", type=int, default=1000, help="people (default 1,000)")
    options = parser.parse_args()
    print(f"== PostgreSQL, {options.people:,} people, {digest.BATCH} a tick")
    small = measured(max(options.n // 10, 1000), options.people)
    report(small)
    full = measured(options.n, options.people)
    report(full)
    print(
        f"digest at N: {full['seconds']:.1f} s   (target < 60 s); at N / N/10:"
        f" {full['seconds'] / small['seconds']:.2f}"
    )
    print(
        f"peak RSS: {full['peak_rss_mb']:.0f} MB at N = {full['size']:,},"
        f" {small['peak_rss_mb']:.0f} MB at N = {small['size']:,},"
        f" ratio {full['peak_rss_mb'] / small['peak_rss_mb']:.2f}   (target: close to 1)"
    )


if __name__ == "__main__":
    main()
