"""Writing many new rows at once, and looking rows up by many keys.

An INSERT run by SQLAlchemy for many rows builds a dictionary of parameters for each row and
converts it value by value; on PostgreSQL each row is then still a statement for the server to
parse and plan (the hub's connections prepare nothing). :func:`insert_rows` converts each row
once, with the column types' own conversions, and sends the rows as one COPY on PostgreSQL (in
its binary format where the driver can write every column so) and as one executemany of the
driver on SQLite. :func:`insert_with_ids` also gives the new rows' ids
without a RETURNING of every row: taken from the sequence first on PostgreSQL, read back by
their range of ids on SQLite (whose writer holds the database's write lock). :func:`add_to_rows`
adds counts to rows by their keys, as one statement over arrays on PostgreSQL, and
:func:`add_selected` those a SELECT counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from operator import itemgetter
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
from sqlalchemy.engine import Connection, Dialect
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
    if connection.dialect.name == "postgresql":
        _copy(connection, table, columns, rows)
        return
    names = ", ".join(column.name for column in columns)
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
    converters = _converters(SQLITE, columns)
    connection.exec_driver_sql(statement, _converted(statement, converters, rows))


def _copy(
    connection: Connection, table: Table, columns: list[Column], rows: Sequence[Mapping]
) -> None:
    """One COPY of ``rows``, in PostgreSQL's binary format when the driver can write each
    column's type in it (a third of the text format's time into a table without indexes).
    The rows are converted a batch at a time while the server stores those sent before; a value
    refused then leaves the transaction to be rolled back (to its savepoint)."""
    dbapi = connection.dialect.loaded_dbapi
    names = ", ".join(column.name for column in columns)
    statement = f"COPY {table.name} ({names}) FROM STDIN"
    with connection.connection.driver_connection.cursor() as cursor:
        types = _binary_types(cursor, dbapi, table, columns)
        converters = _converters(BINARY if types else TEXT, columns)
        if types:
            statement += " (FORMAT BINARY)"
        try:
            with cursor.copy(statement) as copy:
                if types:
                    copy.set_types(types)
                for start in range(0, len(rows), COPY_BATCH):
                    batch = rows[start : start + COPY_BATCH]
                    for row in _converted(statement, converters, batch):
                        copy.write_row(row)
        except (TypeError, ValueError) as error:
            raise exc.StatementError(str(error), statement, None, error) from error
        except dbapi.Error as error:
            raise exc.DBAPIError.instance(statement, None, error, dbapi.Error) from error


COPY_BATCH = 100
"""The rows converted at a time in a COPY."""
COLUMN_TYPES = (
    "SELECT attname, atttypid::int FROM pg_attribute"
    " WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped"
)


def _binary_types(cursor: Any, dbapi: Any, table: Table, columns: list[Column]) -> list[int] | None:
    """The type (oid) as which the driver writes each column's values in a binary COPY into the
    ``table``; None when it cannot write one of them so. JSON goes as the bytes of
    its binary form (see :func:`_json_bytes`), which the server reads as the column's type."""
    oids = dict(cursor.execute(COLUMN_TYPES, [table.name]).fetchall())
    written = []
    for column in columns:
        if isinstance(column.type.dialect_impl(BINARY.dialect), JSON):
            written.append(cursor.adapters.types["bytea"].oid)
            continue
        oid = oids.get(column.name)
        try:
            cursor.adapters.get_dumper_by_oid(oid, dbapi.pq.Format.BINARY)
        except (TypeError, dbapi.ProgrammingError):
            return None
        written.append(oid)
    return written


def insert_with_ids(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], key: str
) -> dict[Any, int]:
    """Insert ``rows`` as :func:`insert_rows` does; the ids they were given, by their ``key``
    column (unique among them)."""
    if not rows:
        return {}
    if is_postgresql(session):
        sequence = select(func.pg_get_serial_sequence(table.name, "id")).scalar_subquery()
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


def _json_text(none_as_null: bool, value: Any) -> str | None:
    """A JSON column's value as a text COPY takes it, as SQLAlchemy binds it: None is JSON's
    null unless the column stores it as SQL NULL."""
    if isinstance(value, Null) or (value is None and none_as_null):
        return None
    return json_text(None if value is JSON.NULL else value)


JSONB_VERSION = b"\x01"
"""What a jsonb value begins with in PostgreSQL's binary format, before its JSON text."""


def _json_bytes(none_as_null: bool, jsonb: bool, value: Any) -> bytes | None:
    """A JSON column's value in a binary COPY: its text, after the version of the format for
    jsonb."""
    written = _json_text(none_as_null, value)
    if written is None:
        return None
    return JSONB_VERSION + written.encode() if jsonb else written.encode()


@dataclass(frozen=True)
class Form:
    """How the driver is given values: for which dialect, and in a binary COPY or not."""

    dialect: Dialect
    binary: bool = False


SQLITE, TEXT, BINARY = (
    Form(sqlite.dialect()),
    Form(postgresql.dialect()),
    Form(postgresql.dialect(), True),
)


Converters = list[tuple[str, Callable[[Any], Any] | None]]
"""Each column's name and what converts its values for the driver (None: nothing)."""


def _converters(form: Form, columns: list[Column]) -> Converters:
    """The converters of ``columns`` in ``form``; a timestamp repeated in a column (the moment
    of a sync) is converted once."""
    converters: Converters = []
    for column in columns:
        convert = _converter(form, column)
        if convert is sqlite_time:
            convert = lru_cache(maxsize=None)(convert)
        converters.append((column.name, convert))
    return converters


def _converted(
    statement: str, converters: Converters, rows: Sequence[Mapping[str, Any]]
) -> list[tuple]:
    """The rows' values as the driver takes them, converted a column at a time (the loops run in
    C). A value its column refuses is SQLAlchemy's error for a statement that could not be
    sent."""
    converted = []
    try:
        for name, convert in converters:
            values = map(itemgetter(name), rows)
            converted.append(list(values if convert is None else map(convert, values)))
    except (TypeError, ValueError) as error:
        raise exc.StatementError(str(error), statement, None, error) from error
    return list(zip(*converted, strict=True))


def _converter(form: Form, column: Column) -> Callable[[Any], Any] | None:
    """What SQLAlchemy would do to a value of ``column`` before giving it to the driver."""
    dialect = form.dialect
    if isinstance(column.type, UTCDateTime):
        return sqlite_time if dialect.name == "sqlite" else aware_time
    implemented = column.type.dialect_impl(dialect)
    if isinstance(implemented, JSON) and dialect.name == "postgresql":
        if form.binary:
            jsonb = isinstance(implemented, postgresql.JSONB)
            return partial(_json_bytes, implemented.none_as_null, jsonb)
        return partial(_json_text, implemented.none_as_null)
    return implemented.bind_processor(dialect)


def _check_defaults(table: Table, given: set[str]) -> None:
    """The model's own defaults are not applied here: every column that has one must be given."""
    missing = [c.name for c in table.columns if c.default is not None and c.name not in given]
    if missing:
        raise ValueError(f"inserting into {table.name} needs values of {', '.join(missing)}")
