"""Column types that must behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import StatementError

from hub.audit import audit
from hub.db import SQLITE_CACHE_KIB, SQLITE_CHECKPOINT_PAGES, WORK_MEM, Database, json_text
from hub.models import AuditEntry, Record, Source


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    with database.session() as session:
        session.add(Source(name="finance", type="finance"))
    yield database
    database.dispose()


def record(external_id: str, **values) -> Record:
    return Record(
        source_id=1, external_id=external_id, kind="budget_line", content_hash="x", **values
    )


def test_amounts_are_exact_decimals_and_add_up_to_the_rupiah(db):
    amounts = [Decimal("80123456789012.35"), Decimal("0.10"), Decimal("0.20"), 7]
    with db.session() as session:
        session.add_all(record(f"line-{i}", amount=a) for i, a in enumerate(amounts))

    with db.session() as session:
        total = session.scalar(select(func.sum(Record.amount)))
        stored = session.scalar(select(Record.amount).filter_by(external_id="line-1"))

    assert total == Decimal("80123456789019.65")
    assert isinstance(total, Decimal)
    assert stored == Decimal("0.10")


@pytest.mark.parametrize(
    ("value", "message"),
    [(0.1, "expected a Decimal, got float"), (Decimal("1.005"), "more than two decimal")],
)
def test_floats_and_fractions_of_a_sen_are_refused(db, value, message):
    with pytest.raises(StatementError, match=message), db.session() as session:
        session.add(record("bad", amount=value))
        session.flush()


def test_timestamps_come_back_aware_in_utc_and_naive_ones_are_refused(db):
    wib = timezone(timedelta(hours=7))
    with db.session() as session:
        session.add(record("t", created_at=datetime(2026, 11, 23, 9, 0, tzinfo=wib)))

    with db.session() as session:
        created = session.scalar(select(Record.created_at))
    assert created == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert created.utcoffset() == timedelta(0)

    with pytest.raises(StatementError, match="naive datetime"), db.session() as session:
        session.add(record("naive", created_at=datetime(2026, 11, 23, 9, 0)))
        session.flush()


def test_an_audit_entry_exists_exactly_when_its_change_does(db):
    with db.session() as session:
        audit(session, None, "source.rename", "source", 1, old="finance", new="keuangan")
    with pytest.raises(RuntimeError), db.session() as session:
        audit(session, None, "source.rename", "source", 1, old="keuangan", new="x")
        raise RuntimeError("the change failed")

    with db.session() as session:
        entries = session.scalars(select(AuditEntry)).all()
    assert [(e.action, e.target_id, e.detail) for e in entries] == [
        ("source.rename", "1", {"old": "finance", "new": "keuangan"})
    ]
    assert entries[0].username == "" and entries[0].at.tzinfo is not None


def test_a_query_on_postgresql_may_sort_in_the_memory_the_hub_or_its_url_gives_it(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("work_mem is PostgreSQL's")

    with db.session() as session:
        assert session.scalar(text("SHOW work_mem")) == WORK_MEM
    own_url = db.url.update_query_dict({"options": "-c work_mem=64MB"})
    own = Database(own_url.render_as_string(hide_password=False))
    try:
        with own.session() as session:
            assert session.scalar(text("SHOW work_mem")) == "64MB"
    finally:
        own.dispose()


@pytest.mark.parametrize(
    "value",
    [
        {"z": [1, None, "teks é"], "a": {"b": True}},
        {"big": 10**40, "small": -(10**30)},
        [1.5, "\u2028", {"1": "key"}],
    ],
)
def test_json_is_stored_as_the_json_module_reads_it_back(db, value):
    with db.session() as session:
        session.add(record("json", payload=value))
    with db.session() as session:
        stored = session.scalar(select(Record.payload).where(Record.external_id == "json"))

    assert stored == value
    assert json.loads(json_text(value)) == value


def test_json_neither_library_can_write_is_refused_and_nothing_is_stored(db):
    with pytest.raises((StatementError, TypeError)), db.session() as session:
        session.add(record("json", payload={"at": datetime(2026, 12, 2, tzinfo=UTC)}))
        session.flush()

    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Record)) == 0


def test_a_sqlite_connection_keeps_more_pages_and_checkpoints_less_often(db):
    if not db.is_sqlite:
        pytest.skip("the pragmas are SQLite's")

    with db.session() as session:
        cache = session.scalar(text("PRAGMA cache_size"))
        checkpoint = session.scalar(text("PRAGMA wal_autocheckpoint"))

    assert (cache, checkpoint) == (-SQLITE_CACHE_KIB, SQLITE_CHECKPOINT_PAGES)
