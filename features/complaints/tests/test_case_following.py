"""A page of changes is followed as rows, on SQLite and PostgreSQL: no case is loaded as an
ORM object and no record's whole attributes are read, and a page that mixes new complaints,
status changes, a dispute, a deletion and a complaint moved leaves each case as the source
says."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select

from features.complaints.models import ComplaintCase, ComplaintEvent, ComplaintPhoto
from hub.models import Record, Source
from hub.state import current_hub
from hub.sync.store import RecordChange
from hub.testing import add_records

RECEIVED = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
CHANGED = RECEIVED + timedelta(hours=3)
AREA = "31.75.10.1005"
MOVED = (-6.3, 106.95)
WHOLE_ATTRIBUTES = re.compile(r"(?<!JSON_EXTRACT\()records\.attributes(?!\s*->)", re.I)


def test_a_mixed_page_is_followed_without_orm_cases_or_whole_attributes(database_url, make_app):
    app = make_app(database_url, only=("complaints",))
    hub = current_hub(app)
    with app.test_request_context(), hub.db.session() as session:
        source = Source(name="qlue", type="qlue")
        session.add(source)
        session.flush()
        statuses = ("open", "open", "resolved", "open")
        made = [_record(source.id, number, status) for number, status in enumerate(statuses)]
        records = add_records(app, session, made)
        ids = [record.id for record in records]

    loaded = []

    def on_load(case, _context) -> None:
        loaded.append(case)

    with app.test_request_context(), hub.db.session() as session:
        stored = {r.id: r for r in session.scalars(select(Record).where(Record.id.in_(ids)))}
        stored[ids[0]].status = "in_progress"
        stored[ids[1]].deleted_at = CHANGED
        stored[ids[2]].status = "open"
        stored[ids[3]].latitude, stored[ids[3]].longitude = MOVED
        new = _record(stored[ids[0]].source_id, 9, "open")
        session.add(new)
        session.flush()
        changes = [
            _change(stored[ids[0]], "open"),
            _change(stored[ids[1]], "open"),
            _change(stored[ids[2]], "resolved"),
            _change(stored[ids[3]], "open"),
            _change(new, None, created=True),
        ]
        event.listen(ComplaintCase, "load", on_load)
        try:
            with statements_sent(hub) as statements:
                hub.records_changed(session, changes)
        finally:
            event.remove(ComplaintCase, "load", on_load)

    assert loaded == []
    assert [sql for sql in statements if WHOLE_ATTRIBUTES.search(sql)] == []
    with hub.db.session() as session:
        cases = {c.record_id: c for c in session.scalars(select(ComplaintCase))}
        actions = dict(
            session.execute(select(ComplaintEvent.record_id, ComplaintEvent.action)).all()
        )
        photos = set(session.scalars(select(ComplaintPhoto.record_id)))
    answered, deleted, disputed, untouched = (cases[i] for i in ids)
    assert (answered.status, answered.first_response_at) == ("in_progress", CHANGED)
    assert answered.overdue_at == answered.completion_due_at
    assert (deleted.source_deleted, deleted.status) == (True, "open")
    assert (disputed.status, disputed.reopened, disputed.resolved_at) == ("open", 1, None)
    assert disputed.remind_at == disputed.updated_at
    assert not untouched.source_deleted and untouched.reopened == 0
    assert (untouched.latitude, untouched.longitude) == MOVED
    assert (answered.latitude, answered.longitude) == _spot(0)
    assert actions == {ids[0]: "status", ids[2]: "dispute"}
    fresh = cases[new.id]
    assert (fresh.district_code, fresh.regency_code, fresh.agency_code) == (
        "31.75.10",
        "31.75",
        "dlh",
    )
    assert fresh.response_due_at == RECEIVED + timedelta(hours=24)
    assert fresh.overdue_at == fresh.response_due_at
    assert fresh.remind_at is not None and RECEIVED < fresh.remind_at <= fresh.response_due_at
    assert photos == {*ids, new.id}
    assert (fresh.latitude, fresh.longitude) == _spot(9)


@contextmanager
def statements_sent(hub) -> Iterator[list[str]]:
    """The SQL the hub's engine sends while in the block."""
    statements: list[str] = []

    def on_execute(_connection, _cursor, sql, *_rest) -> None:
        statements.append(sql)

    event.listen(hub.db.engine, "before_cursor_execute", on_execute)
    try:
        yield statements
    finally:
        event.remove(hub.db.engine, "before_cursor_execute", on_execute)


def _record(source_id: int, number: int, status: str) -> Record:
    return Record(
        source_id=source_id,
        external_id=str(number),
        kind="complaint",
        status=status,
        category="Sampah",
        area_code=AREA,
        title="Sampah menumpuk",
        created_at=RECEIVED,
        updated_at=RECEIVED + timedelta(hours=1),
        attributes={"photo_url": f"https://qlue.example/{number}.jpg", "note": "x" * 50},
        content_hash=str(number),
        latitude=_spot(number)[0],
        longitude=_spot(number)[1],
    )


def _spot(number: int) -> tuple[float, float]:
    return (-6.25 + number / 1000, 106.9 + number / 1000)


def _change(record: Record, previous: str | None, created: bool = False) -> RecordChange:
    return RecordChange(
        record.id,
        record.source_id,
        record.kind,
        record.external_id,
        created,
        previous,
        record.status,
        record.category,
        record.area_code,
        record.created_at,
        CHANGED if not created else record.updated_at,
    )


def test_the_photo_wanted_is_read_from_the_attributes_just_written(database_url, make_app):
    app = make_app(database_url, only=("complaints",))
    hub = current_hub(app)
    with app.test_request_context(), hub.db.session() as session:
        source = Source(name="qlue", type="qlue")
        session.add(source)
        session.flush()
        record = _record(source.id, 1, "open")
        record.attributes = {}
        session.add(record)
        session.flush()
        written = {"photo_url": " https://qlue.example/new.jpg "}
        change = dataclasses.replace(_change(record, None, created=True), attributes=written)
        with statements_sent(hub) as statements:
            hub.records_changed(session, [change])
        urls = session.scalars(select(ComplaintPhoto.url)).all()

    assert urls == ["https://qlue.example/new.jpg"]
    assert not [sql for sql in statements if "photo_url" in sql]
