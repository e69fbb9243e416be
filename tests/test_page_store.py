"""Storing a page in batches, on SQLite and PostgreSQL: what is written, what a refused record
does to the rest of its batch, what an unchanged page costs, and the content hash."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sample_city
from sqlalchemy import event, select, update

from hub.models import Record, RecordError, Source, SyncRun
from hub.sources import SourceSettings
from hub.state import current_hub
from hub.storable import cleaned
from hub.sync.store import HASH_FORM, PageStore, canonical, content_hash, legacy_hash

SOURCE = "lights-store"
START = datetime(2026, 11, 2, 8, 0, tzinfo=sample_city.WIB)
WRITES = ("INSERT", "UPDATE", "DELETE", "SAVEPOINT")


def light(number: int, **fields: Any) -> dict[str, Any]:
    moment = (START + timedelta(seconds=number)).isoformat()
    return {
        "id": f"PJU-{number:04d}",
        "street": f"Jl. Raya Setu No. {number}",
        "kelurahan_code": sample_city.SETU,
        "lamp": "LED",
        "status": sample_city.LIT,
        "installed_at": moment,
        "updated_at": moment,
        **fields,
    }


def metered(payload: dict[str, Any]):
    """The sample's light, with the energy it used as the record's amount."""
    record = sample_city.normalize(payload)
    record.amount = Decimal(payload["kwh"]) if "kwh" in payload else None
    return record


@pytest.fixture
def app(make_city, database_url):
    settings = {"url": "http://127.0.0.1:9", "api_key_env": sample_city.API_KEY_ENV}
    source = SourceSettings(SOURCE, "streetlights", 300, True, settings)
    return make_city(database_url, sources=(source,))


@pytest.fixture
def store(app):
    """Store a page as one run of the source does, in a transaction of its own."""
    hub = current_hub(app)
    with hub.db.session() as session:
        source_id = session.scalars(select(Source.id).filter_by(name=SOURCE)).one()
        run = SyncRun(source_id=source_id, full=False, worker="test", status="running")
        session.add(run)
        session.flush()
        run_id = run.id

    def store_page(payloads: list[dict[str, Any]], full: bool = False):
        page_store = PageStore(source_id, run_id, metered, frozenset(hub.record_kinds), full)
        with hub.db.session() as session:
            return page_store.store(session, payloads)

    return store_page


@pytest.fixture
def statements(app) -> list[str]:
    """The SQL statements the app's database runs from now on."""
    ran: list[str] = []
    engine = current_hub(app).db.engine

    def note(connection, cursor, statement, parameters, context, executemany):
        ran.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    yield ran
    event.remove(engine, "before_cursor_execute", note)


def stored(app) -> dict[str, Record]:
    with current_hub(app).db.session() as session:
        return {record.external_id: record for record in session.scalars(select(Record))}


def test_a_refused_record_in_the_middle_of_a_batch_is_an_error_and_the_rest_is_stored(app, store):
    store([light(1), light(2)])
    page = [
        light(1),
        light(2, status=sample_city.OUT),
        light(3, kwh="4.5"),
        light(4, kwh=str(10**30)),
        light(5),
    ]

    outcome = store(page)

    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.errored) == (2, 1, 1, 1)
    records = stored(app)
    assert set(records) == {"PJU-0001", "PJU-0002", "PJU-0003", "PJU-0005"}
    assert records["PJU-0002"].status == sample_city.OUT
    assert records["PJU-0003"].amount == Decimal("4.50")
    changes = {change.external_id: change for change in outcome.changes}
    assert set(changes) == {"PJU-0002", "PJU-0003", "PJU-0005"}
    assert (changes["PJU-0002"].created, changes["PJU-0002"].previous_status) == (False, "lit")
    assert changes["PJU-0002"].status == sample_city.OUT
    assert changes["PJU-0003"].created and changes["PJU-0003"].previous_status is None
    for external_id, change in changes.items():
        assert change.record_id == records[external_id].id
        assert change.area_code == sample_city.SETU
    with current_hub(app).db.session() as session:
        (error,) = session.scalars(select(RecordError))
        assert (error.external_id, error.stage) == ("PJU-0004", "store")


