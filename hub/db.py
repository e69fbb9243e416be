"""Engine and sessions for the configured database (SQLite or PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker


class Database:
    """One engine and session factory per app (and per worker process)."""

    def __init__(self, url: str, pool_size: int = 5, max_overflow: int = 10) -> None:
        self.url = make_url(url)
        self.engine = _create_engine(url, pool=(pool_size, max_overflow))
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        reader = _create_engine(url, for_reading=True) if self.is_sqlite else self.engine
        self.readers = sessionmaker(reader, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error.

        On SQLite it takes the write lock at once, so concurrent writers wait their turn
        instead of failing when a read turns into a write.
        """
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reading only (the portal's pages); never committed."""
        with self.readers() as session:
            yield session

    def refresh_statistics(self) -> list[str]:
        """On PostgreSQL, analyze the tables of the current schema changed by more than a fifth
        (and 1,000 rows) since their last analysis, so that the planner of the next queries
        knows their size (a table filled by a first sync is otherwise planned as empty until
        autovacuum comes); return their names. Analyzed with a statistics target of
        :data:`STATISTICS_TARGET` (a sample of 3,000 rows where the default takes 30,000): the
        size and the common values, at a fraction of the time; autovacuum's analysis later
        takes the full sample. SQLite's planner needs no statistics
        to use an index."""
        if self.is_sqlite:
            return []
        with self.engine.connect() as connection:
            stale = connection.execute(STALE_TABLES).scalars().all()
            connection.exec_driver_sql(f"SET LOCAL default_statistics_target = {STATISTICS_TARGET}")
            for name in stale:
                connection.exec_driver_sql(f'ANALYZE "{name}"')
            connection.commit()
        return list(stale)

    def dispose(self) -> None:
        self.engine.dispose()
        self.readers.kw["bind"].dispose()


STATISTICS_TARGET = 10
"""The statistics target of a sync's own analysis (the server's default is 100)."""
STALE_TABLES = text(
    "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema()"
    " AND n_mod_since_analyze > GREATEST(1000, n_live_tup / 5) ORDER BY relname"
)


def _create_engine(url: str, for_reading: bool = False, pool: tuple[int, int] = (5, 10)) -> Engine:
    """An engine for ``url``; on a database server, with a pool of ``pool`` (connections kept,
    and more opened while busy) per process."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=pool[0],
            max_overflow=pool[1],
            connect_args=_server_arguments(parsed),
            json_serializer=json_text,
        )
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30}, json_serializer=json_text)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin_deferred if for_reading else _sqlite_begin)
    return engine


ORJSON_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def json_text(value: Any) -> str:
    """A JSON column's value as the database stores it, written by orjson (several times faster
    than the json module); what orjson cannot write (an integer beyond 64 bits) by the json
    module, which refuses what both refuse (a datetime, a set)."""
    try:
        return orjson.dumps(value, option=ORJSON_OPTIONS).decode()
    except TypeError:
        return json.dumps(value)


WORK_MEM = "16MB"
"""Memory a sort or hash of one query may take before it spills to disk (the server's default
is 4MB): a week's cases grouped for the map, a period's durations sorted for a median."""


def _server_arguments(url: URL) -> dict[str, Any]:
    """psycopg prepares a statement after five runs and may then keep a generic plan made while
    a table was still empty (a sequential scan, for ever); planning each query for its own
    values keeps the sync's lookups on their index. Each connection's ``work_mem`` is
    :data:`WORK_MEM` unless the URL sets its options."""
    arguments: dict[str, Any] = {}
    if url.get_driver_name() == "psycopg":
        arguments["prepare_threshold"] = None
    if "options" not in url.query:
        arguments["options"] = f"-c work_mem={WORK_MEM}"
    return arguments


SQLITE_CACHE_KIB = 32768
"""The pages a SQLite connection keeps in memory, in KiB (SQLite's default is 2 MiB): a sync's
writes to the indexes of large tables then mostly find their pages without reading them again."""
SQLITE_CHECKPOINT_PAGES = 10000
"""The pages the write-ahead log grows to before they are copied into the database (SQLite's
default is 1,000, which a page of a sync passes at each commit): an index page that every page
of a sync changes is then copied once for many commits."""


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_CHECKPOINT_PAGES}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_deferred(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")
