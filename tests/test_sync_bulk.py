"""Writing many new rows at once, on SQLite and PostgreSQL: what is stored is what an INSERT
stores, what the database refuses is refused the same way, and the ids given are the rows'."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import (
    CHAR,
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    exc,
    insert,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from hub.models.base import BigId, Hundredths, Json, UTCDateTime
from hub.sync.bulk import (
    add_selected,
    add_to_rows,
    among,
    insert_rows,
    insert_with_ids,
    sqlite_time,
)

METADATA = MetaData()


def json_columns() -> tuple[Column, Column]:
    return Column("plain", JSON), Column("rich", Json)


SAMPLES = Table(
    "bulk_samples",
    METADATA,
    Column("id", BigId, primary_key=True),
    Column("code", String(8), unique=True),
    Column("seen_at", UTCDateTime),
    Column("amount", Hundredths),
    Column("detail", Json),
    Column("flag", Boolean),
    Column("ratio", Float),
    Column("note", String(200), default=""),
)
COUNTS = Table(
    "bulk_counts",
    METADATA,
    Column("day", Date, primary_key=True),
    Column("place", String(16), primary_key=True),
    Column("seen", Integer, nullable=False),
    Column("done", Integer),
)
JSONS = Table("bulk_jsons", METADATA, Column("id", Integer, primary_key=True), *json_columns())
LETTERS = Table(
    "bulk_letters",
    METADATA,
    Column("id", Integer, primary_key=True),
    *json_columns(),
    Column("letters", CHAR(3)),
)
"""JSON of both kinds (json and jsonb on PostgreSQL); and with them a type the driver has no
binary form of (the COPY is then of text)."""
WIB = timezone(timedelta(hours=7))


def sample(number: int, **values) -> dict:
    return {
        "code": f"S-{number}",
        "seen_at": datetime(2026, 11, 2, 8, 0, number, number * 7, tzinfo=WIB),
        "amount": Decimal(number) / 4,
        "detail": {"z": [number, None, "teks é"], "a": {"ok": number % 2 == 0}},
        "flag": number % 2 == 0,
        "ratio": number / 3,
        "note": f"catatan {number}",
        **values,
    }


@pytest.fixture
def session(database_url) -> Iterator[Session]:
    engine = create_engine(database_url)
    METADATA.create_all(engine)
    try:
        with Session(engine) as session, session.begin():
            yield session
    finally:
        METADATA.drop_all(engine)
        engine.dispose()


def stored(session: Session) -> dict[str, tuple]:
    """The rows as the database holds them (the driver's values, no type conversion, and
    whether a JSON value is SQL NULL rather than JSON's null), by code."""
    rows = session.connection().exec_driver_sql(
        "SELECT code, seen_at, amount, detail, detail IS NULL, flag, ratio, note FROM bulk_samples"
    )
    return {row[0]: tuple(row) for row in rows}


def test_the_rows_are_stored_as_an_insert_stores_them(session):
    rows = [
        sample(1),
        sample(2, detail=None, amount=None),
        sample(3, seen_at=datetime(2026, 11, 2, 8, 0, tzinfo=UTC)),
    ]
    session.execute(insert(SAMPLES), rows)
    expected = stored(session)
    session.execute(delete(SAMPLES))

    insert_rows(session, SAMPLES, rows)

    assert stored(session) == expected


@pytest.mark.parametrize("table", [JSONS, LETTERS], ids=["binary", "text"])
def test_json_of_either_kind_is_stored_as_an_insert_stores_it(session, table):
    rows = [
        {"id": 1, "plain": {"b": [1, "é"], "a": None}, "rich": [{"x": 1.5}], "letters": "abc"},
        {"id": 2, "plain": None, "rich": None, "letters": None},
        {"id": 3, "plain": JSON.NULL, "rich": "teks", "letters": "xy"},
    ]
    rows = [{name: row[name] for name in [column.name for column in table.columns]} for row in rows]
    query = select(table, table.c.plain.is_(None), table.c.rich.is_(None)).order_by(table.c.id)
    session.execute(insert(table), rows)
    expected = session.execute(query).all()
    session.execute(delete(table))

    insert_rows(session, table, rows)

    assert session.execute(query).all() == expected


@pytest.mark.parametrize(
    ("values", "refusal"),
    [
        ({"code": "S-1"}, exc.IntegrityError),
        ({"seen_at": datetime(2026, 11, 2, 8, 0)}, exc.StatementError),
        ({"amount": 1.5}, exc.StatementError),
    ],
)
def test_what_the_database_or_a_column_refuses_is_refused_as_by_an_insert(session, values, refusal):
    insert_rows(session, SAMPLES, [sample(1)])

    for write in (
        lambda rows: session.execute(insert(SAMPLES), rows),
        lambda rows: insert_rows(session, SAMPLES, rows),
    ):
        with pytest.raises(refusal), session.begin_nested():
            write([sample(2), sample(3, **values)])


def test_a_value_too_long_for_its_column_is_a_data_error_on_postgresql(session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite keeps strings of any length")

    with pytest.raises(exc.DataError):
        insert_rows(session, SAMPLES, [sample(1, code="S-" + "9" * 20)])


def test_a_column_with_a_default_must_be_given(session):
    row = sample(1)
    del row["note"]

    with pytest.raises(ValueError, match="note"):
        insert_rows(session, SAMPLES, [row])


def test_the_ids_given_are_those_the_rows_were_stored_with(session):
    insert_rows(session, SAMPLES, [sample(1), sample(2)])
    session.execute(delete(SAMPLES).where(SAMPLES.c.code == "S-2"))

    ids = insert_with_ids(session, SAMPLES, [sample(number) for number in range(3, 8)], "code")

    rows = dict(session.execute(select(SAMPLES.c.code, SAMPLES.c.id)).all())
    assert ids == {code: rows[code] for code in ("S-3", "S-4", "S-5", "S-6", "S-7")}
    assert len(set(ids.values())) == 5 and min(ids.values()) > rows["S-1"]


def test_among_finds_what_in_finds(session):
    insert_rows(session, SAMPLES, [sample(number) for number in range(1, 6)])
    wanted = ["S-2", "S-4", "S-9"]

    found = session.scalars(select(SAMPLES.c.code).where(among(session, SAMPLES.c.code, wanted)))

    assert sorted(found) == ["S-2", "S-4"]
    rendered = str(among(session, SAMPLES.c.code, wanted).compile(session.get_bind()))
    assert ("ANY" in rendered) == (session.get_bind().dialect.name == "postgresql")


def test_counts_are_added_to_the_rows_of_their_keys_and_the_missing_rows_made(session):
    first, second = date(2026, 11, 2), date(2026, 11, 3)
    add_to_rows(
        session,
        COUNTS,
        [{"day": first, "place": "A", "seen": 2, "done": 1}],
        ("seen", "done"),
    )

    add_to_rows(
        session,
        COUNTS,
        [
            {"day": first, "place": "A", "seen": -1, "done": 4},
            {"day": second, "place": "A", "seen": 5, "done": 0},
            {"day": first, "place": "B", "seen": 1, "done": 1},
        ],
        ("seen", "done"),
    )

    rows = session.execute(select(COUNTS).order_by(COUNTS.c.day, COUNTS.c.place)).all()
    assert [tuple(row) for row in rows] == [
        (first, "A", 1, 5),
        (first, "B", 1, 1),
        (second, "A", 5, 0),
    ]


def test_counts_a_select_gives_are_added_to_the_rows_of_their_keys(session):
    first, second = date(2026, 11, 2), date(2026, 11, 3)
    counts = ("seen", "done")
    add_to_rows(session, COUNTS, [{"day": first, "place": "A", "seen": 2, "done": 1}], counts)
    names = ["day", "place", "seen", "done"]
    given = [(first, "A", 3, 0), (second, "B", 1, 1)]
    selected = union_all(
        *(
            select(*(literal(v, c.type) for v, c in zip(row, COUNTS.c, strict=True)))
            for row in given
        )
    ).subquery()

    add_selected(session, COUNTS, names, select(selected), counts)

    rows = session.execute(select(COUNTS).order_by(COUNTS.c.day, COUNTS.c.place)).all()
    assert [tuple(row) for row in rows] == [(first, "A", 5, 1), (second, "B", 1, 1)]


def test_a_count_the_database_refuses_is_refused_and_nothing_is_added(session):
    add_to_rows(
        session,
        COUNTS,
        [{"day": date(2026, 11, 2), "place": "A", "seen": 1, "done": 1}],
        ("seen", "done"),
    )

    with pytest.raises(exc.IntegrityError), session.begin_nested():
        add_to_rows(
            session,
            COUNTS,
            [
                {"day": date(2026, 11, 2), "place": "A", "seen": 1, "done": 1},
                {"day": date(2026, 11, 3), "place": "A", "seen": None, "done": 1},
            ],
            ("seen", "done"),
        )

    assert session.execute(select(COUNTS.c.seen)).scalars().all() == [1]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 5, 5, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-3))),
        datetime(999, 3, 4, 5, 6, 7, 8, tzinfo=WIB),
        None,
    ],
)
def test_a_timestamp_is_written_to_sqlite_as_sqlalchemy_writes_it(moment):
    dialect = sqlite.dialect()
    process = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)

    assert sqlite_time(moment) == process(moment)