def test_an_unchanged_page_writes_nothing(app, store, statements):
    page = [light(number) for number in range(1, 6)]
    store(page)
    statements.clear()

    outcome = store(list(reversed(page)))

    assert (outcome.unchanged, outcome.changes) == (5, [])
    assert [s for s in statements if s.lstrip().upper().startswith(WRITES)] == []


def test_a_page_writes_its_changed_records_in_one_upsert_and_its_new_ones_at_once(
    app, store, statements
):
    store([light(1), light(2)])
    statements.clear()

    outcome = store([light(1, street="Jl. Baru"), light(2), light(3), light(4)])

    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    upserts = [s for s in writes if "ON CONFLICT" in s]
    assert len(upserts) == 1
    # The new records: one INSERT run for many rows on SQLite, a COPY (which SQLAlchemy does
    # not see) on PostgreSQL.
    postgresql = current_hub(app).db.engine.dialect.name == "postgresql"
    assert len(writes) - len(upserts) == (0 if postgresql else 1)
    records = stored(app)
    assert records["PJU-0001"].title == "Jl. Baru"
    assert {c.external_id: c.record_id for c in outcome.changes} == {
        external_id: records[external_id].id for external_id in ("PJU-0001", "PJU-0003", "PJU-0004")
    }
    assert records["PJU-0003"].payload == light(3) and records["PJU-0004"].first_seen_at


def test_a_deleted_record_listed_again_comes_back(app, store):
    store([light(1)])
    with current_hub(app).db.session() as session:
        session.execute(update(Record).values(deleted_at=START))

    outcome = store([light(1)])

    assert (outcome.updated, outcome.unchanged) == (1, 0)
    assert stored(app)["PJU-0001"].deleted_at is None


def test_a_hash_of_the_earlier_form_is_unchanged_and_stored_anew(app, store, statements):
    store([light(1), light(2)])
    with current_hub(app).db.session() as session:
        for record in session.scalars(select(Record)):
            record.content_hash = legacy_hash(record.payload)

    first = store([light(1), light(2, status=sample_city.OUT)])
    statements.clear()
    second = store([light(1), light(2, status=sample_city.OUT)])

    assert (first.updated, first.unchanged) == (1, 1)
    assert (second.updated, second.unchanged) == (0, 2)
    assert {r.content_hash for r in stored(app).values()} == {
        content_hash(light(1)),
        content_hash(light(2, status=sample_city.OUT)),
    }
    assert [s for s in statements if s.lstrip().upper().startswith(WRITES)] == []


@pytest.mark.parametrize(
    "payload",
    [
        {"street": "Jl.\x00 Raya", "log": ["lamp\x08 replaced\x0c", {"k\x1f": "v"}]},
        {"inspector": "Budi\ud83d", "code": "\ufffeA\uffff"},
        {"path": "C:\\bin\\fix", "note": "tab\there\nnew line\r"},
        {"big": 10**30, "float": 1e16, "list": [None, True, 1.5]},
    ],
)
def test_canonical_json_is_the_cleaned_payload_whatever_the_key_order(payload):
    cleaned_payload, text = canonical(payload)
    reordered = dict(reversed(list(payload.items())))

    assert cleaned_payload == cleaned(payload)
    assert canonical(reordered)[1] == text
    assert content_hash(payload) == content_hash(cleaned(payload)) == content_hash(reordered)
    assert content_hash(payload).startswith(HASH_FORM) and len(content_hash(payload)) == 64


def test_different_payloads_hash_differently():
    hashes = {content_hash(p) for p in ({"a": 1}, {"a": "1"}, {"a": 1.0}, {"a": [1]}, {"b": 1})}

    assert len(hashes) == 5
