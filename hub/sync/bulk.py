"""Writing many new rows at once, and looking rows up by many keys.

An INSERT run by SQLAlchemy for many rows builds a dictionary of parameters for each row and
converts it value by value; on PostgreSQL each row is then still a statement for the server to
parse and plan (the hub's connections prepare nothing). :func:`insert_rows` converts each row
once, with the column types' own conversions, and sends the rows as one COPY on PostgreSQL and
as one executemany of the driver on SQLite. :func:`insert_with_ids` also gives the new rows' ids
without a RETURNING of every row: taken from the sequence first on PostgreSQL, read back by
their range of ids on SQLite (whose writer holds the database's write lock). :func:`add_to_rows`
adds counts to rows by their keys, as one statement over arrays on PostgreSQL, and
:func:`add_selected` those a SELECT counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy import (
    ARRAY,
    JSON,
    Column,
    Select,
    Table,
    any_,
    bindparam,
    exc,
    func,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import Null

from hub.db import json_text
from hub.models.base import UTCDateTime


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def among(session: Session, column: Any, values: Sequence[Any]) -> Any:
    """``column IN values``; on PostgreSQL ``column = ANY(array)``: one parameter for the
    server to parse and plan, where ``IN`` takes one a value."""
    if not is_postgresql(session):
        return column.in_(values)
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (each with the same keys, columns of ``table``) in the session's
    transaction. What the database refuses raises SQLAlchemy's error for it, as
    ``session.execute(insert(table), rows)`` would, and so does a value its column refuses."""
    if not rows:
        return
    columns = [column for column in table.columns if column.name in rows[0]]
    _check_defaults(table, {column.name for column in columns})
    connection = session.connection()
    dialect = connection.dialect
    names = ", ".join(column.name for column in columns)
    if dialect.name == "postgresql":
        statement = f"COPY {table.name} ({names}) FROM STDIN"
    else:
        marks = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
    try:
        values = _converted(dialect, columns, rows)
    except (TypeError, ValueError) as error:
        raise exc.StatementError(str(error), statement, None, error) from error
    if dialect.name != "postgresql":
        connection.exec_driver_sql(statement, values)
        return
    try:
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in values:
                copy.write_row(row)
    except dialect.loaded_dbapi.Error as error:
        raise exc.DBAPIError.instance(statement, None, error, dialect.loaded_dbapi.Error) from error


def insert_with_ids(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], key: str
) -> dict[Any, int]:
    """Insert ``rows`` as :func:`insert_rows` does; the ids they were given, by their ``key``
    column (unique among them)."""
    if not rows:
        return {}
    if is_postgresql(session):
        sequence = func.pg_get_serial_sequence(table.name, "id")
        series = func.generate_series(1, len(rows)).table_valued("n")
        ids = session.connection().execute(select(func.nextval(sequence)).select_from(series))
        ids = ids.scalars().all()
        given = dict(zip([row[key] for row in rows], ids, strict=True))
        insert_rows(session, table, [{"id": given[row[key]], **row} for row in rows])
        return given
    before = session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    insert_rows(session, table, rows)
    return dict(session.execute(select(table.c[key], table.c.id).where(table.c.id > before)).all())


def add_to_rows(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], counters: Sequence[str]
) -> None:
    """Add each row's ``counters`` to those of the row of ``table`` with the same primary key,
    inserting the rows missing. The keys must be unique among ``rows``. On PostgreSQL the rows go
    as one array a column, unnested in one INSERT … ON CONFLICT; on SQLite as one executemany."""
    if not rows:
        return
    if not is_postgresql(session):
        statement = _adding(sqlite.insert(table), table, counters)
        session.connection().execute(statement, list(rows))
        return
    columns = [column for column in table.columns if column.name in rows[0]]
    arrays = [
        bindparam(None, [row[column.name] for row in rows], type_=ARRAY(column.type))
        for column in columns
    ]
    names = [column.name for column in columns]
    unnested = select(func.unnest(*arrays).table_valued(*names).render_derived())
    add_selected(session, table, names, unnested, counters)


def add_selected(
    session: Session, table: Table, names: Sequence[str], selected: Select, counters: Sequence[str]
) -> None:
    """Add the ``counters`` of each row that ``selected`` gives (its columns are ``names`` of
    ``table``, one row a key) to the row of ``table`` with the same primary key, inserting the
    rows missing: one INSERT … SELECT … ON CONFLICT (with a WHERE, which SQLite needs to tell
    its ON from a join's)."""
    dialect = postgresql if is_postgresql(session) else sqlite
    selected = selected.where(true())
    statement = dialect.insert(table).from_select(list(names), selected)
    session.connection().execute(_adding(statement, table, counters))


def _adding(statement: Any, table: Table, counters: Sequence[str]) -> Any:
    """``statement`` (an INSERT of ``table``) adding ``counters`` to the row a key already has."""
    keys = [column.name for column in table.primary_key.columns]
    added = {name: table.c[name] + statement.excluded[name] for name in counters}
    return statement.on_conflict_do_update(index_elements=keys, set_=added)


UTC_ISO_LENGTH = len("2026-11-02 08:00:00.000000")
"""A timestamp's ISO form without its offset (the datetime library pads years to four digits)."""


def sqlite_time(value: datetime | None) -> str | None:
    """A timestamp as SQLAlchemy writes a :class:`UTCDateTime` on SQLite, in UTC (a naive one
    is refused), with as few calls of the datetime library as it takes."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime: timestamps must carry a timezone")
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:UTC_ISO_LENGTH]


def aware_time(value: datetime | None) -> datetime | None:
    """A timestamp as PostgreSQL takes it (a naive one is refused): the server keeps it in UTC."""
    if value is not None and value.tzinfo is None:
        raise ValueError("naive datetime: timestamps must carry a timezone")
    return value


def _json_copied(none_as_null: bool, value: Any) -> str | None:
    """A JSON column's value as COPY takes it, as SQLAlchemy binds it: None is JSON's null
    unless the column stores it as SQL NULL."""
    if isinstance(value, Null) or (value is None and none_as_null):
        return None
    return json_text(None if value is JSON.NULL else value)


def _converted(
    dialect: Dialect, columns: list[Column], rows: Sequence[Mapping[str, Any]]
) -> list[tuple]:
    converters = [(column.name, _converter(dialect, column)) for column in columns]
    return [
        tuple(row[name] if convert is None else convert(row[name]) for name, convert in converters)
        for row in rows
    ]


def _converter(dialect: Dialect, column: Column) -> Callable[[Any], Any] | None:
    """What SQLAlchemy would do to a value of ``column`` before giving it to the driver."""
    if isinstance(column.type, UTCDateTime):
        return sqlite_time if dialect.name == "sqlite" else aware_time
    implemented = column.type.dialect_impl(dialect)
    if isinstance(implemented, JSON) and dialect.name == "postgresql":
        return partial(_json_copied, implemented.none_as_null)
    return implemented.bind_processor(dialect)


def _check_defaults(table: Table, given: set[str]) -> None:
    """The model's own defaults are not applied here: every column that has one must be given."""
    missing = [c.name for c in table.columns if c.default is not None and c.name not in given]
    if missing:
        raise ValueError(f"inserting into {table.name} needs values of {', '.join(missing)}")
